"""Demo screening for Beima (INTERFACES section 6): the department files behind the
April 2020 findings and one run that raises them as clues — the 8 marginal households
and the suspected problem (a car owned by a member of a tuopin household)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import timezone

from villageaid.core.demo import BEIMA, WENDENG, DemoContext
from villageaid.core.models import Area
from villageaid.registry import synth
from villageaid.screening import services
from villageaid.screening.engine.datasets import BY_NAME
from villageaid.screening.models import Clue, DepartmentDataset, ScreeningRun

AS_OF = synth.REFERENCE_DATE  # 2020-04-01
PERIOD_START = AS_OF - dt.timedelta(days=364)


def department_csv(name: str, rows: list[dict[str, str]]) -> bytes:
    columns = BY_NAME[name].column_names
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def load_datasets(area: Area) -> list[DepartmentDataset]:
    stored = []
    for name, rows in synth.beima_department_records().items():
        stored.append(
            services.dataset_upload(
                name=name,
                content=io.BytesIO(department_csv(name, rows)),
                filename=f"{name}-202004.csv",
                period_start=PERIOD_START,
                period_end=AS_OF,
                area=area,
                actor=None,
            )
        )
    return stored


def load(ctx: DemoContext) -> None:
    village = Area.objects.filter(code=BEIMA).first()
    county = Area.objects.filter(code=WENDENG).first() or village
    if village is None or county is None:
        return
    if ScreeningRun.objects.filter(area=village, as_of=AS_OF).exists():
        return
    if not DepartmentDataset.objects.filter(area=county).exists():
        load_datasets(county)
    run = services.run_create(as_of=AS_OF, area=village, actor=None)
    run = services.run_execute(run)
    # The clues were pushed to the village on the run's day in 2020, not today: the cases
    # opened from them start their clock then (demo history, written by its own app).
    pushed = timezone.make_aware(dt.datetime.combine(AS_OF, dt.time(9)))
    Clue.objects.filter(run=run).update(created_at=pushed)
    ctx.say(f"  北马村 {AS_OF:%Y-%m}: {run.clue_count} 条线索，推送 {run.pushed_count} 条")
