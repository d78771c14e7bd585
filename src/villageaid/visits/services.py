"""Writes of the visits app: keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import access, audit, bounds, roles
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.registry import figures
from villageaid.registry.models import Household
from villageaid.visits import selectors
from villageaid.visits.models import (
    CHECKLIST,
    INCOME_CHANGE_CHOICES,
    METHODS,
    Campaign,
    CampaignSample,
    CondolenceVisit,
    DueVisit,
    Finding,
    GoodsLine,
    HelperAssignment,
    PartyMember,
    PointEntry,
    PointRule,
    VillageRecord,
    Visit,
    VisitReport,
)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


# --- pairing ---------------------------------------------------------------------------

MODULE = roles.Module.VISITS
# Who manages pairings (the village cadre and the township above), opens campaigns (the city
# office, county and township), and decides party members' points (the branch secretary, a
# village cadre, or the township above). A superuser and the system itself (actor None) may
# do all three.
PAIRING_ROLES = frozenset({roles.Role.CADRE, roles.Role.TOWNSHIP})
CAMPAIGN_ROLES = frozenset({roles.Role.CITY, roles.Role.COUNTY, roles.Role.TOWNSHIP})
POINTS_ROLES = frozenset({roles.Role.CADRE, roles.Role.TOWNSHIP})
HELPER_ROLES = frozenset({roles.Role.HELPER, roles.Role.CADRE, roles.Role.GRID})
TEXT_MAX = 200


def _require_role(actor: Any, allowed: frozenset[str]) -> None:
    """The role that may take this decision (beyond the module's edit right)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if getattr(actor, "role", "") not in allowed:
        raise PermissionDenied


def _text(value: str, *, required: str = "") -> str:
    """A short free text, trimmed; ``required`` is the message when it is empty."""
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(required, code="required")
    if len(value) > TEXT_MAX:
        raise ServiceError(_("内容过长（最多200字）"), code="too_long")
    return value


@transaction.atomic
def helper_assign(
    *,
    household: Household,
    helper: Any,
    actor: Any,
    on: dt.date | None = None,
    reason: str = "",
) -> HelperAssignment:
    """Pair ``helper`` with ``household``; the current pairing, if any, ends the day before,
    keeping who ended it and why (a reassignment needs a reason)."""
    _require_role(actor, PAIRING_ROLES)
    access.require_row(actor, MODULE, roles.EDIT, household)
    on = on or timezone.localdate()
    bounds.ensure(bounds.check_past_date, on)
    if getattr(helper, "role", "") not in HELPER_ROLES or not helper.is_active:
        raise ServiceError(_("只能选择帮扶责任人"), code="not_helper")
    if not access.in_area(helper, household.area_path):
        raise ServiceError(_("该帮扶责任人不负责本村"), code="helper_area")
    current = (
        HelperAssignment.objects.select_for_update()
        .filter(household=household, ended_on__isnull=True)
        .first()
    )
    if current is not None and current.helper_id == helper.pk:
        return current
    why = _text(reason, required=_("请填写调整原因") if current is not None else "")
    if current is not None:
        if on <= current.started_on:
            raise ServiceError(_("调整日期须晚于原结对开始日期"), code="bad_date")
        current.ended_on = on - dt.timedelta(days=1)
        current.end_reason, current.ended_by = why, _user(actor)
        current.save(update_fields=["ended_on", "end_reason", "ended_by"])
    row = HelperAssignment.objects.create(
        helper=helper,
        household=household,
        started_on=on,
        reason=why,
        assigned_by=_user(actor),
        area_path=household.area_path,
    )
    audit.record(
        actor=actor,
        action="visits.helper_assign",
        obj=row,
        area=household.village,
        before={"helper": current.helper_id} if current else None,
        after={"helper": helper.pk, "household": household.code, "reason": why},
    )
    return row


@transaction.atomic
def helper_unassign(
    *, household: Household, actor: Any, reason: str, on: dt.date | None = None
) -> HelperAssignment:
    """End a household's pairing (the household moved away, the helper left) with a reason."""
    _require_role(actor, PAIRING_ROLES)
    access.require_row(actor, MODULE, roles.EDIT, household)
    on = on or timezone.localdate()
    bounds.ensure(bounds.check_past_date, on)
    current = (
        HelperAssignment.objects.select_for_update()
        .filter(household=household, ended_on__isnull=True)
        .first()
    )
    if current is None:
        raise ServiceError(_("该户尚未结对"), code="not_paired")
    current.ended_on = max(on, current.started_on)
    current.end_reason = _text(reason, required=_("请填写调整原因"))
    current.ended_by = _user(actor)
    current.save(update_fields=["ended_on", "end_reason", "ended_by"])
    audit.record(
        actor=actor,
        action="visits.helper_unassign",
        obj=current,
        area=household.village,
        after={"household": household.code, "reason": current.end_reason},
    )
    return current


# --- plans and due visits ------------------------------------------------------------


@transaction.atomic
def due_visits_plan(*, households: Iterable[Household], on: dt.date, actor: Any) -> list[DueVisit]:
    """Give every household without an open due visit its next one.

    The next visit falls one interval (monthly for monitored households, quarterly for others,
    or the area's rule) after the last visit, or on ``on`` for a household never visited;
    must-visit households (八必访) are due at once.
    """
    created = []
    for household in households:
        if DueVisit.objects.filter(household=household, status__in=selectors.OPEN).exists():
            continue
        reasons = selectors.must_visit_reasons(household, on=on)
        last = (
            Visit.objects.filter(household=household, outcome=Visit.Outcome.MET)
            .order_by("-visited_at")
            .first()
        )
        due_on = on
        if last is not None and not reasons:
            due_on = _add_months(last.visited_at.date(), selectors.interval_months(household))
        row, made = DueVisit.objects.get_or_create(
            household=household,
            due_on=due_on,
            defaults={"reasons": ";".join(reasons), "area_path": household.area_path},
        )
        if made:
            created.append(row)
    audit.record(actor=actor, action="visits.plan", note=f"{len(created)} due visits on {on}")
    return created


@transaction.atomic
def due_visits_refresh(*, today: dt.date, actor: Any = None) -> int:
    """Due visits whose date has passed turn overdue."""
    count = DueVisit.objects.filter(status=DueVisit.Status.DUE, due_on__lt=today).update(
        status=DueVisit.Status.OVERDUE
    )
    audit.record(actor=actor, action="visits.refresh", note=f"{count} overdue on {today}")
    return count


# --- visit records -------------------------------------------------------------------


def visit_record(
    *,
    actor: Any,
    household: Household,
    visited_at: dt.datetime,
    outcome: str = Visit.Outcome.MET,
    members_met: Sequence[int] = (),
    checklist: dict[str, str] | None = None,
    needs: str = "",
    suggestions: str = "",
    photo: UploadedFile | None = None,
    signature: UploadedFile | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    tuopin_verified: bool = False,
    campaign: Campaign | None = None,
    idempotency_key: str | None = None,
    answers: dict[str, int] | None = None,
    income_change: str = "",
) -> tuple[Visit, bool]:
    """Record a visit once per idempotency key; returns ``(visit, created)``. What the visit
    found (members at home, at work, ill, at school; housing and water from the checklist;
    ``answers`` holds the counts) becomes dated figures on the household."""
    access.require_row(actor, MODULE, roles.EDIT, household)
    bounds.ensure(bounds.check_past_datetime, visited_at)
    bounds.ensure(bounds.LATITUDE, latitude)
    bounds.ensure(bounds.LONGITUDE, longitude)
    if income_change and income_change not in dict(INCOME_CHANGE_CHOICES):
        raise ServiceError(_("未知的收入变化"), code="bad_income_change")
    kept = {k: int(v) for k, v in (answers or {}).items() if k in ANSWER_KINDS and v is not None}
    for value in kept.values():
        bounds.ensure(bounds.PEOPLE, value)
    key = idempotency_key or None
    if key and (seen := Visit.objects.filter(idempotency_key=key).first()) is not None:
        return seen, False
    try:
        with transaction.atomic():
            visit = _visit_create(
                actor=actor,
                household=household,
                visited_at=visited_at,
                outcome=outcome,
                members_met=members_met,
                checklist=checklist or {},
                needs=needs,
                suggestions=suggestions,
                photo=photo,
                signature=signature,
                latitude=latitude,
                longitude=longitude,
                tuopin_verified=tuopin_verified,
                campaign=campaign,
                idempotency_key=key,
                income_change=income_change,
                answers=kept,
            )
            _visit_figures(visit, actor, kept)
    except IntegrityError:
        if key and (seen := Visit.objects.filter(idempotency_key=key).first()) is not None:
            return seen, False
        raise
    return visit, True


def _visit_create(
    *, actor: Any, household: Household, members_met: Sequence[int], **fields: Any
) -> Visit:
    fields = {k: v for k, v in fields.items() if v is not None or k in {"latitude", "longitude"}}
    visit = Visit.objects.create(
        household=household, visitor=_user(actor), area_path=household.area_path, **fields
    )
    members = list(household.members.filter(pk__in=members_met).values_list("pk", flat=True))
    if len(members) != len(set(members_met)):
        raise ServiceError(_("所见成员不属于该户"), code="invalid_member")
    visit.members_met.set(members)
    status = (
        DueVisit.Status.DONE if visit.outcome == Visit.Outcome.MET else DueVisit.Status.UNREACHABLE
    )
    DueVisit.objects.filter(
        household=household, status__in=selectors.OPEN, due_on__lte=_end_of_month(visit)
    ).update(status=status, visit=visit)
    audit.record(
        actor=actor,
        action="visits.visit_record",
        obj=visit,
        area=household.village,
        after={"household": household.code, "outcome": visit.outcome, "members": len(members)},
    )
    return visit


ANSWER_KINDS = ("working_members", "ill_members", "pupils")
CHECKLIST_KINDS = {"housing": "housing_safe", "water": "water_ok"}


def _visit_figures(visit: Visit, actor: Any, answers: dict[str, int]) -> None:
    """A met household's answers, recorded through the registry as figures of this visit."""
    if visit.outcome != Visit.Outcome.MET:
        return
    values: dict[str, int] = {"members_at_home": visit.members_met.count()}
    for key, kind in CHECKLIST_KINDS.items():
        answer = visit.checklist.get(key)
        if answer in {"yes", "no"}:
            values[kind] = int(answer == "yes")
    values.update({k: int(v) for k, v in answers.items() if k in ANSWER_KINDS and v is not None})
    for kind, value in values.items():
        figures.household_figure_record(
            household=visit.household,
            kind=kind,
            value=value,
            source=figures.Source.VISIT,
            source_ref=f"visits.visit#{visit.pk}",
            as_of=timezone.localdate(visit.visited_at),
            actor=actor,
        )


def _end_of_month(visit: Visit) -> dt.date:
    day = visit.visited_at.date()
    return _add_months(day.replace(day=1), 1) - dt.timedelta(days=1)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def visit_report_difficulty(
    *,
    actor: Any,
    household: Household,
    description: str,
    risk_type: str = "",
    visit: Visit | None = None,
) -> VisitReport:
    """A helper's report of a household's difficulty; the cases app opens a case from it."""
    access.require_row(actor, MODULE, roles.EDIT, household)
    if not description.strip():
        raise ServiceError(_("请填写困难情况"), code="empty_report")
    report = VisitReport.objects.create(
        household=household,
        visit=visit,
        description=description.strip(),
        risk_type=risk_type,
        reported_by=_user(actor),
        area_path=household.area_path,
    )
    audit.record(actor=actor, action="visits.report_difficulty", obj=report, area=household.village)
    return report


@transaction.atomic
def visit_report_take(*, report: VisitReport, case_ref: str, actor: Any) -> VisitReport:
    """The cases app took the report into a case: it is no longer open."""
    if report.status != VisitReport.Status.OPEN:
        raise ServiceError(_("该困难报告已被处理"), code="report_taken")
    report.status, report.case_ref = VisitReport.Status.TAKEN, case_ref[:64]
    report.save(update_fields=["status", "case_ref"])
    audit.record(
        actor=actor, action="visits.report_take", obj=report, area=report.household.village
    )
    return report


# --- campaigns -----------------------------------------------------------------------


def _require_campaign_area(actor: Any, area: Area, villages: Sequence[Area]) -> None:
    _require_role(actor, CAMPAIGN_ROLES)
    if actor is None:
        return
    if not access.can(actor, MODULE, roles.EDIT, area):
        raise PermissionDenied
    if any(not access.in_area(actor, v) for v in villages):
        raise PermissionDenied


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    name: str,
    area: Area,
    villages: Sequence[Area],
    start: dt.date,
    end: dt.date,
    checklist: Sequence[str] = (),
    methods: Sequence[str] = (),
    sample_size: int = 0,
    sample_rate: int | None = None,
    sample_seed: str = "",
    screening_run: str = "",
) -> Campaign:
    """A campaign over ``villages`` of ``area``; its sample is ``sample_size`` households, or
    ``sample_rate`` per cent of them (rounded up), drawn with ``sample_seed``."""
    _require_campaign_area(actor, area, villages)
    name = _text(name, required=_("请填写评估名称"))[:100]
    if end < start:
        raise ServiceError(_("结束日期早于开始日期"), code="bad_period")
    bounds.ensure(bounds.check_planned_date, start)
    bounds.ensure(bounds.check_planned_date, end)
    bounds.ensure(bounds.PEOPLE, sample_size)
    bounds.ensure(bounds.SAMPLE_RATE, sample_rate)
    if not villages:
        raise ServiceError(_("请选择评估村"), code="no_villages")
    if any(not area.contains(v) or v.level != "village" for v in villages):
        raise ServiceError(_("评估村不在所属区域内"), code="bad_scope")
    if any(c not in CHECKLIST for c in checklist) or any(m not in METHODS for m in methods):
        raise ServiceError(_("未知的检查内容或评估方式"), code="bad_choice")
    campaign = Campaign.objects.create(
        name=name,
        area=area,
        start=start,
        end=end,
        checklist=list(checklist),
        methods=list(methods),
        sample_size=sample_size,
        sample_rate=sample_rate,
        sample_seed=_text(sample_seed)[:64] or f"{name}:{start.isoformat()}"[:64],
        screening_run=screening_run,
        created_by=_user(actor),
        area_path=area.path,
    )
    campaign.villages.set(villages)
    audit.record(
        actor=actor,
        action="visits.campaign_create",
        obj=campaign,
        area=area,
        after={
            "villages": [v.code for v in villages],
            "sample_size": sample_size,
            "sample_rate": sample_rate,
            "seed": campaign.sample_seed,
        },
    )
    return campaign


