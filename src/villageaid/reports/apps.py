from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "villageaid.reports"
    label = "reports"

    def ready(self) -> None:
        from villageaid.core import dashboard, roles
        from villageaid.core.navigation import Entry, register
        from villageaid.reports import cards

        register(Entry(_("成绩单"), "scorecard", roles.Module.REPORTS, order=80))
        dashboard.provider(cards.period_cards)
        import villageaid.reports.services  # noqa: F401 - registers the refresh job
