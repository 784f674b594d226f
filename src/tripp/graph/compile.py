"""Compile an :class:`~tripp.atlas.Atlas` once into arrays that routing reuses.

Each place expands into *layers*, one per (mode, gauge, country) of the freight links that
meet it. Arcs are:

* link arcs between the layers of a link's ends (two arcs for a ``both`` link);
* transition arcs between two layers of one node, allowed only where the atlas allows the
  change: a transfers row for a change of mode or gauge (so a 1435 mm train never runs onto
  1520 mm track), a crossings row for a change of country (dwell and cost charged once per
  crossing, per direction and mode of the leg entering the new country), both where both
  change;
* hub arcs: every node has a *start* state with free arcs to its layers and an *end* state
  with free arcs from them, so any query is single-source, single-target.

Arcs are stored in CSR order (sorted by tail, built by :func:`tripp.graph.csr.build_csr`, the
layout assignment shares) with per-arc time, cost, distance, the year from which they exist,
and a crosswalk back to atlas rows. Parallel arcs between the same two states are split by a
midpoint state so no arc is lost when SciPy builds the matrix.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from tripp.atlas.bulk import paused_gc
from tripp.atlas.model import Atlas, Transfer, is_available
from tripp.graph.csr import Csr, build_csr
from tripp.graph.link_arcs import add_link_arcs, link_columns
from tripp.units import FREIGHT_MODES

if TYPE_CHECKING:
    from tripp.atlas.model import Link

NEVER = 9999  # available_from_year of things that never exist without a scenario
#: Arc kinds: a link; a change of layer (transfer and/or border crossing); a free hub,
#: connector or midpoint arc; the wait of a consignment boarding a scheduled service.
ARC_LINK, ARC_TRANSITION, ARC_HUB, ARC_WAIT = 0, 1, 2, 3
Layer = tuple[str, int, str]  # (mode, gauge_mm or 0, country)

#: Entries :meth:`Graph.memo` keeps per family and graph.
MEMO_LIMIT = 256
V = TypeVar("V")
_MEMO_LOCK = threading.Lock()

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False, repr=False)
class Graph:
    """The compiled multimodal graph of an atlas (read-only arrays)."""

    atlas: Atlas
    node_ids: tuple[str, ...]
    state_node: IntArray  # physical node index of each state
    state_layer: tuple[Layer | None, ...]  # None for hub and midpoint states
    start_state: IntArray  # per node: state to start a route from
    end_state: IntArray  # per node: state a route ends in
    csr: Csr  # the arcs sorted by tail (vertices = states)
    kind: IntArray  # ARC_LINK, ARC_TRANSITION or ARC_HUB
    link: IntArray  # atlas link index, -1 if none
    forward: npt.NDArray[np.bool_]  # link arc runs from_node→to_node
    transfer: IntArray  # atlas transfer index, -1 if none
    crossing: IntArray  # atlas crossing index, -1 if none
    mode: IntArray  # index into FREIGHT_MODES of the arc's link, -1 otherwise
    service: IntArray  # atlas service index of a wait arc, -1 otherwise
    cargo_bits: IntArray  # bit i set: cargo type cargo_ids[i] may use the arc (modes aside)
    time_h: FloatArray
    cost_usd_per_teu: FloatArray
    distance_km: FloatArray
    available_from_year: IntArray
    cargo_ids: tuple[str, ...] = ("container",)  # cargo types in the order of cargo_bits

    def __repr__(self) -> str:
        return (
            f"Graph({len(self.node_ids)} nodes, {self.n_states} states, "
            f"{self.n_arcs} arcs, atlas {self.atlas.folder})"
        )

    @property
    def n_states(self) -> int:
        """Number of states (vertices of the expanded graph)."""
        return len(self.state_node)

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return self.csr.n_arcs

    @property
    def indptr(self) -> IntArray:
        """CSR offsets: the arcs leaving state ``s`` are ``indptr[s]:indptr[s + 1]``."""
        return self.csr.indptr

    @property
    def head(self) -> IntArray:
        """State each arc enters."""
        return self.csr.head

    @property
    def tail(self) -> IntArray:
        """State each arc leaves (sorted)."""
        return self.csr.tail

    def node_index(self, node_id: str) -> int:
        """Index of ``node_id`` in :attr:`node_ids`."""
        return self._node_index[node_id]

    def memo(
        self, family: str, key: Hashable, compute: Callable[[], V], *, limit: int = MEMO_LIMIT
    ) -> V:
        """``compute()``, kept on this graph under ``(family, key)`` for later calls.

        For values derived from the graph alone that callers never modify. At most
        ``limit`` entries per family, the oldest dropped first, so that a family with many
        keys (the weights of each set of constraints) never pushes out another's (the legs
        of every arc). Thread-safe; two threads may compute the same value once each.
        """
        with _MEMO_LOCK:
            families: dict[str, OrderedDict[Hashable, Any]] = self.__dict__.setdefault("_memos", {})
            memos = families.setdefault(family, OrderedDict())
            if key in memos:
                memos.move_to_end(key)
                return cast(V, memos[key])
        value = compute()
        with _MEMO_LOCK:
            memos[key] = value
            while len(memos) > limit:
                memos.popitem(last=False)
        return value

    @property
    def _node_index(self) -> dict[str, int]:
        cache = self.__dict__.get("_node_index_cache")
        if cache is None:
            cache = {node_id: i for i, node_id in enumerate(self.node_ids)}
            object.__setattr__(self, "_node_index_cache", cache)
        return cache


def _available_from(status: str, open_year: int | None) -> int:
    for year in (0, open_year or NEVER):
        if is_available(status, open_year, year):
            return year
    return NEVER


#: The per-arc columns of the graph besides tail and head, with the value of a free hub arc.
ARC_DEFAULTS: dict[str, float] = {
    "kind": ARC_HUB,
    "link": -1,
    "forward": 1,
    "transfer": -1,
    "crossing": -1,
    "mode": -1,
    "service": -1,
    "cargo_bits": 0,  # every cargo type: set per graph by _ArcBuilder
    "time_h": 0.0,
    "cost_usd_per_teu": 0.0,
    "distance_km": 0.0,
    "available_from_year": 0,
}


class _ArcBuilder:
    """Collects arcs in the order they are made before they are sorted into CSR order.

    Each arc keeps its tail, head and a *row*: ``2 * position + (0 forward | 1 backward)``
    of a link arc, whose values come from the per-link arrays of :meth:`set_links`, or
    ``-1 - p`` for the ``p``-th distinct set of values of any other arc (few of them: most
    are free hub arcs), so that a million-link graph needs no dict per arc.
    """

    def __init__(self, all_cargo: int) -> None:
        self.all_cargo = all_cargo
        self.tail: list[int] = []  # arcs added one by one since the last block
        self.head: list[int] = []
        self.row: list[int] = []
        self._blocks: list[tuple[IntArray, IntArray, IntArray]] = []  # tail, head, row
        self._prototypes: dict[tuple[float, ...], int] = {}
        self._links: dict[str, npt.NDArray[Any]] = {}
        self._free = self.prototype()

    def prototype(self, **values: float) -> int:
        """The row of arcs with ``values`` for some columns and defaults for the rest."""
        merged = {**ARC_DEFAULTS, "cargo_bits": self.all_cargo, **values}
        key = tuple(merged[name] for name in ARC_DEFAULTS)
        return -1 - self._prototypes.setdefault(key, len(self._prototypes))

    def add(self, tail: int, head: int, **values: float) -> None:
        """An arc with ``values`` for some columns and defaults (a free hub arc) for the rest."""
        self.tail.append(tail)
        self.head.append(head)
        self.row.append(self.prototype(**values))

    def add_free(self, tail: int, head: int) -> None:
        """A free hub arc."""
        self.tail.append(tail)
        self.head.append(head)
        self.row.append(self._free)

    def add_block(self, tail: IntArray, head: IntArray, row: IntArray) -> None:
        """Many arcs at once, after those added so far."""
        self._flush()
        self._blocks.append((tail, head, row))

    def _flush(self) -> None:
        if self.tail:
            self._blocks.append(
                (
                    np.asarray(self.tail, dtype=np.int64),
                    np.asarray(self.head, dtype=np.int64),
                    np.asarray(self.row, dtype=np.int64),
                )
            )
            self.tail, self.head, self.row = [], [], []

    def arcs(self) -> tuple[IntArray, IntArray, IntArray]:
        """Tail, head and row of every arc, in the order they were added."""
        self._flush()
        if not self._blocks:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        tail, head, row = (np.concatenate(parts) for parts in zip(*self._blocks, strict=True))
        return tail, head, row

    def link_years(self, rows: IntArray) -> list[int]:
        """The year from which each link arc of ``rows`` exists."""
        return [int(year) for year in self._links["available_from_year"][rows]]

    def set_links(self, links: dict[str, npt.NDArray[Any]]) -> None:
        """The values of the link arcs: per column, ``2 * n_links`` entries (forward and
        backward arc of each link position)."""
        self._links = links

    def columns(self, row: IntArray) -> dict[str, npt.NDArray[Any]]:
        """Every column of the arcs with ``row`` (see :meth:`arcs`), in the same order."""
        of_link = row >= 0
        prototype = -1 - row[~of_link]
        table = list(zip(*self._prototypes, strict=True))  # never empty: the free arc
        out: dict[str, npt.NDArray[Any]] = {}
        for name, values in zip(ARC_DEFAULTS, table, strict=True):
            dtype = np.float64 if isinstance(ARC_DEFAULTS[name], float) else np.int64
            column = np.empty(row.shape[0], dtype=dtype)
            column[~of_link] = np.asarray(values, dtype=dtype)[prototype]
            if of_link.any():
                column[of_link] = self._links[name][row[of_link]]
            out[name] = column
        return out


@paused_gc
def compile_graph(atlas: Atlas) -> Graph:
    """Compile ``atlas`` into a :class:`Graph` (freight modes only, all years).

    >>> from tripp.atlas import load_atlas
    >>> graph = compile_graph(load_atlas())
    >>> graph.n_arcs > graph.n_states > len(graph.node_ids)
    True
    """
    node_ids = tuple(node.node_id for node in atlas.nodes)
    node_index = {node_id: i for i, node_id in enumerate(node_ids)}
    cargo_ids = tuple(atlas.cargo_type_by_id)
    all_cargo = (1 << len(cargo_ids)) - 1
    freight = [(i, link) for i, link in enumerate(atlas.links) if link.mode in FREIGHT_MODES]
    states = _States()
    arcs = _ArcBuilder(all_cargo)
    departures = _add_services(atlas, node_index, freight, cargo_ids, states, arcs)
    arcs.set_links(link_columns(atlas, freight, all_cargo, _available_from, arc_link=ARC_LINK))
    add_link_arcs(freight, node_index, departures, states, arcs, arc_hub=ARC_HUB)
    _add_transitions(atlas, node_index, states, cargo_ids, arcs)
    start = states.hubs(len(node_ids))
    end = states.hubs(len(node_ids))
    _add_hubs(atlas, node_ids, states.layers_at, start, end, arcs)
    return _to_csr(atlas, node_ids, cargo_ids, states, start, end, arcs)


class _States:
    """The states of the graph as they are made: per node, one arrival state per layer."""

    def __init__(self) -> None:
        self.node: list[int] = []
        self.layer: list[Layer | None] = []
        self.layers_at: dict[int, dict[Layer, int]] = defaultdict(dict)

    def new(self, node: int, layer: Layer | None) -> int:
        self.node.append(node)
        self.layer.append(layer)
        return len(self.node) - 1

    def hubs(self, n_nodes: int) -> IntArray:
        """A new hub state (no layer) for each of nodes ``0 .. n_nodes - 1``, in order."""
        first = len(self.node)
        self.node.extend(range(n_nodes))
        self.layer.extend([None] * n_nodes)
        return np.arange(first, first + n_nodes, dtype=np.int64)

    def layer_state(self, node: int, layer: Layer) -> int:
        """The layer's arrival state at ``node`` (made on first use)."""
        if layer not in self.layers_at[node]:
            self.layers_at[node][layer] = self.new(node, layer)
        return self.layers_at[node][layer]


