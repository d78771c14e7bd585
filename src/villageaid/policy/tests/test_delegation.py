"""County versions count only where the province delegates (R-POL-1, issue 20).

NAT-2023 (under SD-2023 in Shandong) delegates the income range (policy-versions.md §3.1: each
province/county sets it) but not the 15-day limit or the 5-day notice (spec §6.2 R-PROC-1,
confirmed); NAT-2020 delegates both limits (none found nationally, §1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from villageaid.cases import rules
from villageaid.cases import services as cases_services
from villageaid.cases.tests.factories import case_in, household, income
from villageaid.core.errors import ServiceError
from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role
from villageaid.policy import services
from villageaid.policy.admin import PolicyVersionForm
from villageaid.policy.models import IncomeRange, PolicyVersion
from villageaid.policy.resolver import policy_for
from villageaid.testing import client_for

D = dt.date


def _add(actor: Any, area: Any, code: str, **kwargs: Any) -> PolicyVersion:
    fields: dict[str, Any] = {
        "name": "文登区2023年",
        "effective_from": D(2023, 8, 15),
        "effective_to": D(2023, 12, 31),
        "year": None,
        "line": None,
        "source": "文登区政府（测试）",
        **kwargs,
    }
    return services.policy_version_add(actor=actor, area=area, code=code, **fields)


def test_the_shipped_delegation() -> None:
    from villageaid.policy.shipped import shipped_policy

    assert {"income_range", "identification_limit", "notice_min_days"} <= shipped_policy(
        "SD-2020"
    ).delegates_to_county
    sd_2023 = shipped_policy("SD-2023").delegates_to_county
    assert "income_range" in sd_2023
    assert not {"identification_limit", "notice_min_days"} & sd_2023


@pytest.mark.django_db
def test_a_delegated_range_is_used_by_the_next_decision(areas: Any, make_user: Any) -> None:
    county = make_user(Role.COUNTY)
    home = household(areas["village"], "H-DEL", household_type="tuopin")
    income(home, D(2023, 8, 1), 9000)  # one member: above SD-2023's 7500, below the county's
    _add(county, areas["county"], "WD-2023", year=2023, line=Decimal(10000))
    case = cases_services.case_open(
        household=home, actor=county, source="cadre_report", opened_on=D(2023, 9, 1)
    )
    assert case.policy_version == "WD-2023"
    assert not rules.category_problems(case, "unstable", case.opened_on, "illness")
    under_province = type(case)(household=home, policy_version="SD-2023", opened_on=case.opened_on)
    refused = rules.category_problems(under_province, "unstable", case.opened_on, "illness")
    assert refused and refused[0].startswith("R-CAT-1")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"identification_days": 10}, "identification_limit"),
        ({"notice_min_days": 3, "year": 2023, "line": Decimal(10000)}, "notice_min_days"),
    ],
)
def test_a_key_not_delegated_is_refused_at_entry(
    areas: Any, make_user: Any, kwargs: dict[str, Any], key: str
) -> None:
    county = make_user(Role.COUNTY)
    audits = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as refused:
        _add(county, areas["county"], "WD-NO", **kwargs)
    assert refused.value.code == "not_delegated"
    assert "R-POL-1" in refused.value.message and key in refused.value.message
    assert "SD-2023" in refused.value.message
    assert not PolicyVersion.objects.filter(code="WD-NO").exists()
    assert AuditEvent.objects.count() == audits
    # the province may set it for itself
    _add(make_user(Role.ADMIN), areas["province"], "SD-OWN", **kwargs)


@pytest.mark.django_db
def test_the_page_shows_the_refusal(areas: Any, make_user: Any) -> None:
    form = {
        "area": areas["county"].code,
        "code": "WD-PAGE",
        "name": "x",
        "effective_from": "2023-08-15",
        "identification_days": "10",
        "day_kind": "calendar",
        "source": "文登区政府（测试）",
    }
    response = client_for(make_user(Role.COUNTY)).post(reverse("policy-new"), form, follow=True)
    assert response.status_code == 200
    assert "R-POL-1" in response.content.decode()
    assert not PolicyVersion.objects.filter(code="WD-PAGE").exists()


@pytest.mark.django_db
def test_a_key_not_delegated_has_no_effect(areas: Any) -> None:
    # written past the service (an old row, a raw admin edit): the resolver ignores it
    row = PolicyVersion.objects.create(
        code="WD-RAW",
        name="x",
        area_code=areas["county"].code,
        base=PolicyVersion.objects.get(code="SD-2023"),
        effective_from=D(2023, 8, 15),
        data={
            "procedure": {"identification_limit": {"days": 3, "kind": "calendar"}},
            "categories": [],
            "delegates_to_county": {"value": ["identification_limit"]},
        },
    )
    policy = policy_for(areas["village"], D(2023, 9, 1))
    assert policy.code == "WD-RAW"
    assert policy.identification_limit.days == 15
    assert [c.code for c in policy.categories] == ["unstable", "marginal", "sudden"]
    case = case_in(areas["village"], "H-RAW", opened_on=D(2023, 9, 1))
    assert case.policy_version == "WD-RAW" and case.deadline == D(2023, 9, 16)
    # a province that delegates nothing: the county's range is ignored too
    PolicyVersion.objects.filter(code="SD-2023").update(data={"delegates_to_county": {"value": []}})
    IncomeRange.objects.create(version=row, year=2023, line=Decimal(50000), source="x")
    from villageaid.policy.resolver import invalidate

    invalidate()
    assert policy_for(areas["village"], D(2023, 9, 1)).line(2023) == Decimal(7500)


@pytest.mark.django_db
def test_the_admin_form_refuses_a_key_not_delegated(areas: Any) -> None:
    base = PolicyVersion.objects.get(code="SD-2023")
    fields = {
        "code": "WD-ADM",
        "name": "x",
        "area_code": areas["county"].code,
        "base": base.pk,
        "effective_from": "2023-08-15",
        "note": "",
    }
    bad = PolicyVersionForm(
        data={**fields, "data": '{"procedure": {"identification_limit": {"days": 3}}}'}
    )
    assert not bad.is_valid()
    assert "R-POL-1" in str(bad.errors) and "identification_limit" in str(bad.errors)
    good = PolicyVersionForm(
        data={**fields, "data": '{"frequency": {"value": {"monitored_months": 2}}}'}
    )
    assert good.is_valid(), good.errors


@pytest.mark.django_db
def test_the_migration_brings_the_delegation_to_a_database_loaded_before_it() -> None:
    from importlib import import_module

    from django.apps import apps

    row = PolicyVersion.objects.get(code="NAT-2023")
    row.data = {k: v for k, v in row.data.items() if k != "delegates_to_county"}
    row.save()
    assert "delegates_to_county" not in PolicyVersion.objects.get(code="NAT-2023").data
    import_module("villageaid.policy.migrations.0003_delegation_and_step_lists").load(apps, None)
    assert "delegates_to_county" in PolicyVersion.objects.get(code="NAT-2023").data
