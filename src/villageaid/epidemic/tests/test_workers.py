"""The park: eligibility, twice-daily rounds with automatic exclusion at 37.3 °C,
missed-round alerts, shifts linked to their harvest, disinfection reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from villageaid.conftest import client_for
from villageaid.core.errors import ServiceError
from villageaid.core.roles import Role
from villageaid.epidemic import selectors, services
from villageaid.epidemic.models import GateAlert, ParkWorker, TemperatureRound

DAY = dt.date(2020, 2, 11)


def worker(village: Any, name: str = "韩桂兰", **overrides: bool) -> ParkWorker:
    flags = {
        "local_resident": True,
        "no_outside_travel": True,
        "no_contact_history": True,
        "attestation_signed": True,
        **overrides,
    }
    return services.worker_register(village=village, name=name, actor=None, **flags)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "missing", ["local_resident", "no_outside_travel", "no_contact_history", "attestation_signed"]
)
def test_each_condition_is_needed(areas: Any, missing: str) -> None:
    assert worker(areas["village"]).eligible
    assert not worker(areas["village"], "王淑珍", **{missing: False}).eligible


@pytest.mark.django_db
@pytest.mark.parametrize(("temperature", "excluded"), [("37.2", False), ("37.3", True)])
def test_fever_in_a_round_excludes_the_worker(areas: Any, temperature: str, excluded: bool) -> None:
    person = worker(areas["village"])
    services.temperature_round_record(
        worker=person, date=DAY, round="pm", temperature=temperature, actor=None
    )
    person.refresh_from_db()
    assert person.excluded is excluded and person.eligible is not excluded
    alerts = GateAlert.objects.filter(kind="worker_fever")
    assert alerts.count() == int(excluded)
    if excluded:
        assert alerts.get().township == areas["township"]
        assert person.name not in alerts.get().message


@pytest.mark.django_db
def test_a_round_is_one_reading_per_worker(areas: Any) -> None:
    person = worker(areas["village"])
    for value in ("36.9", "36.4"):
        services.temperature_round_record(
            worker=person, date=DAY, round="am", temperature=value, actor=None
        )
    assert TemperatureRound.objects.get().temperature == Decimal("36.4")


@pytest.mark.django_db
def test_missed_round_alerts_once(areas: Any) -> None:
    village = areas["village"]
    first, second = worker(village), worker(village, "于秀英")
    worker(village, "外地人", local_resident=False)  # not on the round: not eligible
    services.temperature_round_record(
        worker=first, date=DAY, round="am", temperature="36.5", actor=None
    )
    assert selectors.workers_missing_round(village_path=village.path, date=DAY, round="am") == [
        second
    ]
    assert services.missed_rounds_alert(village=village, date=DAY, round="am", actor=None) == 1
    services.missed_rounds_alert(village=village, date=DAY, round="am", actor=None)
    assert GateAlert.objects.filter(kind="missed_round").count() == 1


@pytest.mark.django_db
def test_shift_takes_only_eligible_workers_and_links_the_harvest(areas: Any) -> None:
    from villageaid.greenhouse.models import Harvest, House, Park

    village = areas["village"]
    park = Park.objects.create(code="p", name="园区", village=village, area_path=village.path)
    house = House.objects.create(park=park, code="h1", name="1号棚")
    harvest = Harvest.objects.create(house=house, date=DAY, grams=5000, area_path=village.path)
    good, bad = worker(village), worker(village, "王淑珍", no_contact_history=False)
    with pytest.raises(ServiceError):
        services.work_shift_record(
            village=village, date=DAY, round="am", workers=[good, bad], actor=None
        )
    shift = services.work_shift_record(
        village=village, date=DAY, round="am", workers=[good], harvests=[harvest], actor=None
    )
    assert list(harvest.epidemic_shifts.get().workers.all()) == [good]
    assert shift.harvests.get() == harvest


@pytest.mark.django_db
def test_round_page_records_and_excludes(areas: Any, make_user: Any) -> None:
    village = areas["village"]
    first, second = worker(village), worker(village, "于秀英")
    client = client_for(make_user(Role.GATE))
    today = timezone.localdate()
    page = client.get(f"/epidemic/rounds/?date={today}&round=am").content.decode()
    assert first.name in page and "未测 2" in page
    client.post(
        "/epidemic/rounds/",
        {"date": today.isoformat(), "round": "am", f"t{first.pk}": "36.6", f"t{second.pk}": "37.8"},
    )
    second.refresh_from_db()
    assert second.excluded
    assert TemperatureRound.objects.filter(date=today, round="am").count() == 2


@pytest.mark.django_db
def test_worker_registry_page(areas: Any, volunteer: Any) -> None:
    client = client_for(volunteer)
    client.post(
        "/epidemic/workers/",
        {
            "village": areas["village"].pk,
            "name": "丛建国",
            "local_resident": "on",
            "no_outside_travel": "on",
            "no_contact_history": "on",
            "attestation_signed": "on",
        },
    )
    assert ParkWorker.objects.get().eligible
    assert "丛建国" in client.get("/epidemic/workers/").content.decode()


@pytest.mark.django_db
def test_disinfection_reminder_until_before_and_after_are_logged(
    areas: Any, volunteer: Any
) -> None:
    client = client_for(volunteer)
    assert 'id="reminder"' in client.get("/epidemic/disinfection/").content.decode()
    assert "消毒提醒" not in client.get("/").content.decode()  # no park workers: no nagging
    worker(areas["village"])
    assert "今天还没有作业前消毒记录" in client.get("/").content.decode()
    for phase in ("before", "after"):
        client.post(
            "/epidemic/disinfection/",
            {
                "village": areas["village"].pk,
                "place": "大棚",
                "agent": "84消毒液",
                "phase": phase,
                "done_by": "于秀英",
            },
        )
    assert 'id="reminder"' not in client.get("/epidemic/disinfection/").content.decode()
    assert "消毒提醒" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_landing_card_for_the_volunteer(areas: Any, gate: Any, volunteer: Any) -> None:
    services.passage_record(
        checkpoint=gate, party="villager", direction="in", temperature="37.9", actor=volunteer
    )
    worker(areas["village"])
    html = client_for(volunteer).get("/").content.decode()
    assert "卡口今日登记" in html and "发热 1 人" in html and "漏测体温 1 人" in html