def _matching_transfers(
    rows: list[tuple[int, Transfer]], a: Layer, b: Layer, cargo_ids: tuple[str, ...]
) -> dict[int, int]:
    """Per transfer row that some cargo type makes from layer ``a`` to ``b``: the cargo
    types (bits of ``cargo_ids``) for which it is the quickest row that allows them."""
    chosen: dict[int, int] = defaultdict(int)
    for bit, cargo in enumerate(cargo_ids):
        best, best_key = -1, (float("inf"), float("inf"))
        for index, row in rows:
            if cargo not in row.cargo_types:
                continue
            for src, dst, ok in ((a, b, True), (b, a, row.bidirectional)):
                fits = (
                    ok
                    and row.from_mode == src[0]
                    and row.to_mode == dst[0]
                    and (row.from_gauge_mm is None or row.from_gauge_mm == src[1])
                    and (row.to_gauge_mm is None or row.to_gauge_mm == dst[1])
                )
                key = (row.time_h, row.cost_usd_per_teu)
                if fits and key < best_key:
                    best, best_key = index, key
        if best >= 0:
            chosen[best] |= 1 << bit
    return dict(chosen)


def _add_transitions(
    atlas: Atlas,
    node_index: dict[str, int],
    states: _States,
    cargo_ids: tuple[str, ...],
    arcs: _ArcBuilder,
) -> None:
    """Arcs from each layer's state to another layer's at the same node, one per transfer
    row chosen for some cargo type (a midpoint splits a second one)."""
    transfers: dict[int, list[tuple[int, Transfer]]] = defaultdict(list)
    for i, transfer in enumerate(atlas.transfers):
        transfers[node_index[transfer.node_id]].append((i, transfer))
    crossings = _crossing_index(atlas)
    node_ids = list(node_index)
    for node, layers in list(states.layers_at.items()):
        for a, tail in layers.items():
            for b, head in layers.items():
                if a == b:
                    continue
                border: dict[str, float] = {}
                if a[2] != b[2]:
                    c = crossings.get((node_ids[node], a[2], b[2], b[0]))
                    if c is None:
                        continue
                    border = _crossing_values(atlas, c)
                options: dict[int, int] = {-1: arcs.all_cargo}
                if a[:2] != b[:2]:
                    options = _matching_transfers(transfers[node], a, b, cargo_ids)
                for n, (t, bits) in enumerate(options.items()):
                    values: dict[str, float] = {"kind": ARC_TRANSITION, "cargo_bits": bits}
                    if t >= 0:
                        row = atlas.transfers[t]
                        values.update(
                            transfer=t, time_h=row.time_h, cost_usd_per_teu=row.cost_usd_per_teu
                        )
                    if border:
                        values.update(
                            crossing=border["crossing"],
                            time_h=values.get("time_h", 0.0) + border["time_h"],
                            cost_usd_per_teu=values.get("cost_usd_per_teu", 0.0)
                            + border["cost_usd_per_teu"],
                            available_from_year=border["available_from_year"],
                        )
                    if n == 0:
                        arcs.add(tail, head, **values)
                    else:  # a second row between the same layers: through a midpoint
                        mid = states.new(node, b)
                        arcs.add(tail, mid, **values)
                        arcs.add(
                            mid, head, available_from_year=values.get("available_from_year", 0)
                        )


