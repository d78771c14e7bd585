"""Shared fixtures (a pytest plugin, see the root conftest.py): the demo area tree and three personas per area (a user of
this village, of the next village, and of the township above)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from villageaid.core.areas import area_create
from villageaid.core.models import Area
from villageaid.core.roles import Role

PASSWORD = "Test-password-123"  # noqa: S105

VILLAGE, NEIGHBOUR, TOWNSHIP = "371003105201", "371003105202", "371003105000"


# Tests sharing one outside resource run in one xdist worker (``--dist loadgroup``):
# the broker's topics and persistent sessions, the Spark JVM, the failure drills.
SERIAL_GROUPS = ("mqtt", "spark", "drill")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Mark browser tests (``-m browser``) and pin shared-resource tests to one worker."""
    for item in items:
        path = str(item.fspath)
        if "e2e" in path:
            item.add_marker(pytest.mark.browser)
        group = next(
            (g for g in SERIAL_GROUPS if item.get_closest_marker(g) or f"/{g}s/" in path), None
        )
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


def require_service(name: str, reason: str) -> None:
    """Skip locally, but fail in CI, when a service a test needs is missing."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required in CI: {reason}")
    pytest.skip(f"{name} not available: {reason}")


@pytest.fixture(autouse=True)
def _fresh_policy_snapshot() -> Any:
    """The policy resolver keeps an in-process snapshot; a test's rolled-back versions must
    not leak into the next test."""
    from villageaid.policy import resolver

    resolver.invalidate()
    yield
    resolver.invalidate()


@pytest.fixture(autouse=True)
def _fresh_working_date() -> Any:
    """The working date (core.clock) is cached per process; a test's rolled-back row must
    not leak into the next test."""
    from villageaid.core import clock

    clock.invalidate()
    yield
    clock.invalidate()


@pytest.fixture
def areas(db: Any) -> dict[str, Area]:
    province = area_create(code="370000000000", name="山东省", level="province", parent=None)
    city = area_create(code="371000000000", name="威海市", level="city", parent=province)
    county = area_create(code="371003000000", name="文登区", level="county", parent=city)
    township = area_create(code=TOWNSHIP, name="宋村镇", level="township", parent=county)
    other_township = area_create(
        code="371003106000", name="泽头镇", level="township", parent=county
    )
    village = area_create(code=VILLAGE, name="北马村", level="village", parent=township)
    neighbour = area_create(code=NEIGHBOUR, name="南马村", level="village", parent=township)
    grid = area_create(code=VILLAGE + "001", name="第一网格", level="grid", parent=village)
    return {
        "province": province,
        "city": city,
        "county": county,
        "township": township,
        "other_township": other_township,
        "village": village,
        "neighbour": neighbour,
        "grid": grid,
    }


ROLE_AREA: dict[str, str | None] = {
    Role.ADMIN: None,
    Role.CITY: "city",
    Role.COUNTY: "county",
    Role.TOWNSHIP: "township",
    Role.CADRE: "village",
    Role.HELPER: "village",
    Role.GRID: "grid",
    Role.ASSESSOR: "county",
    Role.TECH: "village",
    Role.SALES: "village",
    Role.GATE: "village",
}


@pytest.fixture
def make_user(areas: dict[str, Area]) -> Any:
    from villageaid.accounts.models import User

    def make(role: str, area: str | None = "default", username: str | None = None) -> User:
        key = ROLE_AREA[role] if area == "default" else area
        user = User.objects.create_user(
            username=username or f"{role}-{key}",
            password=PASSWORD,
            role=role,
            is_superuser=role == Role.ADMIN,
            is_staff=role == Role.ADMIN,
        )
        if key:
            user.areas.set([areas[key]])
        return user

    return make


@pytest.fixture
def cadre(make_user: Any) -> Any:
    return make_user(Role.CADRE)


@pytest.fixture
def neighbour_cadre(make_user: Any) -> Any:
    return make_user(Role.CADRE, "neighbour")


@pytest.fixture
def tech(make_user: Any) -> Any:
    """The park's technician, in the village."""
    return make_user(Role.TECH)


@pytest.fixture
def township_user(make_user: Any) -> Any:
    return make_user(Role.TOWNSHIP)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_env() -> dict[str, str | float | bool]:
    """Chromium sees only the shipped font (core.fonts), whatever the machine has: pages print
    the same everywhere, and a machine whose fontconfig lists no font does not abort it."""
    import tempfile

    from villageaid.core import fonts

    config = fonts.fontconfig_file(Path(tempfile.mkdtemp(prefix="villageaid-fonts-")))
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


@pytest.fixture(scope="session")
def browser() -> Any:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        require_service("Chromium", f"{CHROMIUM} not found (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=chromium_env()
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, tmp_path: Any) -> Any:
    """A fresh browser page; a screenshot is kept in ``artifacts/`` when the test ends."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    shots = Path(os.environ.get("ARTIFACTS_DIR", "artifacts"))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(
            shots
            / f"{os.environ.get('PYTEST_CURRENT_TEST', 'page').split(' ')[0].replace('/', '_').replace(':', '_')}.png"
        )
    )
    context.close()


def browser_login(page: Any, live_server: Any, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
