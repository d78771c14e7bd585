"""The data migration that encrypts datasets stored before ADR 0007."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile

from villageaid.screening import storage
from villageaid.screening.models import DepartmentDataset

pytestmark = pytest.mark.django_db
ID = "370632198603041439"


def test_a_plain_dataset_is_encrypted_and_still_read(
    areas: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    plain = f"id_number,vehicle_type\n{ID},car\n".encode()
    row = DepartmentDataset(
        name="vehicles",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 4, 1),
        filename="vehicles.csv",
        sha256="x",
        area=areas["county"],
        area_path=areas["county"].path,
    )
    row.upload.save("vehicles.csv", ContentFile(plain), save=True)
    old = Path(row.upload.path)
    migration = import_module("villageaid.screening.migrations.0002_encrypt_stored_datasets")
    migration.encrypt_plain_files(apps, None)
    row.refresh_from_db()
    assert row.upload.name.endswith(".csv.enc") and not old.exists()
    assert ID.encode() not in Path(row.upload.path).read_bytes()
    assert storage.dataset_plain_bytes(row) == plain
    assert storage.plain_suffix(row) == ".csv"
