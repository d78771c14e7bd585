"""The overview page (closures, roster, cases, figures), the missed-round job,
and list pages that do not grow their query count with the rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from villageaid.conftest import client_for
from villageaid.core.jobs import job_start
from villageaid.core.models import JobProgress
from villageaid.epidemic import services
from villageaid.epidemic.models import EpidemicCase, GateAlert


@pytest.mark.django_db
def test_cases_make_the_infection_figure(areas: Any, gate: Any, cadre: Any) -> None:
    client = client_for(cadre)
    today = timezone.localdate()
    services.road_closure_record(
        village=areas["village"], road="村北支路", blocked_by="2台铲车", since=today, actor=None
    )
    client.post(
        "/epidemic/",
        {"village": areas["village"].pk, "status": "suspected", "opened_on": today.isoformat()},
    )
    case = EpidemicCase.objects.get()
    assert client.get("/epidemic/").context["figures"]["infections"] == 0
    client.post("/epidemic/", {"case": case.pk, "status": "confirmed"})
    case.refresh_from_db()
    assert case.confirmed_on == today
    response = client.get("/epidemic/")
    assert response.context["figures"]["infections"] == 1
    assert "2台铲车" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_missed_rounds_job(areas: Any, cadre: Any) -> None:
    services.worker_register(
        village=areas["village"],
        name="韩桂兰",
        local_resident=True,
        no_outside_travel=True,
        no_contact_history=True,
        attestation_signed=True,
        actor=None,
    )
    row = job_start(
        kind="epidemic.missed_rounds",
        label="漏测",
        owner=cadre,
        params={"date": "2020-02-11", "round": "am"},
    )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    row = JobProgress.objects.get(pk=row.pk)
    assert row.status == "done" and row.result == {"villages": 1, "missing": 1}
    assert GateAlert.objects.get().kind == "missed_round"


@pytest.mark.django_db
def test_passage_list_query_count_is_flat(
    gate: Any, volunteer: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(volunteer)
    for n in range(30):
        services.passage_record(
            checkpoint=gate,
            party="outsider",
            direction="in",
            temperature="36.5",
            name=f"客{n}",
            actor=None,
        )
    with django_assert_max_num_queries(12):
        response = client.get("/epidemic/passages/")
    assert response.content.decode().count("客") == 30
    for day in (timezone.localdate() - dt.timedelta(days=1), timezone.localdate()):
        assert client.get(f"/epidemic/passages/?day={day}").status_code == 200
