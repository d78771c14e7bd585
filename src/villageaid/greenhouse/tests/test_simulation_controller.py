"""The platform controller: safe state on stale data, manual overrides, staged vent moves."""

from __future__ import annotations

from datetime import datetime, timedelta

from villageaid.greenhouse.controller import (
    ActuatorPositions,
    ControlInput,
    ManualOverride,
    PlatformController,
    Reading,
)
from villageaid.greenhouse.simulation.weather import CST
from villageaid.greenhouse.stages import stage_band

BAND = stage_band("fruiting")
NOW = datetime(2020, 4, 10, 12, 0, tzinfo=CST)


def _input(
    temp: float = 12.0,
    rh: float = 78.0,
    age: timedelta = timedelta(0),
    now: datetime = NOW,
    actuators: ActuatorPositions | None = None,
    overrides: tuple[ManualOverride, ...] = (),
) -> ControlInput:
    return ControlInput(
        now=now,
        band=BAND,
        actuators=actuators or ActuatorPositions(vent_pct=20.0, mist_s=60.0),
        air_temp=Reading(temp, now - age),
        air_rh=Reading(rh, now - age),
        outdoor_temp=Reading(10.0, now),
        overrides=overrides,
    )


def _by_actuator(out: object) -> dict[str, float]:
    return {c.actuator: c.value for c in out.commands}  # type: ignore[attr-defined]


def test_stale_data_stops_misting_and_leaves_a_minimal_crack() -> None:
    out = PlatformController().decide(_input(age=timedelta(minutes=11)))
    assert out.safe_mode
    cmds = _by_actuator(out)
    assert cmds["mist"] == 0.0
    assert 0.0 < cmds["vent"] <= 5.0
    assert all(c.reason for c in out.commands)
    assert any("传感器" in note for note in out.notes)


def test_missing_readings_are_stale_too() -> None:
    inp = _input()
    inp = ControlInput(
        now=NOW, band=BAND, actuators=inp.actuators, air_temp=None, air_rh=inp.air_rh
    )
    assert PlatformController().decide(inp).safe_mode


def test_fresh_data_is_not_safe_mode() -> None:
    assert not PlatformController().decide(_input(age=timedelta(minutes=9))).safe_mode


def test_manual_override_is_respected_until_it_expires() -> None:
    ctl = PlatformController()
    override = ManualOverride("vent", 80.0, NOW + timedelta(minutes=30))
    hot = ActuatorPositions(vent_pct=80.0)
    out = ctl.decide(_input(temp=8.0, actuators=hot, overrides=(override,)))  # cold: would close
    assert "vent" not in _by_actuator(out)
    assert any("人工接管" in n for n in out.notes)
    stale = ctl.decide(_input(age=timedelta(hours=1), actuators=hot, overrides=(override,)))
    assert "vent" not in _by_actuator(stale)  # even the safe state leaves it alone
    later = NOW + timedelta(minutes=31)
    out = ctl.decide(_input(temp=6.5, now=later, actuators=hot, overrides=(override,)))
    assert _by_actuator(out)["vent"] < 80.0


def test_vent_opens_in_small_rate_limited_steps_with_chinese_advice() -> None:
    ctl = PlatformController()
    closed = ActuatorPositions(vent_pct=0.0)
    first = ctl.decide(_input(temp=17.5, rh=80.0, actuators=closed))
    step = _by_actuator(first)["vent"]
    assert 0.0 < step <= 10.0
    assert any(a.startswith("现在把两侧卷膜升到") and "厘米" in a for a in first.advice)
    moved = ActuatorPositions(vent_pct=step)
    again = ctl.decide(_input(temp=17.5, rh=80.0, now=NOW + timedelta(minutes=9), actuators=moved))
    assert "vent" not in _by_actuator(again)  # minimum hold of 10 minutes
    later = ctl.decide(_input(temp=17.5, rh=80.0, now=NOW + timedelta(minutes=10), actuators=moved))
    assert step < _by_actuator(later)["vent"] <= 2 * step + 1e-9


def test_misting_follows_humidity() -> None:
    dry = PlatformController().decide(_input(rh=68.0, actuators=ActuatorPositions(vent_pct=5.0)))
    assert _by_actuator(dry)["mist"] > 0
    assert any("喷雾" in a for a in dry.advice)
    wet = PlatformController().decide(_input(rh=84.0))  # spraying 60 s/min near saturation
    assert _by_actuator(wet)["mist"] < 60.0  # steps down (a sudden stop collapses RH)
    nearly_off = ActuatorPositions(vent_pct=20.0, mist_s=5.0)
    assert (
        _by_actuator(PlatformController().decide(_input(rh=84.0, actuators=nearly_off)))["mist"]
        == 0.0
    )


def test_cold_house_closes_vents() -> None:
    out = PlatformController().decide(_input(temp=5.5, rh=75.0))
    assert _by_actuator(out)["vent"] < 20.0
    payload = out.commands[0].as_payload(NOW)
    assert payload["action"] == "set" and payload["ts"] == NOW.isoformat()
