"""Crop-stage climate bands for morel (羊肚菌) tunnels.

Values come from docs/domain/greenhouse.md §2.1. The fruiting band is the seed article's
5–18 °C and 65–85 % RH; the other stages use the ranges the extension pages agree on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StageBand:
    """Air temperature and humidity band that the controller keeps a house in."""

    stage: str
    label_zh: str
    temp_min_c: float
    temp_max_c: float
    rh_min_pct: float
    rh_max_pct: float
    source: str
    # control thresholds; None = derived from the band (park profiles carry only the band)
    temp_vent_open_c: float | None = None  # start opening the sides above this
    temp_vent_close_c: float | None = None  # close back to the fresh-air crack below this
    temp_cold_c: float | None = None  # closed-house mode below this
    rh_aim_pct: float | None = None  # misting aims here
    threshold_source: str = "[D] derived from the band: open at max − 3 K, close at max − 4.5 K, "
    "closed house below min + 2 K, misting aims at RH min + 13 (at most RH max − 3)"

    @property
    def vent_open_c(self) -> float:
        return self.temp_vent_open_c if self.temp_vent_open_c is not None else self.temp_max_c - 3

    @property
    def vent_close_c(self) -> float:
        if self.temp_vent_close_c is not None:
            return self.temp_vent_close_c
        return self.temp_max_c - 4.5

    @property
    def cold_c(self) -> float:
        return self.temp_cold_c if self.temp_cold_c is not None else self.temp_min_c + 2.0

    @property
    def rh_aim(self) -> float:
        if self.rh_aim_pct is not None:
            return self.rh_aim_pct
        return min(self.rh_min_pct + 13.0, self.rh_max_pct - 3.0)

    def as_dict(self) -> dict[str, float | str]:
        return {
            "stage": self.stage,
            "temp_min_c": self.temp_min_c,
            "temp_max_c": self.temp_max_c,
            "rh_min_pct": self.rh_min_pct,
            "rh_max_pct": self.rh_max_pct,
        }


STAGES: dict[str, StageBand] = {
    band.stage: band
    for band in (
        StageBand("sowing", "播种", 5.0, 20.0, 60.0, 85.0, "§2.1 sowing: < 20 °C [S]"),
        StageBand("mycelium", "菌丝生长", 5.0, 21.0, 60.0, 80.0, "§2.1 mycelium run [S]"),
        StageBand("nutrient_bag", "外源营养袋", 5.0, 21.0, 60.0, 80.0, "§2.1 as mycelium [S]"),
        StageBand("primordia", "原基分化", 8.0, 16.0, 80.0, 90.0, "§2.1 primordia [S]"),
        StageBand(
            "fruiting",
            "出菇",
            5.0,
            18.0,
            65.0,
            85.0,
            "[S] seed article 5–18 °C, 65–85 % RH (greenhouse.md §2.1); growth 10–18 °C, "
            "optimum 12–15 °C, RH ≥ 70 % (satrise-fungi 404/572, §2.1)",
            temp_vent_open_c=15.0,
            temp_vent_close_c=13.5,
            temp_cold_c=7.0,
            rh_aim_pct=78.0,
            threshold_source=(
                "open at 15 °C = top of the 12–15 °C optimum [S satrise 404/572]; close at "
                "13.5 °C [D] 1.5 K hysteresis; closed house below 7 °C [D] 2 K above the band "
                "minimum, frost alarm ≈ 2 °C [S §2.2]; misting aims at 78 % [D] midway between "
                "the 70 % hollow-fruit floor [S satrise 404] and the 85 % band maximum [S seed]"
            ),
        ),
    )
}


def stage_band(stage: str) -> StageBand:
    """Return the band of a stage or raise ValueError naming the known stages."""
    try:
        return STAGES[stage]
    except KeyError:
        known = ", ".join(sorted(STAGES))
        raise ValueError(f"unknown stage {stage!r}; known stages: {known}") from None
