"""Default figures for what OpenStreetMap does not say, taken from the embedded atlas's
published rows: border dwell and cost, port clearance, gauge-change and ferry transfer times
and costs, and the speed of a ferry without a ``duration`` tag.

Each default is the median of the embedded rows of its kind and cites the sources of those
rows; rows it produces are ``estimated`` and say so in their ``method``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from tripp.importers.tables import embedded_rows
from tripp.units import INTERNATIONAL_WATERS


@dataclass(frozen=True, slots=True)
class Figure:
    """A default time and cost, the sources of the rows it comes from and how."""

    time_h: float
    cost_usd_per_teu: float
    source_ids: tuple[str, ...]
    method: str
    cargo_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Defaults:
    """The defaults of one import (see the module docstring)."""

    crossings: tuple[Mapping[str, str], ...]
    transfers: tuple[Mapping[str, str], ...]
    ferry_speed_kmh: float
    ferry_sources: tuple[str, ...]
    ferry_method: str

    def crossing(self, left: str, entered: str, mode: str) -> Figure:
        """Dwell and cost of crossing from ``left`` into ``entered`` by ``mode``: for a land
        border the median of the embedded land borders of ``mode``; leaving by ferry the
        median of the embedded ferry departures (country → XZ); arriving from XZ the median
        of the embedded arrivals by ``mode`` (by any mode where none is of ``mode``)."""
        water = INTERNATIONAL_WATERS
        if entered == water:
            rows = [r for r in self.crossings if r["to_country"] == water and r["mode"] == mode]
            what = f"{mode} departures to international waters"
        elif left == water:
            arrivals = [r for r in self.crossings if r["from_country"] == water]
            rows = [r for r in arrivals if r["mode"] == mode] or arrivals
            what = "arrivals from international waters" + (
                f" by {mode}" if any(r["mode"] == mode for r in arrivals) else ""
            )
        else:
            rows = [
                r
                for r in self.crossings
                if r["mode"] == mode and water not in (r["from_country"], r["to_country"])
            ]
            what = f"{mode} border crossings"
        return _median(rows, "dwell_h", what)

    def transfer(self, from_mode: str, to_mode: str) -> Figure:
        """Time and cost of a transfer: the median of the embedded rows of the same change
        (rail → rail: gauge changes)."""
        rows = [
            r for r in self.transfers if r["from_mode"] == from_mode and r["to_mode"] == to_mode
        ]
        what = "gauge changes" if from_mode == to_mode else (f"{from_mode} → {to_mode} transfers")
        figure = _median(rows, "time_h", what)
        kinds = sorted({k for r in rows for k in r.get("cargo_types", "container").split(";")})
        return Figure(
            figure.time_h, figure.cost_usd_per_teu, figure.source_ids, figure.method, tuple(kinds)
        )


def _median(rows: list[Mapping[str, str]], time_column: str, what: str) -> Figure:
    """The median time and cost of ``rows``, citing their sources."""
    time_h = statistics.median(float(r[time_column]) for r in rows)
    cost = statistics.median(float(r["cost_usd_per_teu"]) for r in rows)
    return Figure(
        round(time_h, 2),
        round(cost, 2),
        _sources(rows),
        f"median of the {len(rows)} {what} of the tripp embedded atlas "
        f"({time_h:.2f} h, USD {cost:.0f}); OpenStreetMap gives no figure",
    )


def _sources(rows: Iterable[Mapping[str, str]]) -> tuple[str, ...]:
    return tuple(sorted({s for r in rows for s in r.get("source_ids", "").split(";") if s}))


@cache
def embedded_defaults() -> Defaults:
    """The defaults, computed once from the embedded atlas."""
    rows = embedded_rows(["crossings", "transfers", "links"])
    ferries = [r for r in rows["links"] if r["mode"] == "ferry"]
    speeds = [
        float(r["speed_kmh"]) if "speed_kmh" in r else float(r["length_km"]) / float(r["time_h"])
        for r in ferries
    ]
    speed = round(statistics.median(speeds), 1)
    return Defaults(
        crossings=tuple(rows["crossings"]),
        transfers=tuple(rows["transfers"]),
        ferry_speed_kmh=speed,
        ferry_sources=_sources(ferries),
        ferry_method=(
            f"median speed of the {len(ferries)} ferry links of the tripp embedded atlas "
            f"({speed} km/h)"
        ),
    )
