"""Corridor freight assignment on the mini atlas, with an equilibrium worked out by hand.

With road1 (a–x) limited to 600 t/year, the 1,000 t/year from a to e split in 2030 between
the road (13 h free-flow, plus 5 h × 0.15 × (v/600)^4 on road1) and the rail (18 h): both
are used when 13 + 0.75 (v/600)^4 = 18, i.e. v = 600 × (20/3)^(1/4) = 964.1 t/year on the
road and 35.9 t/year on the rail. The 200 t/year from e to a stay on the road (13.01 h).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyogrio
import pytest
from typer.testing import CliRunner

import tripp
from tripp.cli.main import app
from tripp.freight.corridor import assign_corridor
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
    assert data["year"] == 2030 and data["demand_year"] == 2025
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
