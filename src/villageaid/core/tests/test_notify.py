from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from villageaid.core.models import Notification
from villageaid.core.notify import notify, users_over, webhook
from villageaid.core.roles import Role


@pytest.mark.django_db
def test_users_over_an_area_are_those_above_it(areas: Any, make_user: Any) -> None:
    township = make_user(Role.TOWNSHIP)
    county = make_user(Role.COUNTY)
    make_user(Role.TOWNSHIP, "other_township")
    found = set(users_over(areas["village"], [Role.TOWNSHIP, Role.COUNTY]))
    assert found == {township, county}
    assert notify(users=found, text="逾期", url="/cases/1/") == 2
    assert Notification.objects.filter(user=township, text="逾期").exists()


@pytest.mark.django_db(transaction=True)
def test_webhook_posts_after_commit(settings: Any) -> None:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    settings.WEBHOOK_URLS = [f"http://127.0.0.1:{server.server_port}/robot?key=x"]
    webhook(text="北马村：案件逾期")
    thread.join(timeout=10)
    server.server_close()
    assert received == [{"msgtype": "text", "text": {"content": "北马村：案件逾期"}}]
