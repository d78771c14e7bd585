"""Writes of the screening app: datasets, catalogue versions, runs and clue pushes.
Every function is keyword-only, atomic and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import duckdb
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import access, audit, bounds, roles
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area, JobProgress
from villageaid.core.progress import Progress
from villageaid.policy.resolver import policy_for
from villageaid.registry.models import Household
from villageaid.screening import linkage, storage
from villageaid.screening.engine import (
    CatalogueError,
    InputError,
    ScreeningResult,
    build_catalogue,
    run_screening_on_connection,
)
from villageaid.screening.engine import Clue as EngineClue
from villageaid.screening.engine.datasets import BY_NAME, DEPARTMENT
from villageaid.screening.engine.loader import Staged as _Staged
from villageaid.screening.engine.loader import (
    _count_bad_ids,
    attach_file,
    build_place_table,
    new_workdir,
    stage,
)
from villageaid.screening.models import CatalogueVersion, Clue, DepartmentDataset, ScreeningRun
from villageaid.screening.snapshot import snapshot_linkage_registry, snapshot_registry

JOB_KIND = "screening.run"
RUN_STEPS = 5


class UploadError(ValueError):
    """A department file that cannot be stored: one line naming the file and the problem."""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- datasets ------------------------------------------------------------------------------


def validate_dataset_file(path: Path, name: str, label: str) -> dict[str, Any]:
    """Stage one department file in a throw-away DuckDB: row count, bad-ID count and list,
    checksum. Raises :class:`UploadError` naming ``label`` and the missing column."""
    if name not in {d.name for d in DEPARTMENT}:
        raise UploadError(_("%(label)s：未知的数据集 %(name)s") % {"label": label, "name": name})
    con = duckdb.connect()
    try:
        with new_workdir() as tmp:
            try:
                checksum = attach_file(con, path, "raw_upload", Path(tmp))
                rows = stage(con, BY_NAME[name], "raw_upload", label, rid=True)
            except InputError as exc:
                raise UploadError(str(exc).replace(str(path), label)) from exc
            build_place_table(con, [name])
            staged = _Staged()
            _count_bad_ids(con, name, staged)
    finally:
        con.close()
    return {
        "sha256": checksum,
        "row_count": rows,
        "bad_id_count": staged.bad_id_counts.get(name, 0),
        "bad_ids": staged.bad_ids.get(name, []),
    }


def dataset_upload(
    *,
    name: str,
    content: Any,
    filename: str,
    period_start: dt.date,
    period_end: dt.date,
    area: Area,
    actor: Any,
) -> DepartmentDataset:
    """Validate ``content`` (a file object) and store it; nothing is stored on error."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise UploadError(_("%(file)s：只接受 .csv 或 .parquet 文件") % {"file": filename})
    if period_end < period_start:
        raise UploadError(_("%(file)s：数据截止日早于起始日") % {"file": filename})
    try:
        bounds.check_past_date(period_start)
        bounds.check_past_date(period_end)
    except ValidationError as exc:
        raise UploadError(
            _("%(file)s：%(reason)s") % {"file": filename, "reason": exc.messages[0]}
        ) from None
    with tempfile.TemporaryDirectory(prefix="villageaid-upload-") as tmp:
        path = Path(tmp) / f"{name}{suffix}"
        with path.open("wb") as handle:
            if hasattr(content, "chunks"):
                for chunk in content.chunks():
                    handle.write(chunk)
            else:
                shutil.copyfileobj(content, handle)
        facts = validate_dataset_file(path, name, filename)
        with transaction.atomic():
            dataset = DepartmentDataset(
                name=name,
                period_start=period_start,
                period_end=period_end,
                filename=filename,
                area=area,
                area_path=area.path,
                uploaded_by=_user(actor),
                **facts,
            )
            storage.seal(dataset, path)  # only the encrypted file is kept (ADR 0007)
            dataset.save()
            audit.record(
                actor=actor,
                action="screening.dataset.upload",
                obj=dataset,
                area=area,
                after={"name": name, "sha256": facts["sha256"], "rows": facts["row_count"]},
                note=filename,
            )
    return dataset


# --- the catalogue -------------------------------------------------------------------------


def catalogue_save(
    *,
    province: str,
    year: int,
    overrides: Mapping[str, Any],
    area: Area,
    actor: Any,
    note: str = "",
) -> CatalogueVersion:
    """Validate ``overrides`` with the engine and store them as a new version."""
    catalogue = build_catalogue(
        as_of=dt.date(year, 12, 31),
        overrides=overrides,
        province=province,
        policy=policy_for(area, dt.date(year, 12, 31)),
    )  # raises CatalogueError
    previous = CatalogueVersion.objects.filter(province=province, year=year).order_by("-pk").first()
    with transaction.atomic():
        row = CatalogueVersion.objects.create(
            province=province,
            year=year,
            overrides=json.loads(json.dumps(overrides, default=str)),
            enabled_rules=[code for code, on in catalogue.enabled.items() if on],
            version=catalogue.version,
            note=note[:255],
            area=area,
            area_path=area.path,
            created_by=_user(actor),
        )
        audit.record(
            actor=actor,
            action="screening.catalogue.change",
            obj=row,
            area=area,
            before=previous.overrides if previous else None,
            after=row.overrides,
            note=f"{province} {year} {catalogue.version[:12]}",
        )
    return row


