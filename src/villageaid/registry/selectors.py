"""Reads of the registry, always scoped through core.access."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from villageaid.core import access, idnumber, pii, roles
from villageaid.core.models import Area
from villageaid.registry.models import Household, Person, RosterImport

MODULE = roles.Module.REGISTRY
# The household list's order: by village (or grid), then code. It matches the
# household_scope_order index, so a scoped page is read from the index in order.
LIST_ORDER = ("area_path", "code")


def households_for(user: Any, action: str = roles.VIEW) -> QuerySet[Household]:
    return access.scope(Household.objects.all(), user, MODULE, action, area_path="area_path")


def household_get(user: Any, pk: int, action: str = roles.VIEW) -> Household:
    return access.get_for(
        Household.objects.select_related("village"),
        user,
        MODULE,
        action,
        area_path="area_path",
        pk=pk,
    )


def household_search(
    user: Any, *, query: str = "", filters: dict[str, str] | None = None
) -> QuerySet[Household]:
    """Search by name, household code or full ID number (through the keyed hash)."""
    rows = households_for(user).select_related("village")
    query = query.strip()
    if query:
        normal = idnumber.normalise(query)
        if len(normal) == 18:
            members = Person.objects.filter(
                household=OuterRef("pk"), id_hash=pii.lookup_hash(normal)
            )
            rows = rows.filter(Exists(members))
        else:
            # One id set (UNION ALL) rather than ``code LIKE … OR id IN (…)``: the OR
            # forces a scan of the whole scope, the set is joined on the primary key.
            coded = Household.objects.filter(code__startswith=query).order_by().values("pk")
            named = Person.objects.filter(name__startswith=query).order_by().values("household_id")
            rows = rows.filter(pk__in=coded.union(named, all=True))
    for field, value in (filters or {}).items():
        if not value:
            continue
        if field == "risk_type":
            rows = rows.filter(risk_types__contains=value)
        elif field == "problem":
            rows = rows.filter(_problem_q(value))
        elif field in {"household_type", "monitoring_status"}:
            rows = rows.filter(**{field: value})
        elif field == "village":
            rows = rows.filter(village_id=value)
            village = Area.objects.filter(code=value).values_list("path", flat=True).first()
            if village is not None:
                # Also as a path prefix: the same rows (a household's path lies under its
                # village), read as a narrow range of the scope index.
                rows = rows.filter(area_path__startswith=village)
    return rows


def with_member_counts(households: Iterable[Household]) -> list[Household]:
    """Set ``member_count`` (active members) on one page of households: one query."""
    rows = list(households)
    counts = dict(
        Person.objects.filter(household_id__in=[h.pk for h in rows], status="active")
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values_list("household_id", "n")
    )
    for household in rows:
        household.member_count = counts.get(household.pk, 0)  # type: ignore[attr-defined]
    return rows


def _problem_q(problem: str) -> Q:
    return {
        "education": Q(education_ok=False),
        "medical": Q(medical_ok=False),
        "housing": Q(housing_grade__in=["C", "D"]),
        "water": Q(water_quantity_ok=False)
        | Q(water_quality_ok=False)
        | Q(water_access_ok=False)
        | Q(water_assurance_ok=False),
    }.get(problem, Q())


def imports_for(user: Any) -> QuerySet[RosterImport]:
    """Imports the user may see: their own, or any in their area for its editors."""
    rows = RosterImport.objects.select_related("village", "job")
    if user.is_superuser:
        return rows
    return rows.filter(Q(created_by=user) | Q(access.area_q(user, "village__path"))).filter(
        Q(village__isnull=False) | Q(created_by=user)
    )


def import_get(user: Any, pk: int) -> RosterImport:
    if not access.allowed(user, MODULE, roles.EDIT):
        raise PermissionDenied
    return get_object_or_404(imports_for(user), pk=pk)


# Which procedure changes a protected field: the identification chain (a case: a household
# newly monitored) or the correction procedure for data that was simply wrong.
PROCEDURE_FOR_FIELD = {
    "monitoring_status": "case",
    "monitoring_category": "case",
    "risk_types": "case",
    "household_type": "correction",
}
ROSTER_DEFAULTS = {"monitoring_status": "none"}


def roster_protected_differences(
    households: Iterable[dict[str, str]], limit: int = 500
) -> list[dict[str, str]]:
    """Roster rows whose protected values differ from the registry's (a re-import): each
    difference once, with the procedure that may change it. The import changes none."""
    rows = {r["household_code"]: r for r in households}
    found: list[dict[str, str]] = []
    current = Household.objects.filter(code__in=list(rows)).order_by("code")
    for household in current.only("code", "village_id", *PROCEDURE_FOR_FIELD):
        row = rows[household.code]
        if row.get("village_code") != household.village_id:
            continue  # another village's household: the import refuses it, shows nothing
        for field, procedure in PROCEDURE_FOR_FIELD.items():
            imported = row.get(field) or ROSTER_DEFAULTS.get(field, "")
            if imported == getattr(household, field):
                continue
            if field == "monitoring_status" and imported != "monitored":
                procedure = "correction"  # an elimination goes through the household's case
            found.append(
                {
                    "household_code": household.code,
                    "household_id": str(household.pk),
                    "field": field,
                    "label": str(getattr(Household._meta.get_field(field), "verbose_name", field)),
                    "current": getattr(household, field),
                    "imported": imported,
                    "procedure": procedure,
                }
            )
            if len(found) >= limit:
                return found
    return found
