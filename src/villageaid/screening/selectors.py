"""Reads of the screening app, always scoped through core.access."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from villageaid.core import access, roles
from villageaid.screening.models import Clue, DepartmentDataset, ScreeningRun

MODULE = roles.Module.SCREENING


def _ancestors(user: Any) -> set[str]:
    """Every path above (and equal to) the user's areas: rows recorded at a county are
    visible to the cadres of its villages."""
    found: set[str] = set()
    for path in access.user_paths(user):
        parts = [p for p in path.split("/") if p]
        for n in range(1, len(parts) + 1):
            found.add("/" + "/".join(parts[:n]) + "/")
    return found


def _overlapping(queryset: QuerySet[Any], user: Any, action: str) -> QuerySet[Any]:
    if not access.allowed(user, MODULE, action):
        return queryset.none()
    if "/" in access.user_paths(user):
        return queryset
    return queryset.filter(access.area_q(user, "area_path") | Q(area_path__in=_ancestors(user)))


def clues_for(user: Any, action: str = roles.VIEW) -> QuerySet[Clue]:
    """A cadre sees the clues of their village; a township the sum of its villages."""
    return access.scope(
        Clue.objects.select_related("household", "run"), user, MODULE, action, area_path="area_path"
    )


def clue_get(user: Any, pk: int, action: str = roles.VIEW) -> Clue:
    return access.get_for(
        Clue.objects.select_related("household", "household__village", "run"),
        user,
        MODULE,
        action,
        area_path="area_path",
        pk=pk,
    )


def runs_for(user: Any, action: str = roles.VIEW) -> QuerySet[ScreeningRun]:
    return _overlapping(ScreeningRun.objects.select_related("area", "job"), user, action)


def run_get(user: Any, pk: int) -> ScreeningRun:
    from django.http import Http404

    try:
        return runs_for(user).get(pk=pk)
    except ScreeningRun.DoesNotExist:
        raise Http404 from None


def datasets_for(user: Any) -> QuerySet[DepartmentDataset]:
    return _overlapping(DepartmentDataset.objects.select_related("uploaded_by"), user, roles.VIEW)


def clue_counts(user: Any, run: ScreeningRun) -> dict[str, Any]:
    """Clues of ``run`` the user may see, per rule and village: an ECharts stacked bar."""
    rows = (
        clues_for(user)
        .filter(run=run)
        .values("rule_code", "household__village__name")
        .annotate(n=Count("pk"))
        .order_by("rule_code")
    )
    rules = sorted({r["rule_code"] for r in rows})
    villages = sorted({r["household__village__name"] for r in rows})
    table = {(r["rule_code"], r["household__village__name"]): r["n"] for r in rows}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": villages},
        "xAxis": {"type": "category", "data": rules},
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": v,
                "type": "bar",
                "stack": "clues",
                "data": [table.get((rule, v), 0) for rule in rules],
            }
            for v in villages
        ],
    }


def catalogue_versions(province: str) -> QuerySet[Any]:
    from villageaid.screening.models import CatalogueVersion

    return CatalogueVersion.objects.filter(province=province).select_related("created_by")


# 民政 programmes seen in the civil-affairs datasets a run compared (R09: 低保/特困/临时救助
# started; R13: 低收入人口 of the 2025+ joint identification). Read by visits for 八必访.
PROGRAMME_RULES = ("R09", "R13")


def assistance_programmes(household_ids: list[int]) -> dict[int, set[str]]:
    """Household id → the 民政 programmes (``dibao``, ``tekun``, …) their clues record."""
    found: dict[int, set[str]] = {}
    rows = Clue.objects.filter(household_id__in=household_ids, rule_code__in=PROGRAMME_RULES)
    for household_id, evidence in rows.values_list("household_id", "evidence"):
        details = {str(e.get("detail") or "") for e in evidence or [] if isinstance(e, dict)}
        found.setdefault(household_id, set()).update(d for d in details if d)
    return found


# A clue in one of these linkage states cannot open a case (services.clue_require_confirmed).
LINK_BLOCKING = (Clue.Link.PENDING, Clue.Link.REJECTED)


def linkage_rows(clue: Clue) -> list[dict[str, Any]]:
    """The linked department rows a clue rests on, for its page: the agreed fields as
    Chinese labels, the probability as a percentage."""
    from villageaid.screening.linkage import AGREED_LABELS

    rows = []
    for item in clue.linkage or []:
        if not isinstance(item, dict):
            continue
        agreed = [str(AGREED_LABELS.get(code, code)) for code in item.get("agreed") or []]
        rows.append(
            {
                "person": item.get("person") or "",
                "source": item.get("source") or "",
                "date": item.get("date") or "",
                "percent": round(float(item.get("probability") or 0) * 100, 2),
                "weight": item.get("weight"),
                "agreed": agreed,
            }
        )
    return rows
