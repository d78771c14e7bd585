"""Control policies for the simulator, registered in `POLICIES`.

Each policy is a class with a `name` and `decide(obs) -> ActuatorTargets`, called once per
simulated minute. Adding one means copying a sibling and adding it to the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import ClassVar, Protocol

from villageaid.greenhouse.controller import (
    BLANKET,
    FAN,
    HEATER,
    MIST,
    SHADE,
    VENT,
    ActuatorPositions,
    ControlInput,
    ControllerSettings,
    PlatformController,
    Reading,
)
from villageaid.greenhouse.simulation.equipment import EquipmentSet
from villageaid.greenhouse.simulation.model import ActuatorTargets, Outdoor, TunnelState
from villageaid.greenhouse.simulation.params import TunnelParams
from villageaid.greenhouse.simulation.weather import WeatherTrace
from villageaid.greenhouse.stages import StageBand


@dataclass(frozen=True)
class Observation:
    """What a policy may see at one minute: sensors, weather station, actuators, forecast."""

    now: datetime
    band: StageBand
    air_temp_c: float
    rh_pct: float
    soil_temp_c: float
    outdoor: Outdoor
    actuators: ActuatorPositions
    forecast_max_c: float
    state: TunnelState | None = None  # the model's full state (only the oracle may use it)


@dataclass(frozen=True)
class PolicyContext:
    """What a policy is built with: the run's weather (minute step), house and band."""

    trace: WeatherTrace | None = None
    equipment: EquipmentSet = field(default_factory=EquipmentSet)
    params: TunnelParams = field(default_factory=TunnelParams)
    band: StageBand | None = None
    forecast: WeatherTrace | None = None  # the park's forecast file, minute step


class Policy(Protocol):
    name: str

    def decide(self, obs: Observation) -> ActuatorTargets: ...


def _in_window(now: datetime, start: time, minutes: int) -> bool:
    begin = datetime.combine(now.date(), start, tzinfo=now.tzinfo)
    return begin <= now < begin + timedelta(minutes=minutes)


class VillagerPolicy:
    """The first-year routine (INTERFACES §5): sides fully up 09:00–16:00 on days forecast
    above 10 °C, misting 15 minutes at 08:00 and at 14:00 [E duration], shade net always on."""

    name = "villager"
    mist_minutes: ClassVar[int] = 15
    mist_times: ClassVar[tuple[time, ...]] = (time(8, 0), time(14, 0))

    def decide(self, obs: Observation) -> ActuatorTargets:
        warm_day = obs.forecast_max_c > 10.0
        vent = 100.0 if warm_day and 9 <= obs.now.hour < 16 else 0.0
        mist = any(_in_window(obs.now, t, self.mist_minutes) for t in self.mist_times)
        return ActuatorTargets(vent_pct=vent, mist_s=60.0 if mist else 0.0, shade_on=True)


class ThermostatPolicy:
    """On/off vents on air temperature only, 0.3 K hysteresis around band max − 2 K.

    Misting keeps the caretaker's 08:00/14:00 routine because the thermostat knows no humidity.
    """

    name = "thermostat"
    below_max_k: ClassVar[float] = 2.0
    hysteresis_k: ClassVar[float] = 0.3

    def __init__(self) -> None:
        self._open = False
        self._routine = VillagerPolicy()

    def decide(self, obs: Observation) -> ActuatorTargets:
        setpoint = obs.band.temp_max_c - self.below_max_k
        if obs.air_temp_c > setpoint + self.hysteresis_k:
            self._open = True
        elif obs.air_temp_c < setpoint - self.hysteresis_k:
            self._open = False
        mist = self._routine.decide(obs).mist_s
        return ActuatorTargets(vent_pct=100.0 if self._open else 0.0, mist_s=mist, shade_on=True)


class PlatformPolicy:
    """The project's controller (`villageaid.greenhouse.controller.PlatformController`): the
    model-predictive controller the live `villageaid control` loop runs, built with the run's
    equipment, house parameters and the park's forecast file when one is given."""

    name = "platform"

    def __init__(self, context: PolicyContext | None = None) -> None:
        context = context or PolicyContext()
        self.controller = PlatformController(
            ControllerSettings(
                equipment=context.equipment, params=context.params, forecast=context.forecast
            )
        )
        self._targets = ActuatorTargets()

    def decide(self, obs: Observation) -> ActuatorTargets:
        now = obs.now

        def r(value: float) -> Reading:
            return Reading(value, now)

        t = self._targets
        out = self.controller.decide(
            ControlInput(
                now=now,
                band=obs.band,
                actuators=ActuatorPositions(
                    vent_pct=obs.actuators.vent_pct,
                    mist_s=t.mist_s,
                    shade_on=t.shade_on,
                    fan_on=t.fan_on,
                    heater_on=t.heater_on,
                    blanket_on=t.blanket_on,
                ),
                air_temp=r(obs.air_temp_c),
                air_rh=r(obs.rh_pct),
                soil_temp=r(obs.soil_temp_c),
                outdoor_temp=r(obs.outdoor.temp_c),
                outdoor_rh=r(obs.outdoor.rh_pct),
                outdoor_wind=r(obs.outdoor.wind_ms),
                outdoor_ghi=r(obs.outdoor.ghi_wm2),
            )
        )
        values = {
            VENT: t.vent_pct,
            MIST: t.mist_s,
            SHADE: float(t.shade_on),
            FAN: float(t.fan_on),
            HEATER: float(t.heater_on),
            BLANKET: float(t.blanket_on),
        }
        for cmd in out.commands:
            values[cmd.actuator] = cmd.value
        self._targets = ActuatorTargets(
            vent_pct=values[VENT],
            mist_s=values[MIST],
            shade_on=bool(values[SHADE]),
            fan_on=bool(values[FAN]),
            heater_on=bool(values[HEATER]),
            blanket_on=bool(values[BLANKET]),
        )
        return self._targets


POLICIES: dict[str, type[Policy]] = {
    VillagerPolicy.name: VillagerPolicy,
    ThermostatPolicy.name: ThermostatPolicy,
    PlatformPolicy.name: PlatformPolicy,
}
# policies that need the run's context (weather, equipment, forecast) to be built; `mpc` is the
# name issue 23 gave the model-predictive controller, which is now the platform's own
CONTEXT_POLICIES = ("oracle", "mpc", "platform")


def make_policy(name: str, context: PolicyContext | None = None) -> Policy:
    if name == "oracle":
        from villageaid.greenhouse.simulation.oracle import OraclePolicy

        return OraclePolicy(context or PolicyContext())
    if name in ("platform", "mpc"):
        return PlatformPolicy(context)
    try:
        return POLICIES[name]()
    except KeyError:
        known = ", ".join(dict.fromkeys((*POLICIES, *CONTEXT_POLICIES)))
        raise ValueError(f"unknown policy {name!r}; known policies: {known}") from None
