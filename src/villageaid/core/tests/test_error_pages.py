"""400/403/404/500 and a refused CSRF check answer in Chinese, in the site's look, with a
way back; the 500 page renders with no database."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.test import Client, RequestFactory

from villageaid.core import error_views
from villageaid.core.roles import Role
from villageaid.testing import client_for

WAY_BACK = ("回到首页", "返回上一页")


@pytest.mark.django_db
def test_404_is_chinese_in_the_sites_look(make_user: Any) -> None:
    response = client_for(make_user(Role.CADRE)).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and all(text in html for text in WAY_BACK)
    assert "va-nav-desk" in html  # the base layout, with the user's menu
    assert "Not Found" not in html


@pytest.mark.django_db
def test_403_is_chinese_with_a_way_back(make_user: Any) -> None:
    response = client_for(make_user(Role.GATE)).get("/areas/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in html and all(text in html for text in WAY_BACK)
    assert "Forbidden" not in html


@pytest.mark.django_db
def test_a_refused_csrf_check_explains_in_chinese(make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.CADRE))
    response = client.post("/i18n/setlang/", {"language": "en"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in html and "CSRF verification failed" not in html


def test_400_page() -> None:
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = error_views.bad_request(request)
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_500_renders_without_a_database() -> None:
    request = RequestFactory().get("/")
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=AssertionError
    ):
        response = error_views.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in html and all(text in html for text in WAY_BACK)
    assert "bootstrap.min.css" in html


def test_handlers_are_wired() -> None:
    from villageaid import urls

    assert urls.handler404 == "villageaid.core.error_views.page_not_found"
    assert urls.handler500 == "villageaid.core.error_views.server_error"
    from django.conf import settings

    assert settings.CSRF_FAILURE_VIEW == "villageaid.core.error_views.csrf_failure"
