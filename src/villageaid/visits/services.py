"""Writes of the visits app: keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from villageaid.core import audit, bounds
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.registry import figures
from villageaid.registry.models import Household
from villageaid.visits import selectors
from villageaid.visits.models import (
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


@transaction.atomic
def helper_assign(
    *, household: Household, helper: Any, actor: Any, on: dt.date | None = None
) -> HelperAssignment:
    """Pair ``helper`` with ``household``; the current pairing, if any, ends the day before."""
    on = on or dt.date.today()
    current = (
        HelperAssignment.objects.select_for_update()
        .filter(household=household, ended_on__isnull=True)
        .first()
    )
    if current is not None:
        if current.helper_id == helper.pk:
            return current
        current.ended_on = on - dt.timedelta(days=1)
        current.save(update_fields=["ended_on"])
    row = HelperAssignment.objects.create(
        helper=helper, household=household, started_on=on, area_path=household.area_path
    )
    audit.record(
        actor=actor,
        action="visits.helper_assign",
        obj=row,
        area=household.village,
        before={"helper": current.helper_id} if current else None,
        after={"helper": helper.pk, "household": household.code},
    )
    return row


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
) -> tuple[Visit, bool]:
    """Record a visit once per idempotency key; returns ``(visit, created)``. What the visit
    found (members at home, at work, ill, at school; housing and water from the checklist;
    ``answers`` holds the counts) becomes dated figures on the household."""
    bounds.ensure(bounds.check_past_datetime, visited_at)
    bounds.ensure(bounds.LATITUDE, latitude)
    bounds.ensure(bounds.LONGITUDE, longitude)
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
            )
            _visit_figures(visit, actor, answers or {})
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
        raise ServiceError("所见成员不属于该户", code="invalid_member")
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
    if not description.strip():
        raise ServiceError("请填写困难情况", code="empty_report")
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
        raise ServiceError("该困难报告已被处理", code="report_taken")
    report.status, report.case_ref = VisitReport.Status.TAKEN, case_ref[:64]
    report.save(update_fields=["status", "case_ref"])
    audit.record(
        actor=actor, action="visits.report_take", obj=report, area=report.household.village
    )
    return report


# --- campaigns -----------------------------------------------------------------------


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
    sample_seed: str = "",
    screening_run: str = "",
) -> Campaign:
    if end < start:
        raise ServiceError("结束日期早于开始日期", code="bad_period")
    bounds.ensure(bounds.check_planned_date, start)
    bounds.ensure(bounds.check_planned_date, end)
    bounds.ensure(bounds.PEOPLE, sample_size)
    if any(not area.contains(v) for v in villages):
        raise ServiceError("评估村不在所属区域内", code="bad_scope")
    campaign = Campaign.objects.create(
        name=name,
        area=area,
        start=start,
        end=end,
        checklist=list(checklist),
        methods=list(methods),
        sample_size=sample_size,
        sample_seed=sample_seed or f"{name}:{start.isoformat()}",
        screening_run=screening_run,
        area_path=area.path,
    )
    campaign.villages.set(villages)
    audit.record(actor=actor, action="visits.campaign_create", obj=campaign, area=area)
    return campaign


@transaction.atomic
def campaign_draw_sample(*, actor: Any, campaign: Campaign) -> list[CampaignSample]:
    """Draw the third-party sample: the same seed over the same households gives the same list."""
    if campaign.samples.exists():
        raise ServiceError("已抽样，样本不可重抽", code="already_sampled")
    codes = sorted(
        Household.objects.filter(village__in=campaign.villages.all()).values_list("code", "pk")
    )
    picked = random.Random(campaign.sample_seed).sample(
        codes, min(campaign.sample_size, len(codes))
    )
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
    if kind not in Finding.Kind.values:
        raise ServiceError("未知的问题类别", code="bad_kind")
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
    if status not in Finding.Status.values:
        raise ServiceError("未知的整改状态", code="bad_status")
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


@transaction.atomic
def condolence_record(
    *,
    actor: Any,
    member: PartyMember,
    visited_on: dt.date,
    occasion: str,
    goods: Sequence[tuple[str, Decimal, str]],
    note: str = "",
) -> CondolenceVisit:
    """A condolence visit and the goods handed over (item, quantity, unit)."""
    bounds.ensure(bounds.check_past_date, visited_on)
    for _item, quantity, _unit in goods:
        bounds.ensure(bounds.GIFT_QUANTITY, quantity)
    visit = CondolenceVisit.objects.create(
        member=member,
        visited_on=visited_on,
        occasion=occasion,
        visitor=_user(actor),
        note=note,
        area_path=member.area_path,
    )
    GoodsLine.objects.bulk_create(
        GoodsLine(visit=visit, item=item, quantity=Decimal(qty), unit=unit)
        for item, qty, unit in goods
    )
    audit.record(
        actor=actor,
        action="visits.condolence_record",
        obj=visit,
        after={"goods": [[i, str(q), u] for i, q, u in goods]},
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
    """An award or deduction, pending approval; the rule gives the points unless overridden."""
    value = points if points is not None else (rule.points if rule else None)
    if value is None:
        raise ServiceError("请选择积分规则或填写分值", code="no_points")
    bounds.ensure(bounds.POINTS, value)
    bounds.ensure(bounds.check_past_date, on)
    entry = PointEntry.objects.create(
        member=member,
        rule=rule,
        points=value,
        reason=reason,
        on=on,
        created_by=_user(actor),
        area_path=member.area_path,
    )
    audit.record(actor=actor, action="visits.points_add", obj=entry, after={"points": value})
    return entry


@transaction.atomic
def point_entry_decide(*, actor: Any, entry: PointEntry, approve: bool) -> PointEntry:
    if entry.status != PointEntry.Status.PENDING:
        raise ServiceError("该积分已审核", code="already_decided")
    if _user(actor) is not None and entry.created_by_id == actor.pk:
        raise ServiceError("不能审核自己录入的积分", code="self_approval")
    entry.status = PointEntry.Status.APPROVED if approve else PointEntry.Status.REJECTED
    entry.approved_by = _user(actor)
    entry.save(update_fields=["status", "approved_by"])
    audit.record(
        actor=actor, action="visits.points_decide", obj=entry, after={"status": entry.status}
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
        raise ServiceError("未知的记录类别", code="bad_kind")
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
