"""The epidemic API: passages list/create, workers, figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.epidemic import services
from villageaid.epidemic.models import GateAlert


@pytest.mark.django_db
def test_create_passage_through_the_api(gate: Any, neighbour_gate: Any, volunteer: Any) -> None:
    client = client_for(volunteer)
    body = {"checkpoint": gate.pk, "party": "villager", "direction": "in", "temperature": "37.3"}
    response = client.post("/api/v1/epidemic/passages", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["decision"] == "refused"
    assert GateAlert.objects.count() == 1
    other = client.post(
        "/api/v1/epidemic/passages",
        {**body, "checkpoint": neighbour_gate.pk},
        content_type="application/json",
    )
    assert other.status_code == 404
    bad = client.post(
        "/api/v1/epidemic/passages", {**body, "temperature": "30"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "temperature_range"


@pytest.mark.django_db
def test_read_only_role_cannot_create(gate: Any, make_user: Any) -> None:
    client = client_for(make_user(Role.COUNTY))
    body = {"checkpoint": gate.pk, "party": "villager", "direction": "in", "temperature": "36.5"}
    response = client.post("/api/v1/epidemic/passages", body, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_figures_per_area_and_period(
    gate: Any, areas: Any, township_user: Any, make_user: Any
) -> None:
    village = areas["village"]
    services.supplies_receive(village=village, item="mask", quantity=400, source="市", actor=None)
    services.supplies_hand_out(village=village, item="mask", quantity=400, to="村委", actor=None)
    services.passage_record(
        checkpoint=gate, party="villager", direction="in", temperature="36.5", actor=None
    )
    today = dt.date.today().isoformat()
    url = f"/api/v1/epidemic/figures?area={village.code}&start=2020-01-01&end={today}"
    data = client_for(township_user).get(url).json()
    assert data["area"] == village.code
    assert data["figures"]["masks_distributed"] == 400
    assert data["figures"]["passages"] == 1 and data["figures"]["infections"] == 0
    neighbour = client_for(township_user).get(
        f"/api/v1/epidemic/figures?area={areas['neighbour'].code}&start=2020-01-01&end={today}"
    )
    assert neighbour.json()["figures"]["masks_distributed"] == 0
    cadre_other = client_for(make_user(Role.CADRE, "neighbour"))
    assert cadre_other.get(f"/api/v1/epidemic/figures?area={village.code}").status_code == 404


@pytest.mark.django_db
def test_workers_list(areas: Any, volunteer: Any) -> None:
    services.worker_register(
        village=areas["village"],
        name="韩桂兰",
        local_resident=True,
        no_outside_travel=True,
        no_contact_history=True,
        attestation_signed=True,
        actor=None,
    )
    items = client_for(volunteer).get("/api/v1/epidemic/workers").json()["items"]
    assert [(w["name"], w["eligible"]) for w in items] == [("韩桂兰", True)]
