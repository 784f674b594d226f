"""Ranked distinct routes: Yen's k-shortest-paths algorithm over physical links.

A deviation ("spur") must leave by another physical link, not merely another transfer;
no two routes have the same link sequence. An accepted route differs from every better
one by a rule a user can read: it runs in another corridor (another set of countries, or
other border crossings or voyages, :mod:`tripp.routing.corridors`: parallel crossings of one
border count as one), or at least ``min_difference`` of its length is on links the better
one does not use. The spur step (:func:`spur_candidates`), a shortest-path search per deviation
point, runs in pure Python or in the Numba kernel :func:`tripp.graph.yen.spur_paths`, as the
caller's ``kernel`` says (:class:`tripp.graph.paths.Kernel`; ``auto`` by graph size); both
give the same candidates in the same order, so the same routes.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from tripp.graph.astar import LowerBound, astar_search
from tripp.graph.compile import ARC_LINK, Graph, IntArray
from tripp.graph.paths import Kernel, Path, choose_kernel, shortest_path

#: Yen's routes looked at per route asked for, at most, before giving fewer routes.
MAX_TRIES_PER_ROUTE = 10

#: A path's physical links, and how many of them come before each of its positions.
LinkSequence = tuple[tuple[int, ...], list[int]]


@dataclass(frozen=True)
class SearchGraph:
    """The graph one query searches: CSR arrays, arc weights and the source and target."""

    indptr: IntArray
    head: IntArray
    arc_ref: IntArray  # index of the graph arc, -1 for a via connector
    weight: np.ndarray
    source: int
    target: int
    n_base: int  # states per copy
    #: A* bound for the first search (large graphs without via points), else None.
    lower_bound: LowerBound | None = None

    def shortest(
        self, weight: np.ndarray, source: int, *, kernel: Kernel | str = Kernel.AUTO
    ) -> Path | None:
        """Cheapest arc sequence from ``source`` to the target under ``weight`` (or None):
        by A* where the graph has a lower bound and the compiled kernel runs, else by
        Dijkstra (:func:`tripp.graph.paths.shortest_path`)."""
        compiled = choose_kernel(kernel, len(self.indptr) - 1) is Kernel.COMPILED
        if self.lower_bound is not None and compiled:
            return astar_search(
                self.indptr, self.head, weight, source, self.target, self.lower_bound
            )
        return shortest_path(self.indptr, self.head, weight, source, self.target, kernel=kernel)


@dataclass(frozen=True)
class _Places:
    """Per arc of a search graph: its physical link (-1 for none), tail state, and the
    places (node per graph copy) it leaves and enters; as lists, the link and the length
    (km) of each arc, for the per-route loops."""

    link_of: IntArray
    tails: IntArray
    state_place: IntArray
    head_place: IntArray
    n_places: int
    link_list: list[int]
    km_list: list[float]

    @classmethod
    def of(cls, graph: Graph, search: SearchGraph) -> _Places:
        """The places of ``search``; kept on the graph when it is the graph itself."""
        if len(search.indptr) - 1 == graph.n_states:  # no via points: the compiled graph
            return graph.memo("places", None, lambda: cls._build(graph, search))
        return cls._build(graph, search)

    @classmethod
    def _build(cls, graph: Graph, search: SearchGraph) -> _Places:
        ref = np.maximum(search.arc_ref, 0)
        is_link = (search.arc_ref >= 0) & (graph.kind[ref] == ARC_LINK)
        link_of = np.where(is_link, graph.link[ref], -1)
        tails = np.repeat(np.arange(len(search.indptr) - 1), np.diff(search.indptr))
        n_nodes = len(graph.node_ids)
        state_place = graph.state_node[tails % search.n_base] + (tails // search.n_base) * n_nodes
        head_place = (
            graph.state_node[search.head % search.n_base] + (search.head // search.n_base) * n_nodes
        )
        n_places = int(max(state_place.max(initial=0), head_place.max(initial=0))) + 1
        km = np.where(search.arc_ref >= 0, graph.distance_km[ref], 0.0)
        return cls(link_of, tails, state_place, head_place, n_places, link_of.tolist(), km.tolist())

    def link_ids(self, path: list[int] | IntArray) -> tuple[int, ...]:
        """The path's physical links, in order."""
        links = self.link_of[path]
        return tuple(links[links >= 0].tolist())

    def links(self, path: list[int]) -> LinkSequence:
        """The path's physical links, and how many of them come before each position."""
        is_link = self.link_of[path] >= 0
        return self.link_ids(path), [0, *np.cumsum(is_link).tolist()]

    def difference(self, path: list[int], other_links: set[int]) -> float:
        """Share of ``path``'s length (km) on links outside ``other_links``."""
        total = unshared = 0.0
        for arc in path:
            km = self.km_list[arc]
            total += km
            if self.link_list[arc] >= 0 and self.link_list[arc] not in other_links:
                unshared += km
        return unshared / total if total > 0 else 0.0