def sample_target(campaign: Campaign, population: int) -> int:
    """How many households the sample holds: the rate (rounded up) or the fixed size."""
    if campaign.sample_rate:
        return min(population, math.ceil(population * campaign.sample_rate / 100))
    return min(population, campaign.sample_size)


@transaction.atomic
def campaign_draw_sample(*, actor: Any, campaign: Campaign) -> list[CampaignSample]:
    """Draw the third-party sample: the same seed over the same households gives the same list
    (households in code order, Python's Mersenne Twister seeded with the recorded seed)."""
    _require_campaign_area(actor, campaign.area, list(campaign.villages.all()))
    if campaign.samples.exists():
        raise ServiceError(_("已抽样，样本不可重抽"), code="already_sampled")
    codes = sorted(
        Household.objects.filter(village__in=campaign.villages.all()).values_list("code", "pk")
    )
    picked = random.Random(campaign.sample_seed).sample(codes, sample_target(campaign, len(codes)))
    rows = CampaignSample.objects.bulk_create(
        CampaignSample(campaign=campaign, household_id=pk, position=n)
        for n, (_code, pk) in enumerate(picked, start=1)
    )
    audit.record(
        actor=actor,
        action="visits.campaign_sample",
        obj=campaign,
        area=campaign.area,
        after={"seed": campaign.sample_seed, "households": [c for c, _ in picked]},
    )
    return rows


