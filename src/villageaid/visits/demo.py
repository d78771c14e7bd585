"""Demo visits: Beima's 2020 self-assessment (自查评估) in April, whose summary arises from its
records (460 households, 1,064 people, 39 脱贫户 verified, 8 边缘户, 1 疑似问题), the New Year
visits to 19 party members over 80 with rice and oil, and the points and village records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from villageaid.core import clock
from villageaid.core.demo import BEIMA, DemoContext
from villageaid.core.models import Area
from villageaid.registry import synth
from villageaid.registry.models import Household, Person
from villageaid.visits import selectors, services
from villageaid.visits.models import (
    CHECKLIST,
    METHODS,
    Campaign,
    PartyMember,
    PointRule,
)

CAMPAIGN = "北马村2020年脱贫攻坚自查评估"
START, END = dt.date(2020, 4, 1), dt.date(2020, 4, 30)
NEW_YEAR = dt.date(2020, 1, 20)
TOUR_DAY = dt.date(2020, 4, 24)
ROTATION = dt.date(2020, 3, 2)
POINT_RULES = [
    ("volunteer", "参加志愿服务", 5),
    ("meeting", "参加组织生活", 2),
    ("epidemic", "防疫卡口值守", 10),
    ("rules", "违反村规民约", -10),
]


def load(ctx: DemoContext) -> None:
    if Campaign.objects.filter(name=CAMPAIGN).exists():
        return
    village = Area.objects.get(code=BEIMA)
    assessor = ctx.users.get("assessor")
    helpers = [u for name, u in sorted(ctx.users.items()) if name.startswith("helper") and u]
    campaign = _campaign(village, assessor)
    if helpers:
        _pairing(helpers)
    staff = [u for u in (ctx.users.get("cadre"), ctx.users.get("grid")) if u is not None]
    visited = _visits(campaign, staff)
    _findings(campaign)
    if helpers:
        _plan_due(helpers)
    members = _party_members(village)
    _condolences(members)
    _points(village, members)
    _records(village)
    summary = selectors.campaign_summary(campaign)
    ctx.say(
        f"  自查评估: {visited} 次走访 → {summary['households_visited']} 户 "
        f"{summary['people_visited']} 人, 脱贫户 {summary['tuopin_households_verified']}, "
        f"边缘户 {summary['marginal_households_found']}, 疑似问题 {summary['suspected_problems']}"
    )


def _campaign(village: Area, assessor: Any) -> Campaign:
    campaign = services.campaign_create(
        actor=None,
        name=CAMPAIGN,
        area=village,
        villages=[village],
        start=START,
        end=END,
        checklist=list(CHECKLIST),
        methods=list(METHODS),
        sample_size=30,
        sample_seed="beima-2020-04",
    )
    services.campaign_draw_sample(actor=None, campaign=campaign)
    if assessor is not None:
        services.campaign_assessor_add(actor=None, campaign=campaign, assessor=assessor)
    return campaign


def _at(n: int) -> dt.datetime:
    """Visits spread over the working days of April, 9:00 to 16:00."""
    day = START + dt.timedelta(days=(n // 23) + (n // 23) // 5 * 2)
    moment = dt.datetime.combine(day, dt.time(9 + n % 8, (n * 7) % 60))
    return timezone.make_aware(moment)


def _visitor(household: Household, n: int, staff: list[Any]) -> Any:
    """A paired household is visited by its helper; the others by the village's own staff
    in turn (the grid worker only inside the grid)."""
    paired = household.helper_assignments.filter(ended_on__isnull=True).first()
    if paired is not None:
        return paired.helper
    inside = [u for u in staff if u.role != "grid" or household.grid_id is not None]
    return inside[n % len(inside)] if inside else None


def _verified_on(household: Household) -> dt.date | None:
    """The day a case's home verification took place: the campaign's visit that day."""
    from villageaid.cases import selectors as case_selectors

    case = case_selectors.household_cases(household).first()
    verify = case.transitions.filter(step_code="verify").first() if case else None
    return verify.on if verify is not None else None


def _visits(campaign: Campaign, staff: list[Any]) -> int:
    households = Household.objects.filter(village_id=BEIMA).prefetch_related("members")
    checklist = dict.fromkeys(CHECKLIST, "yes")
    count = 0
    for n, household in enumerate(households.order_by("code")):
        members = [m.pk for m in household.members.all() if m.status == "active"]
        verified = _verified_on(household)
        at = _at(n)
        if verified is not None and START <= verified <= END:
            at = timezone.make_aware(dt.datetime.combine(verified, dt.time(10)))
        services.visit_record(
            actor=_visitor(household, n, staff),
            household=household,
            visited_at=at,
            members_met=members,
            checklist=checklist,
            tuopin_verified=household.household_type == "tuopin",
            campaign=campaign,
            idempotency_key=f"demo-2020-04-{household.code}",
        )
        count += 1
    return count


def _visited_on(household: Household, campaign: Campaign) -> dt.date:
    visit = campaign.visits.filter(household=household).order_by("visited_at").first()
    return timezone.localdate(visit.visited_at) if visit is not None else END


def _findings(campaign: Campaign) -> None:
    """Each finding is dated on the visit that found it (a marginal household's visit is
    its case's home verification)."""
    village = synth.beima_village()
    codes = {c.household_code: c for c in village.marginal_candidates}
    households = {h.code: h for h in Household.objects.filter(code__in=codes)}
    for code, candidate in codes.items():
        services.finding_record(
            actor=None,
            campaign=campaign,
            household=households[code],
            kind="marginal",
            description=candidate.note,
            found_on=_visited_on(households[code], campaign),
        )
    problem = village.suspected_problem
    suspected = Household.objects.get(code=problem.household_code)
    finding = services.finding_record(
        actor=None,
        campaign=campaign,
        household=suspected,
        kind="suspected",
        description=problem.note,
        found_on=_visited_on(suspected, campaign),
    )
    services.finding_rectify(
        actor=None,
        finding=finding,
        status="rectifying",
        rectification="核实车辆登记与家庭收入，提请镇级审核",
    )


def _pairing(helpers: list[Any]) -> None:
    """Every household of the village has a helper since December 2019 (干部联户, the
    self-assessment visits every household): the 脱贫户, monitored households and the
    marginal candidates first, spread evenly over the helpers, then the others in turn. One
    household changed helper in March when the village work team rotated."""
    village = synth.beima_village()
    priority = set(village.monitored) | {c.household_code for c in village.marginal_candidates}
    households = sorted(
        Household.objects.filter(village_id=BEIMA),
        key=lambda h: (h.household_type != "tuopin" and h.code not in priority, h.code),
    )
    for n, household in enumerate(households):
        services.helper_assign(
            household=household,
            helper=helpers[n % len(helpers)],
            actor=None,
            on=dt.date(2019, 12, 1),
        )
    if len(helpers) > 1:
        moved = households[0]
        services.helper_assign(
            household=moved,
            helper=helpers[1],
            actor=None,
            on=ROTATION,
            reason="驻村工作队轮换，改由工作队队员结对",
        )


def _plan_due(helpers: list[Any]) -> None:
    households = Household.objects.filter(
        helper_assignments__helper__in=helpers, helper_assignments__ended_on__isnull=True
    ).prefetch_related("members")
    # Planned from the working date (the demo's own day, core.clock), not the real today.
    services.due_visits_plan(households=households, on=clock.today(), actor=None)
    services.due_visits_refresh(today=clock.today())


def _party_members(village: Area) -> list[PartyMember]:
    """19 members over 80 on New Year's visit day (from the registry), and 11 younger ones."""
    people = Person.objects.filter(household__village=village, status="active").select_related(
        "household"
    )
    old = [p for p in people.order_by("household__code", "pk") if _age(p.birth_date) >= 80]
    young = [p for p in people.order_by("-household__code", "pk") if 35 <= _age(p.birth_date) < 65]
    chosen = old[:: max(1, len(old) // 19)][:19] + young[::9][:11]
    return [
        PartyMember.objects.create(
            name=p.name,
            village=village,
            household=p.household,
            birth_date=p.birth_date,
            area_path=p.household.area_path,
        )
        for p in chosen
    ]


def _age(birth: dt.date) -> int:
    return NEW_YEAR.year - birth.year - ((NEW_YEAR.month, NEW_YEAR.day) < (birth.month, birth.day))


def _condolences(members: list[PartyMember]) -> None:
    goods = [("大米", Decimal(10), "公斤"), ("食用油", Decimal(5), "升")]
    for n, member in enumerate(m for m in members if m.age_on(NEW_YEAR) >= 80):
        services.condolence_record(
            actor=None,
            member=member,
            visited_on=NEW_YEAR + dt.timedelta(days=n % 3),
            occasion="元旦春节走访慰问（80周岁以上老党员）",
            goods=goods,
        )


def _points(village: Area, members: list[PartyMember]) -> None:
    rules = [
        PointRule.objects.get_or_create(code=code, defaults={"name": name, "points": points})[0]
        for code, name, points in POINT_RULES
    ]
    for n, member in enumerate(members):
        for k in range(n % 4 + 1):
            rule = rules[(n + k) % len(rules)]
            entry = services.point_entry_add(
                actor=None,
                member=member,
                rule=rule,
                reason=rule.name,
                on=dt.date(2020, 2, 1) + dt.timedelta(days=7 * k),
            )
            services.point_entry_decide(actor=None, entry=entry, approve=True)
    for member, (reason, points) in zip(
        members[:2],
        (("参加疫情防控卡口值守", 10), ("参加志愿服务：帮助老党员春耕", 5)),
        strict=False,
    ):
        services.point_entry_add(  # waiting for the branch secretary
            actor=None, member=member, reason=reason, points=points, on=dt.date(2020, 4, 20)
        )


def _records(village: Area) -> None:
    services.village_record_add(
        actor=None,
        village=village,
        kind="tour",
        title="村两委赴荣成东岛刘家、大李家村、单家村学习",
        on=TOUR_DAY,
        text="学习村级诚信体系建设、志愿服务、党员“信用+积分”双评价管理、村规民约等经验",
        participants=7,
    )
    services.village_record_add(
        actor=None,
        village=village,
        kind="rules",
        title="北马村村规民约（修订）",
        on=dt.date(2020, 5, 10),
        text="诚信守法、孝老爱亲、移风易俗、环境整洁、邻里和睦",
    )
