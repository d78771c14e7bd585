"""Procedures as data: a province's identification and elimination steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from villageaid.cases.models import Case, Kind, Procedure, ProcedureStep
from villageaid.core import audit
from villageaid.core.roles import Role

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


def procedure_for(province_code: str) -> Procedure:
    """The province's procedure, else the default (created on first use)."""
    found = Procedure.objects.filter(province_code=province_code).first()
    if found is not None:
        return found
    default = Procedure.objects.filter(province_code="").first()
    return default or procedure_create(province_code="", name="默认识别程序")


def steps_of(case: Case) -> list[ProcedureStep]:
    return list(case.procedure.steps.filter(kind=case.kind).order_by("order"))
