"""Each role acts only at its own steps and in its own area."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from villageaid.cases import services
from villageaid.cases.models import Case, Transition
from villageaid.cases.tests.factories import case_in, income
from villageaid.core.errors import ServiceError
from villageaid.core.roles import Role
from villageaid.visits.tests.factories import pair_with_helpers

PASS = Transition.Decision.PASS
ORDER = ["verify", "compare", "review", "notice", "township", "county", "announce"]
ACTORS = {
    "verify": {Role.CADRE, Role.HELPER, Role.GRID, Role.ADMIN},
    "compare": {Role.COUNTY, Role.ADMIN},
    "review": {Role.CADRE, Role.ADMIN},
    "township": {Role.TOWNSHIP, Role.ADMIN},
    "county": {Role.COUNTY, Role.ADMIN},
}


def advance_to(case: Case, code: str, admin: Any) -> None:
    if not case.household.incomes.exists():
        income(case.household, dt.date(2020, 4, 8), 4000)  # within the 2020 range (R-CAT-1)
    while case.step is not None and case.step.code != code:
        if case.step.code == "notice":
            notice = services.notice_publish(cases=[case], actor=admin, on=dt.date(2020, 4, 9))
            services.notice_close(notice=notice, actor=admin, on=dt.date(2020, 4, 14))
        data = {"category": "tp_monitor", "risk_types": "illness"}  # NAT-2020, 脱贫户
        services.case_transition(case=case, actor=admin, decision=PASS, data=data)
        case.refresh_from_db()


@pytest.mark.django_db
@pytest.mark.parametrize("step", list(ACTORS))
@pytest.mark.parametrize(
    "role",
    [
        Role.CADRE,
        Role.HELPER,
        Role.GRID,
        Role.TOWNSHIP,
        Role.COUNTY,
        Role.CITY,
        Role.ASSESSOR,
        Role.ADMIN,
    ],
)
def test_role_acts_only_at_its_own_steps(step: str, role: str, areas: Any, make_user: Any) -> None:
    admin = make_user(Role.ADMIN, None, username="root")
    case = case_in(areas["village"], f"H-{step}")
    advance_to(case, step, admin)
    user = make_user(role)
    pair_with_helpers(case.household)  # a helper acts on their own households' cases only
    data = {"category": "tp_monitor", "risk_types": "illness"}  # NAT-2020, 脱贫户
    if role in ACTORS[step]:
        services.case_transition(case=case, actor=user, decision=PASS, data=data)
        case.refresh_from_db()
        assert case.step is not None and case.step.code == ORDER[ORDER.index(step) + 1]
    else:
        with pytest.raises(ServiceError) as refused:
            services.case_transition(case=case, actor=user, decision=PASS, data=data)
        assert refused.value.code == "not_your_step"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CADRE, Role.HELPER, Role.GRID])
def test_village_roles_cannot_act_in_the_next_village(
    role: str, areas: Any, make_user: Any
) -> None:
    case = case_in(areas["neighbour"], "H-NEXT")
    with pytest.raises(ServiceError) as refused:
        services.case_transition(case=case, actor=make_user(role), decision=PASS)
    assert refused.value.code == "not_your_step"


@pytest.mark.django_db
def test_township_of_another_township_cannot_act(areas: Any, make_user: Any) -> None:
    admin = make_user(Role.ADMIN, None, username="root")
    case = case_in(areas["village"], "H-TWP")
    advance_to(case, "township", admin)
    stranger = make_user(Role.TOWNSHIP, "other_township", username="stranger")
    with pytest.raises(ServiceError):
        services.case_transition(case=case, actor=stranger, decision=PASS)
    services.case_transition(case=case, actor=make_user(Role.TOWNSHIP), decision=PASS)


@pytest.mark.django_db
def test_return_sends_the_case_back_one_step(areas: Any, make_user: Any) -> None:
    admin = make_user(Role.ADMIN, None, username="root")
    case = case_in(areas["village"], "H-RET")
    advance_to(case, "review", admin)
    with pytest.raises(ServiceError):
        services.case_transition(case=case, actor=admin, decision="return")
    services.case_transition(case=case, actor=admin, decision="return", reason="比对结果缺失")
    case.refresh_from_db()
    assert case.step is not None and case.step.code == "compare"
    assert "compare" not in case.done_steps
    assert case.transitions.last().decision == "return"  # type: ignore[union-attr]
