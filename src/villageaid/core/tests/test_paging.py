from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from villageaid.core import paging
from villageaid.core.models import Area


@pytest.mark.django_db
def test_large_totals_are_cached_small_ones_are_fresh(areas: Any, monkeypatch: Any) -> None:
    cache.clear()
    rows = Area.objects.order_by("code")
    assert paging.CachedCountPaginator(rows, 2).count == 8
    Area.objects.filter(level="grid").delete()
    assert paging.CachedCountPaginator(rows, 2).count == 7  # small: always exact
    monkeypatch.setattr(paging, "CACHE_FROM", 5)
    assert paging.CachedCountPaginator(rows, 2).count == 7
    Area.objects.filter(code="371003106000").delete()
    assert paging.CachedCountPaginator(rows, 2).count == 7  # large: cached for a minute
