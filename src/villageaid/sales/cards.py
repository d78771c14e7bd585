"""The sales clerk's card on the landing page: today's orders, stock running out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from villageaid.core import access, clock, dashboard, roles
from villageaid.sales import selectors


@dashboard.provider
def sales_cards(user: Any) -> list[dashboard.Card]:
    if not access.allowed(user, roles.Module.SALES, roles.VIEW):
        return []
    today = clock.today()
    soon = selectors.lots_in_stock(user).filter(expires_on__lte=today + dt.timedelta(days=2))
    items = [
        (
            _("%(lot)s · %(jin)s 斤 · %(expires)s")
            % {"lot": lot.code, "jin": lot.jin_available, "expires": f"{lot.expires_on:%m-%d}"},
            reverse("sales-lots"),
        )
        for lot in soon[:5]
    ]
    items += [
        (f"{s.title}", reverse("sales-live", args=[s.pk]))
        for s in selectors.live_sessions_for(user).filter(closed_at=None, opened_at__isnull=False)[
            :3
        ]
    ]
    return [
        dashboard.Card(
            title=_("今日销售订单"),
            count=selectors.orders_on(user, today).count(),
            url=reverse("sales-today"),
            items=items,
            tone="success",
        )
    ]
