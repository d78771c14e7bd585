"""Closed-village mode (封村): switched by the cadre or the township, audited both ways;
while on, the gate admits residents only, a non-resident enters only with a recorded
exception, and every gate page shows the banner."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from villageaid.conftest import client_for
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role
from villageaid.epidemic import returnees, services
from villageaid.epidemic.models import Checkpoint, Passage, VillageClosure

pytestmark = pytest.mark.django_db


def _outsider(gate: Checkpoint, **extra: Any) -> Passage:
    fields = {"party": "outsider", "direction": "in", "temperature": "36.5", **extra}
    return services.passage_record(checkpoint=gate, actor=None, **fields)


def test_only_the_cadre_and_the_township_switch_and_both_switches_are_audited(
    areas: dict[str, Any], make_user: Any
) -> None:
    village = areas["village"]
    refused = {
        Role.GATE: PermissionDenied,
        Role.GRID: Http404,  # a grid worker sits below the village
        Role.COUNTY: PermissionDenied,
    }
    for role, error in refused.items():
        with pytest.raises(error):
            returnees.closure_start(village=village, reason="疫情", actor=make_user(role))
    with pytest.raises(Http404):
        returnees.closure_start(
            village=village, reason="疫情", actor=make_user(Role.CADRE, "neighbour")
        )
    assert not VillageClosure.objects.exists() and not AuditEvent.objects.exists()
    cadre, township = make_user(Role.CADRE), make_user(Role.TOWNSHIP)
    with pytest.raises(ServiceError):
        returnees.closure_start(village=village, reason=" ", actor=cadre)
    closure = returnees.closure_start(village=village, reason="疫情", actor=cadre)
    with pytest.raises(Conflict):
        returnees.closure_start(village=village, reason="再封", actor=township)
    returnees.closure_end(closure=closure, note="解封", actor=township)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["epidemic.closure_start", "epidemic.closure_end"]
    assert returnees.closure_for(village) is None


def test_closed_gate_admits_residents_and_refuses_non_residents_without_an_exception(
    areas: dict[str, Any], gate: Checkpoint, neighbour_gate: Checkpoint
) -> None:
    assert _outsider(gate).decision == "admitted"  # open village
    closure = returnees.closure_start(village=areas["village"], reason="疫情", actor=None)
    refused = _outsider(gate, name="李四", phone="13900000000")
    assert (refused.decision, refused.refused_as_closed) == ("refused", True)
    resident = services.passage_record(
        checkpoint=gate, party="villager", direction="in", temperature="36.5", actor=None
    )
    assert resident.decision == "admitted" and resident.closure == closure
    leaving = _outsider(gate, direction="out")
    assert leaving.decision == "admitted"
    with pytest.raises(ServiceError):  # an exception needs a name and a phone
        _outsider(gate, closure_exception="supplies")
    delivery = _outsider(gate, closure_exception="supplies", name="王师傅", phone="13900000001")
    assert (delivery.decision, delivery.get_closure_exception_display()) == (
        "admitted",
        "保供物资配送",
    )
    assert _outsider(neighbour_gate).decision == "admitted"  # the next village is open


def test_the_gate_page_shows_the_banner_and_the_refusal(
    areas: dict[str, Any], gate: Checkpoint, make_user: Any
) -> None:
    volunteer = client_for(make_user(Role.GATE))
    assert "封村中" not in volunteer.get("/epidemic/gate/").content.decode()
    cadre = client_for(make_user(Role.CADRE))
    response = cadre.post(
        "/epidemic/closure/",
        {"action": "start", "village": areas["village"].pk, "reason": "疫情防控"},
    )
    assert response.status_code == 302
    page = volunteer.get("/epidemic/gate/").content.decode()
    assert "北马村封村中" in page
    posted = volunteer.post(
        "/epidemic/gate/",
        {"party": "outsider", "direction": "in", "kind": "person", "temperature": "36.5"},
    ).content.decode()
    assert "封村期间，非本村人员禁止进入" in posted
    assert Passage.objects.get().decision == "refused"
    # the gate keeper cannot switch it off; the cadre can
    closure = VillageClosure.objects.get()
    denied = volunteer.post("/epidemic/closure/", {"action": "end", "closure": closure.pk})
    assert denied.status_code == 403
    cadre.post("/epidemic/closure/", {"action": "end", "closure": closure.pk})
    assert "封村中" not in volunteer.get("/epidemic/gate/").content.decode()
