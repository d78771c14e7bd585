"""Drill (a) run by pytest: the MQTT listener is SIGKILLed mid-stream and restarted;
nothing is lost and nothing duplicated (see scripts/drills/mqtt_listener_kill.py)."""

from __future__ import annotations

import socket

import pytest

from villageaid.conftest import require_service

from .runner import run_drill


def _up(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.mqtt
@pytest.mark.postgres
def test_listener_killed_mid_stream_loses_and_duplicates_nothing() -> None:
    if not _up(1883):
        require_service("Mosquitto", "127.0.0.1:1883")
    if not _up(5432):
        require_service("PostgreSQL", "127.0.0.1:5432")
    result, code, stderr = run_drill(
        "mqtt_listener_kill",
        *("--rate", "500", "--seconds", "10", "--houses", "200", "--kill-at", "5"),
        timeout=240,
    )
    assert result["published_readings"] == 5000
    assert result["lost"] == 0, result
    assert result["duplicated"] == 0, result
    assert result["stored_readings"] == 5000
    assert code == 0, stderr
