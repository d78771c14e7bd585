"""Synthetic registry and dirty department file for record linkage, with the truth kept.

The error model (``ERROR_MODEL``) is what ``docs/record-linkage.md`` states and what the
linkage model's m-probabilities are read from. Every department row belongs to exactly
one *ID class* (how its ID number went wrong, or that its person is not in the registry),
then each of its other fields is damaged independently at the stated rate:

ID classes (share of dirty rows)
    ``id15``        18 %  the pre-1999 15-digit ID (only people born before 1985; a later
                          birth gets a check-character typo instead: ~12.5 % realised)
    ``check``       14 %  the check character mistyped
    ``transposed``  14 %  two adjacent differing characters swapped
    ``typo``         8 %  one body digit mistyped (check character left as it was)
    ``missing``     26 %  no ID: name, birth date and village only
    ``nobody``      20 %  a resident of the same villages who is not in the registry
                          (half without ID, half with a mistyped one): must stay unlinked

Field damage (each row, independently)
    name: 8 % one character replaced by a homophone or variant form (same pinyin),
          3 % the two given-name characters swapped, 2 % one character replaced by an
          unrelated one; birth date: 4 % one digit mistyped (still a date), 1 % day and
          month swapped, 2 % missing; sex: 2 % missing; village: 4 % a neighbouring
          village of the same township (moved), 3 % missing.

Everything is drawn from one seeded ``random.Random``: the same arguments give the same files.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from villageaid.core import idnumber

ID_CLASSES = {
    "id15": 0.18,
    "check": 0.14,
    "transposed": 0.14,
    "typo": 0.08,
    "missing": 0.26,
    "nobody": 0.20,
}
ERROR_MODEL = {
    "name_variant": 0.08,
    "name_swapped": 0.03,
    "name_typo": 0.02,
    "birth_typo": 0.04,
    "birth_swapped": 0.01,
    "birth_missing": 0.02,
    "sex_missing": 0.02,
    "village_moved": 0.04,
    "village_missing": 0.03,
}

# County codes (Weihai, Shandong) and the shape of the area tree under them.
COUNTIES = ("371002", "371003", "371082", "371083", "370602", "370612", "370681", "370683")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
# Given-name characters; those in VARIANTS can be written with another character of the
# same reading (homophones used in names, and traditional or variant forms).
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红玉梅林峰志文辉波宁凤云春海"
    "晓光宏雪燕鹏飞俊斌鑫淑珍荣莉琴萍彬浩亮成忠永德新庆福金龙凯欣佳婷颖慧丹东兵"
)
VARIANTS = {
    "伟": "玮炜卫",
    "芳": "方坊",
    "娜": "那",
    "秀": "绣",
    "英": "瑛莹",
    "敏": "闵民",
    "静": "靖婧",
    "丽": "俪莉立",
    "强": "蔷",
    "磊": "蕾",
    "军": "君钧",
    "杰": "洁傑",
    "涛": "韬滔",
    "明": "鸣铭",
    "华": "桦化",
    "建": "健剑",
    "国": "國",
    "红": "虹宏鸿",
    "峰": "锋丰峯",
    "志": "智",
    "文": "雯",
    "辉": "晖",
    "波": "博",
    "宁": "凝",
    "凤": "奉",
    "云": "芸",
    "春": "椿",
    "燕": "艳雁",
    "鹏": "朋",
    "飞": "菲",
    "俊": "峻",
    "斌": "彬",
    "鑫": "欣馨",
    "珍": "贞",
    "荣": "蓉",
    "琴": "勤",
    "萍": "平苹",
    "浩": "皓",
    "成": "诚",
    "忠": "中",
    "永": "勇",
    "德": "得",
    "新": "心",
    "庆": "青",
    "福": "富",
    "金": "锦",
    "龙": "隆",
    "凯": "恺",
    "佳": "家",
    "婷": "亭",
    "颖": "莹",
    "慧": "惠",
    "丹": "单",
    "东": "冬",
    "兵": "冰",
    "梅": "玫",
    "林": "琳",
    "霞": "侠",
    "刚": "钢",
    "桂": "贵",
    "玉": "钰",
    "晓": "小",
    "光": "广",
    "宏": "洪",
    "雪": "学",
    "超": "潮",
    "兰": "岚",
    "平": "萍",
    "洋": "阳",
    "艳": "燕",
    "娟": "鹃",
    "淑": "舒",
    "莉": "丽",
    "彬": "斌",
    "欣": "馨",
    "勇": "永",
}
UNRELATED = "石木山川田禾日月水火土"


@dataclass
class Synthetic:
    """Paths of one generated set."""

    households: Path
    persons: Path
    department: Path
    truth: Path


def _weights(n: int, skew: float) -> list[float]:
    return [1.0 / (k + 1) ** skew for k in range(n)]


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surname_cum = list(itertools.accumulate(_weights(len(SURNAMES), 1.0)))
        self.given_cum = list(itertools.accumulate(_weights(len(GIVEN), 0.6)))

    def draw(self) -> str:
        surname = self.rng.choices(SURNAMES, cum_weights=self.surname_cum)[0]
        count = 2 if self.rng.random() < 0.75 else 1
        return surname + "".join(self.rng.choices(GIVEN, cum_weights=self.given_cum, k=count))


def _new_id(rng: random.Random, county: str, born: dt.date, sex: str, taken: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if sex == "1" else 0)
        first17 = f"{county}{born:%Y%m%d}{seq:03d}"
        value = first17 + idnumber.calc_check_digit(first17)
        if value not in taken:
            taken.add(value)
            return value


_YEARS = range(1930, 2021)
_YEAR_CUM = list(itertools.accumulate(_weights(len(_YEARS), -0.3)[::-1]))


def _birth(rng: random.Random) -> dt.date:
    year = rng.choices(_YEARS, cum_weights=_YEAR_CUM)[0]
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _villages(count: int) -> list[str]:
    codes = []
    per_county = max(1, count // len(COUNTIES))
    for n in range(count):
        county = COUNTIES[(n // per_county) % len(COUNTIES)]
        township = (n % per_county) // 10 + 1
        village = n % 10 + 1
        codes.append(f"{county}{township:03d}{village:03d}")
    return sorted(set(codes))


def _person(
    rng: random.Random, names: _Names, village: str, taken: set[str]
) -> tuple[str, str, str, dt.date]:
    sex = rng.choice("12")
    born = _birth(rng)
    return _new_id(rng, village[:6], born, sex, taken), names.draw(), sex, born


def _damage_id(rng: random.Random, true_id: str, kind: str) -> str:
    if kind == "id15":
        return true_id[:6] + true_id[8:17]
    if kind == "check":
        return true_id[:17] + rng.choice([c for c in "0123456789X" if c != true_id[17]])
    if kind == "transposed":
        spots = [i for i in range(17) if true_id[i] != true_id[i + 1]]
        i = rng.choice(spots)
        return true_id[:i] + true_id[i + 1] + true_id[i] + true_id[i + 2 :]
    if kind == "typo":
        i = rng.randrange(6, 17)
        digit = rng.choice([d for d in "0123456789" if d != true_id[i]])
        return true_id[:i] + digit + true_id[i + 1 :]
    return ""


def _damage_name(rng: random.Random, name: str, notes: list[str]) -> str:
    roll = rng.random()
    model = ERROR_MODEL
    if roll < model["name_variant"]:
        spots = [i for i in range(1, len(name)) if name[i] in VARIANTS]
        if spots:
            i = rng.choice(spots)
            notes.append("name_variant")
            return name[:i] + rng.choice(VARIANTS[name[i]]) + name[i + 1 :]
    elif roll < model["name_variant"] + model["name_swapped"]:
        if len(name) == 3 and name[1] != name[2]:
            notes.append("name_swapped")
            return name[0] + name[2] + name[1]
    elif roll < model["name_variant"] + model["name_swapped"] + model["name_typo"]:
        i = rng.randrange(1, len(name))
        notes.append("name_typo")
        return name[:i] + rng.choice(UNRELATED) + name[i + 1 :]
    return name


def _damage_birth(rng: random.Random, born: dt.date, notes: list[str]) -> str:
    roll = rng.random()
    model = ERROR_MODEL
    text = born.isoformat()
    if roll < model["birth_typo"]:
        for _ in range(20):
            i = rng.choice([2, 3, 5, 6, 8, 9])
            typed = text[:i] + rng.choice("0123456789") + text[i + 1 :]
            try:
                if typed != text and dt.date.fromisoformat(typed):
                    notes.append("birth_typo")
                    return typed
            except ValueError:
                continue
    elif roll < model["birth_typo"] + model["birth_swapped"]:
        if born.day <= 12 and born.day != born.month:
            notes.append("birth_swapped")
            return dt.date(born.year, born.day, born.month).isoformat()
    elif roll < model["birth_typo"] + model["birth_swapped"] + model["birth_missing"]:
        notes.append("birth_missing")
        return ""
    return text


def generate(
    directory: Path, *, persons: int, department_rows: int, seed: int = 11643
) -> Synthetic:
    """Write ``households.parquet``, ``persons.parquet`` (registry, INTERFACES 2.1 plus a
    ``name`` and ``village_code``), ``medical_claims.parquet`` (the dirty department file,
    with ``name``, ``sex``, ``birth_date`` and ``village_code`` beside the ID) and
    ``truth.parquet`` (``record_no``, ``true_id`` — empty for ``nobody`` —, ``id_class``,
    ``damage``)."""
    rng = random.Random(seed)
    names = _Names(rng)
    directory.mkdir(parents=True, exist_ok=True)
    villages = _villages(max(4, persons // 1000))
    taken: set[str] = set()
    h_rows: dict[str, list[object]] = {"household_code": [], "village_code": []}
    p_cols = ("household_code", "id_number", "name", "sex", "birth_date", "village_code")
    p_rows: dict[str, list[object]] = {c: [] for c in p_cols}
    made = 0
    n_household = 0
    while made < persons:
        village = villages[rng.randrange(len(villages))]
        n_household += 1
        code = f"{village}{n_household:07d}"
        h_rows["household_code"].append(code)
        h_rows["village_code"].append(village)
        for _ in range(min(rng.choice((1, 2, 3, 3, 4, 4, 5, 6)), persons - made)):
            pid, name, sex, born = _person(rng, names, village, taken)
            for key, value in zip(p_cols, (code, pid, name, sex, born, village), strict=True):
                p_rows[key].append(value)
            made += 1
    _write_registry(directory, h_rows, p_rows)
    department, truth = _department(rng, names, villages, taken, p_rows, department_rows)
    paths = Synthetic(
        households=directory / "households.parquet",
        persons=directory / "persons.parquet",
        department=directory / "medical_claims.parquet",
        truth=directory / "truth.parquet",
    )
    pq.write_table(pa.table(department), paths.department)
    pq.write_table(pa.table(truth), paths.truth)
    return paths


def _write_registry(
    directory: Path, h_rows: dict[str, list[object]], p_rows: dict[str, list[object]]
) -> None:
    n_h = len(h_rows["household_code"])
    households = {
        **h_rows,
        "household_type": ["tuopin"] * n_h,
        "monitoring_status": ["none"] * n_h,
        "monitoring_category": [None] * n_h,
        "risk_types": [None] * n_h,
        "net_income_12m": ["20000.00"] * n_h,
    }
    n_p = len(p_rows["id_number"])
    people = {
        **p_rows,
        "birth_date": [d.isoformat() for d in p_rows["birth_date"]],  # type: ignore[attr-defined]
        "health": ["healthy"] * n_p,
        "labour": ["normal"] * n_p,
        "medical_insurance": ["1"] * n_p,
        "status": ["active"] * n_p,
    }
    pq.write_table(pa.table(households), directory / "households.parquet")
    pq.write_table(pa.table(people), directory / "persons.parquet")


def _department(
    rng: random.Random,
    names: _Names,
    villages: list[str],
    taken: set[str],
    p_rows: dict[str, list[object]],
    rows: int,
) -> tuple[dict[str, list[object]], dict[str, list[object]]]:
    cols = ("record_no", "id_number", "name", "sex", "birth_date", "village_code")
    extra = ("admission_date", "discharge_date", "total_cost", "self_pay")
    out: dict[str, list[object]] = {c: [] for c in (*cols, *extra)}
    truth: dict[str, list[object]] = {"record_no": [], "true_id": [], "id_class": [], "damage": []}
    classes, weights = zip(*ID_CLASSES.items(), strict=True)
    by_township: dict[str, list[str]] = {}
    for v in villages:
        by_township.setdefault(v[:9], []).append(v)
    n_reg = len(p_rows["id_number"])
    for record_no in range(1, rows + 1):
        kind = rng.choices(classes, weights)[0]
        notes: list[str] = []
        if kind == "nobody":
            village = villages[rng.randrange(len(villages))]
            pid, name, sex, born = _person(rng, names, village, taken)
            true_id = ""
            shown_id = "" if rng.random() < 0.5 else _damage_id(rng, pid, "typo")
        else:
            k = rng.randrange(n_reg)
            pid = str(p_rows["id_number"][k])
            name, sex = str(p_rows["name"][k]), str(p_rows["sex"][k])
            born = p_rows["birth_date"][k]  # type: ignore[assignment]
            village = str(p_rows["village_code"][k])
            if kind == "id15" and born.year >= 1985:
                kind = "check"
            true_id = pid
            shown_id = _damage_id(rng, pid, kind)
        shown_name = _damage_name(rng, name, notes)
        shown_birth = _damage_birth(rng, born, notes)
        shown_sex = sex
        if rng.random() < ERROR_MODEL["sex_missing"]:
            shown_sex = ""
            notes.append("sex_missing")
        roll = rng.random()
        shown_village = village
        if roll < ERROR_MODEL["village_moved"]:
            others = [v for v in by_township[village[:9]] if v != village]
            if others:
                shown_village = rng.choice(others)
                notes.append("village_moved")
        elif roll < ERROR_MODEL["village_moved"] + ERROR_MODEL["village_missing"]:
            shown_village = ""
            notes.append("village_missing")
        admitted = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300))
        cost = rng.randrange(2000, 60000)
        values = (
            record_no,
            shown_id,
            shown_name,
            shown_sex,
            shown_birth,
            shown_village,
            admitted.isoformat(),
            (admitted + dt.timedelta(days=rng.randrange(1, 20))).isoformat(),
            f"{cost}.00",
            f"{cost * rng.randrange(20, 60) // 100}.00",
        )
        for key, value in zip((*cols, *extra), values, strict=True):
            out[key].append(value)
        truth["record_no"].append(record_no)
        truth["true_id"].append(true_id)
        truth["id_class"].append(kind)
        truth["damage"].append(",".join(notes))
    return out, truth
