"""The bearer-token lookup: one raw query must decide exactly what the ORM version did."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from villageaid.accounts.api_auth import user_for_token
from villageaid.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


def _get(raw: str, path: str = "/api/v1/me") -> Any:
    return Client().get(path, headers={"Authorization": f"Bearer {raw}"})


def test_user_and_area_paths_equal_the_orm(make_user: Any, areas: Any) -> None:
    user = make_user("township")
    user.areas.add(areas["other_township"], areas["neighbour"])
    _, raw = ApiToken.issue(user=user)
    found = user_for_token(raw)
    assert found is not None
    loaded, token_id, used = found
    fresh = User.objects.get(pk=user.pk)
    assert loaded.area_paths == tuple(fresh.areas.values_list("path", flat=True))
    assert len(loaded.area_paths) == 3
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(fresh, field.attname), field.name
    assert loaded.grants == fresh.grants and isinstance(loaded.grants, dict)
    assert token_id == ApiToken.objects.get(user=user).pk and used is None


def test_a_user_without_areas_has_no_paths(make_user: Any) -> None:
    user = make_user("cadre", area=None)
    _, raw = ApiToken.issue(user=user)
    found = user_for_token(raw)
    assert found is not None and found[0].area_paths == ()


def test_revoked_token_inactive_user_and_unknown_token_are_refused(make_user: Any) -> None:
    user = make_user("cadre")
    token, raw = ApiToken.issue(user=user)
    assert _get(raw).status_code == 200
    token.revoked = True
    token.save()
    assert _get(raw).status_code == 401
    _, other = ApiToken.issue(user=user)
    assert _get(other).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _get(other).status_code == 401
    assert user_for_token("va_" + "x" * 43) is None


def test_use_is_recorded_at_most_once_a_minute(make_user: Any) -> None:
    token, raw = ApiToken.issue(user=make_user("cadre"))
    assert _get(raw).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=30)
    assert _get(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    assert _get(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first - dt.timedelta(seconds=1)


def test_scope_comes_from_the_tokens_user(make_user: Any, areas: Any) -> None:
    """A village cadre's token sees only its village's areas through the API."""
    _, raw = ApiToken.issue(user=make_user("cadre"))
    codes = {row["code"] for row in _get(raw, "/api/v1/areas").json()["items"]}
    assert areas["village"].code in codes
    assert areas["neighbour"].code not in codes and areas["county"].code not in codes
