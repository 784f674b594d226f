"""A* single-pair searches return Dijkstra's cost.

On random geometric graphs (arcs no lighter than the rate times their straight length,
co-located states joined by free arcs, like a place's layers) the kernel's cost equals the
Dijkstra kernel's for every pair, and its reused work arrays come back clean. On the
embedded atlas (parallel links split by midpoints, services, borders, gauge changes), with
A* switched on for every graph size, every objective's best route costs what Dijkstra's
does between every pair of a sample of places.
"""

from __future__ import annotations

import numpy as np
import pytest

import tripp
from tripp.graph import astar
from tripp.graph.kernels import astar_path, shortest_path_trees, single_pair_path
from tripp.routing import alternatives
from tripp.routing import route as route_module
from tripp.routing.route import route


def _geometric_graph(seed: int, n_places: int = 300) -> tuple[np.ndarray, ...]:
    """Places at random positions, two states per place joined both ways by free arcs, and
    arcs between near places weighing 1–3 times their great-circle km (some one-way)."""
    rng = np.random.default_rng(seed)
    lat = np.radians(rng.uniform(38.0, 42.0, n_places))
    lon = np.radians(rng.uniform(40.0, 48.0, n_places))
    tails: list[int] = []
    heads: list[int] = []
    for place in range(n_places):
        tails += [2 * place, 2 * place + 1]
        heads += [2 * place + 1, 2 * place]
        near = np.argsort((lat - lat[place]) ** 2 + (lon - lon[place]) ** 2)[1:5]
        for other in near:
            tails.append(2 * place + int(rng.integers(2)))
            heads.append(2 * int(other) + int(rng.integers(2)))
    tail, head = np.array(tails), np.array(heads)
    state_lat, state_lon = np.repeat(lat, 2), np.repeat(lon, 2)
    position = astar.sphere_positions_km(np.degrees(state_lon), np.degrees(state_lat))
    km = np.linalg.norm(position[head] - position[tail], axis=1)
    weight = km * rng.uniform(1.0, 3.0, len(km))
    order = np.argsort(tail, kind="stable")
    indptr = np.zeros(2 * n_places + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=2 * n_places), out=indptr[1:])
    return indptr, head[order], weight[order], position


