"""Pre-compute the demo's scorecard (Beima, 2020-01-01 to 2020-06-04) and its months."""

from __future__ import annotations

import datetime as dt

from villageaid.core.demo import BEIMA, DemoContext
from villageaid.core.models import Area
from villageaid.reports.selectors import scorecard


def load(ctx: DemoContext) -> None:
    card = scorecard(
        area=Area.objects.get(code=BEIMA), start=dt.date(2020, 1, 1), end=dt.date(2020, 6, 4)
    )
    shown = ", ".join(f"{k}={v}" for k, v in card["figures"].items())
    ctx.say(f"  成绩单 北马村 2020-01-01..2020-06-04: {shown}")
