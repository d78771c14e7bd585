"""Every write of the cases app. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from villageaid.cases import clock, rules
from villageaid.cases.models import (
    Authorisation,
    Case,
    CaseAttachment,
    CaseMeasure,
    Comparison,
    Kind,
    Notice,
    Objection,
    Procedure,
    ProcedureStep,
    SelfDeclaration,
    Transition,
)
from villageaid.core import access, audit, notify, roles
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.core.roles import Role
from villageaid.registry import labels
from villageaid.registry.models import Household, IncomeRecord
from villageaid.registry.services import household_update
from villageaid.screening.models import Clue

MODULE = roles.Module.CASES

# (code, name, role, also_roles, parallel_group)
DEFAULT_IDENTIFICATION: tuple[tuple[str, str, str, str, str], ...] = (
    ("verify", "入户核实及承诺授权", Role.CADRE, "helper,grid", ""),
    ("compare", "信息比对", Role.COUNTY, "", ""),
    ("review", "民主评议", Role.CADRE, "", ""),
    ("notice", "公示", Role.CADRE, "", ""),
    ("township", "乡镇审核", Role.TOWNSHIP, "", ""),
    ("county", "县级审定", Role.COUNTY, "", ""),
    ("announce", "结果公告及录入", Role.TOWNSHIP, "", ""),
)
DEFAULT_ELIMINATION: tuple[tuple[str, str, str, str, str], ...] = (
    ("verify", "入户核实", Role.CADRE, "helper,grid", ""),
    ("review", "民主评议", Role.CADRE, "", ""),
    ("notice", "公示", Role.CADRE, "", ""),
    ("township", "乡镇审核", Role.TOWNSHIP, "", ""),
    ("county", "县级审批", Role.COUNTY, "", ""),
    ("announce", "公告及系统标注", Role.TOWNSHIP, "", ""),
)


# --- procedures ----------------------------------------------------------------


def procedure_create(
    *,
    province_code: str,
    name: str,
    identification: Sequence[tuple[str, str, str, str, str]] = DEFAULT_IDENTIFICATION,
    elimination: Sequence[tuple[str, str, str, str, str]] = DEFAULT_ELIMINATION,
    clock_days: int = 15,
    clock_kind: str = clock.CALENDAR,
    notice_min_days: int = 5,
    actor: Any = None,
) -> Procedure:
    with transaction.atomic():
        procedure = Procedure.objects.create(
            province_code=province_code,
            name=name,
            clock_days=clock_days,
            clock_kind=clock_kind,
            notice_min_days=notice_min_days,
        )
        for kind, steps in ((Kind.IDENTIFICATION, identification), (Kind.ELIMINATION, elimination)):
            ProcedureStep.objects.bulk_create(
                ProcedureStep(
                    procedure=procedure,
                    kind=kind,
                    order=n,
                    code=code,
                    name=label,
                    role=role,
                    also_roles=also,
                    parallel_group=group,
                )
                for n, (code, label, role, also, group) in enumerate(steps, start=1)
            )
        audit.record(actor=actor, action="cases.procedure.create", obj=procedure, note=name)
    return procedure


def procedure_for(province_code: str) -> Procedure:
    """The province's procedure, else the default (created on first use)."""
    found = Procedure.objects.filter(province_code=province_code).first()
    if found is not None:
        return found
    default = Procedure.objects.filter(province_code="").first()
    return default or procedure_create(province_code="", name="默认识别程序（15个自然日）")


def steps_of(case: Case) -> list[ProcedureStep]:
    return list(case.procedure.steps.filter(kind=case.kind).order_by("order"))


# --- opening ------------------------------------------------------------------


