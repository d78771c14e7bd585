from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "villageaid.core"
    label = "core"
