"""Canonical units and the conversions readers apply once, at the boundary.

Canonical units: km, h, km/h, USD (price year stated beside the figure), t, TEU,
mcm (million cubic metres of gas), MW / MWh (power), t CO2. Every quantity carries its
unit in its name (``length_km``, ``dwell_h``, ``vot_usd_per_teu_h``).
"""

from __future__ import annotations

from typing import Final

#: Capacity units accepted in the atlas, mapped to (canonical unit, factor to multiply by).
CAPACITY_UNITS: Final[dict[str, tuple[str, float]]] = {
    "t_per_year": ("t_per_year", 1.0),
    "mt_per_year": ("t_per_year", 1e6),
    "teu_per_year": ("teu_per_year", 1.0),
    "vehicles_per_day": ("vehicles_per_day", 1.0),
    "trains_per_day": ("trains_per_day", 1.0),
    "mcm_per_year": ("mcm_per_year", 1.0),
    "bcm_per_year": ("mcm_per_year", 1000.0),
    "mcm_per_day": ("mcm_per_year", 365.0),
    "mw": ("mw", 1.0),
    "gbps": ("gbps", 1.0),
    "mb_per_day": ("mb_per_day", 1.0),
}

#: Modes that carry freight and are routed; the others are energy or data links.
FREIGHT_MODES: Final[tuple[str, ...]] = ("rail", "road", "ferry", "sea")
ENERGY_MODES: Final[tuple[str, ...]] = ("gas_pipeline", "oil_pipeline", "power_line", "fibre")
ALL_MODES: Final[tuple[str, ...]] = FREIGHT_MODES + ENERGY_MODES

#: Track gauges known to the model, in mm: standard, Russian, Iberian, Cape, metre, then
#: Finnish (1524), Irish (1600), Indian (1676) and the common narrow gauges.
GAUGES_MM: Final[tuple[int, ...]] = (
    1435,
    1520,
    1668,
    1067,
    1000,
    1524,
    1600,
    1676,
    762,
    760,
    750,
    600,
)

#: UN/LOCODE's code for international waters; used as the country of sea and ferry legs.
INTERNATIONAL_WATERS: Final[str] = "XZ"

#: Hours per day, for readers that state durations in days.
HOURS_PER_DAY: Final[float] = 24.0


def to_canonical_capacity(value: float, unit: str) -> tuple[float, str]:
    """Convert a capacity ``value`` in ``unit`` to its canonical unit.

    >>> to_canonical_capacity(15, "mt_per_year")
    (15000000.0, 't_per_year')
    """
    canonical, factor = CAPACITY_UNITS[unit]
    return value * factor, canonical
