"""Procedures as data: a province's identification and elimination steps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from villageaid.cases.models import Case, Kind, Procedure, ProcedureStep
from villageaid.core import audit
from villageaid.core.roles import Role
from villageaid.policy.resolved import StepSpec
from villageaid.policy.resolver import policy_for_version

StepRow = tuple[str, str, str, str, str]  # (code, name, role, also_roles, parallel_group)

DEFAULT_IDENTIFICATION: tuple[StepRow, ...] = (
    ("verify", "入户核实及承诺授权", Role.CADRE, "helper,grid", ""),
    ("compare", "信息比对", Role.COUNTY, "", ""),
    ("review", "民主评议", Role.CADRE, "", ""),
    ("notice", "公示", Role.CADRE, "", ""),
    ("township", "乡镇审核", Role.TOWNSHIP, "", ""),
    ("county", "县级审定", Role.COUNTY, "", ""),
    ("announce", "结果公告及录入", Role.TOWNSHIP, "", ""),
)
DEFAULT_ELIMINATION: tuple[StepRow, ...] = (
    ("verify", "入户核实", Role.CADRE, "helper,grid", ""),
    ("review", "民主评议", Role.CADRE, "", ""),
    ("notice", "公示", Role.CADRE, "", ""),
    ("township", "乡镇审核", Role.TOWNSHIP, "", ""),
    ("county", "县级审批", Role.COUNTY, "", ""),
    ("announce", "公告及系统标注", Role.TOWNSHIP, "", ""),
)


def procedure_create(
    *,
    province_code: str,
    name: str,
    identification: Sequence[StepRow] = DEFAULT_IDENTIFICATION,
    elimination: Sequence[StepRow] = DEFAULT_ELIMINATION,
    actor: Any = None,
) -> Procedure:
    """The steps only: time limits and the notice period are policy data (by date)."""
    with transaction.atomic():
        procedure = Procedure.objects.create(province_code=province_code, name=name)
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


def procedure_for(province_code: str, version: str = "") -> Procedure:
    """The province's configured procedure (the versions defer to it), else the steps of
    ``version`` (the case's policy version, materialised once), else the default."""
    found = Procedure.objects.filter(province_code=province_code, policy_version="").first()
    if found is not None and province_code:
        return found
    if version and _version_steps(version) is not None:
        return _materialised(version)
    default = Procedure.objects.filter(province_code="", policy_version="").first()
    return default or _create_once(
        lambda: procedure_create(province_code="", name="默认识别程序"),
        province_code="",
        policy_version="",
    )


def _version_steps(version: str) -> dict[str, list[StepSpec]] | None:
    policy = policy_for_version(version)
    lists = {kind: policy.step_list(kind) for kind in (Kind.IDENTIFICATION, Kind.ELIMINATION)}
    if any(steps is None for steps in lists.values()):
        return None
    return {kind: steps for kind, steps in lists.items() if steps is not None}


def _create_once(make: Callable[[], Procedure], **key: str) -> Procedure:
    """Create a procedure row once; a concurrent creator's row is used instead."""
    try:
        with transaction.atomic():
            return make()
    except IntegrityError:
        return Procedure.objects.get(**key)


def _materialised(version: str) -> Procedure:
    """The version's steps as a Procedure row (created once, never changed afterwards, so a
    case keeps the steps of the version it was opened under)."""
    found = Procedure.objects.filter(province_code="", policy_version=version).first()
    if found is not None:
        return found
    steps = _version_steps(version) or {}

    def make() -> Procedure:
        procedure = Procedure.objects.create(
            province_code="", policy_version=version, name=f"{version} 程序"[:100]
        )
        for kind, specs in steps.items():
            ProcedureStep.objects.bulk_create(
                ProcedureStep(
                    procedure=procedure,
                    kind=kind,
                    order=n,
                    code=spec.code,
                    name=spec.label[:50],
                    role=spec.role,
                    also_roles=spec.also_roles,
                )
                for n, spec in enumerate(specs, start=1)
            )
        audit.record(actor=None, action="cases.procedure.create", obj=procedure, note=version)
        return procedure

    return _create_once(make, province_code="", policy_version=version)


def steps_of(case: Case) -> list[ProcedureStep]:
    return list(case.procedure.steps.filter(kind=case.kind).order_by("order"))
