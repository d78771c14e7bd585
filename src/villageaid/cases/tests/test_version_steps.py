"""A case follows the steps of the policy version it was opened under (issue 20, ADR 0008):
the version's step list, unless the province configured its own procedure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.cases import services
from villageaid.cases.models import Kind, Transition
from villageaid.cases.services.steps import REGISTRY
from villageaid.cases.tests.factories import case_in
from villageaid.core.roles import Role
from villageaid.policy.models import PolicyVersion
from villageaid.policy.resolver import invalidate
from villageaid.policy.shipped import shipped_policy

D = dt.date
PASS = Transition.Decision.PASS
SHORT = [
    {"code": "verify", "label": "入户核实", "role": "cadre", "also_roles": "helper", "days": 3},
    {"code": "county", "label": "县级确定", "role": "county", "days": None},
    {"code": "announce", "label": "录入系统", "role": "township", "days": None},
]


def _codes(case: Any) -> list[str]:
    return [s.code for s in services.steps_of(case)]


@pytest.mark.parametrize("version", ["NAT-2020", "NAT-2021", "NAT-2023", "SD-2023", "NAT-2026"])
def test_every_shipped_step_is_a_known_step_with_a_real_role(version: str) -> None:
    policy = shipped_policy(version)
    for kind in (Kind.IDENTIFICATION, Kind.ELIMINATION):
        specs = policy.step_list(kind)
        assert specs, (version, kind)
        for spec in specs:
            assert spec.code in REGISTRY, spec.code  # a step module handles it
            assert spec.role in Role.values and spec.source


def test_the_2020_steps_not_found_nationally_are_kept_and_unconfirmed() -> None:
    steps = {s.code: s for s in shipped_policy("NAT-2020").step_list(Kind.IDENTIFICATION) or []}
    assert not steps["notice"].confirmed and not steps["review"].confirmed
    assert steps["county"].confirmed and steps["county"].role == Role.COUNTY
    later = {s.code: s for s in shipped_policy("NAT-2021").step_list(Kind.IDENTIFICATION) or []}
    assert later["notice"].confirmed and list(later) == list(steps)


@pytest.mark.django_db
def test_a_case_follows_its_versions_steps_and_keeps_them(areas: Any, make_user: Any) -> None:
    row = PolicyVersion.objects.create(
        code="37-2020-SHORT",
        name="简易识别程序（测试）",
        area_code="370000000000",
        base=PolicyVersion.objects.get(code="SD-2020"),
        effective_from=D(2020, 9, 1),
        effective_to=D(2020, 12, 31),
        data={"procedure": {"step_list": {"value": {"identification": SHORT}}}},
    )
    before = case_in(areas["village"], "H-OLD", opened_on=D(2020, 4, 8))
    short = case_in(areas["village"], "H-SHORT", opened_on=D(2020, 9, 28))
    assert before.policy_version == "SD-2020" and short.policy_version == "37-2020-SHORT"
    assert _codes(before) == [
        "verify",
        "compare",
        "review",
        "notice",
        "township",
        "county",
        "announce",
    ]
    assert _codes(short) == ["verify", "county", "announce"]
    # the version's own list: verify passes straight to the county (no notice, no township)
    services.case_transition(case=short, actor=make_user(Role.CADRE), decision=PASS)
    short.refresh_from_db()
    assert short.step is not None and short.step.code == "county"
    # a later edit of the version does not rewrite the steps of a case already opened
    row.data = {"procedure": {"step_list": {"value": {"identification": SHORT[:1] + SHORT[2:]}}}}
    row.save()
    invalidate()
    short.refresh_from_db()
    assert _codes(short) == ["verify", "county", "announce"]


@pytest.mark.django_db
def test_the_provinces_configured_procedure_still_wins(areas: Any) -> None:
    services.procedure_create(
        province_code="370000000000",
        name="省级配置",
        identification=(
            ("verify", "入户核实", Role.CADRE, "", ""),
            ("county", "县级审定", Role.COUNTY, "", ""),
            ("announce", "公告", Role.TOWNSHIP, "", ""),
        ),
    )
    case = case_in(areas["village"], "H-PROV", opened_on=D(2021, 6, 1))
    assert case.policy_version == "NAT-2021"
    assert _codes(case) == ["verify", "county", "announce"]
