"""A household moves to another village only by the transfer procedure: requested by the
receiving village, approved by the township of each village, moved with history."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from villageaid.conftest import client_for
from villageaid.core.areas import area_create
from villageaid.core.errors import Conflict, ServiceError
from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role
from villageaid.registry.models import Household, HouseholdTransfer
from villageaid.registry.tests.samples import household_in
from villageaid.registry.transfers import transfer_approve, transfer_reject, transfer_request
from villageaid.testing import NEIGHBOUR, VILLAGE

FAR = "371003106201"  # a village of the other township (泽头镇)


@pytest.fixture
def far(areas: Any) -> Any:
    return area_create(code=FAR, name="泽头村", level="village", parent=areas["other_township"])


@pytest.mark.django_db
def test_same_township_one_approval_moves_the_household_with_history(
    areas: Any, make_user: Any
) -> None:
    household = household_in(areas["neighbour"], "H-N1")
    cadre = make_user(Role.CADRE)
    transfer = transfer_request(
        actor=cadre, to_village=areas["village"], id_number="11010519491231002x", reason="婚迁"
    )
    assert transfer.household == household and transfer.from_village_id == NEIGHBOUR
    transfer = transfer_approve(actor=make_user(Role.TOWNSHIP), transfer=transfer)
    assert transfer.status == "moved"
    household.refresh_from_db()
    assert household.village_id == VILLAGE and household.area_path == areas["village"].path
    assert household.history.first().history_change_reason == f"transfer {transfer.pk}"  # type: ignore[union-attr]
    moved = AuditEvent.objects.get(action="registry.transfer.move")
    assert moved.area_id == VILLAGE and moved.before["village"] == NEIGHBOUR


@pytest.mark.django_db
def test_different_townships_each_approve(areas: Any, far: Any, make_user: Any) -> None:
    household = household_in(far, "H-F1")
    transfer = transfer_request(
        actor=make_user(Role.CADRE),
        to_village=areas["village"],
        household_code="H-F1",
        reason="投亲",
    )
    ours = make_user(Role.TOWNSHIP)
    theirs = make_user(Role.TOWNSHIP, "other_township", username="township-far")
    transfer = transfer_approve(actor=ours, transfer=transfer)
    assert transfer.status == "pending" and transfer.to_approved_by == ours
    household.refresh_from_db()
    assert household.village_id == FAR  # not before both townships approve
    with pytest.raises(Conflict):
        transfer_approve(actor=ours, transfer=transfer)  # the same side twice
    transfer = transfer_approve(actor=theirs, transfer=transfer)
    assert transfer.status == "moved"
    household.refresh_from_db()
    assert household.village_id == VILLAGE


@pytest.mark.django_db
def test_only_the_receiving_villages_editors_may_request(areas: Any, make_user: Any) -> None:
    household_in(areas["village"], "H-V1")
    for user in (make_user(Role.CADRE), make_user(Role.TOWNSHIP), make_user(Role.HELPER)):
        with pytest.raises(PermissionDenied):
            transfer_request(
                actor=user, to_village=areas["neighbour"], household_code="H-V1", reason="x"
            )
    assert not HouseholdTransfer.objects.exists()


@pytest.mark.django_db
def test_approval_needs_the_township_of_a_village(areas: Any, far: Any, make_user: Any) -> None:
    household_in(areas["neighbour"], "H-N1")
    transfer = transfer_request(
        actor=make_user(Role.CADRE), to_village=areas["village"], household_code="H-N1", reason="x"
    )
    outsider = make_user(Role.TOWNSHIP, "other_township", username="township-far")
    for user in (outsider, make_user(Role.CADRE, "neighbour"), make_user(Role.COUNTY)):
        with pytest.raises(PermissionDenied):
            transfer_approve(actor=user, transfer=transfer)
        with pytest.raises(PermissionDenied):
            transfer_reject(actor=user, transfer=transfer, reason="不同意")
    assert Household.objects.get(code="H-N1").village_id == NEIGHBOUR


@pytest.mark.django_db
def test_rejected_request_moves_nothing_and_cannot_be_approved(areas: Any, make_user: Any) -> None:
    household_in(areas["neighbour"], "H-N1")
    transfer = transfer_request(
        actor=make_user(Role.CADRE), to_village=areas["village"], household_code="H-N1", reason="x"
    )
    township = make_user(Role.TOWNSHIP)
    transfer = transfer_reject(actor=township, transfer=transfer, reason="材料不全")
    assert transfer.status == "rejected"
    with pytest.raises(Conflict):
        transfer_approve(actor=township, transfer=transfer)
    assert Household.objects.get(code="H-N1").village_id == NEIGHBOUR


@pytest.mark.django_db
def test_request_refusals(areas: Any, make_user: Any) -> None:
    household_in(areas["neighbour"], "H-N1")
    cadre = make_user(Role.CADRE)
    with pytest.raises(ServiceError, match="未找到"):
        transfer_request(actor=cadre, to_village=areas["village"], household_code="NO", reason="x")
    with pytest.raises(ServiceError, match="迁移原因"):
        transfer_request(
            actor=cadre, to_village=areas["village"], household_code="H-N1", reason=" "
        )
    transfer_request(actor=cadre, to_village=areas["village"], household_code="H-N1", reason="x")
    with pytest.raises(Conflict):
        transfer_request(
            actor=cadre, to_village=areas["village"], household_code="H-N1", reason="x"
        )
    assert HouseholdTransfer.objects.count() == 1


@pytest.mark.django_db
def test_pages_request_list_approve(areas: Any, make_user: Any) -> None:
    household_in(areas["neighbour"], "H-N1")
    cadre = client_for(make_user(Role.CADRE))
    response = cadre.post(
        "/registry/transfers/new/",
        {"village": VILLAGE, "household_code": "H-N1", "id_number": "", "reason": "婚迁"},
    )
    assert response.status_code == 302
    transfer = HouseholdTransfer.objects.get()
    page = cadre.get("/registry/transfers/").content.decode()
    assert "H-N1" in page and "南马村" not in page  # the requester is not told where from
    township = client_for(make_user(Role.TOWNSHIP))
    page = township.get("/registry/transfers/").content.decode()
    assert "南马村" in page and f"/registry/transfers/{transfer.pk}/approve/" in page
    assert cadre.post(f"/registry/transfers/{transfer.pk}/approve/").status_code == 403
    assert township.post(f"/registry/transfers/{transfer.pk}/approve/").status_code == 302
    assert Household.objects.get(code="H-N1").village_id == VILLAGE


@pytest.mark.django_db
def test_api_request_list_approve(areas: Any, make_user: Any) -> None:
    household_in(areas["neighbour"], "H-N1")
    cadre = client_for(make_user(Role.CADRE))
    response = cadre.post(
        "/api/v1/registry/transfers",
        {"village_code": VILLAGE, "id_number": "11010519491231002X", "reason": "婚迁"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["household_code"] == "H-N1" and made["from_village_id"] is None
    assert cadre.post(f"/api/v1/registry/transfers/{made['id']}/approve").status_code == 403
    township = client_for(make_user(Role.TOWNSHIP))
    assert township.get("/api/v1/registry/transfers").json()[0]["from_village_id"] == NEIGHBOUR
    approved = township.post(f"/api/v1/registry/transfers/{made['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "moved"
    again = township.post(f"/api/v1/registry/transfers/{made['id']}/approve")
    assert again.status_code == 409
