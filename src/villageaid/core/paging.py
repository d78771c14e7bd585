"""Pagination for long lists: a large total is cached for a minute, because
``COUNT(*)`` over a county's 400,000 households costs more than the page itself.
Totals under ``CACHE_FROM`` are always exact and fresh."""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

COUNT_SECONDS = 60
MAX_PAGE = 1_000_000
CACHE_FROM = 10_000  # small lists count fast and must show fresh totals


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        query = rows.query
        sql, params = query.sql_with_params()
        key = "count:" + hashlib.sha256(f"{sql}|{params}".encode()).hexdigest()
        found: Any = cache.get(key)
        if found is None:
            found = rows.count()
            if found >= CACHE_FROM:
                cache.set(key, found, COUNT_SECONDS)
        return int(found)


class ApiPagination(PageNumberPagination):
    """Django Ninja's page-number pagination with bounded input: an absurd page
    number is a 422 for the client, not an integer overflow in the database."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=500)
