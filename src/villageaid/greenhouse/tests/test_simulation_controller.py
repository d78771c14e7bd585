"""The platform controller (model-predictive): safe state on stale data, manual overrides,
plans held for 15 minutes, misting, heater and blanket only when installed."""

from __future__ import annotations

from datetime import datetime, timedelta

from villageaid.greenhouse.controller import (
    ActuatorPositions,
    ControlInput,
    ControllerSettings,
    ManualOverride,
    PlatformController,
    Reading,
)
from villageaid.greenhouse.simulation.equipment import equipment_set
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
    outdoor: tuple[float, float] = (10.0, 60.0),
) -> ControlInput:
    return ControlInput(
        now=now,
        band=BAND,
        actuators=actuators or ActuatorPositions(vent_pct=20.0, mist_s=60.0),
        air_temp=Reading(temp, now - age),
        air_rh=Reading(rh, now - age),
        outdoor_temp=Reading(outdoor[0], now),
        outdoor_rh=Reading(outdoor[1], now),
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


def test_warm_house_opens_the_vent_and_holds_the_plan_with_chinese_advice() -> None:
    ctl = PlatformController()
    closed = ActuatorPositions(vent_pct=0.0)
    first = ctl.decide(_input(temp=17.5, rh=80.0, actuators=closed))
    opened = _by_actuator(first)["vent"]
    assert opened > 0.0
    assert any(a.startswith("现在把两侧卷膜升到") and "厘米" in a for a in first.advice)
    vent = next(c for c in first.commands if c.actuator == "vent")
    assert "未来12小时" in vent.reason and "5–18℃" in vent.reason  # the plan and the band
    moved = ActuatorPositions(vent_pct=opened, mist_s=60.0)
    for minute in range(1, 15):  # the plan is held until the next one, 15 minutes on
        now = NOW + timedelta(minutes=minute)
        again = ctl.decide(_input(temp=17.5, rh=80.0, now=now, actuators=moved))
        assert "vent" not in _by_actuator(again)
    assert len(ctl.plan_seconds) == 1


def test_misting_follows_humidity() -> None:
    dry = PlatformController().decide(
        _input(temp=14.0, rh=60.0, actuators=ActuatorPositions(vent_pct=5.0), outdoor=(12.0, 30.0))
    )
    assert _by_actuator(dry)["mist"] > 0
    assert any("喷雾" in a for a in dry.advice)
    mist = next(c for c in dry.commands if c.actuator == "mist")
    assert "湿度" in mist.reason and "65–85%" in mist.reason
    night = datetime(2020, 4, 10, 23, 0, tzinfo=CST)
    wet = PlatformController().decide(  # a closed house at night near saturation
        _input(
            temp=9.0,
            rh=88.0,
            now=night,
            actuators=ActuatorPositions(mist_s=30.0),
            outdoor=(8.0, 95.0),
        )
    )
    assert _by_actuator(wet)["mist"] == 0.0


def test_the_heater_and_blanket_are_commanded_only_when_installed() -> None:
    night = datetime(2020, 3, 10, 2, 0, tzinfo=CST)
    cold = _input(temp=4.0, rh=80.0, now=night, outdoor=(-3.0, 70.0))
    plain = PlatformController().decide(cold)
    assert not {"heater", "blanket"} & set(_by_actuator(plain))
    kit = equipment_set("inner_film,blanket,heater")
    equipped = PlatformController(ControllerSettings(equipment=kit)).decide(cold)
    assert _by_actuator(equipped).get("heater") == 1.0
    payload = equipped.commands[0].as_payload(night)
    assert payload["action"] == "set" and payload["ts"] == night.isoformat()
    assert any(
        a == "现在打开热风机（" + c.reason + "）"
        for c in equipped.commands
        for a in equipped.advice
    )
