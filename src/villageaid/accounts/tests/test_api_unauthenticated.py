"""An API call without credentials answers 401 with ``WWW-Authenticate`` (issue 18, finding 13),
whatever its method; a browser session still has to pass the CSRF check on writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from villageaid.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

WRITES = [
    ("/api/v1/sales/orders", {"lot": 1, "channel": "x", "quantity_jin": "1"}),
    ("/api/v1/epidemic/passages", {"checkpoint": 1, "party": "villager", "direction": "in"}),
    ("/api/v1/visits/visits", {"household": 1, "visited_at": "2026-01-01T10:00:00+08:00"}),
]


@pytest.mark.parametrize(("path", "body"), WRITES)
def test_unauthenticated_post_is_401_with_challenge(path: str, body: dict[str, Any]) -> None:
    response = Client(enforce_csrf_checks=True).post(path, body, content_type="application/json")
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "unauthenticated"


def test_unauthenticated_get_is_401_with_challenge() -> None:
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_bad_token_post_is_401(make_user: Any) -> None:
    response = Client(enforce_csrf_checks=True).post(
        WRITES[0][0],
        WRITES[0][1],
        content_type="application/json",
        headers={"Authorization": "Bearer va_" + "x" * 43},
    )
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


def test_session_post_without_csrf_token_is_still_refused(make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("sales"))
    response = client.post(WRITES[0][0], WRITES[0][1], content_type="application/json")
    assert response.status_code == 403


def test_token_post_needs_no_csrf_token(make_user: Any) -> None:
    _, raw = ApiToken.issue(user=make_user("sales"))
    response = Client(enforce_csrf_checks=True).post(
        WRITES[0][0],
        WRITES[0][1],
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "k-1"},
    )
    assert response.status_code not in (401, 403), response.content
