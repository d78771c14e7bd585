"""The landing-page card of the gate: today's passages, fevers, missed rounds, alerts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from villageaid.core import access, clock, roles
from villageaid.core.dashboard import Card
from villageaid.epidemic import selectors


def gate_today(user: Any) -> list[Card]:
    if not access.allowed(user, roles.Module.EPIDEMIC, roles.VIEW):
        return []
    today = selectors.today_summary(user)
    tone = "danger" if today["fevers"] or today["open_alerts"] else "success"
    items = [
        (_("发热 %(n)s 人") % {"n": today["fevers"]}, reverse("epidemic-passages")),
        (_("漏测体温 %(n)s 人") % {"n": today["missed_rounds"]}, reverse("epidemic-rounds")),
        (_("未处理预警 %(n)s 条") % {"n": today["open_alerts"]}, reverse("epidemic-alerts")),
    ]
    url_name = (
        "epidemic-gate"
        if access.allowed(user, roles.Module.EPIDEMIC, roles.EDIT)
        else "epidemic-passages"
    )
    cards = [
        Card(
            title=_("卡口今日登记"),
            count=today["passages"],
            url=reverse(url_name),
            items=items,
            tone=tone,
        )
    ]
    missing = selectors.disinfection_missing(user, clock.today())
    if missing and selectors.workers_for(user).exists():
        cards.append(
            Card(
                title=_("消毒提醒"),
                url=reverse("epidemic-disinfection"),
                items=[
                    (
                        _("今天还没有%(place)s消毒记录") % {"place": p},
                        reverse("epidemic-disinfection"),
                    )
                    for p in missing
                ],
                tone="warning",
            )
        )
    return cards
