"""Demo cases in Beima, spring 2020 (the seed article): the epidemic-hit 脱贫户 reported by a
cadre on 8 April, helped at once from the township poverty fund (镇级扶贫基金) before its
identification ended, then identified as 脱贫不稳定户; and the 8 边缘户 candidates the April
screening pushed on 1 April, walked through to the county decision within 15 days.

The story is in order: a case opens on its clue's day, is verified at home (the visit the
self-assessment records), compared, reviewed, posted 5 days, reviewed by the township and
decided by the county; the assistance plan starts after the decision (only the epidemic
household's relief is immediate, by design). Every clue ends somewhere: the first risk clue
of a household opens its case, its other clues join it, the anomaly becomes a correction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from villageaid.cases import rules, services
from villageaid.cases.models import Case, Transition
from villageaid.cases.services import clues as clue_services
from villageaid.core.demo import BEIMA, DemoContext
from villageaid.registry import figures, synth
from villageaid.registry.models import Household
from villageaid.screening.models import Clue

PASS = Transition.Decision.PASS
D = dt.date
EPIDEMIC_OPENED = D(2020, 4, 8)
PRE_EPIDEMIC_END = D(2020, 1, 22)  # the 12 months before Wuhan's lockdown
REVIEW_ON = D(2020, 4, 8)  # the village's democratic review of all nine
NOTICE_ON, NOTICE_CLOSED = D(2020, 4, 9), D(2020, 4, 14)
TOWNSHIP_ON, COUNTY_ON, ANNOUNCE_ON = D(2020, 4, 15), D(2020, 4, 16), D(2020, 4, 17)
PLAN_ON = D(2020, 4, 18)  # the assistance plan, after the decision


def load(ctx: DemoContext) -> None:
    if Case.objects.filter(household__village_id=BEIMA).exists():
        return
    if not Household.objects.filter(village_id=BEIMA).exists():
        return
    users = {name: ctx.users.get(name) for name in ("cadre", "township", "county")}
    village = synth.beima_village()
    epidemic = _open_epidemic(users)
    marginal = [_open_marginal(c, users) for c in village.marginal_candidates]
    opened = [epidemic, *marginal]
    _end_other_clues(users)
    for case in opened:
        _before_notice(case, users)
    notice = services.notice_publish(cases=opened, actor=users["cadre"], on=NOTICE_ON)
    services.notice_close(notice=notice, actor=users["cadre"], on=NOTICE_CLOSED)
    for case in opened:
        _after_notice(case, users)
    ctx.say(f"  北马村: {len(opened)} 件监测帮扶案件（含疫情影响户即时帮扶）")


def _record_pre_epidemic_income(household: Household, actor: Any) -> None:
    """The 12 months before the epidemic, when the head still worked outside the county:
    the verified income after it fell by a third (国开发〔2020〕6号: 收入大幅缩减)."""
    figures.income_record_verified(
        household=household,
        period_end=PRE_EPIDEMIC_END,
        components={"wage": household.net_income_12m * 3 / 2},
        actor=actor,
    )


def _open_epidemic(users: dict[str, Any]) -> Case:
    household = Household.objects.get(code=synth.BEIMA_EPIDEMIC_CODE)
    _record_pre_epidemic_income(household, users["cadre"])
    case = services.case_open(
        household=household,
        actor=users["cadre"],
        source=Case.Source.CADRE_REPORT,
        opened_on=EPIDEMIC_OPENED,
        summary="户主受新冠肺炎疫情影响无法外出务工，家庭收入骤减",
        risk_types="epidemic;employment",
    )
    services.measure_grant(
        case=case,
        actor=users["township"],
        measure="township_fund",
        department="宋村镇",
        person="镇扶贫办",
        amount=Decimal(2000),
        status="delivered",
        granted_on=D(2020, 4, 9),
        note="镇级扶贫基金即时救助",
    )
    services.measure_grant(
        case=case,
        actor=users["township"],
        measure="public_job",
        department="宋村镇",
        person="村党支部书记",
        in_kind="村内防疫卡口公益岗位",
        status="delivered",
        granted_on=D(2020, 4, 10),
    )
    return case


def _open_marginal(candidate: Any, users: dict[str, Any]) -> Case:
    """The household's first risk clue opens its case on the clue's day; without a clue
    (screening not loaded) the cadre's report of the self-assessment does."""
    household = Household.objects.get(code=candidate.household_code)
    clue = Clue.objects.filter(household=household, kind="risk").order_by("pk").first()
    if clue is not None and users["cadre"] is not None:
        case = services.clue_open_case(clue=clue, actor=users["cadre"]).case
        assert case is not None
    else:
        case = services.case_open(
            household=household,
            actor=users["cadre"],
            source=Case.Source.CADRE_REPORT,
            opened_on=D(2020, 4, 1),
            summary=candidate.note,
            risk_types=candidate.risk_types,
        )
    Case.objects.filter(pk=case.pk).update(summary=candidate.note[:300])
    case.refresh_from_db()
    case.risk_types = candidate.risk_types
    return case


