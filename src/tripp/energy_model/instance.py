"""The energy instance: buses, arcs, supplies, demands and swaps read from an atlas.

This is the one gate between the atlas and the optimiser: every unit is converted here,
once, to the model units (gas in mcm/h, power in MW), and every inconsistency is collected
into one :class:`~tripp.errors.InputError` naming the file, the element and the fix.
The instance knows nothing of PyPSA, so an independent LP can be built from it too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tripp.atlas.model import Atlas, EnergyRow, Link, is_available
from tripp.energy_model.settings import (
    MWH_PER_GWH,
    Carrier,
    EnergySettings,
    MissingCapacity,
    month_hours,
)
from tripp.errors import InputError, Problem
from tripp.units import CAPACITY_UNITS, to_canonical_capacity

#: The link mode that carries each modelled carrier.
MODE_OF: dict[str, str] = {"gas": "gas_pipeline", "power": "power_line"}
#: Canonical capacity unit of each carrier's links, and the model unit of its flows.
CAPACITY_UNIT_OF: dict[str, str] = {"gas": "mcm_per_year", "power": "mw"}
MODEL_UNIT_OF: dict[str, str] = {"gas": "mcm_per_h", "power": "mw"}
#: Energy-table units each carrier accepts.
ENERGY_UNITS_OF: dict[str, tuple[str, ...]] = {
    "gas": ("mcm_per_year",),
    "power": ("mw", "gwh_per_year"),
}


@dataclass(frozen=True, slots=True)
class Bus:
    """One node for one carrier."""

    node_id: str
    carrier: str
    country: str
    region: str


@dataclass(frozen=True, slots=True)
class Arc:
    """One direction of an energy link. ``capacity`` in model units (inf: unbounded)."""

    link_id: str
    direction: str  # "forward" (from_node → to_node) or "backward"
    carrier: str
    from_bus: int
    to_bus: int
    capacity: float
    efficiency: float  # share of the flow that arrives, 0–1
    cost_usd_per_unit: float  # USD per mcm (gas) or MWh (power) sent
    country: str
    length_km: float


@dataclass(frozen=True, slots=True)
class Supply:
    """A field, import point or swap delivery: up to ``rate`` model units per hour."""

    node_id: str
    carrier: str
    role: str
    bus: int
    rate: float
    cost_usd_per_unit: float
    supplier_country: str
    data_year: int


@dataclass(frozen=True, slots=True)
class Demand:
    """Demand (or electricity owed under a swap) of ``rate`` model units per hour."""

    node_id: str
    carrier: str
    role: str
    bus: int
    rate: float
    voll_usd_per_unit: float
    data_year: int


@dataclass(frozen=True, slots=True)
class Swap:
    """Gas for electricity: power delivered at ``power_bus`` buys gas at ``gas_bus``.

    ``rate_mw`` bounds the power sent; gas received is ``rate × efficiency`` mcm/h.
    """

    gas_node: str
    power_node: str
    power_bus: int
    gas_bus: int
    rate_mw: float
    efficiency_mcm_per_mwh: float
    supplier_country: str
    data_year: int


@dataclass(frozen=True)
class EnergyInstance:
    """Everything the optimiser needs, in model units, with 12 monthly snapshots."""

    year: int
    carriers: tuple[str, ...]
    hours: tuple[float, ...]  # hours in each monthly snapshot
    buses: tuple[Bus, ...]
    arcs: tuple[Arc, ...]
    supplies: tuple[Supply, ...]
    demands: tuple[Demand, ...]
    swaps: tuple[Swap, ...]
    assumptions: tuple[str, ...]
    skipped: tuple[str, ...]

    @property
    def hours_per_year(self) -> float:
        """Hours in the modelled year."""
        return sum(self.hours)


def _row_where(row: EnergyRow) -> str:
    return f"{row.node_id},{row.carrier},{row.role},{row.year}"


def current_rows(atlas: Atlas, year: int) -> list[EnergyRow]:
    """Per node, carrier and role, the row of the latest year not after ``year``."""
    best: dict[tuple[str, str, str], EnergyRow] = {}
    for row in atlas.energy:
        key = (row.node_id, row.carrier, row.role)
        if row.year <= year and (key not in best or row.year > best[key].year):
            best[key] = row
    return sorted(best.values(), key=lambda r: (r.carrier, r.node_id, r.role))


class _Builder:
    def __init__(self, atlas: Atlas, year: int, carriers: tuple[str, ...], s: EnergySettings):
        self.atlas, self.year, self.carriers, self.settings = atlas, year, carriers, s
        self.hours = month_hours(year)
        self.hours_per_year = sum(self.hours)
        self.problems: list[Problem] = []
        self.assumptions: list[str] = []
        self.skipped: list[str] = []
        self.buses: list[Bus] = []
        self.bus_index: dict[tuple[str, str], int] = {}

    def bus(self, node_id: str, carrier: str) -> int:
        key = (node_id, carrier)
        if key not in self.bus_index:
            node = self.atlas.node_by_id[node_id]
            self.bus_index[key] = len(self.buses)
            self.buses.append(Bus(node_id, carrier, node.country, node.region or node.name))
        return self.bus_index[key]

    def rate(self, row: EnergyRow) -> float | None:
        """The row's value in model units per hour, or None (problem recorded)."""
        if row.unit not in ENERGY_UNITS_OF[row.carrier]:
            self.problems.append(
                Problem(
                    "energy.csv",
                    f"{row.carrier} {row.role} at '{row.node_id}' ({row.year}) is in "
                    f"{row.unit}, which cannot be converted to {row.carrier}",
                    f"give it in {' or '.join(ENERGY_UNITS_OF[row.carrier])}",
                    column="unit",
                )
            )
            return None
        if row.unit == "mw":
            return row.value
        if row.unit == "gwh_per_year":
            return row.value * MWH_PER_GWH / self.hours_per_year
        return row.value / self.hours_per_year  # mcm_per_year → mcm/h

    def link_capacity(self, link: Link, carrier: str) -> float | None:
        """The link's capacity in model units per hour (inf if allowed unbounded)."""
        if link.capacity is None:
            if self.settings.missing_capacity is MissingCapacity.UNBOUNDED:
                self.assumptions.append(f"link {link.link_id} has no capacity: unbounded")
                return math.inf
            self.problems.append(
                Problem(
                    "links.csv",
                    f"{link.mode} '{link.link_id}' has no capacity",
                    f"give capacity and capacity_unit ({CAPACITY_UNIT_OF[carrier]} or a unit "
                    "converting to it), or pass --missing-capacity unbounded",
                    column="capacity",
                )
            )
            return None
        canonical = CAPACITY_UNITS.get(link.capacity_unit, ("", 0.0))[0]
        if canonical != CAPACITY_UNIT_OF[carrier]:
            units = [u for u, (c, _) in CAPACITY_UNITS.items() if c == CAPACITY_UNIT_OF[carrier]]
            self.problems.append(
                Problem(
                    "links.csv",
                    f"{link.mode} '{link.link_id}' has capacity in "
                    f"'{link.capacity_unit or 'no unit'}', which cannot be converted to "
                    f"{CAPACITY_UNIT_OF[carrier]}",
                    f"give capacity_unit as one of {', '.join(units)}",
                    column="capacity_unit",
                )
            )
            return None
        value, _ = to_canonical_capacity(link.capacity, link.capacity_unit)
        return value if carrier == "power" else value / self.hours_per_year

    def arcs(self) -> list[Arc]:
        out: list[Arc] = []
        for link in self.atlas.links:
            carrier = next((c for c in self.carriers if MODE_OF[c] == link.mode), None)
            if carrier is None or not is_available(link.status, link.open_year, self.year):
                continue
            capacity = self.link_capacity(link, carrier)
            share = self.settings.loss_share_per_1000_km(carrier) * link.length_km / 1000.0
            if not 0.0 <= share < 1.0:
                self.problems.append(
                    Problem(
                        "settings",
                        f"{carrier} losses of {share:.0%} on '{link.link_id}' "
                        f"({link.length_km:g} km) leave nothing",
                        f"give {carrier}_loss_share_per_1000_km below {1000 / link.length_km:g}",
                    )
                )
                continue
            if capacity is None:
                continue
            a, b = self.bus(link.from_node, carrier), self.bus(link.to_node, carrier)
            cost = self.settings.transport_cost(carrier) * link.length_km
            ends = [("forward", a, b)] + ([("backward", b, a)] if link.direction == "both" else [])
            out += [
                Arc(
                    link.link_id,
                    d,
                    carrier,
                    u,
                    v,
                    capacity,
                    1 - share,
                    cost,
                    link.country,
                    link.length_km,
                )
                for d, u, v in ends
            ]
        return out

    def swap_partners(self, rows: list[EnergyRow]) -> dict[str, EnergyRow]:
        """Gas swap rows keyed by node, each mapped to the power swap row it is paid with.

        A power swap at P pays for a gas swap at G when a power line of the atlas (any
        status) joins P and G; the exchange rate is the ratio of the two rows.
        """
        lines = {
            frozenset((link.from_node, link.to_node))
            for link in self.atlas.links
            if link.mode == "power_line"
        }
        gas_swaps = [r for r in rows if r.carrier == "gas" and r.role == "swap"]
        pairs: dict[str, EnergyRow] = {}
        for power in (r for r in rows if r.carrier == "power" and r.role == "swap"):
            partners = [g for g in gas_swaps if frozenset((g.node_id, power.node_id)) in lines]
            if len(partners) > 1:
                self.problems.append(
                    Problem(
                        "energy.csv",
                        f"power swap at '{power.node_id}' ({power.year}) is joined by power "
                        f"lines to several gas swaps: {', '.join(g.node_id for g in partners)}",
                        "keep one gas swap per power swap",
                        column="role",
                    )
                )
            elif partners:
                pairs[partners[0].node_id] = power
        return pairs

    def check_reachable(self, row: EnergyRow, rows: list[EnergyRow]) -> bool:
        """Whether a bus for the row can exist: a link of its carrier or local supply."""
        mode = MODE_OF[row.carrier]
        linked = any(
            link.mode == mode and row.node_id in (link.from_node, link.to_node)
            for link in self.atlas.links
        )
        local = any(
            r.node_id == row.node_id and r.carrier == row.carrier and r.role != row.role
            for r in rows
        )
        if linked or local:
            return True
        self.problems.append(
            Problem(
                "energy.csv",
                f"{row.carrier} {row.role} at '{row.node_id}' ({row.year}): no {mode} "
                f"of the atlas reaches the node, so it has no {row.carrier} bus",
                f"add a {mode} to '{row.node_id}' or move the row to a node on the network",
                column="node_id",
            )
        )
        return False

    def rows(self) -> tuple[list[Supply], list[Demand], list[Swap]]:
        rows = current_rows(self.atlas, self.year)
        for row in rows:
            if row.carrier not in MODE_OF:
                self.skipped.append(f"{_row_where(row)}: {row.carrier} is not modelled")
        rows = [r for r in rows if r.carrier in MODE_OF and r.role != "peak_demand"]
        partners = self.swap_partners(rows)
        coupled = {"gas", "power"} <= set(self.carriers)
        paid = {id(p) for p in partners.values()} if coupled else set()
        nodes = self.atlas.node_by_id
        supplies: list[Supply] = []
        demands: list[Demand] = []
        swaps: list[Swap] = []
        for row in (r for r in rows if r.carrier in self.carriers and id(r) not in paid):
            rate = self.rate(row)
            if rate is None or not self.check_reachable(row, rows):
                continue
            bus = self.bus(row.node_id, row.carrier)
            power = (
                partners.get(row.node_id) if (row.carrier, row.role) == ("gas", "swap") else None
            )
            if power is not None and coupled:
                power_rate = self.rate(power)
                if power_rate is None or not self.check_reachable(power, rows):
                    continue
                swaps.append(
                    Swap(
                        row.node_id,
                        power.node_id,
                        self.bus(power.node_id, "power"),
                        bus,
                        power_rate,
                        rate / power_rate if power_rate > 0 else 0.0,
                        nodes[power.node_id].country,
                        row.year,
                    )
                )
            elif row.role == "supply" or (row.role == "swap" and row.carrier == "gas"):
                country = nodes[power.node_id if power else row.node_id].country
                cost = self.settings.cost_of_supply(row.node_id, row.carrier)
                supplies.append(
                    Supply(row.node_id, row.carrier, row.role, bus, rate, cost, country, row.year)
                )
            else:  # demand, or electricity owed under a swap whose gas is not modelled
                voll = self.settings.voll(row.carrier)
                demands.append(
                    Demand(row.node_id, row.carrier, row.role, bus, rate, voll, row.year)
                )
        return supplies, demands, swaps


def build_instance(
    atlas: Atlas, *, year: int, carrier: Carrier, settings: EnergySettings
) -> EnergyInstance:
    """Read the atlas's energy links and rows for ``year`` into model units.

    Raises :class:`~tripp.errors.InputError` listing every problem: a link without capacity
    (unless ``settings.missing_capacity`` is ``unbounded``), a unit that cannot be converted
    to the carrier, a supply or demand at a node no link of its carrier reaches, storage.
    """
    builder = _Builder(atlas, year, carrier.carriers(), settings)
    supplies, demands, swaps = builder.rows()
    arcs = builder.arcs()
    if builder.problems:
        raise InputError(builder.problems)
    return EnergyInstance(
        year=year,
        carriers=builder.carriers,
        hours=builder.hours,
        buses=tuple(builder.buses),
        arcs=tuple(arcs),
        supplies=tuple(supplies),
        demands=tuple(demands),
        swaps=tuple(swaps),
        assumptions=tuple(builder.assumptions),
        skipped=tuple(builder.skipped),
    )
