from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "villageaid.cases"
    label = "cases"

    def ready(self) -> None:
        from villageaid.cases import cards, tasks  # noqa: F401 - registers the job kind
        from villageaid.core import dashboard, roles
        from villageaid.core.navigation import Entry, register

        register(Entry(_("监测帮扶"), "case-list", roles.Module.CASES, order=30))
        register(Entry(_("公示"), "notice-list", roles.Module.CASES, order=31))
        dashboard.provider(cards.case_cards)
