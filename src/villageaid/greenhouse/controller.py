"""The platform's climate controller for morel tunnels: model-predictive control (issue 23).

One class serves the simulator (`simulate-greenhouse --policy platform`, also `mpc`) and the live
`villageaid control` loop: feed it the latest readings, get back commands with a Chinese reason,
plus advice sentences for houses whose roll-up sides are turned by hand.

Every `plan_every` (15 minutes) it runs the receding-horizon search of `simulation/planner.py`
over the tunnel model: each candidate setting of vent, misting, shade net (and heater and
thermal blanket when the house has them) is rolled out 12 hours on a forecast — the park's
forecast file when one is configured, otherwise persistence plus yesterday's diurnal cycle from
the weather station — and the setting with the least expected out-of-band score (INTERFACES §5
`oob_score`, the band from the crop-stage table in stages.py) is held until the next plan. The
state estimate is a copy of the model, stepped with the commands sent and reset to the air and
soil sensors at every tick. The oracle (docs/decisions/0009) is the same search with the true
weather and the true state, so the two are measured in the same units.

Around the plan:
- every actuator keeps a setting at least `min_hold` and is replanned only every 15 minutes,
  so no actuator switches more than 4 times an hour (≤ 6 is the target);
- stale or missing air data → safe state: misting off, vents to a minimal crack, heater off;
- a manual override is respected until it expires;
- the same advice sentence is not repeated to the caretaker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from villageaid.greenhouse.simulation.equipment import EquipmentSet
from villageaid.greenhouse.simulation.forecast import (
    DEFAULT_WIND_MS,
    OutdoorHistory,
    clear_sky_ghi,
    from_forecast,
)
from villageaid.greenhouse.simulation.model import ActuatorTargets, Outdoor, TunnelModel
from villageaid.greenhouse.simulation.params import TunnelParams
from villageaid.greenhouse.simulation.planner import Prediction, RecedingHorizon, Weather
from villageaid.greenhouse.simulation.psychro import abs_humidity
from villageaid.greenhouse.simulation.weather import WeatherTrace
from villageaid.greenhouse.stages import StageBand

VENT, MIST, SHADE, FAN, HEATER, BLANKET = "vent", "mist", "shade", "fan", "heater", "blanket"
ACTUATOR_ZH = {
    VENT: "卷膜风口",
    MIST: "喷雾",
    SHADE: "遮阳网",
    FAN: "风机",
    HEATER: "热风机",
    BLANKET: "保温被",
}


@dataclass(frozen=True)
class Reading:
    value: float
    ts: datetime


@dataclass(frozen=True)
class ActuatorPositions:
    vent_pct: float = 0.0
    mist_s: float = 0.0  # seconds of spray per minute; a plain relay that is on = 60
    shade_on: bool = True
    fan_on: bool = False
    heater_on: bool = False
    blanket_on: bool = False


@dataclass(frozen=True)
class ManualOverride:
    """A technician's manual setting that the controller leaves alone until `expires`."""

    actuator: str
    value: float
    expires: datetime


@dataclass(frozen=True)
class ControlInput:
    now: datetime
    band: StageBand
    actuators: ActuatorPositions
    air_temp: Reading | None
    air_rh: Reading | None
    soil_temp: Reading | None = None
    outdoor_temp: Reading | None = None
    outdoor_rh: Reading | None = None
    outdoor_wind: Reading | None = None
    outdoor_ghi: Reading | None = None
    overrides: tuple[ManualOverride, ...] = ()


@dataclass(frozen=True)
class Command:
    actuator: str
    value: float
    unit: str
    reason: str

    def as_payload(self, now: datetime) -> dict[str, object]:
        """The INTERFACES §4.3 MQTT payload."""
        return {
            "action": "set",
            "value": self.value,
            "unit": self.unit,
            "reason": self.reason,
            "ts": now.isoformat(),
        }


@dataclass
class ControlOutput:
    commands: list[Command] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    safe_mode: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ControllerSettings:
    stale_after: timedelta = timedelta(minutes=10)
    # the plan is made every 15 minutes and held (ADR 0009: ≤ 4 switches an hour by
    # construction); every actuator also keeps a setting at least `min_hold`
    plan_every: timedelta = timedelta(minutes=15)
    min_hold: timedelta = timedelta(minutes=10)
    horizon: timedelta = timedelta(hours=12)
    model_step: timedelta = timedelta(minutes=15)
    vent_safe_pct: float = 3.0  # stale-data crack
    vent_full_cm: float = 80.0
    # the house: equipment (simulation/equipment.py) and its effective model parameters
    # (None = the 8 m × 60 m single film of greenhouse.md §3.3 with the equipment applied)
    equipment: EquipmentSet = field(default_factory=EquipmentSet)
    params: TunnelParams | None = None
    # the park's forecast (minute or hourly trace); None = persistence + diurnal cycle
    forecast: WeatherTrace | None = None
    # simulated seconds per wall-clock second (the demo park runs its physics faster)
    speed: float = 1.0