@transaction.atomic
def campaign_assessor_add(*, actor: Any, campaign: Campaign, assessor: Any) -> None:
    _require_campaign_area(actor, campaign.area, [])
    if getattr(assessor, "role", "") != roles.Role.ASSESSOR:
        raise ServiceError(_("只能指派第三方评估人员"), code="not_assessor")
    campaign.assessors.add(assessor)
    audit.record(
        actor=actor, action="visits.assessor_add", obj=campaign, note=str(assessor.username)
    )


@transaction.atomic
def finding_record(
    *,
    actor: Any,
    campaign: Campaign,
    household: Household,
    kind: str,
    description: str,
    found_on: dt.date | None = None,
) -> Finding:
    access.require_row(actor, MODULE, roles.ASSESS, household)
    if kind not in Finding.Kind.values:
        raise ServiceError(_("未知的问题类别"), code="bad_kind")
    bounds.ensure(bounds.check_past_date, found_on)
    finding = Finding.objects.create(
        campaign=campaign,
        household=household,
        kind=kind,
        description=description,
        found_on=found_on or dt.date.today(),
        created_by=_user(actor),
        area_path=household.area_path,
    )
    audit.record(actor=actor, action="visits.finding_record", obj=finding, area=household.village)
    return finding


@transaction.atomic
def finding_rectify(
    *, actor: Any, finding: Finding, status: str, rectification: str, on: dt.date | None = None
) -> Finding:
    access.require_row(actor, MODULE, roles.EDIT, finding)
    if status not in Finding.Status.values:
        raise ServiceError(_("未知的整改状态"), code="bad_status")
    bounds.ensure(bounds.check_past_date, on)
    before = {"status": finding.status}
    finding.status = status
    finding.rectification = rectification
    finding.rectified_on = (on or dt.date.today()) if status == Finding.Status.RECTIFIED else None
    finding.save(update_fields=["status", "rectification", "rectified_on"])
    audit.record(
        actor=actor,
        action="visits.finding_rectify",
        obj=finding,
        before=before,
        after={"status": status},
    )
    return finding


