"""Step forms and the transition API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from villageaid.cases.models import Case, CaseMeasure, Transition
from villageaid.cases.tests.factories import case_in
from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.registry.models import IncomeRecord


@pytest.mark.django_db
def test_home_verification_form_fills_the_registry(areas: Any, cadre: Any) -> None:
    case = case_in(areas["village"], "H-FORM")
    response = client_for(cadre).post(
        f"/cases/{case.pk}/verify/",
        {
            "on": "2020-04-09",
            "wage": "3000",
            "business": "1000",
            "property_income": "0",
            "transfer": "500",
            "production_costs": "200",
            "medical_expense": "0",
            "education_expense": "0",
            "food_clothing_ok": "on",
            "education_ok": "on",
            "housing_grade": "C",
            "water_quantity_ok": "on",
            "water_quality_ok": "on",
            "water_access_ok": "on",
            "water_assurance_ok": "on",
            "risk_types": ["epidemic", "employment"],
            "authorised": "on",
        },
    )
    assert response.status_code == 302
    record = IncomeRecord.objects.get(household=case.household)
    assert record.net_income == 4300
    case.household.refresh_from_db()
    assert case.household.medical_ok is False and case.household.housing_grade == "C"
    case.refresh_from_db()
    assert case.step is not None and case.step.code == "compare"
    assert case.authorisations.count() == 2  # the factory's and the form's
    assert case.transitions.get().data["net_income"] == "4300.00"


@pytest.mark.django_db
def test_step_form_is_shown_only_to_the_role_that_may_act(areas: Any, make_user: Any) -> None:
    case = case_in(areas["village"], "H-SHOW")
    cadre, township = make_user(Role.CADRE), make_user(Role.TOWNSHIP)
    assert "办理本环节" in client_for(cadre).get(f"/cases/{case.pk}/").content.decode()
    assert "办理本环节" not in client_for(township).get(f"/cases/{case.pk}/").content.decode()
    response = client_for(township).post(f"/cases/{case.pk}/act/", {"decision": "pass"})
    assert response.status_code == 200
    assert not Transition.objects.exists()


@pytest.mark.django_db
def test_transition_api(areas: Any, make_user: Any) -> None:
    case = case_in(areas["village"], "H-API")
    cadre = make_user(Role.CADRE)
    client = client_for(cadre)
    ok = client.post(
        f"/api/v1/cases/cases/{case.pk}/transitions",
        {"decision": "pass", "reason": "核实属实"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert ok.json()["step"] == "compare"
    refused = client.post(
        f"/api/v1/cases/cases/{case.pk}/transitions",
        {"decision": "pass"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "not_your_step"


@pytest.mark.django_db
def test_case_list_shows_clocks_in_constant_queries(areas: Any, cadre: Any) -> None:
    for n in range(3):
        case_in(areas["village"], f"H-LIST-{n}", opened_on=dt.date(2023, 4, 3))
    client = client_for(cadre)
    client.get("/cases/")
    with CaptureQueriesContext(connection) as few:
        first = client.get("/cases/")
    case_in(areas["village"], "H-LIST-9", opened_on=dt.date(2023, 4, 3))
    with CaptureQueriesContext(connection) as more:
        client.get("/cases/")
    assert len(more) == len(few)
    assert "list-group-item-danger" in first.content.decode()  # 15-day limit (NAT-2023): overdue


@pytest.mark.django_db
def test_household_partial_lists_its_cases(areas: Any) -> None:
    case = case_in(areas["village"], "H-PART")
    CaseMeasure.objects.create(
        case=case,
        area_path=case.area_path,
        measure="other",
        department="村",
        granted_on=case.opened_on,
    )
    html = Template("{% load cases_tags %}{% household_cases household %}").render(
        Context({"household": case.household})
    )
    assert f"/cases/{case.pk}/" in html and case.step.name in html  # type: ignore[union-attr]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_comparison_needs_the_signed_authorisation_and_links_to_it(
    areas: Any, make_user: Any
) -> None:
    from villageaid.cases import services
    from villageaid.cases.models import Authorisation
    from villageaid.cases.tests.factories import household

    cadre, county = make_user(Role.CADRE), make_user(Role.COUNTY)
    case = services.case_open(
        household=household(areas["village"], "H-CMP"), actor=cadre, source="clue"
    )
    services.case_transition(case=case, actor=cadre, decision="pass")
    client = client_for(county)
    lines = "民政：无低保记录\n!公安交管：名下小型汽车一辆"
    client.post(f"/cases/{case.pk}/act/", {"decision": "pass", "comparisons": lines})
    case.refresh_from_db()
    assert case.step is not None and case.step.code == "compare"  # refused: no authorisation
    services.authorisation_record(case=case, actor=cadre, signed_on=case.opened_on)
    response = client.post(f"/cases/{case.pk}/act/", {"decision": "pass", "comparisons": lines})
    assert response.status_code == 302
    authorisation = Authorisation.objects.get(case=case)
    found = list(authorisation.comparisons.values_list("department", "flagged"))
    assert found == [("民政", False), ("公安交管", True)]


@pytest.mark.django_db
def test_landing_page_shows_case_cards(areas: Any, cadre: Any) -> None:
    case_in(areas["village"], "H-HOME", opened_on=dt.date(2023, 4, 3))
    html = client_for(cadre).get("/").content.decode()
    assert "待我办理的监测案件" in html and "超期案件" in html


@pytest.mark.django_db
def test_escalation_command_and_job(areas: Any, make_user: Any) -> None:
    from django.core.management import call_command

    from villageaid.core import jobs

    make_user(Role.TOWNSHIP)
    case_in(areas["village"], "H-ESC", opened_on=dt.date(2023, 4, 3))
    assert "cases.escalate" in jobs._JOBS
    out = __import__("io").StringIO()
    call_command("cases_escalate", "--today", "2023-05-01", stdout=out)
    assert "escalated 1" in out.getvalue()


@pytest.mark.django_db
def test_cadre_opens_a_case_from_a_visit_report_page(areas: Any, cadre: Any) -> None:
    from villageaid.cases.tests.factories import household
    from villageaid.visits.models import VisitReport

    home = household(areas["village"], "H-VR")
    report = VisitReport.objects.create(
        household=home, description="因病住院", risk_type="illness", area_path=home.area_path
    )
    client = client_for(cadre)
    assert "因病住院" in client.get("/cases/new/").content.decode()
    response = client.post("/cases/new/", {"report": report.pk})
    assert response.status_code == 302
    assert Case.objects.get().report == report


@pytest.mark.django_db
def test_measure_progress_with_evidence(
    areas: Any, cadre: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    case = case_in(areas["village"], "H-EVI")
    row = CaseMeasure.objects.create(
        case=case,
        area_path=case.area_path,
        measure="other",
        department="村",
        granted_on=case.opened_on,
    )
    photo = SimpleUploadedFile("receipt.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")
    client_for(cadre).post(
        f"/cases/{case.pk}/measures/",
        {"action": "progress", "measure": row.pk, "status": "verified", "evidence": photo},
    )
    row.refresh_from_db()
    assert row.status == "verified" and row.evidence.name.endswith(".jpg")
