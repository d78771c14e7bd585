"""What a technician may set by hand, per actuator: range, unit and how long.

One table, used by `services.actuator_override_set` (and so by the page and any API); a value
outside it is refused with a Chinese message naming the allowed range.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from villageaid.core.errors import ServiceError


@dataclass(frozen=True)
class OverrideSpec:
    unit: str
    low: float
    high: float
    on_off: bool  # only 0 (off) or 1 (on)
    max_minutes: int


SPECS: dict[str, OverrideSpec] = {
    # roll-up sides: percent of the 0.8 m travel (greenhouse.md §3.3)
    "vent": OverrideSpec("%", 0.0, 100.0, False, 24 * 60),
    # misting: seconds of spray per minute; at most 2 h by hand: longer soaks the beds [E]
    "mist": OverrideSpec("s/min", 0.0, 60.0, False, 120),
    "shade": OverrideSpec("on/off", 0.0, 1.0, True, 24 * 60),
    "fan": OverrideSpec("on/off", 0.0, 1.0, True, 12 * 60),
}
MIN_MINUTES = 1


def validate_override(kind: str, value: float, minutes: int, unit: str | None = None) -> str:
    """Return the unit of a valid override; raise ServiceError with a Chinese message."""
    spec = SPECS.get(kind)
    if spec is None:
        raise ServiceError(_("这个执行器不能人工接管"), code="override_actuator")
    if unit is not None and unit != spec.unit:
        raise ServiceError(
            _("单位应为 %(unit)s，收到 %(given)s") % {"unit": spec.unit, "given": unit},
            code="override_unit",
        )
    if not MIN_MINUTES <= minutes <= spec.max_minutes:
        raise ServiceError(
            _("接管时长应在1到%(max)d分钟之间") % {"max": spec.max_minutes},
            code="override_minutes",
        )
    if value != value or not spec.low <= value <= spec.high:  # value != value: NaN
        raise ServiceError(
            _("设定值应在%(low)g到%(high)g%(unit)s之间")
            % {"low": spec.low, "high": spec.high, "unit": spec.unit},
            code="override_value",
        )
    if spec.on_off and value not in (0.0, 1.0):
        raise ServiceError(_("开关类执行器只能设为0（关）或1（开）"), code="override_value")
    return spec.unit
