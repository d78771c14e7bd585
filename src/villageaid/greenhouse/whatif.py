"""The seed article's what-if: what a later start of the spring work costs (issue 23).

The seed article (2020, Beima village, Weihai): the morel park restarted work on 11 February,
"half a month earlier than usual", and so avoided more than 400,000 yuan of losses; 12,000 jin
were picked by the end of April and the year's income was expected above 510,000 yuan; on
9 April a live stream sold 1,100 jin for 98,000 yuan. This module does not repeat the 400,000:
from a start date, the equipment and the park's area it estimates the harvest window and the
harvest's value with the assumptions below, each with its source tag (greenhouse.md style:
[S] sourced, [D] derived, [E] estimate), and the page shows them all.

Model (one season, by day):
1. Development runs on degree-days above 4 °C of the house's daily mean temperature from the
   start date: induction watering works once the shed stays above 4 °C [S §2.1]. The house's
   daily mean is Weihai's outdoor normal (§4.1/§4.2) plus the equipment's night margin (how far
   the house's nightly minimum sat above outdoors in the simulator on the shipped trace: the
   investment cache; 3 K without it, the middle of ADR 0006's 2–4 K for a single film).
2. Picking starts when `dd_to_first_harvest()` degree-days are reached: calibrated so that the
   article's start (11 February) under a single film picks from 5 April, between Rongcheng's
   harvest "under way on 8 April" [S §2.4] and Beima's live sale on 9 April [S seed] [D].
3. Picking ends when the outdoor daily mean normal reaches 16 °C (mid-May): the house then runs
   past the 18 °C fruiting maximum [S seed 5–18 °C] in the afternoon [D]; Weihai harvests run
   April–May [S §2.4 Nanhuang].
4. A full crop (the yield per mu) needs `FULL_WINDOW_DAYS` of picking (three flushes of about
   15 days; a fruit body matures 8–12 days after emergence [S §2.1]) [E]; a shorter window
   gives that share of it. The harvest is spread evenly over the window.
5. The price falls linearly from the early price (1 April) to the late price (end of season)
   [S §2.4: Laixi ¥240/jin at season start falling to ¥50–60/jin; Beima 9 April ≈ ¥89/jin].
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field, replace

BASE_C = 4.0  # [S] §2.1: induction watering once the minimum shed temperature > 4 °C
DEFAULT_MARGIN_K = 3.0  # [S] ADR 0006 / greenhouse.md: a single film's nights 2–4 K above outdoors
END_OUTDOOR_MEAN_C = 16.0  # [D] item 3 of the module docstring
FULL_WINDOW_DAYS = 45  # [E] three flushes of ≈ 15 days
REFERENCE_START = dt.date(2020, 2, 11)  # [S] seed article: restarted on 11 February
USUAL_START = dt.date(2020, 2, 26)  # [D] seed: "half a month earlier than usual"
CALIBRATION_FIRST_PICK = dt.date(2020, 4, 5)  # [D] item 2
ARTICLE_LOSS_YUAN = 400_000  # [S] seed: "挽回直接经济损失40多万元"
ARTICLE_JIN_BY_APRIL = 12_000  # [S] seed: 12,000余斤 by the end of April
ARTICLE_INCOME_YUAN = 510_000  # [S] seed: 预计集体年收益可达51万余元
EARLY_PRICE_DAY = (4, 1)
DEFAULT_YIELD_KG_PER_MU = 212  # [S] §2.4 Rushan big arch tunnels, 425 jin/mu (pqjgw 2021)
YIELD_RANGE_KG_PER_MU = (0, 508)  # [S] §2.4 Liu et al. 2017: 0–7,620 kg/ha
DEFAULT_PRICE_EARLY = 110  # ¥/jin [D] between Beima's ≈ 89 on 9 April and Laixi's 240 at start
DEFAULT_PRICE_LATE = 55  # ¥/jin [S] §2.4 Laixi: falling to ¥50–60/jin
SEASON_FIRST = (1, 15)  # the model's calendar: a start from 15 January …
SEASON_LAST = (5, 10)  # … to 10 May

# Weihai daily mean air temperature, mid-month (°C): January [S §4.1], Feb–May [E §4.2],
# June [E] between May and the 24.7 °C August mean [S §4.1]
MONTHLY_MEAN_C = {1: -0.8, 2: 1.0, 3: 5.0, 4: 11.0, 5: 17.0, 6: 21.0}


def outdoor_mean(day: dt.date) -> float:
    """Linear between the mid-month normals."""
    months = sorted(MONTHLY_MEAN_C)
    points = [(dt.date(day.year, m, 15), MONTHLY_MEAN_C[m]) for m in months]
    if day <= points[0][0]:
        return points[0][1]
    for (d0, v0), (d1, v1) in itertools.pairwise(points):
        if day <= d1:
            return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days
    return points[-1][1]


def season_end(year: int) -> dt.date:
    day = dt.date(year, 4, 1)
    while outdoor_mean(day) < END_OUTDOOR_MEAN_C:
        day += dt.timedelta(days=1)
    return day


def _degree_days(start: dt.date, until: dt.date, margin_k: float) -> float:
    total, day = 0.0, start
    while day < until:
        total += max(0.0, outdoor_mean(day) + margin_k - BASE_C)
        day += dt.timedelta(days=1)
    return total


def dd_to_first_harvest(single_film_margin_k: float = DEFAULT_MARGIN_K) -> float:
    """Degree-days from the start to the first picking, calibrated on the article (item 2)
    with the single film's night margin."""
    return round(_degree_days(REFERENCE_START, CALIBRATION_FIRST_PICK, single_film_margin_k), 1)


