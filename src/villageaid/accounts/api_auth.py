"""Bearer-token authentication for the API: ``Authorization: Bearer va_...``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from villageaid.accounts.models import ApiToken

USE_RECORD_INTERVAL = dt.timedelta(minutes=1)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        # Record use at most once a minute: a write per request would cost the hot paths.
        if found.last_used_at is None or now - found.last_used_at > USE_RECORD_INTERVAL:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user