def catalogue_for(province: str, year: int) -> CatalogueVersion | None:
    return CatalogueVersion.objects.filter(province=province, year=year).order_by("-pk").first()


# --- runs ----------------------------------------------------------------------------------


def run_create(
    *, as_of: dt.date, area: Area, actor: Any, engine: str = "duckdb", push: bool = True
) -> ScreeningRun:
    """A queued run over ``area`` and its job row (started by :func:`run_start` or the CLI)."""
    with transaction.atomic():
        job = JobProgress.objects.create(
            kind=JOB_KIND, label=f"筛查 {as_of}", owner=_user(actor), area=area, total=RUN_STEPS
        )
        run = ScreeningRun.objects.create(
            as_of=as_of,
            engine=engine,
            area=area,
            area_path=area.path,
            push=push,
            job=job,
            created_by=_user(actor),
        )
        audit.record(actor=actor, action="screening.run.create", obj=run, area=area)
    return run


def run_start(
    *, as_of: dt.date, area: Area, actor: Any, engine: str = "duckdb", push: bool = True
) -> ScreeningRun:
    """Create a run and queue it for the worker."""
    from villageaid.core.jobs import run_job

    run = run_create(as_of=as_of, area=area, actor=actor, engine=engine, push=push)
    job_id = int(run.job_id or 0)
    transaction.on_commit(lambda: run_job.enqueue(job_id, {"run_id": run.pk}))
    return run


def _datasets_for(run: ScreeningRun) -> list[DepartmentDataset]:
    """The newest upload of each dataset whose period starts on or before ``as_of``, and that
    lies inside or above the run's area."""
    rows = DepartmentDataset.objects.filter(period_start__lte=run.as_of).order_by(
        "name", "-uploaded_at", "-pk"
    )
    chosen: dict[str, DepartmentDataset] = {}
    for row in rows:
        overlaps = run.area_path.startswith(row.area_path) or row.area_path.startswith(
            run.area_path
        )
        if overlaps and row.name not in chosen:
            chosen[row.name] = row
    return list(chosen.values())


def progress_text(message: str) -> str:
    """The engine reports its steps in English (for the command line); the run page shows
    them in the user's language."""
    if found := re.fullmatch(r"running (\d+) rules on (\w+)", message):
        return _("运行 %(n)s 条规则（%(engine)s）") % {"n": found[1], "engine": found[2]}
    if found := re.fullmatch(r"(\d+) clues", message):
        return _("%(n)s 条线索") % {"n": found[1]}
    steps = {
        "registry snapshot": _("读取农户快照"),
        "reading input files": _("读取数据文件"),
        "building clues": _("生成线索"),
        "pushing clues": _("推送线索"),
    }
    return steps.get(message, message)


def skip_text(reason: str) -> str:
    """A rule's skip reason from the engine, for the run page."""
    if reason.startswith("missing dataset "):
        return _("缺少数据集 %(names)s") % {"names": reason.removeprefix("missing dataset ")}
    return reason


