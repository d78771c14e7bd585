"""Department datasets at rest (issue 18, finding 9; docs/decisions/0007-screening-datasets-at-rest.md).

An uploaded file holds every listed person's ID number, so media keeps it only
encrypted, with the registry's keys (``core.pii.encrypt_stream``: Fernet frames under
``PII_ENCRYPTION_KEYS``), as ``<name>.<csv|parquet>.enc``; backups copy media, so they
hold it encrypted too. A run decrypts each file into its own temporary folder, which is
deleted when the run ends. A file stored before encryption (no ``.enc``) is still read.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files import File

from villageaid.core import pii

if TYPE_CHECKING:
    from villageaid.screening.models import DepartmentDataset

SEALED = ".enc"


def seal(dataset: DepartmentDataset, plain: Path) -> None:
    """Encrypt the validated file ``plain`` into ``dataset.upload`` (not saved yet)."""
    with (
        tempfile.TemporaryFile() as sealed,
        plain.open("rb") as src,
    ):
        pii.encrypt_stream(src, sealed)
        sealed.seek(0)
        dataset.upload.save(plain.name + SEALED, File(sealed), save=False)


def plain_suffix(dataset: DepartmentDataset) -> str:
    """``.csv`` or ``.parquet``: the format the engine reads."""
    name = dataset.upload.name.removesuffix(SEALED)
    return Path(name).suffix


def open_into(dataset: DepartmentDataset, folder: Path) -> Path:
    """Decrypt (or, for a file from before encryption, copy) the dataset into ``folder``
    as ``<name><suffix>``, where the engine looks for it; ``folder`` must be temporary."""
    target = folder / f"{dataset.name}{plain_suffix(dataset)}"
    with dataset.upload.open("rb") as src, target.open("wb") as dst:
        if dataset.upload.name.endswith(SEALED):
            pii.decrypt_stream(src, dst)
        else:
            shutil.copyfileobj(src, dst)
    return target


def dataset_plain_bytes(dataset: DepartmentDataset) -> bytes:
    """The plain file, for checks and small tools (a run uses :func:`open_into`)."""
    out = io.BytesIO()
    with dataset.upload.open("rb") as src:
        if dataset.upload.name.endswith(SEALED):
            pii.decrypt_stream(src, out)
        else:
            shutil.copyfileobj(src, out)
    return out.getvalue()
