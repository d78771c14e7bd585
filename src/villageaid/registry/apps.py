from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "villageaid.registry"
    label = "registry"

    def ready(self) -> None:
        from villageaid.core import roles
        from villageaid.core.navigation import Entry, register

        register(Entry(_("农户"), "household-list", roles.Module.REGISTRY, order=10))

        import villageaid.registry.imports  # noqa: F401 - registers the import job kinds
