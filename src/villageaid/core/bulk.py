"""Fast inserts: for large imports PostgreSQL ``COPY`` for the rows and their
django-simple-history rows (``bulk_create`` elsewhere); for hot paths one row
through a statement built once per model.

The ORM's ``bulk_create`` spends most of its time preparing values field by
field; ``COPY`` streams plain tuples. Used by roster imports, where 100,000
persons must commit in well under a minute. ``insert_one`` is for the few
requests that must be cheap (an order in a flash sale and its audit row): the
ORM's ``save()`` compiles the same INSERT anew each time, about 0.4 ms of CPU.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import AutoField, Model, signals
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

M = TypeVar("M", bound=Model)


def _columns(model: type[Model]) -> list[Any]:
    return [
        f for f in model._meta.concrete_fields if not isinstance(f, AutoField) and not f.primary_key
    ]


def _value(field: Any, value: Any) -> Any:
    """psycopg adapts plain Python values itself; only JSON needs wrapping."""
    if field.get_internal_type() == "JSONField" and value is not None:
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def _copy(model: type[Model], fields: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` primary keys drawn from the table's own sequence, in one round trip."""
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [int(row[0]) for row in cursor.fetchall()]


def insert_with_history(model: type[M], objs: list[M], *, key: str = "", user: Any = None) -> None:
    """Insert ``objs`` (with history rows) and set their primary keys.

    On PostgreSQL the keys are drawn from the table's sequence first and written with the
    rows by ``COPY``, so nothing has to be read back. ``key`` is no longer needed; it is
    accepted for the callers that still name their unique field.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        bulk_create_with_history(objs, model, batch_size=2000, default_user=user)
        return
    pk = model._meta.pk
    assert pk is not None
    for obj, new_id in zip(objs, _reserve_ids(model, len(objs)), strict=True):
        obj.pk = new_id
    fields = [pk, *_columns(model)]
    _copy(
        model,
        fields,
        # pre_save fills auto_now fields the way Model.save() would.
        [[_value(f, f.pre_save(o, True)) for f in fields] for o in objs],
    )
    _copy_history(model, objs, user)


def _copy_history(model: type[Model], objs: list[Any], user: Any) -> None:
    history = model.history.model  # type: ignore[attr-defined]
    now = timezone.now()
    extra = {
        "history_date": now,
        "history_type": "+",
        "history_change_reason": None,
        "history_user_id": getattr(user, "pk", None),
    }
    fields = [f for f in history._meta.concrete_fields if f.name != "history_id"]
    rows = []
    for obj in objs:
        row = []
        for f in fields:
            value = extra[f.attname] if f.attname in extra else getattr(obj, f.attname)
            row.append(_value(f, value))
        rows.append(row)
    _copy(history, fields, rows)


def _refuse_receivers(model: type[Model]) -> None:
    """The single-row writes below send no signals: refuse models that listen for them."""
    for signal in (signals.pre_save, signals.post_save):
        if signal.has_listeners(model):
            raise TypeError(f"{model.__name__} has save receivers: use save()")


def _prepared_values(obj: Model, fields: Sequence[Any]) -> list[Any]:
    """What ``save()`` would send for ``fields`` (``pre_save`` fills auto_now fields)."""
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


@cache
def _insert_sql(model: type[Model], vendor: str) -> tuple[str, tuple[Any, ...], bool]:
    fields = tuple(_columns(model))
    pk = model._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    returning = connection.features.can_return_columns_from_insert
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(  # noqa: S608 (names from the model)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        f" RETURNING {quote(pk.column)}" if returning else "",
    )
    return sql, fields, returning


def insert_one(obj: M) -> M:
    """INSERT one new row for ``obj`` (auto primary key) and set its key, as
    ``save(force_insert=True)`` would, from SQL built once per model. Sends no
    signals, so models that have receivers (history, caches) are refused."""
    _refuse_receivers(type(obj))
    sql, fields, returning = _insert_sql(type(obj), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, _prepared_values(obj, fields))
        obj.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    mark_saved(obj)
    return obj


def mark_saved(obj: Model) -> None:
    """Tell ``obj`` it is now a stored row (after a write outside ``save()``)."""
    obj._state.adding = False
    obj._state.db = connection.alias


@cache
def _select_parts(
    model: type[Model], prefix: str, expressions: tuple[tuple[str, str], ...], vendor: str
) -> tuple[str, str, tuple[Any, ...]]:
    fields = tuple(_columns(model))
    given = dict(expressions)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    select = ", ".join(
        given.get(f.attname) or f"CAST(%({prefix}{f.attname})s AS {f.db_type(connection)})"
        for f in fields
    )
    return columns, select, tuple(f for f in fields if f.attname not in given)


def insert_select_parts(
    obj: Model, prefix: str, expressions: dict[str, str] | None = None
) -> tuple[str, str, dict[str, Any]]:
    """The pieces of ``INSERT INTO table (columns) SELECT values FROM ...`` for ``obj``, to
    write a new row inside a larger statement (e.g. only when a CTE's row exists):
    the column list, the typed select list with named placeholders ``%(prefix<attname>)s`` and
    their parameters. ``expressions`` replaces some fields' values with SQL (e.g. the
    id an earlier CTE returned). Models with save receivers are refused, as by
    :func:`insert_one`."""
    _refuse_receivers(type(obj))
    columns, select, fields = _select_parts(
        type(obj), prefix, tuple(sorted((expressions or {}).items())), connection.vendor
    )
    values = _prepared_values(obj, fields)
    return columns, select, {f"{prefix}{f.attname}": v for f, v in zip(fields, values, strict=True)}
