"""What the chain learns flows back: the verified income of a home verification is what the
household card, the next screening run and the scorecard use, with its source; a refused
verification leaves nothing behind (issue 18, finding 10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from villageaid.cases import services
from villageaid.cases.models import Authorisation, Case, Transition
from villageaid.cases.tests.factories import household
from villageaid.core.errors import ServiceError
from villageaid.core.roles import Role
from villageaid.registry import figures
from villageaid.registry.models import HouseholdFigure, IncomeRecord
from villageaid.testing import client_for

D = dt.date(2020, 4, 10)
FORM = {
    "on": D.isoformat(),
    "wage": "6000",
    "business": "1500",
    "property_income": "0",
    "transfer": "800",
    "production_costs": "300",
    "medical_expense": "0",
    "education_expense": "0",
    "food_clothing_ok": "on",
    "education_ok": "on",
    "medical_ok": "on",
    "water_quantity_ok": "on",
    "water_quality_ok": "on",
    "water_access_ok": "on",
    "water_assurance_ok": "on",
    "authorised": "on",
    "risk_types": ["illness"],
}


def _case(areas: Any) -> Case:
    return services.case_open(
        household=household(areas["village"], "H-V1"),
        actor=None,
        source=Case.Source.CADRE_REPORT,
        opened_on=dt.date(2020, 4, 8),
    )


@pytest.mark.django_db
def test_a_refused_verification_leaves_no_authorisation_nor_income(
    areas: Any, make_user: Any
) -> None:
    case = _case(areas)
    township = make_user(Role.TOWNSHIP)  # edits cases in the area, but does not verify
    response = client_for(township).post(f"/cases/{case.pk}/verify/", FORM)
    assert response.status_code == 200  # the form again, with the refusal
    assert not Authorisation.objects.filter(case=case).exists()
    assert not IncomeRecord.objects.filter(household=case.household).exists()
    assert not HouseholdFigure.objects.exists()
    assert not Transition.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_the_verified_income_flows_to_card_screening_and_scorecard(areas: Any, cadre: Any) -> None:
    from villageaid.reports import figures as scorecard
    from villageaid.screening.snapshot import snapshot_registry

    case = _case(areas)
    home = case.household
    response = client_for(cadre).post(f"/cases/{case.pk}/verify/", FORM)
    assert response.status_code == 302
    assert Authorisation.objects.filter(case=case).count() == 1
    home.refresh_from_db()
    assert home.net_income_12m == Decimal("8000.00")
    figure = HouseholdFigure.objects.get(household=home, kind="net_income")
    assert (figure.source, figure.as_of, figure.recorded_by) == ("verification", D, cadre)
    # The card shows the figure with its source and date.
    card = client_for(cadre).get(f"/registry/households/{home.pk}/").content.decode()
    assert "8000.00" in card and "入户核实" in card and "2020-04-10" in card
    # The next screening run reads the verified figure.
    con = duckdb.connect()
    snapshot_registry(con, area_path=home.area_path)
    row = con.execute(
        "SELECT net_income_12m FROM households WHERE household_code = ?", [home.code]
    ).fetchone()
    assert row is not None and Decimal(row[0]) == Decimal("8000.00")
    # The scorecard counts the household as verified.
    compute = scorecard.by_key()["households_income_verified"].compute
    assert compute(areas["township"].path, D, D) == 1


@pytest.mark.django_db
def test_a_visit_does_not_silently_overwrite_a_verified_figure(areas: Any, cadre: Any) -> None:
    home = household(areas["village"], "H-V2")
    for source, value, ref in (("verification", 8000, "a"), ("roster", 3000, "b")):
        figures.household_figure_record(
            household=home,
            kind="net_income",
            value=value,
            source=source,
            source_ref=ref,
            as_of=D,
            actor=cadre,
        )
    home.refresh_from_db()
    assert home.net_income_12m == Decimal("8000.00")  # the trusted source stays current
    shown = {s.kind: s for s in figures.household_figures(home)}["net_income"]
    assert shown.current.source == "verification"
    assert [c.value for c in shown.conflicts] == [Decimal("3000.00")]
    card = client_for(cadre).get(f"/registry/households/{home.pk}/").content.decode()
    assert "3000.00" in card and "来源不一致" in card
    with pytest.raises(ServiceError):
        figures.household_figure_record(
            household=home,
            kind="net_income",
            value=Decimal("1E+20"),
            source="visit",
            source_ref="c",
            as_of=D,
            actor=cadre,
        )


@pytest.mark.django_db
def test_a_visits_answers_and_a_measures_effect_become_figures(areas: Any, cadre: Any) -> None:
    from django.utils import timezone

    from villageaid.visits import services as visits_services

    case = _case(areas)
    home = case.household
    head = home.members.get()
    visit, _created = visits_services.visit_record(
        actor=cadre,
        household=home,
        visited_at=timezone.make_aware(dt.datetime(2020, 4, 12, 10)),
        members_met=[head.pk],
        checklist={"housing": "no", "water": "yes"},
        answers={"working_members": 1, "ill_members": 1, "pupils": 0},
    )
    found = {
        f.kind: f.value for f in HouseholdFigure.objects.filter(household=home, source="visit")
    }
    assert found == {
        "members_at_home": 1,
        "housing_safe": 0,
        "water_ok": 1,
        "working_members": 1,
        "ill_members": 1,
        "pupils": 0,
    }
    assert {
        f.source_ref for f in HouseholdFigure.objects.filter(household=home, source="visit")
    } == {f"visits.visit#{visit.pk}"}
    measure = services.measure_grant(
        case=case,
        actor=cadre,
        measure="medical",
        department="区医保局",
        granted_on=dt.date(2020, 4, 12),
    )
    services.measure_progress(
        row=measure, actor=cadre, status="delivered", effect_income=Decimal(1200), on=D
    )
    effect = HouseholdFigure.objects.get(household=home, kind="measure_income")
    assert (effect.value, effect.source, effect.as_of) == (Decimal("1200.00"), "measure", D)
    card = client_for(cadre).get(f"/registry/households/{home.pk}/").content.decode()
    assert "帮扶措施增收" in card and "走访" in card
