from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpidemicConfig(AppConfig):
    name = "villageaid.epidemic"
    label = "epidemic"

    def ready(self) -> None:
        from villageaid.core import roles
        from villageaid.core.dashboard import provider
        from villageaid.core.navigation import Entry, register
        from villageaid.epidemic import cards, tasks  # noqa: F401

        module = roles.Module.EPIDEMIC
        register(Entry(_("卡口登记"), "epidemic-gate", module, roles.EDIT, order=60))
        register(Entry(_("返乡观察"), "epidemic-returnees", module, order=61))
        register(Entry(_("进出台账"), "epidemic-passages", module, order=61))
        register(Entry(_("园区测温"), "epidemic-rounds", module, order=62))
        register(Entry(_("消毒"), "epidemic-disinfection", module, order=63))
        register(Entry(_("防疫物资"), "epidemic-supplies", module, order=64))
        register(Entry(_("卡口预警"), "epidemic-alerts", module, order=65))
        register(Entry(_("防疫概况"), "epidemic-overview", module, order=66))
        register(Entry(_("封村"), "epidemic-closure", module, order=67))
        provider(cards.gate_today)
