from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "villageaid.core"
    label = "core"

    def ready(self) -> None:
        from villageaid.core import logging

        logging.install()
