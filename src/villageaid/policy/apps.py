from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "villageaid.policy"
    verbose_name = _("政策版本")

    def ready(self) -> None:
        from villageaid.policy import resolver

        resolver.connect_invalidation()
