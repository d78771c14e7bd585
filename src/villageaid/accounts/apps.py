from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "villageaid.accounts"
    label = "accounts"
