"""Drill (d): the media folder's disk is full while a cadre uploads a roster.

The disk is simulated by making the file storage raise ``OSError(ENOSPC)``
(no root for a loop mount on the shared machine). Expected: the user gets a
clear message, no ``RosterImport`` row is left half-written, nothing is queued
and nothing is written to the registry.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.registry import synth
from villageaid.registry.models import Household, Person, RosterImport


def _full_disk(*args: Any, **kwargs: Any) -> str:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_roster_upload_on_a_full_disk(
    areas: Any, make_user: Any, tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    households, persons = synth.generate_registry(5, seed=3)
    path = synth.write_roster_xlsx(tmp_path / "r.xlsx", households, persons)
    monkeypatch.setattr(FileSystemStorage, "_save", _full_disk)
    client = client_for(make_user(Role.CADRE))
    client.raise_request_exception = False
    with path.open("rb") as fh:
        response = client.post("/registry/imports/", {"file": fh, "village": ""})

    # Nothing reaches the registry and no job is queued for a file that was never stored.
    assert not Household.objects.exists() and not Person.objects.exists()
    assert not RosterImport.objects.filter(job__isnull=False).exists()
    assert not RosterImport.objects.exists()  # no half-written staged import is left behind
    assert response.status_code == 200
    page = response.content.decode()
    assert "空间" in page or "磁盘" in page
