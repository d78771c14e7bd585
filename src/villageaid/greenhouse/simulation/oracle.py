"""The oracle (perfect foresight) and the model-predictive policy, both on `planner`.

- `oracle`: sees the true model state and the true weather ahead — the physical limit a
  controller is measured against (docs/decisions/0009-greenhouse-oracle.md).
- `mpc`: sees only what a house controller sees (inside T/RH/soil sensors, the weather station
  so far, its own commands) and plans on a forecast: the park's forecast file when given,
  otherwise persistence plus yesterday's diurnal cycle. Its state estimate is its own copy of the
  model, driven by the observed weather and reset to the sensors every minute.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

import numpy as np

from villageaid.greenhouse.simulation.model import ActuatorTargets, Outdoor, TunnelModel
from villageaid.greenhouse.simulation.planner import RecedingHorizon, Weather
from villageaid.greenhouse.simulation.policies import Observation, Policy, PolicyContext
from villageaid.greenhouse.simulation.psychro import abs_humidity
from villageaid.greenhouse.stages import stage_band

INTERVAL_MIN = 15
HORIZON_MIN = 720
STEP_MIN = 15
FORECAST_DECAY_H = 6.0  # today's anomaly against yesterday fades with this time constant [E]


def _weather_slice(trace_arrays: tuple[np.ndarray, ...], i: int) -> Weather:
    end = i + HORIZON_MIN
    t, rh, wind, ghi = (a[i:end:STEP_MIN] for a in trace_arrays)
    return Weather(t, rh, wind, ghi)


class _Planned:
    name = "planned"

    def __init__(self, context: PolicyContext) -> None:
        self.context = context
        band = context.band or stage_band("fruiting")
        self.planner = RecedingHorizon(
            context.params,
            context.equipment,
            band,
            interval_min=INTERVAL_MIN,
            horizon_min=HORIZON_MIN,
            step_min=STEP_MIN,
        )
        self._targets = ActuatorTargets()
        self._minute = 0

    def decide(self, obs: Observation) -> ActuatorTargets:
        if self._minute % INTERVAL_MIN == 0:
            self._targets = self._plan(obs)
        self._minute += 1
        return self._targets

    def _plan(self, obs: Observation) -> ActuatorTargets:
        raise NotImplementedError


class OraclePolicy(_Planned):
    """Perfect foresight: the true state and the true weather of the next 12 hours."""

    name = "oracle"

    def __init__(self, context: PolicyContext) -> None:
        super().__init__(context)
        if context.trace is None:
            raise ValueError("the oracle needs the weather trace of the run")
        tr = context.trace
        self._arrays = (tr.air_temp_c, tr.rh_pct, tr.wind_ms, tr.ghi_wm2)

    def _plan(self, obs: Observation) -> ActuatorTargets:
        if obs.state is None:
            raise ValueError("the oracle needs the model state")
        return self.planner.choose(obs.state, _weather_slice(self._arrays, self._minute))


class MpcPolicy(_Planned):
    """Model-predictive control on a forecast, with a model copy as the state estimate."""

    name = "mpc"

    def __init__(self, context: PolicyContext) -> None:
        super().__init__(context)
        self._history: deque[Outdoor] = deque(maxlen=1440 + HORIZON_MIN)
        self._estimate: TunnelModel | None = None
        fc = context.forecast
        self._forecast = None if fc is None else (fc.air_temp_c, fc.rh_pct, fc.wind_ms, fc.ghi_wm2)

    def decide(self, obs: Observation) -> ActuatorTargets:
        self._observe(obs)
        targets = super().decide(obs)
        assert self._estimate is not None
        self._estimate.step(obs.outdoor, targets)
        return targets

    def _observe(self, obs: Observation) -> None:
        self._history.append(obs.outdoor)
        if self._estimate is None:
            self._estimate = TunnelModel.start(
                self.context.params,
                obs.outdoor,
                soil_temp_c=obs.soil_temp_c,
                equipment=self.context.equipment,
            )
        s = self._estimate.state
        s.air_temp_c = obs.air_temp_c
        s.air_x = abs_humidity(obs.air_temp_c, obs.rh_pct)
        s.soil_temp_c = obs.soil_temp_c

    def _plan(self, obs: Observation) -> ActuatorTargets:
        assert self._estimate is not None
        state = replace(self._estimate.state)
        if self._forecast is not None:
            return self.planner.choose(state, _weather_slice(self._forecast, self._minute))
        return self.planner.choose(state, self._persistence_diurnal())

    def _persistence_diurnal(self) -> Weather:
        """Yesterday at the same hour plus today's anomaly, fading; persistence before that."""
        hist = list(self._history)
        now = hist[-1]
        steps = HORIZON_MIN // STEP_MIN
        out = np.empty((4, steps))
        have_day = len(hist) > 1440
        for k in range(steps):
            h = (k * STEP_MIN) / 60.0
            if not have_day:
                out[:, k] = (now.temp_c, now.rh_pct, now.wind_ms, now.ghi_wm2)
                continue
            lag = len(hist) - 1 - 1440
            then = hist[lag]
            ahead = hist[lag + k * STEP_MIN] if lag + k * STEP_MIN < len(hist) else now
            fade = float(np.exp(-h / FORECAST_DECAY_H))
            out[0, k] = ahead.temp_c + (now.temp_c - then.temp_c) * fade
            out[1, k] = min(100.0, max(0.0, ahead.rh_pct + (now.rh_pct - then.rh_pct) * fade))
            out[2, k] = max(0.0, ahead.wind_ms + (now.wind_ms - then.wind_ms) * fade)
            out[3, k] = ahead.ghi_wm2
        return Weather(out[0], out[1], out[2], out[3])


def make_planned_policy(name: str, context: PolicyContext) -> Policy:
    return OraclePolicy(context) if name == "oracle" else MpcPolicy(context)
