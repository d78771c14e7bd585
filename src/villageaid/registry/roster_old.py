"""Staged import of village household rosters (INTERFACES 2.2) and the interchange files (2.1).

:func:`parse_roster` reads an XLSX/XLS (python-calamine, one row at a time) or CSV roster, finds
the header row under any title rows, normalises harmless variants and rejects the rest with the
row number the user sees in the spreadsheet, the column header and a reason in Chinese. It touches
no database: the caller decides what to do with the :class:`ParseResult` (by default, commit
nothing when ``result.rejected`` is not empty).

A household is only returned when every one of its rows was accepted. Values in the returned
dicts are strings in the INTERFACES 2.1 form, exactly what :func:`write_interchange` writes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from villageaid.core import idnumber
from villageaid.core.sheets import safe_cell
from villageaid.core.textfiles import sniff_encoding
from villageaid.registry import labels

__all__ = [
    "HOUSEHOLD_COLUMNS",
    "PERSON_COLUMNS",
    "ROSTER_HEADERS",
    "ParseResult",
    "Progress",
    "Rejection",
    "RosterError",
    "check_digit",
    "parse_roster",
    "read_interchange",
    "safe_cell",
    "validate_id",
    "write_error_workbook",
    "write_interchange",
]

HOUSEHOLD_COLUMNS = (
    "household_code",
    "village_code",
    "household_type",
    "monitoring_status",
    "monitoring_category",
    "risk_types",
    "net_income_12m",
    "phone",
)
PERSON_COLUMNS = (
    "household_code",
    "id_number",
    "name",
    "relationship",
    "sex",
    "birth_date",
    "health",
    "labour",
    "school_stage",
    "medical_insurance",
    "status",
)

# field -> (header as written on export, aliases). 2.2 lists the first eighteen; the last two are
# additions (INTERFACES allows new columns).
ROSTER_HEADERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "village_code": ("行政村代码", ("村代码", "行政村编码", "村编码")),
    "household_code": ("户编号", ("户码", "户号")),
    "name": ("姓名", ("成员姓名",)),
    "id_number": ("证件号码", ("身份证号", "身份证号码", "公民身份号码", "身份证件号码")),
    "relationship": ("与户主关系", ("与户主的关系", "家庭关系")),
    "sex": ("性别", ()),
    "birth_date": ("出生日期", ("出生年月日", "出生年月")),
    "health": ("健康状况", ("健康情况",)),
    "labour": ("劳动技能", ("劳动能力",)),
    "school_stage": ("在校生状况", ("在校生情况", "在校状况")),
    "medical_insurance": (
        "是否参加城乡居民基本医疗保险",
        ("是否参加城乡居民医疗保险", "是否参加基本医疗保险", "是否参加医保"),
    ),
    "household_type": ("户类型", ("农户类型", "户属性")),
    "monitoring_category": ("监测对象类别", ("监测类别", "监测对象类型")),
    "risk_types": ("风险类型", ("致贫返贫风险", "返贫致贫风险", "致贫风险", "返贫风险")),
    "net_income_12m": ("家庭年纯收入", ("家庭纯收入", "年纯收入", "家庭年收入")),
    "phone": ("联系电话", ("户联系电话", "电话", "手机号码", "手机号")),
    "risk_eliminated": ("风险是否已消除", ("是否已消除风险", "风险是否消除")),
    "person_status": ("人员状态", ("成员状态",)),
}
REQUIRED_FIELDS = (
    "household_code",
    "name",
    "id_number",
    "relationship",
    "health",
    "labour",
    "medical_insurance",
    "household_type",
)
HOUSEHOLD_FIELDS = (
    "village_code",
    "household_type",
    "monitoring_category",
    "risk_types",
    "net_income_12m",
    "phone",
    "risk_eliminated",
)

Progress = Callable[[int, int | None], None]
VillageExists = Callable[[str], bool]

_HEADER_SCAN_ROWS = 30
_PROGRESS_EVERY = 2000
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class RosterError(ValueError):
    """The file as a whole cannot be imported (unreadable, empty, a required header missing)."""


@dataclass(frozen=True)
class Rejection:
    """One reason a row was rejected; a row can have several."""

    row: int
    column: str
    value: str
    reason: str
    code: str


@dataclass
class ParseResult:
    households: list[dict[str, str]]
    persons: list[dict[str, str]]
    rejected: list[Rejection]
    headers: list[str]
    rejected_rows: dict[int, list[Any]]
    sheet: str
    header_row: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.rejected


class _Invalid(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


# --- cell values ----------------------------------------------------------------------------


def _text(value: object) -> str:
    """A cell as text: NFKC, outer spaces removed, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _compact(value: object) -> str:
    return "".join(_text(value).split())


