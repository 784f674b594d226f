"""Route choice: path-size logit splits worked by hand, stochastic user equilibrium,
conservation, closures, shipper profiles and demand growth on the embedded atlas."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import tripp
from tests.conftest import MINI_CARGO_TYPES
from tripp.assignment.network import Demand, build_network
from tripp.assignment.spec import ChoiceSpec
from tripp.assignment.stochastic import ChoiceClass, logit_sue, stochastic_assign
from tripp.assignment.vdf import link_costs
from tripp.atlas.model import growth_factor
from tripp.atlas.reliability import load_params
from tripp.errors import InputError
from tripp.freight.corridor import CorridorAssignment
from tripp.freight.settings import FreightSettings, default_choice
from tripp.freight.shift import shift


def _two_routes(times: list[float], capacity: float = 1.0, alpha: float = 0.0) -> tuple:
    """1→2 directly (times[0]) and 1→3→2 (times[1] + times[2]); 1,000 units from 1 to 2."""
    net = build_network(
        [1, 1, 3],
        [2, 3, 2],
        free_flow_time=times,
        capacity=[capacity] * 3,
        alpha=[alpha] * 3,
        beta=[4.0] * 3,
    )
    demand = Demand(zone_nodes=net.node_index([1, 2]), trips=np.array([[0, 1000.0], [0, 0]]))
    return net, demand


def test_logit_split_of_two_disjoint_routes_by_hand() -> None:
    net, demand = _two_routes([100.0, 50.0, 60.0])  # costs 100 and 110
    result = stochastic_assign(net, demand, ChoiceSpec(theta=10, max_iter=1))
    direct, detour, _ = net.to_input_order(result.flow)
    # V = −θ C / C_min: −10 and −11; P(direct) = 1 / (1 + e^−1)
    assert direct == pytest.approx(1000 / (1 + math.exp(-1.0)))
    assert detour == pytest.approx(1000 - direct)
    assert result.n_paths == 2


def test_path_size_discounts_overlapping_routes_by_hand() -> None:
    # 1→2 direct (cost 10); 1→3 (cost 9) then 3→2 by two parallel links of cost 1 each:
    # three routes of equal cost 10; the two through 3 share 90 % of their length.
    net = build_network(
        [1, 1, 3, 3],
        [2, 3, 2, 2],
        free_flow_time=[10.0, 9.0, 1.0, 1.0],
        capacity=[1.0] * 4,
        alpha=[0.0] * 4,
        beta=[4.0] * 4,
    )
    demand = Demand(zone_nodes=net.node_index([1, 2]), trips=np.array([[0, 300.0], [0, 0]]))
    plain = stochastic_assign(net, demand, ChoiceSpec(theta=5, max_iter=1, path_size=False))
    sized = stochastic_assign(net, demand, ChoiceSpec(theta=5, max_iter=1))
    assert sized.n_paths == 3
    assert net.to_input_order(plain.flow)[0] == pytest.approx(100)  # equal costs: a third
    # PS(direct) = 1; PS(via 3) = 0.9 / 2 + 0.1 = 0.55 each: P(direct) = 1 / (1 + 2 × 0.55)
    direct = net.to_input_order(sized.flow)[0]
    assert direct == pytest.approx(300 / (1 + 2 * 0.55))


def test_congestion_reaches_the_logit_split_of_its_own_costs() -> None:
    net, demand = _two_routes([10.0, 5.0, 6.0], capacity=400.0, alpha=0.15)
    spec = ChoiceSpec(theta=10, max_iter=500, tolerance=1e-6)
    result = stochastic_assign(net, demand, spec)
    assert result.converged
    times = link_costs(net.vdf_kind, net.vdf_params, result.flow)
    direct_cost = net.to_input_order(times)[0]
    detour_cost = float(net.to_input_order(times)[1:].sum())
    best = min(direct_cost, detour_cost)
    share = 1 / (1 + math.exp(-10 * (detour_cost - direct_cost) / best))
    assert net.to_input_order(result.flow)[0] == pytest.approx(1000 * share, rel=1e-3)
    free = stochastic_assign(net, demand, ChoiceSpec(theta=10, max_iter=1))
    # congestion moves tonnes from the cheaper, busier direct link to the detour
    assert net.to_input_order(result.flow)[0] < net.to_input_order(free.flow)[0]


def test_bad_choice_parameters_are_refused_together() -> None:
    with pytest.raises(InputError) as error:
        ChoiceSpec(paths_per_od=0, theta=-1.0, penalty_factor=1.0)
    assert {p.where for p in error.value.problems} >= {"paths_per_od", "theta", "penalty_factor"}


@pytest.fixture(scope="module")
def baseline() -> CorridorAssignment:
    return tripp.assign(tripp.scenario(tripp.load_atlas(), "baseline-2025"))


def _state_balance(result: CorridorAssignment, graph: tripp.Graph) -> np.ndarray:
    flow = result.arc_flow_t_per_year
    out = np.bincount(graph.tail, weights=flow, minlength=graph.n_states)
    into = np.bincount(graph.head, weights=flow, minlength=graph.n_states)
    return np.asarray(out - into)


def test_route_choice_conserves_flow_at_every_state(baseline: CorridorAssignment) -> None:
    graph = tripp.scenario(tripp.load_atlas(), "baseline-2025").graph
    assert baseline.algorithm == "logit" and baseline.converged
    run = baseline.choice
    assert run is not None
    expected = np.zeros(graph.n_states)
    unserved = {id(od) for od in run.unserved()}
    for od in run.ods:
        if id(od) in unserved:
            continue
        expected[graph.start_state[graph.node_index(od.row.origin)]] += od.t_per_year
        expected[graph.end_state[graph.node_index(od.row.destination)]] -= od.t_per_year
    balance = _state_balance(baseline, graph)
    assert np.allclose(balance, expected, atol=1e-6 * np.abs(expected).max())
    # every OD's paths carry exactly its tonnes
    per_od = np.bincount(run.result.paths.od, weights=run.result.path_flow, minlength=len(run.ods))
    served = np.array([od.t_per_year for od in run.ods]) * (per_od > 0)
    assert np.allclose(per_od, served)


def test_a_closed_ferry_line_sends_its_flow_elsewhere(
    baseline: CorridorAssignment, tmp_path: Path
) -> None:
    busiest = max(
        (e for e in baseline.elements if e.kind == "link" and e.mode == "ferry"),
        key=lambda e: e.flow_t_per_year,
    )
    assert busiest.flow_t_per_year > 0
    file = tmp_path / "closed.toml"
    file.write_text(
        f'description = "ferry closed"\nextends = "baseline-2025"\n'
        f'close = ["link:{busiest.element_id}"]\n',
        encoding="utf-8",
    )
    closed = tripp.assign(tripp.scenario(tripp.load_atlas(), file))
    loads = {e.element_id: e.flow_t_per_year for e in closed.elements}
    assert loads.get(busiest.element_id, 0.0) == 0.0
    served_before = baseline.demand_t_per_year - sum(u["t_per_year"] for u in baseline.unserved)
    served_after = closed.demand_t_per_year - sum(u["t_per_year"] for u in closed.unserved)
    assert served_after == pytest.approx(served_before)  # it found other routes
    others = [
        e
        for e in closed.elements
        if e.kind == "link" and e.mode == "ferry" and e.element_id != busiest.element_id
    ]
    before = {e.element_id: e.flow_t_per_year for e in baseline.elements}
    assert sum(e.flow_t_per_year for e in others) > sum(before.get(e.element_id, 0) for e in others)


def test_2030_demand_traces_to_its_reference_year_by_stated_growth() -> None:
    atlas = tripp.load_atlas()
    rate = {g.growth_id: g.cagr_pct for g in atlas.growth}
    later = atlas.demand_in(2030)
    assert len(later) == len(atlas.demand)  # every row, none dropped or added by hand
    for given, grown in zip(atlas.demand, later, strict=True):
        factor = growth_factor(rate[given.growth_id], 2030 - given.year)
        assert grown.t_per_year == pytest.approx(float(given.t_per_year or 0) * factor)
        assert (grown.origin, grown.destination, grown.market) == (
            given.origin,
            given.destination,
            given.market,
        )
        assert grown.year == 2030 and (grown.estimated or given.year == 2030)
    base = min(atlas.demand_years)
    assert all(row.year <= base for row in atlas.demand_in(base))


def test_a_shipper_profile_never_crosses_an_avoided_country(tmp_path: Path) -> None:
    atlas = tripp.load_atlas()
    market = max(atlas.demand, key=lambda r: r.t_per_year or 0).market
    file = tmp_path / "avoid.toml"
    file.write_text(
        'description = "shippers avoid RU and IR"\nextends = "baseline-2025"\n'
        f'[[shipper]]\nprofile = "eu"\navoid_countries = ["RU", "IR"]\nmarkets = ["{market}"]\n',
        encoding="utf-8",
    )
    network = tripp.scenario(atlas, file)
    result = tripp.assign(network)
    run = result.choice
    assert run is not None
    graph = network.graph
    countries = np.array([atlas.node_by_id[n].country for n in graph.node_ids])
    governed = [i for i, od in enumerate(run.ods) if od.profile == "eu"]
    assert governed
    paths = run.result.paths
    for p in np.flatnonzero(np.isin(paths.od, governed)).tolist():
        arcs = paths.path(p)
        visited = countries[graph.state_node[np.r_[graph.tail[arcs], graph.head[arcs]]]]
        assert not set(visited.tolist()) & {"RU", "IR"}


def test_bad_shipper_blocks_are_reported_with_their_lines(tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(
        'description = "bad"\n[[shipper]]\nprofile = "eu"\navoid_countries = ["XX"]\n'
        'markets = ["no_such_market"]\nshare = 1.5\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        tripp.scenario(tripp.load_atlas(), file)
    text = str(error.value)
    assert "unknown country 'XX'" in text and "unknown market 'no_such_market'" in text
    assert "share 1.5 is not in [0, 1]" in text
    assert all(p.row is not None for p in error.value.problems)


def test_shift_traces_every_attracted_tonne_to_a_route_it_left() -> None:
    atlas = tripp.load_atlas()
    base, other = (tripp.scenario(atlas, name) for name in ("baseline-2025", "tripp-2030"))
    before, after = (tripp.assign(n, demand_year=2030) for n in (base, other))
    result = shift((base.graph, before), (other.graph, after), corridor="TRIPP")
    volumes = tripp.flows(other, demand_year=2030)
    tripp_total = {c.corridor: c for c in volumes.corridors}["TRIPP"]
    assert result.attracted_t_per_year == pytest.approx(tripp_total.t_per_year, rel=1e-6)
    assert result.attracted_teu_per_year == pytest.approx(tripp_total.teu_per_year, rel=1e-6)
    assert sum(result.by_market.values()) == pytest.approx(result.attracted_t_per_year)
    assert sum(result.from_routes.values()) == pytest.approx(result.attracted_t_per_year)
    assert result.transit_before.get("AM", 0.0) < result.transit_after["AM"]
    with pytest.raises(InputError, match="assign both on one demand year"):
        shift((base.graph, tripp.assign(base, demand_year=2024)), (other.graph, after))


def test_the_base_year_reproduces_the_observed_counts() -> None:
    # the shipped model is calibrated: `tripp flows check` passes on the shipped counts
    check = tripp.check_flows(tripp.scenario(tripp.load_atlas(), "baseline-2025"))
    assert check.converged and check.demand_year == 2024
    assert check.within_share >= 0.8 and check.keys_within and check.passed
    keys = {c.count.count_id for c in check.checks if c.count.key}
    assert {"caspian_crossing_2024", "btk_t_2025", "cn_eu_via_russia_teu_2024"} <= keys


def test_reliability_prices_the_spread_of_a_route_by_hand() -> None:
    net, _ = _two_routes([100.0, 50.0, 50.0])  # equal mean costs, 100 each
    variance = np.zeros(net.n_links)
    detour = net.csr.from_caller_order(np.array([0.0, 1.0, 0.0])) > 0  # the 1→3 link
    variance[detour] = 400.0  # σ 20 h on the detour
    spec = ChoiceSpec(theta=10, max_iter=1, reliability_ratio=0.5)

    choice = ChoiceClass(
        "demand",
        np.zeros(net.n_links),
        1.0,
        1.0,
        net.node_index([1]),
        net.node_index([2]),
        np.array([1000.0]),
    )
    result = logit_sue(
        net.csr.indptr,
        net.head,
        net.vdf_kind,
        net.vdf_params,
        [choice],
        spec,
        arc_variance_h2=variance,
    )
    direct = net.to_input_order(result.flow)[0]
    # detour cost 100 + 0.5 × 1 × 20 = 110: V −10 against −11
    assert direct == pytest.approx(1000 / (1 + math.exp(-1.0)))


def test_closure_and_dwell_variance_by_hand() -> None:

    atlas = tripp.load_atlas()
    params = load_params(None, atlas)
    ferry = next(i for i, link in enumerate(atlas.links) if link.mode == "ferry")
    share, hours = params.link_closed_share[ferry], params.link_closure_h[ferry]
    assert share == pytest.approx(12 * 3 / 365) and hours == 72.0  # 12 stoppages of 3 days
    expected = share * hours**2 / 3 - (share * hours / 2) ** 2
    assert params.link_delay_variance_h2()[ferry] == pytest.approx(expected)
    sigma, median = params.dwell_sigma[0], params.dwell_median_h[0]
    dwell = median**2 * math.exp(sigma**2) * (math.exp(sigma**2) - 1)
    assert params.crossing_delay_variance_h2()[0] >= dwell


def test_an_atlas_without_reliability_figures_is_told_so(
    atlas_copy: Callable[..., Path],
) -> None:
    folder = atlas_copy(cargo_types=MINI_CARGO_TYPES)
    (folder / "reliability.csv").unlink()
    base = Path(__file__).parent / "fixtures" / "scenarios" / "base.toml"
    network = tripp.scenario(tripp.load_atlas(folder), base)
    with pytest.raises(InputError, match=r"this atlas has no reliability\.csv") as error:
        tripp.assign(network, demand_year=2025)
    assert error.value.problems[0].where.endswith("reliability.csv")
    settings = FreightSettings(choice=replace(default_choice(), reliability_ratio=0.0))
    assert tripp.assign(network, demand_year=2025, settings=settings).converged
