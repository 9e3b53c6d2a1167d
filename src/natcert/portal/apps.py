from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "natcert.portal"
    label = "portal"
