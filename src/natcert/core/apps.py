from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "natcert.core"
    label = "core"
