"""One freight demand model across years: reference-year rows grown by sourced growth paths.

demand.csv gives each flow once, in its reference year: the base year
for markets that existed then, or the year a later market opened. The demand of every
year (:func:`demand_years`: the reference years and :data:`FORECAST_YEARS`) is derived
from those rows, never written by hand: a row takes part in a demand year ``Y`` at or
after its reference year ``y0`` with

    t(Y) = t(y0) × (1 + cagr_pct / 100) ^ (Y − y0)

by the compound annual rate of its growth path (growth.csv ``cagr_pct``); TEU scale
alike. A derived row is marked ``estimated`` and its ``method`` states the factor, so
2030's demand traces to 2024's row by row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from tripp.atlas.model import DemandRow, GrowthPath

__all__ = ["FORECAST_YEARS", "demand_in_year", "demand_years", "growth_factor"]

#: The forecast year(s) demand is derived for, besides the rows' own reference years.
FORECAST_YEARS = (2030,)


def demand_years(rows: Iterable[DemandRow]) -> tuple[int, ...]:
    """The years demand is given for: every reference year of ``rows`` (the base year
    first) and :data:`FORECAST_YEARS` after them; () without rows.

    >>> demand_years([DemandRow(year=2024), DemandRow(year=2026)])
    (2024, 2026, 2030)
    """
    given = {row.year for row in rows}
    return tuple(sorted(given | set(FORECAST_YEARS))) if given else ()


def growth_factor(cagr_pct: float, years: int) -> float:
    """Growth over ``years`` years at ``cagr_pct`` % a year (dimensionless).

    >>> round(growth_factor(10.0, 2), 4)
    1.21
    """
    return (1.0 + cagr_pct / 100.0) ** years


def demand_in_year(
    rows: Iterable[DemandRow], growth: Iterable[GrowthPath], year: int
) -> tuple[DemandRow, ...]:
    """The demand of ``year``: every row whose reference year is not after it, grown from
    its reference year by its growth path (t/year, TEU/year)."""
    rate = {g.growth_id: g.cagr_pct for g in growth}
    out: list[DemandRow] = []
    for row in rows:
        if row.year > year:
            continue
        if row.year == year:
            out.append(row)
            continue
        cagr = rate[row.growth_id]
        factor = growth_factor(cagr, year - row.year)
        out.append(
            replace(
                row,
                year=year,
                t_per_year=None if row.t_per_year is None else row.t_per_year * factor,
                teu_per_year=None if row.teu_per_year is None else row.teu_per_year * factor,
                estimated=True,
                method=(
                    f"{row.year} row × {factor:.4f} = (1 + {cagr:g} %)^{year - row.year} "
                    f"by growth path '{row.growth_id}' (growth.csv)"
                    + (f"; {row.year} row: {row.method}" if row.method else "")
                ),
            )
        )
    return tuple(out)
