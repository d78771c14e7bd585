"""Demo sales of spring 2020 (the seed article): the 9 April live-stream hour
(1,100 jin for 98,000 yuan), staff purchases (160 jin, 14,000 yuan), Meituan and
JD listings, 6 star hotels and 10 residential-community groups with same-city
delivery. Every figure comes from orders placed through the services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from villageaid.core import units
from villageaid.core.demo import BEIMA, DemoContext
from villageaid.core.models import Area
from villageaid.sales import services
from villageaid.sales.models import Customer, HotelStandingOrder, Lot, Order, Product

TZ = ZoneInfo("Asia/Shanghai")
DEPOT = (37.1955, 122.0530)  # Beima village, Songcun town
LIVE_START = dt.datetime(2020, 4, 9, 10, 0, tzinfo=TZ)
HOTELS = [
    ("抱海大酒店", 37.5305, 122.1320),
    ("塔山大酒店", 37.5150, 122.1055),
    ("蓝海御华大饭店", 37.4985, 122.1270),
    ("威海宾馆", 37.5120, 122.1215),
    ("海悦建国饭店", 37.4870, 122.1460),
    ("金海湾国际饭店", 37.5225, 122.1190),
]
GROUPS = [
    ("威高花园", 37.4400, 122.1500),
    ("望岛名郡", 37.5365, 122.0720),
    ("海景花园", 37.5010, 122.1350),
    ("金线顶小区", 37.5190, 122.1240),
    ("古陌花园", 37.5080, 122.1030),
    ("华夏城小区", 37.4350, 122.0520),
    ("戚谷疃小区", 37.4950, 122.0820),
    ("佳世客小区", 37.4880, 122.1180),
    ("新威路小区", 37.5140, 122.0950),
    ("海埠小区", 37.5460, 122.0990),
]


def _at(day: int, hour: int, minute: int = 0, month: int = 4) -> dt.datetime:
    return dt.datetime(2020, month, day, hour, minute, tzinfo=TZ)


def _prices(products: dict[str, Product]) -> None:
    table = {
        ("morel-fresh-a", "livestream"): "90.00",
        ("morel-fresh-a", "staff"): "87.50",
        ("morel-fresh-a", "hotel"): "95.00",
        ("morel-fresh-a", "platform_meituan"): "98.00",
        ("morel-fresh-a", "platform_jd"): "98.00",
        ("morel-fresh-b", "community"): "85.00",
    }
    for (product, channel), price in table.items():
        services.price_set(
            product=products[product],
            channel=services.channel_get(channel),
            price_per_jin=Decimal(price),
            actor=None,
        )


def _day_lot(village: Area, product: Product, day: int) -> Lot:
    """The lot the park's harvest records of that April day made (greenhouse demo)."""
    code = services.lots.day_lot_code(village, dt.date(2020, 4, day), product)
    lot = Lot.objects.get(code=code)
    Lot.objects.filter(pk=lot.pk).update(cost_per_jin=Decimal("30.00"))
    return lot


def _paid(order: Order, method: str, reference: str, at: dt.datetime) -> None:
    services.order_pay(order=order, method=method, reference=reference, actor=None, at=at)


def _live_stream(village: Area, product: Product) -> None:
    """1,100 jin in one hour: 600 jin in 1–3 jin bags at 90, 500 jin in 5-jin boxes at 88."""
    lot = _day_lot(village, product, 8)  # every house picked first grade on 8 April
    session = services.live_session_open(
        lot=lot,
        grams_quota=units.grams_from_jin(1100),
        title="“礼尚威海”田间直播卖羊肚菌",
        actor=None,
        at=LIVE_START,
    )
    rng = random.Random(409)
    sizes = [5] * 100
    left = 600
    while left > 0:
        size = min(rng.choice([1, 2, 2, 3]), left)
        sizes.append(size)
        left -= size
    rng.shuffle(sizes)
    for n, size in enumerate(sizes):
        at = LIVE_START + dt.timedelta(seconds=round(3590 * n / len(sizes)))
        order = services.order_place(
            lot=lot,
            channel="livestream",
            grams=units.grams_from_jin(size),
            customer=None,
            idempotency_key=f"demo-live-{n:04d}",
            actor=None,
            at=at,
            price_per_jin=Decimal("88.00") if size == 5 else None,  # the 5-jin box offer
        )
        _paid(order, "platform", f"LSWH2020040910{n:04d}", at)
    services.live_session_close(session=session, actor=None, at=LIVE_START + dt.timedelta(hours=1))
    services.ledger_post_cost(
        lot=lot, amount=Decimal("3000.00"), note="直播团队与包装", actor=None, at=LIVE_START
    )


