"""The resolver by area and date, a county's own version used by the next decision, the
visits figure equal to the resolver's, and one definition of the line (grep)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from villageaid.cases import services as cases_services
from villageaid.cases.models import Transition
from villageaid.cases.tests.factories import case_in, household, income
from villageaid.core.errors import ServiceError
from villageaid.core.roles import Role
from villageaid.policy.models import PolicyVersion
from villageaid.policy.resolver import policy_for
from villageaid.testing import client_for
from villageaid.visits import selectors as visits_selectors

D = dt.date
PASS = Transition.Decision.PASS
SRC = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "shandong", "elsewhere"),
    [
        (D(2020, 4, 8), "SD-2020", "NAT-2020"),
        (D(2021, 6, 1), "NAT-2021", "NAT-2021"),
        (D(2023, 3, 1), "NAT-2023", "NAT-2023"),
        (D(2023, 8, 1), "SD-2023", "NAT-2023"),
        (D(2025, 6, 1), "NAT-2025", "NAT-2025"),
        (D(2026, 3, 1), "NAT-2026", "NAT-2026"),
        (D(2019, 12, 1), "NAT-2020", "NAT-2020"),  # before the first version: the earliest
    ],
)
def test_version_in_force_by_area_and_date(
    areas: Any, on: dt.date, shandong: str, elsewhere: str
) -> None:
    assert policy_for(areas["village"], on).code == shandong
    assert policy_for("44", on).code == elsewhere


@pytest.mark.django_db
def test_a_countys_version_from_the_page_is_used_by_the_next_decision(
    areas: Any, make_user: Any
) -> None:
    county = make_user(Role.COUNTY)
    home = household(areas["village"], "H-COUNTY", household_type="tuopin")
    income(home, D(2020, 5, 1), 6500)  # one member: 6500 per head, above NAT-2020's 6000
    before = case_in(areas["village"], "H-BEFORE", opened_on=D(2020, 5, 2))
    assert before.policy_version == "SD-2020" and before.deadline is None
    form = {
        "area": areas["county"].code,
        "code": "WD-2020",
        "name": "文登区2020年监测范围",
        "effective_from": "2020-05-01",
        "effective_to": "2020-12-31",
        "year": "2020",
        "line": "7000",
        "identification_days": "20",
        "day_kind": "working",
        "notice_min_days": "5",
        "source": "文登区政府（测试）",
    }
    response = client_for(county).post(reverse("policy-new"), form)
    assert response.status_code == 302, response.content.decode()[:500]
    case = cases_services.case_open(
        household=home, actor=county, source="cadre_report", opened_on=D(2020, 5, 6)
    )
    assert case.policy_version == "WD-2020"
    # 20 working days after Wed 6 May 2020: Sat 9 May was a working day (劳动节调休), so
    # 7, 8, 9, 11–15, 18–22, 25–29 May and 1, 2 June: the 20th is 2 June
    assert case.deadline == D(2020, 6, 2)
    from villageaid.cases import rules

    assert not rules.category_problems(case, "tp_monitor", case.opened_on, "illness")
    # the same household under the province's version is refused (6500 > 6000, R-CAT-1)
    under_province = type(case)(household=home, policy_version="SD-2020", opened_on=case.opened_on)
    refused = rules.category_problems(under_province, "tp_monitor", case.opened_on, "illness")
    assert refused and refused[0].startswith("R-CAT-1")
    assert policy_for(areas["village"], D(2020, 5, 6)).line(2020) == Decimal(7000)


@pytest.mark.django_db
def test_a_cadre_may_not_add_a_version(areas: Any, make_user: Any) -> None:
    from villageaid.policy import services

    cadre = make_user(Role.CADRE)
    assert client_for(cadre).get(reverse("policy-new")).status_code == 403
    with pytest.raises(ServiceError):
        services.policy_version_add(
            actor=cadre,
            area=areas["county"],
            code="X",
            name="x",
            effective_from=D(2020, 1, 1),
            effective_to=None,
            year=2020,
            line=Decimal(7000),
            source="x",
        )
    assert not PolicyVersion.objects.filter(code="X").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("on", [D(2020, 4, 1), D(2022, 6, 1), D(2024, 6, 1), D(2026, 6, 1)])
def test_the_visits_figure_is_the_resolvers(areas: Any, on: dt.date) -> None:
    home = household(areas["village"], f"H-V-{on.year}", household_type="general")
    line = policy_for(areas["village"], on).line(on.year)
    assert visits_selectors.monitoring_line(home, on) == line
    # one member: at the line it is a must-visit income household; 1 yuan above it is not
    # (the old code multiplied the line by 1.5 a second time and flagged both)
    type(home).objects.filter(pk=home.pk).update(net_income_12m=line)
    home.refresh_from_db()
    assert "income" in visits_selectors.must_visit_reasons(home, on=on, programmes=set())
    type(home).objects.filter(pk=home.pk).update(net_income_12m=line + 1)
    home.refresh_from_db()
    assert "income" not in visits_selectors.must_visit_reasons(home, on=on, programmes=set())


@pytest.mark.django_db
def test_dibao_and_tekun_from_civil_affairs_are_must_visit(areas: Any) -> None:
    home = household(areas["village"], "H-DIBAO", household_type="general", health="healthy")
    type(home).objects.filter(pk=home.pk).update(net_income_12m=100000)
    home.refresh_from_db()
    on = D(2025, 6, 1)
    assert visits_selectors.must_visit_reasons(home, on=on, programmes={"dibao", "tekun"}) == [
        "tekun",
        "dibao",
    ]


FORBIDDEN = [
    r"MONITORING_LINE",
    r"NEAR_LINE",
    r"MIN_MONITORED_DAYS",
    r"clock_days",
    r"Decimal\((?:\"|')?(?:6000|6500|7500|8500|8700|9000)(?:\"|')?\)",
    r"\b(?:6000|6500|7500|8500|8700|9000)\s*\*\s*Decimal",
    r"15个自然日",
    r"notice_min_days\s*[:=]\s*(?:int\s*=\s*)?\d",
]


def test_no_monitoring_line_or_day_limit_outside_policy_data() -> None:
    found = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel.startswith("policy/"):
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{rel}: {p}" for p in FORBIDDEN if re.search(p, text)]
    assert not found, found
