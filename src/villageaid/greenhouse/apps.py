from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GreenhouseConfig(AppConfig):
    name = "villageaid.greenhouse"
    label = "greenhouse"

    def ready(self) -> None:
        from villageaid.core import roles
        from villageaid.core.navigation import Entry, register
        from villageaid.greenhouse import cards  # noqa: F401 - registers the landing card

        register(Entry(_("大棚园区"), "greenhouse-park", roles.Module.GREENHOUSE, order=40))
        register(Entry(_("大棚报警"), "greenhouse-alerts", roles.Module.GREENHOUSE, order=41))
        register(
            Entry(
                _("采收登记"),
                "greenhouse-harvest",
                roles.Module.GREENHOUSE,
                roles.EDIT,
                order=42,
            )
        )
        register(
            Entry(_("设备投资测算"), "greenhouse-investment", roles.Module.GREENHOUSE, order=43)
        )
        register(Entry(_("复工早晚测算"), "greenhouse-whatif", roles.Module.GREENHOUSE, order=44))