def _end_other_clues(users: dict[str, Any]) -> None:
    """A household's further clues join its case; the anomaly (a car registered to a member
    of a 脱贫户) becomes a correction task for the village."""
    if users["cadre"] is None:
        return
    for clue in clue_services.open_clues().filter(household__village_id=BEIMA).order_by("pk"):
        if clue.kind in clue_services.CORRECTABLE_KINDS:
            services.clue_to_correction(clue=clue, actor=users["cadre"])
        elif clue_services.household_case(clue.household) is not None:
            services.clue_join(clue=clue, actor=users["cadre"])


def _plan(case: Case, users: dict[str, Any]) -> None:
    """The assistance plan after the decision (development measures where there is labour)."""
    if rules.has_labour(case.household):
        measures = [("industry", "区农业农村局", Decimal(3000)), ("medical", "区医保局", None)]
    else:
        measures = [("dibao", "区民政局", Decimal(4800)), ("medical", "区医保局", None)]
    for code, department, amount in measures:
        services.measure_grant(
            case=case,
            actor=users["township"],
            measure=code,
            department=department,
            amount=amount,
            in_kind="" if amount else "医保参保资助",
            status="delivered",
            granted_on=PLAN_ON,
        )


def _self_pay(code: str) -> Decimal:
    """The 2020 hospital self-pay of a medical candidate: its 刚性支出 at verification."""
    found = (
        c.self_pay for c in synth.beima_village().marginal_candidates if c.household_code == code
    )
    return Decimal(next(found, 0))


def _before_notice(case: Case, users: dict[str, Any]) -> None:
    """Home verification two days after a clue (the day of a cadre's own report), the
    county's comparison two days later, the joint review on REVIEW_ON."""
    lag = 2 if case.source == Case.Source.CLUE else 0
    on = min(case.opened_on + dt.timedelta(days=lag), REVIEW_ON)
    compared = min(on + dt.timedelta(days=lag), REVIEW_ON)
    services.case_verify(
        case=case,
        actor=users["cadre"],
        on=on,
        income={"wage": Decimal(case.household.net_income_12m)},
        guarantees={},
        risk_types=case.risk_types,
        expenses={"medical": _self_pay(case.household.code)},
        authorised_on=on,
    )
    services.case_transition(case=case, actor=users["county"], decision=PASS, on=compared)
    services.case_transition(
        case=case,
        actor=users["cadre"],
        decision=PASS,
        on=REVIEW_ON,
        data={
            "attendees": 23,
            "votes_for": 23,
            "votes_against": 0,
            "minutes": "村民代表会议一致同意",
        },
    )


def _after_notice(case: Case, users: dict[str, Any]) -> None:
    """The county decides the category the case's version gives (NAT-2020 in spring 2020:
    脱贫监测户 or 边缘户); a household the rules do not take in is not decided."""
    reached = rules.assess_case(case, COUNTY_ON).category
    if reached is None:
        return
    category = reached.code
    services.case_transition(case=case, actor=users["cadre"], decision=PASS, on=NOTICE_CLOSED)
    services.case_transition(case=case, actor=users["township"], decision=PASS, on=TOWNSHIP_ON)
    services.case_transition(
        case=case,
        actor=users["county"],
        decision=PASS,
        on=COUNTY_ON,
        data={"category": category, "risk_types": case.risk_types},
    )
    services.case_transition(case=case, actor=users["township"], decision=PASS, on=ANNOUNCE_ON)
    if case.household.code != synth.BEIMA_EPIDEMIC_CODE:
        _plan(case, users)
