"""The gate: 37.3 °C refuses entry and alerts the township; minimal fields;
a volunteer sees only the gate pages of their own village."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from villageaid.conftest import client_for
from villageaid.core.errors import ServiceError
from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role
from villageaid.epidemic import services
from villageaid.epidemic.models import GateAlert, Passage

BANNER = "体温≥37.3℃，禁止进入，已通知镇里"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("temperature", "decision", "alerts"),
    [
        ("37.2", "admitted", 0),
        ("37.3", "refused", 1),
        ("38.6", "refused", 1),
        ("36.5", "admitted", 0),
    ],
)
def test_fever_threshold(
    gate: Any, volunteer: Any, areas: Any, temperature: str, decision: str, alerts: int
) -> None:
    passage = services.passage_record(
        checkpoint=gate, party="villager", direction="in", temperature=temperature, actor=volunteer
    )
    assert passage.decision == decision
    assert passage.temperature == Decimal(temperature)
    rows = GateAlert.objects.filter(kind="fever")
    assert rows.count() == alerts
    if alerts:
        assert rows.get().township == areas["township"]
        assert rows.get().area_path == areas["village"].path
    assert AuditEvent.objects.filter(action="epidemic.passage", object_id=str(passage.pk)).exists()


@pytest.mark.django_db
def test_fever_on_the_way_out_is_also_held(gate: Any, volunteer: Any) -> None:
    passage = services.passage_record(
        checkpoint=gate, party="villager", direction="out", temperature="37.5", actor=volunteer
    )
    assert passage.decision == "refused"
    assert GateAlert.objects.filter(kind="fever").count() == 1


@pytest.mark.django_db
def test_red_code_refused_without_fever(gate: Any, volunteer: Any) -> None:
    passage = services.passage_record(
        checkpoint=gate,
        party="outsider",
        direction="in",
        temperature="36.4",
        health_code="red",
        actor=volunteer,
    )
    assert passage.decision == "refused"
    assert not GateAlert.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "abc", "33.9", "43.1"])
def test_entry_needs_a_plausible_temperature(gate: Any, volunteer: Any, value: str) -> None:
    with pytest.raises(ServiceError):
        services.passage_record(
            checkpoint=gate, party="villager", direction="in", temperature=value, actor=volunteer
        )
    assert not Passage.objects.exists()


@pytest.mark.django_db
def test_minimal_fields_villagers_are_not_named(gate: Any, volunteer: Any) -> None:
    villager = services.passage_record(
        checkpoint=gate,
        party="villager",
        direction="in",
        temperature="36.6",
        name="张三",
        phone="13800000000",
        id_number="11010519491231002X",
        actor=volunteer,
    )
    outsider = services.passage_record(
        checkpoint=gate,
        party="outsider",
        direction="in",
        temperature="36.6",
        name="李四",
        phone="13900000000",
        id_number="11010519491231002X",
        actor=volunteer,
    )
    villager.refresh_from_db()
    assert (villager.name, villager.phone, villager.id_cipher) == ("", "", "")
    assert (outsider.name, outsider.phone) == ("李四", "13900000000")
    assert outsider.id_masked == "110105********002X"
    assert "11010519491231002X" not in outsider.id_cipher
    assert outsider.notice_version


@pytest.mark.django_db
def test_resent_form_records_once(gate: Any, volunteer: Any) -> None:
    client = client_for(volunteer)
    data = {"party": "villager", "direction": "in", "kind": "person", "temperature": "36.5"}
    for _ in range(3):
        response = client.post(f"/epidemic/gate/{gate.pk}/", {**data, "client_token": "t-1"})
        assert response.status_code == 200
    assert Passage.objects.count() == 1


@pytest.mark.django_db
def test_quick_entry_refuses_and_shows_the_banner(gate: Any, volunteer: Any) -> None:
    client = client_for(volunteer)
    page = client.get(f"/epidemic/gate/{gate.pk}/").content.decode()
    assert 'name="temperature"' in page and "<script>" not in page and "style=" not in page
    response = client.post(
        f"/epidemic/gate/{gate.pk}/",
        {"party": "outsider", "direction": "in", "kind": "person", "temperature": "37.3"},
    )
    html = response.content.decode()
    assert BANNER in html
    assert "htmx" not in html  # the light result page loads no htmx
    assert Passage.objects.get().decision == "refused"
    assert GateAlert.objects.filter(kind="fever").exists()


@pytest.mark.django_db
def test_one_gate_opens_straight_on_its_quick_entry(gate: Any, volunteer: Any) -> None:
    html = client_for(volunteer).get("/epidemic/gate/").content.decode()
    assert gate.name in html and 'name="temperature"' in html


@pytest.mark.django_db
def test_volunteer_sees_only_the_gate_of_their_village(
    gate: Any, neighbour_gate: Any, volunteer: Any
) -> None:
    client = client_for(volunteer)
    assert client.get(f"/epidemic/gate/{gate.pk}/").status_code == 200
    assert client.get(f"/epidemic/gate/{neighbour_gate.pk}/").status_code == 404
    posted = client.post(
        f"/epidemic/gate/{neighbour_gate.pk}/",
        {"party": "villager", "direction": "in", "temperature": "36.5"},
    )
    assert posted.status_code == 404
    assert client.get("/registry/households/").status_code == 403
    assert client.get("/areas/").status_code == 403
    services.passage_record(
        checkpoint=neighbour_gate, party="villager", direction="in", temperature="36.5", actor=None
    )
    services.passage_record(
        checkpoint=gate, party="villager", direction="in", temperature="37.4", actor=None
    )
    listing = client.get("/epidemic/passages/").content.decode()
    assert listing.count("<tr") == 2  # header + Beima's one passage
    alerts = client.get("/api/v1/epidemic/passages").json()
    assert [p["checkpoint_id"] for p in alerts["items"]] == [gate.pk]


@pytest.mark.django_db
def test_read_only_roles_cannot_record(gate: Any, make_user: Any) -> None:
    city = make_user(Role.CITY)
    client = client_for(city)
    assert client.get(f"/epidemic/gate/{gate.pk}/").status_code == 200
    response = client.post(
        f"/epidemic/gate/{gate.pk}/",
        {"party": "villager", "direction": "in", "temperature": "36.5"},
    )
    assert response.status_code == 403
    assert not Passage.objects.exists()


@pytest.mark.django_db
def test_township_sees_and_resolves_the_alert(
    gate: Any, volunteer: Any, township_user: Any
) -> None:
    services.passage_record(
        checkpoint=gate, party="villager", direction="in", temperature="38.0", actor=volunteer
    )
    client = client_for(township_user)
    assert "卡口发热" in client.get("/epidemic/alerts/").content.decode()
    assert "未处理预警 1 条" in client.get("/").content.decode()
    alert = GateAlert.objects.get()
    client.post("/epidemic/alerts/", {"alert": alert.pk})
    alert.refresh_from_db()
    assert alert.resolved and alert.resolved_by == township_user
