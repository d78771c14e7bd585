"""Consistent backup and restore of the whole database and the media folder.

A backup is a zip file holding ``manifest.json``, ``data.jsonl`` (every row of
every model, serialised by Django with natural foreign keys, read inside one
repeatable-read transaction) and ``media/``. It restores into an empty,
migrated database on SQLite or PostgreSQL, whichever it came from.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

FORMAT = 1
# Rebuilt by migrate, or meaningless in another installation.
SKIP = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    pass


def backed_up_models() -> list[type[Model]]:
    app_list: dict[Any, None] = {config: None for config in apps.get_app_configs()}
    ordered = serializers.sort_dependencies(app_list.items(), allow_cycles=True)
    return [m for m in ordered if m._meta.label_lower not in SKIP and not m._meta.proxy]


def _rows(models: list[type[Model]]) -> Iterator[str]:
    for model in models:
        queryset = model._default_manager.order_by(model._meta.pk.name)
        for obj in queryset.iterator(chunk_size=2000):
            yield serializers.serialize(
                "json", [obj], use_natural_foreign_keys=True, use_natural_primary_keys=False
            )[1:-1]


def backup(path: Path) -> dict[str, Any]:
    models = backed_up_models()
    counts: dict[str, int] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        _private(path) as target,
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        transaction.atomic(),
    ):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with archive.open("data.jsonl", "w", force_zip64=True) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8")
            for line in _rows(models):
                label = json.loads(line)["model"]
                counts[label] = counts.get(label, 0) + 1
                out.write(line + "\n")
            out.flush()
        migrations = sorted(f"{m.app}.{m.name}" for m in MigrationRecorder.Migration.objects.all())
        media = _add_media(archive)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "counts": counts,
            "media_files": media,
            "migrations": migrations,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def _private(path: Path) -> Any:
    """The backup file, readable by its owner only (0600): it holds every row, personal
    data included, whatever the umask (issue 18, finding 9)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if hasattr(os, "fchmod"):  # POSIX (Windows has no modes to set)
        os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT
    return os.fdopen(fd, "w+b")


def _add_media(archive: zipfile.ZipFile) -> int:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    if root.is_dir():
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            archive.write(file, "media/" + file.relative_to(root).as_posix())
            count += 1
    return count


def _database_is_empty() -> bool:
    for model in backed_up_models():
        if model._meta.app_label in {"axes", "django_tasks_db"}:
            continue
        if model._default_manager.exists():
            return False
    return True


def restore(path: Path) -> dict[str, Any]:
    if not zipfile.is_zipfile(path):
        raise BackupError(f"{path}: 不是备份文件")
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path}: 不支持的备份格式 {manifest.get('format')}")
        if not _database_is_empty():
            raise BackupError("目标数据库不是空的：请恢复到新建的空数据库")
        with transaction.atomic():
            _load_rows(archive)
            _reset_sequences()
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA foreign_key_check")
                    broken = cursor.fetchall()
                if broken:
                    raise BackupError(f"备份数据不完整（外键）: {broken[:5]}")
        _extract_media(archive)
    return manifest


def _load_rows(archive: zipfile.ZipFile) -> None:
    with archive.open("data.jsonl") as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if not line.strip():
                continue
            for obj in serializers.deserialize(
                "json", "[" + line + "]", handle_forward_references=True
            ):
                obj.save()


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _extract_media(archive: zipfile.ZipFile) -> None:
    root = Path(settings.MEDIA_ROOT).resolve()
    for name in archive.namelist():
        if not name.startswith("media/") or name.endswith("/"):
            continue
        target = (root / name[len("media/") :]).resolve()
        if not target.is_relative_to(root):
            raise BackupError(f"备份中的文件路径不安全: {name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(archive.read(name))
