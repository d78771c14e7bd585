from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "villageaid.registry"
    label = "registry"
