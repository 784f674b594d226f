"""Frozen row types of the atlas tables and the :class:`Atlas` that holds them.

Field names and units are those of :mod:`tripp.atlas.schema`; rows are created by the
reader only after every check has passed, so the rest of tripp trusts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tripp.units import INTERNATIONAL_WATERS


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


@dataclass(frozen=True, slots=True)
class Tariff(Provenance):
    """Line-haul cost of a mode in a country (``*``: any country without its own row)."""

    mode: str = ""
    country: str = ""
    cost_usd_per_teu_km: float = 0.0
    cost_usd_per_t_km: float | None = None
    price_year: int = 0


@dataclass(frozen=True, slots=True)
class EnergyRow(Provenance):
    """Supply, demand, swap or storage of an energy carrier at a node."""

    node_id: str = ""
    carrier: str = ""
    role: str = ""
    value: float = 0.0
    unit: str = ""
    year: int = 0


@dataclass(frozen=True, slots=True)
class DemandRow(Provenance):
    """A freight flow between two places."""

    origin: str = ""
    destination: str = ""
    commodity: str = ""
    year: int = 0
    t_per_year: float | None = None
    teu_per_year: float | None = None


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
    demand: tuple[DemandRow, ...] = ()
    as_of_year: int = ATLAS_AS_OF_YEAR

    @cached_property
    def node_by_id(self) -> dict[str, Node]:
        """Nodes keyed by id."""
        return {node.node_id: node for node in self.nodes}

    @cached_property
    def link_by_id(self) -> dict[str, Link]:
        """Links keyed by id."""
        return {link.link_id: link for link in self.links}

    def tariff(self, mode: str, country: str) -> Tariff | None:
        """The tariff row for ``mode`` in ``country``, else the mode's ``*`` row, else None."""
        table = self._tariff_table
        return table.get((mode, country)) or table.get((mode, "*"))

    @cached_property
    def _tariff_table(self) -> dict[tuple[str, str], Tariff]:
        return {(t.mode, t.country): t for t in self.tariffs}

    def countries(self) -> list[str]:
        """Countries of the nodes, sorted, without international waters."""
        return sorted({n.country for n in self.nodes} - {INTERNATIONAL_WATERS})
