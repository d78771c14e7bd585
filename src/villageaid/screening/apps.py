from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def new_clue_cards(user: Any) -> list[Any]:
    """Landing card 新线索 for village cadres: the new clues of their village."""
    from django.urls import reverse

    from villageaid.core.dashboard import Card
    from villageaid.core.roles import Role
    from villageaid.screening import selectors
    from villageaid.screening.models import Clue

    if getattr(user, "role", "") != Role.CADRE:
        return []
    rows = selectors.clues_for(user).filter(status=Clue.Status.NEW)
    count = rows.count()
    if not count:
        return []
    items = [
        (f"{c.rule_code} {c.household.code}", reverse("screening-clue-detail", args=[c.pk]))
        for c in rows.order_by("-created_at", "rule_code")[:5]
    ]
    return [
        Card(
            title=str(_("新线索")),
            count=count,
            url=reverse("screening-clue-list") + "?status=new",
            items=items,
            tone="warning",
        )
    ]


class ScreeningConfig(AppConfig):
    name = "villageaid.screening"
    label = "screening"

    def ready(self) -> None:
        from villageaid.core import dashboard, roles
        from villageaid.core.navigation import Entry, register
        from villageaid.screening import jobs  # noqa: F401  (registers the job kind)

        module = roles.Module.SCREENING
        register(Entry(_("线索"), "screening-clue-list", module, order=20))
        register(Entry(_("筛查批次"), "screening-run-list", module, order=21))
        register(Entry(_("部门数据"), "screening-dataset-list", module, order=22))
        register(Entry(_("筛查规则"), "screening-catalogue", module, order=23))
        dashboard.provider(new_clue_cards)