def prepare_places(graph: Graph, search: SearchGraph) -> None:
    """Make and keep the places of ``search`` now, if it is the compiled graph itself."""
    _Places.of(graph, search)


def k_shortest(
    graph: Graph,
    search: SearchGraph,
    k: int,
    min_difference: float,
    *,
    kernel: Kernel | str = Kernel.AUTO,
    corridor: Callable[[list[int]], Hashable] | None = None,
) -> list[list[int]]:
    """Up to ``k`` routes (arc lists, best first) that differ enough from each other, every
    search run by ``kernel`` (chosen once for the whole query).

    A candidate is accepted when, against every better accepted route, ``corridor`` (the
    corridor of an arc list; None: every route in one corridor) differs or at least
    ``min_difference`` of its length is on links of its own."""
    chosen = choose_kernel(kernel, len(search.indptr) - 1)
    first = search.shortest(search.weight, search.source, kernel=chosen)
    if first is None:
        return []
    if k == 1:
        return [first[1]]
    places = _Places.of(graph, search)
    yen: list[list[int]] = [first[1]]
    yen_links = [places.links(first[1])]
    distinct = DistinctRoutes(places, min_difference, corridor)
    distinct.offer(first[1])
    candidates: list[tuple[float, int, list[int] | IntArray]] = []
    seen = {yen_links[0][0]}
    counter = 0
    while len(distinct.accepted) < k and len(yen) <= MAX_TRIES_PER_ROUTE * k:
        for path in spur_candidates(places, search, yen, yen_links, kernel=chosen):
            path_links = places.link_ids(path)
            if path_links in seen:
                continue
            seen.add(path_links)
            counter += 1
            cost = float(search.weight[path].sum())
            heapq.heappush(candidates, (cost, counter, path))
        if not candidates:
            break
        _, _, popped = heapq.heappop(candidates)
        best = popped.tolist() if isinstance(popped, np.ndarray) else popped
        yen.append(best)
        yen_links.append(places.links(best))
        distinct.offer(best)
    return distinct.accepted


class DistinctRoutes:
    """Routes (arc lists of a search graph), best first, each differing from every better
    one by the rule a user can read: another corridor (``corridor`` of an arc list; None:
    every route in one corridor), or at least ``min_difference`` of its length on links of
    its own."""

    def __init__(
        self,
        places: _Places,
        min_difference: float,
        corridor: Callable[[list[int]], Hashable] | None = None,
    ) -> None:
        self._places = places
        self._min_difference = min_difference
        self._corridor = corridor or (lambda arcs: None)
        self.accepted: list[list[int]] = []
        self._links: list[set[int]] = []
        self._corridors: list[Hashable] = []

    @classmethod
    def on(
        cls,
        graph: Graph,
        search: SearchGraph,
        min_difference: float,
        corridor: Callable[[list[int]], Hashable] | None = None,
    ) -> DistinctRoutes:
        """The rule on ``search`` (a search graph of ``graph``)."""
        return cls(_Places.of(graph, search), min_difference, corridor)

    def offer(self, path: list[int]) -> bool:
        """Accept ``path`` (worse than every route accepted so far) if it differs from each
        of them; whether it was accepted."""
        way = self._corridor(path)
        if not all(
            way != other_way or self._places.difference(path, other) >= self._min_difference
            for other, other_way in zip(self._links, self._corridors, strict=True)
        ):
            return False
        self.accepted.append(path)
        self._links.append(set(self._places.link_ids(path)))
        self._corridors.append(way)
        return True


