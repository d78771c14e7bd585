"""Reads of the visits app, always scoped through core.access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from villageaid.core import access, roles
from villageaid.policy.resolver import policy_for
from villageaid.registry.models import Household
from villageaid.visits.models import (
    Campaign,
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
    VisitRule,
)

MODULE = roles.Module.VISITS
OPEN = (DueVisit.Status.DUE, DueVisit.Status.OVERDUE)
NON_COMPULSORY = {"senior", "vocational", "college"}


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


def _scoped(queryset: QuerySet[Any], user: Any, action: str, prefix: str) -> QuerySet[Any]:
    return access.scope(queryset, user, MODULE, action, area_path="area_path", narrow_prefix=prefix)


def due_for(user: Any, *, on: dt.date) -> QuerySet[DueVisit]:
    rows = _scoped(DueVisit.objects.select_related("household"), user, roles.VIEW, "household__")
    return rows.filter(status__in=OPEN, due_on__lte=on)


def visits_for(user: Any) -> QuerySet[Visit]:
    return _scoped(Visit.objects.select_related("household"), user, roles.VIEW, "household__")


def visit_get(user: Any, pk: int) -> Visit:
    return access.get_for(
        Visit.objects.select_related("household"),
        user,
        MODULE,
        area_path="area_path",
        narrow_prefix="household__",
        pk=pk,
    )


def campaigns_for(user: Any, action: str = roles.VIEW) -> QuerySet[Campaign]:
    rows = _scoped(Campaign.objects.all(), user, action, "samples__household__")
    if getattr(user, "role", "") == roles.Role.ASSESSOR and not user.is_superuser:
        rows = rows.filter(assessors=user)
    return rows.distinct()


def campaign_get(user: Any, pk: int, action: str = roles.VIEW) -> Campaign:
    found = campaigns_for(user, action).filter(pk=pk).first()
    if found is not None:
        return found
    if action != roles.VIEW and campaigns_for(user).filter(pk=pk).exists():
        raise PermissionDenied
    raise Http404


def campaign_households(user: Any, campaign: Campaign) -> QuerySet[Household]:
    """The sampled households of a campaign that the user may see."""
    sampled = campaign.samples.values("household_id")
    return households_for(user).filter(pk__in=sampled).order_by("code")


def campaign_summary(campaign: Campaign) -> dict[str, int]:
    """The campaign's figures, computed from its visit records and findings."""
    visits = Visit.objects.filter(campaign=campaign, outcome=Visit.Outcome.MET)
    people = visits.values("members_met").exclude(members_met=None).distinct().count()
    findings = Finding.objects.filter(campaign=campaign)
    return {
        "households_visited": visits.values("household").distinct().count(),
        "people_visited": people,
        "tuopin_households_verified": visits.filter(
            tuopin_verified=True, household__household_type="tuopin"
        )
        .values("household")
        .distinct()
        .count(),
        "marginal_households_found": findings.filter(kind=Finding.Kind.MARGINAL)
        .values("household")
        .distinct()
        .count(),
        "suspected_problems": findings.filter(kind=Finding.Kind.SUSPECTED).count(),
    }


def monitoring_line(household: Household, on: dt.date) -> Decimal:
    """The policy's line for the household's area and year: the range's upper bound itself
    (it is already 1.5 × the old poverty line; never multiplied again)."""
    return policy_for(household.village, on).line(on.year)


def interval_months(household: Household, on: dt.date | None = None) -> int:
    """The policy version's visit frequency (monitored households, others), unless the
    area's visit rule says otherwise."""
    rules = VisitRule.objects.filter(area__path__in=_prefixes(household.area_path)).order_by(
        "-area__path"
    )
    rule = rules.first()
    monitored = household.monitoring_status == "monitored"
    if rule is None:
        frequency = policy_for(household.village, on or dt.date.today()).frequency
        return int(frequency["monitored_months" if monitored else "other_months"])
    return rule.monitored_months if monitored else rule.other_months


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _migrant_share_high(household: Household, share: Decimal) -> bool:
    """务工收入占比高: wages over ``share`` of the latest verified income."""
    latest = household.incomes.order_by("-period_end").first()
    total = latest.net_income if latest is not None else Decimal(0)
    return latest is not None and total > 0 and latest.wage / total > share