def run_execute(
    run: ScreeningRun,
    *,
    progress: Progress | None = None,
    sources_dir: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    on_result: Callable[[ScreeningResult], None] | None = None,
) -> ScreeningRun:
    """Snapshot the registry under the run's area, screen it against the stored datasets
    (or ``sources_dir``), record the result and push the clues unless ``run.push`` is off."""
    step = [0]

    def say(message: str) -> None:
        step[0] = min(step[0] + 1, RUN_STEPS - 1)
        if progress is not None:
            progress.update(step[0], RUN_STEPS, progress_text(message))

    run.status = ScreeningRun.Status.RUNNING
    run.save(update_fields=["status"])
    province = run.area_path.strip("/").split("/")[0][:2] if run.area_path else None
    version = catalogue_for(province or "", run.as_of.year)
    if overrides is None:
        overrides = version.overrides if version else {}
    datasets: list[DepartmentDataset] = []
    con = duckdb.connect()
    try:
        with tempfile.TemporaryDirectory(prefix="villageaid-run-") as tmp:
            if sources_dir is None:
                sources_dir = Path(tmp)
                datasets = _datasets_for(run)
                for row in datasets:  # decrypted into this run's temporary folder only
                    storage.open_into(row, sources_dir)
            say("registry snapshot")
            snapshot_registry(con, area_path=run.area_path)
            # Record linkage (issue 24): rows without a clean ID matched to registry
            # persons before the engine reads them; the engine itself is unchanged.
            snapshot_linkage_registry(con, area_path=run.area_path)
            linked = linkage.link_sources(
                con, registry="link_registry", sources_dir=sources_dir, out_dir=Path(tmp) / "linked"
            )
            result = run_screening_on_connection(
                con,
                sources_dir=linked.directory,
                as_of=run.as_of,
                engine=run.engine,
                overrides=overrides,
                province=province,
                progress=say,
                policy=policy_for(run.area, run.as_of),
            )
    except (InputError, CatalogueError) as exc:
        run.status = ScreeningRun.Status.FAILED
        run.message = str(exc)
        run.save(update_fields=["status", "message"])
        raise
    finally:
        con.close()
    if on_result is not None:
        on_result(result)  # the receiver owns the result (and its clue file) from here
    try:
        with transaction.atomic():
            run.catalogue = version
            run.catalogue_version = result.catalogue_version
            run.checksums = result.dataset_checksums
            run.counts = result.counts
            run.skipped = result.skipped
            run.bad_id_counts = result.bad_id_counts
            run.linkage = linkage_summary(linked.stats)
            run.clue_count = result.clue_count
            run.duration_seconds = result.duration_seconds
            run.peak_memory_bytes = result.peak_memory_bytes
            run.status = ScreeningRun.Status.DONE
            run.save()
            if datasets:
                run.datasets.set(datasets)
            if run.push:
                say("pushing clues")
                run.pushed_count = clues_push(run=run, result=result, links=linked.links)
                run.save(update_fields=["pushed_count"])
            audit.record(
                actor=run.created_by,
                action="screening.run.finish",
                obj=run,
                area=run.area,
                after={"clues": run.clue_count, "pushed": run.pushed_count},
            )
    finally:
        if on_result is None:
            result.close()  # the clue file is not needed once the clues are pushed
    if progress is not None:
        progress.update(
            RUN_STEPS,
            RUN_STEPS,
            _("%(clues)s 条线索，新推送 %(new)s 条")
            % {"clues": run.clue_count, "new": run.pushed_count},
        )
    return run


def fingerprint(household_code: str, rule_code: str, evidence: list[dict[str, Any]]) -> str:
    """Identity of a finding: household, rule and the evidence items in a fixed order."""
    items = sorted(json.dumps(e, sort_keys=True, ensure_ascii=False) for e in evidence)
    text = json.dumps([household_code, rule_code, items], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _evidence_key(item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(item.get(k) or "") for k in ("person", "source", "date", "value", "detail"))


PUSH_BATCH = 20_000


def linkage_summary(stats: linkage.LinkStats) -> dict[str, Any]:
    return {
        "rows": stats.rows,
        "clean": stats.clean,
        "upgraded": stats.upgraded,
        "linked": stats.linked,
        "unmatched": stats.unmatched,
        "seconds": round(stats.seconds, 2),
    }


def clues_push(
    *,
    run: ScreeningRun,
    result: ScreeningResult,
    links: list[dict[str, Any]] | None = None,
) -> int:
    """Store the clues not already raised: a clue whose (rule, household, fingerprint) was
    raised before — new, open, decided or dismissed — is not raised again; a changed dataset
    changes the evidence and so the fingerprint. Reads the result's clue file in batches
    (one batch of clue objects at a time). Returns the number of new clues.

    ``links`` are the department rows record linkage matched (``SourceLinks.links``): a clue
    whose evidence rests on one carries it in ``linkage`` and waits for a cadre's
    confirmation (``link_status`` pending)."""
    pushed = 0
    by_key: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for item in links or []:
        key = (item["household_code"], item["source"], item["person"], item["date"] or "")
        by_key.setdefault(key, []).append(item)
    for batch in result.iter_clue_batches(PUSH_BATCH):
        new = _new_clues(run, batch)
        if by_key:
            _mark_linked(new, by_key)
        Clue.objects.bulk_create(new, batch_size=2000)
        pushed += len(new)
    audit.record(
        actor=run.created_by,
        action="screening.clues.push",
        obj=run,
        area=run.area,
        after={"pushed": pushed, "found": result.clue_count},
    )
    return pushed


def _mark_linked(
    clues: list[Clue], by_key: dict[tuple[str, str, str, str], list[dict[str, Any]]]
) -> None:
    """Attach to each clue the linked rows its evidence items come from (same household,
    source, masked person and date; an item without a date matches any date)."""
    undated: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for (household, source, person, _date), items in by_key.items():
        undated.setdefault((household, source, person), []).extend(items)
    for clue in clues:
        found: list[dict[str, Any]] = []
        for item in clue.evidence:
            person, source = str(item.get("person") or ""), str(item.get("source") or "")
            date = str(item.get("date") or "")
            key = (clue.household.code, source, person)
            rows = by_key.get((*key, date), []) if date else undated.get(key, [])
            found.extend(row for row in rows if row not in found)
        if found:
            clue.linkage = [
                {k: v for k, v in row.items() if k != "household_code"} for row in found
            ]
            clue.link_status = Clue.Link.PENDING


def _new_clues(run: ScreeningRun, clues: list[EngineClue]) -> list[Clue]:
    """The clues of one batch not raised before. A run has one clue per (rule, household),
    so batches never repeat each other's keys."""
    codes = {c.household_code for c in clues}
    households = {
        h.code: h for h in Household.objects.filter(code__in=codes).only("pk", "code", "area_path")
    }
    seen = set(
        Clue.objects.filter(household__code__in=codes).values_list(
            "rule_code", "household_id", "fingerprint"
        )
    )
    new: list[Clue] = []
    for c in clues:
        household = households.get(c.household_code)
        if household is None:
            continue
        evidence = sorted(json.loads(c.evidence), key=_evidence_key)
        mark = fingerprint(c.household_code, c.rule_code, evidence)
        if (c.rule_code, household.pk, mark) in seen:
            continue
        seen.add((c.rule_code, household.pk, mark))
        new.append(
            Clue(
                run=run,
                rule_code=c.rule_code,
                kind=c.kind,
                household=household,
                area_path=household.area_path,
                risk_type=c.risk_type or "",
                severity=c.severity,
                evidence=evidence,
                fingerprint=mark,
            )
        )
    return new


def clue_set_status(*, clue: Clue, status: str, actor: Any) -> Clue:
    if status not in Clue.Status.values:
        raise ValueError(f"unknown clue status {status!r}")
    with transaction.atomic():
        before = clue.status
        clue.status = status
        clue.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="screening.clue.status",
            obj=clue,
            before={"status": before},
            after={"status": status, "at": timezone.now().isoformat()},
        )
    return clue


