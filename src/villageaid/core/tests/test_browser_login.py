"""The login page in a real browser: Chinese, mobile-sized, lands on today's list."""

from __future__ import annotations

from typing import Any

import pytest

from villageaid.conftest import browser_login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cadre_logs_in_on_a_phone(page: Any, live_server: Any, cadre: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    assert "登录乡村帮扶平台" in page.content()
    browser_login(page, live_server, cadre.username)
    assert page.locator("h1").first.inner_text() == "今日待办"
