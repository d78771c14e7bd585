"""The correction procedure: the village requests with a reason and an attachment, the
township approves (applied with history) or refuses; the scorecard counts corrections
apart from the chain's decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from villageaid.cases import endings_selectors, services
from villageaid.cases.endings import Correction
from villageaid.cases.tests.factories import household
from villageaid.core.errors import ServiceError
from villageaid.core.models import AuditEvent
from villageaid.testing import client_for


def _proof() -> SimpleUploadedFile:
    return SimpleUploadedFile("proof.pdf", b"%PDF-1.4 proof", content_type="application/pdf")


def _request(home: Any, actor: Any, **kwargs: Any) -> Correction:
    fields = {
        "field": "household_type",
        "new_value": "general",
        "reason": "2016年录入时误录为脱贫户，见原始档案",
        "attachment": _proof(),
        "on": timezone.localdate(),
        **kwargs,
    }
    return services.correction_request(household=home, actor=actor, **fields)


@pytest.mark.django_db
def test_request_then_approval_applies_with_history(
    areas: Any, cadre: Any, township_user: Any
) -> None:
    home = household(areas["village"], "H-C1")
    assert home.household_type == "tuopin"
    with pytest.raises(ServiceError):
        _request(home, cadre, reason="")
    with pytest.raises(ServiceError):
        _request(home, cadre, attachment=None)
    with pytest.raises(ServiceError):
        _request(home, township_user)  # the village requests
    row = _request(home, cadre)
    home.refresh_from_db()
    assert home.household_type == "tuopin"  # nothing changes before the approval
    with pytest.raises(ServiceError):
        services.correction_decide(
            correction=row, actor=cadre, approve=True, note="", on=row.requested_on
        )
    services.correction_decide(
        correction=row, actor=township_user, approve=True, note="核对档案属实", on=row.requested_on
    )
    home.refresh_from_db()
    assert home.household_type == "general"
    latest = home.history.first()
    assert latest.history_change_reason == f"cases.correction #{row.pk}"
    assert AuditEvent.objects.filter(action="registry.household.decide").exists()


@pytest.mark.django_db
def test_a_refusal_needs_a_reason_and_changes_nothing(
    areas: Any, cadre: Any, township_user: Any
) -> None:
    home = household(areas["village"], "H-C2")
    row = _request(home, cadre)
    with pytest.raises(ServiceError):
        services.correction_decide(
            correction=row, actor=township_user, approve=False, note="", on=row.requested_on
        )
    services.correction_decide(
        correction=row, actor=township_user, approve=False, note="证明不足", on=row.requested_on
    )
    home.refresh_from_db()
    assert home.household_type == "tuopin"
    row.refresh_from_db()
    assert row.status == Correction.Status.REFUSED


@pytest.mark.django_db
def test_a_death_not_recorded(areas: Any, cadre: Any, township_user: Any) -> None:
    home = household(areas["village"], "H-C3")
    head = home.members.get()
    row = _request(home, cadre, field="person_status", new_value="deceased", person=head)
    services.correction_decide(
        correction=row, actor=township_user, approve=True, note="", on=row.requested_on
    )
    head.refresh_from_db()
    assert head.status == "deceased"


@pytest.mark.django_db
def test_the_pages_request_and_approve(areas: Any, cadre: Any, township_user: Any) -> None:
    home = household(areas["village"], "H-C4")
    form = {
        "household_code": home.code,
        "field": "monitoring_category",
        "new_value": "marginal",
        "reason": "类别录错",
        "attachment": _proof(),
    }
    response = client_for(cadre).post("/cases/corrections/new/", form)
    assert response.status_code == 302
    row = Correction.objects.get()
    page = client_for(township_user).get("/cases/corrections/").content.decode()
    assert "类别录错" in page and "批准更正" in page
    client_for(township_user).post("/cases/corrections/", {"correction": row.pk, "approve": "1"})
    home.refresh_from_db()
    assert home.monitoring_category == "marginal"


@pytest.mark.django_db
def test_the_scorecard_counts_corrections_apart(areas: Any, cadre: Any, township_user: Any) -> None:
    from villageaid.reports import figures

    home = household(areas["village"], "H-C5")
    row = _request(home, cadre)
    day = row.requested_on
    services.correction_decide(correction=row, actor=township_user, approve=True, note="", on=day)
    path = areas["township"].path
    assert endings_selectors.corrections_approved(area_path=path, start=day, end=day) == 1
    week = (day - dt.timedelta(days=7), day)
    assert figures.by_key()["corrections_approved"].compute(path, *week) == 1
    assert figures.by_key()["cases_opened"].compute(path, *week) == 0
