from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "natcert.intel"
    label = "intel"
