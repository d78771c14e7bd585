# ruff: noqa: S608  (table names come from the models; the digest is a parameter)
"""Bearer-token authentication for the API: ``Authorization: Bearer va_...``.

Every API request passes here, so the lookup is one parameterised query: the token
row, its user's columns and the paths of the user's areas (which every scoped read
needs next). Through the ORM this was three queries and about 1.5 ms of CPU per
request, most of it building SQL; the column list is still taken from the model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from villageaid.accounts.models import ApiToken, User
from villageaid.core.models import Area

USE_RECORD_INTERVAL = dt.timedelta(minutes=1)
# The challenge of a 401 (RFC 9110 §11.6.1): the API takes bearer tokens.
CHALLENGE = 'Bearer realm="villageaid"'
# Area paths hold digits and slashes only (core.models.Area.path), never this.
_SEPARATOR = "|"


class _Lookup:
    """The token query and, per column, the converters Django's compiler would apply
    (JSON on every backend; datetimes and booleans on SQLite), built once per connection."""

    def __init__(self, conn: Any) -> None:
        areas = User._meta.get_field("areas")
        through = areas.remote_field.through._meta  # type: ignore[union-attr]
        user_col, area_col = areas.m2m_column_name(), areas.m2m_reverse_name()
        joined = "string_agg" if conn.vendor == "postgresql" else "group_concat"
        fields = [*User._meta.concrete_fields, ApiToken._meta.get_field("last_used_at")]
        quote = conn.ops.quote_name
        columns = ", ".join(
            f"{'t' if f.model is ApiToken else 'u'}.{quote(f.column)}" for f in fields
        )
        self.sql = f"""
SELECT {columns}, t.id,
       (SELECT {joined}(a.path, %s) FROM {through.db_table} ua
          JOIN {Area._meta.db_table} a ON a.{Area._meta.pk.column} = ua.{area_col}
         WHERE ua.{user_col} = u.id)
  FROM {ApiToken._meta.db_table} t
  JOIN {User._meta.db_table} u ON u.id = t.user_id
 WHERE t.digest = %s AND NOT t.revoked AND u.is_active
"""
        self.attnames = [f.attname for f in fields[:-1]]
        self.converters = []
        for i, f in enumerate(fields):
            col = f.cached_col
            funcs = conn.ops.get_db_converters(col) + f.get_db_converters(conn)  # type: ignore[attr-defined]
            if funcs:
                self.converters.append((i, col, funcs))


def user_for_token(raw: str) -> tuple[User, int, dt.datetime | None] | None:
    """The active user of an unrevoked token, with its area paths already loaded."""
    lookup = getattr(connection, "_va_token_lookup", None)
    if lookup is None:
        lookup = connection._va_token_lookup = _Lookup(connection)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(lookup.sql, [_SEPARATOR, ApiToken.digest_of(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, col, funcs in lookup.converters:
        for convert in funcs:
            values[i] = convert(values[i], col, connection)
    n = len(lookup.attnames)
    user = User.from_db(connection.alias, lookup.attnames, values[:n])
    used, token_id, paths = values[n], values[n + 1], values[n + 2]
    # The cached_property the access checks read (see User.area_paths).
    user.__dict__["area_paths"] = tuple(sorted(paths.split(_SEPARATOR))) if paths else ()
    return user, token_id, used


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = user_for_token(token)
        if found is None:
            return None
        user, token_id, last_used = found
        now = timezone.now()
        # Record use at most once a minute: a write per request would cost the hot paths.
        if last_used is None or now - last_used > USE_RECORD_INTERVAL:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user
        return user


class BrowserSession(SessionAuth):
    """The signed-in browser's session. CSRF is checked only when there is a session to
    ride on: a request with no signed-in user is not authenticated here, so it ends as
    401 with a challenge (issue 18, finding 13) instead of Ninja's 403 "CSRF check Failed"
    for a request that never had a session."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request):
            raise HttpError(403, "CSRF check Failed")
        return request.COOKIES.get(self.param_name)
