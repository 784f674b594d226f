"""Read an atlas into an :class:`~tripp.energy_model.instance.EnergyInstance`.

This is the one gate between the atlas and the optimiser: every unit is converted here,
once, to the model units (gas in mcm/h, power in MW), every row is spread over the months
by its seasonal profile, and every inconsistency is collected into one
:class:`~tripp.errors.InputError` naming the file, the element and the fix.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque

from tripp.atlas.model import Atlas, EnergyRow, Link, is_available
from tripp.atlas.model import Plant as AtlasPlant
from tripp.energy_model.contracts import SellerRules, seller_rules
from tripp.energy_model.instance import (
    CAPACITY_UNIT_OF,
    ENERGY_UNITS_OF,
    LOAD,
    MODE_OF,
    Arc,
    Bus,
    Delivery,
    Demand,
    EnergyInstance,
    Monthly,
    PhysicalArc,
    Plant,
    Storage,
    Supply,
    Swap,
)
from tripp.energy_model.settings import (
    HOURS_PER_DAY,
    MWH_PER_GWH,
    Carrier,
    EnergySettings,
    MissingCapacity,
    month_hours,
)
from tripp.errors import InputError, Problem
from tripp.units import CAPACITY_UNITS, to_canonical_capacity

#: Roles of energy rows the flow model reads (peak_demand feeds the N-1 indicator only).
FLOW_ROLES = ("supply", "demand", "export", "swap")


def current_rows(atlas: Atlas, year: int) -> list[EnergyRow]:
    """Per node, carrier and role, the row of the latest year not after ``year``."""
    best: dict[tuple[str, str, str], EnergyRow] = {}
    for row in atlas.energy:
        key = (row.node_id, row.carrier, row.role)
        if row.year <= year and (key not in best or row.year > best[key].year):
            best[key] = row
    return sorted(best.values(), key=lambda r: (r.carrier, r.node_id, r.role))


def _row_where(row: EnergyRow) -> str:
    return f"{row.node_id},{row.carrier},{row.role},{row.year}"


class _Builder:
    def __init__(self, atlas: Atlas, year: int, carriers: tuple[str, ...], s: EnergySettings):
        self.atlas, self.year, self.carriers, self.settings = atlas, year, carriers, s
        self.hours = month_hours(year)
        self.hours_per_year = sum(self.hours)
        self.problems: list[Problem] = []
        self.assumptions: list[str] = []
        self.skipped: list[str] = []
        self.buses: list[Bus] = []
        self.bus_index: dict[tuple[str, str, str], int] = {}
        self.profiles: dict[str, dict[int, float]] = defaultdict(dict)
        for share in atlas.seasons:
            self.profiles[share.profile_id][share.month] = share.share

    # -- buses -------------------------------------------------------------------------
    def bus(self, node_id: str, carrier: str, commodity: str) -> int:
        key = (node_id, carrier, commodity)
        if key not in self.bus_index:
            node = self.atlas.node_by_id[node_id]
            self.bus_index[key] = len(self.buses)
            self.buses.append(
                Bus(node_id, carrier, node.country, node.region or node.name, commodity)
            )
        return self.bus_index[key]

    def country(self, node_id: str) -> str:
        return self.atlas.node_by_id[node_id].country

    # -- rates -------------------------------------------------------------------------
    def monthly(self, row: EnergyRow) -> Monthly | None:
        """The row's rate in each month in model units per hour, or None (problem noted).

        Flat rows give the same rate every hour; a row with a profile gives month m the
        share of its annual volume the profile puts there (a rate in MW is a mean).
        """
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
            annual = row.value * self.hours_per_year
        elif row.unit == "gwh_per_year":
            annual = row.value * MWH_PER_GWH
        else:
            annual = row.value  # mcm per year
        if not row.profile_id:
            return tuple(annual / self.hours_per_year for _ in self.hours)
        shares = self.profiles[row.profile_id]
        total = sum(shares.values())  # within 0.01 of 1 (checked on load): rescaled to 1
        return tuple(annual * shares[m + 1] / total / h for m, h in enumerate(self.hours))

    # -- arcs --------------------------------------------------------------------------
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

    def physical_arcs(self) -> list[tuple[Link, str, str, str, str, float, float]]:
        """(link, direction, carrier, from node, to node, capacity, efficiency) per open
        direction of every energy link that exists in the year."""
        out = []
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
            ends = [("forward", link.from_node, link.to_node)]
            if link.direction == "both":
                ends.append(("backward", link.to_node, link.from_node))
            out += [(link, d, carrier, u, v, capacity, 1 - share) for d, u, v in ends]
        return out

    # -- rows --------------------------------------------------------------------------
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
        """Whether a bus for the row can exist: a link of its carrier, or local supply (a row
        of another role, or a gas-fired plant for power)."""
        mode = MODE_OF[row.carrier]
        linked = any(
            link.mode == mode and row.node_id in (link.from_node, link.to_node)
            for link in self.atlas.links
        )
        local = any(
            r.node_id == row.node_id and r.carrier == row.carrier and r.role != row.role
            for r in rows
        ) or (row.carrier == "power" and any(p.node_id == row.node_id for p in self.atlas.plants))
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

    def check_profile(self, row: EnergyRow) -> bool:
        if not row.profile_id or len(self.profiles.get(row.profile_id, {})) == 12:
            return True
        self.problems.append(
            Problem(
                "energy.csv",
                f"{row.carrier} {row.role} at '{row.node_id}' ({row.year}) has profile "
                f"'{row.profile_id}', which seasons.csv does not give for all 12 months",
                "add the profile's 12 monthly shares to seasons.csv or clear profile_id",
                column="profile_id",
            )
        )
        return False


def _reach(
    arcs: list[tuple[Link, str, str, str, str, float, float]], sources: set[tuple[str, str]]
) -> dict[str, set[str]]:
    """Per seller, the nodes its supply can reach over the arcs (one carrier)."""
    out_of: dict[str, list[str]] = defaultdict(list)
    for _, _, _, u, v, capacity, _ in arcs:
        if capacity > 0:
            out_of[u].append(v)
    reach: dict[str, set[str]] = defaultdict(set)
    for node, seller in sources:
        seen, queue = reach[seller], deque([node])
        while queue:
            here = queue.popleft()
            if here not in seen:
                seen.add(here)
                queue.extend(out_of[here])
    return reach


def build_instance(
    atlas: Atlas, *, year: int, carrier: Carrier, settings: EnergySettings
) -> EnergyInstance:
    """Read the atlas's energy links, rows, contracts, storage and plants for ``year``.

    Raises :class:`~tripp.errors.InputError` listing every problem: a link without capacity
    (unless ``settings.missing_capacity`` is ``unbounded``), a unit that cannot be converted
    to the carrier, a row at a node no link of its carrier reaches, an incomplete profile.
    """
    b = _Builder(atlas, year, carrier.carriers(), settings)
    rows = current_rows(atlas, year)
    for row in rows:
        if row.carrier not in MODE_OF:
            b.skipped.append(f"{_row_where(row)}: {row.carrier} is not modelled")
    rows = [r for r in rows if r.carrier in MODE_OF and r.role in FLOW_ROLES]
    partners = b.swap_partners(rows)
    coupled = {"gas", "power"} <= set(b.carriers)
    paid = {id(p) for p in partners.values()} if coupled else set()
    payer_of_power = {id(p): b.country(g) for g, p in partners.items()}
    checked = [
        r
        for r in rows
        if r.carrier in b.carriers and b.check_reachable(r, rows) and b.check_profile(r)
    ]
    used = [r for r in checked if id(r) not in paid]
    fit = {id(r) for r in checked}
    monthly = {id(r): b.monthly(r) for r in used}
    arcs = b.physical_arcs()
    plants = [
        p for p in atlas.plants if is_available(p.status, p.open_year, year) and p.fuel == "gas"
    ]
    storages = [
        s
        for s in atlas.storage
        if s.carrier in b.carriers and is_available(s.status, s.open_year, year)
    ]
    rules = seller_rules(atlas, year, b.carriers, b.assumptions)
    # sellers and where their supply enters, per carrier
    sources: dict[str, set[tuple[str, str]]] = defaultdict(set)
    seller_of: dict[int, str] = {}
    for r in used:
        if r.role == "supply" or (r.role == "swap" and r.carrier == "gas"):
            partner = partners.get(r.node_id) if r.carrier == "gas" else None
            seller_of[id(r)] = b.country(partner.node_id if partner else r.node_id)
            sources[r.carrier].add((r.node_id, seller_of[id(r)]))
            if r.role == "swap" and r.carrier == "gas":
                rules.exempt.add(("gas", seller_of[id(r)], b.country(r.node_id)))
    if coupled:
        sources["power"] |= {(p.node_id, b.country(p.node_id)) for p in plants}
    reach = {c: _reach([a for a in arcs if a[2] == c], sources[c]) for c in b.carriers}
    supplies, demands = _rows(b, used, monthly, seller_of, partners, payer_of_power)
    swaps: list[Swap] = []
    if coupled:
        for g, p in partners.items():
            gas_row = next((r for r in used if r.node_id == g and r.role == "swap"), None)
            if gas_row is None or id(p) not in fit:
                continue
            rates_gas, rates_power = monthly[id(gas_row)], b.monthly(p)
            if rates_gas is None or rates_power is None:
                continue
            payer, seller = b.country(g), b.country(p.node_id)
            power_total = sum(rates_power)
            swaps.append(
                Swap(
                    g,
                    p.node_id,
                    b.bus(p.node_id, "power", payer),
                    b.bus(g, "gas", seller),
                    rates_power,
                    sum(rates_gas) / power_total if power_total > 0 else 0.0,
                    seller,
                    payer,
                    gas_row.year,
                )
            )
    instance_plants = _plants(b, plants, coupled, supplies)
    instance_storage = [
        Storage(
            s.storage_id,
            s.carrier,
            b.bus(s.node_id, s.carrier, LOAD),
            s.working_volume,
            s.injection / HOURS_PER_DAY if s.carrier == "gas" else s.injection,
            s.withdrawal / HOURS_PER_DAY if s.carrier == "gas" else s.withdrawal,
        )
        for s in storages
    ]
    # flow buses per seller where its supply reaches; arcs once per seller and direction
    groups: list[PhysicalArc] = []
    out_arcs: list[Arc] = []
    for link, direction, c, u, v, capacity, efficiency in arcs:
        group = len(groups)
        groups.append(PhysicalArc(link.link_id, direction, c, capacity))
        for seller in sorted(k for k, nodes in reach[c].items() if u in nodes):
            out_arcs.append(
                Arc(
                    link.link_id,
                    direction,
                    c,
                    b.bus(u, c, seller),
                    b.bus(v, c, seller),
                    capacity,
                    efficiency,
                    b.settings.transport_cost(c) * link.length_km,
                    link.country,
                    link.length_km,
                    group,
                )
            )
    deliveries = _deliveries(b, reach, rules)
    if b.problems:
        raise InputError(b.problems)
    return EnergyInstance(
        year=year,
        carriers=b.carriers,
        hours=b.hours,
        buses=tuple(b.buses),
        arcs=tuple(out_arcs),
        supplies=tuple(supplies),
        demands=tuple(demands),
        deliveries=tuple(deliveries),
        contracts=tuple(rules.caps),
        swaps=tuple(swaps),
        storages=tuple(instance_storage),
        plants=tuple(instance_plants),
        groups=tuple(groups),
        assumptions=tuple(b.assumptions),
        skipped=tuple(b.skipped),
    )


def _rows(
    b: _Builder,
    used: list[EnergyRow],
    monthly: dict[int, Monthly | None],
    seller_of: dict[int, str],
    partners: dict[str, EnergyRow],
    payer_of_power: dict[int, str],
) -> tuple[list[Supply], list[Demand]]:
    """Supplies and demands of the rows (a coupled swap pair is built by the caller)."""
    supplies: list[Supply] = []
    demands: list[Demand] = []
    coupled = {"gas", "power"} <= set(b.carriers)
    for row in used:
        rates = monthly[id(row)]
        if rates is None:
            continue
        if row.carrier == "gas" and row.role == "swap" and coupled and row.node_id in partners:
            continue  # paid with power: a Swap
        if row.role == "supply" or (row.role == "swap" and row.carrier == "gas"):
            seller = seller_of[id(row)]
            annual = sum(r * h for r, h in zip(rates, b.hours, strict=True))
            swing = 1.0 if row.profile_id else b.settings.supply_swing
            supplies.append(
                Supply(
                    row.node_id,
                    row.carrier,
                    row.role,
                    b.bus(row.node_id, row.carrier, seller),
                    tuple(r * swing for r in rates),
                    annual,
                    b.settings.cost_of_supply(row.node_id, row.carrier),
                    seller,
                    row.year,
                )
            )
        elif row.role == "swap":  # power owed under a swap: its payer's power, at the node
            payer = payer_of_power.get(id(row), b.country(row.node_id))
            demands.append(
                Demand(
                    row.node_id,
                    row.carrier,
                    row.role,
                    b.bus(row.node_id, row.carrier, payer),
                    rates,
                    b.settings.export_netback(row.carrier),
                    payer,
                    row.year,
                )
            )
        else:
            value = (
                b.settings.voll(row.carrier)
                if row.role == "demand"
                else b.settings.export_netback(row.carrier)
            )
            demands.append(
                Demand(
                    row.node_id,
                    row.carrier,
                    row.role,
                    b.bus(row.node_id, row.carrier, LOAD),
                    rates,
                    value,
                    b.country(row.node_id),
                    row.year,
                )
            )
    return supplies, demands


def _plants(
    b: _Builder, plants: list[AtlasPlant], coupled: bool, supplies: list[Supply]
) -> list[Plant]:
    """Gas-fired plants as gas-to-power links, or as power supplies when gas is not run."""
    out: list[Plant] = []
    for p in plants:
        country = b.country(p.node_id)
        if coupled:
            out.append(
                Plant(
                    p.plant_id,
                    p.node_id,
                    b.bus(p.node_id, "gas", LOAD),
                    b.bus(p.node_id, "power", country),
                    p.capacity_mw,
                    p.efficiency_mwh_per_mcm,
                    country,
                )
            )
        elif "power" in b.carriers:
            b.assumptions.append(
                f"plant {p.plant_id}: gas is not modelled, so it runs up to "
                f"{p.capacity_mw:g} MW without a fuel limit"
            )
            supplies.append(
                Supply(
                    p.node_id,
                    "power",
                    "plant",
                    b.bus(p.node_id, "power", country),
                    tuple(p.capacity_mw for _ in b.hours),
                    p.capacity_mw * b.hours_per_year,
                    b.settings.cost_of_supply(p.node_id, "power"),
                    country,
                    b.year,
                )
            )
        else:
            b.assumptions.append(
                f"plant {p.plant_id}: power is not modelled, so the gas it burns is not counted"
            )
    return out


def _deliveries(
    b: _Builder, reach: dict[str, dict[str, set[str]]], rules: SellerRules
) -> list[Delivery]:
    """A delivery from each seller's flow bus to each load bus whose buyer may take it."""
    out: list[Delivery] = []
    loads = [(i, bus) for i, bus in enumerate(b.buses) if bus.commodity == LOAD]
    for index, bus in loads:
        for seller in sorted(reach.get(bus.carrier, {})):
            if bus.node_id not in reach[bus.carrier][seller]:
                continue
            if not rules.allows(bus.carrier, seller, bus.country):
                continue
            out.append(
                Delivery(
                    b.bus(bus.node_id, bus.carrier, seller),
                    index,
                    bus.carrier,
                    seller,
                    bus.country,
                    bus.node_id,
                )
            )
    return out
