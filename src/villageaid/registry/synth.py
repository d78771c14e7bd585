"""Synthetic registries: the demo village Beima (INTERFACES 6) and registries of any size.

Everything here is deterministic for a given seed and uses only ``random.Random``.

ID numbers. A resident ID keeps the area code of the county where it was first issued. Wendeng
was 文登县 (372132, then 370632, 371022), became 文登市 (371081) in 1988-89 and 文登区
(371003) in 2014. ``core.idnumber.validate`` (python-stdnum) accepts an area code only for
birth years when that code existed, so a single code cannot give valid IDs to the whole village:
371081 would be rejected for everyone born before 1989, which in an ageing village is most people.
We therefore use the code python-stdnum accepts for the birth year: 372132 before 1983, 370632
1983-86, 371022 1987-88, 371081 1989-2013 and 371003 from 2014 (children registered after
Wendeng became a district). In real rosters many older people carry 371081 too; that is a
question for ``core.idnumber``, not for synthetic data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from villageaid.registry import labels
from villageaid.registry.roster import ROSTER_HEADERS, check_digit, safe_cell

__all__ = [
    "BEIMA_CODE",
    "BEIMA_EPIDEMIC_CODE",
    "BEIMA_MARGINAL_CODES",
    "BEIMA_MONITORED_CODES",
    "BEIMA_SUSPECTED_PROBLEM_CODE",
    "REFERENCE_DATE",
    "DemoVillage",
    "MarginalCandidate",
    "SuspectedProblem",
    "area_code_for",
    "beima_department_records",
    "beima_village",
    "check_digit",
    "generate_registry",
    "iter_registry",
    "make_id",
    "roster_rows",
    "write_bad_roster_xlsx",
    "write_roster_xlsx",
]

REFERENCE_DATE = dt.date(2020, 4, 1)  # the April 2020 self-assessment of the seed article
BEIMA_CODE = "371003105201"
BEIMA_HOUSEHOLDS, BEIMA_PERSONS, BEIMA_TUOPIN = 460, 1064, 39


def _beima(seq: int) -> str:
    return f"{BEIMA_CODE}{seq:04d}"


BEIMA_MARGINAL_CODES: tuple[str, ...] = tuple(
    _beima(n) for n in (17, 64, 118, 175, 233, 290, 352, 417)
)
BEIMA_SUSPECTED_PROBLEM_CODE = _beima(140)
BEIMA_EPIDEMIC_CODE = _beima(199)
BEIMA_MONITORED_CODES: tuple[str, ...] = tuple(_beima(n) for n in (36, 88, 251, 309, 380))

AREAS: tuple[dict[str, str], ...] = (
    {"code": "370000000000", "name": "山东省", "level": "province", "parent_code": ""},
    {"code": "371000000000", "name": "威海市", "level": "city", "parent_code": "370000000000"},
    {"code": "371003000000", "name": "文登区", "level": "county", "parent_code": "371000000000"},
    {"code": "371003105000", "name": "宋村镇", "level": "township", "parent_code": "371003000000"},
    {"code": BEIMA_CODE, "name": "北马村", "level": "village", "parent_code": "371003105000"},
)


# --- ID numbers -----------------------------------------------------------------------------


def make_id(area: str, birth: dt.date, sequence: int) -> str:
    """An 18-character ID; an odd ``sequence`` is a man, an even one a woman."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


_WENDENG = ((1983, "372132"), (1987, "370632"), (1989, "371022"), (2014, "371081"))


def _wendeng_area(year: int) -> str:
    for before, code in _WENDENG:
        if year < before:
            return code
    return "371003"


@lru_cache(maxsize=4096)
def area_code_for(county: str, year: int) -> str:
    """An area code for someone born in ``year`` in ``county`` that python-stdnum accepts."""
    if county == "371003":
        return _wendeng_area(year)
    try:
        ric.validate(make_id(county, dt.date(year, 1, 1), 1))
    except ValidationError:
        return _wendeng_area(year)
    return county


# --- people ---------------------------------------------------------------------------------

