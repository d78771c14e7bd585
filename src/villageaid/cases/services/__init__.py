"""Every write of the cases app, one module per part of the chain. Keyword-only, atomic,
audited. The step table is data (``ProcedureStep``); each step's guard, effect and audit
line is a small object in its module (see :mod:`.steps`). Callers import from here."""

from __future__ import annotations

from typing import Any

from villageaid.cases.models import Case
from villageaid.cases.services import county, review, township  # noqa: F401 (register steps)
from villageaid.cases.services.chain import MODULE, actionable_steps, case_transition, may_act
from villageaid.cases.services.clues import (
    clue_close_no_risk,
    clue_join,
    clue_open_case,
    clue_review,
    clue_to_correction,
    clues_escalate,
)
from villageaid.cases.services.correction import (
    correction_decide,
    correction_request,
    correction_task,
)
from villageaid.cases.services.declarations import (
    declaration_dismiss,
    declaration_submit,
    ip_hash,
)
from villageaid.cases.services.elimination import elimination_open, elimination_rollback
from villageaid.cases.services.escalation import cases_escalate
from villageaid.cases.services.measures import measure_grant, measure_progress
from villageaid.cases.services.notice import (
    notice_close,
    notice_photo,
    notice_publish,
    objection_record,
    objection_resolve,
)
from villageaid.cases.services.opening import (
    case_open,
    case_open_from_declaration,
    case_open_from_report,
)
from villageaid.cases.services.procedures import (
    DEFAULT_ELIMINATION,
    DEFAULT_IDENTIFICATION,
    procedure_create,
    procedure_for,
    steps_of,
)
from villageaid.cases.services.verification import (
    authorisation_record,
    case_compare,
    case_verify,
    comparison_record,
)
from villageaid.screening.models import Clue


def case_open_from_clue(clue: Clue, actor: Any) -> Case:
    """The one-click 立案 on a clue: the clue's ending is recorded with the case."""
    case = clue_open_case(clue=clue, actor=actor).case
    assert case is not None
    return case


__all__ = [
    "DEFAULT_ELIMINATION",
    "DEFAULT_IDENTIFICATION",
    "MODULE",
    "actionable_steps",
    "authorisation_record",
    "case_compare",
    "case_open",
    "case_open_from_clue",
    "case_open_from_declaration",
    "case_open_from_report",
    "case_transition",
    "case_verify",
    "cases_escalate",
    "clue_close_no_risk",
    "clue_join",
    "clue_open_case",
    "clue_review",
    "clue_to_correction",
    "clues_escalate",
    "comparison_record",
    "correction_decide",
    "correction_request",
    "correction_task",
    "declaration_dismiss",
    "declaration_submit",
    "elimination_open",
    "elimination_rollback",
    "ip_hash",
    "may_act",
    "measure_grant",
    "measure_progress",
    "notice_close",
    "notice_photo",
    "notice_publish",
    "objection_record",
    "objection_resolve",
    "procedure_create",
    "procedure_for",
    "steps_of",
]
