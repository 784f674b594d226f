"""Synthetic road-like networks and gravity demand for scale benchmarks (seeded, deterministic).

A network is a square grid of nodes whose coordinates are jittered, joined by two-way links
to their four neighbours, so it is strongly connected by construction. Every ``arterial_every``
-th row and column is an arterial (faster, more capacity), and a few long "corridor" links
join arterial crossings two blocks apart along the arterials (a motorway-like shortcut).
Free-flow times come from link length and a per-link speed that varies around its class's
speed; capacities vary with a random lane count. Links use BPR with alpha 0.15, beta 4.

With ``shape_nodes`` > 0 every street (both directions) is split into a chain by a
Poisson number of shape nodes of that mean, placed evenly along it, each piece keeping the
street's speed and capacity: a network as drawn from map data, whose many degree-2 nodes
change nothing about its equilibrium flows (the pieces of a street carry the same flow).

Zones are a seeded sample of grid nodes; demand follows a gravity pattern
``T_ij = P_i A_j exp(-d_ij / decay_km)`` scaled so that, spread over the links it would use,
the mean volume/capacity ratio is ``load_factor`` (so the network is congested at every size),
but no zone sends or receives more than 1.5 times the capacity of its own links (so a case with few
zones is not jammed at its zone nodes).

Units: coordinates and lengths km, speeds km/h, free-flow times minutes, capacities and
demand vehicles per hour.

    >>> case = grid_case(1000, 20, seed=1)
    >>> case.network.n_links, case.demand.trips.shape
    (1104, (20, 20))

Nothing here is measured data: these are test networks for timing, not a model of any road.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tripp.assignment import AssignmentNetwork, Demand, build_network

__all__ = ["SyntheticCase", "grid_case", "grid_side_for_links"]

LOCAL_SPEED_KPH = 40.0
ARTERIAL_SPEED_KPH = 70.0
CORRIDOR_SPEED_KPH = 100.0
LANE_CAPACITY_VEH_PER_H = 900.0
BPR_ALPHA = 0.15
BPR_BETA = 4.0
ZONE_SHARE = 1.5


@dataclass(frozen=True, eq=False)
class SyntheticCase:
    """A synthetic network, its demand, and what it was built from.

    Attributes:
        network: the compiled network (node ids ``0 .. side² − 1``, row-major).
        demand: zone-to-zone trips (vehicles per hour).
        side: nodes per grid row and column.
        seed: the seed everything random was drawn from.
        x_km, y_km: node coordinates (node id order).
        n_corridor_links: how many of the links are corridor shortcuts.
        n_shape_nodes: how many nodes only split streets into chains (ids from ``side²``).
    """

    network: AssignmentNetwork
    demand: Demand
    side: int
    seed: int
    x_km: np.ndarray
    y_km: np.ndarray
    n_corridor_links: int
    n_shape_nodes: int = 0

    @property
    def label(self) -> str:
        """Short name, e.g. ``grid159-z100-s0``."""
        return f"grid{self.side}-z{self.demand.trips.shape[0]}-s{self.seed}"


def grid_side_for_links(n_links: int) -> int:
    """Smallest grid side whose street links (``4 side (side − 1)``) number at least ``n_links``."""
    if n_links < 8:
        raise ValueError(f"n_links={n_links}: a grid needs at least 8 links (2 × 2 nodes)")
    return max(2, math.ceil((1 + math.sqrt(1 + n_links)) / 2))


def grid_case(
    n_links: int,
    n_zones: int,
    *,
    seed: int = 0,
    block_km: float = 0.5,
    arterial_every: int = 6,
    load_factor: float = 0.3,
    decay_km: float | None = None,
    shape_nodes: float = 0.0,
) -> SyntheticCase:
    """A perturbed two-way grid with about ``n_links`` links and ``n_zones`` zones.

    The street grid has ``4 side (side − 1)`` links for the smallest ``side`` that reaches
    ``n_links``, plus a few corridor links (about 1 % more). ``block_km`` is the grid
    spacing; ``decay_km`` (default: a quarter of the grid's width) the gravity distance
    decay; ``load_factor`` the mean volume/capacity ratio the demand is scaled to, unless a
    zone would then send or receive more than ``ZONE_SHARE`` of its links' capacity;
    ``shape_nodes`` the mean number of shape nodes splitting each street (drawn from a
    generator of their own, so the rest of the case is the same as without them).
    Raises ValueError when there are fewer nodes than zones or fewer than 2 zones.
    """
    side = grid_side_for_links(n_links)
    if not 2 <= n_zones <= side * side:
        raise ValueError(f"n_zones={n_zones}: need 2 .. {side * side} (nodes of a {side}² grid)")
    rng = np.random.default_rng(seed)
    row, col = np.divmod(np.arange(side * side), side)
    jitter_km = 0.3 * block_km
    x_km = col * block_km + rng.uniform(-jitter_km, jitter_km, side * side)
    y_km = row * block_km + rng.uniform(-jitter_km, jitter_km, side * side)

    tail, head, arterial = _street_links(side, arterial_every)
    c_tail, c_head = _corridor_links(side, arterial_every)
    corridor = np.concatenate([np.zeros(tail.shape[0], bool), np.ones(c_tail.shape[0], bool)])
    tail = np.concatenate([tail, c_tail])
    head = np.concatenate([head, c_head])
    arterial = np.concatenate([arterial, np.zeros(c_tail.shape[0], bool)])

    n = tail.shape[0]
    length_km = np.hypot(x_km[head] - x_km[tail], y_km[head] - y_km[tail])
    base_speed_kph = np.where(
        corridor, CORRIDOR_SPEED_KPH, np.where(arterial, ARTERIAL_SPEED_KPH, LOCAL_SPEED_KPH)
    )
    speed_kph = base_speed_kph * rng.uniform(0.8, 1.2, n)
    free_flow_min = 60.0 * length_km / speed_kph
    lanes = np.where(corridor, 3, np.where(arterial, 2, 1)) + rng.integers(0, 2, n)
    capacity_veh_per_h = LANE_CAPACITY_VEH_PER_H * lanes * rng.uniform(0.85, 1.15, n)

    chain = _Chains(tail, head, free_flow_min, capacity_veh_per_h)
    if shape_nodes > 0:
        n_streets = (n - c_tail.shape[0]) // 2  # street i and i + n_streets are one street
        pieces = 1 + np.random.default_rng([seed, 1]).poisson(shape_nodes, n_streets)
        chain = chain.split(pieces, side * side)
    network = build_network(
        chain.tail,
        chain.head,
        free_flow_time=chain.free_flow_min,
        capacity=chain.capacity_veh_per_h,
        alpha=np.full(chain.tail.shape[0], BPR_ALPHA),
        beta=np.full(chain.tail.shape[0], BPR_BETA),
        extra_node_ids=np.arange(side * side),
    )
    zones = np.sort(rng.choice(side * side, size=n_zones, replace=False))
    trips = _gravity_trips(
        rng,
        x_km[zones],
        y_km[zones],
        decay_km=decay_km if decay_km is not None else side * block_km / 4,
        target_veh_km=load_factor * float(np.sum(capacity_veh_per_h * length_km)),
        hop_km=block_km,
        row=row[zones],
        col=col[zones],
    )
    n_nodes = side * side
    out_capacity = np.bincount(tail, weights=capacity_veh_per_h, minlength=n_nodes)[zones]
    in_capacity = np.bincount(head, weights=capacity_veh_per_h, minlength=n_nodes)[zones]
    # no zone sends or receives more than ZONE_SHARE of its links' capacity (few-zone cases)
    trips *= min(
        1.0,
        float(np.min(ZONE_SHARE * out_capacity / np.maximum(trips.sum(axis=1), 1e-300))),
        float(np.min(ZONE_SHARE * in_capacity / np.maximum(trips.sum(axis=0), 1e-300))),
    )
    demand = Demand(zone_nodes=network.node_index(zones), trips=trips, source="synthetic grid")
    return SyntheticCase(
        network, demand, side, seed, x_km, y_km, int(c_tail.shape[0]), chain.n_shape_nodes
    )


@dataclass(frozen=True)
class _Chains:
    """Directed links, streets first as pairs ``i`` and ``i + n_streets`` (a→b, b→a)."""

    tail: np.ndarray
    head: np.ndarray
    free_flow_min: np.ndarray
    capacity_veh_per_h: np.ndarray
    n_shape_nodes: int = 0

    def split(self, pieces: np.ndarray, first_node: int) -> _Chains:
        """Street ``i`` (both directions) cut into ``pieces[i]`` links by new nodes
        numbered from ``first_node``; corridor links (after the streets) stay whole."""
        n_streets = pieces.shape[0]
        new_nodes = pieces - 1
        start = first_node + np.concatenate([[0], np.cumsum(new_nodes)[:-1]])
        forward, backward = np.arange(n_streets), np.arange(n_streets) + n_streets
        street = np.repeat(np.arange(n_streets), pieces)
        k = np.arange(street.shape[0]) - np.repeat(np.cumsum(pieces) - pieces, pieces)
        last = k == pieces[street] - 1
        # piece k of a→b runs from node k-1 of the chain (a when k = 0) to node k (b at the end)
        a, b = self.tail[forward][street], self.head[forward][street]
        from_node = np.where(k == 0, a, start[street] + k - 1)
        to_node = np.where(last, b, start[street] + k)
        share = 1.0 / pieces[street]
        corridor = np.arange(2 * n_streets, self.tail.shape[0])
        return _Chains(
            tail=np.concatenate([from_node, to_node, self.tail[corridor]]),
            head=np.concatenate([to_node, from_node, self.head[corridor]]),
            free_flow_min=np.concatenate(
                [
                    self.free_flow_min[forward][street] * share,
                    self.free_flow_min[backward][street] * share,
                    self.free_flow_min[corridor],
                ]
            ),
            capacity_veh_per_h=np.concatenate(
                [
                    self.capacity_veh_per_h[forward][street],
                    self.capacity_veh_per_h[backward][street],
                    self.capacity_veh_per_h[corridor],
                ]
            ),
            n_shape_nodes=int(new_nodes.sum()),
        )


def _street_links(side: int, arterial_every: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both directions of every horizontal and vertical grid edge, and whether it is arterial."""
    ids = np.arange(side * side).reshape(side, side)
    h_a, h_b = ids[:, :-1].ravel(), ids[:, 1:].ravel()  # along a row
    v_a, v_b = ids[:-1, :].ravel(), ids[1:, :].ravel()  # along a column
    h_art = np.repeat(np.arange(side) % arterial_every == 0, side - 1)
    v_art = np.tile(np.arange(side) % arterial_every == 0, side - 1)
    a = np.concatenate([h_a, v_a])
    b = np.concatenate([h_b, v_b])
    art = np.concatenate([h_art, v_art])
    return np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([art, art])


def _corridor_links(side: int, arterial_every: int) -> tuple[np.ndarray, np.ndarray]:
    """Two-way shortcuts joining consecutive arterial crossings along every other arterial."""
    lines = np.arange(0, side, 2 * arterial_every)
    stops = np.arange(0, side, arterial_every)
    if stops.shape[0] < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    r, c = np.meshgrid(lines, stops[:-1], indexing="ij")
    along_row = (r * side + c, r * side + c + arterial_every)
    along_col = (c * side + r, (c + arterial_every) * side + r)
    a = np.concatenate([along_row[0].ravel(), along_col[0].ravel()])
    b = np.concatenate([along_row[1].ravel(), along_col[1].ravel()])
    return np.concatenate([a, b]).astype(np.int64), np.concatenate([b, a]).astype(np.int64)


def _gravity_trips(
    rng: np.random.Generator,
    x_km: np.ndarray,
    y_km: np.ndarray,
    *,
    decay_km: float,
    target_veh_km: float,
    hop_km: float,
    row: np.ndarray,
    col: np.ndarray,
) -> np.ndarray:
    """Gravity trips scaled so that trips × grid (Manhattan) distance = ``target_veh_km``."""
    n = x_km.shape[0]
    production = np.asarray(rng.lognormal(0.0, 0.5, n))
    attraction = np.asarray(rng.lognormal(0.0, 0.5, n))
    distance_km = np.hypot(x_km[:, None] - x_km[None, :], y_km[:, None] - y_km[None, :])
    trips = production[:, None] * attraction[None, :] * np.exp(-distance_km / decay_km)
    np.fill_diagonal(trips, 0.0)
    grid_km = hop_km * (np.abs(row[:, None] - row[None, :]) + np.abs(col[:, None] - col[None, :]))
    return trips * (target_veh_km / float(np.sum(trips * grid_km)))
