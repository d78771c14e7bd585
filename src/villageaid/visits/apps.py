from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "villageaid.visits"
    label = "visits"