def must_visit_reasons(
    household: Household, *, on: dt.date, programmes: set[str] | None = None
) -> list[str]:
    """The 八必访 groups of the policy in force (spec §10.3, all 8) this household is in:
    registry facts, and the 民政 programmes (低保, 特困) the screening runs compared."""
    policy = policy_for(household.village, on)
    members = [m for m in household.members.all() if m.status == "active"]
    risks = set(household.risk_type_list)
    held = (
        programmes
        if programmes is not None
        else _programmes([household.pk]).get(household.pk, set())
    )
    income = household.net_income_12m / len(members) if members else None
    found = {
        "income": income is not None and income <= policy.line(on.year),
        "illness": any(m.health in {"serious", "chronic"} for m in members),
        "tekun": "tekun" in held,
        "dibao": "dibao" in held,
        "disability": any(m.health == "disabled" or m.disability_certificate for m in members),
        "education": any(m.school_stage in NON_COMPULSORY for m in members),
        "migrant": "employment" in risks and _migrant_share_high(household, policy.migrant_share),
        "disaster": bool(risks & {"disaster", "accident", "epidemic"}),
    }
    reasons = [g.code for g in policy.must_visit if found.get(g.code)]
    if household.monitoring_status == "monitored":  # beyond 八必访: monitored objects
        reasons.append("monitored")
    return reasons


def _programmes(household_ids: list[int]) -> dict[int, set[str]]:
    from villageaid.screening.selectors import assistance_programmes

    return assistance_programmes(household_ids)


def must_visit_list(user: Any, *, on: dt.date) -> list[tuple[Household, list[str]]]:
    rows = list(households_for(user).prefetch_related("members", "incomes").order_by("code"))
    held = _programmes([h.pk for h in rows])
    found = [(h, must_visit_reasons(h, on=on, programmes=held.get(h.pk, set()))) for h in rows]
    return [(h, reasons) for h, reasons in found if reasons]


def current_helper(household: Household) -> HelperAssignment | None:
    return HelperAssignment.objects.filter(household=household, ended_on__isnull=True).first()


