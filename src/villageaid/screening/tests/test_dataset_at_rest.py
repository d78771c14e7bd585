"""Issue 18, finding 9: department datasets hold ID numbers, so they are encrypted at rest
(media and backups) and decrypted only into a run's temporary folder."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest

from villageaid.core.backup import backup
from villageaid.registry import synth
from villageaid.screening import demo, services, storage
from villageaid.screening.models import DepartmentDataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def _vehicles(areas: dict[str, Any]) -> tuple[DepartmentDataset, bytes, list[str]]:
    rows = synth.beima_department_records()["vehicles"]
    plain = demo.department_csv("vehicles", rows)
    dataset = services.dataset_upload(
        name="vehicles",
        content=io.BytesIO(plain),
        filename="vehicles.csv",
        period_start=demo.PERIOD_START,
        period_end=demo.AS_OF,
        area=areas["county"],
        actor=None,
    )
    return dataset, plain, [r["id_number"] for r in rows]


def test_the_stored_file_holds_no_id_number(areas: dict[str, Any], media: Path) -> None:
    dataset, plain, ids = _vehicles(areas)
    stored = Path(dataset.upload.path).read_bytes()
    assert ids and not any(i.encode() in stored for i in ids)
    assert plain not in stored and dataset.upload.name.endswith(".enc")
    assert storage.dataset_plain_bytes(dataset) == plain  # the keys open it


@pytest.mark.django_db(transaction=True)  # a backup opens its own repeatable-read transaction
def test_a_backup_holds_no_id_number_and_is_private(
    areas: dict[str, Any], media: Path, tmp_path: Path
) -> None:
    _, _, ids = _vehicles(areas)
    target = tmp_path / "backup.zip"
    backup(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            assert not any(i.encode() in data for i in ids), name


def test_a_run_reads_the_encrypted_datasets(
    areas: dict[str, Any], media: Path, tmp_path: Path
) -> None:
    """The demo run (its datasets now encrypted) still raises its known clues, and leaves
    no plain copy in the temporary folder."""
    import tempfile

    from villageaid.core.demo import DemoContext
    from villageaid.registry import demo as registry_demo
    from villageaid.screening.models import ScreeningRun

    tempfile.tempdir = str(tmp_path / "tmp")
    Path(tempfile.tempdir).mkdir()
    try:
        ctx = DemoContext(password="x", stdout=io.StringIO())
        registry_demo.load(ctx)
        demo.load(ctx)
    finally:
        tempfile.tempdir = None
    run = ScreeningRun.objects.get(area=areas["village"])
    assert run.status == ScreeningRun.Status.DONE and run.clue_count > 0
    assert not any(Path(tmp_path / "tmp").rglob("*.csv"))
    assert all(d.upload.name.endswith(".enc") for d in DepartmentDataset.objects.all())


@pytest.mark.spark
def test_a_spark_run_reads_the_encrypted_datasets_too(areas: dict[str, Any], media: Path) -> None:
    """The same stored (encrypted) datasets give Spark the clues DuckDB finds."""
    from villageaid.core.demo import DemoContext
    from villageaid.registry import demo as registry_demo
    from villageaid.screening.models import ScreeningRun

    registry_demo.load(DemoContext(password="x", stdout=io.StringIO()))
    demo.load_datasets(areas["county"])
    counts = {}
    for engine in ("duckdb", "spark"):
        run = services.run_create(
            as_of=demo.AS_OF, area=areas["village"], actor=None, engine=engine, push=False
        )
        run = services.run_execute(run)
        assert run.status == ScreeningRun.Status.DONE, run.message
        counts[engine] = run.clue_count
    assert counts["spark"] == counts["duckdb"] > 0
