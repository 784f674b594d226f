"""The energy instance: buses, arcs, supplies, demands, contracts, storage and plants.

The model is multi-commodity: gas (or power) is labelled by the country that sells it, so a
contract can say who may serve whom. Per node and carrier there is one *flow bus* per
seller whose supply can reach the node, and one *load bus* where demands, storage and
gas-fired plants draw; a *delivery* moves a seller's gas from the flow bus to the load bus
of a buyer that may take it (its own country's gas, or a seller with a contract in force).
Every arc of the atlas exists once per seller that reaches both its ends; the sellers share
its capacity. The instance knows nothing of PyPSA (:mod:`tripp.energy_model.optimise`);
the atlas is read by :mod:`tripp.energy_model.build`. Rates are model units per hour: gas
in mcm/h, power in MW; each monthly figure is given for the 12 monthly snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The link mode that carries each modelled carrier.
MODE_OF: dict[str, str] = {"gas": "gas_pipeline", "power": "power_line"}
#: Canonical capacity unit of each carrier's links, and the model unit of its flows.
CAPACITY_UNIT_OF: dict[str, str] = {"gas": "mcm_per_year", "power": "mw"}
MODEL_UNIT_OF: dict[str, str] = {"gas": "mcm_per_h", "power": "mw"}
#: Energy-table units each carrier accepts for annual rows.
ENERGY_UNITS_OF: dict[str, tuple[str, ...]] = {
    "gas": ("mcm_per_year",),
    "power": ("mw", "gwh_per_year"),
}
#: The commodity label of a load bus (it holds gas of any seller, already delivered).
LOAD = "load"

Monthly = tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Bus:
    """One node for one carrier: a seller's flow bus (``commodity`` the seller's country)
    or the node's load bus (``commodity`` :data:`LOAD`)."""

    node_id: str
    carrier: str
    country: str
    region: str
    commodity: str


@dataclass(frozen=True, slots=True)
class Arc:
    """One direction of an energy link for one seller's commodity. ``capacity`` in model
    units (inf: unbounded) is shared by every commodity of the same ``group``."""

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
    group: int  # the physical arc (link and direction) whose capacity it shares


@dataclass(frozen=True, slots=True)
class PhysicalArc:
    """One direction of an atlas link, whatever sells over it: its capacity in model units
    (inf: unbounded) is what the sellers' arcs of its group share."""

    link_id: str
    direction: str
    carrier: str
    capacity: float


@dataclass(frozen=True, slots=True)
class Supply:
    """A field, import point, generation or swap delivery: up to ``rates`` in each month
    and ``annual`` (mcm or MWh) over the year."""

    node_id: str
    carrier: str
    role: str
    bus: int
    rates: Monthly
    annual: float
    cost_usd_per_unit: float
    supplier_country: str
    data_year: int


@dataclass(frozen=True, slots=True)
class Demand:
    """Demand, export offtake or electricity owed under a swap, ``rates`` per month.

    A shortfall is priced at ``value_usd_per_unit``: the value of lost load for domestic
    demand, the export netback for an export or an owed swap.
    """

    node_id: str
    carrier: str
    role: str  # demand, export or swap
    bus: int
    rates: Monthly
    value_usd_per_unit: float
    buyer_country: str
    data_year: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """A seller's commodity handed to a buyer's load bus at one node (unbounded rate)."""

    from_bus: int
    to_bus: int
    carrier: str
    seller: str
    buyer: str
    node_id: str


@dataclass(frozen=True, slots=True)
class ContractCap:
    """What ``seller`` may deliver to ``buyer`` of ``carrier`` in the year (mcm or MWh), and
    the take-or-pay quantity the buyer pays for whether taken or not."""

    carrier: str
    seller: str
    buyer: str
    annual: float
    take_or_pay: float
    contract_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Swap:
    """Gas for electricity: power delivered at ``power_bus`` buys gas at ``gas_bus``.

    ``rates_mw`` bound the power sent; gas received is ``rate × efficiency`` mcm/h.
    """

    gas_node: str
    power_node: str
    power_bus: int
    gas_bus: int
    rates_mw: Monthly
    efficiency_mcm_per_mwh: float
    supplier_country: str
    payer_country: str
    data_year: int


@dataclass(frozen=True, slots=True)
class Storage:
    """A storage on a load bus: ``volume`` in mcm or MWh, rates in model units."""

    storage_id: str
    carrier: str
    bus: int
    volume: float
    injection: float
    withdrawal: float


@dataclass(frozen=True, slots=True)
class Plant:
    """A gas-fired plant: burns gas from ``gas_bus`` (a load bus), feeds ``power_bus``."""

    plant_id: str
    node_id: str
    gas_bus: int
    power_bus: int
    capacity_mw: float
    efficiency_mwh_per_mcm: float
    country: str


@dataclass(frozen=True)
class EnergyInstance:
    """Everything the optimiser needs, in model units, with 12 monthly snapshots."""

    year: int
    carriers: tuple[str, ...]
    hours: Monthly  # hours in each monthly snapshot
    buses: tuple[Bus, ...]
    arcs: tuple[Arc, ...]
    supplies: tuple[Supply, ...]
    demands: tuple[Demand, ...]
    deliveries: tuple[Delivery, ...]
    contracts: tuple[ContractCap, ...]
    swaps: tuple[Swap, ...]
    storages: tuple[Storage, ...]
    plants: tuple[Plant, ...]
    groups: tuple[PhysicalArc, ...]  # the physical arcs the sellers' arcs share
    assumptions: tuple[str, ...]
    skipped: tuple[str, ...]

    @property
    def hours_per_year(self) -> float:
        """Hours in the modelled year."""
        return sum(self.hours)