_SURNAMES = (
    ("于", 12), ("王", 10), ("刘", 8), ("张", 8), ("丛", 6), ("林", 5), ("宋", 5), ("毕", 4),
    ("谷", 4), ("孙", 4), ("李", 4), ("韩", 4), ("马", 4), ("邹", 3), ("姜", 3), ("梁", 2),
    ("初", 2), ("慕", 2), ("鞠", 2), ("滕", 2),
)  # fmt: skip
_SURNAME_POOL = [s for s, w in _SURNAMES for _ in range(w)]
_GIVEN: dict[tuple[str, int], str] = {
    # (sex, born before): given names of that generation
    ("1", 1960): "德福 德胜 永福 振华 福山 树林 洪山 明德 世昌 桂林 庆余 玉山 海清 学文 广田 春林",
    ("2", 1960): "秀英 桂兰 玉兰 淑珍 秀兰 凤英 桂英 玉珍 秀珍 翠兰 淑英 春兰 桂芝 素芳 凤兰 玉梅",
    ("1", 1990): "建国 建军 海军 卫东 志强 永刚 立新 红军 国庆 建华 海涛 晓东 志刚 洪涛 文斌 立军",
    ("2", 1990): "丽华 红梅 秀丽 海燕 玉霞 春燕 丽萍 晓红 美玲 红霞 桂香 丽娟 爱华 淑华 艳丽 金凤",
    ("1", 2010): "磊 鹏 浩 晨 杰 伟 凯 鑫 宇航 家豪 俊杰 明轩 子豪 晓辉 天宇 博文",
    ("2", 2010): "婷 静 雪 丹 倩 琳 晓雪 佳琪 雨欣 梦瑶 欣怡 思雨 文静 晓丽 慧敏 佳怡",
    ("1", 9999): "子轩 浩然 宇轩 梓豪 一诺 沐宸 子墨 皓轩 俊熙 铭泽",
    ("2", 9999): "梓涵 欣妍 可馨 子涵 语桐 诗涵 若汐 雨桐 梓萱 一涵",
}
_GIVEN_POOLS = {key: names.split() for key, names in _GIVEN.items()}
_PHONE_PREFIXES = [str(n) for n in (*range(130, 140), *range(150, 160), *range(180, 190))]
_ENROLLED = ("preschool", "primary", "junior", "senior", "vocational", "college")


def _given_name(rng: random.Random, sex: str, year: int) -> str:
    era = next(e for e in (1960, 1990, 2010, 9999) if year < e)
    return rng.choice(_GIVEN_POOLS[(sex, era)])


@dataclass
class _Member:
    relationship: str
    sex: str
    age: int
    health: str | None = None
    labour: str | None = None
    school: str | None = None
    surname: str | None = None


@dataclass
class _Plan:
    """A household before it is turned into records."""

    members: list[_Member]
    household_type: str = "general"
    per_capita: int | None = None
    monitoring_status: str = "none"
    monitoring_category: str = ""
    risk_types: str = ""


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _health(rng: random.Random, age: int, covered: bool) -> str:
    if age < 16:
        table = (0.99, 0.0, 0.0, 0.01)
    elif age < 45:
        table = (0.93, 0.04, 0.01, 0.02)
    elif age < 60:
        table = (0.80, 0.13, 0.03, 0.04)
    elif age < 75:
        table = (0.55, 0.35, 0.05, 0.05)
    else:
        table = (0.40, 0.45, 0.08, 0.07)
    if covered:  # former poor households carry more illness and disability
        healthy = 1 - (1 - table[0]) * 1.6
        table = (healthy, table[1] * 1.6, table[2] * 1.6, table[3] * 1.6)
    return rng.choices(("healthy", "chronic", "serious", "disabled"), weights=table)[0]


def _school(rng: random.Random, birth: dt.date, as_of: dt.date) -> str:
    year_start = dt.date(as_of.year if as_of.month >= 9 else as_of.year - 1, 8, 31)
    age = _age(birth, year_start)
    if age < 6:
        return "preschool"
    for limit, stage in ((12, "primary"), (15, "junior")):
        if age < limit:
            return stage
    if age < 18:
        return rng.choices(("senior", "vocational", "not_enrolled"), (0.68, 0.28, 0.04))[0]
    if age < 22:
        return rng.choices(("college", "not_enrolled"), (0.45, 0.55))[0]
    return ""


def _labour(rng: random.Random, age: int, health: str, school: str, covered: bool) -> str:
    if age < 16 or school in _ENROLLED:
        return "none"
    if age >= 60 and covered:
        return "none"  # the national checker wants 无劳动力 for monitored people over 60
    if health in ("serious", "disabled"):
        return rng.choice(("lost", "weak")) if age < 60 else "lost"
    if age < 60:
        if health == "chronic":
            return rng.choice(("normal", "weak", "weak"))
        return rng.choices(("skilled", "normal", "weak"), (0.15, 0.75, 0.10))[0]
    if age < 70:
        options = ("normal", "weak", "none") if health == "healthy" else ("weak", "none")
        return rng.choice(options)
    return rng.choices(("weak", "none"), (0.25, 0.75))[0] if health == "healthy" else "none"


