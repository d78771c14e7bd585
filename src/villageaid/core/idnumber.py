"""Resident ID numbers (GB 11643-1999): validation, derived facts and masking.

The check character comes from python-stdnum's ``stdnum.cn.ric``; this module adds the facts
the registry derives from an ID (sex, birth date) and the mask used everywhere
an ID is shown without the reveal permission.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from stdnum.cn import ric

__all__ = [
    "IdNumberError",
    "birth_date",
    "calc_check_digit",
    "is_valid",
    "mask",
    "normalise",
    "repair_candidates",
    "sex",
    "upgrade_15",
    "validate",
]


class IdNumberError(ValueError):
    """An ID number that fails GB 11643; ``reason`` is a short code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def normalise(value: object) -> str:
    """Full-width to half-width, spaces removed, ``x`` upper-cased."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split()).upper()


def validate(value: object) -> str:
    """Return the normalised 18-character ID or raise :class:`IdNumberError`.

    Checks format, birth date and the ISO 7064 MOD 11-2 check character. The
    address code is not checked against today's division list: people keep the
    ID issued under codes that have since changed (Wendeng was 372132, 370632,
    371022 and 371081 before 371003), so such a check would reject real rosters.
    """
    text = normalise(value)
    if "E+" in text or "." in text:
        raise IdNumberError("lost_digits", "证件号码被表格存成了数字，丢失了位数")
    if len(text) != 18:
        raise IdNumberError("length", "证件号码应为18位")
    if not text[:17].isdigit():
        raise IdNumberError("format", "证件号码格式错误")
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError as exc:
        raise IdNumberError("birth_date", "证件号码中的出生日期无效") from exc
    if born.year < 1900 or born > dt.date.today():
        raise IdNumberError("birth_date", "证件号码中的出生日期无效")
    if calc_check_digit(text) != text[17]:
        raise IdNumberError("checksum", "证件号码校验位错误")
    return text


def is_valid(value: object) -> bool:
    try:
        validate(value)
    except IdNumberError:
        return False
    return True


def calc_check_digit(first17: str) -> str:
    """The check character for the first 17 digits (stdnum wants a full-length number)."""
    return str(ric.calc_check_digit(first17[:17] + "0"))


def upgrade_15(value: object) -> str:
    """The 18-character ID of a 15-digit one (GB 11643-1999 appendix: the pre-1999 number is
    address, ``YYMMDD``, sequence; insert the century ``19`` and append the check character).
    Raises :class:`IdNumberError` when ``value`` is not a 15-digit ID with a valid date."""
    text = normalise(value)
    if len(text) != 15 or not text.isdigit():
        raise IdNumberError("length", "证件号码应为15位数字")
    first17 = text[:6] + "19" + text[6:]
    return validate(first17 + calc_check_digit(first17))


# Why a candidate was proposed (``repair_candidates``): a 15-digit ID upgraded, a wrong
# check character replaced, two adjacent characters swapped back.
UPGRADED, CHECK_DIGIT, TRANSPOSED = "upgraded", "check_digit", "transposed"


def repair_candidates(value: object) -> list[tuple[str, str]]:
    """Valid 18-character IDs one known clerical error away from ``value``, with the reason.

    These are candidates, never corrections: a transposition or a check-character typo can
    land on another real person's ID, so a caller links a candidate only with agreeing
    name, birth date or village (screening's record linkage). A valid ``value`` has no
    candidates. A 15-digit ID has exactly its upgrade (GB 11643 fixes that mapping)."""
    text = normalise(value)
    if len(text) == 15:
        try:
            return [(upgrade_15(text), UPGRADED)]
        except IdNumberError:
            return []
    if len(text) != 18 or is_valid(text):
        return []
    found: dict[str, str] = {}
    if text[:17].isdigit():
        fixed = text[:17] + calc_check_digit(text)
        if is_valid(fixed):
            found[fixed] = CHECK_DIGIT
    for i in range(17):
        if text[i] == text[i + 1]:
            continue
        swapped = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if swapped not in found and is_valid(swapped):
            found[swapped] = TRANSPOSED
    return sorted(found.items())


def birth_date(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def sex(id_number: str) -> str:
    """``"1"`` male or ``"2"`` female, from the sequence code's parity."""
    return "1" if int(id_number[16]) % 2 else "2"


def mask(id_number: str) -> str:
    """``110105********002X``: the first six and last four characters shown."""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]
