"""The demand side of the N-1 indicator: Dmax and the peak-month demand of a calculated area.

Dmax is the published peak-day demand (``peak_demand`` rows, mcm/d) of the area when the
atlas has it; otherwise it is estimated from the area's domestic demand rows (mcm/year),
their monthly profiles (seasons.csv) and :data:`PEAK_DAY_FACTOR`, plus the gas that the
area's gas-fired plants (plants.csv) burn at full output.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import Final

from tripp.atlas.model import Atlas, EnergyRow, is_available
from tripp.errors import Problem

#: Peak day ÷ mean day of the peak month (dimensionless). Source: Enagás press release
#: "Conventional demand for natural gas reached a record high in February" (29 Feb 2012,
#: https://www.enagas.es/en/press-room/news-room/press-releases/2012-02-29_demanda_febrero/):
#: record day 1,249 GWh (3 Feb 2012) against 30,730 GWh in February 2012 (29 days, mean
#: 1,059.7 GWh/d): 1,249 / 1,059.7 = 1.18. Spain's record cold-spell day, not a statistical
#: once-in-20-years day: no published 1-in-20 ratio was found for the atlas's countries.
PEAK_DAY_FACTOR: Final = 1.18
PEAK_DAY_FACTOR_SOURCE: Final = (
    "Enagás record day 3 Feb 2012 1,249 GWh ÷ February 2012 mean day 30,730 GWh / 29 d"
)
#: Hours in a day, for a plant's daily gas burn at full output.
HOURS_PER_DAY: Final = 24.0


@dataclass(frozen=True, slots=True)
class AreaDemand:
    """Dmax (mcm/d), the peak month (1–12), its mean daily demand with plants at full
    output (mcm/d) and how Dmax was obtained."""

    dmax: float
    peak_month: int
    peak_month_mean: float
    method: str


def _shares(atlas: Atlas, row: EnergyRow, days: list[int], problems: list[Problem]) -> list[float]:
    """Share (0–1) of the row's annual volume in each month. Flat (no profile): the same
    rate every hour, so month m holds days(m) / days in the year."""
    if not row.profile_id:
        return [d / sum(days) for d in days]
    by_month = {s.month: s.share for s in atlas.seasons if s.profile_id == row.profile_id}
    if sorted(by_month) != list(range(1, 13)):
        problems.append(
            Problem(
                "seasons.csv",
                f"profile '{row.profile_id}' of the gas demand at '{row.node_id}' "
                f"({row.year}) has {len(by_month)} of 12 months",
                "give a share for every month 1–12, or leave profile_id empty (flat)",
                column="profile_id",
            )
        )
        return [d / sum(days) for d in days]
    return [by_month[m] for m in range(1, 13)]


def _plants_burn(
    atlas: Atlas, year: int, nodes: set[str], problems: list[Problem]
) -> tuple[float, list[str]]:
    """Gas burnt a day by the area's gas-fired plants at full output (mcm/d) and the
    arithmetic of each."""
    burn, parts = 0.0, []
    for plant in atlas.plants:
        if plant.fuel != "gas" or plant.node_id not in nodes:
            continue
        if not is_available(plant.status, plant.open_year, year):
            continue
        if plant.efficiency_mwh_per_mcm <= 0:
            problems.append(
                Problem(
                    "plants.csv",
                    f"plant '{plant.plant_id}' has efficiency {plant.efficiency_mwh_per_mcm}",
                    "give efficiency_mwh_per_mcm above 0 (e.g. 3,720 MWh/mcm at 40 %)",
                    column="efficiency_mwh_per_mcm",
                )
            )
            continue
        daily = plant.capacity_mw * HOURS_PER_DAY / plant.efficiency_mwh_per_mcm
        burn += daily
        parts.append(
            f"{plant.plant_id} {plant.capacity_mw:,.0f} MW × 24 h ÷ "
            f"{plant.efficiency_mwh_per_mcm:,.0f} MWh/mcm = {daily:,.2f}"
        )
    return burn, parts


def area_demand(
    atlas: Atlas, year: int, nodes: set[str], rows: list[EnergyRow], problems: list[Problem]
) -> AreaDemand:
    """Dmax and the peak month of the area of ``nodes`` from its current gas ``rows``.

    The peak month is the month of the highest mean daily demand of the area's demand rows
    together (annual × monthly share ÷ days in the month, summed over the rows); plants add
    ``capacity_mw × 24 / efficiency_mwh_per_mcm`` mcm/d in every month. Dmax: the sum of
    the area's ``peak_demand`` rows if any (published; they include gas for power), else
    the peak month's mean day × :data:`PEAK_DAY_FACTOR` plus the plants.
    """
    days = [calendar.monthrange(year, m)[1] for m in range(1, 13)]
    daily = [0.0] * 12
    terms: list[tuple[EnergyRow, list[float]]] = []
    for row in rows:
        if row.role != "demand" or row.node_id not in nodes or row.value <= 0:
            continue
        if row.unit != "mcm_per_year":
            problems.append(
                Problem(
                    "energy.csv",
                    f"gas demand at '{row.node_id}' ({row.year}) is in {row.unit}",
                    "give the annual gas demand in mcm_per_year",
                    column="unit",
                )
            )
            continue
        shares = _shares(atlas, row, days, problems)
        terms.append((row, shares))
        for m in range(12):
            daily[m] += row.value * shares[m] / days[m]
    peak = max(range(12), key=lambda m: (round(daily[m], 9), -m))  # flat: January
    burn, plant_parts = _plants_burn(atlas, year, nodes, problems)
    peak_mean = daily[peak] + burn
    month = calendar.month_abbr[peak + 1]
    published = [r for r in rows if r.role == "peak_demand" and r.node_id in nodes and r.value > 0]
    if published:
        dmax = sum(r.value for r in published)
        listed = "; ".join(
            f"{r.node_id} {r.value:,.2f} mcm/d ({r.year}, {', '.join(r.source_ids)})"
            for r in published
        )
        return AreaDemand(
            dmax, peak + 1, peak_mean, f"published peak-day demand (peak_demand rows): {listed}"
        )
    row_parts = [
        f"{r.node_id} {r.value:,.0f} mcm/yr × {shares[peak]:.4f}"
        + (f" (profile {r.profile_id})" if r.profile_id else f" (flat: {days[peak]}/{sum(days)})")
        for r, shares in terms
    ]
    method = (
        f"estimated: peak month {month}: ({' + '.join(row_parts)}) ÷ {days[peak]} d "
        f"= {daily[peak]:,.2f} mcm/d × peak-day factor {PEAK_DAY_FACTOR} "
        f"({PEAK_DAY_FACTOR_SOURCE}) = {daily[peak] * PEAK_DAY_FACTOR:,.2f} mcm/d"
    )
    if plant_parts:
        method += f"; + gas-fired plants at full output: {'; '.join(plant_parts)} mcm/d"
    return AreaDemand(daily[peak] * PEAK_DAY_FACTOR + burn, peak + 1, peak_mean, method)
