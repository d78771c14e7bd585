from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from villageaid.core import units
from villageaid.core.areas import areas_import
from villageaid.core.demo import DEMO_AREAS, DemoContext
from villageaid.greenhouse import demo as greenhouse_demo
from villageaid.sales import demo, selectors
from villageaid.sales.models import (
    CommunityGroup,
    Customer,
    DeliveryRun,
    LiveSession,
    Order,
)


@pytest.mark.django_db
def test_demo_tells_the_articles_spring(make_user: Any) -> None:
    areas_import(path=DEMO_AREAS)
    greenhouse_demo.load(DemoContext(password="x", stdout=io.StringIO()))
    demo.load(DemoContext(password="x", stdout=io.StringIO()))
    session = LiveSession.objects.get()
    counter = selectors.live_counter(session)
    staff = Order.objects.filter(channel_id="staff").aggregate(g=Sum("grams"), a=Sum("amount"))
    assert (counter["sold_jin"], counter["amount"]) == (Decimal(1100), Decimal(98000))
    assert session.opened_at is not None and session.closed_at is not None
    assert (session.closed_at - session.opened_at).total_seconds() == 3600
    assert session.opened_at.date().isoformat() == "2020-04-09"
    assert (staff["g"], staff["a"]) == (units.grams_from_jin(160), Decimal(14000))
    assert Customer.objects.filter(buyer_type="hotel").count() == 6
    assert CommunityGroup.objects.count() == 10
    assert Order.objects.filter(channel__code__startswith="platform_").count() == 40
    run = DeliveryRun.objects.get(date="2020-04-16")
    assert run.stops.count() == 16  # 6 hotels + 10 pickup points, all routed
    demo.load(DemoContext(password="x", stdout=io.StringIO()))  # idempotent
    assert LiveSession.objects.count() == 1