def _staff_and_platforms(village: Area, product: Product) -> None:
    """32 staff of the city office buy 5 jin each (first expiring lot first); Meituan and
    JD listings take quotas on the 10 April lot."""
    lot = _day_lot(village, product, 10)
    unit = services.customer_create(
        village=village, actor=None, name="威海市农业农村局（干部职工认购）", buyer_type="staff"
    )
    for n in range(32):
        at = _at(10 + n % 8, 12, n)
        order = services.order_place_fefo(
            village=village,
            product=product,
            channel="staff",
            grams=units.grams_from_jin(5),
            customer=unit,
            idempotency_key=f"demo-staff-{n:02d}",
            actor=None,
            at=at,
        )
        _paid(order, "wechat", f"WX20200410{n:04d}", at)
    for channel, prefix in (("platform_meituan", "MT"), ("platform_jd", "JD")):
        services.quota_set(
            lot=lot,
            channel=services.channel_get(channel),
            grams=units.grams_from_jin(100),
            actor=None,
        )
        for n in range(20):
            at = _at(10 + n % 5, 9 + n % 10, n)  # while the lot is fresh
            order = services.order_place(
                lot=lot,
                channel=channel,
                grams=units.grams_from_jin(2 * (1 + n % 3)),
                customer=None,
                idempotency_key=f"demo-{prefix}-{n:02d}",
                actor=None,
                at=at,
            )
            _paid(order, "platform", f"{prefix}2020041{n:04d}", at)


def _hotels(village: Area, product: Product) -> None:
    """Six hotels with standing orders; each delivery is drawn first expiring first."""
    for i, (name, lat, lon) in enumerate(HOTELS):
        hotel = services.customer_create(
            village=village,
            actor=None,
            name=name,
            buyer_type="hotel",
            phone=f"0631-52{i:02d}888",
            address=f"威海市环翠区 {name}",
            lat=lat,
            lon=lon,
        )
        HotelStandingOrder.objects.create(
            customer=hotel,
            product=product,
            grams=units.grams_from_jin(10),
            weekdays="14",
            receive_from=dt.time(7 + i % 3, 0),
            receive_until=dt.time(10 + i % 3, 0),
            area_path=village.path,
        )
        for day in (16, 20, 23, 27):
            order = services.order_place_fefo(
                village=village,
                product=product,
                channel="hotel",
                grams=units.grams_from_jin(10),
                customer=hotel,
                idempotency_key=f"demo-hotel-{i}-{day}",
                actor=None,
                at=_at(day - 1, 16),
                deliver_on=dt.date(2020, 4, day),
            )
            _paid(order, "transfer", f"HT{i}{day}", _at(day - 1, 17))


def _groups(village: Area, product: Product) -> None:
    """Ten community groups order second grade on the evening of 15 April for the 16th."""
    for i, (name, lat, lon) in enumerate(GROUPS):
        group = services.group_create(
            village=village,
            actor=None,
            name=f"{name}购物群",
            leader=f"{name[:1]}团长",
            leader_phone=f"1390631{i:04d}",
            pickup_point=f"{name}南门便利店",
            lat=lat,
            lon=lon,
        )
        for n in range(8):
            order = services.order_place_fefo(
                village=village,
                product=product,
                channel="community",
                grams=units.grams_from_jin(2),
                customer=group.customer,
                group=group,
                idempotency_key=f"demo-group-{i}-{n}",
                actor=None,
                at=_at(15, 20, n * 5),
                deliver_on=dt.date(2020, 4, 16),
            )
            _paid(order, "wechat", f"TG{i}{n:02d}", _at(15, 20, n * 5 + 1))


def load(ctx: DemoContext) -> None:
    if Order.objects.filter(idempotency_key="demo-live-0000").exists():
        return
    village = Area.objects.get(code=BEIMA)
    products = services.products_ensure()
    _prices(products)
    _live_stream(village, products["morel-fresh-a"])
    _staff_and_platforms(village, products["morel-fresh-a"])
    _hotels(village, products["morel-fresh-a"])
    _groups(village, products["morel-fresh-b"])
    for day in (16, 20):
        services.delivery_run_plan(
            village=village,
            date=dt.date(2020, 4, day),
            depot=DEPOT,
            vehicles=2,
            capacity_grams=units.grams_from_jin(150),
            actor=None,
            start=dt.time(6, 30),
        )
    ctx.say(
        f"  销售: {Lot.objects.count()} 个批次（来自采收记录）, {Order.objects.count()} 单, "
        f"{Customer.objects.count()} 个客户, 直播 1100 斤"
    )
