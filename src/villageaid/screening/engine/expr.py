"""The restricted condition language county administrators edit.

A condition is one SQL boolean expression over the household facts (see
``COLUMNS``), parsed with sqlglot. Only the node types in ``_ALLOWED`` and the
functions in ``_FUNCTIONS`` pass; anything else is rejected with a message
naming the construct. Accepted conditions are re-rendered from the checked
tree (never pasted as text) into the engine's SQL dialect. The Python
reference evaluator walks the same tree with ``evaluate``; nothing is ever
evaluated as Python code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

__all__ = ["COLUMNS", "ExpressionError", "evaluate", "parse_condition", "render"]

COLUMNS = frozenset(
    {
        "village_code",
        "household_type",
        "monitoring_status",
        "monitoring_category",
        "net_income_12m",
        "covered",
        "monitored",
        "active_members",
    }
)
MAX_LENGTH = 1000

_ALLOWED: tuple[type[exp.Expr], ...] = (
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Boolean,
    exp.Null,
    exp.Paren,
    exp.And,
    exp.Or,
    exp.Not,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Neg,
    exp.In,
    exp.Between,
    exp.Is,
    exp.Abs,
    exp.Least,
    exp.Greatest,
    exp.Coalesce,
)
_FUNCTIONS = {
    exp.Abs: "ABS",
    exp.Least: "LEAST",
    exp.Greatest: "GREATEST",
    exp.Coalesce: "COALESCE",
}


class ExpressionError(ValueError):
    """A condition that does not parse or uses something outside the whitelist."""


@lru_cache(maxsize=256)
def parse_condition(text: str) -> exp.Expr | None:
    """Parse and check ``text``; ``None`` for an empty condition (always true)."""
    if not text.strip():
        return None
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"condition longer than {MAX_LENGTH} characters")
    try:
        trees = [t for t in sqlglot.parse(text, read="duckdb") if t is not None]
    except (ParseError, sqlglot.errors.TokenError) as exc:
        raise ExpressionError(f"condition does not parse: {exc}") from exc
    if len(trees) != 1:
        raise ExpressionError("condition must be exactly one expression")
    for node in trees[0].walk():
        _check_node(node)
    return trees[0]


def _check_node(node: exp.Expr) -> None:
    if not isinstance(node, _ALLOWED):
        raise ExpressionError(f"{node.key.upper()} is not allowed in a condition: {node.sql()}")
    if isinstance(node, exp.Column) and (node.table or node.name not in COLUMNS):
        allowed = ", ".join(sorted(COLUMNS))
        raise ExpressionError(f"unknown column {node.sql()!r}; allowed: {allowed}")
    if isinstance(node, exp.Is) and not isinstance(node.expression, exp.Null):
        raise ExpressionError("IS may only be followed by NULL")
    if isinstance(node, exp.In) and node.args.get("query") is not None:
        raise ExpressionError("IN (SELECT ...) is not allowed in a condition")


def render(tree: exp.Expr, *, table: str, dialect: str = "duckdb") -> str:
    """SQL for a checked condition with every column qualified by ``table``."""
    qualified = tree.copy()
    for column in qualified.find_all(exp.Column):
        column.set("table", exp.to_identifier(table))
    return f"({qualified.sql(dialect=dialect)})"


def evaluate(tree: exp.Expr | None, row: Mapping[str, Any]) -> Any:
    """SQL three-valued evaluation of a checked condition against ``row``."""
    if tree is None:
        return True
    handler = _EVAL.get(type(tree))
    if handler is None:
        raise ExpressionError(f"cannot evaluate {tree.key}")
    return handler(tree, row)


def _literal(node: exp.Expr, row: Mapping[str, Any]) -> Any:
    if node.is_string:
        return node.this
    try:
        return Decimal(node.this)
    except InvalidOperation as exc:
        raise ExpressionError(f"bad number {node.this!r}") from exc


def _num(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    return value


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[exp.Expr, Mapping[str, Any]], Any]:
    def run(node: exp.Expr, row: Mapping[str, Any]) -> Any:
        left, right = _num(evaluate(node.this, row)), _num(evaluate(node.expression, row))
        if left is None or right is None:
            return None
        return op(left, right)

    return run


def _arith(op: Callable[[Any, Any], Any]) -> Callable[[exp.Expr, Mapping[str, Any]], Any]:
    def run(node: exp.Expr, row: Mapping[str, Any]) -> Any:
        left, right = _num(evaluate(node.this, row)), _num(evaluate(node.expression, row))
        if left is None or right is None:
            return None
        if op is _div and right == 0:
            return None
        return op(left, right)

    return run


def _div(a: Any, b: Any) -> Any:
    return a / b


def _and(node: exp.Expr, row: Mapping[str, Any]) -> Any:
    left, right = evaluate(node.this, row), evaluate(node.expression, row)
    if left is False or right is False:
        return False
    return None if left is None or right is None else True


def _or(node: exp.Expr, row: Mapping[str, Any]) -> Any:
    left, right = evaluate(node.this, row), evaluate(node.expression, row)
    if left is True or right is True:
        return True
    return None if left is None or right is None else False


def _not(node: exp.Expr, row: Mapping[str, Any]) -> Any:
    value = evaluate(node.this, row)
    return None if value is None else not value


def _in(node: exp.Expr, row: Mapping[str, Any]) -> Any:
    value = _num(evaluate(node.this, row))
    options = [_num(evaluate(e, row)) for e in node.expressions]
    if value is None:
        return None
    if value in options:
        return True
    return None if None in options else False


def _between(node: exp.Expr, row: Mapping[str, Any]) -> Any:
    value = _num(evaluate(node.this, row))
    low, high = _num(evaluate(node.args["low"], row)), _num(evaluate(node.args["high"], row))
    if value is None or low is None or high is None:
        return None
    return low <= value <= high


def _variadic(pick: Callable[..., Any], *, skip_null: bool) -> Callable[..., Any]:
    def run(node: exp.Expr, row: Mapping[str, Any]) -> Any:
        values = [_num(evaluate(e, row)) for e in [node.this, *node.expressions]]
        present = [v for v in values if v is not None]
        if not skip_null and len(present) != len(values):
            return None
        return pick(present) if present else None

    return run


_EVAL: dict[type[exp.Expr], Callable[[Any, Mapping[str, Any]], Any]] = {
    exp.Column: lambda n, r: _num(r[n.name]),
    exp.Literal: _literal,
    exp.Boolean: lambda n, r: bool(n.this),
    exp.Null: lambda n, r: None,
    exp.Paren: lambda n, r: evaluate(n.this, r),
    exp.And: _and,
    exp.Or: _or,
    exp.Not: _not,
    exp.EQ: _compare(lambda a, b: a == b),
    exp.NEQ: _compare(lambda a, b: a != b),
    exp.GT: _compare(lambda a, b: a > b),
    exp.GTE: _compare(lambda a, b: a >= b),
    exp.LT: _compare(lambda a, b: a < b),
    exp.LTE: _compare(lambda a, b: a <= b),
    exp.Add: _arith(lambda a, b: a + b),
    exp.Sub: _arith(lambda a, b: a - b),
    exp.Mul: _arith(lambda a, b: a * b),
    exp.Div: _arith(_div),
    exp.Neg: lambda n, r: None if (v := _num(evaluate(n.this, r))) is None else -v,
    exp.In: _in,
    exp.Between: _between,
    exp.Is: lambda n, r: evaluate(n.this, r) is None,
    exp.Abs: lambda n, r: None if (v := _num(evaluate(n.this, r))) is None else abs(v),
    exp.Least: _variadic(min, skip_null=True),
    exp.Greatest: _variadic(max, skip_null=True),
    exp.Coalesce: _variadic(lambda vs: vs[0], skip_null=True),
}
