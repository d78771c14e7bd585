from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core import serializers
from django.core.management import call_command

from villageaid.core import audit
from villageaid.core.backup import BackupError, backed_up_models, backup, restore
from villageaid.core.models import AuditEvent


def snapshot() -> list[Any]:
    rows = []
    for model in backed_up_models():
        if model._meta.app_label in {"axes"}:
            continue
        data = serializers.serialize(
            "json", model._default_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        rows.append((model._meta.label, json.loads(data)))
    return rows


@pytest.mark.django_db(transaction=True)
def test_backup_restore_round_trip(
    areas: Any, make_user: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "scans").mkdir(parents=True)
    (tmp_path / "media" / "scans" / "授权书.jpg").write_bytes(b"\xff\xd8scan")
    user = make_user("cadre")
    audit.record(actor=user, action="test.write", obj=areas["village"], after={"x": 1})
    before = snapshot()
    manifest = backup(tmp_path / "b.zip")
    assert manifest["counts"]["accounts.user"] == 1

    call_command("flush", interactive=False, verbosity=0)
    (tmp_path / "media" / "scans" / "授权书.jpg").unlink()
    assert not AuditEvent.objects.exists()

    restore(tmp_path / "b.zip")
    assert snapshot() == before
    assert (tmp_path / "media" / "scans" / "授权书.jpg").read_bytes() == b"\xff\xd8scan"
    # Sequences continue after restored rows.
    restored_ids = [r["pk"] for r in dict(before)["core.AuditEvent"]]
    assert audit.record(actor=None, action="after.restore").pk > max(restored_ids)
    with pytest.raises(BackupError, match="不是空的"):
        restore(tmp_path / "b.zip")
