"""Every clue ends somewhere — opened as a case, joined to the household's case, closed as
核实无风险 (sampled for the township), or turned into a correction — from the web page and
the API; open clues are counted by age and escalated past their limit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from villageaid.accounts.models import ApiToken
from villageaid.cases import services
from villageaid.cases.endings import ClueEnding, ClueEscalation, Correction
from villageaid.cases.models import Case
from villageaid.cases.services import clues as clue_services
from villageaid.cases.tests.factories import household
from villageaid.core.errors import Conflict, ServiceError
from villageaid.screening.models import Clue
from villageaid.screening.tests.samples import clue_for, run_in
from villageaid.testing import client_for


def _clue(areas: Any, code: str, kind: str = "risk") -> Clue:
    clue = clue_for(household(areas["village"], code), run_in(areas["village"]))
    Clue.objects.filter(pk=clue.pk).update(kind=kind)
    clue.refresh_from_db()
    return clue


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff photo", content_type="image/jpeg")


def _api(user: Any) -> dict[str, str]:
    _row, raw = ApiToken.issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_open_from_the_page_then_a_second_clue_joins(areas: Any, cadre: Any) -> None:
    clue = _clue(areas, "H-E1")
    client = client_for(cadre)
    response = client.post("/cases/clues/", {"clue": clue.pk, "action": "open"})
    case = Case.objects.get(household=clue.household)
    assert response["Location"] == f"/cases/{case.pk}/"
    second = clue_for(clue.household, run_in(areas["village"]))
    Clue.objects.filter(pk=second.pk).update(fingerprint="fp-second")
    refused = client.post("/cases/clues/", {"clue": second.pk, "action": "open"}, follow=True)
    assert "并入已有案件" in refused.content.decode()
    assert Case.objects.filter(household=clue.household).count() == 1
    client.post("/cases/clues/", {"clue": second.pk, "action": "join"})
    ending = ClueEnding.objects.get(clue=second)
    assert (ending.ending, ending.case) == (ClueEnding.Ending.JOINED, case)
    second.refresh_from_db()
    assert (second.case_id, second.status) == (case.pk, Clue.Status.OPEN)


@pytest.mark.django_db
def test_a_monitored_household_gets_no_second_case(areas: Any, cadre: Any) -> None:
    clue = _clue(areas, "H-E2")
    monitored = services.case_open(household=clue.household, actor=None, source="clue")
    Case.objects.filter(pk=monitored.pk).update(status=Case.Status.MONITORED)
    type(clue.household).objects.filter(pk=clue.household.pk).update(
        monitoring_status="monitored", risk_types="illness"
    )
    clue.household.refresh_from_db()
    with pytest.raises(Conflict):
        services.clue_open_case(clue=clue, actor=cadre)
    ending = services.clue_join(clue=clue, actor=cadre)
    assert ending.case == monitored
    clue.refresh_from_db()
    assert clue.status == Clue.Status.DECIDED
    assert Case.objects.filter(household=clue.household).count() == 1


@pytest.mark.django_db
def test_no_risk_needs_verifier_reason_and_evidence_and_is_sampled(
    areas: Any, cadre: Any, township_user: Any
) -> None:
    clue = _clue(areas, "H-E3")
    today = timezone.localdate()
    with pytest.raises(ServiceError):
        services.clue_close_no_risk(
            clue=clue, actor=cadre, verified_on=today, reason="", evidence=_photo()
        )
    with pytest.raises(ServiceError):
        services.clue_close_no_risk(
            clue=clue, actor=cadre, verified_on=today, reason="已核实", evidence=None
        )
    client = client_for(cadre)
    assert "核实情况" in client.get(f"/cases/clues/no-risk/?clue={clue.pk}").content.decode()
    form = {"clue": clue.pk, "verified_on": today.isoformat(), "reason": "住院费用已报销"}
    response = client.post("/cases/clues/no-risk/", {**form, "evidence": _photo()})
    assert response.status_code == 302
    ending = ClueEnding.objects.get(clue=clue)
    assert (ending.ending, ending.verifier, ending.verified_on) == ("no_risk", cadre, today)
    assert ending.evidence.name
    clue.refresh_from_db()
    assert clue.status == Clue.Status.DISMISSED
    # The township sends it back: the clue is open again and may end anew.
    ClueEnding.objects.filter(pk=ending.pk).update(sampled=True)
    page = client_for(township_user).get("/cases/clues/").content.decode()
    assert "住院费用已报销" in page
    with pytest.raises(ServiceError):
        services.clue_review(ending=ending, actor=cadre, confirm=True, note="", on=today)
    client_for(township_user).post(
        "/cases/clues/",
        {"action": "review", "ending": ending.pk, "confirm": "0", "note": "未见票据"},
    )
    ending.refresh_from_db()
    clue.refresh_from_db()
    assert (ending.review, clue.status) == ("reopened", Clue.Status.NEW)
    assert clue in clue_services.open_clues()
    assert services.clue_open_case(clue=clue, actor=cadre).ending == "opened"


@pytest.mark.django_db
def test_only_anomaly_and_quality_clues_become_corrections(areas: Any, cadre: Any) -> None:
    risk = _clue(areas, "H-E4")
    with pytest.raises(ServiceError):
        services.clue_to_correction(clue=risk, actor=cadre)
    quality = _clue(areas, "H-E5", kind="quality")
    response = client_for(cadre).post("/cases/clues/", {"clue": quality.pk, "action": "correction"})
    assert response["Location"] == "/cases/corrections/"
    ending = ClueEnding.objects.get(clue=quality)
    assert ending.correction is not None
    assert ending.correction.status == Correction.Status.TASK


@pytest.mark.django_db
def test_a_neighbour_cannot_end_this_villages_clue(areas: Any, neighbour_cadre: Any) -> None:
    clue = _clue(areas, "H-E6")
    response = client_for(neighbour_cadre).post(
        "/cases/clues/", {"clue": clue.pk, "action": "open"}
    )
    assert response.status_code == 404
    with pytest.raises(ServiceError):
        services.clue_open_case(clue=clue, actor=neighbour_cadre)
    assert not ClueEnding.objects.exists()


@pytest.mark.django_db
def test_the_four_endings_through_the_api(areas: Any, cadre: Any, township_user: Any) -> None:
    from django.test import Client

    client, headers = Client(), _api(cadre)
    opened, joined = _clue(areas, "H-A1"), _clue(areas, "H-A2")
    quality, no_risk = _clue(areas, "H-A3", kind="anomaly"), _clue(areas, "H-A4")
    url = "/api/v1/cases/clues/{}/endings"
    answer = client.post(
        url.format(opened.pk), {"ending": "opened"}, content_type="application/json", **headers
    )
    assert answer.status_code == 201 and answer.json()["case"]
    services.case_open(household=joined.household, actor=None, source="cadre_report")
    answer = client.post(
        url.format(joined.pk), {"ending": "joined"}, content_type="application/json", **headers
    )
    assert answer.status_code == 201 and answer.json()["ending"] == "joined"
    answer = client.post(
        url.format(quality.pk), {"ending": "correction"}, content_type="application/json", **headers
    )
    assert answer.status_code == 201 and answer.json()["correction"]
    body = {"verified_on": timezone.localdate().isoformat(), "reason": "已外出务工，收入稳定"}
    answer = client.post(
        f"/api/v1/cases/clues/{no_risk.pk}/no-risk", {**body, "evidence": _photo()}, **headers
    )
    assert answer.status_code == 201, answer.content
    ending = ClueEnding.objects.get(clue=no_risk)
    review = client.post(
        f"/api/v1/cases/clue-endings/{ending.pk}/review",
        {"confirm": True},
        content_type="application/json",
        **_api(township_user),
    )
    assert review.status_code == 200 and review.json()["review"] == "confirmed"
    again = client.post(
        url.format(opened.pk), {"ending": "joined"}, content_type="application/json", **headers
    )
    assert again.status_code == 409
    left = client.get("/api/v1/cases/clues/open", **headers).json()
    assert left["count"] == 0 if isinstance(left, dict) else left == []


@pytest.mark.django_db
def test_open_clues_by_age_and_escalation_past_the_limit(areas: Any, cadre: Any) -> None:
    old, young = _clue(areas, "H-G1"), _clue(areas, "H-G2")
    long_ago = timezone.now() - dt.timedelta(days=20)  # past NAT-2026's 15 days
    Clue.objects.filter(pk=old.pk).update(created_at=long_ago)
    page = client_for(cadre).get("/cases/clues/").content.decode()
    assert "已超期" in page and "H-G1" in page and "H-G2" in page
    assert services.clues_escalate() == 1
    assert services.clues_escalate() == 0  # once
    assert ClueEscalation.objects.get().clue_id == old.pk
    services.clue_open_case(clue=young, actor=cadre)
    assert "H-G2" not in client_for(cadre).get("/cases/clues/").content.decode()


@pytest.mark.django_db
def test_the_landing_page_counts_clues_left_open(areas: Any, cadre: Any) -> None:
    from villageaid.cases.cards import case_cards

    clue = _clue(areas, "H-K1")
    titles = {card.title: card for card in case_cards(cadre)}
    assert titles["未处置的线索"].count == 1 and titles["未处置的线索"].tone == "primary"
    Clue.objects.filter(pk=clue.pk).update(created_at=timezone.now() - dt.timedelta(days=16))
    titles = {card.title: card for card in case_cards(cadre)}
    assert titles["未处置的线索"].tone == "danger"
    services.clue_open_case(clue=clue, actor=cadre)
    assert "未处置的线索" not in {card.title for card in case_cards(cadre)}
