"""A roster import creates or changes households only inside the uploader's area (issue 18,
finding 1): rows naming another village's household or person are refused without saying
which village, blank villages do not spill into other villages, the audit row has the area."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from villageaid.core.errors import ServiceError
from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role
from villageaid.registry.imports import roster_import_stage, roster_import_validate
from villageaid.registry.models import Household, Person, RosterImport
from villageaid.registry.services import registry_commit
from villageaid.registry.tests.conftest import write_sheet
from villageaid.registry.tests.samples import household_in
from villageaid.testing import NEIGHBOUR, VILLAGE

HEADERS = ["户编号", "姓名", "证件号码", "与户主关系", "健康状况", "劳动技能"]
HEADERS += ["是否参加城乡居民基本医疗保险", "户类型", "行政村代码"]
OTHER_ID = "11010519491231002X"  # household_in(..., "H-...1") gives this ID
NEW_ID = "110105194912310038"
REFUSAL = "该身份证号不在本村登记范围内，请联系乡镇核实"


def person(code: str, id_number: str, village: str = VILLAGE, name: str = "张三") -> list[str]:
    return [code, name, id_number, "户主", "健康", "普通劳动力", "是", "一般农户", village]


def validate(
    tmp_path: Path, rows: list[list[str]], actor: Any, village: Any = None
) -> RosterImport:
    path = write_sheet(tmp_path / "r.xlsx", [HEADERS, *rows])
    row = roster_import_stage(
        filename="r.xlsx", content=path.read_bytes(), actor=actor, village=village
    )
    roster_import_validate(lambda done, total: None, import_id=row.pk)
    row.refresh_from_db()
    return row


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_an_id_registered_in_another_village_is_refused_without_naming_it(
    areas: Any, make_user: Any, tmp_path: Path
) -> None:
    other = household_in(areas["neighbour"], "H-N1")
    row = validate(
        tmp_path, [person("H-NEW", OTHER_ID), person("H-OK", NEW_ID)], make_user(Role.CADRE)
    )
    assert row.status == "rejected"
    [rejection] = row.rejections
    assert rejection["reason"] == REFUSAL
    assert rejection["row"] == 2
    text = str(row.rejections) + str(row.counts)
    assert NEIGHBOUR not in text and "南马村" not in text and "H-N1" not in text
    counts = {k: row.counts[k] for k in ("households", "persons", "rejected_rows")}
    assert counts == {"households": 1, "persons": 1, "rejected_rows": 1}
    assert Person.objects.get().household == other  # untouched


@pytest.mark.django_db
def test_a_household_code_of_another_village_is_refused(
    areas: Any, make_user: Any, tmp_path: Path
) -> None:
    household_in(areas["neighbour"], "H-N1")
    row = validate(tmp_path, [person("H-N1", NEW_ID)], make_user(Role.CADRE))
    assert row.status == "rejected"
    assert "不在本村登记范围内" in row.rejections[0]["reason"]
    assert NEIGHBOUR not in str(row.rejections)
    assert Household.objects.get(code="H-N1").village_id == NEIGHBOUR


@pytest.mark.django_db
def test_rows_of_a_village_outside_the_area_are_refused(
    areas: Any, make_user: Any, tmp_path: Path
) -> None:
    row = validate(tmp_path, [person("H-1", NEW_ID, village=NEIGHBOUR)], make_user(Role.CADRE))
    assert row.status == "rejected"
    assert row.counts["households"] == 0


@pytest.mark.django_db
def test_a_blank_village_takes_the_uploaders_only_village(
    areas: Any, make_user: Any, tmp_path: Path
) -> None:
    row = validate(tmp_path, [person("H-1", NEW_ID, village="")], make_user(Role.CADRE))
    assert row.status == "validated", row.rejections
    assert row.village_id == VILLAGE


@pytest.mark.django_db
def test_a_blank_village_is_refused_for_an_uploader_of_several_villages(
    areas: Any, make_user: Any, tmp_path: Path
) -> None:
    county = make_user(Role.COUNTY)
    row = validate(tmp_path, [person("H-1", NEW_ID, village="")], county)
    assert row.status == "rejected"
    assert row.counts["households"] == 0


@pytest.mark.django_db
def test_staging_for_a_village_outside_the_area_is_refused(areas: Any, make_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        roster_import_stage(
            filename="r.csv",
            content=b"x",
            actor=make_user(Role.CADRE),
            village=areas["neighbour"],
        )
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_the_commit_service_checks_the_area_itself(areas: Any, make_user: Any) -> None:
    household = {"household_code": "H-1", "village_code": NEIGHBOUR, "household_type": "general"}
    with pytest.raises(PermissionDenied):
        registry_commit(households=[household], persons=[], actor=make_user(Role.CADRE))
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_the_commit_service_refuses_a_person_of_another_village(areas: Any, make_user: Any) -> None:
    household_in(areas["neighbour"], "H-N1")
    household = {"household_code": "H-1", "village_code": VILLAGE, "household_type": "general"}
    member = {
        "household_code": "H-1",
        "id_number": OTHER_ID,
        "name": "张三",
        "relationship": "01",
        "sex": "2",
        "birth_date": "1949-12-31",
    }
    with pytest.raises(ServiceError, match=REFUSAL):
        registry_commit(households=[household], persons=[member], actor=make_user(Role.CADRE))
    assert not Household.objects.filter(code="H-1").exists()
    assert Person.objects.get().household.code == "H-N1"


@pytest.mark.django_db
def test_the_audit_row_records_the_area(areas: Any, make_user: Any) -> None:
    household = {"household_code": "H-1", "village_code": VILLAGE, "household_type": "general"}
    registry_commit(households=[household], persons=[], actor=make_user(Role.CADRE))
    event = AuditEvent.objects.get(action="registry.import")
    assert event.area_id == VILLAGE


@pytest.mark.django_db
def test_admin_cli_import_with_village_keeps_working(areas: Any, tmp_path: Path) -> None:
    rows = [HEADERS[:-1], person("H-1", NEW_ID)[:-1]]
    path = write_sheet(tmp_path / "r.xlsx", rows)
    call_command("import_households", str(path), "--village", NEIGHBOUR)
    assert Household.objects.get(code="H-1").village_id == NEIGHBOUR
    assert AuditEvent.objects.get(action="registry.import").area_id == NEIGHBOUR


@pytest.mark.django_db
def test_the_cli_does_not_move_a_household_between_villages(areas: Any, tmp_path: Path) -> None:
    from django.core.management import CommandError

    household_in(areas["neighbour"], "H-N1")
    path = write_sheet(tmp_path / "r.xlsx", [HEADERS, person("H-N1", NEW_ID)])
    with pytest.raises(CommandError, match="行被拒绝"):
        call_command("import_households", str(path))
    assert Household.objects.get(code="H-N1").village_id == NEIGHBOUR