@dataclass
class _Realiser:
    """Turns plans into records, keeping ID numbers unique."""

    rng: random.Random
    as_of: dt.date = REFERENCE_DATE
    used_ids: set[str] = field(default_factory=set)
    used_phones: set[str] = field(default_factory=set)

    def birth(self, age: int) -> dt.date:
        latest = dt.date(self.as_of.year - age, self.as_of.month, min(self.as_of.day, 28))
        return latest - dt.timedelta(days=self.rng.randrange(365))

    def id_number(self, county: str, birth: dt.date, sex: str) -> str:
        area = area_code_for(county, birth.year)
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if sex == "1" else 0)
            number = make_id(area, birth, sequence or 2)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def person(
        self, code: str, county: str, member: _Member, family: str, covered: bool
    ) -> dict[str, str]:
        rng = self.rng
        birth = self.birth(member.age)
        school = member.school if member.school is not None else _school(rng, birth, self.as_of)
        health = member.health or _health(rng, member.age, covered)
        labour = member.labour or _labour(rng, member.age, health, school, covered)
        surname = member.surname or family
        return {
            "household_code": code,
            "id_number": self.id_number(county, birth, member.sex),
            "name": surname + _given_name(rng, member.sex, birth.year),
            "relationship": member.relationship,
            "sex": member.sex,
            "birth_date": birth.isoformat(),
            "health": health,
            "labour": labour,
            "school_stage": school,
            "medical_insurance": "1",
            "status": "active",
        }

    def household(
        self, code: str, village: str, plan: _Plan
    ) -> tuple[dict[str, str], list[dict[str, str]]]:
        covered = plan.household_type == "tuopin" or plan.monitoring_status == "monitored"
        family = self.rng.choice(_SURNAME_POOL)
        persons = []
        for member in plan.members:
            if member.surname is None and member.relationship in ("10", "38", "28"):
                member.surname = self.other_surname(family)
            persons.append(self.person(code, village[:6], member, family, covered))
        per_capita = plan.per_capita or self.per_capita(plan.household_type)
        household = {
            "household_code": code,
            "village_code": village,
            "household_type": plan.household_type,
            "monitoring_status": plan.monitoring_status,
            "monitoring_category": plan.monitoring_category,
            "risk_types": plan.risk_types,
            "net_income_12m": f"{per_capita * len(persons)}.00",
            "phone": self.phone(),
        }
        return household, persons

    def other_surname(self, family: str) -> str:
        while True:
            surname = self.rng.choice(_SURNAME_POOL)
            if surname != family:
                return surname

    def per_capita(self, household_type: str) -> int:
        """Yuan per head; ordinary households stay well above the 2020 line of 6000."""
        if household_type == "tuopin":
            return self.rng.randrange(7600, 12500, 10)
        return max(7600, round(self.rng.gauss(17500, 5500) / 10) * 10)


# --- household shapes -----------------------------------------------------------------------


def _couple(rng: random.Random, low: int, high: int) -> list[_Member]:
    head_age = rng.randint(low, high)
    spouse_age = max(18, head_age + rng.randint(-5, 2))
    return [_Member("01", "1", head_age), _Member("10", "2", spouse_age)]


def _child(rng: random.Random, parent_age: int, low: int, high: int) -> _Member:
    age = rng.randint(max(0, low), max(0, min(high, parent_age - 20)))
    sex = rng.choice("12")
    return _Member("20" if sex == "1" else "30", sex, age)


def _shape(rng: random.Random, size: int) -> list[_Member]:
    """An everyday household of ``size`` people in an ageing village."""
    if size == 1:
        old = rng.random() < 0.8
        age = rng.randint(62, 93) if old else rng.randint(38, 61)
        return [_Member("01", "2" if old and rng.random() < 0.6 else "1", age)]
    if size == 2:
        roll = rng.random()
        if roll < 0.75:
            return _couple(rng, 60, 89)
        if roll < 0.9:
            return _couple(rng, 42, 59)
        head = _Member("01", rng.choice("12"), rng.randint(70, 88))
        return [head, _Member("20", "1", rng.randint(38, head.age - 22))]
    couple = _couple(rng, 52, 70) if size >= 5 else _couple(rng, 32, 75)
    age = couple[0].age
    if size >= 5 or (size == 4 and age >= 55) or (size == 3 and age >= 62):
        return couple + _three_generations(rng, age, size - 2)
    return couple + [_child(rng, age, 0, 28) for _ in range(size - 2)]


