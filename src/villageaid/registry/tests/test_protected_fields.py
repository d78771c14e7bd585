"""No side doors: 户类型, 监测状态, 监测对象类别 and 风险类型 (风险消除 is a monitoring status)
change only by a step of a case or of the correction procedure. The edit form, the API,
a roster re-import and the admin cannot change them; the service layer refuses them."""

from __future__ import annotations

from typing import Any

import pytest

from villageaid.core.errors import ServiceError
from villageaid.core.roles import Role
from villageaid.registry import selectors, services
from villageaid.registry.models import Household
from villageaid.registry.tests.samples import household_in
from villageaid.testing import client_for

CHANGES = {
    "household_type": "general",
    "monitoring_status": "monitored",
    "monitoring_category": "marginal",
    "risk_types": "illness",
}


def _protected(household: Household) -> tuple[str, ...]:
    household.refresh_from_db()
    return tuple(getattr(household, f) for f in services.PROTECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("field", list(CHANGES))
def test_the_edit_service_refuses_each_protected_field(areas: Any, field: str) -> None:
    household = household_in(areas["village"], "H-P1")
    before = _protected(household)
    with pytest.raises(ServiceError) as refused:
        services.household_update(household=household, actor=None, **{field: CHANGES[field]})
    assert refused.value.code == "procedure_required"
    assert "需走程序" in refused.value.message
    assert _protected(household) == before


@pytest.mark.django_db
def test_a_decision_needs_a_case_or_an_approved_correction(areas: Any) -> None:
    household = household_in(areas["village"], "H-P2")
    before = _protected(household)
    for basis in (None, household, areas["village"]):
        with pytest.raises(ServiceError):
            services.household_decide(household=household, actor=None, basis=basis, **CHANGES)
    assert _protected(household) == before


@pytest.mark.django_db
def test_the_edit_form_ignores_protected_fields(areas: Any, make_user: Any) -> None:
    household = household_in(areas["village"], "H-P3")
    before = _protected(household)
    client = client_for(make_user(Role.CADRE))
    form = {**CHANGES, "risk_types": ["illness"], "phone": "13800000001", "water_standard": "2019"}
    response = client.post(f"/registry/households/{household.pk}/edit/", form)
    assert response.status_code == 302
    assert _protected(household) == before
    assert household.phone == "13800000001"
    page = client.get(f"/registry/households/{household.pk}/edit/").content.decode()
    assert 'name="monitoring_status"' not in page and 'name="household_type"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "post"])
def test_the_api_has_no_way_to_write_them(areas: Any, make_user: Any, method: str) -> None:
    household = household_in(areas["village"], "H-P4")
    before = _protected(household)
    client = client_for(make_user(Role.CADRE))
    response = getattr(client, method)(
        f"/api/v1/registry/households/{household.pk}", CHANGES, content_type="application/json"
    )
    assert response.status_code in {401, 403, 405}
    assert _protected(household) == before


def _roster_row(household: Household, **changes: str) -> dict[str, str]:
    return {
        "household_code": household.code,
        "village_code": household.village_id,
        "household_type": household.household_type,
        "monitoring_status": household.monitoring_status,
        "monitoring_category": household.monitoring_category,
        "risk_types": household.risk_types,
        "net_income_12m": "12000",
        "phone": "13800000002",
        **changes,
    }


@pytest.mark.django_db
def test_a_reimport_with_changed_categories_changes_nothing_and_lists_them(areas: Any) -> None:
    household = household_in(areas["village"], "H-P5")
    before = _protected(household)
    row = _roster_row(household, **CHANGES)
    differences = selectors.roster_protected_differences([row])
    assert {d["field"] for d in differences} == set(CHANGES)
    assert {d["procedure"] for d in differences} == {"case", "correction"}
    counts = services.registry_commit(households=[row], persons=[], actor=None)
    assert counts["needs_procedure"] == 1
    assert _protected(household) == before
    assert household.phone == "13800000002"  # the unprotected facts are imported


@pytest.mark.django_db
def test_another_villages_household_is_not_listed(areas: Any) -> None:
    household = household_in(areas["village"], "H-P6")
    row = _roster_row(household, village_code=areas["neighbour"].code, **CHANGES)
    assert selectors.roster_protected_differences([row]) == []


@pytest.mark.django_db
def test_the_admin_shows_them_read_only(areas: Any, make_user: Any) -> None:
    household = household_in(areas["village"], "H-P7")
    before = _protected(household)
    admin = client_for(make_user(Role.ADMIN))
    url = f"/admin/registry/household/{household.pk}/change/"
    page = admin.get(url).content.decode()
    assert 'name="monitoring_status"' not in page and 'name="phone"' in page
    form = {**CHANGES, "phone": "13800000003", "water_standard": "2019", "group_name": "一组"}
    assert admin.post(url, form).status_code == 302
    assert _protected(household) == before
    assert household.phone == "13800000003"


@pytest.mark.django_db
def test_a_reimport_does_not_overwrite_a_verified_income(areas: Any) -> None:
    import datetime as dt
    from decimal import Decimal

    from villageaid.registry import figures

    household = household_in(areas["village"], "H-P8")
    figures.household_figure_record(
        household=household,
        kind="net_income",
        value=Decimal(8000),
        source="verification",
        source_ref="cases.case#1",
        as_of=dt.date(2020, 4, 10),
        actor=None,
    )
    services.registry_commit(households=[_roster_row(household)], persons=[], actor=None)
    household.refresh_from_db()
    assert household.net_income_12m == Decimal("8000.00")
    shown = {s.kind: s for s in figures.household_figures(household)}["net_income"]
    assert shown.current.source == "verification"
    assert [c.value for c in shown.conflicts] == [Decimal("12000.00")]
