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
        StageBand("fruiting", "出菇", 5.0, 18.0, 65.0, 85.0, "seed article 5–18 °C, 65–85 %"),
    )
}


def stage_band(stage: str) -> StageBand:
    """Return the band of a stage or raise ValueError naming the known stages."""
    try:
        return STAGES[stage]
    except KeyError:
        known = ", ".join(sorted(STAGES))
        raise ValueError(f"unknown stage {stage!r}; known stages: {known}") from None