def _crossing_index(atlas: Atlas) -> dict[tuple[str, str, str, str], int]:
    return {
        (c.node_id, c.from_country, c.to_country, c.mode): i for i, c in enumerate(atlas.crossings)
    }


def _crossing_values(atlas: Atlas, index: int) -> dict[str, float]:
    crossing = atlas.crossings[index]
    return {
        "kind": ARC_TRANSITION,
        "crossing": index,
        "time_h": crossing.dwell_h,
        "cost_usd_per_teu": crossing.cost_usd_per_teu,
        "available_from_year": _available_from(crossing.status, crossing.open_year),
    }


def _add_hubs(
    atlas: Atlas,
    node_ids: tuple[str, ...],
    layers_at: dict[int, dict[Layer, int]],
    start: IntArray,
    end: IntArray,
    arcs: _ArcBuilder,
) -> None:
    """Free arcs from each node's start state to the state of every layer there, and from
    them to its end state: a route starts and ends in the layer it
    travels, never with a transfer. A layer of another country than the node's (a ship in
    international waters at a port) is entered or left through the port's or border's
    crossing between the two countries: the one of the layer's mode where there is one,
    else the quickest of any mode (a port's import clearance is keyed by the mode of the
    onward leg)."""
    by_pair: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(atlas.crossings):
        by_pair[(c.node_id, c.from_country, c.to_country)].append(i)

    def crossing(node_id: str, leaving: str, entering: str, mode: str) -> int | None:
        rows = by_pair.get((node_id, leaving, entering), [])
        if not rows:
            return None
        same = [i for i in rows if atlas.crossings[i].mode == mode]
        pool = same or rows
        return min(pool, key=lambda i: (atlas.crossings[i].dwell_h, i))

    starts, ends = start.tolist(), end.tolist()
    for node, layers in layers_at.items():
        node_id = node_ids[node]
        home = atlas.node_by_id[node_id].country
        for layer, state in layers.items():
            mode, _gauge, country = layer
            if country == home:
                arcs.add_free(starts[node], state)
                arcs.add_free(state, ends[node])
                continue
            leaving = crossing(node_id, home, country, mode)
            if leaving is not None:
                arcs.add(starts[node], state, **_crossing_values(atlas, leaving))
            arriving = crossing(node_id, country, home, mode)
            if arriving is not None:
                arcs.add(state, ends[node], **_crossing_values(atlas, arriving))


