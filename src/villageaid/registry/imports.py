"""Staged roster imports from the web: upload → validate (job) → preview →
commit (job). The upload is kept Fernet-encrypted at rest, because a roster
holds every member's ID number; it is decrypted only into a temporary file
while a job reads it, and deleted once the import is committed."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from villageaid.core import access, audit, idnumber, pii, roles
from villageaid.core.errors import ServiceError
from villageaid.core.jobs import job, job_start
from villageaid.core.models import Area
from villageaid.core.progress import Progress
from villageaid.registry import roster, rosterscope, selectors
from villageaid.registry.models import RosterImport
from villageaid.registry.services import registry_commit

SUFFIXES = {".xlsx", ".xls", ".csv"}
MODULE = roles.Module.REGISTRY


def roster_import_stage(
    *, filename: str, content: bytes | BinaryIO, actor: Any, village: Area | None
) -> RosterImport:
    """Keep the upload encrypted (frame by frame: a 50 MB roster is never whole in
    memory) and queue its validation. ``village`` (where the roster has no village code)
    must lie in the uploader's area; without it, the uploader's only village is meant.
    ``actor=None`` is an operator's import (a command or a drill), as for ``registry_commit``."""
    if village is not None and actor is not None:
        access.require(actor, MODULE, roles.EDIT, village)
    else:
        village = rosterscope.default_village(actor)
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise ServiceError(_("只接受 XLSX、XLS 或 CSV 文件"), code="bad_file")
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    cap = settings.ROSTER_MAX_UPLOAD_MB
    try:
        with tempfile.TemporaryFile() as sealed:
            size = pii.encrypt_stream(source, sealed)
            if not size:
                raise ServiceError(_("文件是空的"), code="empty_file")
            if size > cap * 1024 * 1024:
                raise ServiceError(
                    _("名册文件超过 %(cap)s MB 的上限，请分成几个文件上传") % {"cap": cap},
                    code="too_large",
                )
            sealed.seek(0)
            return _stage(
                filename=filename, suffix=suffix, sealed=sealed, actor=actor, village=village
            )
    except OSError as exc:  # a full or read-only disk: nothing is kept
        raise ServiceError(
            _("服务器存储空间不足或不可写，名册未保存，请联系管理员（%(reason)s）")
            % {"reason": exc.strerror},
            code="storage",
        ) from exc


def _stage(
    *, filename: str, suffix: str, sealed: BinaryIO, actor: Any, village: Area | None
) -> RosterImport:
    with transaction.atomic():
        row = RosterImport.objects.create(
            filename=Path(filename).name, village=village, created_by=actor
        )
        row.upload.save(f"roster-{row.pk}{suffix}.enc", File(sealed), save=True)
        audit.record(
            actor=actor, action="registry.import.stage", obj=row, area=village, note=row.filename
        )
        row.job = job_start(
            kind="registry.roster_validate",
            label=f"校验 {row.filename}",
            owner=actor,
            area=village,
            params={"import_id": row.pk},
        )
        row.save(update_fields=["job"])
    return row


@contextmanager
def decrypted(row: RosterImport) -> Iterator[Path]:
    suffix = (
        Path(row.upload.name).suffixes[-2] if len(Path(row.upload.name).suffixes) > 1 else ".xlsx"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"roster{suffix}"
        with row.upload.open("rb") as src, path.open("wb") as dst:
            pii.decrypt_stream(src, dst)
        yield path


def _parse(row: RosterImport, progress: Progress | None) -> roster.ParseResult:
    """The roster parsed, and checked against the registry and the uploader's area."""
    with decrypted(row) as path:
        result = roster.parse_roster(
            path,
            village_code=row.village_id,
            village_exists=lambda code: Area.objects.filter(code=code, level="village").exists(),
            village_allowed=rosterscope.village_allowed(row.created_by),
            progress=progress,
        )
        rosterscope.check(result, source=path)
        return result


def _masked(value: str) -> str:
    text = idnumber.normalise(value)
    return idnumber.mask(text) if len(text) == 18 else value


@job("registry.roster_validate")
def roster_import_validate(progress: Progress, *, import_id: int) -> dict[str, Any]:
    row = RosterImport.objects.get(pk=import_id)
    try:
        result = _parse(row, progress)
    except roster.RosterError as exc:
        row.status, row.message = RosterImport.Status.FAILED, str(exc)
        row.save(update_fields=["status", "message"])
        raise
    row.counts = {
        "households": len(result.households),
        "persons": len(result.persons),
        "rejected_rows": len({r.row for r in result.rejected}),
        # Protected values that differ from the registry: shown as 需走程序, never imported.
        "needs_procedure": selectors.roster_protected_differences(result.households),
    }
    row.rejections = [
        {"row": r.row, "column": r.column, "value": _masked(r.value), "reason": r.reason}
        for r in result.rejected[:2000]
    ]
    row.status = RosterImport.Status.REJECTED if result.rejected else RosterImport.Status.VALIDATED
    row.save(update_fields=["counts", "rejections", "status"])
    return {**row.counts, "url": f"/registry/imports/{row.pk}/"}


def roster_import_commit(*, row: RosterImport, actor: Any) -> RosterImport:
    if row.status != RosterImport.Status.VALIDATED:
        raise ServiceError(_("只有校验通过的名册才能提交"), code="not_validated")
    with transaction.atomic():
        row.job = job_start(
            kind="registry.roster_commit",
            label=f"导入 {row.filename}",
            owner=actor,
            area=row.village,
            params={"import_id": row.pk, "actor_id": getattr(actor, "pk", None)},
        )
        row.save(update_fields=["job"])
    return row


@job("registry.roster_commit")
def roster_import_run_commit(
    progress: Progress, *, import_id: int, actor_id: int | None
) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    row = RosterImport.objects.get(pk=import_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    result = _parse(row, None)
    if result.rejected:
        raise ServiceError(_("名册已改变，请重新校验"), code="changed")
    counts = registry_commit(
        households=result.households,
        persons=result.persons,
        actor=actor,
        source=row.filename,
        progress=progress,
    )
    row.status, row.counts = RosterImport.Status.COMMITTED, {**row.counts, **counts}
    row.upload.delete(save=False)  # the plain roster is not kept once committed
    row.save(update_fields=["status", "counts", "upload"])
    return {**counts, "url": f"/registry/imports/{row.pk}/"}


def error_workbook(row: RosterImport) -> bytes:
    """The rejected rows with reasons, for the uploader to fix and upload again."""
    result = _parse(row, None)
    with tempfile.TemporaryDirectory() as tmp:
        path = roster.write_error_workbook(result, Path(tmp) / "errors.xlsx")
        return Path(path).read_bytes()
