# ruff: noqa: S608  (table names come from the models; the digest is a parameter)
"""Bearer-token authentication for the API: ``Authorization: Bearer va_...``.

Every API request passes here, so the lookup is one parameterised query: the token
row, its user's columns and the paths of the user's areas (which every scoped read
needs next). Through the ORM this was three queries and about 1.5 ms of CPU per
request, most of it building SQL; the column list is still taken from the model.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from villageaid.accounts.models import ApiToken, User
from villageaid.core.models import Area

USE_RECORD_INTERVAL = dt.timedelta(minutes=1)
# Area paths hold digits and slashes only (core.models.Area.path), never this.
_SEPARATOR = "|"


@cache
def _lookup_sql(vendor: str) -> str:
    areas = User._meta.get_field("areas")
    through = areas.remote_field.through._meta  # type: ignore[union-attr]
    user_col, area_col = areas.m2m_column_name(), areas.m2m_reverse_name()
    joined = "string_agg(a.path, %s)" if vendor == "postgresql" else "group_concat(a.path, %s)"
    return f"""
SELECT u.*, t.id AS va_token_id, t.last_used_at AS va_token_used,
       (SELECT {joined} FROM {through.db_table} ua JOIN {Area._meta.db_table} a ON a.{Area._meta.pk.column} = ua.{area_col}
         WHERE ua.{user_col} = u.id) AS va_area_paths
  FROM {ApiToken._meta.db_table} t
  JOIN {User._meta.db_table} u ON u.id = t.user_id
 WHERE t.digest = %s AND NOT t.revoked AND u.is_active
"""


def user_for_token(raw: str) -> tuple[User, int, dt.datetime | None] | None:
    """The active user of an unrevoked token, with its area paths already loaded
    (a raw query, so the model's converters still apply to the user's columns)."""
    sql = _lookup_sql(connection.vendor)
    found = list(User.objects.raw(sql, [_SEPARATOR, ApiToken.digest_of(raw)]))
    if not found:
        return None
    user = found[0]
    paths = user.va_area_paths  # type: ignore[attr-defined]
    # The cached_property the access checks read (see User.area_paths).
    user.__dict__["area_paths"] = tuple(sorted(paths.split(_SEPARATOR))) if paths else ()
    used = user.va_token_used  # type: ignore[attr-defined]
    if isinstance(used, str):  # SQLite hands an extra column back as text or naive UTC
        used = dt.datetime.fromisoformat(used)
    if used is not None and timezone.is_naive(used):
        used = timezone.make_aware(used, dt.UTC)
    return user, user.va_token_id, used  # type: ignore[attr-defined]


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