def _add_services(
    atlas: Atlas,
    node_index: dict[str, int],
    freight: list[tuple[int, Link]],
    cargo_ids: tuple[str, ...],
    states: _States,
    arcs: _ArcBuilder,
) -> dict[tuple[int, bool], list[int]]:
    """Give each (node, layer) that a service departs from a departure state per service
    (the service's links start there), reached from the layer's state by an ``ARC_WAIT`` arc
    carrying the service's mean wait (84 / departures_per_week h + dwell_h). Returns, per
    (link, forward), the states its arcs leave (absent: the layer's state).

    Whatever reaches such a node — starting there, by a transfer, or arriving by a link —
    boards the next departure: a service row marks where block trains are formed and
    sailings leave, so a consignment arriving by rail joins the next formed train (riding
    through would let a detour out and back skip the wait). The wait arcs carry the
    service's index, year and cargo types; a link two services cover leaves from each one's
    departure state. A port's listed sailings are its only ones: a sea or ferry link no
    service of its port covers has no departure there. On rail, links no service covers run
    untimed (the atlas has no timetable for them, so they wait for none), and so do cargo
    types that none of a link's services carry (bulk in wagonload trains beside a container
    block train), each from a free departure state of its own.
    """
    by_node_mode: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, service in enumerate(atlas.services):
        by_node_mode[(node_index[service.node_id], service.mode)].append(i)
    if not by_node_mode:
        return {}
    leaving: dict[tuple[int, Layer], list[tuple[tuple[int, bool], list[int]]]] = defaultdict(list)
    for index, link in freight:
        layer = (link.mode, link.gauge_mm or 0, link.country)
        ends = (node_index[link.from_node], node_index[link.to_node])
        directions = [(ends, True)] + ([(ends[::-1], False)] if link.direction == "both" else [])
        for (a, b), forward in directions:
            services = by_node_mode.get((a, link.mode))
            if services:
                other = atlas.nodes[b].node_id
                cover = [i for i in services if atlas.services[i].to_node in ("", other)]
                leaving[(a, layer)].append(((index, forward), cover))
    departures: dict[tuple[int, bool], list[int]] = {}
    for (node, layer), items in leaving.items():
        boarding = states.layer_state(node, layer)  # what arrives here boards from here
        untimed_rail = layer[0] == "rail"  # rail links no service covers run untimed
        departure: dict[int, int] = {}
        free: int | None = None
        unlisted: dict[int, int] = {}  # cargo bits → their free departure state
        for key, cover in items:
            tails = []
            for i in cover:
                if i not in departure:
                    departure[i] = states.new(node, layer)
                    service = atlas.services[i]
                    values: dict[str, float] = {
                        "service": i,
                        "cargo_bits": _bits(cargo_ids, service.cargo_types),
                        "available_from_year": _available_from(service.status, service.open_year),
                    }
                    arcs.add(boarding, departure[i], kind=ARC_WAIT, time_h=service.wait_h, **values)
                tails.append(departure[i])
            if not cover and untimed_rail:
                if free is None:
                    free = states.new(node, layer)
                    arcs.add(boarding, free)
                tails.append(free)
            elif untimed_rail:  # rail cargo no listed train carries runs without a timetable
                carried = 0
                for i in cover:
                    carried |= _bits(cargo_ids, atlas.services[i].cargo_types)
                others = ((1 << len(cargo_ids)) - 1) & ~carried
                if others:
                    if others not in unlisted:
                        unlisted[others] = states.new(node, layer)
                        arcs.add(boarding, unlisted[others], cargo_bits=others)
                    tails.append(unlisted[others])
            departures[key] = tails
    return departures


