"""Objects for the URL permission test."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from villageaid.core import idnumber
from villageaid.core.models import Area
from villageaid.registry.models import Household, Person, RosterImport

_SEQUENCE = itertools.count(100)


def household_in(area: Any, code: str) -> Household:
    existing = Household.objects.filter(code=code).first()
    if existing is not None:
        return existing
    grid = area.children.filter(level="grid").first()
    household = Household.objects.create(
        code=code, village=area, grid=grid, area_path=(grid or area).path, household_type="tuopin"
    )
    person = Person(
        household=household,
        name="测试",
        relationship="01",
        sex="2",
        birth_date=dt.date(1949, 12, 31),
    )
    sequence = "002" if code.endswith("1") else f"{next(_SEQUENCE):03d}"
    first17 = "11010519491231" + sequence
    person.set_id_number(first17 + idnumber.calc_check_digit(first17))
    person.save()
    return household


def _households(areas: dict[str, Any]) -> dict[str, Any]:
    own = household_in(areas["village"], "H-OWN-1")
    other, _ = Household.objects.get_or_create(
        code="H-OTHER-2", village=areas["neighbour"], area_path=areas["neighbour"].path
    )
    return {
        "own": {"pk": own.pk},
        "other": {"pk": other.pk},
        "own_url": f"/api/v1/registry/households/{own.pk}",
        "other_url": f"/api/v1/registry/households/{other.pk}",
    }


SAMPLES = {"household-card": _households, "api:household": _households}


BAD_CSV = (
    "户编号,姓名,证件号码,与户主关系,性别,出生日期,健康状况,劳动技能,"
    "是否参加城乡居民基本医疗保险,户类型,行政村代码\n"
    "H1,张三,110105194912310021,户主,女,1949-12-31,健康,普通劳动力,是,一般农户,{village}\n"
)


def _import_in(area: Any) -> RosterImport:
    from django.core.files.base import ContentFile

    from villageaid.core import pii

    row = RosterImport.objects.create(filename="bad.csv", village=area, status="rejected")
    content = BAD_CSV.format(village=area.code).encode()
    row.upload.save(f"r{row.pk}.csv.enc", ContentFile(pii.cipher().encrypt(content)), save=True)
    return row


def _imports(areas: dict[str, Any]) -> dict[str, Any]:
    own, other = _import_in(areas["village"]), _import_in(areas["neighbour"])
    return {"own": {"pk": own.pk}, "other": {"pk": other.pk}}


SAMPLES.update(
    {"household-edit": _households, "import-detail": _imports, "import-errors": _imports}
)


def _transfers(areas: dict[str, Any]) -> dict[str, Any]:
    """A request into 北马村 (own), and one between two other villages of the township."""
    from villageaid.core.areas import area_create
    from villageaid.registry.models import HouseholdTransfer

    third = Area.objects.filter(code="371003105203").first() or area_create(
        code="371003105203", name="东马村", level="village", parent=areas["township"]
    )
    incoming = household_in(areas["neighbour"], "H-TR-A")
    elsewhere = household_in(areas["neighbour"], "H-TR-B")
    own, _ = HouseholdTransfer.objects.get_or_create(
        household=incoming, from_village=areas["neighbour"], to_village=areas["village"], reason="x"
    )
    other, _ = HouseholdTransfer.objects.get_or_create(
        household=elsewhere, from_village=areas["neighbour"], to_village=third, reason="x"
    )
    return {"own": {"pk": own.pk}, "other": {"pk": other.pk}}


SAMPLES.update({"transfer-approve": _transfers, "transfer-reject": _transfers})
