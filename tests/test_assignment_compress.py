"""The compressed search graph: which links it merges and drops, and that searching it gives
the flows of searching every link (all-or-nothing to 1e-12 at costs without ties; bfw and
gp equilibria to their gap), with flow conserved at every node."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from tripp.assignment import AssignmentNetwork, AssignmentSpec, Demand, assign, build_network
from tripp.assignment.compress import compress
from tripp.assignment.context import SolveContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
try:
    import synthetic
finally:
    sys.path.pop(0)


def _network(links: list[tuple[int, int]], n_nodes: int) -> AssignmentNetwork:
    tail, head = (np.array(side) for side in zip(*links, strict=True))
    n = len(links)
    return build_network(
        tail,
        head,
        free_flow_time=np.arange(1.0, n + 1.0),
        capacity=np.full(n, 100.0),
        alpha=np.full(n, 0.15),
        beta=np.full(n, 4.0),
        extra_node_ids=np.arange(n_nodes),
    )


def _search_links(
    links: list[tuple[int, int]], zones: list[int], n_nodes: int
) -> tuple[list[tuple[int, ...]], set[tuple[int, int]]]:
    """The node sequence of each search link (sorted), and the links dropped."""
    net = _network(links, n_nodes)
    keep = np.zeros(n_nodes, dtype=np.bool_)
    keep[zones] = True
    graph = compress(net.csr.indptr, net.tail, net.head, keep, np.zeros(n_nodes, np.bool_))
    found = []
    for c in range(graph.n_links):
        members = graph.members[graph.members_ptr[c] : graph.members_ptr[c + 1]]
        assert np.all(graph.link_of[members] == c)
        nodes = [int(net.tail[members[0]])] + [int(net.head[m]) for m in members]
        ends = graph.nodes[[graph.csr.tail[c], graph.csr.head[c]]]
        assert nodes[0] == ends[0] and nodes[-1] == ends[1]
        found.append(tuple(nodes))
    dropped = {(int(net.tail[a]), int(net.head[a])) for a in np.flatnonzero(graph.link_of < 0)}
    # the search nodes: the zones and the ends of search links, nothing else
    assert set(graph.nodes.tolist()) == set(zones) | {n for f in found for n in (f[0], f[-1])}
    assert np.array_equal(graph.search_node[graph.nodes], np.arange(graph.n_nodes))
    return sorted(found), dropped


def test_two_way_and_one_way_chains_merge_and_dead_ends_go() -> None:
    # zones 0 and 4; 0 = 1 = 2 = 3 = 4 two-way road through shape nodes 1..3, a one-way
    # bypass 0 → 5 → 6 → 4, a cul-de-sac tree hanging off 2 (2 = 7 = 8, 7 = 9) and a
    # one-way spur 3 → 10 that leads nowhere
    road = [(0, 1), (1, 2), (2, 3), (3, 4)]
    links = road + [(b, a) for a, b in road]
    links += [(0, 5), (5, 6), (6, 4)]
    links += [(2, 7), (7, 2), (7, 8), (8, 7), (7, 9), (9, 7), (3, 10)]
    found, dropped = _search_links(links, zones=[0, 4], n_nodes=11)
    # 2 keeps links to 1 and 3 only once its cul-de-sac tree is gone: a chain node again
    assert found == [(0, 1, 2, 3, 4), (0, 5, 6, 4), (4, 3, 2, 1, 0)]
    assert dropped == {(2, 7), (7, 2), (7, 8), (8, 7), (7, 9), (9, 7), (3, 10)}


def test_zones_junctions_and_parallel_links_stay_nodes() -> None:
    # 0 → 1 → 2 with 1 a zone; 2 → 3 twice (parallel) then 3 → 4; 4 joins three roads
    links = [(0, 1), (1, 2), (2, 3), (2, 3), (3, 4), (4, 5), (4, 6), (5, 0), (6, 0)]
    found, dropped = _search_links(links, zones=[0, 1], n_nodes=7)
    # 1 is a zone, 2 has one link in and two out, 3 two in (parallel) and one out, 4 one in
    # and two out: only 5 and 6 are chain nodes
    assert found == [(0, 1), (1, 2), (2, 3), (2, 3), (3, 4), (4, 5, 0), (4, 6, 0)]
    assert not dropped


@pytest.fixture(scope="module")
def city() -> synthetic.SyntheticCase:
    return synthetic.grid_case(1500, 60, seed=5, shape_nodes=3.0)


def test_a_map_like_network_compresses(city: synthetic.SyntheticCase) -> None:
    ctx = SolveContext(city.network, city.demand)
    assert ctx.compressed
    assert ctx.search.n_links < 0.4 * city.network.n_links
    assert SolveContext(city.network, city.demand, compress_graph=False).search.n_links == (
        city.network.n_links
    )


def test_all_or_nothing_on_the_search_graph_matches_every_link(
    city: synthetic.SyntheticCase,
) -> None:
    full = SolveContext(city.network, city.demand, compress_graph=False)
    small = SolveContext(city.network, city.demand)
    rng = np.random.default_rng(11)
    for _ in range(3):
        cost = full.costs(rng.uniform(0, 3000, city.network.n_links))
        flows_full, flows_small = np.zeros(city.network.n_links), np.ones(city.network.n_links)
        sptt_full = full.all_or_nothing(cost, flows_full)
        assert small.all_or_nothing(cost, flows_small) == pytest.approx(sptt_full, rel=1e-12)
        assert np.abs(flows_small - flows_full).max() <= 1e-12 * flows_full.max()
        assert small.sptt(cost) == pytest.approx(sptt_full, rel=1e-12)


def _conserved(case: synthetic.SyntheticCase, flow: np.ndarray) -> None:
    net = case.network
    tail = net.to_input_order(net.tail)
    head = net.to_input_order(net.head)
    balance = np.bincount(head, flow, net.n_nodes) - np.bincount(tail, flow, net.n_nodes)
    demand = np.zeros(net.n_nodes)
    np.add.at(demand, case.demand.zone_nodes, case.demand.trips.sum(axis=0))
    np.add.at(demand, case.demand.zone_nodes, -case.demand.trips.sum(axis=1))
    assert np.abs(balance - demand).max() <= 1e-9 * case.demand.trips.sum()


def test_bfw_takes_the_same_steps_with_and_without_compression(
    city: synthetic.SyntheticCase,
) -> None:
    spec = {"target_gap": 1e-12, "max_iterations": 60}
    runs = [
        assign(city.network, city.demand, AssignmentSpec("bfw", compress_graph=c, **spec))
        for c in (True, False)
    ]
    steps = [[record.step_size for record in run.history[:-1]] for run in runs]
    assert steps[0] == pytest.approx(steps[1], rel=1e-6)
    assert np.abs(runs[0].flow - runs[1].flow).max() <= 1e-7 * np.abs(runs[1].flow).max()
    _conserved(city, np.asarray(runs[0].flow))


def test_gp_reaches_the_same_equilibrium_with_and_without_compression(
    city: synthetic.SyntheticCase,
) -> None:
    runs = [
        assign(city.network, city.demand, AssignmentSpec("gp", 1e-9, compress_graph=c))
        for c in (True, False)
    ]
    for run in runs:
        assert run.converged
        _conserved(city, np.asarray(run.flow))
    assert runs[0].tstt == pytest.approx(runs[1].tstt, rel=1e-8)
    flow_error = np.abs(runs[0].flow - runs[1].flow).sum() / np.abs(runs[1].flow).sum()
    assert flow_error < 1e-5


def test_splitting_streets_into_chains_changes_no_equilibrium() -> None:
    plain = synthetic.grid_case(1500, 60, seed=5)
    runs = [
        assign(case.network, case.demand, AssignmentSpec("gp", 1e-9))
        for case in (plain, synthetic.grid_case(1500, 60, seed=5, shape_nodes=3.0))
    ]
    assert runs[1].tstt == pytest.approx(runs[0].tstt, rel=1e-8)


def test_a_zone_on_a_chain_gets_its_demand() -> None:
    # 0 = 1 = 2 = 3 two-way road; zones 0 and 2 (a zone in the middle of a chain)
    road = [(0, 1), (1, 2), (2, 3)]
    net = _network(road + [(b, a) for a, b in road], 4)
    trips = np.array([[0.0, 30.0], [0.0, 0.0]])
    result = assign(net, Demand(net.node_index([0, 2]), trips), AssignmentSpec("gp", 1e-10))
    ends = zip(result.init_node.tolist(), result.term_node.tolist(), strict=True)
    flows = dict(zip(ends, result.flow, strict=True))
    assert flows[(0, 1)] == pytest.approx(30.0) and flows[(1, 2)] == pytest.approx(30.0)
    assert flows[(2, 3)] == 0.0 and flows[(1, 0)] == 0.0


def test_search_nodes_are_numbered_for_locality() -> None:
    grid = synthetic.grid_case(4000, 30, seed=2, shape_nodes=1.0)
    net = grid.network
    shuffled = np.random.default_rng(0).permutation(net.n_nodes)
    keep = np.zeros(net.n_nodes, dtype=np.bool_)
    keep[shuffled[grid.demand.zone_nodes]] = True
    tail, head = shuffled[net.tail], shuffled[net.head]
    order = np.argsort(tail, kind="stable")
    offsets = np.searchsorted(tail[order], np.arange(net.n_nodes + 1))
    graph = compress(offsets, tail[order], head[order], keep, np.zeros(net.n_nodes, np.bool_))
    # from shuffled ids, a link's ends end up at most as far apart as in the grid's own
    # row-major numbering (a corridor link, 6 rows), where the shuffle had them anywhere
    bandwidth = np.abs(graph.csr.tail - graph.csr.head).max()
    unshuffled = np.argsort(shuffled)[graph.nodes]  # the grid id of each search node
    row_major = np.abs(unshuffled[graph.csr.tail] - unshuffled[graph.csr.head]).max()
    assert graph.n_nodes <= grid.side**2  # the shape nodes (and corners) are gone
    assert bandwidth <= row_major <= 6 * grid.side < 0.2 * np.abs(tail - head).max()
