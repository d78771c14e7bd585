from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from villageaid.cli import translate
from villageaid.core.models import Area

CSV = """code,name,level,parent_code
370000000000,山东省,province,
371000000000,威海市,city,370000000000
371003000000,文登区,county,371000000000
371003105000,宋村镇,township,371003000000
371003105201,北马村,village,371003105000
"""


def test_cli_maps_documented_names() -> None:
    assert translate(["areas", "import", "a.csv"]) == ["areas_import", "a.csv"]
    assert translate(["token", "create", "bob"]) == ["token_create", "bob"]
    assert translate(["import-households", "r.xlsx"]) == ["import_households", "r.xlsx"]
    assert translate(["worker"]) == ["db_worker"]
    assert translate(["migrate"]) == ["migrate"]


@pytest.mark.django_db
def test_areas_import_creates_then_updates(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("areas_import", str(path))
    assert Area.objects.count() == 5
    beima = Area.objects.get(code="371003105201")
    assert beima.path == "/370000000000/371000000000/371003000000/371003105000/371003105201/"
    # Re-running renames and adds; GB18030 files are accepted too.
    path.write_text(
        CSV.replace("北马村", "北马村（新）") + "371003105202,南马村,village,371003105000\n",
        encoding="gb18030",
    )
    call_command("areas_import", str(path))
    assert Area.objects.count() == 6
    assert Area.objects.get(code="371003105201").name == "北马村（新）"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name,level\n370000000000,山东省,province\n", "parent_code"),
        ("code,name,level,parent_code\n37000000,山东省,province,\n", "12位"),
        ("code,name,level,parent_code\n370000000000,山东省,state,\n", "未知级别"),
        ("code,name,level,parent_code\n371000000000,威海市,city,379999999999\n", "不存在"),
    ],
)
def test_areas_import_rejects_bad_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("areas_import", str(path))
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_token_create_prints_a_working_token(cadre, capsys) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    call_command("token_create", cadre.username)
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("va_")
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == cadre.username
    bad = Client().get("/api/v1/me", headers={"Authorization": "Bearer va_wrong"})
    assert bad.status_code == 401
    assert bad.json() == {"detail": "未登录或令牌无效", "code": "unauthenticated"}
