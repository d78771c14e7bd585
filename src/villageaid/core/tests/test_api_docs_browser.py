"""/api/v1/docs renders every operation with the internet unreachable, under the strict CSP."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


def operation_count() -> int:
    schema = Client().get("/api/v1/openapi.json").json()
    return sum(1 for item in schema["paths"].values() for method in item if method in METHODS)


@pytest.mark.django_db
def test_docs_page_loads_only_our_own_files() -> None:
    html = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_render_every_operation_offline(page: Any, live_server: Any) -> None:
    local = urlsplit(live_server.url).netloc
    outside: list[str] = []
    refused: list[str] = []

    def only_local(route: Any) -> None:
        if urlsplit(route.request.url).netloc in {local, ""}:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    expected = operation_count()
    assert expected > 20
    page.locator(".opblock").nth(expected - 1).wait_for()
    assert page.locator(".opblock").count() == expected
    assert page.locator(".opblock-tag").count() > 3
    assert outside == [] and refused == []
