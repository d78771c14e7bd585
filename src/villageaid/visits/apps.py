from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "villageaid.visits"
    label = "visits"

    def ready(self) -> None:
        from villageaid.core import access, dashboard, roles
        from villageaid.core.navigation import Entry, register
        from villageaid.registry.models import Household
        from villageaid.visits import cards, narrowing, tasks  # noqa: F401

        # Every module that holds household records narrows the household-bound roles to
        # their own households, reads and writes alike (core.access.require_row). An
        # assessor has no cases rights by role; a per-user grant would still be narrowed.
        for module in narrowing.MODULES:
            access.narrowing(module, roles.Role.HELPER, target=Household)(
                narrowing.helper_households
            )
            access.narrowing(module, roles.Role.ASSESSOR, target=Household)(
                narrowing.assessor_households
            )
        register(Entry(_("今日走访"), "visits-today", roles.Module.VISITS, order=20))
        register(Entry(_("走访覆盖"), "visits-coverage", roles.Module.VISITS, order=21))
        register(Entry(_("自查评估"), "campaign-list", roles.Module.VISITS, order=22))
        register(Entry(_("结对帮扶"), "visits-pairing", roles.Module.VISITS, order=21))
        register(Entry(_("党员积分"), "points-ranking", roles.Module.VISITS, order=23))
        register(Entry(_("积分审核"), "points-claims", roles.Module.VISITS, order=23))
        register(Entry(_("走访慰问"), "party-visits", roles.Module.VISITS, order=24))
        dashboard.provider(cards.visit_cards)
