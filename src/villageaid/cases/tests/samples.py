"""Objects for the URL permission test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from villageaid.cases import services
from villageaid.cases.models import Case, Notice, SelfDeclaration
from villageaid.cases.tests.factories import household
from villageaid.core.roles import Role


def _case(area: Any, code: str) -> Case:
    """A case in ``area``; its household is paired with the helper persona (a helper works
    on the cases of their own households only, ``visits.narrowing``)."""
    from villageaid.visits.tests.factories import pair_with_helpers

    found = Case.objects.filter(household__code=code).first()
    if found is not None:
        return found
    row = household(area, code)
    pair_with_helpers(row)
    return services.case_open(
        household=row, actor=None, source="clue", opened_on=dt.date(2020, 4, 8)
    )


def _cases(areas: dict[str, Any]) -> dict[str, Any]:
    own, other = _case(areas["village"], "C-OWN-1"), _case(areas["neighbour"], "C-OTHER-2")
    return {
        "own": {"pk": own.pk},
        "other": {"pk": other.pk},
        "own_url": f"/api/v1/cases/cases/{own.pk}",
        "other_url": f"/api/v1/cases/cases/{other.pk}",
    }


def _worksheets(areas: dict[str, Any]) -> dict[str, Any]:
    own, other = _case(areas["village"], "C-OWN-1"), _case(areas["neighbour"], "C-OTHER-2")
    return {"own": {"pk": own.household_id}, "other": {"pk": other.household_id}}


def _notice(area: Any, code: str) -> Notice:
    notice = Notice.objects.create(
        village=area, area_path=area.path, opened_on=dt.date(2020, 4, 10)
    )
    notice.cases.set([_case(area, code)])
    return notice


def _notices(areas: dict[str, Any]) -> dict[str, Any]:
    own, other = _notice(areas["village"], "C-OWN-1"), _notice(areas["neighbour"], "C-OTHER-2")
    return {
        "own": {"pk": own.pk},
        "other": {"pk": other.pk},
        "own_url": f"/api/v1/cases/notices/{own.pk}",
        "other_url": f"/api/v1/cases/notices/{other.pk}",
    }


def _declaration(area: Any) -> SelfDeclaration:
    return SelfDeclaration.objects.create(
        village=area, area_path=area.path, name="李四", description="生病", ip_hash="x"
    )


def _declarations(areas: dict[str, Any]) -> dict[str, Any]:
    own, other = _declaration(areas["village"]), _declaration(areas["neighbour"])
    # Declarations arrive at the village; a grid worker's area is below it, and a helper
    # sees no declaration that is not yet a case of one of their households.
    return {
        "own": {"pk": own.pk},
        "other": {"pk": other.pk},
        "narrowed": {Role.GRID, Role.HELPER},
    }


def _villages(areas: dict[str, Any]) -> dict[str, Any]:
    return {
        "own": {"village_code": areas["village"].code},
        "other": {"village_code": areas["neighbour"].code},
    }


def _village_posters(areas: dict[str, Any]) -> dict[str, Any]:
    # A grid worker's area is below the village: the village's poster is not theirs to print.
    return {**_villages(areas), "narrowed": {"grid"}}


def _clues(areas: dict[str, Any]) -> dict[str, Any]:
    from villageaid.screening.tests.samples import SAMPLES as SCREENING

    made = SCREENING["screening-clue-detail"](areas)
    # Helpers and grid workers may act on cases but do not read screening clues.
    return {
        "own": {"clue_id": made["own"]["pk"]},
        "other": {"clue_id": made["other"]["pk"]},
        "narrowed": {"helper", "grid"},
    }


SAMPLES = {
    "case-detail": _cases,
    "case-act": _cases,
    "case-verify": _cases,
    "case-measures": _cases,
    "case-eliminate": _cases,
    "notice-detail": _notices,
    "notice-pdf": _notices,
    "declaration-detail": _declarations,
    "case-declare": _villages,
    "case-declare-qr": _village_posters,
    "case-open-clue": _clues,
    "case-worksheet": _worksheets,
    "case-worksheet-pdf": _worksheets,
    "api:case": _cases,
    "api:notice": _notices,
}