def case_open(
    *,
    household: Household,
    actor: Any,
    source: str,
    opened_on: dt.date | None = None,
    summary: str = "",
    risk_types: str = "",
    kind: str = Kind.IDENTIFICATION,
    report: Any = None,
    clue: Clue | None = None,
    declaration: SelfDeclaration | None = None,
    identification: Case | None = None,
) -> Case:
    if (
        kind == Kind.IDENTIFICATION
        and Case.objects.filter(household=household, kind=kind, status=Case.Status.OPEN).exists()
    ):
        raise ServiceError("该户已有办理中的识别案件", code="case_open_exists")
    opened_on = opened_on or timezone.localdate()
    procedure = procedure_for(household.village.province_code)
    with transaction.atomic():
        case = Case(
            household=household,
            area_path=household.area_path,
            kind=kind,
            source=source,
            report=report,
            clue=clue,
            declaration=declaration,
            identification=identification,
            summary=summary[:300],
            risk_types=risk_types,
            procedure=procedure,
            opened_on=opened_on,
            deadline=clock.deadline(opened_on, procedure.clock_days, procedure.clock_kind),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        case.step = procedure.steps.filter(kind=kind).order_by("order").first()
        case.save()
        audit.record(
            actor=actor, action="cases.case.open", obj=case, area=household.village, note=source
        )
    return case


def case_open_from_report(*, report: Any, actor: Any, opened_on: dt.date | None = None) -> Case:
    """A cadre's or helper's report of a difficulty (``visits.VisitReport``)."""
    with transaction.atomic():
        case = case_open(
            household=report.household,
            actor=actor,
            source=Case.Source.CADRE_REPORT,
            opened_on=opened_on or timezone.localdate(report.reported_at),
            summary=report.description,
            risk_types=report.risk_type,
            report=report,
        )
        type(report).objects.filter(pk=report.pk).update(status="taken", case_ref=str(case.pk))
    return case


def case_open_from_clue(clue: Clue, actor: Any) -> Case:
    """One call for the screening clue page: the clue's household and risk; the clock
    starts on the day the clue was found (pushed to the village)."""
    with transaction.atomic():
        case = case_open(
            household=clue.household,
            actor=actor,
            source=Case.Source.CLUE,
            opened_on=timezone.localdate(clue.created_at),
            summary=f"{clue.rule_code} {labels.RISK_TYPE_LABELS.get(clue.risk_type, '')}",
            risk_types=clue.risk_type,
            clue=clue,
        )
        Clue.objects.filter(pk=clue.pk).update(case_id=case.pk, status=Clue.Status.OPEN)
    return case


def case_open_from_declaration(
    *, declaration: SelfDeclaration, household: Household, actor: Any
) -> Case:
    if household.village_id != declaration.village_id:
        raise ServiceError("申报农户不在该村", code="household_mismatch")
    with transaction.atomic():
        case = case_open(
            household=household,
            actor=actor,
            source=Case.Source.SELF_DECLARATION,
            opened_on=timezone.localdate(declaration.created_at),
            summary=declaration.description,
            risk_types=declaration.risk_type,
            declaration=declaration,
        )
        declaration.household = household
        declaration.status = SelfDeclaration.Status.CONVERTED
        declaration.save(update_fields=["household", "status"])
    return case


# --- the chain ------------------------------------------------------------------


def actionable_steps(case: Case) -> list[ProcedureStep]:
    """The current step and any undone step running in parallel with it."""
    if case.status != Case.Status.OPEN or case.step is None:
        return []
    current = case.step
    if not current.parallel_group:
        return [current]
    return [
        s
        for s in steps_of(case)
        if s.code == current.code
        or (s.parallel_group == current.parallel_group and s.code not in case.done_steps)
    ]


def may_act(user: Any, case: Case, step: ProcedureStep) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return (
        access.can(user, MODULE, roles.EDIT, case.area_path)
        and getattr(user, "role", "") in step.roles
    )


def _check(case: Case, step: ProcedureStep, decision: str, data: dict[str, Any]) -> None:
    if decision != Transition.Decision.PASS:
        return
    if step.code == "compare" and not case.authorisations.exists():
        raise ServiceError("农户未签署承诺授权书，不能进行信息比对", code="authorisation_required")
    if step.code == "notice":
        closed = case.notices.filter(closed_on__isnull=False)
        if not closed.exists():
            raise ServiceError("公示尚未结束", code="notice_open")
    if step.code == "township":
        if "notice" not in case.done_steps:
            raise ServiceError("公示完成后才能乡镇审核", code="notice_required")
        if case.objections.filter(resolved_on__isnull=True).exists():
            raise ServiceError("公示异议尚未处理完毕", code="objections_open")
    if step.code == "county" and case.kind == Kind.IDENTIFICATION:
        if data.get("category") not in Case.Category.values:
            raise ServiceError("请选择监测对象类别", code="category_required")
        if not rules.risk_list(data.get("risk_types", "")):
            raise ServiceError("至少选择一个风险类型", code="risk_required")


def _next_step(case: Case) -> ProcedureStep | None:
    return next((s for s in steps_of(case) if s.code not in case.done_steps), None)


def _previous_step(case: Case, step: ProcedureStep) -> ProcedureStep:
    before = [s for s in steps_of(case) if s.order < step.order]
    if not before:
        raise ServiceError("已是第一个环节，不能退回", code="no_previous_step")
    return before[-1]


def _county_decides(case: Case, actor: Any, data: dict[str, Any], on: dt.date) -> None:
    household = case.household
    if case.kind == Kind.IDENTIFICATION:
        case.category = data["category"]
        case.risk_types = ";".join(rules.risk_list(data["risk_types"]))
        household_update(
            household=household,
            actor=actor,
            monitoring_status="monitored",
            monitoring_category=case.category,
            risk_types=case.risk_types,
        )
    else:
        household_update(household=household, actor=actor, monitoring_status="eliminated")
    case.decided_on = on


def case_transition(
    *,
    case: Case,
    actor: Any,
    decision: str,
    step_code: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    on: dt.date | None = None,
    files: Iterable[UploadedFile] = (),
) -> Transition:
    """Record one decision at the current step (or one running in parallel with it)."""
    data = dict(data or {})
    on = on or timezone.localdate()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        steps = {s.code: s for s in actionable_steps(case)}
        step = steps.get(step_code or (case.step.code if case.step else ""))
        if step is None:
            raise ServiceError("该案件当前不在这个环节", code="wrong_step")
        if not may_act(actor, case, step):
            raise ServiceError("你的角色或区域不能办理这个环节", code="not_your_step")
        if decision not in Transition.Decision.values:
            raise ServiceError("未知的办理结果", code="bad_decision")
        if decision != Transition.Decision.PASS and not reason.strip():
            raise ServiceError("不通过或退回须写明理由", code="reason_required")
        _check(case, step, decision, data)
        row = Transition.objects.create(
            case=case,
            step=step,
            step_code=step.code,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            decision=decision,
            reason=reason,
            data=data,
            on=on,
        )
        for upload in files:
            CaseAttachment.objects.create(transition=row, file=upload, label=upload.name or "")
        _apply(case, step, decision, actor, data, on)
        audit.record(
            actor=actor,
            action=f"cases.case.{decision}",
            obj=case,
            area=case.household.village,
            after={"step": step.code, "status": case.status},
            note=reason,
        )
    return row


def _apply(
    case: Case, step: ProcedureStep, decision: str, actor: Any, data: dict[str, Any], on: dt.date
) -> None:
    if decision == Transition.Decision.REJECT:
        case.status, case.step, case.closed_on = Case.Status.REJECTED, None, on
    elif decision == Transition.Decision.RETURN:
        back = _previous_step(case, case.step or step)
        case.done_steps = [c for c in case.done_steps if c not in {back.code, step.code}]
        case.step = back
    else:
        case.done_steps = [*case.done_steps, step.code]
        if step.code == "county":
            _county_decides(case, actor, data, on)
        case.step = _next_step(case)
        if case.step is None:
            case.closed_on = on
            case.status = (
                Case.Status.MONITORED
                if case.kind == Kind.IDENTIFICATION
                else Case.Status.ELIMINATED
            )
    case.save()


# --- home verification, authorisation, comparison -------------------------------


def case_verify(
    *,
    case: Case,
    actor: Any,
    on: dt.date,
    income: dict[str, Decimal],
    guarantees: dict[str, Any],
    risk_types: str = "",
    expenses: dict[str, Decimal] | None = None,
    note: str = "",
    files: Iterable[UploadedFile] = (),
) -> Transition:
    """The home-verification form: income into ``IncomeRecord``, the guarantees and water
    through ``household_update``, then the verify step passes with the form in its data."""
    household = case.household
    with transaction.atomic():
        record, _ = IncomeRecord.objects.update_or_create(
            household=household,
            period_end=on,
            defaults={**income, "recorded_by": actor if actor and actor.is_authenticated else None},
        )
        record.refresh_from_db()
        audit.record(
            actor=actor, action="registry.income.record", obj=record, area=household.village
        )
        if guarantees:
            household_update(household=household, actor=actor, **guarantees)
        if risk_types:
            case.risk_types = ";".join(rules.risk_list(risk_types))
            Case.objects.filter(pk=case.pk).update(risk_types=case.risk_types)
        data = {
            "income": {k: str(v) for k, v in income.items()},
            "net_income": str(record.net_income),
            "expenses": {k: str(v) for k, v in (expenses or {}).items()},
            "guarantees": {k: str(v) for k, v in guarantees.items()},
            "risk_types": risk_types,
        }
        return case_transition(
            case=case,
            actor=actor,
            decision=Transition.Decision.PASS,
            step_code="verify",
            reason=note,
            data=data,
            on=on,
            files=files,
        )


def authorisation_record(
    *, case: Case, actor: Any, signed_on: dt.date, scan: UploadedFile | None = None
) -> Authorisation:
    with transaction.atomic():
        row = Authorisation.objects.create(case=case, household=case.household, signed_on=signed_on)
        if scan is not None:
            row.scan.save(scan.name or "scan", scan, save=True)
        audit.record(
            actor=actor, action="cases.authorisation.record", obj=row, area=case.household.village
        )
    return row


def comparison_record(
    *,
    authorisation: Authorisation,
    actor: Any,
    department: str,
    compared_on: dt.date,
    findings: str = "",
    flagged: bool = False,
) -> Comparison:
    with transaction.atomic():
        row = Comparison.objects.create(
            authorisation=authorisation,
            department=department,
            compared_on=compared_on,
            findings=findings,
            flagged=flagged,
        )
        audit.record(
            actor=actor,
            action="cases.comparison.record",
            obj=row,
            area=authorisation.household.village,
            note=department,
        )
    return row


def case_compare(
    *,
    case: Case,
    actor: Any,
    on: dt.date,
    results: Sequence[tuple[str, str, bool]],
    reason: str = "",
) -> Transition:
    """Record each department's comparison under the latest authorisation, then pass the
    comparison step. ``results`` holds (department, findings, flagged)."""
    authorisation = case.authorisations.order_by("-signed_on", "-pk").first()
    if authorisation is None:
        raise ServiceError("农户未签署承诺授权书，不能进行信息比对", code="authorisation_required")
    with transaction.atomic():
        for department, findings, flagged in results:
            comparison_record(
                authorisation=authorisation,
                actor=actor,
                department=department,
                compared_on=on,
                findings=findings,
                flagged=flagged,
            )
        data = {"comparisons": [{"department": d, "flagged": f} for d, _x, f in results]}
        return case_transition(
            case=case,
            actor=actor,
            decision=Transition.Decision.PASS,
            step_code="compare",
            reason=reason,
            data=data,
            on=on,
        )


# --- notices -------------------------------------------------------------------------


def notice_publish(*, cases: Sequence[Case], actor: Any, on: dt.date) -> Notice:
    cases = list(
        Case.objects.filter(pk__in=[c.pk for c in cases]).select_related("household__village")
    )
    if not cases:
        raise ServiceError("没有可公示的案件", code="notice_empty")
    villages = {c.household.village_id for c in cases}
    if len(villages) != 1:
        raise ServiceError("公示只在本村张贴，一次只能公示一个村的案件", code="notice_one_village")
    for case in cases:
        if "notice" not in {s.code for s in actionable_steps(case)}:
            raise ServiceError(f"{case.household.code} 不在公示环节", code="wrong_step")
    village = cases[0].household.village
    if not access.can(actor, MODULE, roles.EDIT, village) and not actor.is_superuser:
        raise ServiceError("不能在该村公示", code="not_your_area")
    with transaction.atomic():
        notice = Notice.objects.create(
            village=village,
            area_path=village.path,
            kind=cases[0].kind,
            opened_on=on,
            min_days=cases[0].procedure.notice_min_days,
            created_by=actor,
        )
        notice.cases.set(cases)
        audit.record(actor=actor, action="cases.notice.publish", obj=notice, area=village)
    return notice


def notice_close(*, notice: Notice, actor: Any, on: dt.date) -> Notice:
    if notice.closed_on is not None:
        raise ServiceError("公示已结束", code="notice_closed")
    if (on - notice.opened_on).days < notice.min_days:
        raise ServiceError(f"公示不少于{notice.min_days}天", code="notice_too_short")
    with transaction.atomic():
        notice.closed_on = on
        notice.save(update_fields=["closed_on"])
        audit.record(actor=actor, action="cases.notice.close", obj=notice, area=notice.village)
    return notice


def notice_photo(*, notice: Notice, actor: Any, photo: UploadedFile) -> Notice:
    with transaction.atomic():
        notice.photo.save(photo.name or "photo.jpg", photo, save=True)
        audit.record(actor=actor, action="cases.notice.photo", obj=notice, area=notice.village)
    return notice


def objection_record(
    *, notice: Notice, case: Case, actor: Any, text: str, received_on: dt.date
) -> Objection:
    if not notice.cases.filter(pk=case.pk).exists():
        raise ServiceError("该案件不在这次公示中", code="case_not_in_notice")
    with transaction.atomic():
        row = Objection.objects.create(notice=notice, case=case, text=text, received_on=received_on)
        audit.record(actor=actor, action="cases.objection.record", obj=row, area=notice.village)
    return row


def objection_resolve(
    *, objection: Objection, actor: Any, resolution: str, on: dt.date
) -> Objection:
    if not resolution.strip():
        raise ServiceError("请写明处理结果", code="resolution_required")
    with transaction.atomic():
        objection.resolution, objection.resolved_on = resolution, on
        objection.save(update_fields=["resolution", "resolved_on"])
        audit.record(
            actor=actor,
            action="cases.objection.resolve",
            obj=objection,
            area=objection.notice.village,
        )
    return objection


# --- measures ----------------------------------------------------------------------------


def measure_grant(
    *,
    case: Case,
    actor: Any,
    measure: str,
    department: str,
    granted_on: dt.date,
    person: str = "",
    amount: Decimal | None = None,
    in_kind: str = "",
    status: str = CaseMeasure.Status.PLANNED,
    note: str = "",
) -> CaseMeasure:
    """An assistance measure; ``immediate`` when identification is still running."""
    case.refresh_from_db()
    immediate = case.kind == Kind.IDENTIFICATION and case.status == Case.Status.OPEN
    codes = [*case.measures.values_list("measure", flat=True), measure]
    problems = rules.measure_problems(case.household, codes, adding=measure, immediate=immediate)
    if problems:
        raise ServiceError("；".join(problems), code="measure_policy")
    if case.status not in {Case.Status.OPEN, Case.Status.MONITORED}:
        raise ServiceError("该案件已结束", code="case_closed")
    with transaction.atomic():
        row = CaseMeasure.objects.create(
            case=case,
            area_path=case.area_path,
            measure=measure,
            department=department,
            person=person,
            amount=amount,
            in_kind=in_kind,
            status=status,
            immediate=immediate,
            granted_on=granted_on,
            note=note,
        )
        audit.record(
            actor=actor,
            action="cases.measure.grant",
            obj=row,
            area=case.household.village,
            note=measure,
        )
    return row


def measure_progress(
    *, row: CaseMeasure, actor: Any, status: str, evidence: UploadedFile | None = None
) -> CaseMeasure:
    if status not in CaseMeasure.Status.values:
        raise ServiceError("未知状态", code="bad_status")
    with transaction.atomic():
        row.status = status
        if evidence is not None:
            row.evidence.save(evidence.name or "evidence", evidence, save=False)
        row.save()
        audit.record(
            actor=actor,
            action="cases.measure.progress",
            obj=row,
            area=row.case.household.village,
            note=status,
        )
    return row


# --- risk elimination ---------------------------------------------------------------------


def elimination_open(*, case: Case, actor: Any, on: dt.date) -> Case:
    """Open the mirror chain for a monitored case, or refuse with every failed condition."""
    if case.kind != Kind.IDENTIFICATION or case.status != Case.Status.MONITORED:
        raise ServiceError("只有已纳入监测的案件可以申请风险消除", code="not_monitored")
    problems = rules.elimination_problems(case, on)
    if problems:
        raise ServiceError("；".join(problems), code="elimination_refused")
    return case_open(
        household=case.household,
        actor=actor,
        source=case.source,
        opened_on=on,
        summary="风险消除",
        risk_types=case.risk_types,
        kind=Kind.ELIMINATION,
        identification=case,
    )


def elimination_rollback(*, case: Case, actor: Any, reason: str, on: dt.date) -> Case:
    """风险消除回退: the household is monitored again under its identification case."""
    if case.kind != Kind.ELIMINATION or case.status != Case.Status.ELIMINATED:
        raise ServiceError("只能回退已完成的风险消除", code="not_eliminated")
    if not reason.strip():
        raise ServiceError("请写明回退理由", code="reason_required")
    if not may_act(actor, case, ProcedureStep(role=Role.COUNTY)):
        raise ServiceError("风险消除回退由县级办理", code="not_your_step")
    with transaction.atomic():
        case.status, case.closed_on = Case.Status.ROLLED_BACK, on
        case.save(update_fields=["status", "closed_on"])
        Transition.objects.create(
            case=case,
            step=None,
            step_code="rollback",
            actor=actor,
            decision=Transition.Decision.RETURN,
            reason=reason,
            on=on,
        )
        household_update(household=case.household, actor=actor, monitoring_status="monitored")
        audit.record(
            actor=actor,
            action="cases.case.rollback",
            obj=case,
            area=case.household.village,
            note=reason,
        )
    return case


# --- the clock -------------------------------------------------------------------------------


def cases_escalate(*, today: dt.date | None = None) -> int:
    """Notify the township and county above every overdue case (once per case)."""
    today = today or timezone.localdate()
    overdue = Case.objects.filter(
        status=Case.Status.OPEN, deadline__lt=today, escalated_at__isnull=True
    ).select_related("household__village", "step")
    count = 0
    for case in overdue:
        with transaction.atomic():
            village: Area = case.household.village
            text = (
                f"监测帮扶超期：{village.name} {case.household.code} "
                f"{case.step.name if case.step else ''}，期限 {case.deadline:%Y-%m-%d}"
            )
            users = notify.users_over(village, [Role.TOWNSHIP, Role.COUNTY])
            notify.notify(users=users, text=text, url=f"/cases/{case.pk}/", kind="cases.overdue")
            notify.webhook(text=text)
            Case.objects.filter(pk=case.pk).update(escalated_at=timezone.now())
            audit.record(actor=None, action="cases.case.escalate", obj=case, area=village)
        count += 1
    return count


# --- self-declaration -----------------------------------------------------------------------


def ip_hash(ip: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


def declaration_submit(
    *,
    village: Area,
    ip: str,
    name: str,
    description: str,
    group_name: str = "",
    phone: str = "",
    risk_type: str = "",
    per_hour: int = 3,
) -> SelfDeclaration:
    hashed = ip_hash(ip)
    since = timezone.now() - dt.timedelta(hours=1)
    if SelfDeclaration.objects.filter(ip_hash=hashed, created_at__gte=since).count() >= per_hour:
        raise ServiceError("提交太频繁，请稍后再试", code="rate_limited")
    with transaction.atomic():
        row = SelfDeclaration.objects.create(
            village=village,
            area_path=village.path,
            name=name,
            group_name=group_name,
            phone=phone,
            risk_type=risk_type,
            description=description,
            ip_hash=hashed,
        )
        audit.record(actor=None, action="cases.declaration.submit", obj=row, area=village)
    return row


def declaration_dismiss(*, declaration: SelfDeclaration, actor: Any) -> SelfDeclaration:
    with transaction.atomic():
        declaration.status = SelfDeclaration.Status.DISMISSED
        declaration.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="cases.declaration.dismiss",
            obj=declaration,
            area=declaration.village,
        )
    return declaration