# --- party members -------------------------------------------------------------------


GOODS_LINES_MAX = 20
Goods = Sequence[tuple[str, Decimal, str]] | Sequence[tuple[str, Decimal, str, Decimal]]


def _goods_lines(goods: Goods) -> list[GoodsLine]:
    """(item, quantity, unit[, value in yuan]) lines, each bounded."""
    if len(goods) > GOODS_LINES_MAX:
        raise ServiceError(_("慰问品最多20项"), code="too_many_goods")
    lines = []
    for item, quantity, unit, *value in goods:
        name = _text(item, required=_("请填写慰问品名称"))[:50]
        lines.append(
            GoodsLine(
                item=name,
                quantity=bounds.ensure(bounds.GIFT_QUANTITY, Decimal(quantity)),
                unit=_text(unit)[:10],
                value_yuan=bounds.ensure(bounds.ITEM_VALUE, Decimal(value[0] if value else 0)),
            )
        )
    return lines


@transaction.atomic
def condolence_record(
    *,
    actor: Any,
    visited_on: dt.date,
    occasion: str,
    goods: Goods,
    member: PartyMember | None = None,
    household: Household | None = None,
    visitors: str = "",
    cash_yuan: Decimal = Decimal(0),
    note: str = "",
) -> CondolenceVisit:
    """A condolence visit (慰问) to a household or a party member, with the goods handed over
    (item, quantity, unit, value) and any cash; who went is the actor and ``visitors``."""
    if member is None and household is None:
        raise ServiceError(_("请选择慰问对象"), code="no_target")
    household = household or (member.household if member else None)
    if household is not None:
        access.require_row(actor, MODULE, roles.EDIT, household)
    elif member is not None:
        access.require_row(actor, MODULE, roles.EDIT, member)
    bounds.ensure(bounds.check_past_date, visited_on)
    bounds.ensure(bounds.ITEM_VALUE, cash_yuan)
    lines = _goods_lines(goods)
    if not lines and not cash_yuan:
        raise ServiceError(_("请填写慰问品或慰问金"), code="no_goods")
    visit = CondolenceVisit.objects.create(
        member=member,
        household=household,
        visited_on=visited_on,
        occasion=_text(occasion)[:50],
        visitor=_user(actor),
        visitors=_text(visitors),
        cash_yuan=cash_yuan,
        note=_text(note),
        area_path=household.area_path if household is not None else member.area_path,  # type: ignore[union-attr]
    )
    for line in lines:
        line.visit = visit
    GoodsLine.objects.bulk_create(lines)
    audit.record(
        actor=actor,
        action="visits.condolence_record",
        obj=visit,
        area=household.village if household is not None else None,
        after={
            "goods": [[g.item, str(g.quantity), g.unit, str(g.value_yuan)] for g in lines],
            "cash": str(cash_yuan),
        },
    )
    return visit