class PlatformController:
    """Stateful per house: the model estimate, the weather history and the held plan."""

    def __init__(self, settings: ControllerSettings | None = None) -> None:
        self.settings = settings or ControllerSettings()
        s = self.settings
        self.params = s.params or s.equipment.apply(TunnelParams())
        self._planner: RecedingHorizon | None = None
        self._planner_band: StageBand | None = None
        self._estimate: TunnelModel | None = None
        self._history = OutdoorHistory()
        self._origin: tuple[datetime, float] | None = None  # (wall clock, model time) at start
        self._last_model_ts: float | None = None
        self._last_outdoor: Outdoor | None = None
        self._next_plan_ts: float | None = None
        self._plan: ActuatorTargets | None = None
        self._prediction: Prediction | None = None
        self._commanded: dict[str, float] = {}
        self._last_change: dict[str, datetime] = {}
        self._last_advice: dict[str, str] = {}
        # per-tick cost of the controller, for the benchmark and the live loop's log
        self.plan_seconds: list[float] = []
        self.ticks = 0
        self.tick_seconds = 0.0

    # ------------------------------------------------------------ public

    def decide(self, inp: ControlInput) -> ControlOutput:
        started = time.perf_counter()
        try:
            return self._decide(inp)
        finally:
            self.ticks += 1
            self.tick_seconds += time.perf_counter() - started

    def _decide(self, inp: ControlInput) -> ControlOutput:
        out = ControlOutput()
        current = self._positions(inp.actuators)
        for actuator, value in current.items():
            self._commanded.setdefault(actuator, value)
        overridden = {o.actuator: o for o in inp.overrides if o.expires > inp.now}
        for o in overridden.values():
            name = ACTUATOR_ZH.get(o.actuator, o.actuator)
            out.notes.append(f"{name}由人工接管至{o.expires:%H:%M}，控制器不动作")
            self._commanded[o.actuator] = current.get(o.actuator, o.value)
        if self._is_stale(inp, inp.air_temp) or self._is_stale(inp, inp.air_rh):
            self._safe_state(inp, overridden, out)
            return out
        assert inp.air_temp is not None and inp.air_rh is not None
        model_ts = self._model_time(inp.now)
        outdoor = self._outdoor(inp, model_ts)
        self._track(inp, model_ts, outdoor)
        band_changed = self._planner_band != inp.band
        if band_changed or self._next_plan_ts is None or model_ts >= self._next_plan_ts:
            planned = time.perf_counter()
            self._plan = self._make_plan(inp.band, model_ts)
            self.plan_seconds.append(time.perf_counter() - planned)
            step = self.settings.plan_every.total_seconds()
            self._next_plan_ts = model_ts + step
        assert self._plan is not None
        for actuator, value in self._wanted(self._plan).items():
            self._emit(inp, overridden, out, actuator, value, self._reason(inp, actuator, value))
        return out

    # ------------------------------------------------------------ time and state estimate

    def _model_time(self, now: datetime) -> float:
        """Seconds on the model's clock: wall clock, sped up in the demo park."""
        if self._origin is None:
            self._origin = (now, now.timestamp())
        wall, model = self._origin
        return model + (now - wall).total_seconds() * self.settings.speed

    def _is_stale(self, inp: ControlInput, reading: Reading | None) -> bool:
        return reading is None or inp.now - reading.ts > self.settings.stale_after

    def _fresh(self, inp: ControlInput, reading: Reading | None) -> float | None:
        return None if self._is_stale(inp, reading) else reading.value  # type: ignore[union-attr]

    def _outdoor(self, inp: ControlInput, model_ts: float) -> Outdoor:
        """The weather station's reading; what it lacks from the last one or a default."""
        last = self._last_outdoor
        assert inp.air_temp is not None and inp.air_rh is not None
        temp = self._fresh(inp, inp.outdoor_temp)
        rh = self._fresh(inp, inp.outdoor_rh)
        wind = self._fresh(inp, inp.outdoor_wind)
        ghi = self._fresh(inp, inp.outdoor_ghi)
        return Outdoor(
            temp_c=temp if temp is not None else (last.temp_c if last else inp.air_temp.value),
            rh_pct=rh if rh is not None else (last.rh_pct if last else inp.air_rh.value),
            wind_ms=wind if wind is not None else DEFAULT_WIND_MS,
            ghi_wm2=ghi if ghi is not None else clear_sky_ghi(model_ts),
        )

    def _track(self, inp: ControlInput, model_ts: float, outdoor: Outdoor) -> None:
        """Step the model estimate to now with the settings in force, then reset it to the
        sensors (air temperature and humidity always, the beds when a soil probe reports)."""
        assert inp.air_temp is not None and inp.air_rh is not None
        soil = self._fresh(inp, inp.soil_temp)
        if self._estimate is None:
            self._estimate = TunnelModel.start(
                self.params,
                outdoor,
                soil_temp_c=soil if soil is not None else inp.air_temp.value + 1.0,
                equipment=self.settings.equipment,
            )
        elif self._last_model_ts is not None and self._last_outdoor is not None:
            elapsed = min(max(model_ts - self._last_model_ts, 0.0), 6 * 3600.0)
            applied = self._targets_in_force(inp.actuators)
            while elapsed > 0.5:
                dt = min(60.0, elapsed)
                self._estimate.step(self._last_outdoor, applied, dt)
                elapsed -= dt
        state = self._estimate.state
        state.air_temp_c = inp.air_temp.value
        state.air_x = abs_humidity(inp.air_temp.value, min(100.0, max(0.0, inp.air_rh.value)))
        if soil is not None:
            state.soil_temp_c = soil
        state.vent_pct = inp.actuators.vent_pct
        self._history.add(model_ts, outdoor)
        self._last_model_ts, self._last_outdoor = model_ts, outdoor

    @staticmethod
    def _targets_in_force(pos: ActuatorPositions) -> ActuatorTargets:
        return ActuatorTargets(
            vent_pct=pos.vent_pct,
            mist_s=pos.mist_s,
            shade_on=pos.shade_on,
            fan_on=pos.fan_on,
            heater_on=pos.heater_on,
            blanket_on=pos.blanket_on,
        )

    # ------------------------------------------------------------ the plan

    def _make_plan(self, band: StageBand, model_ts: float) -> ActuatorTargets:
        s = self.settings
        if self._planner is None or self._planner_band != band:
            self._planner = RecedingHorizon(
                self.params,
                s.equipment,
                band,
                interval_min=int(s.plan_every.total_seconds() // 60),
                horizon_min=int(s.horizon.total_seconds() // 60),
                step_min=int(s.model_step.total_seconds() // 60),
            )
            self._planner_band = band
        assert self._estimate is not None
        steps = int(s.horizon / s.model_step)
        step_s = s.model_step.total_seconds()
        weather: Weather | None = None
        if s.forecast is not None:
            weather = from_forecast(s.forecast, model_ts, steps, step_s)
        if weather is None:
            weather = self._history.persistence_diurnal(steps, step_s)
        plan = self._planner.choose(self._estimate.state, weather)
        self._prediction = self._planner.last_prediction
        return plan

    def _wanted(self, plan: ActuatorTargets) -> dict[str, float]:
        wanted = {VENT: plan.vent_pct, MIST: plan.mist_s, SHADE: float(plan.shade_on)}
        if self.settings.equipment.heater_kw > 0:
            wanted[HEATER] = float(plan.heater_on)
        if self.settings.equipment.blanket_u_factor < 1.0:
            wanted[BLANKET] = float(plan.blanket_on)
        return wanted

    @staticmethod
    def _positions(pos: ActuatorPositions) -> dict[str, float]:
        return {
            VENT: pos.vent_pct,
            MIST: pos.mist_s,
            SHADE: float(pos.shade_on),
            FAN: float(pos.fan_on),
            HEATER: float(pos.heater_on),
            BLANKET: float(pos.blanket_on),
        }

    def _reason(self, inp: ControlInput, actuator: str, value: float) -> str:
        """Why, in the caretaker's words, with what the plan expects (from the stage band)."""
        band, p = inp.band, self._prediction
        before = self._commanded.get(actuator, 0.0)
        hours = f"未来{p.hours:.0f}小时" if p else "未来几小时"
        t_range = f"预计棚温{p.temp_min_c:.1f}–{p.temp_max_c:.1f}℃" if p else ""
        rh_range = f"湿度{p.rh_min_pct:.0f}–{p.rh_max_pct:.0f}%" if p else ""
        aim = (
            f"（{band.label_zh}期适宜{band.temp_min_c:g}–{band.temp_max_c:g}℃、"
            f"{band.rh_min_pct:g}–{band.rh_max_pct:g}%）"
        )
        if actuator == VENT:
            if value <= 0:
                why = "关闭风口保温保湿"
            elif value > before:
                why = f"开大风口到{value:.0f}%，降温排湿"
            else:
                why = f"收小风口到{value:.0f}%"
            return f"{why}：{hours}{t_range}{aim}"
        if actuator == MIST:
            why = f"喷雾每分钟{value:.0f}秒" if value > 0 else "停止喷雾"
            return f"{why}：{hours}{rh_range}{aim}"
        if actuator == SHADE:
            why = "盖上遮阳网" if value else "拉开遮阳网，让阳光给棚里蓄热"
            return f"{why}：{hours}{t_range}{aim}"
        if actuator == HEATER:
            why = "开热风机" if value else "关热风机"
            return f"{why}：{hours}{t_range}{aim}"
        if actuator == BLANKET:
            why = "放下保温被" if value else "卷起保温被"
            return f"{why}：{hours}{t_range}{aim}"
        return f"{ACTUATOR_ZH.get(actuator, actuator)}按计划调整{aim}"

    # ------------------------------------------------------------ output

    def _may_change(self, actuator: str, now: datetime) -> bool:
        """Minimum on/off time: an actuator keeps each setting for `min_hold`."""
        last = self._last_change.get(actuator)
        return last is None or now - last >= self.settings.min_hold

    def _safe_state(
        self, inp: ControlInput, overridden: dict[str, ManualOverride], out: ControlOutput
    ) -> None:
        out.safe_mode = True
        self._next_plan_ts = None  # plan afresh when the data comes back
        reason = "棚内温湿度数据超过10分钟未更新，进入安全状态"
        out.notes.append(reason + "：停止喷雾，风口留小缝，请检查传感器")
        self._emit(inp, overridden, out, MIST, 0.0, reason + "，停止喷雾", safety=True)
        safe_vent = self.settings.vent_safe_pct
        self._emit(inp, overridden, out, VENT, safe_vent, reason + "，风口留小缝", safety=True)
        if self.settings.equipment.heater_kw > 0:
            self._emit(inp, overridden, out, HEATER, 0.0, reason + "，关热风机", safety=True)

    def _emit(
        self,
        inp: ControlInput,
        overridden: dict[str, ManualOverride],
        out: ControlOutput,
        actuator: str,
        value: float,
        reason: str,
        *,
        safety: bool = False,
    ) -> None:
        if actuator in overridden:
            return
        current = self._commanded.get(actuator, 0.0)
        if abs(value - current) < 0.5:
            return
        if not safety and not self._may_change(actuator, inp.now):
            return
        self._last_change[actuator] = inp.now
        self._commanded[actuator] = value
        unit = {VENT: "%", MIST: "s/min"}.get(actuator, "on/off")
        out.commands.append(Command(actuator, round(value, 1), unit, reason))
        if actuator == MIST and value > 0 and current > 0:
            return  # only the pulse length changed: no new advice for the caretaker
        advice = self._advice(actuator, value, current)
        if self._last_advice.get(actuator) == advice:
            return  # the caretaker was already told exactly this
        self._last_advice[actuator] = advice
        out.advice.append(advice + f"（{reason}）")

    def _advice(self, actuator: str, value: float, current: float) -> str:
        if actuator == VENT:
            cm = round(value / 100.0 * self.settings.vent_full_cm)
            if cm <= 0:
                return "现在把两侧卷膜放下，关严风口"
            verb = "升到" if value > current else "降到"
            return f"现在把两侧卷膜{verb}{cm}厘米"
        name = ACTUATOR_ZH[actuator]
        if actuator == MIST and value > 0:
            return f"现在打开喷雾，每分钟喷{value:.0f}秒"
        if actuator == SHADE:
            return "现在盖上遮阳网" if value else "现在拉开遮阳网"
        if actuator == BLANKET:
            return "现在放下保温被" if value else "现在卷起保温被"
        return f"现在打开{name}" if value else f"现在关闭{name}"
