"""The listener's writes: a batch is acknowledged only once stored; while the database is
down it waits and retries; a message that cannot be stored while the database answers is
rejected alone, so it cannot stall the rest."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from villageaid.greenhouse import listener
from villageaid.greenhouse.ingest import Message, SensorCache

NOW = dt.datetime(2026, 3, 15, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _no_connection_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database is faked here; the real connection is not to be looked at."""
    monkeypatch.setattr(listener, "close_old_connections", lambda: None)


class FakeClient:
    def __init__(self) -> None:
        self.acked: list[int] = []

    def ack(self, mid: int, qos: int) -> None:
        self.acked.append(mid)


def _batch(payloads: list[bytes]) -> list[Any]:
    return [
        (Message("villageaid/p/h1/telemetry", p, NOW), mid, 1) for mid, p in enumerate(payloads)
    ]


def test_batch_waits_out_a_database_outage_then_is_acknowledged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []

    def ingest(*, messages: list[Message], sensors: Any) -> Counter[str]:
        calls.append(len(messages))
        if len(calls) <= 3:
            raise listener.DatabaseError("connection refused")
        return Counter(messages=len(messages), readings=len(messages))

    monkeypatch.setattr(listener, "readings_ingest", ingest)
    monkeypatch.setattr(listener, "_database_up", lambda: len(calls) > 3)
    waits: list[float] = []
    client, counts = FakeClient(), Counter[str]()
    listener._write(client, _batch([b"a", b"b", b"c"]), counts, SensorCache(), wait=waits.append)  # type: ignore[arg-type]
    assert calls == [3, 3, 3, 3] and waits == [1.0, 2.0, 5.0]
    assert client.acked == [0, 1, 2]
    assert counts["readings"] == 3 and counts["rejected"] == 0


def test_nothing_is_acknowledged_when_the_listener_stops_during_an_outage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def ingest(**_kwargs: Any) -> Counter[str]:
        raise listener.DatabaseError("down")

    monkeypatch.setattr(listener, "readings_ingest", ingest)
    monkeypatch.setattr(listener, "_database_up", lambda: False)
    waits: list[float] = []
    client = FakeClient()
    listener._write(
        client,  # type: ignore[arg-type]
        _batch([b"a", b"b"]),
        Counter(),
        SensorCache(),
        give_up=lambda: len(waits) >= 2,
        wait=waits.append,
    )
    assert client.acked == [] and len(waits) == 2  # the broker redelivers them after restart


def test_a_message_that_fails_alone_is_rejected_and_the_rest_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored: list[bytes] = []

    def ingest(*, messages: list[Message], sensors: Any) -> Counter[str]:
        if any(m.payload == b"poison" for m in messages):
            raise ValueError("cannot store")
        stored.extend(m.payload for m in messages)
        return Counter(messages=len(messages))

    monkeypatch.setattr(listener, "readings_ingest", ingest)
    monkeypatch.setattr(listener, "_database_up", lambda: True)
    client, counts = FakeClient(), Counter[str]()
    payloads = [b"a", b"b", b"poison", b"c", b"d"]
    listener._write(client, _batch(payloads), counts, SensorCache(), wait=pytest.fail)  # type: ignore[arg-type]
    assert sorted(stored) == [b"a", b"b", b"c", b"d"]
    assert sorted(client.acked) == [0, 1, 2, 3, 4]
    assert counts["rejected"] == 1
