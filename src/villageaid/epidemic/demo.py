"""Demo epidemic data for Beima, dated as the seed article tells (2020):

* 1 Jan 31: the city office sends 400 medical masks and arranges 2 loaders and
  2 engineering vehicles that close every road but the main one; one guarded
  entrance, where village director 韩少波 keeps the night watch;
* the masks go to village cadres and volunteers for daily use (all 400);
* Feb 11: the morel park restarts with local workers who have no outside travel
  and no contact history, temperature twice a day, disinfection before and after
  group work, through April;
* zero imported cases, zero infections (no case records, so the figure is 0).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from villageaid.core.demo import BEIMA, DemoContext
from villageaid.core.models import Area
from villageaid.epidemic import services
from villageaid.epidemic.models import Checkpoint, Item

CLOSED = dt.date(2020, 1, 31)
PARK_OPEN, PARK_END = dt.date(2020, 2, 11), dt.date(2020, 4, 30)
GATE_END = dt.date(2020, 3, 31)
WORKERS = ["韩桂兰", "于秀英", "王淑珍", "刘玉梅", "孙丽华", "丛建国", "毕红霞", "林海燕"]
MASK_HANDOUTS = [  # (date, to, team, quantity): 400 in all
    (dt.date(2020, 1, 31), "村两委班子", True, 100),
    (dt.date(2020, 1, 31), "卡口值守志愿者", True, 120),
    (dt.date(2020, 2, 10), "羊肚菌园区工人", True, 80),
    (dt.date(2020, 2, 20), "卡口值守志愿者", True, 60),
    (dt.date(2020, 3, 5), "村两委班子", True, 40),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def load(ctx: DemoContext) -> None:
    village = Area.objects.get(code=BEIMA)
    if Checkpoint.objects.filter(village=village).exists():
        return
    actor = ctx.users.get("gate")
    gate = services.checkpoint_create(
        village=village, name="北马村村口卡口", location="进村主路", actor=actor
    )
    for road, blocked_by in (("村北支路", "2台铲车"), ("村西田间路", "2台工程车")):
        services.road_closure_record(
            village=village, road=road, blocked_by=blocked_by, since=CLOSED, actor=actor
        )
    _gate(gate, actor)
    _masks(village, actor)
    rounds = _park(village, actor)
    ctx.say(f"  北马村卡口: 封闭支路 2 条, 口罩发放 400 只, 园区测温 {rounds} 次")


def _gate(gate: Checkpoint, actor: object) -> None:
    rng = random.Random(2020)
    for day in _days(CLOSED, GATE_END):
        services.guard_shift_add(
            checkpoint=gate,
            guard="韩少波",
            starts_at=_at(day, 20),
            ends_at=_at(day, 23, 59),
            actor=actor,
        )
        for n in range(rng.randint(4, 9)):
            outsider = n == 0 and day.weekday() == 2
            services.passage_record(
                checkpoint=gate,
                party="outsider" if outsider else "villager",
                direction="out" if n % 2 else "in",
                temperature=Decimal("36.0") + Decimal(rng.randint(0, 9)) / 10,
                kind="vehicle" if outsider else "person",
                plate="鲁K3A512" if outsider else "",
                vehicle_disinfected=outsider,
                name="送菜司机" if outsider else "",
                at=_at(day, 7 + n, rng.randint(0, 59)),
                actor=actor,
            )


def _masks(village: Area, actor: object) -> None:
    services.supplies_receive(
        village=village,
        item=Item.MASK,
        quantity=400,
        source="威海市扶贫办",
        at=_at(CLOSED, 10),
        actor=actor,
    )
    for day, to, team, quantity in MASK_HANDOUTS:
        services.supplies_hand_out(
            village=village,
            item=Item.MASK,
            quantity=quantity,
            to=to,
            is_team=team,
            by="村主任 韩少波",
            at=_at(day, 16),
            actor=actor,
        )


def _park(village: Area, actor: object) -> int:
    from villageaid.greenhouse.models import Harvest

    workers = [
        services.worker_register(
            village=village,
            name=name,
            local_resident=True,
            no_outside_travel=True,
            no_contact_history=True,
            attestation_signed=True,
            actor=actor,
        )
        for name in WORKERS
    ]
    rng = random.Random(211)
    rounds = 0
    for day in _days(PARK_OPEN, PARK_END):
        for round_, phase, hour in (("am", "before", 7), ("pm", "after", 17)):
            for worker in workers:
                services.temperature_round_record(
                    worker=worker,
                    date=day,
                    round=round_,
                    temperature=Decimal("36.1") + Decimal(rng.randint(0, 7)) / 10,
                    at=_at(day, hour),
                    actor=actor,
                )
                rounds += 1
            services.disinfection_record(
                village=village,
                place="羊肚菌大棚及分拣间",
                agent="84消毒液",
                phase=phase,
                done_by="于秀英",
                at=_at(day, hour),
                actor=actor,
            )
        harvests = Harvest.objects.filter(area_path__startswith=village.path, date=day)
        services.work_shift_record(
            village=village, date=day, round="am", workers=workers, harvests=harvests, actor=actor
        )
    return rounds
