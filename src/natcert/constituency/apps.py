from django.apps import AppConfig


class ConstituencyConfig(AppConfig):
    name = "natcert.constituency"
    label = "constituency"