def _three_generations(rng: random.Random, head_age: int, count: int) -> list[_Member]:
    """A married son living with his parents, his wife and their children."""
    son = _Member("20", "1", rng.randint(max(24, head_age - 34), head_age - 22))
    members = [son]
    if count >= 2:
        members.append(_Member("38", "2", max(22, son.age + rng.randint(-3, 1))))
    for _ in range(count - len(members)):
        members.append(_Member("40", rng.choice("12"), rng.randint(0, max(0, son.age - 22))))
    return members


def _sizes(rng: random.Random, count: int, total: int) -> list[int]:
    """``count`` household sizes of 1-6 adding up to ``total``."""
    sizes = rng.choices((1, 2, 3, 4, 5, 6), (24, 44, 15, 10, 5, 2), k=count)
    while sum(sizes) != total:
        index = rng.randrange(count)
        step = 1 if sum(sizes) < total else -1
        if 1 <= sizes[index] + step <= 6:
            sizes[index] += step
    return sizes


# --- Beima ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarginalCandidate:
    household_code: str
    reason: str  # "income": income per head below the 2020 line; "medical": rigid medical costs
    per_capita_income: int
    risk_types: str
    note: str
    self_pay: int = 0  # suggested self-pay of the member's 2020 hospital stay ("medical")


@dataclass(frozen=True)
class SuspectedProblem:
    household_code: str
    id_number: str
    rule: str
    note: str
    vehicle: dict[str, str]


@dataclass
class DemoVillage:
    households: list[dict[str, str]]
    persons: list[dict[str, str]]
    marginal_candidates: list[MarginalCandidate]
    suspected_problem: SuspectedProblem
    epidemic_household: str
    monitored: tuple[str, ...]
    areas: tuple[dict[str, str], ...] = AREAS


def _m(
    rel: str, sex: str, age: int, health: str, labour: str, school: str | None = None
) -> _Member:
    return _Member(rel, sex, age, health, labour, school)


# seq -> (plan, candidate reason, per-capita, suggested risk types, note, self-pay)
_MARGINAL: dict[int, tuple[list[_Member], str, int, str, str, int]] = {
    17: (
        [_m("01", "1", 71, "chronic", "none"), _m("10", "2", 69, "serious", "none")],
        "income", 5200, "illness", "老两口，户主长期慢性病，配偶患有大病，人均纯收入低于监测线", 0,
    ),
    64: (
        [_m("01", "2", 66, "disabled", "lost")],
        "income", 4600, "disability", "独居老人，残疾，丧失劳动力，人均纯收入低于监测线", 0,
    ),
    118: (
        [_m("01", "1", 52, "serious", "lost"), _m("10", "2", 50, "healthy", "normal"),
         _m("20", "1", 15, "healthy", "none")],
        "income", 5500, "illness;labour_loss", "户主患大病丧失劳动力，孩子在读，人均收入低", 0,
    ),
    175: (
        [_m("01", "1", 58, "disabled", "lost"), _m("10", "2", 57, "chronic", "weak"),
         _m("50", "2", 82, "chronic", "none")],
        "income", 5300, "disability;illness", "户主残疾，配偶和母亲慢性病，人均纯收入低于监测线", 0,
    ),
    233: (
        [_m("01", "2", 45, "healthy", "normal"), _m("20", "1", 13, "healthy", "none"),
         _m("30", "2", 9, "healthy", "none")],
        "income", 5800, "labour_loss;education", "单亲母亲抚养两个在校子女，人均收入低", 0,
    ),
    290: (
        [_m("01", "1", 61, "serious", "lost"), _m("10", "2", 59, "healthy", "normal")],
        "medical", 8800, "illness", "户主患有大病，2020年住院自付费用远超家庭年收入", 38600,
    ),
    352: (
        [_m("01", "1", 48, "healthy", "normal"), _m("10", "2", 46, "serious", "lost"),
         _m("30", "2", 19, "healthy", "none", "college")],
        "medical", 9200, "illness;education", "配偶患有大病，女儿上大学，刚性支出大", 45200,
    ),
    417: (
        [_m("01", "1", 67, "healthy", "weak"), _m("10", "2", 64, "healthy", "weak"),
         _m("20", "1", 40, "serious", "lost")],
        "medical", 7900, "illness", "儿子患有大病需长期治疗，住院自付费用高", 29800,
    ),
}  # fmt: skip

