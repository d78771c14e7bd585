"""Validation of rows and households: each row's cells converted (:mod:`.cells`), the
person checked against their ID, the household's rows checked against each other."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from villageaid.core import idnumber
from villageaid.registry import labels
from villageaid.registry.roster.cells import CONVERTERS, as_text, converter
from villageaid.registry.roster.model import (
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_FIELDS,
    PERSON_COLUMNS,
    REQUIRED_FIELDS,
    ROSTER_HEADERS,
    Invalid,
    Rejection,
    VillageExists,
)
from villageaid.registry.roster.reading import is_header_cell


@dataclass(slots=True)
class _Household:
    code: str
    first_row: int
    rows: list[tuple[int, str]] = field(default_factory=list)  # (row, 与户主关系 as written)
    values: dict[str, str] = field(default_factory=dict)  # field -> value
    # field -> the row that gave it, only where that is not first_row (most households give
    # every household value on their first row: no tuple per value, no second dict)
    value_rows: dict[str, int] | None = None
    heads: int = 0
    relationships_known: bool = True
    rejected: bool = False


_ROW_REQUIRED = tuple(n for n in REQUIRED_FIELDS if n not in HOUSEHOLD_FIELDS)


class Parser:
    """Rows in, accepted households and persons and the rejections out."""

    def __init__(
        self,
        columns: dict[str, int],
        headers: list[str],
        village_code: str | None,
        village_exists: VillageExists | None,
        village_allowed: VillageExists | None = None,
    ) -> None:
        self.columns = columns
        self.headers = headers
        self.village_code = village_code
        self.village_exists = village_exists
        self.village_allowed = village_allowed
        self.known_villages: dict[str, Invalid | None] = {}
        self.households: dict[str, _Household] = {}
        self.persons: list[dict[str, str]] = []
        self.person_rows: list[int] = []  # the sheet row of each of self.persons
        self.ids: dict[str, int] = {}
        self.rejected: list[Rejection] = []
        self.rejected_rows: dict[int, list[Any]] = {}
        self.rows = 0
        self.fields = [(n, columns[n], converter(n)) for n in CONVERTERS if n in columns]

    def header(self, name: str) -> str:
        index = self.columns.get(name)
        return ROSTER_HEADERS[name][0] if index is None else self.headers[index]

    def cell(self, cells: list[Any], name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return None
        value = cells[index]
        return None if value == "" else value

    def reject(self, number: int, cells: list[Any], name: str, value: object, err: Invalid) -> None:
        self.rejected.append(
            Rejection(number, self.header(name), as_text(value), err.reason, err.code)
        )
        self.rejected_rows.setdefault(number, cells)

    def is_person_row(self, cells: list[Any]) -> bool:
        if self.cell(cells, "id_number") is None and self.cell(cells, "name") is None:
            return False  # blank, a total or a "填表人" footer
        id_cell = self.cell(cells, "id_number")
        return not is_header_cell(id_cell)

    def convert(self, number: int, cells: list[Any]) -> dict[str, str]:
        values: dict[str, str] = {}
        width = len(cells)
        for name, index, convert in self.fields:
            raw = cells[index] if index < width else None
            if raw is None or raw == "":
                if name in _ROW_REQUIRED:
                    err = Invalid("required", f"{self.header(name)}不能为空")
                    self.reject(number, cells, name, raw, err)
                continue
            try:
                values[name] = convert(raw)
            except Invalid as err:
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
        self.person_rows.append(number)

    def check_person(self, number: int, cells: list[Any], values: dict[str, str]) -> None:
        id_number = values.get("id_number")
        if id_number is None:
            return
        first = self.ids.setdefault(id_number, number)
        if first != number:
            err = Invalid("duplicate_id", f"证件号码与第{first}行重复")
            self.reject(number, cells, "id_number", id_number, err)
        born = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"  # checked by validate_id
        if values.setdefault("birth_date", born) != born:
            err = Invalid("birth_date_mismatch", f"出生日期与证件号码不符（证件号码中为{born}）")
            self.reject(number, cells, "birth_date", self.cell(cells, "birth_date"), err)
        sex = idnumber.sex(id_number)
        if values.setdefault("sex", sex) != sex:
            label = labels.SEX_LABELS[sex]
            err = Invalid("sex_mismatch", f"性别与证件号码不符（证件号码中为{label}）")
            self.reject(number, cells, "sex", self.cell(cells, "sex"), err)

    def household(self, number: int, cells: list[Any], values: dict[str, str]) -> _Household | None:
        code = values.get("household_code")
        if code is None:
            return None
        household = self.households.get(code)
        if household is None:
            household = self.households[code] = _Household(code, number)
        household.rows.append((number, as_text(self.cell(cells, "relationship"))))
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
            err = Invalid(
                "village_mismatch", f"行政村代码与导入时指定的村（{self.village_code}）不一致"
            )
            self.reject(number, cells, "village_code", given, err)

    def merge(
        self, household: _Household, number: int, cells: list[Any], name: str, value: str
    ) -> None:
        known = household.values.get(name)
        if known is None:
            household.values[name] = value
            if number != household.first_row:
                household.value_rows = household.value_rows or {}
                household.value_rows[name] = number
            if name == "village_code":
                self.check_village(number, cells, value)
        elif known != value:
            row = _value_row(household, name)
            err = Invalid("conflict", f"与同户第{row}行的{self.header(name)}不一致")
            self.reject(number, cells, name, self.cell(cells, name), err)

    def check_village(self, number: int, cells: list[Any], code: str) -> None:
        if code not in self.known_villages:
            self.known_villages[code] = self.village_problem(code)
        err = self.known_villages[code]
        if err is not None:
            self.reject(number, cells, "village_code", code, err)

    def village_problem(self, code: str) -> Invalid | None:
        if self.village_exists is not None and not self.village_exists(code):
            return Invalid("unknown_village", f"行政村代码“{code}”不是系统中的村")
        if self.village_allowed is not None and not self.village_allowed(code):
            return Invalid("outside_area", f"行政村代码“{code}”不在您的管理范围内")
        return None

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

    def household_problems(self, household: _Household) -> Iterator[tuple[int, str, str, Invalid]]:
        code, first = household.code, household.first_row
        if household.relationships_known and household.heads != 1:
            if household.heads == 0:
                err = Invalid("household_head", f"户编号{code}的家庭没有户主")
            else:
                err = Invalid(
                    "household_head", f"户编号{code}的家庭有{household.heads}个户主，应只有一个"
                )
            for number, written in household.rows:
                yield number, "relationship", written, err
        values = household.values
        if "household_type" not in values:
            yield (
                first,
                "household_type",
                "",
                Invalid("required", f"户编号{code}的家庭没有填写户类型"),
            )
        if "village_code" not in values:
            yield (
                first,
                "village_code",
                "",
                Invalid("required", f"户编号{code}的家庭没有行政村代码"),
            )
        reason = _category_problem(values)
        if reason is not None:
            row = _value_row(household, "monitoring_category")
            label = labels.MONITORING_CATEGORY_LABELS[values["monitoring_category"]]
            yield row, "monitoring_category", label, Invalid("category_mismatch", reason)

    def results(self) -> tuple[list[dict[str, str]], list[dict[str, str]], list[int], int]:
        """Accepted households, accepted persons, their rows, and the count of households
        rejected. The parser's own state is released as the results are built (a roster of
        200,000 one-person households must stay within the memory the caps promise)."""
        bad = {code for code, h in self.households.items() if h.rejected}
        households = []
        while self.households:
            _code, household = self.households.popitem()
            if not household.rejected:
                households.append(_household(household))
        households.reverse()
        self.ids.clear()
        kept = [i for i, p in enumerate(self.persons) if p["household_code"] not in bad]
        if len(kept) == len(self.persons):
            return households, self.persons, self.person_rows, len(bad)
        persons = [self.persons[i] for i in kept]
        rows = [self.person_rows[i] for i in kept]
        return households, persons, rows, len(bad)


def _person(values: dict[str, str]) -> dict[str, str]:
    person = {name: values.get(name, "") for name in PERSON_COLUMNS}
    person["status"] = values.get("person_status", "active")
    return person


def _value_row(household: _Household, name: str) -> int:
    return (household.value_rows or {}).get(name, household.first_row)


def _household(household: _Household) -> dict[str, str]:
    values = household.values
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
