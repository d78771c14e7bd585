from django.apps import AppConfig


class GreenhouseConfig(AppConfig):
    name = "villageaid.greenhouse"
    label = "greenhouse"
