"""Corridor freight assignment on the mini atlas, with an equilibrium worked out by hand.

With road1 (a–x) limited to 600 t/year, the 1,000 t/year from a to e split in 2030 between
the road (13 h free-flow, plus 5 h × 0.15 × (v/600)^4 on road1) and the rail (18 h): both
are used when 13 + 0.75 (v/600)^4 = 18, i.e. v = 600 × (20/3)^(1/4) = 964.1 t/year on the
road and 35.9 t/year on the rail. The 200 t/year from e to a stay on the road (13.01 h).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyogrio
import pytest
from typer.testing import CliRunner

import tripp
from tripp.assignment.vdf_kind import VdfKind
from tripp.cli.main import app
from tripp.freight.corridor import assign_corridor, corridor_network
from tripp.freight.settings import FreightSettings
from tripp.scenarios import Scenario, apply_scenario

ROAD_ON_EQUILIBRIUM = 600 * (20 / 3) ** 0.25
SCENARIOS = Path(__file__).parent / "fixtures" / "scenarios"


@pytest.fixture
def congested(atlas_copy: Callable[..., Path]) -> Path:
    return atlas_copy(
        links={
            "road1,a,x,both,road,IR,300,60,,,,": "road1,a,x,both,road,IR,300,60,,600,t_per_year,"
        }
    )


def test_equilibrium_split_by_hand(congested: Path) -> None:
    graph = tripp.compile(tripp.load_atlas(congested))
    result = assign_corridor(
        graph, scenario="mini", year=2030, demand_year=2025, gap=1e-8, algorithm="gp"
    )
    loads = {e.element_id: e for e in result.elements}
    assert result.converged and result.relative_gap <= 1e-8
    assert loads["road1"].flow_t_per_year == pytest.approx(ROAD_ON_EQUILIBRIUM + 200, rel=1e-4)
    assert loads["road1"].v_c == pytest.approx(ROAD_ON_EQUILIBRIUM / 600, rel=1e-4)
    assert loads["road1"].delay_h == pytest.approx(5.0, rel=1e-3)  # equalises 13 h and 18 h
    assert loads["r4"].flow_t_per_year == pytest.approx(1000 - ROAD_ON_EQUILIBRIUM, rel=1e-3)
    assert result.bottlenecks(1)[0].element_id == "road1"
    served = sum(
        f
        for f in result.arc_flow_t_per_year[graph.start_state[graph.node_index("a")] == graph.tail]
    )
    assert served == pytest.approx(1500)  # conservation: all of a's demand leaves a


def test_unserved_demand_is_reported_not_dropped(congested: Path) -> None:
    atlas = tripp.load_atlas(congested)
    no_iran = apply_scenario(atlas, Scenario("no-iran", "Iran closed", 2026, close=("country:IR",)))
    result = assign_corridor(
        tripp.compile(no_iran),
        scenario="no-iran",
        year=2026,
        demand_year=2025,
        settings=FreightSettings(),
    )
    # 2026 without Iran: the d–e rail is not open yet, so a↔e has no route at all
    assert {(u["origin"], u["destination"], u["t_per_year"]) for u in result.unserved} == {
        ("a", "e", 1000),
        ("e", "a", 200),
    }
    assert result.summary()["unserved_t_per_year"] == 1200
    assert result.demand_t_per_year == 1700
    assert {e.element_id: e.flow_t_per_year for e in result.elements}["r1"] == 500


def test_capacity_units_convert_explicitly() -> None:
    settings = FreightSettings(t_per_teu=12.0)
    assert settings.t_per_year(1000, "teu_per_year") == 12_000
    assert settings.t_per_year(10, "vehicles_per_day") == 10 * 20 * 365
    assert settings.t_per_year(1, "mcm_per_year") is None
    with pytest.raises(tripp.InputError, match="t_per_teu: 0 must be positive"):
        FreightSettings(t_per_teu=0)


def test_cli_assign_scenario_and_bottlenecks(congested: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "flows"
    result = runner.invoke(
        app,
        [
            "bottlenecks",
            str(SCENARIOS / "no-iran.toml"),
            "--atlas",
            str(congested),
            "--format",
            "json",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["year"] == 2030 and data["demand_year"] == 2030  # 2025 rows grown flat
    assert data["converged"] and data["unserved_t_per_year"] == 0
    layer = pyogrio.read_dataframe(out / "links.gpkg", layer="links")
    assert len(layer) == 6 and layer.set_index("link_id").loc["r4", "flow_t_per_year"] == 1200
    again = runner.invoke(
        app,
        [
            "bottlenecks",
            str(SCENARIOS / "no-iran.toml"),
            "--atlas",
            str(congested),
            "--out",
            str(out),
        ],
    )
    assert again.exit_code == 2 and "already exists" in again.stderr
    bad = runner.invoke(
        app,
        [
            "bottlenecks",
            str(SCENARIOS / "base.toml"),
            "--atlas",
            str(congested),
            "--demand",
            "1999",
        ],
    )
    assert bad.exit_code == 2 and "give one of the demand years 2025" in bad.stderr


def _state_balance(graph: tripp.Graph, arc_flow: np.ndarray) -> np.ndarray:
    """Flow leaving minus flow entering each state (t/year)."""
    leaving = np.bincount(graph.tail, weights=arc_flow, minlength=graph.n_states)
    return leaving - np.bincount(graph.head, weights=arc_flow, minlength=graph.n_states)


@pytest.mark.parametrize("year", [2026, 2030])
def test_corridor_network_is_a_view_of_the_graph(congested: Path, year: int) -> None:
    graph = tripp.compile(tripp.load_atlas(congested))
    view = corridor_network(graph, year=year, settings=FreightSettings())
    net = view.network
    # the crosswalk: link k is graph arc graph_arc[k], and exactly the arcs open in the year
    assert np.array_equal(view.graph_arc, np.flatnonzero(graph.available_from_year <= year))
    assert np.array_equal(net.tail, graph.tail[view.graph_arc])
    assert np.array_equal(net.head, graph.head[view.graph_arc])
    assert np.array_equal(net.vdf_params[0], graph.time_h[view.graph_arc])  # free-flow h
    assert np.array_equal(net.node_ids, np.arange(graph.n_states))  # nodes are graph states
    for u in range(graph.n_states):  # a state's links are its open arcs, in the graph's order
        own = view.graph_arc[net.csr.indptr[u] : net.csr.indptr[u + 1]]
        open_arcs = np.arange(graph.indptr[u], graph.indptr[u + 1])
        assert np.array_equal(own, open_arcs[graph.available_from_year[open_arcs] <= year])
    link_ids = [graph.atlas.links[i].link_id if i >= 0 else None for i in graph.link]
    links = {
        name: [k for k, a in enumerate(view.graph_arc) if link_ids[a] == name]
        for name in ("road1", "r2")
    }
    alpha = net.vdf_params[2]
    assert [(net.vdf_kind[k], alpha[k]) for k in links["road1"]] == [(VdfKind.BPR, 0.15)] * 2
    assert [alpha[k] for k in links["r2"]] == [0.0, 0.0]  # no capacity: free-flow time
    # every arc open in 2030: the topology is the graph's own arrays, not a copy
    assert np.shares_memory(net.tail, graph.tail) == (year == 2030)


@pytest.mark.parametrize(
    ("atlas", "year", "demand_year"),
    [("mini", 2026, 2025), ("mini", 2030, 2030), (None, 2030, 2030)],
)
def test_corridor_flow_is_conserved_at_every_state(
    congested: Path, atlas: str | None, year: int, demand_year: int
) -> None:
    graph = tripp.compile(tripp.load_atlas(congested) if atlas else tripp.load_atlas())
    result = assign_corridor(graph, scenario="base", year=year, demand_year=demand_year)
    unserved = {(u["origin"], u["destination"], u["commodity"]) for u in result.unserved}
    assert len(unserved) <= 1  # the embedded atlas has no freight route for Aktau's oil
    expected = np.zeros(graph.n_states)
    for row in graph.atlas.demand_in(demand_year):
        served = (row.origin, row.destination, row.commodity) not in unserved
        if (row.t_per_year or 0) > 0 and served:
            expected[graph.start_state[graph.node_index(row.origin)]] += row.t_per_year
            expected[graph.end_state[graph.node_index(row.destination)]] -= row.t_per_year
    balance = _state_balance(graph, result.arc_flow_t_per_year)
    assert np.allclose(balance, expected, atol=1e-6 * max(1.0, np.abs(expected).max()))
    assert (result.arc_flow_t_per_year[graph.available_from_year > year] == 0).all()


def test_building_the_corridor_network_does_not_load_numba() -> None:
    code = (
        "import sys, tripp.cli.main, tripp.freight.corridor; "
        "from tripp.assignment import VdfKind; "
        "sys.exit('numba' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
