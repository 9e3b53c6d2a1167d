from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "natcert.accounts"
    label = "accounts"
