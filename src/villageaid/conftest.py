"""Test helpers for the apps' tests. The fixtures and hooks themselves live in
:mod:`villageaid.testing`, registered once for the whole suite by the repository's
root ``conftest.py`` (defining them here too would start a second Playwright in the
same process)."""

from villageaid.testing import (
    NEIGHBOUR,
    PASSWORD,
    TOWNSHIP,
    VILLAGE,
    browser_login,
    client_for,
    require_service,
)

__all__ = [
    "NEIGHBOUR",
    "PASSWORD",
    "TOWNSHIP",
    "VILLAGE",
    "browser_login",
    "client_for",
    "require_service",
]