def clue_link_case(*, clue: Clue, case_id: int | None, status: str, actor: Any) -> Clue:
    """The cases app's hook: the case a clue was opened as or joined to, and its status."""
    if status not in Clue.Status.values:
        raise ValueError(f"unknown clue status {status!r}")
    with transaction.atomic():
        before = {"status": clue.status, "case_id": clue.case_id}
        clue.case_id, clue.status = case_id, status
        clue.save(update_fields=["case_id", "status"])
        audit.record(
            actor=actor,
            action="screening.clue.case",
            obj=clue,
            before=before,
            after={"status": status, "case_id": case_id},
        )
    return clue


# --- record linkage: a cadre confirms or rejects a linked clue ------------------------------


class LinkageError(ServiceError):
    """A linkage decision that cannot be taken (translatable message)."""


def clue_link_decide(*, clue: Clue, confirm: bool, actor: Any, note: str = "") -> Clue:
    """The village cadre's word on a clue resting on linked department rows: confirmed, it
    may open a case; rejected (the rows are not this household's person), it is dismissed.
    Needs editing the household in the registry (the cadre of its village; a township or
    the next village may not); audited."""
    access.require_row(actor, roles.Module.REGISTRY, roles.EDIT, clue.household)
    with transaction.atomic():
        row = Clue.objects.select_for_update().select_related("household").get(pk=clue.pk)
        if row.link_status != Clue.Link.PENDING:
            raise LinkageError(_("该线索没有待确认的记录匹配"), code="link_not_pending")
        before = {"link_status": row.link_status, "status": row.status}
        row.link_status = Clue.Link.CONFIRMED if confirm else Clue.Link.REJECTED
        row.link_decided_by = _user(actor)
        row.link_decided_at = timezone.now()
        fields = ["link_status", "link_decided_by", "link_decided_at"]
        if not confirm and row.status == Clue.Status.NEW:
            row.status = Clue.Status.DISMISSED
            fields.append("status")
        row.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="screening.clue.link_confirm" if confirm else "screening.clue.link_reject",
            obj=row,
            area=row.household.village,
            before=before,
            after={"link_status": row.link_status, "status": row.status},
            note=note[:255],
        )
    return row


def clue_require_confirmed(clue: Clue) -> None:
    """The cases app asks this before opening a case from ``clue``: a clue resting on
    linked department rows opens a case only once a cadre confirmed the match."""
    if clue.link_status == Clue.Link.PENDING:
        raise LinkageError(
            _(
                "该线索依据的部门记录没有有效证件号码，是按姓名、出生日期和村匹配到本户的，需村干部确认匹配后才能立案"
            ),
            code="link_unconfirmed",
        )
    if clue.link_status == Clue.Link.REJECTED:
        raise LinkageError(_("村干部已否认该线索的记录匹配，不能据此立案"), code="link_rejected")
