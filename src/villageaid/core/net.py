"""The client's address, for the login lockout (django-axes) and the public
declaration form's rate limit.

Behind nginx every request comes from 127.0.0.1, so ``REMOTE_ADDR`` alone would
lock out or throttle a whole county as one client. ``X-Forwarded-For`` is only
believed when the request comes from a proxy listed in ``TRUSTED_PROXIES``, and
then read from the right: the first address that is not one of our proxies is
the client (anything to its left was written by the client and may be forged).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted = set(getattr(settings, "TRUSTED_PROXIES", ()))
    if remote not in trusted:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    for hop in reversed(forwarded.split(",")):
        address = _valid(hop)
        if address is None:
            break  # garbage in the header: stop believing it
        if address not in trusted:
            return address
    return remote
