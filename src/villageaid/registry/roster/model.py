"""What a roster holds and what parsing it gives: the columns of INTERFACES 2.1, the
headers of 2.2, and the result and error types shared by the other modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    person_rows: list[int] = field(default_factory=list)  # the sheet row of each of persons

    @property
    def ok(self) -> bool:
        return not self.rejected


class Invalid(Exception):
    """One value that fails a check: ``code`` is stable, ``reason`` is for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
