"""Journey: each demo role logs in on a phone (390×844) and on a desk (1366×768) and looks at
its first page. The menu shows at most seven entries in one row on the desk (no label
broken one character per line) and as a bottom bar on the phone; the page says which date
the demo stands on. A screenshot of each is kept (``SHOTS_DIR``, default
``artifacts/shots/<role>-{phone,desk}.png``)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from villageaid.core import clock, demo
from villageaid.testing import browser_login

SHOTS = Path(
    os.environ.get("SHOTS_DIR", Path(os.environ.get("ARTIFACTS_DIR", "artifacts")) / "shots")
)
ROLES = (
    "admin",
    "city",
    "county",
    "township",
    "cadre",
    "helper",
    "grid",
    "assessor",
    "tech",
    "sales",
    "gate",
)
SCREENS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 768}}
PASSWORD = "Demo-first-pages-1"


def _boxes(page: Any, selector: str) -> list[dict[str, float]]:
    return page.eval_on_selector_all(
        selector,
        "els => els.filter(e => e.offsetParent !== null).map(e => {"
        " const r = e.getBoundingClientRect();"
        " return {w: r.width, h: r.height, top: r.top, right: r.right}; })",
    )


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_each_roles_first_page_on_a_phone_and_a_desk(browser: Any, live_server: Any) -> None:
    demo.load_all(demo.DemoContext(password=PASSWORD, stdout=io.StringIO()))
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    try:
        for role in ROLES:
            for screen, viewport in SCREENS.items():
                context = browser.new_context(locale="zh-CN", viewport=viewport)
                page = context.new_page()
                mine: list[str] = []
                try:
                    browser_login(page, live_server, role, PASSWORD)
                    page.wait_for_load_state("networkidle")
                    if "2020年4月26日" not in page.inner_text(".va-demo-banner"):
                        mine.append("no demo date banner")
                    page.screenshot(path=str(SHOTS / f"{role}-{screen}.png"))
                    if not _boxes(page, ".va-topbar"):
                        # The gate's quick entry has its own light layout: the menu is home's.
                        page.goto(f"{live_server.url}/")
                    bar = ".va-nav-desk > li > a" if screen == "desk" else ".va-bottom-nav li > a"
                    links = _boxes(page, bar)
                    if not 1 <= len(links) <= 7:
                        mine.append(f"{len(links)} top entries")
                    # One line each: no label stacked one character per line.
                    tall = [b for b in links if b["h"] > 60 or b["w"] < b["h"]]
                    if tall:
                        mine.append(f"stacked labels {tall}")
                    if len({round(b["top"]) for b in links}) > 1:
                        mine.append("entries on more than one row")
                    if any(b["right"] > viewport["width"] + 1 for b in links):
                        mine.append("an entry is off the screen")
                    hidden = ".va-bottom-nav" if screen == "desk" else ".va-nav-desk"
                    if _boxes(page, hidden):
                        mine.append(f"{hidden} shown on the {screen}")
                finally:
                    context.close()
                if mine:
                    problems[f"{role}-{screen}"] = mine
    finally:
        clock.invalidate()
    assert problems == {}