@dataclass(frozen=True)
class Inputs:
    start: dt.date
    margin_k: float  # the equipment's night margin (K above outdoors)
    mu: float
    yield_kg_per_mu: float
    price_early: float  # ¥/jin on 1 April
    price_late: float  # ¥/jin at the end of the season
    single_film_margin_k: float = DEFAULT_MARGIN_K  # calibrates the degree-days (item 2)

    @property
    def dd_first(self) -> float:
        return dd_to_first_harvest(self.single_film_margin_k)


@dataclass
class Season:
    start: dt.date
    first_pick: dt.date | None
    end: dt.date
    window_days: int
    share_of_full: float
    harvest_kg: float
    revenue_yuan: float
    jin_by_april_end: float
    daily: list[tuple[dt.date, float, float]] = field(default_factory=list)  # day, kg, ¥/jin

    @property
    def harvest_jin(self) -> float:
        return self.harvest_kg * 2


def price_on(day: dt.date, inp: Inputs, end: dt.date) -> float:
    early = dt.date(day.year, *EARLY_PRICE_DAY)
    if day <= early:
        return inp.price_early
    if day >= end:
        return inp.price_late
    frac = (day - early).days / (end - early).days
    return inp.price_early + (inp.price_late - inp.price_early) * frac


def season(inp: Inputs) -> Season:
    end = season_end(inp.start.year)
    need = inp.dd_first
    total, day, first = 0.0, inp.start, None
    while day < end:
        total += max(0.0, outdoor_mean(day) + inp.margin_k - BASE_C)
        day += dt.timedelta(days=1)
        if total >= need:
            first = day
            break
    window = (end - first).days if first else 0
    share = min(1.0, window / FULL_WINDOW_DAYS)
    kg = inp.mu * inp.yield_kg_per_mu * share
    daily: list[tuple[dt.date, float, float]] = []
    revenue = by_april = 0.0
    if first and window > 0:
        per_day = kg / window
        for k in range(window):
            d = first + dt.timedelta(days=k)
            price = price_on(d, inp, end)
            daily.append((d, per_day, price))
            revenue += per_day * 2 * price
            if d <= dt.date(d.year, 4, 30):
                by_april += per_day * 2
    return Season(
        start=inp.start,
        first_pick=first,
        end=end,
        window_days=window,
        share_of_full=share,
        harvest_kg=kg,
        revenue_yuan=revenue,
        jin_by_april_end=by_april,
        daily=daily,
    )


def with_start(inp: Inputs, start: dt.date) -> Inputs:
    return replace(inp, start=start)


def reference_start(year: int) -> dt.date:
    return REFERENCE_START.replace(year=year)


def start_losing(inp: Inputs, loss_yuan: float) -> dt.date | None:
    """The first start date (from the article's) at which the loss against it reaches
    `loss_yuan`; None if no start in the season loses that much."""
    ref_start = reference_start(inp.start.year)
    ref = season(with_start(inp, ref_start)).revenue_yuan
    day, last = ref_start, dt.date(inp.start.year, *SEASON_LAST)
    while day <= last:
        if ref - season(with_start(inp, day)).revenue_yuan >= loss_yuan:
            return day
        day += dt.timedelta(days=1)
    return None
