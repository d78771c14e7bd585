"""Writes to the registry: roster commits (upsert keyed on the ID number),
edits, and exports. Every function is atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from villageaid.core import audit, pii
from villageaid.core.bulk import insert_with_history
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.registry import export, figures, names, roster, rosterscope
from villageaid.registry.models import Household, Person

HOUSEHOLD_FIELDS = (
    "area_path",
    "village_id",
    "household_type",
    "monitoring_status",
    "monitoring_category",
    "risk_types",
    "net_income_12m",
    "phone",
    "group_name",
)
PERSON_FIELDS = (
    "household_id",
    "name",
    "relationship",
    "sex",
    "birth_date",
    "health",
    "labour",
    "school_stage",
    "medical_insurance",
    "status",
)
CHUNK = 2000


def _household_values(row: dict[str, str], villages: dict[str, Area]) -> dict[str, Any]:
    group = {"group_name": row["group_name"]} if row.get("group_name") else {}
    return {
        **group,
        "village_id": villages[row["village_code"]].code,
        "area_path": villages[row["village_code"]].path,
        "household_type": row["household_type"],
        "monitoring_status": row.get("monitoring_status") or "none",
        "monitoring_category": row.get("monitoring_category") or "",
        "risk_types": row.get("risk_types") or "",
        "net_income_12m": Decimal(row.get("net_income_12m") or "0"),
        "phone": row.get("phone") or "",
    }


def _person_values(row: dict[str, str], household_ids: dict[str, int]) -> dict[str, Any]:
    return {
        "household_id": household_ids[row["household_code"]],
        "name": row["name"],
        "relationship": row["relationship"],
        "sex": row["sex"],
        "birth_date": dt.date.fromisoformat(row["birth_date"]),
        "health": row.get("health") or "healthy",
        "labour": row.get("labour") or "none",
        "school_stage": row.get("school_stage") or "",
        "medical_insurance": (row.get("medical_insurance") or "1") == "1",
        "status": row.get("status") or "active",
    }


def _changed(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def registry_commit(
    *,
    households: list[dict[str, str]],
    persons: list[dict[str, str]],
    actor: Any,
    source: str = "",
    progress: Callable[[int, int | None], None] | None = None,
) -> dict[str, int]:
    """Upsert households (by code) and persons (by ID number) in one transaction.

    Unchanged rows are not written, so importing the same roster twice changes nothing.
    Only villages in the actor's area, and no household or person of another village
    (``rosterscope.commit_check``); the audit row names the area.
    """
    villages = {
        a.code: a for a in Area.objects.filter(code__in={h["village_code"] for h in households})
    }
    unknown = {h["village_code"] for h in households} - set(villages)
    if unknown:
        raise ServiceError(
            _("未知的行政村代码: %(codes)s") % {"codes": ", ".join(sorted(unknown))},
            code="unknown_village",
        )
    counts = {
        "households_created": 0,
        "households_updated": 0,
        "persons_created": 0,
        "persons_updated": 0,
        "needs_procedure": 0,
    }
    total = len(households) + len(persons)
    with transaction.atomic():
        area = rosterscope.commit_check(households=households, persons=persons, actor=actor)
        household_ids = _upsert_households(households, villages, counts, actor)
        if progress:
            progress(len(households), total)
        _upsert_persons(persons, household_ids, counts, actor, progress, len(households), total)
        names.heads_refresh(household_ids.values())
        audit.record(actor=actor, action="registry.import", area=area, note=source, after=counts)
    return counts


def _upsert_households(
    rows: list[dict[str, str]], villages: dict[str, Area], counts: dict[str, int], actor: Any
) -> dict[str, int]:
    existing = {
        h.code: h for h in Household.objects.filter(code__in=[r["household_code"] for r in rows])
    }
    new, changed = [], []
    verified = figures.verified_income_codes(list(existing))
    held: list[tuple[Household, Decimal]] = []
    for row in rows:
        values = _household_values(row, villages)
        current = existing.get(row["household_code"])
        if current is None:
            new.append(Household(code=row["household_code"], **values))
            continue
        if any(getattr(current, f) != values[f] for f in PROTECTED):
            counts["needs_procedure"] += 1  # shown in the preview, changed by no import
        kept = {k: v for k, v in values.items() if k not in PROTECTED}
        if current.code in verified and kept["net_income_12m"] != current.net_income_12m:
            held.append((current, kept.pop("net_income_12m")))  # a verified income stays
        if _changed(current, kept):
            changed.append(current)
    if new:
        insert_with_history(Household, new, key="code", user=_user(actor))
    if changed:
        bulk_update_with_history(
            changed,
            Household,
            [f for f in HOUSEHOLD_FIELDS if f not in PROTECTED],
            batch_size=CHUNK,
            default_user=_user(actor),
        )
    counts["households_created"] += len(new)
    counts["households_updated"] += len(changed)
    for household, value in held:  # shown beside the verified figure as a conflict
        figures.household_figure_record(
            household=household,
            kind="net_income",
            value=value,
            source=figures.Source.ROSTER,
            source_ref=f"registry.import/{dt.date.today()}",
            as_of=dt.date.today(),
            actor=actor,
        )
    return dict(
        Household.objects.filter(code__in=[r["household_code"] for r in rows]).values_list(
            "code", "id"
        )
    )


def _upsert_persons(
    rows: list[dict[str, str]],
    household_ids: dict[str, int],
    counts: dict[str, int],
    actor: Any,
    progress: Callable[[int, int | None], None] | None,
    offset: int,
    total: int,
) -> None:
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        hashes = {pii.lookup_hash(r["id_number"]): r for r in chunk}
        existing = {p.id_hash: p for p in Person.objects.filter(id_hash__in=list(hashes))}
        new, changed = [], []
        for digest, row in hashes.items():
            values = _person_values(row, household_ids)
            current = existing.get(digest)
            if current is None:
                person = Person(**values)
                person.set_id_number(row["id_number"])
                new.append(person)
            elif _changed(current, values):
                changed.append(current)
        if new:
            insert_with_history(Person, new, key="id_hash", user=_user(actor))
        if changed:
            bulk_update_with_history(
                changed, Person, list(PERSON_FIELDS), batch_size=CHUNK, default_user=_user(actor)
            )
        counts["persons_created"] += len(new)
        counts["persons_updated"] += len(changed)
        if progress:
            progress(offset + start + len(chunk), total)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def registry_export(
    *, directory: Path, households: Iterable[Household], actor: Any, full_ids: bool
) -> int:
    """Write ``households.csv``/``persons.csv``; full ID numbers only when ``full_ids``."""
    house_rows, person_rows = [], []
    for household in households:
        house_rows.append(_household_row(household, full_ids))
        for person in household.members.all():
            person_rows.append(_person_row(household, person, full_ids))
    roster.write_interchange(house_rows, person_rows, directory)
    audit.record(
        actor=actor,
        action="registry.export",
        note=f"{directory} {'full' if full_ids else 'masked'} {len(person_rows)}",
    )
    return len(person_rows)


def _household_row(h: Household, full: bool) -> dict[str, str]:
    return {
        "household_code": h.code,
        "village_code": h.village_id,
        "household_type": h.household_type,
        "monitoring_status": h.monitoring_status,
        "monitoring_category": h.monitoring_category,
        "risk_types": h.risk_types,
        "net_income_12m": f"{h.net_income_12m:.2f}",
        "phone": h.phone if full else export.mask_phone(h.phone),
    }


def _person_row(h: Household, p: Person, full_ids: bool) -> dict[str, str]:
    return {
        "household_code": h.code,
        "id_number": p.id_number if full_ids else p.id_masked,
        "name": p.name,
        "relationship": p.relationship,
        "sex": p.sex,
        "birth_date": p.birth_date.isoformat(),
        "health": p.health,
        "labour": p.labour,
        "school_stage": p.school_stage,
        "medical_insurance": "1" if p.medical_insurance else "0",
        "status": p.status,
    }


# 监测状态, 监测对象类别, 户类型, 风险类型 (and 风险消除, a monitoring status): they change only
# by a decision of a case or of the correction procedure (monitoring.md §6, §10), never by
# an edit, an API call or a roster re-import. ``household_decide`` is the one way to them.
PROTECTED = ("household_type", "monitoring_status", "monitoring_category", "risk_types")
# The records a protected change may rest on: a case (its county decision, its rollback)
# or an approved correction. Labels, not imports: the registry does not import cases.
DECISION_BASES = frozenset({"cases.case", "cases.correction"})

EDITABLE = (
    "phone",
    "address",
    "group_name",
    "food_clothing_ok",
    "education_ok",
    "medical_ok",
    "housing_grade",
    "water_quantity_ok",
    "water_quality_ok",
    "water_access_ok",
    "water_assurance_ok",
    "water_standard",
)


def _procedure_required(fields: Iterable[str]) -> ServiceError:
    names = "、".join(
        str(getattr(Household._meta.get_field(f), "verbose_name", f)) for f in sorted(fields)
    )
    return ServiceError(
        _("%(fields)s只能通过监测帮扶程序或更正程序变更（需走程序）") % {"fields": names},
        code="procedure_required",
    )


def household_update(*, household: Household, actor: Any, **changes: Any) -> Household:
    """Edit a household's facts; records history and an audit event with before/after.
    The protected fields are refused here (see :data:`PROTECTED`)."""
    protected = set(changes) & set(PROTECTED)
    if protected:
        raise _procedure_required(protected)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ServiceError(
            _("不能修改: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="not_editable"
        )
    return _household_write(household, actor, changes, reason="edit", action="update")


def household_decide(*, household: Household, actor: Any, basis: Any, **changes: Any) -> Household:
    """Change protected fields on the strength of ``basis``: a saved case or an approved
    correction (the cases app's services call this, nothing else does). The history row
    and the audit event name the basis."""
    label = getattr(getattr(basis, "_meta", None), "label_lower", "")
    if label not in DECISION_BASES or getattr(basis, "pk", None) is None:
        raise _procedure_required(changes)
    if label == "cases.correction" and getattr(basis, "status", "") != "approved":
        raise ServiceError(_("更正申请尚未经乡镇批准"), code="correction_not_approved")
    unknown = set(changes) - set(PROTECTED)
    if unknown:
        raise ServiceError(
            _("不能修改: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="not_editable"
        )
    status = changes.get("monitoring_status", household.monitoring_status)
    if status == "monitored" and not changes.get("risk_types", household.risk_types):
        raise ServiceError(_("监测户至少要有一个风险类型"), code="risk_required")
    reason = f"{label} #{basis.pk}"
    return _household_write(household, actor, changes, reason=reason, action="decide")


def _household_write(
    household: Household, actor: Any, changes: dict[str, Any], *, reason: str, action: str
) -> Household:
    before = {name: str(getattr(household, name)) for name in changes}
    with transaction.atomic():
        for name, value in changes.items():
            setattr(household, name, value)
        household._change_reason = reason  # type: ignore[attr-defined]
        household.save()
        audit.record(
            actor=actor,
            action=f"registry.household.{action}",
            obj=household,
            area=household.village,
            before=before,
            after={name: str(value) for name, value in changes.items()},
            note=reason,
        )
    return household


def person_status_decide(*, person: Person, actor: Any, basis: Any, status: str) -> Person:
    """A member's death or moving out, on the strength of an approved correction (11.6)."""
    label = getattr(getattr(basis, "_meta", None), "label_lower", "")
    if label != "cases.correction" or getattr(basis, "status", "") != "approved":
        raise ServiceError(_("成员状态只能通过更正程序变更（需走程序）"), code="procedure_required")
    if status not in {"active", "deceased", "moved_out"}:
        raise ServiceError(_("未知的成员状态"), code="bad_status")
    before = person.status
    with transaction.atomic():
        person.status = status
        person._change_reason = f"{label} #{basis.pk}"  # type: ignore[attr-defined]
        person.save(update_fields=["status"])
        names.heads_refresh([person.household_id])
        audit.record(
            actor=actor,
            action="registry.person.decide",
            obj=person,
            area=person.household.village,
            before={"status": before},
            after={"status": status},
            note=f"{label} #{basis.pk}",
        )
    return person
