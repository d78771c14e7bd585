"""The demo's embedded broker: a free port beside another demo, and only the controller's
account may publish commands (anonymous clients are refused)."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.core.management.base import CommandError

from villageaid.cli import demo_secrets
from villageaid.core.demo import DemoContext, closing_lines
from villageaid.greenhouse import broker, demo

HOST = "127.0.0.1"
COMMAND = "villageaid/beima/h01/cmd/vent"


@pytest.fixture(scope="module")
def secured() -> Any:
    port = broker.free_port(HOST, 0)
    users = broker.passwords("test-secret")
    stop = broker.start_broker(HOST, port, users)
    yield port, users
    stop()


def connected(port: int, user: str | None, password: str | None) -> tuple[mqtt.Client, Any]:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    if user is not None:
        client.username_pw_set(user, password)
    answered, result = threading.Event(), {}

    def on_connect(_c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        result["reason"] = reason
        answered.set()

    client.on_connect = on_connect
    client.connect(HOST, port)
    client.loop_start()
    assert answered.wait(10)
    return client, result["reason"]


def test_anonymous_and_wrong_passwords_are_refused(secured: Any) -> None:
    port, _ = secured
    for user, password in ((None, None), (broker.CONTROL, "wrong"), ("stranger", "x")):
        client, reason = connected(port, user, password)
        client.loop_stop()
        assert reason.is_failure, (user, reason)


def test_only_the_controller_may_publish_commands(secured: Any) -> None:
    port, users = secured
    received: list[bytes] = []
    simulator, reason = connected(port, broker.SIMULATOR, users[broker.SIMULATOR])
    assert not reason.is_failure
    subscribed = threading.Event()
    simulator.on_subscribe = lambda *_a: subscribed.set()
    simulator.on_message = lambda _c, _u, msg: received.append(msg.payload)
    simulator.subscribe(COMMAND, qos=1)
    assert subscribed.wait(10)
    for name in (broker.LISTENER, broker.SIMULATOR, broker.CONTROL):  # the last one counts
        client, _ = connected(port, name, users[name])
        client.publish(COMMAND, name.encode(), qos=1).wait_for_publish(10)
        client.disconnect()
        client.loop_stop()
    deadline = time.monotonic() + 10
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # a dropped command would have arrived by now too
    simulator.disconnect()
    simulator.loop_stop()
    assert received == [broker.CONTROL.encode()]


def test_a_second_demo_takes_a_free_port(secured: Any) -> None:
    port, _ = secured
    other = broker.free_port(HOST, port)
    assert other != port and broker.port_is_free(HOST, other)
    assert broker.free_port(HOST, other) == other
    with pytest.raises(CommandError, match=f"MQTT 端口 {port} 已被占用"):
        demo.broker_port(port)
    assert demo.broker_port(other) == other


def test_demo_secrets_gain_the_broker_secret(tmp_path: Path) -> None:
    (tmp_path / "demo-secrets.env").write_text("SECRET_KEY=old\nDEMO_PASSWORD=Demo-1\n")
    found = demo_secrets(tmp_path)
    assert found["SECRET_KEY"] == "old" and len(found["DEMO_MQTT_SECRET"]) > 30
    assert demo_secrets(tmp_path) == found  # kept, not made again
    assert broker.passwords(found["DEMO_MQTT_SECRET"]) != broker.passwords("other")


def test_closing_lines_say_where_to_start() -> None:
    ctx = DemoContext(password="Demo-abc", stdout=io.StringIO())
    ctx.users = {"admin": None, "cadre": None, "tech": None}
    lines = closing_lines(ctx, "http://127.0.0.1:8000/")
    assert lines[0] == "打开 http://127.0.0.1:8000/"
    assert "Demo-abc" in lines[1] and "cadre" in lines[1]
    assert "大棚：先用 tech 登录（园区技术员：实时温湿度和放风指令）" in lines
    assert len(lines) == 10 and all("\n" not in line for line in lines)