def spur_positions(places: _Places, last: list[int]) -> list[int]:
    """Where a route may deviate: at the start and on arrival at each place (before the
    transitions there), never after its last link."""
    links_at = [i for i, a in enumerate(last) if places.link_list[a] >= 0]
    return [0] + [j + 1 for j in links_at[:-1]]


def spur_candidates(
    places: _Places,
    search: SearchGraph,
    yen: list[list[int]],
    yen_links: list[LinkSequence],
    *,
    kernel: Kernel | str = Kernel.AUTO,
) -> Sequence[list[int] | IntArray]:
    """Loop-free deviations of the last route in ``yen``, in order of deviation point: the
    spur step, run by ``kernel`` (the compiled one gives arrays, most of which are only
    indexed with, never become routes)."""
    if choose_kernel(kernel, len(search.indptr) - 1) is Kernel.COMPILED:
        return _spurs_compiled(places, search, yen, yen_links)
    return _spurs_python(places, search, yen, yen_links)


def _spurs_python(
    places: _Places, search: SearchGraph, yen: list[list[int]], yen_links: list[LinkSequence]
) -> list[list[int]]:
    """The spur step in pure Python."""
    last = yen[-1]
    last_links, last_before = yen_links[-1]
    found = []
    for i in spur_positions(places, last):
        root = last[:i]
        root_links = last_links[: last_before[i]]
        weight = search.weight.copy()
        spur_place = places.state_place[last[i]]
        at_spur = places.state_place == spur_place
        # the next link of every earlier route with this root is closed at the spur place
        for path, (links, before) in zip(yen, yen_links, strict=True):
            in_root = before[min(i, len(path))]
            if in_root < len(links) and links[:in_root] == root_links:
                weight[(places.link_of == links[in_root]) & at_spur] = np.inf
        # and the root's places cannot be entered again
        root_places = set(places.state_place[root].tolist()) - {spur_place}
        if root_places:
            in_root_place = np.zeros(places.n_places, dtype=bool)
            in_root_place[list(root_places)] = True
            weight[in_root_place[places.head_place]] = np.inf
        spur = search.shortest(weight, int(places.tails[last[i]]), kernel=Kernel.PYTHON)
        if spur is None:
            continue
        path = root + spur[1]
        if not _has_loop(places.state_place[path]):
            found.append(path)
    return found


def _spurs_compiled(
    places: _Places, search: SearchGraph, yen: list[list[int]], yen_links: list[LinkSequence]
) -> list[IntArray]:
    """What :func:`_spurs_python` returns, computed by the Numba kernel, as arrays."""
    from tripp.graph.yen import spur_paths

    def flat(rows: list[list[int]] | list[tuple[int, ...]]) -> tuple[IntArray, IntArray]:
        lengths = [len(row) for row in rows]
        values = np.array(list(itertools.chain.from_iterable(rows)), dtype=np.int64)
        return values, np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)

    link_values, link_ptr = flat([links for links, _ in yen_links])
    before_values, before_ptr = flat([before for _, before in yen_links])
    last = yen[-1]
    values, ptr = spur_paths(
        np.asarray(last, dtype=np.int64),
        np.asarray(spur_positions(places, last), dtype=np.int64),
        link_values,
        link_ptr,
        before_values,
        before_ptr,
        places.link_of,
        places.state_place,
        places.head_place,
        places.tails,
        places.n_places,
        search.indptr,
        search.head,
        np.ascontiguousarray(search.weight, dtype=np.float64),
        search.target,
    )
    return [values[a:b] for a, b in itertools.pairwise(ptr.tolist())]


def _has_loop(places: np.ndarray) -> bool:
    """True when a route leaves a place and comes back to it later."""
    runs = places[np.concatenate(([True], places[1:] != places[:-1]))]
    return len(np.unique(runs)) < len(runs)
