"""A roster re-import with changed categories changes none of them: the preview lists each
as 需走程序 with a link that starts the right procedure (issue 19)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.registry import synth
from villageaid.registry.models import Household, RosterImport

PROTECTED = ("household_type", "monitoring_status", "monitoring_category", "risk_types")


def _import(client: Any, path: Path) -> RosterImport:
    with path.open("rb") as fh:
        client.post("/registry/imports/", {"file": fh, "village": ""})
    row = RosterImport.objects.order_by("-pk").first()
    assert row is not None
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    row.refresh_from_db()
    return row


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reimport_with_changed_categories(
    areas: Any, make_user: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    households, persons = synth.generate_registry(12, seed=7)
    client = client_for(make_user(Role.CADRE))
    first = _import(client, synth.write_roster_xlsx(tmp_path / "a.xlsx", households, persons))
    client.post(f"/registry/imports/{first.pk}/")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    before = {h.code: tuple(getattr(h, f) for f in PROTECTED) for h in Household.objects.all()}
    assert before
    flipped = [dict(h) for h in households]
    for row in flipped[:3]:
        row["household_type"] = "general" if row["household_type"] == "tuopin" else "tuopin"
        row["phone"] = "13800000009"
    second = _import(client, synth.write_roster_xlsx(tmp_path / "b.xlsx", flipped, persons))
    assert second.status == "validated"
    listed = {d["household_code"] for d in second.counts["needs_procedure"]}
    assert listed == {row["household_code"] for row in flipped[:3]}
    page = client.get(f"/registry/imports/{second.pk}/").content.decode()
    assert "需走程序" in page and "/cases/corrections/new/?household_code=" in page
    client.post(f"/registry/imports/{second.pk}/")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    after = {h.code: tuple(getattr(h, f) for f in PROTECTED) for h in Household.objects.all()}
    assert after == before  # nothing protected changed
    changed = Household.objects.get(code=flipped[0]["household_code"])
    assert changed.phone == "13800000009"  # the rest of the row was imported
