"""The demo's embedded MQTT broker (amqtt): its port, its users and who may publish what.

Commands move vents and misting, so only the controller's account may publish to a command
topic; the simulator publishes telemetry and receives commands, the listener reads
telemetry. Anonymous clients are refused. The passwords are derived from a secret kept
with the demo's other secrets (``DEMO_MQTT_SECRET`` in ``DATA_DIR/demo-secrets.env``).
docs/operations.md gives the same rules for Mosquitto (``password_file`` and ``acl_file``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from amqtt.plugins.base import BaseAuthPlugin
from amqtt.session import Session

logger = logging.getLogger(__name__)
Stop = Callable[[], None]

DEFAULT_PORT = 18830
CONTROL, LISTENER, SIMULATOR = "demo-control", "demo-listener", "demo-simulator"
COMMANDS = "villageaid/+/+/cmd/+"
TELEMETRY = "villageaid/+/+/telemetry"
PUBLISH_ACL = {CONTROL: [COMMANDS], SIMULATOR: [TELEMETRY], LISTENER: []}
SUBSCRIBE_ACL = {
    CONTROL: [],
    SIMULATOR: [COMMANDS],
    LISTENER: [TELEMETRY, "tele/+/SENSOR", "+/sensor/+/state"],
}


class PasswordAuth(BaseAuthPlugin):
    """Accepts only the users listed in the broker's configuration, with their password."""

    @dataclass
    class Config:
        users: dict[str, str] = field(default_factory=dict)

    async def authenticate(self, *, session: Session) -> bool:
        users: dict[str, str] = self._get_config_option("users", {})
        expected = users.get(session.username or "")
        given = session.password or ""
        return expected is not None and hmac.compare_digest(expected.encode(), given.encode())


def passwords(secret: str) -> dict[str, str]:
    """One password per demo account, derived from the demo's secret."""
    return {
        user: hmac.new(secret.encode(), user.encode(), hashlib.sha256).hexdigest()[:32]
        for user in (CONTROL, LISTENER, SIMULATOR)
    }


def user_url(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname}:{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str, wanted: int = DEFAULT_PORT) -> int:
    """``wanted`` when nobody listens there (another demo may), else any free port."""
    if wanted and port_is_free(host, wanted):
        return wanted
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def config(host: str, port: int, users: dict[str, str] | None) -> dict[str, Any]:
    listeners = {"default": {"type": "tcp", "bind": f"{host}:{port}"}}
    if users is None:  # tests of the park loop: anyone may connect
        anonymous = {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}}
        return {"listeners": listeners, "plugins": anonymous}
    acl = {"publish_acl": PUBLISH_ACL, "acl": SUBSCRIBE_ACL}
    plugins = {
        f"{__name__}.PasswordAuth": {"users": users},
        "amqtt.plugins.topic_checking.TopicAccessControlListPlugin": acl,
    }
    return {"listeners": listeners, "plugins": plugins}


def start_broker(host: str, port: int, users: dict[str, str] | None = None) -> Stop:
    """amqtt in its own event loop thread; returns once it listens."""
    from amqtt.broker import Broker

    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, Any] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)

        async def main() -> None:
            broker = Broker(config(host, port, users), loop=loop)
            holder["broker"] = broker
            await broker.start()
            started.set()

        loop.run_until_complete(main())
        loop.run_forever()

    threading.Thread(target=run, name="demo-broker", daemon=True).start()
    if not started.wait(15):
        raise RuntimeError(f"the embedded MQTT broker did not start on {host}:{port}")
    return lambda: _stop(holder, loop)


def _stop(holder: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
    broker = holder.get("broker")
    if broker is not None:
        future = asyncio.run_coroutine_threadsafe(broker.shutdown(), loop)
        try:
            future.result(timeout=5)
        except Exception:
            logger.warning("embedded broker did not shut down cleanly")
    loop.call_soon_threadsafe(loop.stop)
