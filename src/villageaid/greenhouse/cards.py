"""The technician's landing card: houses out of band and open alerts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from villageaid.core import access, roles
from villageaid.core.dashboard import Card, provider
from villageaid.greenhouse import selectors

MODULE = roles.Module.GREENHOUSE


@provider
def greenhouse_cards(user: Any) -> list[Card]:
    if getattr(user, "role", "") != roles.Role.TECH or not access.allowed(user, MODULE, roles.VIEW):
        return []
    tiles = selectors.park_tiles(user)
    red = [t for t in tiles if t["status"] == selectors.RED]
    open_alerts = selectors.alerts_visible(user, open_only=True)
    return [
        Card(
            title=_("超出适宜范围的大棚"),
            count=len(red),
            url=reverse("greenhouse-park"),
            items=[
                (
                    f"{t['house'].name or t['house'].code} {t['temp']:.1f}°C {t['rh']:.0f}%",
                    reverse("greenhouse-house", args=[t["house"].pk]),
                )
                for t in red[:5]
            ],
            tone="danger" if red else "success",
        ),
        Card(
            title=_("未处理的大棚报警"),
            count=open_alerts.count(),
            url=reverse("greenhouse-alerts"),
            items=[
                (
                    f"{a.house.name or a.house.code}：{a.message}",
                    reverse("greenhouse-alert", args=[a.pk]),
                )
                for a in open_alerts.order_by("-opened_at")[:5]
            ],
            tone="warning",
        ),
    ]
