"""Frozen row types of the atlas tables and the :class:`Atlas` that holds them.

Field names and units are those of :mod:`tripp.atlas.schema`; rows are created by the
reader only after every check has passed, so the rest of tripp trusts them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from tripp.units import FREIGHT_MODES, INTERNATIONAL_WATERS

#: The cargo type of a request that names none, of a tariffs.csv row with an empty
#: cargo_type and of a transfers.csv row with empty cargo_types.
DEFAULT_CARGO_TYPE = "container"
#: Half a week in hours: the mean wait for one of f departures a week is 84 / f h.
HALF_WEEK_H = 84.0
#: Tonnes per loaded TEU assumed by the atlas when it has no cargo_types.csv (the basis of
#: the t-km figures of tariffs.csv); only ratios between cargo types use it.
IMPLICIT_CONTAINER_T_PER_TEU = 10.0


@dataclass(frozen=True, slots=True)
class Source:
    """Provenance of figures."""

    source_id: str
    title: str
    publisher: str
    url: str
    year: int
    confidence: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Provenance:
    """Columns shared by every table that carries figures."""

    source_ids: tuple[str, ...] = ()
    estimated: bool = False
    method: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Node(Provenance):
    """A place: city, port, station, border crossing, junction, hub."""

    node_id: str = ""
    name: str = ""
    alt_names: tuple[str, ...] = ()
    kind: str = ""
    country: str = ""
    region: str = ""
    lon: float = 0.0
    lat: float = 0.0


@dataclass(frozen=True, slots=True)
class Link(Provenance):
    """A connection between two nodes by one mode; ``country`` is resolved by the reader."""

    link_id: str = ""
    from_node: str = ""
    to_node: str = ""
    direction: str = "both"
    mode: str = ""
    country: str = ""
    length_km: float = 0.0
    speed_kmh: float | None = None
    time_h: float | None = None
    capacity: float | None = None
    capacity_unit: str = ""
    gauge_mm: int | None = None
    status: str = "operating"
    open_year: int | None = None
    corridors: tuple[str, ...] = ()

    @property
    def running_time_h(self) -> float:
        """End-to-end running time: ``time_h`` or ``length_km / speed_kmh``."""
        if self.time_h is not None:
            return self.time_h
        if self.speed_kmh is None:
            raise ValueError(f"link {self.link_id} has neither time_h nor speed_kmh")
        return self.length_km / self.speed_kmh


@dataclass(frozen=True, slots=True)
class Crossing(Provenance):
    """A border-crossing process at a node for one direction and mode."""

    node_id: str = ""
    from_country: str = ""
    to_country: str = ""
    mode: str = ""
    dwell_h: float = 0.0
    cost_usd_per_teu: float = 0.0
    capacity: float | None = None  # in capacity_unit; None: unknown
    capacity_unit: str = ""
    status: str = "operating"
    open_year: int | None = None


@dataclass(frozen=True, slots=True)
class Transfer(Provenance):
    """A mode change, transshipment or gauge change allowed at a node."""

    node_id: str = ""
    from_mode: str = ""
    from_gauge_mm: int | None = None
    to_mode: str = ""
    to_gauge_mm: int | None = None
    time_h: float = 0.0
    cost_usd_per_teu: float = 0.0
    capacity: float | None = None
    capacity_unit: str = ""
    bidirectional: bool = True
    cargo_types: tuple[str, ...] = (DEFAULT_CARGO_TYPE,)


@dataclass(frozen=True, slots=True)
class Tariff(Provenance):
    """Line-haul cost of a mode in a country (``*``: any country without its own row) for
    one cargo type, per unit of that cargo type (TEU, t or truck) and km."""

    mode: str = ""
    country: str = ""
    cargo_type: str = DEFAULT_CARGO_TYPE
    cost_usd_per_teu_km: float | None = None
    cost_usd_per_t_km: float | None = None
    cost_usd_per_truck_km: float | None = None
    price_year: int = 0

    def cost_usd_per_unit_km(self, unit: str) -> float:
        """The line-haul cost per ``unit`` (TEU, t or truck) and km; validation makes sure
        a row gives the column of its cargo type's unit."""
        value = {
            "TEU": self.cost_usd_per_teu_km,
            "t": self.cost_usd_per_t_km,
            "truck": self.cost_usd_per_truck_km,
        }[unit]
        if value is None:
            raise ValueError(
                f"tariff {self.mode}/{self.country}/{self.cargo_type} has no {unit} cost"
            )
        return value


@dataclass(frozen=True, slots=True)
class CargoType(Provenance):
    """What a cargo type is counted in (TEU, t, truck), weighs and may use."""

    cargo_type: str = ""
    name: str = ""
    unit: str = ""
    t_per_unit: float = 0.0
    modes: tuple[str, ...] = ()
    value_usd_per_unit: float | None = None
    vot_usd_per_unit_h: float | None = None