def coverage(user: Any, *, start: dt.date, end: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Households and how many were visited in the period, per village, grid and helper."""
    visited = Q(
        visits__visited_at__date__gte=start,
        visits__visited_at__date__lte=end,
        visits__outcome=Visit.Outcome.MET,
    )
    households = households_for(user)
    result: dict[str, list[dict[str, Any]]] = {}
    for key, field, label in (
        ("village", "village", "village__name"),
        ("grid", "grid", "grid__name"),
        ("helper", "helper_assignments__helper", "helper_assignments__helper__first_name"),
    ):
        rows = households
        if key == "helper":
            rows = rows.filter(helper_assignments__ended_on__isnull=True)
        grouped = (
            rows.exclude(**{f"{field}__isnull": True})
            .values(field, label)
            .annotate(
                households=Count("pk", distinct=True),
                visited=Count("pk", filter=visited, distinct=True),
            )
            .order_by(label)
        )
        result[key] = [
            {"name": r[label] or "—", "households": r["households"], "visited": r["visited"]}
            for r in grouped
        ]
    return result


def coverage_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """An ECharts bar option: households and visited households per row."""
    names = [r["name"] for r in rows]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["农户", "已走访"]},
        "xAxis": {"type": "category", "data": names},
        "yAxis": {"type": "value"},
        "series": [
            {"name": "农户", "type": "bar", "data": [r["households"] for r in rows]},
            {"name": "已走访", "type": "bar", "data": [r["visited"] for r in rows]},
        ],
    }


def party_members_for(user: Any) -> QuerySet[PartyMember]:
    return _scoped(PartyMember.objects.select_related("village"), user, roles.VIEW, "household__")


def points_ranking(user: Any, *, village: str = "") -> QuerySet[PartyMember]:
    rows = party_members_for(user)
    if village:
        rows = rows.filter(village_id=village)
    total = Sum("points__points", filter=Q(points__status="approved"), default=0)
    return rows.annotate(total=total).order_by("village_id", "-total", "name")


def condolences_for(user: Any) -> QuerySet[CondolenceVisit]:
    rows = _scoped(CondolenceVisit.objects.all(), user, roles.VIEW, "household__")
    return rows.select_related("member", "household", "visitor").prefetch_related(
        "goods", "household__members"
    )


def goods_totals(user: Any) -> list[dict[str, Any]]:
    """The goods ledger: quantity handed over per item and unit."""
    visits = condolences_for(user).values("pk")
    return list(
        GoodsLine.objects.filter(visit__in=visits)
        .values("item", "unit")
        .annotate(quantity=Sum("quantity"), visits=Count("visit", distinct=True))
        .order_by("item")
    )


def village_records_for(user: Any) -> QuerySet[VillageRecord]:
    rows = VillageRecord.objects.select_related("village")
    if getattr(user, "role", "") in {roles.Role.HELPER, roles.Role.ASSESSOR}:
        rows = rows.filter(pk__in=[])  # household-narrowed roles see no village-wide records
    return access.scope(rows, user, MODULE, area_path="area_path")


# --- names ----------------------------------------------------------------------------------


def household_label(household: Household) -> str:
    """户主 + 组 (``张三户（二组）``, registry's naming); when the registry has no head name
    recorded, the head among the household's members."""
    if getattr(household, "head_name", ""):
        return household.label
    from types import SimpleNamespace

    from villageaid.registry import names

    heads = [m.name for m in household.members.all() if m.relationship == "01"]
    shim = SimpleNamespace(head_name=heads[0] if heads else "", group_name=household.group_name)
    return names.household_name(shim)


def user_label(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


# --- pairing ---------------------------------------------------------------------------------


def pairing_households(user: Any) -> QuerySet[Household]:
    """The households the user may see, with their members (for names) and current helper."""
    current = HelperAssignment.objects.filter(ended_on__isnull=True).select_related("helper")
    return (
        households_for(user)
        .select_related("village")
        .prefetch_related("members", Prefetch("helper_assignments", queryset=current))
        .order_by("village__code", "group_name", "code")
    )


def helpers_for(user: Any) -> QuerySet[Any]:
    """The helpers who may be paired with households of the user's area (the same decision
    the service takes: a helper of a village inside the user's area)."""
    from django.contrib.auth import get_user_model

    from villageaid.visits.services import HELPER_ROLES

    paths = access.user_paths(user)
    query = Q(pk__in=[])
    for prefix in paths:
        query |= Q(areas__path__startswith=prefix)
    return (
        get_user_model()
        .objects.filter(query, role__in=HELPER_ROLES, is_active=True)
        .distinct()
        .order_by("role", "username")
    )


def helper_limit(area: Any, on: dt.date) -> int | None:
    """The policy's limit of households per helper, if the version in force sets one."""
    value = policy_for(area, on).value("helper_household_limit")
    return int(value) if value else None


def helper_load(user: Any, *, on: dt.date) -> list[dict[str, Any]]:
    """Households currently paired with each helper, within the user's households, with the
    policy's limit (None: no limit) and whether the helper is over it."""
    visible = households_for(user).values("pk")
    rows = (
        HelperAssignment.objects.filter(ended_on__isnull=True, household__in=visible)
        .values("helper", "helper__username", "helper__first_name", "helper__last_name")
        .annotate(
            households=Count("household", distinct=True),
            monitored=Count(
                "household", filter=Q(household__monitoring_status="monitored"), distinct=True
            ),
        )
        .order_by("-households", "helper__username")
    )
    village = access.visible_areas(user).filter(level="village").first() if user else None
    limit = helper_limit(village, on) if village is not None else None
    return [
        {
            "helper": r["helper"],
            "name": f"{r['helper__last_name']}{r['helper__first_name']}" or r["helper__username"],
            "households": r["households"],
            "monitored": r["monitored"],
            "limit": limit,
            "over": limit is not None and r["households"] > limit,
        }
        for r in rows
    ]


def pairing_history(user: Any, *, limit: int = 50) -> QuerySet[HelperAssignment]:
    """Pairings ended or made by a person (not the initial load), newest first."""
    visible = households_for(user).values("pk")
    return (
        HelperAssignment.objects.filter(household__in=visible)
        .filter(Q(ended_on__isnull=False) | ~Q(reason=""))
        .select_related("helper", "household", "assigned_by", "ended_by")
        .prefetch_related("household__members")
        .order_by("-created_at", "-pk")[:limit]
    )


def household_pairings(household: Household) -> QuerySet[HelperAssignment]:
    return HelperAssignment.objects.filter(household=household).select_related(
        "helper", "assigned_by", "ended_by"
    )


# --- campaign progress -----------------------------------------------------------------------


def campaign_progress(user: Any, campaign: Campaign) -> dict[str, list[dict[str, Any]]]:
    """Households of the campaign's villages and those visited within the campaign, per
    village and per current helper (only what the user may see)."""
    visited = Q(visits__campaign=campaign, visits__outcome=Visit.Outcome.MET)
    households = households_for(user).filter(village__in=campaign.villages.all())
    per_village = (
        households.values("village__name")
        .annotate(
            households=Count("pk", distinct=True),
            visited=Count("pk", filter=visited, distinct=True),
        )
        .order_by("village__name")
    )
    per_helper = (
        households.filter(helper_assignments__ended_on__isnull=True)
        .values(
            "helper_assignments__helper__username",
            "helper_assignments__helper__last_name",
            "helper_assignments__helper__first_name",
        )
        .annotate(
            households=Count("pk", distinct=True),
            visited=Count("pk", filter=visited, distinct=True),
        )
        .order_by("helper_assignments__helper__username")
    )
    prefix = "helper_assignments__helper__"
    return {
        "village": [{**_share(r), "name": r["village__name"]} for r in per_village],
        "helper": [
            {
                **_share(r),
                "name": f"{r[prefix + 'last_name']}{r[prefix + 'first_name']}"
                or r[prefix + "username"],
            }
            for r in per_helper
        ],
    }


def _share(row: dict[str, Any]) -> dict[str, Any]:
    total, done = row["households"], row["visited"]
    return {"households": total, "visited": done, "pct": round(100 * done / total) if total else 0}


# --- points ------------------------------------------------------------------------------------


def point_claims(user: Any, status: str = "pending") -> QuerySet[PointEntry]:
    rows = _scoped(PointEntry.objects.all(), user, roles.VIEW, "member__household__")
    return rows.filter(status=status).select_related(
        "member", "member__village", "rule", "created_by", "approved_by"
    )


def point_ledger(user: Any, member_pk: int) -> tuple[PartyMember, QuerySet[PointEntry], int]:
    """One member's entries (all statuses) and the total of the approved ones."""
    member = access.get_for(
        PartyMember.objects.select_related("village"),
        user,
        MODULE,
        area_path="area_path",
        narrow_prefix="household__",
        pk=member_pk,
    )
    entries = member.points.select_related("rule", "created_by", "approved_by").order_by(
        "-on", "-pk"
    )
    total = entries.filter(status=PointEntry.Status.APPROVED).aggregate(t=Sum("points"))["t"]
    return member, entries, int(total or 0)


def point_rules_for(member_village: Any = None) -> QuerySet[PointRule]:
    rules = PointRule.objects.filter(active=True).select_related("area")
    if member_village is None:
        return rules
    return rules.filter(Q(area__isnull=True) | Q(area__path__in=_prefixes(member_village.path)))


# --- the household card ----------------------------------------------------------------------

INCOME_KINDS = ("working_members", "ill_members", "pupils")


def latest_visit(user: Any, household: Household) -> Visit | None:
    """The household's latest visit the user may see."""
    return (
        visits_for(user)
        .filter(household=household)
        .select_related("visitor")
        .order_by("-visited_at", "-pk")
        .first()
    )


def household_condolences(user: Any, household: Household) -> QuerySet[CondolenceVisit]:
    rows = _scoped(CondolenceVisit.objects.all(), user, roles.VIEW, "household__")
    return (
        rows.filter(Q(household=household) | Q(member__household=household))
        .select_related("member", "visitor")
        .prefetch_related("goods")
        .order_by("-visited_on", "-pk")
    )