def _bits(cargo_ids: tuple[str, ...], cargo_types: tuple[str, ...]) -> int:
    """The cargo_bits of ``cargo_types`` (bit i: ``cargo_ids[i]``)."""
    return sum(1 << bit for bit, c in enumerate(cargo_ids) if c in cargo_types)


def _to_csr(
    atlas: Atlas,
    node_ids: tuple[str, ...],
    cargo_ids: tuple[str, ...],
    states: _States,
    start: IntArray,
    end: IntArray,
    arcs: _ArcBuilder,
) -> Graph:
    tail, head, row = arcs.arcs()
    columns = arcs.columns(row)
    state_node, state_layer = states.node, states.layer
    csr = build_csr(tail, head, n_vertices=len(state_node))

    def col(name: str, dtype: type) -> npt.NDArray[Any]:
        return np.asarray(columns[name], dtype=dtype)[csr.order]

    return Graph(
        atlas=atlas,
        node_ids=node_ids,
        state_node=np.asarray(state_node, dtype=np.int64),
        state_layer=tuple(state_layer),
        start_state=start,
        end_state=end,
        csr=csr,
        kind=col("kind", np.int64),
        link=col("link", np.int64),
        forward=col("forward", np.bool_),
        transfer=col("transfer", np.int64),
        crossing=col("crossing", np.int64),
        mode=col("mode", np.int64),
        service=col("service", np.int64),
        cargo_bits=col("cargo_bits", np.int64),
        time_h=col("time_h", np.float64),
        cost_usd_per_teu=col("cost_usd_per_teu", np.float64),
        distance_km=col("distance_km", np.float64),
        available_from_year=col("available_from_year", np.int64),
        cargo_ids=cargo_ids,
    )
