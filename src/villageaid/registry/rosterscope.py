"""A roster import is scoped to the uploader's area (issue 18, finding 1).

An import creates or changes households only in villages where the uploader may edit the
registry (``core.access`` decides), and never moves a household or a person from one village to
another: that is the transfer procedure's (``registry.transfers``). A row naming a household
code or an ID number registered in another village is refused with a reason that says nothing
about that village, and the preview counts only the rows in scope.

:func:`check` marks such rows on a parsed roster (the preview); :func:`commit_check` is the
same rule inside the commit's transaction, where it is authoritative.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from villageaid.core import access, pii, roles
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.registry import roster
from villageaid.registry.models import Household, Person
from villageaid.registry.roster.reading import Source, collect_rows, header_map

MODULE = roles.Module.REGISTRY
CHUNK = 5000


def outside_person() -> str:
    return _("该身份证号不在本村登记范围内，请联系乡镇核实")


def outside_household() -> str:
    return _("该户编号不在本村登记范围内，请联系乡镇核实")


def editable_villages(actor: Any) -> Any:
    """The villages where ``actor`` may edit the registry."""
    if not access.allowed(actor, MODULE, roles.EDIT):
        return Area.objects.none()
    return access.visible_areas(actor).filter(level="village")


def default_village(actor: Any) -> Area | None:
    """The uploader's village when they have exactly one: a blank 行政村代码 means it."""
    if actor is None or actor.is_superuser:
        return None
    villages = list(editable_villages(actor)[:2])
    return villages[0] if len(villages) == 1 else None


def village_allowed(actor: Any) -> Callable[[str], bool] | None:
    """For ``parse_roster``: may ``actor`` import into this village? ``None`` (no check) for
    the command line, which an operator runs."""
    if actor is None:
        return None

    def allowed(code: str) -> bool:
        area = Area.objects.filter(code=code, level="village").first()
        return area is not None and access.can(actor, MODULE, roles.EDIT, area)

    return allowed


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def registered_villages(codes: Iterable[str], *, besides: str = "") -> dict[str, str]:
    """``{household code: village code}`` of the codes already in the registry; with
    ``besides``, only those registered in another village than it (an import into one
    village then reads nothing back for the households it already holds)."""
    rows = Household.objects.exclude(village_id=besides) if besides else Household.objects.all()
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(set(codes))):
        found.update(rows.filter(code__in=chunk).values_list("code", "village_id"))
    return found


def registered_person_villages(id_numbers: Iterable[str], *, besides: str = "") -> dict[str, str]:
    """``{ID number: village code}`` of the people already in the registry (``besides`` as
    for :func:`registered_villages`)."""
    rows = Person.objects.all()
    if besides:
        rows = rows.exclude(household__village_id=besides)
    by_hash = {pii.lookup_hash(n): n for n in id_numbers}
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(by_hash)):
        pairs = rows.filter(id_hash__in=chunk).values_list("id_hash", "household__village_id")
        found.update((by_hash[digest], village) for digest, village in pairs)
    return found


def _only_village(households: list[dict[str, str]]) -> str:
    villages = {h["village_code"] for h in households}
    return villages.pop() if len(villages) == 1 else ""


def _foreign_households(households: list[dict[str, str]]) -> set[str]:
    village_of = {h["household_code"]: h["village_code"] for h in households}
    registered = registered_villages(village_of, besides=_only_village(households))
    return {code for code, village in registered.items() if village != village_of[code]}


def _foreign_people(households: list[dict[str, str]], persons: list[dict[str, str]]) -> set[str]:
    """ID numbers registered in another village than their row's household."""
    village_of = {h["household_code"]: h["village_code"] for h in households}
    registered = registered_person_villages(
        (p["id_number"] for p in persons), besides=_only_village(households)
    )
    return {
        p["id_number"]
        for p in persons
        if p["id_number"] in registered
        and registered[p["id_number"]] != village_of.get(p["household_code"])
    }


def check(result: roster.ParseResult, *, source: Source | None = None) -> None:
    """Refuse, in ``result``, the rows of households registered in another village and of
    people registered in another village; their households are not imported. ``source`` (the
    file) is read again for the refused rows' cells, for the error workbook."""
    foreign_codes = _foreign_households(result.households)
    foreign_ids = _foreign_people(result.households, result.persons)
    if not foreign_codes and not foreign_ids:
        return
    refused = list(_refusals(result, foreign_codes, foreign_ids))
    bad = foreign_codes | {r.household for r in refused}
    keep = [i for i, p in enumerate(result.persons) if p["household_code"] not in bad]
    result.persons = [result.persons[i] for i in keep]
    result.person_rows = [result.person_rows[i] for i in keep] if result.person_rows else []
    result.households = [h for h in result.households if h["household_code"] not in bad]
    new_rows = {r.rejection.row for r in refused} - set(result.rejected_rows)
    result.rejected = sorted([*result.rejected, *(r.rejection for r in refused)], key=_row)
    if source is not None and new_rows:
        result.rejected_rows.update(collect_rows(source, result.sheet, new_rows))
        result.rejected_rows = dict(sorted(result.rejected_rows.items()))
    result.counts.update(
        households=len(result.households),
        persons=len(result.persons),
        rejected_rows=len({r.row for r in result.rejected}),
        rejected_households=result.counts.get("rejected_households", 0) + len(bad),
    )


def _row(rejection: roster.Rejection) -> int:
    return rejection.row


class _Refusal:
    def __init__(self, household: str, rejection: roster.Rejection) -> None:
        self.household, self.rejection = household, rejection


def _refusals(
    result: roster.ParseResult, foreign_codes: set[str], foreign_ids: set[str]
) -> Iterator[_Refusal]:
    columns = header_map(result.headers)
    code_header = _header(result, columns, "household_code")
    id_header = _header(result, columns, "id_number")
    rows = result.person_rows or [0] * len(result.persons)
    for number, person in zip(rows, result.persons, strict=True):
        code = person["household_code"]
        if code in foreign_codes:
            reason = outside_household()
            yield _Refusal(code, roster.Rejection(number, code_header, code, reason, "outside"))
        elif person["id_number"] in foreign_ids:
            reason = outside_person()
            value = person["id_number"]
            yield _Refusal(code, roster.Rejection(number, id_header, value, reason, "outside"))


def _header(result: roster.ParseResult, columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return result.headers[index] if index is not None else roster.ROSTER_HEADERS[name][0]


def commit_check(
    *, households: list[dict[str, str]], persons: list[dict[str, str]], actor: Any
) -> Area | None:
    """The rule, inside the commit: every village in the actor's area (for a user; the command
    line is an operator's), no household or person of another village. Returns the area the
    import's audit row names: the one village, or the smallest area holding them all."""
    codes = {h["village_code"] for h in households}
    villages = list(Area.objects.filter(code__in=codes, level="village"))
    if actor is not None and not all(access.can(actor, MODULE, roles.EDIT, v) for v in villages):
        raise PermissionDenied
    if _foreign_households(households):
        raise ServiceError(outside_household(), code="outside_area")
    if _foreign_people(households, persons):
        raise ServiceError(outside_person(), code="outside_area")
    return common_area(villages)


def common_area(areas: list[Area]) -> Area | None:
    """The smallest area whose subtree holds all of ``areas``."""
    if not areas:
        return None
    parts = [a.path.strip("/").split("/") for a in areas]
    shared: list[str] = []
    for segment in zip(*parts, strict=False):
        if len(set(segment)) != 1:
            break
        shared.append(segment[0])
    if not shared:
        return None
    return Area.objects.filter(code=shared[-1]).first()
