from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "villageaid.screening"
    label = "screening"