# seq -> (members, household type, category, status, risk types, per-capita)
_MONITORED: dict[int, tuple[list[_Member], str, str, str, str, int]] = {
    36: (
        [_m("01", "1", 68, "chronic", "none"), _m("10", "2", 66, "serious", "none")],
        "tuopin", "unstable", "monitored", "illness", 5400,
    ),
    88: (
        [_m("01", "1", 63, "chronic", "none"), _m("10", "2", 60, "healthy", "none")],
        "tuopin", "unstable", "eliminated", "illness", 8200,
    ),
    251: (
        [_m("01", "1", 55, "disabled", "lost"), _m("10", "2", 53, "healthy", "normal"),
         _m("20", "1", 24, "healthy", "normal")],
        "tuopin", "unstable", "monitored", "disability", 5700,
    ),
    309: (
        [_m("01", "2", 74, "chronic", "none")],
        "tuopin", "unstable", "monitored", "illness;labour_loss", 5200,
    ),
    380: (
        [_m("01", "1", 49, "disabled", "lost"), _m("10", "2", 47, "healthy", "normal"),
         _m("20", "1", 17, "healthy", "none", "senior")],
        "general", "sudden", "monitored", "disability;accident", 10200,
    ),
}  # fmt: skip

_EPIDEMIC = [
    _m("01", "1", 46, "healthy", "normal"),
    _m("10", "2", 44, "chronic", "weak"),
    _m("30", "2", 16, "healthy", "none", "vocational"),
    _m("50", "1", 75, "chronic", "none"),
]
_SUSPECTED = [
    _m("01", "1", 64, "chronic", "none"),
    _m("10", "2", 62, "healthy", "none"),
    _m("20", "1", 34, "healthy", "normal"),
]
_SUSPECTED_VEHICLE = {
    "vehicle_type": "car",
    "purchase_price": "86000",
    "registered_date": "2019-08-12",
}


def _beima_plans(rng: random.Random) -> dict[int, _Plan]:
    plans: dict[int, _Plan] = {}
    for seq, (members, _reason, per_capita, *_rest) in _MARGINAL.items():
        plans[seq] = _Plan(members, per_capita=per_capita)
    for seq, (members, kind, category, status, risks, per_capita) in _MONITORED.items():
        plans[seq] = _Plan(members, kind, per_capita, status, category, risks)
    plans[199] = _Plan(_EPIDEMIC, "tuopin", per_capita=6600)
    plans[140] = _Plan(_SUSPECTED, "tuopin", per_capita=9800)
    ordinary = [seq for seq in range(1, BEIMA_HOUSEHOLDS + 1) if seq not in plans]
    special_people = sum(len(p.members) for p in plans.values())
    sizes = _sizes(rng, len(ordinary), BEIMA_PERSONS - special_people)
    tuopin_left = BEIMA_TUOPIN - sum(p.household_type == "tuopin" for p in plans.values())
    tuopin = set(rng.sample(ordinary, tuopin_left))
    for seq, size in zip(ordinary, sizes, strict=True):
        plans[seq] = _Plan(_shape(rng, size), "tuopin" if seq in tuopin else "general")
    return plans


@lru_cache(maxsize=1)
def _beima_cached() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rng = random.Random(20200604)  # the day the seed article was published
    plans = _beima_plans(rng)
    realiser = _Realiser(rng)
    households: list[dict[str, str]] = []
    persons: list[dict[str, str]] = []
    for seq in sorted(plans):
        household, members = realiser.household(_beima(seq), BEIMA_CODE, plans[seq])
        households.append(household)
        persons.extend(members)
    return households, persons


BEIMA_GROUPS = ("一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组")


