"""The shape of one rule: metadata, typed parameters and two evaluators.

Every module in ``rules/`` defines ``RULE = RuleDef(...)``; ``rules/__init__.py``
lists them. ``sql`` returns a SELECT over the derived relations described in
``derived.py`` yielding evidence rows; ``reference`` is the slow Python twin
used by the property tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from villageaid.screening.engine.reference import RefContext

KINDS = ("risk", "anomaly", "quality")
SEVERITIES = ("high", "medium", "low")
RISK_TYPES = (
    "illness",
    "disability",
    "education",
    "disaster",
    "accident",
    "business_failure",
    "employment",
    "labour_loss",
    "housing",
    "water",
    "epidemic",
    "income",
    "other",
)


class CatalogueError(ValueError):
    """An override that does not fit the catalogue (unknown name, type or bound)."""


@dataclass(frozen=True)
class Param:
    """One tunable value of a rule: ``type`` is ``decimal``, ``int``, ``choice`` or ``expr``."""

    name: str
    type: str
    default: Any
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    choices: tuple[str, ...] = ()

    def coerce(self, rule_code: str, value: object) -> Any:
        where = f"{rule_code}.{self.name}"
        if self.type == "expr":
            return _coerce_expr(where, value)
        if self.type == "choice":
            if value not in self.choices:
                raise CatalogueError(f"{where}: {value!r} is not one of {', '.join(self.choices)}")
            return value
        number = _coerce_number(where, value, integer=self.type == "int")
        if self.minimum is not None and number < self.minimum:
            raise CatalogueError(f"{where}: {number} is below the minimum {self.minimum}")
        if self.maximum is not None and number > self.maximum:
            raise CatalogueError(f"{where}: {number} is above the maximum {self.maximum}")
        return number


def _coerce_number(where: str, value: object, *, integer: bool) -> Decimal | int:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise CatalogueError(f"{where}: expected a number, got {type(value).__name__}")
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError as exc:
        raise CatalogueError(f"{where}: {value!r} is not a number") from exc
    if not number.is_finite():
        raise CatalogueError(f"{where}: {value!r} is not a finite number")
    if integer:
        if number != number.to_integral_value():
            raise CatalogueError(f"{where}: {value!r} is not a whole number")
        return int(number)
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise CatalogueError(f"{where}: {value!r} has more than 2 decimals")
    return number


def _coerce_expr(where: str, value: object) -> str:
    from villageaid.screening.engine.expr import ExpressionError, parse_condition

    if not isinstance(value, str):
        raise CatalogueError(f"{where}: expected an expression string")
    try:
        parse_condition(value)
    except ExpressionError as exc:
        raise CatalogueError(f"{where}: {exc}") from exc
    return value


@dataclass(frozen=True)
class Window:
    """The dates a run looks at: the period is the 365 days ending on ``as_of``."""

    as_of: dt.date

    @property
    def start(self) -> dt.date:
        return self.as_of - dt.timedelta(days=364)

    def in_period(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.as_of


@dataclass(frozen=True)
class RuleContext:
    """What a rule's SQL builder may use: resolved parameters and the run window."""

    params: Mapping[str, Any]
    window: Window
    enabled_codes: frozenset[str]
    present: frozenset[str] = frozenset()  # the department datasets of this run

    @property
    def as_of(self) -> str:
        return f"DATE '{self.window.as_of.isoformat()}'"

    @property
    def start(self) -> str:
        return f"DATE '{self.window.start.isoformat()}'"

    def in_period(self, column: str) -> str:
        return f"{column} BETWEEN {self.start} AND {self.as_of}"


# One evidence row: (household_code, person_id, source, record_date, amount, detail)
EvidenceRow = tuple[str, str | None, str | None, dt.date | None, Decimal | None, str | None]


@dataclass(frozen=True)
class RuleDef:
    code: str
    kind: str
    risk_type: str | None
    title: str
    datasets: tuple[str, ...]
    sql: Callable[[RuleContext], str]
    reference: Callable[[RefContext, Mapping[str, Any]], Iterable[EvidenceRow]]
    params: tuple[Param, ...] = ()
    severity: str = "medium"
    enabled: bool = True
    uses: tuple[str, ...] = field(default=())  # other rules whose result this one reads

    def all_params(self) -> tuple[Param, ...]:
        return (
            *self.params,
            Param("severity", "choice", self.severity, choices=SEVERITIES),
            Param("condition", "expr", ""),
        )


def evidence_select(
    *,
    household: str,
    person: str = "NULL",
    source: str = "NULL",
    record_date: str = "NULL",
    amount: str = "NULL",
    detail: str = "NULL",
) -> str:
    """The evidence column list every rule's SELECT starts with."""
    return (
        f"SELECT {household} AS household_code, CAST({person} AS VARCHAR) AS person_id, "
        f"CAST({source} AS VARCHAR) AS source, CAST({record_date} AS DATE) AS record_date, "
        f"CAST({amount} AS DECIMAL(18, 2)) AS amount, CAST({detail} AS VARCHAR) AS detail"
    )


def age_sql(birth: str, on: str) -> str:
    """Full years from ``birth`` to ``on`` (both SQL date expressions)."""
    return (
        f"(YEAR({on}) - YEAR({birth}) - CASE WHEN MONTH({on}) < MONTH({birth}) OR "
        f"(MONTH({on}) = MONTH({birth}) AND DAY({on}) < DAY({birth})) THEN 1 ELSE 0 END)"
    )


def full_years(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
