"""Optional equipment for a morel tunnel, with the parameters and costs the simulator uses.

Each item is data: what it changes in the tunnel model, what it consumes, what it costs. Every
value carries a source tag in the style of docs/domain/greenhouse.md ([S] sourced, [D] derived,
[E] engineering estimate to be replaced by a quote or a measurement). The table is documented in
docs/greenhouse-equipment.md; `simulate-greenhouse --list-equipment` prints it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from villageaid.greenhouse.simulation.params import TunnelParams


@dataclass(frozen=True)
class Equipment:
    """One piece of equipment; multiplicative factors are 1.0 when it does not touch a quantity."""

    name: str
    label_zh: str
    capital_yuan: float
    capital_source: str
    # always-on effects on the house
    u_factor: float = 1.0  # cover heat loss multiplier (inner film)
    tau_factor: float = 1.0  # short-wave transmittance multiplier (inner film)
    extra_mist_l_min: float = 0.0
    soil_air_h_add: float = 0.0  # circulation fan stirring the air over the beds
    # switchable effects
    blanket_u_factor: float = 1.0  # cover loss multiplier while the blanket is down
    heater_kw: float = 0.0  # heat delivered to the air while on
    heater_efficiency: float = 1.0  # heat to the air per unit of fuel heat
    power_kw: float = 0.0  # electricity drawn while the switchable part runs
    fuel_kwh_per_unit: float = 0.0  # heat content of one fuel unit (L of diesel)
    fuel_unit_zh: str = ""
    fuel_yuan_per_unit: float = 0.0
    source: str = ""

    @property
    def switchable(self) -> bool:
        return self.heater_kw > 0 or self.blanket_u_factor < 1.0 or self.soil_air_h_add > 0


ELECTRICITY_YUAN_PER_KWH = 0.55
ELECTRICITY_SOURCE = "[E] Shandong agricultural tariff ≈ ¥0.5–0.6/kWh, to be checked on the bill"
MIST_PUMP_KW_PER_L_MIN = 0.25  # [E] a 0.75 kW high-pressure pump serves about 3 L/min of nozzles

CATALOGUE: dict[str, Equipment] = {
    e.name: e
    for e in (
        Equipment(
            name="inner_film",
            label_zh="内层小拱棚膜",
            capital_yuan=2400.0,
            capital_source=(
                "[E] 0.04 mm PE ≈ ¥3/m² × 560 m² (two 2 m arches per bed row) + bamboo arches ¥700"
            ),
            u_factor=0.65,
            tau_factor=0.85,
            source=(
                "u_factor [S] greenhouse.md §3.3: an inner screen/second layer cuts cover loss "
                "30–60 %, 35 % used; tau_factor [S] §3.3 film τ 0.85; inner arch film against "
                "frost [S] §2.2 (satrise 580, q4f4lww9)"
            ),
        ),
        Equipment(
            name="blanket",
            label_zh="保温被（夜间放下）",
            capital_yuan=12500.0,
            capital_source="[E] quilt ≈ ¥15/m² × 700 m² cover + ¥2,000 roller motor",
            blanket_u_factor=0.4,
            power_kw=0.0,
            source=(
                "blanket_u_factor [S] §3.3 thermal screens cut U by 30–60 %; a quilt over the "
                "film is at the strong end: 60 % used [E]; down = no sun (opaque) [D]"
            ),
        ),
        Equipment(
            name="heater",
            label_zh="柴油热风机 20 kW",
            capital_yuan=3200.0,
            capital_source="[E] 20 kW indirect diesel hot-air heater, market quote range",
            heater_kw=18.0,
            heater_efficiency=0.9,
            power_kw=0.3,
            fuel_kwh_per_unit=9.9,
            fuel_unit_zh="升柴油",
            fuel_yuan_per_unit=7.6,
            source=(
                "18 kW to the air = 20 kW × 0.9 efficiency [E]; diesel 35.8 MJ/L = 9.9 kWh/L "
                "[S] standard lower heating value; ¥7.6/L [E] 2020 retail; fan 0.3 kW [E]"
            ),
        ),
        Equipment(
            name="circulation_fan",
            label_zh="环流风机",
            capital_yuan=900.0,
            capital_source="[E] three 0.12 kW circulation fans ≈ ¥300 each",
            soil_air_h_add=3.0,
            power_kw=0.36,
            source=(
                "soil–air exchange +3 W m⁻² K⁻¹ over the [E] 7 W m⁻² K⁻¹ still-air value "
                "(forced convection at ≈ 0.5 m/s) [E]"
            ),
        ),
        Equipment(
            name="more_mist",
            label_zh="增加两路喷雾",
            capital_yuan=1600.0,
            capital_source="[E] 2 lines × 60 micro-spray nozzles + a 0.75 kW pump",
            extra_mist_l_min=2.4,
            source=(
                "doubles the [E] 1.2 L/min of today's 2 lines twice: +2.4 L/min; §3.4 shows "
                "20 ACH needs ≈ 100 kg/h, i.e. 1.7 L/min evaporated [D]"
            ),
        ),
    )
}

PRESETS: dict[str, tuple[str, ...]] = {
    "none": (),
    "film": ("inner_film",),
    "film+blanket": ("inner_film", "blanket"),
    "film+blanket+mist": ("inner_film", "blanket", "more_mist"),
    "heater": ("heater",),
    "all": tuple(CATALOGUE),
}


@dataclass(frozen=True)
class EquipmentSet:
    items: tuple[Equipment, ...] = ()

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.items]

    def has(self, name: str) -> bool:
        return any(e.name == name for e in self.items)

    @property
    def heater_kw(self) -> float:
        return sum(e.heater_kw for e in self.items)

    @property
    def blanket_u_factor(self) -> float:
        factor = 1.0
        for e in self.items:
            factor *= e.blanket_u_factor
        return factor

    @property
    def capital_yuan(self) -> float:
        return sum(e.capital_yuan for e in self.items)

    def apply(self, params: TunnelParams) -> TunnelParams:
        """The tunnel parameters with the always-on effects of this equipment."""
        u, tau, mist, soil_h = 1.0, 1.0, 0.0, 0.0
        for e in self.items:
            u *= e.u_factor
            tau *= e.tau_factor
            mist += e.extra_mist_l_min
            soil_h += e.soil_air_h_add
        return replace(
            params,
            film_u_ref=params.film_u_ref * u,
            film_tau=params.film_tau * tau,
            mist_flow_l_min=params.mist_flow_l_min + mist,
            soil_air_h=params.soil_air_h + soil_h,
        )


def equipment_set(names: Iterable[str] | str | None) -> EquipmentSet:
    """Parse 'inner_film,blanket' (or a preset name) into an EquipmentSet; ValueError if unknown."""
    if names is None:
        return EquipmentSet()
    if isinstance(names, str):
        if names in PRESETS:
            names = PRESETS[names]
        else:
            names = [n.strip() for n in names.split(",") if n.strip()]
    items: list[Equipment] = []
    for name in names:
        if name not in CATALOGUE:
            known = ", ".join(CATALOGUE)
            raise ValueError(f"unknown equipment {name!r}; known equipment: {known}")
        if name not in [i.name for i in items]:
            items.append(CATALOGUE[name])
    return EquipmentSet(tuple(items))


def list_equipment() -> list[dict[str, object]]:
    """The catalogue as rows for `--list-equipment` and the docs."""
    return [
        {
            "name": e.name,
            "label_zh": e.label_zh,
            "capital_yuan": e.capital_yuan,
            "capital_source": e.capital_source,
            "heater_kw": e.heater_kw,
            "power_kw": e.power_kw,
            "source": e.source,
        }
        for e in CATALOGUE.values()
    ]
