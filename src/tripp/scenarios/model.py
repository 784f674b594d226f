"""Scenario files: TOML overlays on the atlas, read and checked completely.

A scenario file holds::

    description = "TRIPP open: ..."        # required
    source_ids = ["ady-2025", ...]        # atlas sources behind the assumptions
    extends = "baseline-2025"             # optional: a shipped name or a path
    year = 2030                           # the network year (default: the parent's)
    demand_year = 2024                    # the demand (default: the parent's, else the
                                          # latest demand year not after the network year)
    open = ["corridor:TRIPP", "link:ID", "crossing:NODE", "node:ID", "country:CC"]
    close = ["country:RU", "crossing:NODE:FROM:TO:MODE", "link:ID", "storage:ID", "plant:ID"]

    [[set]]                                # numeric attributes, by value or factor
    target = "mode:ferry"                  # link:ID, corridor:TAG, mode:M, country:CC,
    field = "capacity"                     # crossing:NODE[:FROM:TO:MODE], transfer:NODE,
    factor = 2.0                           # tariff:MODE:COUNTRY, service:ID or service:NODE,
                                           # energy:NODE:CARRIER:ROLE (field value: every
                                           # year's row), contract:ID, storage:ID, plant:ID
    [[contract]]                           # adds a contracts.csv row (all its columns;
    contract_id = "az_am_gas"              # an id the atlas has already is an error:
    carrier = "gas"                        # change that one with [[set]])
    seller = "AZ"
    buyer = "AM"
    value = 500
    unit = "mcm_per_year"
    year_from = 2026
    source_ids = ["..."]
    [[energy]]                             # adds an energy.csv row (all its columns); one
    node_id = "ararat"                     # with the atlas key (node_id, carrier, role,
    carrier = "gas"                        # year) of an atlas row replaces that row
    role = "demand"
    value = 3000
    unit = "mcm_per_year"
    year = 2026
    source_ids = ["..."]
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
and so must what a factor makes of each figure it scales; a factor is ≥ 0. Year fields
(``contract:ID`` ``year_from``, ``year_to``) take a value, never a factor. The cells of a
[[contract]] or [[energy]] block are parsed and checked as the atlas parses and checks the
rows of contracts.csv and energy.csv (:func:`tripp.atlas.io.parse_cell`,
:mod:`tripp.atlas.validate_energy`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tripp.atlas.model import Contract, EnergyRow
from tripp.atlas.schema import (
    CONTRACTS,
    CROSSINGS,
    ENERGY,
    LINKS,
    PLANTS,
    SERVICES,
    STORAGE,
    TARIFFS,
    TRANSFERS,
    Column,
    Table,
)

#: The [[set]] families whose rows are their own (every other selector changes links).
OWN_FAMILIES = (
    "crossing",
    "transfer",
    "tariff",
    "service",
    "energy",
    "contract",
    "storage",
    "plant",
)
SELECTOR_KINDS = ("link", "corridor", "mode", "country", "node", *OWN_FAMILIES)
OPEN_CLOSE_KINDS = ("link", "corridor", "node", "crossing", "country", "mode", "storage", "plant")
SET_FIELDS: dict[str, tuple[str, ...]] = {
    "link": ("length_km", "speed_kmh", "time_h", "capacity"),
    "crossing": ("dwell_h", "cost_usd_per_teu"),
    "transfer": ("time_h", "cost_usd_per_teu", "capacity"),
    "tariff": ("cost_usd_per_teu_km", "cost_usd_per_t_km"),
    "service": ("departures_per_week", "dwell_h"),
    "energy": ("value",),
    "contract": ("value", "take_or_pay_share", "year_from", "year_to"),
    "storage": ("working_volume", "injection", "withdrawal"),
    "plant": ("capacity_mw", "efficiency_mwh_per_mcm"),
}
#: Fields a [[set]] gives by value only (a factor of a year means nothing).
VALUE_ONLY_FIELDS = ("year_from", "year_to")
#: The atlas table of each [[set]] family: its column registry gives every field its range.
SET_TABLES: dict[str, Table] = {
    "link": LINKS,
    "crossing": CROSSINGS,
    "transfer": TRANSFERS,
    "tariff": TARIFFS,
    "service": SERVICES,
    "energy": ENERGY,
    "contract": CONTRACTS,
    "storage": STORAGE,
    "plant": PLANTS,
}
#: The atlas tables a scenario adds rows to, by block name ([[contract]], [[energy]]).
ADD_TABLES: dict[str, Table] = {"contract": CONTRACTS, "energy": ENERGY}
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
    "contract",
    "energy",
    "title",
)
#: Columns whose unit is given by another column of the row (energy.csv ``unit`` …).
_ROW_UNIT_COLUMNS = ("unit", "volume_unit", "rate_unit")


def family_of(kind: str) -> str:
    """The rows a selector ``kind`` changes in a [[set]]: its own for crossing, transfer,
    tariff, service, energy, contract, storage and plant; links for link, corridor, mode,
    country and node."""
    return kind if kind in OWN_FAMILIES else "link"


def set_column(family: str, name: str) -> Column:
    """The atlas column that field ``name`` of a [[set]] ``family`` (link, crossing, …) sets."""
    return SET_TABLES[family].column(name)


def range_text(column: Column) -> str:
    """The range the atlas allows in ``column``, with its unit: ``[0.01, 40000] km`` (a
    figure whose unit is another column of its row: ``[0, ∞) in the row's unit``)."""
    low = "(-∞" if column.minimum is None else f"[{column.minimum:g}"
    high = "∞)" if column.maximum is None else f"{column.maximum:g}]"
    unit = "in the row's unit" if column.unit in _ROW_UNIT_COLUMNS else column.unit
    return f"{low}, {high} {unit}".rstrip()


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
        """The kind of row the target selects: link, crossing, transfer, tariff, service,
        energy, contract, storage or plant."""
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
    contract: tuple[Contract, ...] = ()  # contracts.csv rows the scenario adds
    energy: tuple[EnergyRow, ...] = ()  # energy.csv rows it adds (or replaces, same key)
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
            "contract": [row_dict(r) for r in self.contract],
            "energy": [row_dict(r) for r in self.energy],
            "file": self.file,
        }


def row_dict(row: Contract | EnergyRow) -> dict[str, object]:
    """A row a scenario adds as a JSON-ready mapping of its atlas columns."""
    table = CONTRACTS if isinstance(row, Contract) else ENERGY
    out: dict[str, object] = {}
    for column in table.columns:
        value = getattr(row, column.name)
        out[column.name] = list(value) if isinstance(value, tuple) else value
    return out
