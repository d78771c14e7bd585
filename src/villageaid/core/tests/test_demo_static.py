"""No page of the demo asks for a static file that is not there (no 404 in the server log).

The whole demo is loaded, then each role's pages are crawled from the home page through the
links it sees; every stylesheet, script, image and icon a page names, and every url() in the
stylesheets, is fetched. `/favicon.ico`, which browsers ask for unbidden, is served too.
"""

from __future__ import annotations

import io
import re
import time
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from villageaid.core import demo

ROLES = ("admin", "cadre", "tech", "sales", "gate", "helper", "township")
PAGES_PER_ROLE = 60
SKIP = re.compile(r"^/(accounts/logout|admin/|api/)|\.(pdf|xlsx|csv|zip|png)$")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        elif tag in {"script", "img"} and found.get("src"):
            self.assets.append(str(found["src"]))
        elif tag == "link" and found.get("href"):
            self.assets.append(str(found["href"]))


def local(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def demo_site(db: Any) -> demo.DemoContext:
    ctx = demo.DemoContext(password="Demo-static-crawl", stdout=io.StringIO())
    demo.load_all(ctx)
    return ctx


class Crawl:
    def __init__(self) -> None:
        self.checked: dict[str, int] = {}
        self.missing: list[tuple[str, str]] = []  # (asset, the page naming it)

    def asset(self, client: Client, url: str, page: str) -> None:
        if url in self.checked:
            return
        response = client.get(url)
        self.checked[url] = response.status_code
        if response.status_code == 404:
            self.missing.append((url, page))
            return
        if url.split("?")[0].endswith(".css"):
            body = b"".join(response.streaming_content) if response.streaming else response.content
            for ref in CSS_URL.findall(body.decode("utf-8", "replace")):
                if not ref.startswith("data:"):
                    self.asset(client, urljoin(url, ref), url)

    def role(self, client: Client) -> int:
        queue, seen = deque(["/"]), {"/"}
        while queue and len(seen) <= PAGES_PER_ROLE:
            url = queue.popleft()
            response = client.get(url)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            refs = Refs()
            refs.feed(response.content.decode())
            for asset in filter(None, map(local, refs.assets)):
                self.asset(client, asset, url)
            for link in filter(None, (local(urljoin(url, href)) for href in refs.links)):
                if link not in seen and not SKIP.search(link.split("?")[0]):
                    seen.add(link)
                    queue.append(link)
        return len(seen)


@pytest.mark.slow
def test_no_static_404_on_the_demo_pages(demo_site: demo.DemoContext) -> None:
    started = time.monotonic()
    crawl = Crawl()
    pages = 0
    for username in ROLES:
        client = Client()
        client.force_login(demo_site.users[username])
        pages += crawl.role(client)
    crawl.asset(Client(), "/favicon.ico", "(the browser)")
    assert crawl.missing == []
    assert pages > 100 and len(crawl.checked) > 8, (pages, crawl.checked)
    assert crawl.checked["/favicon.ico"] == 200
    assert any(url.endswith("NotoSansSC-Regular.ttf") for url in crawl.checked)
    assert time.monotonic() - started < 300
