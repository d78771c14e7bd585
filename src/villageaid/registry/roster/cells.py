"""Cell values: each roster column's conversion to its INTERFACES 2.1 form, normalising
what is harmless and raising :class:`~.model.Invalid` with a Chinese reason for the rest."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from villageaid.core import bounds, idnumber
from villageaid.registry import labels
from villageaid.registry.roster.model import Invalid

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def as_text(value: object) -> str:
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
    return "".join(as_text(value).split())


def _code(value: object, what: str) -> str:
    """A code typed as digits (户编号, 行政村代码): a number cell must not have lost digits."""
    if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e15):
        raise Invalid("lost_digits", f"{what}被表格存成了数字，丢失了位数，请把该列设为文本")
    text = _compact(value)
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", text, re.IGNORECASE):
        raise Invalid("lost_digits", f"{what}被表格存成了数字，丢失了位数，请把该列设为文本")
    return text


def _name(value: object) -> str:
    text = as_text(value)
    if all("\u3400" <= ch <= "\u9fff" or ch.isspace() or ch == "·" for ch in text):
        return "".join(text.split())  # 张  三 (padded two-character names)
    return " ".join(text.split())


_LOST_DIGITS = "证件号码被表格存成了数字，丢失了位数，请把该列设为文本后重新填写"


def check_digit(first17: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    return idnumber.calc_check_digit(first17)


def validate_id(value: object) -> str:
    """The roster's ID check is ``idnumber.validate`` itself: shape, birth date (not in the
    future), check character. An earlier fast path here accepted later birth dates."""
    return idnumber.validate(value)


def _id_number(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise Invalid("lost_digits", _LOST_DIGITS)
    try:
        return validate_id(value)
    except idnumber.IdNumberError as exc:
        if exc.reason == "lost_digits":
            raise Invalid("lost_digits", _LOST_DIGITS) from exc
        code = "checksum" if exc.reason == "checksum" else "id_format"
        raise Invalid(code, str(exc)) from exc


def _date_from_parts(year: int, month: int, day: int) -> dt.date:
    try:
        day_ = dt.date(year, month, day)
    except ValueError as exc:
        raise Invalid("date_format", "出生日期不是有效的日期") from exc
    try:
        bounds.check_past_date(day_)  # issue 18: no birth in the future, none before 1900
    except ValidationError:
        raise Invalid("date_format", f"出生日期“{day_}”不能晚于今天，也不能早于 1900 年") from None
    return day_


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
    text = as_text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _date_from_parts(*(int(g) for g in match.groups()))
    if re.fullmatch(r"\d{1,5}(\.\d+)?", text) and 0 < float(text) < 2958466:
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    raise Invalid("date_format", f"出生日期“{text}”无法识别，应写作 1980-05-06")


def _money(value: object) -> str:
    text = _compact(value).replace(",", "").removesuffix("元")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise Invalid("amount", f"家庭年纯收入“{text}”不是有效的金额") from exc
    if not amount.is_finite():
        raise Invalid("amount", f"家庭年纯收入“{text}”不是有效的金额")
    if not bounds.NET_INCOME.low <= amount <= bounds.NET_INCOME.high:  # before any arithmetic
        raise Invalid("amount", bounds.NET_INCOME.message())
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    try:
        bounds.NET_INCOME.check(cents)  # issue 18: what the column and the domain allow
    except ValidationError as exc:
        raise Invalid("amount", exc.messages[0]) from None
    return str(cents)


def _phone(value: object) -> str:
    text = re.sub(r"[\s\-()]", "", as_text(value))
    if not re.fullmatch(r"1\d{10}", text):
        raise Invalid("phone", f"联系电话“{text}”不是11位手机号码")
    return text


def _label(table: dict[str, str], header: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        code = labels.lookup(table, as_text(value))
        if code is None:
            raise Invalid("unknown_label", f"{header}“{as_text(value)}”不是可识别的选项")
        return code

    return convert


def _relationship(value: object) -> str:
    text = as_text(value)
    if text in labels.RELATIONSHIP_LABELS:
        return text
    return _label(labels.RELATIONSHIP_FROM_LABEL, "与户主关系")(text)


def _risk_types(value: object) -> str:
    codes, unknown = labels.risk_types_from_labels(as_text(value))
    if unknown:
        raise Invalid("unknown_label", f"风险类型“{'、'.join(unknown)}”不是可识别的选项")
    return ";".join(codes)


def _village_code(value: object) -> str:
    text = _code(value, "行政村代码")
    if not re.fullmatch(r"\d{12}", text):
        raise Invalid("village", f"行政村代码“{text}”应为12位数字")
    return text


CONVERTERS: dict[str, Callable[[object], str]] = {
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
_MEMO_FIELDS = frozenset(CONVERTERS) - {
    "household_code",
    "name",
    "id_number",
    "birth_date",
    "phone",
    "net_income_12m",
}


def converter(name: str) -> Callable[[object], str]:
    convert = CONVERTERS[name]
    if name not in _MEMO_FIELDS:
        return convert
    memo: dict[tuple[type, object], str] = {}

    def remembered(value: object) -> str:
        key = (type(value), value)
        if key not in memo:
            if len(memo) > 10_000:
                memo.clear()
            memo[key] = convert(value)  # an Invalid is raised, not remembered
        return memo[key]

    return remembered
