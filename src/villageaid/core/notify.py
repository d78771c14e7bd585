"""Notifications: in-app rows, and group-robot webhooks (WeCom / DingTalk) when
an area has one configured. Sent after the surrounding transaction commits."""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from villageaid.core.models import Area, Notification

log = logging.getLogger(__name__)


def users_over(area: Area, roles_: Iterable[str]) -> Any:
    """Active users of the given roles whose areas contain ``area``."""
    from django.contrib.auth import get_user_model

    ancestors = [p for p in area.path.strip("/").split("/") if p]
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=list(roles_), areas__code__in=ancestors)
        .distinct()
    )


def notify(*, users: Iterable[Any], text: str, url: str = "", kind: str = "") -> int:
    rows = [Notification(user=u, text=text[:300], url=url, kind=kind) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def webhook(*, text: str) -> None:
    """Post ``text`` to every URL in ``WEBHOOK_URLS`` (WeCom and DingTalk accept the same shape)."""
    urls = [u for u in getattr(settings, "WEBHOOK_URLS", []) if u]
    if not urls:
        return
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()

    def send() -> None:
        for url in urls:
            if not url.startswith(("https://", "http://")):
                log.warning("webhook URL must be http(s): %s", url.split("?")[0])
                continue
            headers = {"Content-Type": "application/json"}
            request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
            try:
                urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS).close()  # noqa: S310
            except OSError as exc:
                log.warning("webhook %s failed: %s", url.split("?")[0], exc)

    transaction.on_commit(send)