def _code(value: object, what: str) -> str:
    """A code typed as digits (户编号, 行政村代码): a number cell must not have lost digits."""
    if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e15):
        raise _Invalid("lost_digits", f"{what}被表格存成了数字，丢失了位数，请把该列设为文本")
    text = _compact(value)
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", text, re.IGNORECASE):
        raise _Invalid("lost_digits", f"{what}被表格存成了数字，丢失了位数，请把该列设为文本")
    return text


def _name(value: object) -> str:
    text = _text(value)
    if all("\u3400" <= ch <= "\u9fff" or ch.isspace() or ch == "·" for ch in text):
        return "".join(text.split())  # 张  三 (padded two-character names)
    return " ".join(text.split())


_LOST_DIGITS = "证件号码被表格存成了数字，丢失了位数，请把该列设为文本后重新填写"
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_digit(first17: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


@lru_cache(maxsize=65536)
def _area_valid_in(area: str, year: int) -> bool:
    """What ``idnumber.validate`` says about an area code for a birth year, asked once."""
    first17 = f"{area}{year:04d}0101001"
    try:
        return idnumber.is_valid(first17 + check_digit(first17))
    except KeyError:  # python-stdnum 2.2 fails so on area codes known only above county level
        return False


def _core_validate(value: object) -> str:
    try:
        return idnumber.validate(value)
    except KeyError as exc:  # see _area_valid_in
        raise idnumber.IdNumberError("format", "证件号码格式错误") from exc


def validate_id(value: object) -> str:
    """``idnumber.validate`` with a fast path for well-formed IDs.

    python-stdnum looks the area code up for every number, which made it most of the import
    time. Here the shape, check digit and date are checked directly and the area code once per
    (area, birth year) through ``idnumber``; anything that fails the fast path goes to
    ``idnumber.validate`` itself, so the verdict and the message are always the same as its.
    """
    text = idnumber.normalise(value)
    if _ID_SHAPE.fullmatch(text) and text[17] == check_digit(text[:17]):
        try:
            born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
        except ValueError:
            return _core_validate(value)
        if _area_valid_in(text[:6], born.year):
            return text
    return _core_validate(value)


def _id_number(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _Invalid("lost_digits", _LOST_DIGITS)
    try:
        return validate_id(value)
    except idnumber.IdNumberError as exc:
        if exc.reason == "lost_digits":
            raise _Invalid("lost_digits", _LOST_DIGITS) from exc
        code = "checksum" if exc.reason == "checksum" else "id_format"
        raise _Invalid(code, str(exc)) from exc


def _date_from_parts(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise _Invalid("date_format", "出生日期不是有效的日期") from exc


_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def _date(value: object) -> dt.date:
    """``1980-05-06``, ``1980.05.06``, ``1980/5/6``, ``19800506``, a date cell or a serial."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _date_from_parts(*(int(g) for g in match.groups()))
    if re.fullmatch(r"\d{1,5}(\.\d+)?", text) and 0 < float(text) < 2958466:
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    raise _Invalid("date_format", f"出生日期“{text}”无法识别，应写作 1980-05-06")


def _money(value: object) -> str:
    text = _compact(value).replace(",", "").removesuffix("元")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise _Invalid("amount", f"家庭年纯收入“{text}”不是有效的金额") from exc
    if not amount.is_finite():
        raise _Invalid("amount", f"家庭年纯收入“{text}”不是有效的金额")
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _phone(value: object) -> str:
    text = re.sub(r"[\s\-()]", "", _text(value))
    if not re.fullmatch(r"1\d{10}", text):
        raise _Invalid("phone", f"联系电话“{text}”不是11位手机号码")
    return text


def _label(table: dict[str, str], header: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        code = labels.lookup(table, _text(value))
        if code is None:
            raise _Invalid("unknown_label", f"{header}“{_text(value)}”不是可识别的选项")
        return code

    return convert


def _relationship(value: object) -> str:
    text = _text(value)
    if text in labels.RELATIONSHIP_LABELS:
        return text
    return _label(labels.RELATIONSHIP_FROM_LABEL, "与户主关系")(text)


def _risk_types(value: object) -> str:
    codes, unknown = labels.risk_types_from_labels(_text(value))
    if unknown:
        raise _Invalid("unknown_label", f"风险类型“{'、'.join(unknown)}”不是可识别的选项")
    return ";".join(codes)


def _village_code(value: object) -> str:
    text = _code(value, "行政村代码")
    if not re.fullmatch(r"\d{12}", text):
        raise _Invalid("village", f"行政村代码“{text}”应为12位数字")
    return text


_CONVERTERS: dict[str, Callable[[object], str]] = {
    "village_code": _village_code,
    "household_code": lambda v: _code(v, "户编号"),
    "name": _name,
    "id_number": _id_number,
    "relationship": _relationship,
    "sex": _label(labels.SEX_FROM_LABEL, "性别"),
    "birth_date": lambda v: _date(v).isoformat(),
    "health": _label(labels.HEALTH_FROM_LABEL, "健康状况"),
    "labour": _label(labels.LABOUR_FROM_LABEL, "劳动技能"),
    "school_stage": _label(labels.SCHOOL_STAGE_FROM_LABEL, "在校生状况"),
    "medical_insurance": _label(labels.YES_NO_FROM_LABEL, "是否参加城乡居民基本医疗保险"),
    "household_type": _label(labels.HOUSEHOLD_TYPE_FROM_LABEL, "户类型"),
    "monitoring_category": _label(labels.MONITORING_CATEGORY_FROM_LABEL, "监测对象类别"),
    "risk_types": _risk_types,
    "net_income_12m": _money,
    "phone": _phone,
    "risk_eliminated": _label(labels.YES_NO_FROM_LABEL, "风险是否已消除"),
    "person_status": _label(labels.PERSON_STATUS_FROM_LABEL, "人员状态"),
}


# Columns whose few distinct values repeat on every row: their conversions are remembered.
_MEMO_FIELDS = frozenset(_CONVERTERS) - {
    "household_code",
    "name",
    "id_number",
    "birth_date",
    "phone",
    "net_income_12m",
}


def _converter(name: str) -> Callable[[object], str]:
    convert = _CONVERTERS[name]
    if name not in _MEMO_FIELDS:
        return convert
    memo: dict[tuple[type, object], str] = {}

    def remembered(value: object) -> str:
        key = (type(value), value)
        if key not in memo:
            if len(memo) > 10_000:
                memo.clear()
            memo[key] = convert(value)  # an _Invalid is raised, not remembered
        return memo[key]

    return remembered


# --- reading rows ---------------------------------------------------------------------------


def _header_key(text: object) -> str:
    key = labels.label_key(text).replace("*", "").rstrip(":")
    return re.sub(r"\([^)]*\)$", "", key)


_HEADER_INDEX: dict[str, str] = {
    _header_key(h): name
    for name, (header, aliases) in ROSTER_HEADERS.items()
    for h in (header, *aliases)
}


def _header_map(row: Sequence[object]) -> dict[str, int]:
    """``{field: column index}`` for the cells of ``row`` that are known headers."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = _HEADER_INDEX.get(_header_key(cell)) if isinstance(cell, str) else None
        if name and name not in found:
            found[name] = index
    return found


def _is_header(row: Sequence[object]) -> bool:
    found = _header_map(row)
    return "id_number" in found and len(found) >= 3


@dataclass
class _Table:
    sheet: str
    rows: Iterator[tuple[int, list[Any]]]  # (sheet row number, cells)
    total: int | None


def _open(source: str | Path | IO[bytes]) -> tuple[bytes, Path | IO[bytes]]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            with path.open("rb") as fh:
                return fh.read(8), path
        except OSError as exc:
            raise RosterError(f"无法打开文件：{path.name}") from exc
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    return head, source


def _tables(source: str | Path | IO[bytes]) -> Iterator[_Table]:
    head, opened = _open(source)
    if not head:
        raise RosterError("文件是空的")
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        yield from _workbook_tables(opened)
    else:
        yield _csv_table(opened)


def _workbook_tables(opened: Path | IO[bytes]) -> Iterator[_Table]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_object(opened)
    except Exception as exc:  # calamine raises several unrelated types
        raise RosterError("无法读取表格文件，请确认是有效的 XLSX 或 XLS 文件") from exc
    with workbook:
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            end = sheet.end
            if end is None:
                continue
            # iter_rows() starts at the sheet's first row, so the index is the row number - 1.
            rows = ((n + 1, list(cells)) for n, cells in enumerate(sheet.iter_rows()))
            yield _Table(name, rows, end[0] + 1)


def _detect_encoding(raw: IO[bytes]) -> str:
    try:
        return sniff_encoding(raw)
    except ValueError as exc:
        raise RosterError(f"CSV 文件{exc}") from None


def _csv_table(opened: Path | IO[bytes]) -> _Table:
    raw: IO[bytes] = opened.open("rb") if isinstance(opened, Path) else opened
    encoding = _detect_encoding(raw)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    sample = text.read(1 << 16)
    text.seek(0)
    first_lines = sample.splitlines()[:_HEADER_SCAN_ROWS]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in first_lines))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=1):
                yield number, list(cells)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise RosterError(f"CSV 文件无法读取（{encoding}）：{exc}") from exc
        finally:
            if isinstance(opened, Path):
                text.close()

    return _Table("CSV", rows(), None)