def beima_groups() -> dict[str, list[str]]:
    """The villagers' groups (村民小组) of Beima: eight groups of neighbouring codes."""
    codes = [h["household_code"] for h in _beima_cached()[0]]
    groups: dict[str, list[str]] = {}
    for n, code in enumerate(codes):
        groups.setdefault(BEIMA_GROUPS[n * len(BEIMA_GROUPS) // len(codes)], []).append(code)
    return groups


def beima_village() -> DemoVillage:
    """The demo village: 460 households, 1,064 people, 39 脱贫户, as of April 2020.

    Fresh copies of the records on every call, so callers may change them.
    """
    households, persons = _beima_cached()
    candidates = [
        MarginalCandidate(_beima(seq), reason, per_capita, risks, note, self_pay)
        for seq, (_members, reason, per_capita, risks, note, self_pay) in _MARGINAL.items()
    ]
    owner = next(
        p
        for p in persons
        if p["household_code"] == BEIMA_SUSPECTED_PROBLEM_CODE and p["relationship"] == "20"
    )
    problem = SuspectedProblem(
        BEIMA_SUSPECTED_PROBLEM_CODE,
        owner["id_number"],
        "A01",
        "脱贫户家庭成员（户主之子，在册）名下登记有一辆购置价86000元的小汽车",
        {"id_number": owner["id_number"], **_SUSPECTED_VEHICLE},
    )
    return DemoVillage(
        households=[dict(h) for h in households],
        persons=[dict(p) for p in persons],
        marginal_candidates=candidates,
        suspected_problem=problem,
        epidemic_household=BEIMA_EPIDEMIC_CODE,
        monitored=BEIMA_MONITORED_CODES,
    )


def beima_department_records() -> dict[str, list[dict[str, str]]]:
    """Department rows (INTERFACES 3.1) behind the demo's findings: one hospital stay per
    medical candidate and the car of the suspected problem. Other datasets are left to the
    screening demo data."""
    village = beima_village()
    claims = []
    for n, candidate in enumerate(c for c in village.marginal_candidates if c.reason == "medical"):
        patient = next(
            p
            for p in village.persons
            if p["household_code"] == candidate.household_code and p["health"] == "serious"
        )
        admitted = dt.date(2020, 2, 10) + dt.timedelta(days=17 * n)
        claims.append(
            {
                "id_number": patient["id_number"],
                "admission_date": admitted.isoformat(),
                "discharge_date": (admitted + dt.timedelta(days=21)).isoformat(),
                "total_cost": str(candidate.self_pay * 3),
                "self_pay": str(candidate.self_pay),
            }
        )
    return {"medical_claims": claims, "vehicles": [dict(village.suspected_problem.vehicle)]}


# --- registries of any size -----------------------------------------------------------------


def _monitor(rng: random.Random, plan: _Plan, persons: list[dict[str, str]]) -> None:
    """Put a generated household under monitoring with a risk its members justify."""
    healths = {p["health"] for p in persons}
    if healths & {"chronic", "serious"}:
        risk = "illness"
    elif "disabled" in healths:
        risk = "disability"
    elif any(p["labour"] in ("skilled", "normal", "weak") for p in persons):
        risk = rng.choice(("employment", "epidemic", "disaster"))
    else:
        risk = "labour_loss"
    plan.risk_types = risk
    plan.monitoring_status = "monitored"
    plan.monitoring_category = "unstable" if plan.household_type == "tuopin" else "marginal"
    plan.per_capita = rng.randrange(4000, 5900, 10)


def iter_registry(
    n_persons: int,
    seed: int = 0,
    villages: Sequence[str] = (BEIMA_CODE,),
    *,
    tuopin_share: float = 0.085,
    monitored_share: float = 0.012,
    as_of: dt.date = REFERENCE_DATE,
) -> Iterator[tuple[dict[str, str], list[dict[str, str]]]]:
    """Yield ``(household, persons)`` until exactly ``n_persons`` people have been made.

    Household codes are the village code and a sequence number per village. Memory grows only
    with the set of ID numbers already used (kept to make them unique).
    """
    rng = random.Random(seed)
    realiser = _Realiser(rng, as_of)
    width = max(4, len(str(n_persons // max(len(villages), 1))))
    sequences = dict.fromkeys(villages, 0)
    made = 0
    while made < n_persons:
        village = rng.choice(villages)
        sequences[village] += 1
        size = min(rng.choices((1, 2, 3, 4, 5, 6), (24, 44, 15, 10, 5, 2))[0], n_persons - made)
        kind = "tuopin" if rng.random() < tuopin_share else "general"
        plan = _Plan(_shape(rng, size), kind)
        code = f"{village}{sequences[village]:0{width}d}"
        household, persons = realiser.household(code, village, plan)
        share = monitored_share * (4 if kind == "tuopin" else 1)
        if rng.random() < share:
            _monitor(rng, plan, persons)
            household.update(
                monitoring_status=plan.monitoring_status,
                monitoring_category=plan.monitoring_category,
                risk_types=plan.risk_types,
                net_income_12m=f"{(plan.per_capita or 0) * len(persons)}.00",
            )
        made += len(persons)
        yield household, persons


def generate_registry(
    n_persons: int, seed: int = 0, villages: Sequence[str] = (BEIMA_CODE,)
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """A registry of exactly ``n_persons`` people (see :func:`iter_registry`) as two lists."""
    households: list[dict[str, str]] = []
    persons: list[dict[str, str]] = []
    for household, members in iter_registry(n_persons, seed, villages):
        households.append(household)
        persons.extend(members)
    return households, persons


# --- roster workbooks -----------------------------------------------------------------------

ROSTER_COLUMNS = (
    "row_number",
    "village_code",
    "household_code",
    "name",
    "relationship",
    "id_number",
    "sex",
    "birth_date",
    "health",
    "labour",
    "school_stage",
    "medical_insurance",
    "household_type",
    "monitoring_category",
    "risk_types",
    "risk_eliminated",
    "net_income_12m",
    "phone",
    "person_status",
)
_HOUSEHOLD_ROSTER_FIELDS = {
    "village_code",
    "household_type",
    "monitoring_category",
    "risk_types",
    "risk_eliminated",
    "net_income_12m",
    "phone",
}
ROSTER_TITLE_ROWS = 2  # the header is on row 3, data from row 4


def _roster_header(name: str) -> str:
    return "序号" if name == "row_number" else ROSTER_HEADERS[name][0]


def _clean_values(number: int, household: dict[str, str], person: dict[str, str]) -> dict[str, Any]:
    status = household["monitoring_status"]
    eliminated = {"monitored": "否", "eliminated": "是"}.get(status, "")
    income = household["net_income_12m"]
    return {
        "row_number": number,
        "village_code": household["village_code"],
        "household_code": person["household_code"],
        "name": person["name"],
        "relationship": labels.relationship_label(person["relationship"], person["sex"]),
        "id_number": person["id_number"],
        "sex": labels.SEX_LABELS[person["sex"]],
        "birth_date": dt.date.fromisoformat(person["birth_date"]),
        "health": labels.HEALTH_LABELS[person["health"]],
        "labour": labels.LABOUR_LABELS[person["labour"]],
        "school_stage": labels.SCHOOL_STAGE_LABELS[person["school_stage"]],
        "medical_insurance": "是" if person["medical_insurance"] == "1" else "否",
        "household_type": labels.HOUSEHOLD_TYPE_LABELS[household["household_type"]],
        "monitoring_category": labels.MONITORING_CATEGORY_LABELS[household["monitoring_category"]],
        "risk_types": labels.risk_types_label(household["risk_types"]).replace(";", "、"),
        "risk_eliminated": eliminated,
        "net_income_12m": float(income) if income else "",
        "phone": household["phone"],
        "person_status": labels.PERSON_STATUS_LABELS[person["status"]],
    }


_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
_MESSY_RELATIONSHIP = {"20": "儿子", "30": "女儿", "10": "配偶", "38": "儿媳", "01": "户主"}


def _messy(
    rng: random.Random, values: dict[str, Any], person: dict[str, str], head: bool
) -> dict[str, Any]:
    """Harmless variants only: the import must normalise every one of them back."""
    id_number = person["id_number"]
    variant = rng.randrange(4)
    if variant == 1:
        id_number = id_number.lower()
    elif variant == 2:
        id_number = id_number.translate(_FULL_WIDTH)
    elif variant == 3:
        id_number = f" {id_number.lower()} "
    values["id_number"] = id_number
    birth = dt.date.fromisoformat(person["birth_date"])
    values["birth_date"] = rng.choice(
        (
            f"{birth:%Y.%m.%d}",
            f"{birth.year}/{birth.month}/{birth.day}",
            f"{birth:%Y%m%d}",
            (birth - dt.date(1899, 12, 30)).days,
            birth,
        )
    )
    values["relationship"] = _MESSY_RELATIONSHIP.get(person["relationship"], values["relationship"])
    if len(person["name"]) == 2 and rng.random() < 0.5:
        values["name"] = person["name"][0] + "\u3000" + person["name"][1]
    values["household_code"] = f" {values['household_code']}"
    if values["household_type"] == "一般农户" and rng.random() < 0.5:
        values["household_type"] = "普通农户"
    if values["phone"] and rng.random() < 0.3:
        values["phone"] = values["phone"].translate(_FULL_WIDTH)
    if not head:  # household facts written on the head's row only
        for name in _HOUSEHOLD_ROSTER_FIELDS:
            values[name] = ""
    return values


def roster_rows(
    households: Iterable[dict[str, str]],
    persons: Iterable[dict[str, str]],
    messy: bool = False,
    seed: int = 0,
) -> Iterator[list[Any]]:
    """The data rows of a roster in the order of :data:`ROSTER_COLUMNS`."""
    by_code = {h["household_code"]: h for h in households}
    rng = random.Random(seed)
    for number, person in enumerate(persons, start=1):
        values = _clean_values(number, by_code[person["household_code"]], person)
        if messy:
            values = _messy(rng, values, person, person["relationship"] == "01")
        yield [safe_cell(values[name]) for name in ROSTER_COLUMNS]


def _write_workbook(path: str | Path, title: str, rows: Iterable[list[Any]]) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("农户花名册")
    last = get_column_letter(len(ROSTER_COLUMNS))
    sheet.merged_cells.add(f"A1:{last}1")
    sheet.merged_cells.add(f"A2:{last}2")
    sheet.append([title])
    sheet.append([f"数据截至：{REFERENCE_DATE:%Y年%m月%d日}　　单位：元"])
    sheet.append([_roster_header(name) for name in ROSTER_COLUMNS])
    for row in rows:
        sheet.append(row)
    target = Path(path)
    workbook.save(target)
    return target


def write_roster_xlsx(
    path: str | Path,
    households: Iterable[dict[str, str]],
    persons: Iterable[dict[str, str]],
    messy: bool = False,
    *,
    seed: int = 0,
    title: str = "文登区宋村镇北马村防返贫动态监测农户信息花名册",
) -> Path:
    """A roster as village cadres keep it: a merged title row and a note above the Chinese
    headers (row 3), one row per person. ``persons`` may be a generator. With ``messy`` the
    values carry harmless variants (full-width digits, spaces, lower-case x, 1980.05.06 /
    1980/5/6 / 19800506 / serial dates, 儿子/女儿, 普通农户, household facts only on the
    head's row) that the import normalises."""
    return _write_workbook(path, title, roster_rows(households, persons, messy, seed))


def write_bad_roster_xlsx(path: str | Path) -> list[tuple[int, str, str]]:
    """A roster with one rejected row for each kind of INTERFACES 2.2 (and a few more).

    Returns the expected rejections as ``(sheet row, column header, code)``; rows are those of
    the workbook (data starts on row 4). The unknown village is only reported when the
    import's ``village_exists`` knows Beima alone.
    """
    households, persons = generate_registry(12, seed=7)
    rows = [list(r) for r in roster_rows(households, persons)]
    col = {name: n for n, name in enumerate(ROSTER_COLUMNS)}
    header = _roster_header
    first = ROSTER_TITLE_ROWS + 2
    template = rows[0]
    expected: list[tuple[int, str, str]] = []

    def add(seq: int, changes: dict[str, Any], relationship: str = "户主", n: int = 0) -> int:
        born = dt.date(1950 + seq, 3, 3 + n)
        row = list(template)
        row[col["household_code"]] = f"BAD{seq:03d}"
        row[col["relationship"]] = relationship
        row[col["name"]] = f"测试{seq}{'甲乙'[n]}"
        row[col["id_number"]] = make_id(area_code_for("371003", born.year), born, 11 + n)
        row[col["birth_date"]] = born
        row[col["sex"]] = "男" if n == 0 else "女"
        for name, value in changes.items():
            row[col[name]] = value
        rows.append(row)
        return first + len(rows) - 1

    good_id = persons[1]["id_number"]
    bad_checksum = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("id_number", "checksum", {"id_number": bad_checksum}),
        ("id_number", "lost_digits", {"id_number": 1.10105e17}),
        ("id_number", "lost_digits", {"id_number": "1.10105E+17"}),
        ("birth_date", "birth_date_mismatch", {"birth_date": "1970.01.01"}),
        ("sex", "sex_mismatch", {"sex": "女"}),
        ("health", "unknown_label", {"health": "还行"}),
        ("phone", "phone", {"phone": "0631-841234"}),
        ("village_code", "unknown_village", {"village_code": "371003105299"}),
    ]
    for seq, (name, code, changes) in enumerate(cases, start=1):
        expected.append((add(seq, changes), header(name), code))
    # a duplicate ID: the wife in a new household carries the ID of the second person above
    add(20, {})
    copied = {"id_number": good_id, "birth_date": persons[1]["birth_date"]}
    copied["sex"] = labels.SEX_LABELS[persons[1]["sex"]]
    expected.append((add(20, copied, "配偶", 1), header("id_number"), "duplicate_id"))
    # a household without a head, and one with two heads: reported on every row
    for seq, relationships in ((30, ("配偶", "之子")), (40, ("户主", "户主"))):
        for n, relationship in enumerate(relationships):
            expected.append(
                (add(seq, {}, relationship, n), header("relationship"), "household_head")
            )
    for number, row in enumerate(rows, start=1):
        row[col["row_number"]] = number
    _write_workbook(path, "北马村农户信息（含错误行，供测试）", rows)
    return sorted(expected)
