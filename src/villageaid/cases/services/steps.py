"""The step objects of the chain, in the spirit of Wagtail's workflow tasks.

The procedure (which steps, in which order, by which role) is data: ``ProcedureStep``
rows. What a step *checks* before it may pass (its guard), what it *changes* when it
passes (its effect) and the audit line it writes are code, one small object per step
code, registered here by the modules ``verification``, ``review``, ``notice``,
``township`` and ``county``. A step code without an object passes with no guard and no
effect (a province may add its own step to the table).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from villageaid.cases.models import Case

REGISTRY: dict[str, Step] = {}


class Step:
    """One step's rules. Subclasses override :meth:`guard` and :meth:`effect`."""

    code = ""
    audit_action = "cases.case.pass"

    def guard(self, case: Case, data: dict[str, Any]) -> None:
        """Raise ``ServiceError`` when the step may not pass yet."""

    def effect(self, case: Case, actor: Any, data: dict[str, Any], on: dt.date) -> None:
        """What passing the step changes outside the case row itself."""


def register(step: type[Step]) -> type[Step]:
    REGISTRY[step.code] = step()
    return step


def step_for(code: str) -> Step:
    return REGISTRY.get(code) or Step()