@transaction.atomic
def point_entry_add(
    *,
    actor: Any,
    member: PartyMember,
    reason: str,
    on: dt.date,
    rule: PointRule | None = None,
    points: int | None = None,
) -> PointEntry:
    """A points claim (an award or a deduction), pending approval; the rule gives the points
    unless overridden."""
    access.require_row(actor, MODULE, roles.EDIT, member)
    value = points if points is not None else (rule.points if rule else None)
    if value is None:
        raise ServiceError(_("请选择积分规则或填写分值"), code="no_points")
    if rule is not None and rule.area is not None and not rule.area.contains(member.village):
        raise ServiceError(_("该积分规则不适用于本村"), code="bad_rule")
    bounds.ensure(bounds.POINTS, value)
    bounds.ensure(bounds.check_past_date, on)
    entry = PointEntry.objects.create(
        member=member,
        rule=rule,
        points=value,
        reason=_text(reason, required=_("请填写积分事由")),
        on=on,
        created_by=_user(actor),
        area_path=member.area_path,
    )
    audit.record(
        actor=actor,
        action="visits.points_add",
        obj=entry,
        area=member.village,
        after={"points": value, "member": member.name},
    )
    return entry


@transaction.atomic
def point_entry_decide(
    *, actor: Any, entry: PointEntry, approve: bool, reason: str = ""
) -> PointEntry:
    """The branch secretary's decision on a claim; a rejection says why."""
    _require_role(actor, POINTS_ROLES)
    access.require_row(actor, MODULE, roles.EDIT, entry)
    entry = PointEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != PointEntry.Status.PENDING:
        raise ServiceError(_("该积分已审核"), code="already_decided")
    if _user(actor) is not None and entry.created_by_id == actor.pk:
        raise ServiceError(_("不能审核自己录入的积分"), code="self_approval")
    why = _text(reason, required="" if approve else _("请填写不通过的理由"))
    entry.status = PointEntry.Status.APPROVED if approve else PointEntry.Status.REJECTED
    entry.approved_by = _user(actor)
    entry.decided_at = timezone.now()
    entry.decision_reason = why
    entry.save(update_fields=["status", "approved_by", "decided_at", "decision_reason"])
    audit.record(
        actor=actor,
        action="visits.points_decide",
        obj=entry,
        after={"status": entry.status, "reason": why},
    )
    return entry


@transaction.atomic
def village_record_add(
    *,
    actor: Any,
    village: Area,
    kind: str,
    title: str,
    on: dt.date,
    text: str = "",
    participants: int = 0,
) -> VillageRecord:
    """A village rule (村规民约) or a study tour (参观学习)."""
    bounds.ensure(bounds.check_past_date, on)
    bounds.ensure(bounds.PEOPLE, participants)
    if kind not in VillageRecord.Kind.values:
        raise ServiceError(_("未知的记录类别"), code="bad_kind")
    row = VillageRecord.objects.create(
        village=village,
        kind=kind,
        title=title,
        on=on,
        text=text,
        participants=participants,
        area_path=village.path,
    )
    audit.record(actor=actor, action="visits.village_record", obj=row, area=village)
    return row
