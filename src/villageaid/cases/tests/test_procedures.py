"""Province procedures: a working-day clock, comparison in parallel with the notice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.cases import clock, services
from villageaid.cases.models import Case, Transition
from villageaid.cases.tests.factories import case_in
from villageaid.core.errors import ServiceError
from villageaid.core.models import Notification
from villageaid.core.roles import Role
from villageaid.policy.models import PolicyVersion

D = dt.date
PASS = Transition.Decision.PASS
ZONGYANG = (
    ("verify", "农户申请及入户核查", Role.CADRE, "", ""),
    ("review", "民主评议", Role.CADRE, "", ""),
    ("notice", "村内公示", Role.CADRE, "", "notice"),
    ("compare", "数据比对", Role.COUNTY, "", "notice"),
    ("township", "乡镇审核", Role.TOWNSHIP, "", ""),
    ("county", "县级审定公告", Role.COUNTY, "", ""),
)


@pytest.mark.django_db
def test_working_day_province_sets_the_deadline(areas: Any) -> None:
    # A province's version (as Hainan's 20 working days, spec §6.2 R-PROC-2) over NAT-2020
    PolicyVersion.objects.create(
        code="37-2020-20WD",
        name="20个工作日",
        area_code="370000000000",
        base=PolicyVersion.objects.get(code="NAT-2020"),
        effective_from=D(2020, 9, 1),
        effective_to=D(2020, 12, 31),
        data={"procedure": {"identification_limit": {"days": 20, "kind": clock.WORKING}}},
    )
    case = case_in(areas["village"], "H-WORK", opened_on=D(2020, 9, 28))
    assert case.policy_version == "37-2020-20WD"
    assert case.deadline == D(2020, 11, 2)


@pytest.mark.django_db
def test_comparison_runs_in_parallel_with_the_notice(areas: Any, make_user: Any) -> None:
    services.procedure_create(province_code="370000000000", name="枞阳", identification=ZONGYANG)
    cadre, county = make_user(Role.CADRE), make_user(Role.COUNTY)
    case = case_in(areas["village"], "H-PAR", opened_on=D(2020, 4, 1))
    for _ in range(2):
        services.case_transition(case=case, actor=cadre, decision=PASS)
    case.refresh_from_db()
    assert {s.code for s in services.actionable_steps(case)} == {"notice", "compare"}
    notice = services.notice_publish(cases=[case], actor=cadre, on=D(2020, 4, 3))
    # The county compares while the notice is still up.
    services.case_transition(case=case, actor=county, decision=PASS, step_code="compare")
    case.refresh_from_db()
    assert case.step is not None and case.step.code == "notice"
    with pytest.raises(ServiceError):
        services.case_transition(case=case, actor=make_user(Role.TOWNSHIP), decision=PASS)
    services.notice_close(notice=notice, actor=cadre, on=D(2020, 4, 8))
    services.case_transition(case=case, actor=cadre, decision=PASS, step_code="notice")
    case.refresh_from_db()
    assert case.step is not None and case.step.code == "township"


@pytest.mark.django_db
def test_overdue_cases_escalate_once_to_township_and_county(areas: Any, make_user: Any) -> None:
    township, county = make_user(Role.TOWNSHIP), make_user(Role.COUNTY)
    make_user(Role.TOWNSHIP, "other_township", username="elsewhere")
    case = case_in(areas["village"], "H-LATE", opened_on=D(2023, 4, 3))  # NAT-2023: 15 days
    assert services.cases_escalate(today=D(2023, 4, 18)) == 0
    assert services.cases_escalate(today=D(2023, 4, 19)) == 1
    assert services.cases_escalate(today=D(2023, 4, 20)) == 0
    got = set(Notification.objects.values_list("user__username", flat=True))
    assert got == {township.username, county.username}
    case.refresh_from_db()
    assert case.escalated_at is not None and case.is_overdue(D(2023, 4, 19))


@pytest.mark.django_db
def test_one_open_identification_per_household(areas: Any) -> None:
    case = case_in(areas["village"], "H-TWICE")
    with pytest.raises(ServiceError):
        services.case_open(household=case.household, actor=None, source=Case.Source.CLUE)
