"""Roster → registry: the command, the commit's idempotence, scoping and masking."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.registry import synth
from villageaid.registry.models import Household, Person
from villageaid.registry.tests.samples import household_in


@pytest.fixture
def roster(tmp_path: Path) -> tuple[Path, list[dict[str, str]], list[dict[str, str]]]:
    households, persons = synth.generate_registry(60, seed=3)
    path = tmp_path / "roster.xlsx"
    synth.write_roster_xlsx(path, households, persons, messy=True)
    return path, households, persons


@pytest.mark.django_db
def test_messy_roster_imports_exports_normalised_and_reimport_changes_nothing(
    areas: Any, roster: Any, tmp_path: Path
) -> None:
    path, households, persons = roster
    call_command("import_households", str(path))
    assert Household.objects.count() == len(households)
    assert Person.objects.count() == len(persons)
    history = Person.history.count()
    call_command("import_households", str(path))
    assert Person.history.count() == history  # nothing changed, nothing written

    call_command("export_registry", str(tmp_path / "out"))
    with (tmp_path / "out" / "persons.csv").open(encoding="utf-8") as fh:
        exported = {row["id_number"]: row for row in csv.DictReader(fh)}
    for person in persons:
        assert exported[person["id_number"]]["name"] == person["name"]
        assert exported[person["id_number"]]["birth_date"] == person["birth_date"]


@pytest.mark.django_db
def test_bad_roster_commits_nothing_and_names_rows(areas: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    expected = synth.write_bad_roster_xlsx(path)
    with pytest.raises(CommandError, match="行被拒绝"):
        call_command("import_households", str(path), "--village", "371003105201")
    assert not Household.objects.exists()
    assert (tmp_path / "bad.errors.xlsx").exists()
    assert expected  # one rejection kind per row, named by the parser tests


@pytest.mark.django_db
def test_dry_run_writes_nothing(areas: Any, roster: Any) -> None:
    call_command("import_households", str(roster[0]), "--dry-run")
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_id_numbers_never_in_plain_text_in_the_database(areas: Any, roster: Any) -> None:
    path, _households, persons = roster
    call_command("import_households", str(path))
    tables = [Person._meta.db_table, Person.history.model._meta.db_table, "core_auditevent"]
    with connection.cursor() as cursor:
        dump = []
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from models
            dump.extend(str(row) for row in cursor.fetchall())
    text = "\n".join(dump)
    for person in persons[:50]:
        assert person["id_number"] not in text


@pytest.mark.django_db
def test_cadre_sees_own_village_and_ids_are_masked(areas: Any, make_user: Any) -> None:
    own = household_in(areas["village"], "H-1")
    household_in(areas["neighbour"], "H-2")
    helper = client_for(make_user(Role.GRID))  # reads the registry of its grid, may not reveal
    listing = helper.get("/registry/households/").content.decode()
    assert "H-1" in listing and "H-2" not in listing
    card = helper.get(f"/registry/households/{own.pk}/?reveal=1").content.decode()
    assert "110105********002X" in card
    assert "11010519491231002X" not in card  # helpers may not reveal
    api = helper.get(f"/api/v1/registry/households/{own.pk}").json()
    assert api["members"][0]["id_number"] == "110105********002X"

    cadre = client_for(make_user(Role.CADRE))
    assert (
        "11010519491231002X"
        in cadre.get(f"/registry/households/{own.pk}/?reveal=1").content.decode()
    )
    from villageaid.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="pii.reveal").count() == 1


@pytest.mark.django_db
def test_search_by_full_id_number_uses_the_keyed_hash(areas: Any, make_user: Any) -> None:
    household_in(areas["village"], "H-1")
    cadre = client_for(make_user(Role.CADRE))
    assert "H-1" in cadre.get("/registry/households/", {"q": "11010519491231002x"}).content.decode()
    assert (
        "H-1"
        not in cadre.get("/registry/households/", {"q": "110105194912310037"}).content.decode()
    )
