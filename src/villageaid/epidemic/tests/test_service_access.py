"""Every epidemic write checks the actor's role and area in the service, not only in the view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role
from villageaid.epidemic import services
from villageaid.epidemic.models import (
    Checkpoint,
    EpidemicCase,
    ParkWorker,
    Passage,
    SupplyMovement,
    SupplyStock,
    TemperatureRound,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def _counts() -> list[int]:
    models = (Passage, TemperatureRound, SupplyMovement, EpidemicCase, ParkWorker, AuditEvent)
    return [model.objects.count() for model in models]


def _writes(village: Any, gate: Checkpoint, worker: ParkWorker, case: EpidemicCase) -> list[Any]:
    return [
        lambda actor: services.passage_record(
            checkpoint=gate, party="villager", direction="in", temperature="36.5", actor=actor
        ),
        lambda actor: services.temperature_round_record(
            worker=worker, date=DAY, round="am", temperature="38.0", actor=actor
        ),
        lambda actor: services.supplies_hand_out(
            village=village, item="mask", quantity=5, to="村委", actor=actor
        ),
        lambda actor: services.case_record(
            village=village, status="suspected", opened_on=DAY, actor=actor
        ),
        lambda actor: services.case_transition(case=case, status="confirmed", on=DAY, actor=actor),
    ]


def test_the_service_itself_refuses_another_village_and_a_read_only_role(
    areas: dict[str, Any], make_user: Any, gate: Checkpoint
) -> None:
    village = areas["village"]
    flags = {key: True for key in ("local_resident", "no_outside_travel", "no_contact_history")}
    worker = services.worker_register(
        village=village, name="张三", attestation_signed=True, actor=None, **flags
    )
    services.supplies_receive(village=village, item="mask", quantity=50, source="镇", actor=None)
    case = services.case_record(village=village, status="suspected", opened_on=DAY, actor=None)
    neighbour_gate = make_user(Role.GATE, "neighbour")
    county = make_user(Role.COUNTY)  # sees the village's epidemic pages, writes none of them
    before = _counts()
    for write in _writes(village, gate, worker, case):
        with pytest.raises(Http404):
            write(neighbour_gate)
        with pytest.raises(PermissionDenied):
            write(county)
    assert _counts() == before
    assert SupplyStock.objects.get(village=village, item="mask").quantity == 50
    case.refresh_from_db()
    worker.refresh_from_db()
    assert (case.status, worker.excluded) == ("suspected", False)
    # the village's own volunteer is let through by the same check
    services.passage_record(
        checkpoint=gate,
        party="villager",
        direction="in",
        temperature="36.5",
        actor=make_user(Role.GATE),
    )
    assert Passage.objects.count() == before[0] + 1
