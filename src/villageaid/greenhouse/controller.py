"""The platform's climate controller for morel tunnels (vents, misting, shade net, fan).

One class serves both the simulator (`policies.PlatformPolicy`) and the live `villageaid control`
loop: feed it the latest readings once a minute, get back commands with a Chinese reason, plus
advice sentences for houses whose roll-up sides are turned by hand.

Design (greenhouse.md §1.4, §2.2, §3.4 conclusion):
- vents move in small steps with a rate limit, opening earlier when the sun or a fast temperature
  rise is seen, and never open further while RH is falling fast or outside air is hotter;
- misting follows RH with a short look-ahead and also cools when the air is warm and dry;
- a minimum crack for fresh air in the daytime, closed-house mode when cold;
- stale or missing air data → safe state: misting off, vents to a minimal crack;
- a manual override is respected until it expires.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from villageaid.greenhouse.stages import StageBand

VENT, MIST, SHADE, FAN = "vent", "mist", "shade", "fan"
ACTUATOR_ZH = {VENT: "卷膜风口", MIST: "喷雾", SHADE: "遮阳网", FAN: "风机"}


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
    vent_step_pct: float = 5.0  # 4 cm of an 80 cm roll-up side
    # no actuator changes more often than this: ≤ 6 switches an hour (issue 23)
    min_hold: timedelta = timedelta(minutes=10)
    reverse_hold: timedelta = timedelta(minutes=30)  # the vent does not turn back sooner
    vent_max_pct: float = 60.0
    vent_fresh_air_pct: float = 2.0  # daytime minimum crack
    vent_safe_pct: float = 3.0  # stale-data crack
    vent_full_cm: float = 80.0
    # temperature and humidity thresholds come from the stage table (stages.py)
    anticipate_k: float = 1.0  # open this much earlier on strong sun / fast rise
    mist_cool_target_below_max: float = 4.0  # when warm, aim at RH max − 4 to cool
    mist_gain_s_per_pct: float = 3.0  # change of the pulse per RH point off the aim
    mist_quantum_s: float = 5.0  # pulse lengths 0/5/…/60 s per minute
    mist_hysteresis: float = 2.0  # RH points: keep the current pulse within ± this
    mist_lookahead_min: float = 3.0
    rh_fall_guard: float = 5.0  # RH points fallen in 10 min that stop further opening
    dry_margin: float = 3.0  # vent to dry the air above RH max − 3
    dry_close_margin: float = 7.0  # close the drying crack below RH max − 7
    dry_step_pct: float = 1.0
    dry_max_pct: float = 20.0
    has_fan: bool = False
    shade_for_warmth: bool = False  # lift the net on cold sunny middays (早春揭网增温); see report
    warmth_hours: tuple[int, int] = (10, 14)
    warmth_open_below_k: float = 4.0
    warmth_close_above_k: float = 7.0


class PlatformController:
    """Stateful: keeps recent readings for trends and the time of the last vent move."""

    def __init__(self, settings: ControllerSettings | None = None) -> None:
        self.settings = settings or ControllerSettings()
        self._temps: deque[tuple[datetime, float]] = deque(maxlen=16)
        self._rhs: deque[tuple[datetime, float]] = deque(maxlen=16)
        self._last_change: dict[str, datetime] = {}
        self._last_advice: dict[str, str] = {}
        self._vent_target: float | None = None
        self._vent_direction = 0

    # ------------------------------------------------------------ public

    def decide(self, inp: ControlInput) -> ControlOutput:
        out = ControlOutput()
        if self._vent_target is None:
            self._vent_target = inp.actuators.vent_pct
        overridden = {o.actuator: o for o in inp.overrides if o.expires > inp.now}
        if VENT in overridden:
            self._vent_target = inp.actuators.vent_pct
        for o in overridden.values():
            name = ACTUATOR_ZH.get(o.actuator, o.actuator)
            out.notes.append(f"{name}由人工接管至{o.expires:%H:%M}，控制器不动作")
        if self._is_stale(inp, inp.air_temp) or self._is_stale(inp, inp.air_rh):
            self._safe_state(inp, overridden, out)
            return out
        assert inp.air_temp is not None and inp.air_rh is not None
        self._remember(inp.air_temp, inp.air_rh)
        vent, vent_reason = self._vent(inp)
        mist, mist_reason = self._mist(inp, vent)
        shade, shade_reason = self._shade(inp)
        self._emit(inp, overridden, out, VENT, vent, vent_reason)
        self._emit(inp, overridden, out, MIST, mist, mist_reason)
        self._emit(inp, overridden, out, SHADE, float(shade), shade_reason)
        if self.settings.has_fan:
            fan = inp.air_temp.value > inp.band.temp_max_c - 1.0 and self._outdoor_cooler(inp)
            self._emit(inp, overridden, out, FAN, float(fan), "棚温接近上限且外面更凉，开风机")
        return out

    # ------------------------------------------------------------ state and trends

    def _is_stale(self, inp: ControlInput, reading: Reading | None) -> bool:
        return reading is None or inp.now - reading.ts > self.settings.stale_after

    def _remember(self, temp: Reading, rh: Reading) -> None:
        if not self._temps or temp.ts > self._temps[-1][0]:
            self._temps.append((temp.ts, temp.value))
        if not self._rhs or rh.ts > self._rhs[-1][0]:
            self._rhs.append((rh.ts, rh.value))

    @staticmethod
    def _slope_per_min(series: deque[tuple[datetime, float]], minutes: float) -> float:
        if len(series) < 2:
            return 0.0
        t_end, v_end = series[-1]
        past = [(t, v) for t, v in series if (t_end - t).total_seconds() <= minutes * 60.0]
        t0, v0 = past[0]
        span = (t_end - t0).total_seconds() / 60.0
        return (v_end - v0) / span if span > 0 else 0.0

    def _rh_fall_10min(self) -> float:
        if not self._rhs:
            return 0.0
        t_end, v_end = self._rhs[-1]
        recent = [v for t, v in self._rhs if (t_end - t).total_seconds() <= 600.0]
        return max(recent) - v_end

    def _outdoor_cooler(self, inp: ControlInput) -> bool:
        if inp.outdoor_temp is None or self._is_stale(inp, inp.outdoor_temp):
            return True  # unknown: assume the usual spring case
        assert inp.air_temp is not None
        return inp.outdoor_temp.value < inp.air_temp.value - 0.5

    def _sunny(self, inp: ControlInput) -> bool:
        if inp.outdoor_ghi is not None and not self._is_stale(inp, inp.outdoor_ghi):
            return inp.outdoor_ghi.value > 350.0
        return 10 <= inp.now.hour < 14

    # ------------------------------------------------------------ rules

    def _vent(self, inp: ControlInput) -> tuple[float, str]:
        s, band = self.settings, inp.band
        assert inp.air_temp is not None and inp.air_rh is not None and self._vent_target is not None
        temp, rh = self._recent_mean(self._temps), inp.air_rh.value  # 5-minute mean: no noise
        current = self._vent_target
        rise = self._slope_per_min(self._temps, 5.0)
        daytime = 7 <= inp.now.hour < 18
        floor = s.vent_fresh_air_pct if daytime and temp > band.temp_min_c + 3.0 else 0.0
        open_at = band.vent_open_c
        anticipating = self._sunny(inp) or rise > 0.05
        if anticipating:
            open_at -= s.anticipate_k
        rh_high = rh > band.rh_max_pct - s.dry_margin
        if temp < band.cold_c and not (rh_high and temp > band.temp_min_c):
            why = "棚温低于下限" if temp < band.temp_min_c else "棚温偏低"
            return self._step_to(inp, 0.0, current, 4.0), f"{why}，关闭风口保温"
        if not self._outdoor_cooler(inp) and temp > open_at and not rh_high:
            return self._step_to(inp, floor, current, 1.0), "外面比棚里热，只留换气小缝，靠喷雾降温"
        falling = self._rh_fall_10min() > s.rh_fall_guard
        if falling and rh < band.rh_max_pct - 5.0 and temp < band.temp_max_c - 0.5:
            return self._step_to(inp, floor, current, 1.0), "湿度下降过快，收小风口"
        if temp > open_at and self._outdoor_cooler(inp):
            if rh < band.rh_min_pct + 3.0 and temp < band.temp_max_c - 1.0:
                return current, "空气偏干，暂不加大风口"
            urgent = 2.0 if temp > band.temp_max_c - 1.0 else 1.0
            why = "日照强，提前小幅开风口" if anticipating else "棚温偏高，小幅开风口"
            return self._step_to(inp, s.vent_max_pct, current, urgent), why
        if rh_high and self._slope_per_min(self._rhs, 5.0) > -0.3:
            step = s.dry_step_pct / s.vent_step_pct
            goal = max(current, min(s.dry_max_pct, current + s.dry_step_pct))
            return self._step_to(inp, goal, current, step), "湿度偏高，稍开风口排湿"
        if temp < band.vent_close_c and rh < band.rh_max_pct - s.dry_close_margin:
            return self._step_to(inp, floor, current, 1.0), "棚温回落，收小风口"
        return max(current, floor), "保持风口，留最小换气"

    def _may_change(self, actuator: str, now: datetime) -> bool:
        """Minimum on/off time: an actuator keeps each setting for `min_hold`."""
        last = self._last_change.get(actuator)
        return last is None or now - last >= self.settings.min_hold

    def _step_to(self, inp: ControlInput, goal: float, current: float, factor: float) -> float:
        """Move toward goal by at most one step per interval (factor scales the step)."""
        s = self.settings
        if abs(goal - current) < 1e-6:
            return current
        if not self._may_change(VENT, inp.now):
            return current
        direction = 1 if goal > current else -1
        last = self._last_change.get(VENT)
        reversing = direction != self._vent_direction and self._vent_direction != 0
        if reversing and last is not None and inp.now - last < s.reverse_hold:
            return current  # hysteresis: no up-down hunting
        self._vent_direction = direction
        step = s.vent_step_pct * factor
        return current + max(-step, min(step, goal - current))

    @staticmethod
    def _recent_mean(series: deque[tuple[datetime, float]], minutes: float = 5.0) -> float:
        t_end = series[-1][0]
        recent = [v for t, v in series if (t_end - t).total_seconds() <= minutes * 60.0]
        return sum(recent) / len(recent)

    def _mist(self, inp: ControlInput, vent: float) -> tuple[float, str]:
        """Seconds of spray per minute, a setting held for at least `min_hold`.

        Integrating: each new setting moves the current one by `mist_gain_s_per_pct` per RH
        point between the aim and the RH predicted a few minutes ahead (at most one quantum either way), so the
        pulse settles at the duty that balances the ventilation instead of flapping 60 ↔ 0.
        """
        s, band = self.settings, inp.band
        assert inp.air_temp is not None and inp.air_rh is not None
        temp, rh = inp.air_temp.value, inp.air_rh.value
        predicted = rh + self._slope_per_min(self._rhs, 5.0) * s.mist_lookahead_min
        current = inp.actuators.mist_s
        if rh >= band.rh_max_pct - 2.0:
            # step down, not off: a sudden stop lets RH collapse (greenhouse.md §2.2)
            lower = max(0.0, current - s.mist_quantum_s)
            return lower, "湿度接近上限，减少喷雾" if lower > 0 else "湿度接近上限，停止喷雾"
        if temp < band.temp_min_c + 1.0 and rh > band.rh_min_pct + 2.0:
            return 0.0, "棚温低，不喷雾以免降温"
        target = band.rh_aim
        why = "湿度偏低，喷雾加湿"
        if temp > band.temp_max_c - 2.5:
            target = max(target, band.rh_max_pct - s.mist_cool_target_below_max)
            why = "棚温偏高，喷雾降温加湿"
        if current > 0 and abs(target - predicted) <= s.mist_hysteresis:
            return current, f"{why}（每分钟喷{current:.0f}秒）"  # inside the hysteresis: hold
        change = s.mist_gain_s_per_pct * (target - predicted)
        change = max(-s.mist_quantum_s, min(s.mist_quantum_s, change))
        seconds = s.mist_quantum_s * round((current + change) / s.mist_quantum_s)
        seconds = max(0.0, min(60.0, seconds))
        if seconds <= 0.0:
            return 0.0, "湿度合适，停止喷雾"
        return seconds, f"{why}（每分钟喷{seconds:.0f}秒）"

    def _shade(self, inp: ControlInput) -> tuple[bool, str]:
        """Keep the 90 % net on, except to store sun in the beds on a cold sunny midday."""
        s, band = self.settings, inp.band
        assert inp.air_temp is not None
        temp, current = inp.air_temp.value, inp.actuators.shade_on
        if not s.shade_for_warmth:
            return True, "出菇期保持遮阳网覆盖"
        midday = s.warmth_hours[0] <= inp.now.hour < s.warmth_hours[1]
        cold = temp < band.temp_min_c + s.warmth_open_below_k
        if current and midday and cold and self._sunny(inp):
            return False, "棚温低且日照好，暂时拉开遮阳网蓄热"
        if not current and (not midday or temp > band.temp_min_c + s.warmth_close_above_k):
            return True, "蓄热结束，盖回遮阳网"
        return current, "保持遮阳网状态"

    # ------------------------------------------------------------ output

    def _safe_state(
        self, inp: ControlInput, overridden: dict[str, ManualOverride], out: ControlOutput
    ) -> None:
        out.safe_mode = True
        reason = "棚内温湿度数据超过10分钟未更新，进入安全状态"
        out.notes.append(reason + "：停止喷雾，风口留小缝，请检查传感器")
        self._emit(inp, overridden, out, MIST, 0.0, reason + "，停止喷雾", safety=True)
        safe_vent = self.settings.vent_safe_pct
        self._emit(inp, overridden, out, VENT, safe_vent, reason + "，风口留小缝", safety=True)
        if self.settings.has_fan:
            self._emit(inp, overridden, out, FAN, 0.0, reason + "，关风机", safety=True)

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
        current = {
            VENT: self._vent_target if self._vent_target is not None else inp.actuators.vent_pct,
            MIST: inp.actuators.mist_s,
            SHADE: float(inp.actuators.shade_on),
            FAN: float(inp.actuators.fan_on),
        }[actuator]
        if abs(value - current) < 0.5:
            return
        if not safety and not self._may_change(actuator, inp.now):
            return
        self._last_change[actuator] = inp.now
        if actuator == VENT:
            self._vent_target = value
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
        return f"现在打开{name}" if value else f"现在关闭{name}"
