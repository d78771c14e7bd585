from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "villageaid.sales"
    label = "sales"

    def ready(self) -> None:
        from villageaid.core import roles
        from villageaid.core.navigation import Entry, register
        from villageaid.greenhouse import services as greenhouse
        from villageaid.sales import cards, tasks  # noqa: F401  (register card and job)
        from villageaid.sales.services import on_harvest_recorded

        if on_harvest_recorded not in greenhouse.HARVEST_HOOKS:  # a harvest becomes stock
            greenhouse.HARVEST_HOOKS.append(on_harvest_recorded)

        register(Entry(_("销售"), "sales-today", roles.Module.SALES, order=60))
        register(Entry(_("集体收支"), "sales-ledger", roles.Module.SALES, order=61))