def _find_header(table: _Table) -> tuple[int, list[Any]] | None:
    for number, cells in table.rows:
        if _is_header(cells):
            return number, cells
        if number >= _HEADER_SCAN_ROWS:
            return None
    return None


# --- the parser -----------------------------------------------------------------------------


@dataclass
class _Household:
    code: str
    first_row: int
    rows: list[tuple[int, str]] = field(default_factory=list)  # (row, 与户主关系 as written)
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # field -> (value, row)
    heads: int = 0
    relationships_known: bool = True
    rejected: bool = False


_ROW_REQUIRED = tuple(n for n in REQUIRED_FIELDS if n not in HOUSEHOLD_FIELDS)


class _Parser:
    def __init__(
        self,
        columns: dict[str, int],
        headers: list[str],
        village_code: str | None,
        village_exists: VillageExists | None,
    ) -> None:
        self.columns = columns
        self.headers = headers
        self.village_code = village_code
        self.village_exists = village_exists
        self.known_villages: dict[str, bool] = {}
        self.households: dict[str, _Household] = {}
        self.persons: list[dict[str, str]] = []
        self.ids: dict[str, int] = {}
        self.rejected: list[Rejection] = []
        self.rejected_rows: dict[int, list[Any]] = {}
        self.rows = 0
        self.fields = [(n, columns[n], _converter(n)) for n in _CONVERTERS if n in columns]

    def header(self, name: str) -> str:
        index = self.columns.get(name)
        return ROSTER_HEADERS[name][0] if index is None else self.headers[index]

    def cell(self, cells: list[Any], name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return None
        value = cells[index]
        return None if value == "" else value

    def reject(
        self, number: int, cells: list[Any], name: str, value: object, err: _Invalid
    ) -> None:
        self.rejected.append(
            Rejection(number, self.header(name), _text(value), err.reason, err.code)
        )
        self.rejected_rows.setdefault(number, cells)

    def is_person_row(self, cells: list[Any]) -> bool:
        if self.cell(cells, "id_number") is None and self.cell(cells, "name") is None:
            return False  # blank, a total or a "填表人" footer
        id_cell = self.cell(cells, "id_number")
        return not (isinstance(id_cell, str) and _HEADER_INDEX.get(_header_key(id_cell)))

    def convert(self, number: int, cells: list[Any]) -> dict[str, str]:
        values: dict[str, str] = {}
        width = len(cells)
        for name, index, converter in self.fields:
            raw = cells[index] if index < width else None
            if raw is None or raw == "":
                if name in _ROW_REQUIRED:
                    err = _Invalid("required", f"{self.header(name)}不能为空")
                    self.reject(number, cells, name, raw, err)
                continue
            try:
                values[name] = converter(raw)
            except _Invalid as err:
                self.reject(number, cells, name, raw, err)
        return values

    def row(self, number: int, cells: list[Any]) -> None:
        if not self.is_person_row(cells):
            return
        self.rows += 1
        errors_before = len(self.rejected)
        values = self.convert(number, cells)
        self.check_person(number, cells, values)
        household = self.household(number, cells, values)
        if len(self.rejected) > errors_before:
            if household is not None:
                household.rejected = True
            return
        self.persons.append(_person(values))

    def check_person(self, number: int, cells: list[Any], values: dict[str, str]) -> None:
        id_number = values.get("id_number")
        if id_number is None:
            return
        first = self.ids.setdefault(id_number, number)
        if first != number:
            err = _Invalid("duplicate_id", f"证件号码与第{first}行重复")
            self.reject(number, cells, "id_number", id_number, err)
        born = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"  # checked by validate_id
        if values.setdefault("birth_date", born) != born:
            err = _Invalid("birth_date_mismatch", f"出生日期与证件号码不符（证件号码中为{born}）")
            self.reject(number, cells, "birth_date", self.cell(cells, "birth_date"), err)
        sex = idnumber.sex(id_number)
        if values.setdefault("sex", sex) != sex:
            label = labels.SEX_LABELS[sex]
            err = _Invalid("sex_mismatch", f"性别与证件号码不符（证件号码中为{label}）")
            self.reject(number, cells, "sex", self.cell(cells, "sex"), err)

    def household(self, number: int, cells: list[Any], values: dict[str, str]) -> _Household | None:
        code = values.get("household_code")
        if code is None:
            return None
        household = self.households.get(code)
        if household is None:
            household = self.households[code] = _Household(code, number)
        household.rows.append((number, _text(self.cell(cells, "relationship"))))
        household.heads += values.get("relationship") == "01"
        household.relationships_known &= "relationship" in values
        self.check_village_argument(number, cells, values)
        for name in HOUSEHOLD_FIELDS:
            if name in values:
                self.merge(household, number, cells, name, values[name])
        return household

    def check_village_argument(self, number: int, cells: list[Any], values: dict[str, str]) -> None:
        if not self.village_code:
            return
        given = values.setdefault("village_code", self.village_code)
        if given != self.village_code:
            err = _Invalid(
                "village_mismatch", f"行政村代码与导入时指定的村（{self.village_code}）不一致"
            )
            self.reject(number, cells, "village_code", given, err)

    def merge(
        self, household: _Household, number: int, cells: list[Any], name: str, value: str
    ) -> None:
        known = household.values.setdefault(name, (value, number))
        if known[0] != value:
            err = _Invalid("conflict", f"与同户第{known[1]}行的{self.header(name)}不一致")
            self.reject(number, cells, name, self.cell(cells, name), err)
        elif known[1] == number and name == "village_code":
            self.check_village(number, cells, value)

    def check_village(self, number: int, cells: list[Any], code: str) -> None:
        if self.village_exists is None:
            return
        if code not in self.known_villages:
            self.known_villages[code] = bool(self.village_exists(code))
        if not self.known_villages[code]:
            err = _Invalid("unknown_village", f"行政村代码“{code}”不是系统中的村")
            self.reject(number, cells, "village_code", code, err)

    def finish(self) -> set[int]:
        """Household-wide checks. Returns the rows first rejected here, whose cells are not kept."""
        late: set[int] = set()
        for household in self.households.values():
            for number, name, value, err in self.household_problems(household):
                household.rejected = True
                self.rejected.append(
                    Rejection(number, self.header(name), value, err.reason, err.code)
                )
                late.add(number)
        self.rejected.sort(key=lambda r: r.row)
        return late - set(self.rejected_rows)

    def household_problems(self, household: _Household) -> Iterator[tuple[int, str, str, _Invalid]]:
        code, first = household.code, household.first_row
        if household.relationships_known and household.heads != 1:
            if household.heads == 0:
                err = _Invalid("household_head", f"户编号{code}的家庭没有户主")
            else:
                err = _Invalid(
                    "household_head", f"户编号{code}的家庭有{household.heads}个户主，应只有一个"
                )
            for number, written in household.rows:
                yield number, "relationship", written, err
        values = {name: value for name, (value, _row) in household.values.items()}
        if "household_type" not in values:
            yield (
                first,
                "household_type",
                "",
                _Invalid("required", f"户编号{code}的家庭没有填写户类型"),
            )
        if "village_code" not in values:
            yield (
                first,
                "village_code",
                "",
                _Invalid("required", f"户编号{code}的家庭没有行政村代码"),
            )
        reason = _category_problem(values)
        if reason is not None:
            row = household.values["monitoring_category"][1]
            label = labels.MONITORING_CATEGORY_LABELS[values["monitoring_category"]]
            yield row, "monitoring_category", label, _Invalid("category_mismatch", reason)

    def result_households(self) -> list[dict[str, str]]:
        return [_household(h) for h in self.households.values() if not h.rejected]

    def result_persons(self) -> list[dict[str, str]]:
        bad = {code for code, h in self.households.items() if h.rejected}
        return [p for p in self.persons if p["household_code"] not in bad]


def _person(values: dict[str, str]) -> dict[str, str]:
    person = {name: values.get(name, "") for name in PERSON_COLUMNS}
    person["status"] = values.get("person_status", "active")
    return person


def _household(household: _Household) -> dict[str, str]:
    values = {name: value for name, (value, _row) in household.values.items()}
    status = "monitored" if values.get("monitoring_category") else "none"
    if values.get("risk_eliminated") == "1":
        status = "eliminated"
    record = {name: values.get(name, "") for name in HOUSEHOLD_COLUMNS}
    record.update(household_code=household.code, monitoring_status=status)
    return record


def _category_problem(values: dict[str, str]) -> str | None:
    category, kind = values.get("monitoring_category", ""), values.get("household_type", "")
    if category == "unstable" and kind == "general":
        return "脱贫不稳定户只能是脱贫户"
    if category == "marginal" and kind == "tuopin":
        return "边缘易致贫户只能是一般农户"
    return None


def _collect_rows(
    source: str | Path | IO[bytes], sheet: str, wanted: set[int]
) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for table in _tables(source):
        if table.sheet == sheet:
            for number, cells in table.rows:
                if number in wanted:
                    found[number] = cells
            break
    return found


def _locate(source: str | Path | IO[bytes]) -> tuple[_Table, int, list[Any]]:
    seen = 0
    for table in _tables(source):
        seen += 1
        header = _find_header(table)
        if header is not None:
            return table, header[0], header[1]
    if not seen:
        raise RosterError("表格是空的，没有任何内容")
    raise RosterError("找不到表头：需要一行包含“证件号码”“姓名”“户编号”等列名")


def parse_roster(
    source: str | Path | IO[bytes],
    *,
    village_code: str | None = None,
    village_exists: VillageExists | None = None,
    progress: Progress | None = None,
) -> ParseResult:
    """Parse and validate a roster (XLSX, XLS or CSV) without touching the database.

    ``village_code`` is used where the roster has no 行政村代码 value; ``village_exists`` is
    asked once per village code found. ``progress(done_rows, total_rows_or_None)`` is called
    every couple of thousand rows and at the end. Raises :class:`RosterError` when the file as a
    whole cannot be read.
    """
    table, header_row, header_cells = _locate(source)
    columns = _header_map(header_cells)
    missing = [ROSTER_HEADERS[n][0] for n in REQUIRED_FIELDS if n not in columns]
    if missing:
        raise RosterError("缺少必需的列：" + "、".join(missing))
    if "village_code" not in columns and not village_code:
        raise RosterError("缺少“行政村代码”列：请在表中填写，或在导入时指定村")
    headers = [_text(h) for h in header_cells]
    parser = _Parser(columns, headers, village_code, village_exists)
    total = None if table.total is None else max(table.total - header_row, 0)
    for done, (number, cells) in enumerate(table.rows, start=1):
        parser.row(number, cells)
        if progress is not None and done % _PROGRESS_EVERY == 0:
            progress(done, total)
    late = parser.finish()
    if late:
        parser.rejected_rows.update(_collect_rows(source, table.sheet, late))
    persons = parser.result_persons()
    households = parser.result_households()
    if progress is not None:
        progress(total if total is not None else parser.rows, total)
    return ParseResult(
        households=households,
        persons=persons,
        rejected=parser.rejected,
        headers=headers,
        rejected_rows=dict(sorted(parser.rejected_rows.items())),
        sheet=table.sheet,
        header_row=header_row,
        counts={
            "rows": parser.rows,
            "rejected_rows": len({r.row for r in parser.rejected}),
            "households": len(households),
            "persons": len(persons),
            "rejected_households": sum(h.rejected for h in parser.households.values()),
        },
    )


# --- writing --------------------------------------------------------------------------------


def write_error_workbook(result: ParseResult, path: str | Path) -> Path:
    """An XLSX of the rejected rows: their row number, original values, the columns at fault and
    the reasons. Cells at fault are filled red. The header row is the roster's, so the sheet can
    be corrected and imported again."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "错误行"
    sheet.append(["原表行号", *(safe_cell(h) for h in result.headers), "错误列", "错误原因"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFC7CE")
    by_row: dict[int, list[Rejection]] = {}
    for rejection in result.rejected:
        by_row.setdefault(rejection.row, []).append(rejection)
    for number, rejections in sorted(by_row.items()):
        cells = list(result.rejected_rows.get(number, []))
        cells += [""] * (len(result.headers) - len(cells))
        columns = list(dict.fromkeys(r.column for r in rejections))
        reasons = "；".join(dict.fromkeys(r.reason for r in rejections))
        sheet.append([number, *(safe_cell(c) for c in cells), "、".join(columns), reasons])
        for index, header in enumerate(result.headers, start=2):
            if header in columns:
                sheet.cell(sheet.max_row, index).fill = fill
    target = Path(path)
    workbook.save(target)
    return target


def write_interchange(
    households: Iterable[dict[str, str]], persons: Iterable[dict[str, str]], directory: str | Path
) -> tuple[Path, Path]:
    """Write ``households.csv`` and ``persons.csv`` (INTERFACES 2.1, UTF-8, no BOM)."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    paths = (target / "households.csv", target / "persons.csv")
    for path, rows, columns in zip(
        paths, (households, persons), (HOUSEHOLD_COLUMNS, PERSON_COLUMNS), strict=True
    ):
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(
                fh, fieldnames=columns, extrasaction="ignore", lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(rows)
    return paths


def _read_csv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    with path.open("rb") as raw:
        encoding = _detect_encoding(raw)
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.DictReader(fh)
        present = {(h or "").strip() for h in reader.fieldnames or ()}
        for column in columns:
            if column not in present:
                raise RosterError(f"{path.name} 缺少列 {column}")
        return [{c: (row.get(c) or "").strip() for c in columns} for row in reader]


def _read_parquet(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    import duckdb

    relation = duckdb.read_parquet(str(path))
    for column in columns:
        if column not in relation.columns:
            raise RosterError(f"{path.name} 缺少列 {column}")
    rows = relation.select(*columns).fetchall()
    return [
        {c: "" if v is None else str(v) for c, v in zip(columns, row, strict=True)} for row in rows
    ]


def read_interchange(directory: str | Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Read ``households`` and ``persons`` (``.csv`` or ``.parquet``) from ``directory``.

    Values are returned as written (stripped strings), not validated: the screening rules
    (``Q01``–``Q06``) are what reports bad data in a registry.
    """
    base = Path(directory)
    tables = []
    for name, columns in (("households", HOUSEHOLD_COLUMNS), ("persons", PERSON_COLUMNS)):
        if (base / f"{name}.csv").exists():
            tables.append(_read_csv(base / f"{name}.csv", columns))
        elif (base / f"{name}.parquet").exists():
            tables.append(_read_parquet(base / f"{name}.parquet", columns))
        else:
            raise RosterError(f"{base} 中没有 {name}.csv")
    return tables[0], tables[1]