@dataclass(frozen=True, slots=True)
class Service(Provenance):
    """Scheduled departures of ``mode`` from ``node_id`` (toward ``to_node`` when given)."""

    service_id: str = ""
    node_id: str = ""
    mode: str = ""
    to_node: str = ""
    departures_per_week: float = 1.0
    dwell_h: float = 0.0
    cargo_types: tuple[str, ...] = ()
    status: str = "operating"
    open_year: int | None = None

    @property
    def wait_h(self) -> float:
        """Mean wait of a consignment that boards: half the headway (84 h / departures a
        week) plus the dwell before departure."""
        return HALF_WEEK_H / self.departures_per_week + self.dwell_h


@dataclass(frozen=True, slots=True)
class EnergyRow(Provenance):
    """Supply, demand, export offtake, swap or peak-day demand of a carrier at a node;
    ``profile_id`` names its monthly shape in seasons.csv ("" for flat)."""

    node_id: str = ""
    carrier: str = ""
    role: str = ""
    value: float = 0.0
    unit: str = ""
    year: int = 0
    profile_id: str = ""


@dataclass(frozen=True, slots=True)
class SeasonShare(Provenance):
    """The share (0–1) of a profile's annual volume that falls in calendar ``month``."""

    profile_id: str = ""
    month: int = 0
    share: float = 0.0


@dataclass(frozen=True, slots=True)
class Contract(Provenance):
    """A supply contract: ``seller`` may serve ``buyer``'s demand of ``carrier`` up to
    ``value`` a year (``unit``: mcm_per_year or gwh_per_year) from ``year_from`` to
    ``year_to`` (None: open-ended)."""

    contract_id: str = ""
    carrier: str = ""
    seller: str = ""
    buyer: str = ""
    value: float = 0.0
    unit: str = ""
    take_or_pay_share: float | None = None
    year_from: int = 0
    year_to: int | None = None

    def in_force(self, year: int) -> bool:
        """Whether the contract holds in ``year``."""
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)


@dataclass(frozen=True, slots=True)
class Storage(Provenance):
    """A storage at a node: working volume (mcm or MWh) and injection and withdrawal rates
    (mcm/day or MW); it serves the demand at its node, cyclic over the year."""

    storage_id: str = ""
    node_id: str = ""
    carrier: str = ""
    working_volume: float = 0.0
    volume_unit: str = ""
    injection: float = 0.0
    withdrawal: float = 0.0
    rate_unit: str = ""
    status: str = "operating"
    open_year: int | None = None


@dataclass(frozen=True, slots=True)
class Plant(Provenance):
    """A gas-fired power plant at a node: ``capacity_mw`` of electric output, making
    ``efficiency_mwh_per_mcm`` MWh of electricity from each mcm of gas."""

    plant_id: str = ""
    node_id: str = ""
    fuel: str = "gas"
    capacity_mw: float = 0.0
    efficiency_mwh_per_mcm: float = 0.0
    status: str = "operating"
    open_year: int | None = None


@dataclass(frozen=True, slots=True)
class DemandRow(Provenance):
    """A freight flow between two places in one year (t/year; TEU/year for containers).

    ``year`` is the row's reference year in demand.csv; :meth:`Atlas.demand_in` derives
    the rows of a later demand year from it by its growth path ``growth_id``
    (:func:`demand_in_year`).
    """

    origin: str = ""
    destination: str = ""
    commodity: str = ""
    cargo_type: str = DEFAULT_CARGO_TYPE
    market: str = ""
    year: int = 0
    t_per_year: float | None = None
    teu_per_year: float | None = None
    modes: tuple[str, ...] = ()
    vot_usd_per_unit_h: float | None = None
    growth_id: str = ""


@dataclass(frozen=True, slots=True)
class GrowthPath(Provenance):
    """A compound annual growth rate of freight demand (%/year)."""

    growth_id: str = ""
    name: str = ""
    cagr_pct: float = 0.0


@dataclass(frozen=True, slots=True)
class Project(Provenance):
    """A project the appraisal costs: the atlas ``elements`` it opens or upgrades (scenario
    selectors), capital cost (USD in ``price_year`` prices) spent over ``construction_years``
    from ``construction_start`` by ``capex_profile_pct`` (empty: evenly), running cost
    (USD/year once open) and economic life (years)."""

    project_id: str = ""
    name: str = ""
    kind: str = ""
    country: str = ""
    owner: str = ""
    elements: tuple[str, ...] = ()
    capex_usd: float = 0.0
    price_year: int = 0
    construction_start: int = 0
    construction_years: int = 1
    capex_profile_pct: tuple[str, ...] = ()
    opex_usd_per_year: float = 0.0
    economic_life_years: int = 1

    def capex_by_year(self) -> dict[int, float]:
        """Capital cost per calendar year (USD in ``price_year`` prices)."""
        years = range(self.construction_start, self.construction_start + self.construction_years)
        if not self.capex_profile_pct:
            return {y: self.capex_usd / self.construction_years for y in years}
        shares = [float(p) / 100.0 for p in self.capex_profile_pct]
        return {y: self.capex_usd * share for y, share in zip(years, shares, strict=True)}


