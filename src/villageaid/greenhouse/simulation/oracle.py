"""The oracle (perfect foresight) on `planner`: the true model state and the true weather
ahead — the physical limit a controller is measured against
(docs/decisions/0009-greenhouse-oracle.md).

The platform's controller (`controller.PlatformController`, policies `platform` and `mpc`) is
the same search on what a house controller sees: the sensors, the weather station so far and a
forecast (the park's file, or persistence plus yesterday's diurnal cycle).
"""

from __future__ import annotations

import numpy as np

from villageaid.greenhouse.simulation.model import ActuatorTargets
from villageaid.greenhouse.simulation.planner import RecedingHorizon, Weather
from villageaid.greenhouse.simulation.policies import Observation, PolicyContext
from villageaid.greenhouse.stages import stage_band

INTERVAL_MIN = 15
HORIZON_MIN = 720
STEP_MIN = 15


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
