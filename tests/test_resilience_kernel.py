"""The sweep kernel against tripp.route and hand-worked answers on the mini atlas."""

from __future__ import annotations

import numpy as np
import pytest

import tripp
from tripp.errors import InputError, NoRouteError
from tripp.resilience.kernel import ODPair, build_kernel, od_pairs
from tripp.scenarios.exposure import demand_year_for
from tripp.scenarios.network import scenario_network


@pytest.mark.parametrize("objective", ["time", "cost", "generalized"])
@pytest.mark.parametrize("scenario", ["baseline-2025", "tripp-2030"])
def test_undisturbed_solve_agrees_with_route(scenario: str, objective: str) -> None:
    network = scenario_network(tripp.load_atlas(), scenario)
    year = network.year
    ods = od_pairs(network.atlas, demand_year_for(network.atlas, year))
    settings = tripp.RouteSettings(vot_usd_per_teu_h=1.0)  # the atlas gives none yet
    solution = build_kernel(
        network.graph, ods, year=year, objective=objective, settings=settings
    ).solve()
    for i, od in enumerate(ods):
        try:
            best = tripp.route(
                network.graph,
                od.origin,
                od.destination,
                year=year,
                objective=objective,
                settings=settings,
            ).routes[0]
        except NoRouteError:
            assert np.isnan(solution.objective[i])
            continue
        assert solution.time_h[i] == pytest.approx(best.time_h, abs=1e-9)
        assert solution.cost_usd_per_teu[i] == pytest.approx(best.cost_usd, abs=1e-6)


def test_mini_by_hand(mini_graph: tripp.Graph) -> None:
    # a→c by rail: 2 h + 3 h border at b + 1 h; USD 100 + 100 + 50.
    # a→e by road through Iran: 1 h + 5 h + 2 h + 5 h; USD 10 + 600 + 20 + 600.
    ods = (ODPair("a", "c", 500.0, ("containers",)), ODPair("a", "e", 1000.0, ("containers",)))
    kernel = build_kernel(mini_graph, ods, year=2026, objective="time")
    solution = kernel.solve()
    np.testing.assert_allclose(solution.time_h, [6.0, 13.0])
    np.testing.assert_allclose(solution.cost_usd_per_teu, [250.0, 1230.0])
    closed = np.isin(
        mini_graph.link, [i for i, lk in enumerate(mini_graph.atlas.links) if lk.link_id == "road1"]
    )
    cut = kernel.solve(closed=closed)
    assert cut.routed.tolist() == [True, False]


def test_od_pairs_sum_commodities(mini_atlas: tripp.Atlas) -> None:
    pairs = od_pairs(mini_atlas, 2025)
    assert [(p.origin, p.destination, p.t_per_year) for p in pairs] == [
        ("a", "e", 1000.0),
        ("a", "c", 500.0),
        ("e", "a", 200.0),
    ]


def test_distance_is_not_a_sweep_objective(mini_graph: tripp.Graph) -> None:
    with pytest.raises(InputError, match="use time, cost or generalized"):
        build_kernel(mini_graph, (), year=2026, objective="distance")