def _landmark_costs(
    indptr: np.ndarray, head: np.ndarray, weight: np.ndarray, landmarks: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Costs from and to each of ``landmarks`` by full Dijkstra trees (the oracle's)."""
    n = len(indptr) - 1
    tail = np.repeat(np.arange(n), np.diff(indptr))
    order = np.argsort(head, kind="stable")
    back = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(head, minlength=n), out=back[1:])
    start = np.array(landmarks)
    from_cost, _ = shortest_path_trees(start, indptr, head, weight)
    to_cost, _ = shortest_path_trees(start, back, tail[order], weight[order])
    return from_cost, to_cost


@pytest.mark.parametrize(("seed", "landmarks"), [(1, []), (2, []), (3, [0, 17, 301, 599])])
def test_astar_cost_equals_dijkstra_on_random_geometric_graphs(
    seed: int, landmarks: list[int]
) -> None:
    indptr, head, weight, position = _geometric_graph(seed)
    n, m = len(indptr) - 1, len(head)
    tail = np.repeat(np.arange(n), np.diff(indptr))
    km = np.linalg.norm(position[head] - position[tail], axis=1)
    moving = km > 0
    rate = float(np.min(weight[moving] / km[moving])) * (1 - 1e-9)
    if landmarks:
        from_cost, to_cost = _landmark_costs(indptr, head, weight, landmarks)
    else:
        from_cost = to_cost = np.empty((0, n))
    work = astar.work_arrays(n, m)
    rng = np.random.default_rng(seed + 100)
    for _ in range(60):
        source, target = (int(x) for x in rng.integers(0, n, 2))
        expected, _ = single_pair_path(source, target, indptr, head, weight)
        cost, arcs, _ = astar_path(
            source,
            target,
            indptr,
            head,
            weight,
            position,
            rate,
            from_cost,
            to_cost,
            to_cost[:, target],
            *work,
        )
        if not np.isfinite(expected):
            assert not np.isfinite(cost) and len(arcs) == 0
            continue
        assert cost == pytest.approx(expected, rel=1e-12)
        assert weight[arcs].sum() == pytest.approx(cost, rel=1e-12)
        assert tail[arcs[0]] == source and head[arcs[-1]] == target
        assert np.array_equal(head[arcs[:-1]], tail[arcs[1:]])  # a connected path
        assert np.isinf(work[0]).all() and (work[1] == -1).all() and (work[2] == -1).all()


def test_landmarks_reach_fewer_states_than_the_straight_line_alone() -> None:
    indptr, head, weight, position = _geometric_graph(5, n_places=600)
    n, m = len(indptr) - 1, len(head)
    tail = np.repeat(np.arange(n), np.diff(indptr))
    km = np.linalg.norm(position[head] - position[tail], axis=1)
    rate = float(np.min(weight[km > 0] / km[km > 0])) * (1 - 1e-9)
    from_cost, to_cost = _landmark_costs(indptr, head, weight, [0, 400, 800, 1199])
    none = np.empty((0, n))
    pairs = [(3, 1100), (250, 900), (1000, 40), (600, 10)]
    reached = {}
    for name, (lf, lt) in {"line": (none, none), "landmarks": (from_cost, to_cost)}.items():
        work = astar.work_arrays(n, m)
        reached[name] = 0
        for source, target in pairs:
            cost, _, count = astar_path(
                source,
                target,
                indptr,
                head,
                weight,
                position,
                rate,
                lf,
                lt,
                lt[:, target],
                *work,
            )
            expected = single_pair_path(source, target, indptr, head, weight)[0]
            assert cost == pytest.approx(expected, rel=1e-12)
            reached[name] += count
    assert reached["landmarks"] < reached["line"]


def test_a_zero_rate_is_plain_dijkstra() -> None:
    indptr, head, weight, position = _geometric_graph(7, n_places=80)
    n, m = len(indptr) - 1, len(head)
    work = astar.work_arrays(n, m)
    none = np.empty((0, n))
    expected, path = single_pair_path(0, n - 1, indptr, head, weight)
    cost, arcs, _ = astar_path(
        0, n - 1, indptr, head, weight, position, 0.0, none, none, none[:, 0], *work
    )
    assert cost == pytest.approx(expected, rel=1e-12)
    assert np.array_equal(arcs, path)  # the same ties: both pop the lower state first


@pytest.fixture(scope="module")
def atlas_graph() -> tripp.Graph:
    return tripp.compile(tripp.load_atlas())


@pytest.mark.parametrize("objective", ["time", "cost", "distance"])
def test_routes_by_astar_cost_what_dijkstra_routes_cost(
    atlas_graph: tripp.Graph, objective: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    places = [
        "Baku",
        "Kars",
        "Xi'an",
        "Istanbul",
        "Almaty",
        "Nakhchivan",
        "Aktau",
        "Poti",
        "Tehran",
        "Moscow",
    ]
    field = {"time": "time_h", "cost": "cost_usd", "distance": "distance_km"}[objective]

    def value(origin: str, destination: str) -> float:
        found = route(atlas_graph, origin, destination, objective=objective, kernel="compiled")
        return float(getattr(found.routes[0], field))

    pairs = [(o, d) for o in places for d in places if o != d]
    plain = {pair: value(*pair) for pair in pairs}
    monkeypatch.setattr(route_module, "ASTAR_ABOVE_STATES", 0)
    searched: list[int] = []

    def counted(*args: object) -> object:
        searched.append(1)
        return astar.astar_search(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(alternatives, "astar_search", counted)
    for pair in pairs:
        assert value(*pair) == pytest.approx(plain[pair], rel=1e-9), pair
    assert len(searched) == len(pairs)
