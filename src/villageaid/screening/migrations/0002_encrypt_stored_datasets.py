"""Encrypt department datasets stored before ADR 0007 (issue 18, finding 9): each plain
file in media is replaced by its ``.enc`` form, as new uploads are stored."""

from __future__ import annotations

import tempfile
from typing import Any

from django.core.files import File
from django.db import migrations


def encrypt_plain_files(apps: Any, schema_editor: Any) -> None:
    from villageaid.core import pii

    dataset_model = apps.get_model("screening", "DepartmentDataset")
    for row in dataset_model.objects.exclude(upload__endswith=".enc").exclude(upload=""):
        old = row.upload.name
        if not row.upload.storage.exists(old):
            continue
        with tempfile.TemporaryFile() as sealed:
            with row.upload.open("rb") as src:
                pii.encrypt_stream(src, sealed)
            sealed.seek(0)
            row.upload.save(old.rsplit("/", 1)[-1] + ".enc", File(sealed), save=True)
        row.upload.storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [
        migrations.RunPython(encrypt_plain_files, migrations.RunPython.noop, elidable=True),
    ]
