"""The seed article's case: an epidemic-hit 脱贫户 reported in April 2020, helped at once
from the township fund, identified, later eliminated, and the elimination rolled back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from villageaid.cases import services
from villageaid.cases.models import Case, CaseMeasure, Transition
from villageaid.cases.tests.factories import household, income
from villageaid.core.errors import ServiceError
from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role

D = dt.date
PASS = Transition.Decision.PASS


def walk_to_county(case: Case, users: dict[str, Any], start: dt.date) -> None:
    services.case_verify(
        case=case,
        actor=users["cadre"],
        on=start,
        income={"wage": Decimal(3000), "business": Decimal(1200)},
        guarantees={"medical_ok": True},
        risk_types="epidemic;employment",
    )
    services.authorisation_record(case=case, actor=users["cadre"], signed_on=start)
    services.case_transition(case=case, actor=users["county"], decision=PASS, on=start)
    services.case_transition(
        case=case,
        actor=users["cadre"],
        decision=PASS,
        on=start,
        data={"attendees": 21, "for": 21, "against": 0, "minutes": "一致同意"},
    )
    notice = services.notice_publish(cases=[case], actor=users["cadre"], on=start)
    services.notice_close(notice=notice, actor=users["cadre"], on=start + dt.timedelta(days=5))
    services.case_transition(case=case, actor=users["cadre"], decision=PASS, on=start)
    services.case_transition(case=case, actor=users["township"], decision=PASS, on=start)


@pytest.fixture
def users(make_user: Any) -> dict[str, Any]:
    return {r: make_user(r) for r in (Role.CADRE, Role.TOWNSHIP, Role.COUNTY)}


@pytest.mark.django_db
def test_seed_case_from_report_to_assistance_to_elimination_and_back(
    areas: Any, users: dict[str, Any]
) -> None:
    home = household(areas["village"], "371003105201" + "0199", health="healthy")
    case = services.case_open(
        household=home,
        actor=users["cadre"],
        source=Case.Source.CADRE_REPORT,
        opened_on=D(2020, 4, 8),
        summary="户主受疫情影响无法外出务工",
    )
    # NAT-2020 sets no identification limit (policy-versions.md §1), Shandong's none found
    assert case.policy_version == "SD-2020" and case.deadline is None
    fund = services.measure_grant(
        case=case,
        actor=users["township"],
        measure="employment",
        department="镇就业服务站",
        granted_on=D(2020, 4, 9),
    )
    aid = services.measure_grant(
        case=case,
        actor=users["township"],
        measure="township_fund",
        department="宋村镇",
        amount=Decimal(2000),
        granted_on=D(2020, 4, 9),
        status="delivered",
    )
    assert fund.immediate and aid.immediate

    walk_to_county(case, users, D(2020, 4, 10))
    with pytest.raises(ServiceError) as missing:
        services.case_transition(case=case, actor=users["county"], decision=PASS, on=D(2020, 4, 16))
    assert missing.value.code == "category_required"
    services.case_transition(
        case=case,
        actor=users["county"],
        decision=PASS,
        on=D(2020, 4, 16),
        data={"category": "tp_monitor", "risk_types": "epidemic;employment"},
    )
    home.refresh_from_db()
    assert (home.monitoring_status, home.monitoring_category) == ("monitored", "unstable")
    assert home.risk_type_list == ["employment", "epidemic"] or set(home.risk_type_list) == {
        "employment",
        "epidemic",
    }
    services.case_transition(case=case, actor=users["township"], decision=PASS, on=D(2020, 4, 17))
    case.refresh_from_db()
    assert case.status == Case.Status.MONITORED
    assert case.decided_on == D(2020, 4, 16)
    assert (case.decided_on - case.opened_on).days == 8
    assert later_measure_is_not_immediate(case, users)

    # Too early, income not yet above the line twice: refused with the reasons.
    with pytest.raises(ServiceError) as refused:
        services.elimination_open(case=case, actor=users["cadre"], on=D(2020, 8, 1))
    assert "R-ELIM-STABLE" in refused.value.message and "R-ELIM-INCOME" in refused.value.message

    income(home, D(2020, 9, 30), 7000)
    income(home, D(2020, 12, 31), 8000)
    elimination = services.elimination_open(case=case, actor=users["cadre"], on=D(2021, 1, 5))
    assert elimination.step is not None and elimination.step.code == "verify"
    for actor in ("cadre", "cadre"):
        services.case_transition(
            case=elimination, actor=users[actor], decision=PASS, on=D(2021, 1, 6)
        )
    notice = services.notice_publish(cases=[elimination], actor=users["cadre"], on=D(2021, 1, 7))
    services.notice_close(notice=notice, actor=users["cadre"], on=D(2021, 1, 12))
    services.case_transition(
        case=elimination, actor=users["cadre"], decision=PASS, on=D(2021, 1, 12)
    )
    services.case_transition(
        case=elimination, actor=users["township"], decision=PASS, on=D(2021, 1, 13)
    )
    services.case_transition(
        case=elimination, actor=users["county"], decision=PASS, on=D(2021, 1, 14)
    )
    services.case_transition(
        case=elimination, actor=users["township"], decision=PASS, on=D(2021, 1, 15)
    )
    elimination.refresh_from_db()
    home.refresh_from_db()
    assert elimination.status == Case.Status.ELIMINATED
    assert home.monitoring_status == "eliminated"

    services.elimination_rollback(
        case=elimination, actor=users["county"], reason="户主再次失业", on=D(2021, 3, 1)
    )
    home.refresh_from_db()
    elimination.refresh_from_db()
    assert home.monitoring_status == "monitored"
    assert elimination.status == Case.Status.ROLLED_BACK
    assert case.transitions.count() == 7 and elimination.transitions.count() == 7
    assert AuditEvent.objects.filter(action="cases.case.rollback").count() == 1


def later_measure_is_not_immediate(case: Case, users: dict[str, Any]) -> bool:
    row = services.measure_grant(
        case=case,
        actor=users["township"],
        measure="public_job",
        department="宋村镇",
        granted_on=D(2020, 4, 20),
    )
    return not row.immediate


@pytest.mark.django_db
def test_whole_household_without_labour_is_not_eliminated(
    areas: Any, users: dict[str, Any]
) -> None:
    home = household(areas["village"], "H-NOLAB", labour="lost")
    case = services.case_open(
        household=home, actor=None, source=Case.Source.CLUE, opened_on=D(2020, 1, 2)
    )
    Case.objects.filter(pk=case.pk).update(status="monitored", decided_on=D(2020, 1, 10))
    case.refresh_from_db()
    with pytest.raises(ServiceError) as refused:
        services.elimination_open(case=case, actor=users["cadre"], on=D(2021, 1, 5))
    assert "整户无劳动力" in refused.value.message
    assert "至少落实一项帮扶措施" in refused.value.message


@pytest.mark.django_db
def test_measure_policy_checks(areas: Any, users: dict[str, Any]) -> None:
    able = household(areas["village"], "H-ABLE")
    case = services.case_open(household=able, actor=None, source="clue", opened_on=D(2020, 4, 1))
    immediate = services.measure_grant(
        case=case,
        actor=users["township"],
        measure="township_fund",
        department="镇",
        granted_on=D(2020, 4, 2),
    )
    assert immediate.immediate  # immediate relief may come first, before any development measure
    CaseMeasure.objects.filter(pk=immediate.pk).delete()
    Case.objects.filter(pk=case.pk).update(status="monitored")
    with pytest.raises(ServiceError, match="综合保障"):
        services.measure_grant(
            case=case,
            actor=users["township"],
            measure="dibao",
            department="民政",
            granted_on=D(2020, 4, 2),
        )
    unable = household(areas["village"], "H-UNABLE", labour="none")
    other = services.case_open(household=unable, actor=None, source="clue", opened_on=D(2020, 4, 1))
    with pytest.raises(ServiceError, match="就业"):
        services.measure_grant(
            case=other,
            actor=users["township"],
            measure="employment",
            department="人社",
            granted_on=D(2020, 4, 2),
        )
    assert services.measure_grant(
        case=other,
        actor=users["township"],
        measure="dibao",
        department="民政",
        granted_on=D(2020, 4, 2),
    ).immediate


@pytest.mark.django_db
def test_objection_blocks_township_until_resolved(areas: Any, users: dict[str, Any]) -> None:
    home = household(areas["village"], "H-OBJ")
    case = services.case_open(household=home, actor=None, source="clue", opened_on=D(2023, 4, 1))
    services.authorisation_record(case=case, actor=None, signed_on=D(2023, 4, 1))
    for actor in ("cadre", "county", "cadre"):
        services.case_transition(case=case, actor=users[actor], decision=PASS, on=D(2023, 4, 2))
    notice = services.notice_publish(cases=[case], actor=users["cadre"], on=D(2023, 4, 3))
    with pytest.raises(ServiceError) as early:
        services.notice_close(notice=notice, actor=users["cadre"], on=D(2023, 4, 7))
    assert early.value.code == "notice_too_short"
    objection = services.objection_record(
        notice=notice, case=case, actor=users["cadre"], text="家里有车", received_on=D(2023, 4, 5)
    )
    services.notice_close(notice=notice, actor=users["cadre"], on=D(2023, 4, 8))
    services.case_transition(case=case, actor=users["cadre"], decision=PASS, on=D(2023, 4, 8))
    with pytest.raises(ServiceError) as blocked:
        services.case_transition(
            case=case, actor=users["township"], decision=PASS, on=D(2023, 4, 9)
        )
    assert blocked.value.code == "objections_open"
    services.objection_resolve(
        objection=objection, actor=users["cadre"], resolution="车为亲属所有", on=D(2023, 4, 9)
    )
    services.case_transition(case=case, actor=users["township"], decision=PASS, on=D(2023, 4, 9))
    case.refresh_from_db()
    assert case.step is not None and case.step.code == "county"
