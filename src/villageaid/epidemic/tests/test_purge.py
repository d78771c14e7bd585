"""After the retention period the purge leaves no personal data in the gate
tables and every figure unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from villageaid.core.jobs import job_start
from villageaid.core.models import JobProgress
from villageaid.epidemic import selectors, services
from villageaid.epidemic.models import (
    DailyGateCount,
    EpidemicCase,
    GateAlert,
    ParkWorker,
    Passage,
    PurgeLog,
    TemperatureRound,
)

FEB = dt.date(2020, 2, 1)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def fill(gate: Any, village: Any) -> None:
    for n in range(10):
        day = FEB + dt.timedelta(days=n)
        services.passage_record(
            checkpoint=gate,
            party="villager",
            direction="in",
            temperature="36.5",
            at=at(day),
            actor=None,
        )
        services.passage_record(
            checkpoint=gate,
            party="outsider",
            direction="in",
            temperature="37.6",
            at=at(day, 10),
            name="王五",
            phone="13700000000",
            id_number="11010519491231002X",
            actor=None,
        )
        services.passage_record(
            checkpoint=gate, party="villager", direction="out", at=at(day, 18), actor=None
        )
    worker = services.worker_register(
        village=village,
        name="赵六",
        local_resident=True,
        no_outside_travel=True,
        no_contact_history=True,
        attestation_signed=True,
        actor=None,
    )
    services.temperature_round_record(
        worker=worker, date=FEB, round="am", temperature="36.4", actor=None
    )
    case = services.case_record(
        village=village, status="confirmed", opened_on=FEB, person_name="钱七", actor=None
    )
    services.case_transition(
        case=case, status="released", on=FEB + dt.timedelta(days=14), actor=None
    )
    services.supplies_receive(village=village, item="mask", quantity=50, source="镇", actor=None)
    services.supplies_hand_out(
        village=village, item="mask", quantity=20, to="志愿者", at=at(FEB), actor=None
    )
    for alert in GateAlert.objects.all():
        services.alert_resolve(alert=alert, actor=None)
    ParkWorker.objects.update(created_at=at(FEB))


PERIOD = {"start": dt.date(2020, 1, 1), "end": dt.date(2020, 6, 4)}


@pytest.mark.django_db
def test_purge_keeps_the_figures_and_drops_personal_data(gate: Any, areas: Any) -> None:
    fill(gate, areas["village"])
    path = areas["village"].path
    before = selectors.figures(area_path=path, **PERIOD)
    assert before["passages"] == 30 and before["fevers"] == 10 and before["passages_refused"] == 10
    assert before["infections"] == 1 and before["masks_distributed"] == 20

    purge = services.epidemic_purge(as_of=dt.date(2020, 6, 4))

    assert not Passage.objects.exists()
    assert not TemperatureRound.objects.exists()
    assert not GateAlert.objects.exists()
    assert not EpidemicCase.objects.exclude(person_name="").exists()
    worker = ParkWorker.objects.get()
    assert (worker.name, worker.phone, worker.anonymised) == ("", "", True)
    assert not worker.no_contact_history and not worker.eligible
    assert selectors.figures(area_path=path, **PERIOD) == before
    assert selectors.figures(area_path=areas["township"].path, **PERIOD) == before
    assert DailyGateCount.objects.count() == 10
    assert purge.counts["passages"] == 30 and purge.counts["days_counted"] == 10
    # counts are anonymous: no name, phone or ID anywhere in the gate tables
    for row in DailyGateCount.objects.values():
        assert not {"王五", "13700000000"} & {str(v) for v in row.values()}
    # a second purge changes nothing
    services.epidemic_purge(as_of=dt.date(2020, 6, 5))
    assert selectors.figures(area_path=path, **PERIOD) == before
    assert PurgeLog.objects.count() == 2


@pytest.mark.django_db
def test_recent_data_stays_until_its_retention_ends(gate: Any, areas: Any) -> None:
    fill(gate, areas["village"])
    services.epidemic_purge(as_of=FEB + dt.timedelta(days=30))  # cutoff Feb 3 (28 days)
    assert set(Passage.objects.values_list("day", flat=True)) == {
        FEB + dt.timedelta(days=n) for n in range(2, 10)
    }
    assert selectors.gate_totals(area_path=areas["village"].path, **PERIOD)["passages"] == 30


@pytest.mark.django_db
def test_retention_is_configurable(gate: Any, areas: Any) -> None:
    fill(gate, areas["village"])
    with override_settings(EPIDEMIC_RETENTION_DAYS=400):
        services.epidemic_purge(as_of=dt.date(2020, 6, 4))
        assert Passage.objects.count() == 30
    services.retention_set(record_type="passage", days=5, actor=None)
    services.epidemic_purge(as_of=FEB + dt.timedelta(days=10))  # cutoff Feb 6
    assert Passage.objects.count() == 15


@pytest.mark.django_db
def test_late_paper_entries_for_a_purged_day_add_up(gate: Any, areas: Any) -> None:
    fill(gate, areas["village"])
    services.epidemic_purge(as_of=dt.date(2020, 6, 4))
    services.passage_record(
        checkpoint=gate,
        party="villager",
        direction="in",
        temperature="36.5",
        at=at(FEB),
        actor=None,
    )
    assert selectors.gate_totals(area_path=areas["village"].path, **PERIOD)["passages"] == 31
    services.epidemic_purge(as_of=dt.date(2020, 6, 4))
    assert selectors.gate_totals(area_path=areas["village"].path, **PERIOD)["passages"] == 31
    assert DailyGateCount.objects.get(date=FEB).passages_in == 3


@pytest.mark.django_db
def test_purge_command(gate: Any, areas: Any, capsys: Any) -> None:
    fill(gate, areas["village"])
    call_command("epidemic_purge", "--as-of", "2020-06-04")
    assert "passages=30" in capsys.readouterr().out
    assert not Passage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_purge_job_runs_in_the_worker(gate: Any, areas: Any, cadre: Any) -> None:
    fill(gate, areas["village"])
    row = job_start(
        kind="epidemic.purge", label="清理", owner=cadre, params={"as_of": "2020-06-04"}
    )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    row = JobProgress.objects.get(pk=row.pk)
    assert row.status == "done" and row.result["passages"] == 30
    assert not Passage.objects.exists()


@pytest.mark.django_db
def test_workers_still_on_the_rounds_keep_their_names(areas: Any) -> None:
    village = areas["village"]
    flags = {
        "local_resident": True,
        "no_outside_travel": True,
        "no_contact_history": True,
        "attestation_signed": True,
    }
    active = services.worker_register(village=village, name="在岗", actor=None, **flags)
    idle = services.worker_register(village=village, name="已离岗", actor=None, **flags)
    ParkWorker.objects.update(created_at=at(FEB))
    services.temperature_round_record(
        worker=active, date=dt.date(2020, 3, 1), round="am", temperature="36.5", actor=None
    )
    services.temperature_round_record(
        worker=idle, date=FEB, round="am", temperature="36.5", actor=None
    )
    purge = services.epidemic_purge(as_of=dt.date(2020, 3, 10))  # cutoff Feb 11
    assert purge.counts["workers_anonymised"] == 1
    assert list(ParkWorker.objects.filter(anonymised=False).values_list("name", flat=True)) == [
        "在岗"
    ]
