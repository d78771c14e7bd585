"""Error pages in the site's look and in Chinese, each with a way back (首页 / 返回).

400, 403, 404 and a refused CSRF check extend the base layout; 500 renders a standalone
page with no request context, so it still shows when the database is what failed."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext_lazy as _

from villageaid.core import access

logger = logging.getLogger(__name__)

_PAGES: dict[int, tuple[Any, Any]] = {
    400: (_("请求有误"), _("这个请求无法处理，请检查网址或重新填写后再试。")),
    403: (_("没有权限"), _("您的账号没有打开这个页面的权限。如需使用，请联系上级管理员。")),
    404: (_("页面不存在"), _("找不到这个页面，或它不在您负责的范围内。")),
}


def _page(request: HttpRequest, status: int, title: Any, text: Any) -> HttpResponse:
    body: str
    try:
        body = loader.render_to_string(
            "errors/error.html",
            {"status": status, "title": title, "text": text},
            request=request,
        )
    except Exception:  # the error page must not fail: log it, show the plain one
        logger.exception("error page %s could not render in the base layout", status)
        body = loader.get_template("errors/500.html").render(
            {"status": status, "title": title, "text": text}
        )
    return HttpResponse(body, status=status)


@access.public
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, *_PAGES[400])


@access.public
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, *_PAGES[403])


@access.public
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, *_PAGES[404])


@access.public
def server_error(request: HttpRequest) -> HttpResponse:
    """No request context, no database: the template reads only static names."""
    body = loader.get_template("errors/500.html").render(
        {
            "status": 500,
            "title": _("系统出错了"),
            "text": _("服务器处理时出了问题，已经记录。请稍后再试，或返回首页。"),
        }
    )
    return HttpResponseServerError(body)


@access.public
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        request,
        403,
        _("页面已过期"),
        _("表单的安全校验没有通过（页面停留太久或已在别处退出）。请返回、刷新页面后重新提交。"),
    )
