from django.apps import AppConfig


class EpidemicConfig(AppConfig):
    name = "villageaid.epidemic"
    label = "epidemic"
