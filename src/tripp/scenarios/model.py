"""Scenario files: TOML overlays on the atlas, read and checked completely.

A scenario file holds::

    description = "TRIPP open: ..."        # required
    source_ids = ["ady-2025", ...]        # atlas sources behind the assumptions
    extends = "baseline-2025"             # optional: a shipped name or a path
    year = 2030                           # the network year (default: the parent's)
    demand_year = 2024                    # the demand (default: the parent's, else the
                                          # latest demand year not after the network year)
    open = ["corridor:TRIPP", "link:ID", "crossing:NODE", "node:ID", "country:CC"]
    close = ["country:RU", "crossing:NODE:FROM:TO:MODE", "link:ID"]

    [[set]]                                # numeric attributes, by value or factor
    target = "mode:ferry"                  # link:ID, corridor:TAG, mode:M, country:CC,
    field = "capacity"                     # crossing:NODE[:FROM:TO:MODE], transfer:NODE,
    factor = 2.0                           # tariff:MODE:COUNTRY, service:ID or service:NODE
    [[demand]]                             # demand growth by O-D and/or commodity
    origin = "*"
    destination = "nakhchivan"
    commodity = "*"
    factor = 1.5
    [[shipper]]                            # a shipper profile: share of the tonnes of
    profile = "eu_shipper"                 # the markets' demand rows (demand.csv market;
    avoid_countries = ["RU", "BY", "IR"]   # "*": all) whose routes avoid the countries
    markets = ["cn_eu_rail_north"]
    share = 1.0

Selectors are checked against the atlas: an unknown id gets "did you mean …?" and the line
of the file it is on. Every number is finite: a [[set]] value must lie in the range the atlas
column registry (:mod:`tripp.atlas.schema`) gives its field (``length_km``: 0.01 … 40000 km),
and so must what a factor makes of each figure it scales; a factor is ≥ 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tripp.atlas.schema import CROSSINGS, LINKS, SERVICES, TARIFFS, TRANSFERS, Column, Table

SELECTOR_KINDS = (
    "link",
    "corridor",
    "mode",
    "country",
    "node",
    "crossing",
    "transfer",
    "tariff",
    "service",
)
OPEN_CLOSE_KINDS = ("link", "corridor", "node", "crossing", "country", "mode")
SET_FIELDS: dict[str, tuple[str, ...]] = {
    "link": ("length_km", "speed_kmh", "time_h", "capacity"),
    "crossing": ("dwell_h", "cost_usd_per_teu"),
    "transfer": ("time_h", "cost_usd_per_teu", "capacity"),
    "tariff": ("cost_usd_per_teu_km", "cost_usd_per_t_km"),
    "service": ("departures_per_week", "dwell_h"),
}
#: The atlas table of each [[set]] family: its column registry gives every field its range.
SET_TABLES: dict[str, Table] = {
    "link": LINKS,
    "crossing": CROSSINGS,
    "transfer": TRANSFERS,
    "tariff": TARIFFS,
    "service": SERVICES,
}
TOP_LEVEL_KEYS = (
    "description",
    "source_ids",
    "extends",
    "year",
    "demand_year",
    "open",
    "close",
    "set",
    "demand",
    "shipper",
    "title",
)


def family_of(kind: str) -> str:
    """The rows a selector ``kind`` changes in a [[set]]: its own for crossing, transfer,
    tariff and service; links for link, corridor, mode, country and node."""
    return kind if kind in ("crossing", "transfer", "tariff", "service") else "link"


def set_column(family: str, name: str) -> Column:
    """The atlas column that field ``name`` of a [[set]] ``family`` (link, crossing, …) sets."""
    return SET_TABLES[family].column(name)


def range_text(column: Column) -> str:
    """The range the atlas allows in ``column``, with its unit: ``[0.01, 40000] km``."""
    low = "(-∞" if column.minimum is None else f"[{column.minimum:g}"
    high = "∞)" if column.maximum is None else f"{column.maximum:g}]"
    return f"{low}, {high} {column.unit}".rstrip()


def in_range(column: Column, value: float) -> bool:
    """True when ``value`` is finite and within the atlas range of ``column``."""
    return (
        math.isfinite(value)
        and (column.minimum is None or value >= column.minimum)
        and (column.maximum is None or value <= column.maximum)
    )


@dataclass(frozen=True, slots=True)
class SetRule:
    """Change one numeric field of every element the target selects."""

    target: str
    field: str
    value: float | None = None
    factor: float | None = None

    @property
    def family(self) -> str:
        """The kind of row the target selects: link, crossing, transfer or tariff."""
        return family_of(self.target.partition(":")[0])

    def apply(self, current: float | None) -> float | None:
        """The new value given the current one (a factor leaves an absent value absent)."""
        if self.value is not None:
            return self.value
        if current is None or self.factor is None:
            return current
        return current * self.factor


@dataclass(frozen=True, slots=True)
class DemandRule:
    """Scale the demand rows that match origin, destination and commodity (``*``: any)."""

    origin: str = "*"
    destination: str = "*"
    commodity: str = "*"
    factor: float = 1.0


@dataclass(frozen=True)
class ShipperRule:
    """A shipper profile: ``share`` (0–1) of the tonnes of the demand rows of ``markets``
    (demand.csv ``market``; ``*``: every market) take routes that avoid
    ``avoid_countries``."""

    profile: str
    avoid_countries: tuple[str, ...]
    markets: tuple[str, ...] = ("*",)
    share: float = 1.0

    def applies_to(self, market: str) -> bool:
        """Whether the rule governs the rows of ``market``."""
        return "*" in self.markets or market in self.markets


@dataclass(frozen=True)
class Scenario:
    """A validated scenario, with its ancestors' rules already merged in order."""

    name: str
    description: str
    year: int
    source_ids: tuple[str, ...] = ()
    demand_year: int | None = None
    open: tuple[str, ...] = ()
    close: tuple[str, ...] = ()
    set: tuple[SetRule, ...] = ()
    demand: tuple[DemandRule, ...] = ()
    shipper: tuple[ShipperRule, ...] = ()
    lineage: tuple[str, ...] = field(default=())  # names from the root to this scenario
    file: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "name": self.name,
            "description": self.description,
            "year": self.year,
            "demand_year": self.demand_year,
            "lineage": list(self.lineage),
            "source_ids": list(self.source_ids),
            "open": list(self.open),
            "close": list(self.close),
            "set": [
                {"target": r.target, "field": r.field, "value": r.value, "factor": r.factor}
                for r in self.set
            ],
            "demand": [
                {
                    "origin": r.origin,
                    "destination": r.destination,
                    "commodity": r.commodity,
                    "factor": r.factor,
                }
                for r in self.demand
            ],
            "shipper": [
                {
                    "profile": r.profile,
                    "avoid_countries": list(r.avoid_countries),
                    "markets": list(r.markets),
                    "share": r.share,
                }
                for r in self.shipper
            ],
            "file": self.file,
        }