# One freight demand model across years.
#
# demand.csv gives each flow once, in its reference year: the base year for markets that
# existed then, or the year a later market opened. The demand of every year
# (:func:`demand_years`: the reference years and :data:`FORECAST_YEARS`) is derived from
# those rows, never written by hand: a row takes part in a demand year Y at or after its
# reference year y0 with t(Y) = t(y0) × (1 + cagr_pct / 100) ^ (Y − y0), by the compound
# annual rate of its growth path (growth.csv); TEU scale alike. A derived row is marked
# estimated and its method states the factor, so 2030's demand traces to 2024's row by row.

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


#: The year the embedded atlas describes: statuses are as of this year.
ATLAS_AS_OF_YEAR = 2026


def is_available(status: str, open_year: int | None, year: int) -> bool:
    """Whether something with ``status`` and ``open_year`` exists in ``year``."""
    if status == "operating":
        return open_year is None or open_year <= year
    if status in ("under_construction", "planned"):
        return open_year is not None and open_year <= year
    return False


@dataclass(frozen=True)
class Atlas:
    """The validated tables of one atlas folder."""

    folder: Path
    sources: tuple[Source, ...]
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    crossings: tuple[Crossing, ...]
    transfers: tuple[Transfer, ...]
    tariffs: tuple[Tariff, ...]
    energy: tuple[EnergyRow, ...] = ()
    seasons: tuple[SeasonShare, ...] = ()
    contracts: tuple[Contract, ...] = ()
    storage: tuple[Storage, ...] = ()
    plants: tuple[Plant, ...] = ()
    demand: tuple[DemandRow, ...] = ()
    growth: tuple[GrowthPath, ...] = ()
    cargo_types: tuple[CargoType, ...] = ()
    services: tuple[Service, ...] = ()
    projects: tuple[Project, ...] = ()
    as_of_year: int = ATLAS_AS_OF_YEAR

    @cached_property
    def node_by_id(self) -> dict[str, Node]:
        """Nodes keyed by id."""
        return {node.node_id: node for node in self.nodes}

    @cached_property
    def link_by_id(self) -> dict[str, Link]:
        """Links keyed by id."""
        return {link.link_id: link for link in self.links}

    @cached_property
    def latest_link_open_year(self) -> int | None:
        """The latest ``open_year`` of its links (None when no link gives one)."""
        years = [link.open_year for link in self.links if link.open_year is not None]
        return max(years, default=None)

    def tariff(
        self, mode: str, country: str, cargo_type: str = DEFAULT_CARGO_TYPE
    ) -> Tariff | None:
        """The tariff row of ``cargo_type`` for ``mode`` in ``country``, else the mode's
        ``*`` row for that cargo type, else None."""
        table = self._tariff_table
        return table.get((mode, country, cargo_type)) or table.get((mode, "*", cargo_type))

    @cached_property
    def _tariff_table(self) -> dict[tuple[str, str, str], Tariff]:
        return {(t.mode, t.country, t.cargo_type): t for t in self.tariffs}

    @cached_property
    def cargo_type_by_id(self) -> dict[str, CargoType]:
        """Cargo types keyed by id. An atlas without cargo_types.csv knows one: container,
        counted in TEU, on every freight mode, without a value of time (a request for the
        generalized objective must then give one)."""
        if self.cargo_types:
            return {c.cargo_type: c for c in self.cargo_types}
        implicit = CargoType(
            cargo_type=DEFAULT_CARGO_TYPE,
            name="Container",
            unit="TEU",
            t_per_unit=IMPLICIT_CONTAINER_T_PER_TEU,
            modes=FREIGHT_MODES,
            estimated=True,
            method="implicit: the atlas has no cargo_types.csv",
        )
        return {DEFAULT_CARGO_TYPE: implicit}

    @cached_property
    def demand_years(self) -> tuple[int, ...]:
        """The years demand is given for: the reference years of demand.csv and the
        forecast years (:func:`demand_years`)."""
        return demand_years(self.demand)

    def demand_in(self, year: int | None) -> tuple[DemandRow, ...]:
        """The demand rows of ``year`` (t/year), grown from their reference years
        (:func:`demand_in_year`); () for None or a year before every row."""
        if year is None:
            return ()
        return demand_in_year(self.demand, self.growth, year)

    def countries(self) -> list[str]:
        """Countries of the nodes, sorted, without international waters."""
        return sorted({n.country for n in self.nodes} - {INTERNATIONAL_WATERS})
