"""The embedded atlas under the shipped energy scenarios: invariants that must hold."""

from __future__ import annotations

import pytest

import tripp
from tripp.energy_model import (
    EnergyResult,
    EnergySettings,
    MissingCapacity,
    energy_comparison,
    solve_energy,
)
from tripp.scenarios import apply_scenario, load_scenario

UNBOUNDED = EnergySettings(missing_capacity=MissingCapacity.UNBOUNDED)
ENERGY_SCENARIOS = (
    "iran-swap-stopped",
    "igdir-nakhchivan-outage",
    "tripp-energy-line",
    "black-sea-cable",
    "nakhchivan-islanded",
)


def _run(name: str) -> EnergyResult:
    base = tripp.load_atlas()
    scenario = load_scenario(name, base)
    return solve_energy(
        apply_scenario(base, scenario), year=scenario.year, settings=UNBOUNDED, scenario=name
    )


@pytest.fixture(scope="module")
def baseline() -> EnergyResult:
    return _run("baseline-2025")


@pytest.fixture(scope="module")
def swap_stopped() -> EnergyResult:
    return _run("iran-swap-stopped")


def _check_invariants(result: EnergyResult) -> None:
    for d in result.demands:
        assert d["served"] + d["unmet"] == pytest.approx(d["demand"], abs=1e-3)
        assert sum(d["by_supplier_country"].values()) == pytest.approx(1.0, abs=1e-3)
        assert all(0 <= s <= 1 + 1e-6 for s in d["by_transit_country"].values())
        assert d["country"] not in d["by_transit_country"]
    for row in result.links:
        if row["utilisation"] is not None:
            assert row["peak_utilisation"] <= 1 + 1e-6
    for s in result.supplies:
        assert s["used"] <= s["available"] + 1e-6


def test_baseline_invariants_and_sources(baseline: EnergyResult) -> None:
    _check_invariants(baseline)
    assert baseline.skipped == ("yerevan,oil,demand,2024: oil is not modelled",)
    assert baseline.total_cost_usd == pytest.approx(sum(baseline.cost_usd.values()), rel=1e-6)


def test_swap_stopped_cuts_nakhchivan_off_iran(
    baseline: EnergyResult, swap_stopped: EnergyResult
) -> None:
    _check_invariants(swap_stopped)
    nakh = next(d for d in swap_stopped.demands if d["node_id"] == "nakhchivan")
    assert "IR" not in nakh["by_supplier_country"]
    assert "IR" not in nakh["by_transit_country"]
    change = energy_comparison(baseline, swap_stopped)
    assert change["base"] == "baseline-2025" and change["other"] == "iran-swap-stopped"
    row = next(d for d in change["demands"] if d["node_id"] == "nakhchivan")
    assert row["unmet_after"] == nakh["unmet"]
    assert row["delta_unmet"] == pytest.approx(nakh["unmet"] - row["unmet_before"], abs=1e-3)
    assert change["delta_total_cost_usd"] == pytest.approx(
        swap_stopped.total_cost_usd - baseline.total_cost_usd, abs=0.01
    )


def test_every_energy_scenario_validates() -> None:
    base = tripp.load_atlas()
    for name in ENERGY_SCENARIOS:
        scenario = load_scenario(name, base)
        assert scenario.description and scenario.source_ids


def test_compare_reports_the_energy_side_of_shipped_scenarios() -> None:
    from tripp.scenarios.compare import compare
    from tripp.scenarios.network import scenario_network

    atlas = tripp.load_atlas()
    base = scenario_network(atlas, "baseline-2025")
    other = scenario_network(atlas, "nakhchivan-islanded")
    change = compare(base, other, pairs=[("Baku", "Nakhchivan")]).energy
    assert change is not None
    rows = {(d["node_id"], d["carrier"]): d for d in change["demands"]}
    gas = rows[("nakhchivan", "gas")]
    wanted = max(
        (
            r
            for r in atlas.energy
            if (r.node_id, r.carrier, r.role) == ("nakhchivan", "gas", "demand")
        ),
        key=lambda r: r.year,
    ).value  # Nakhchivan's non-power gas; its TPPs' gas is counted as power unmet
    assert gas["unmet_before"] == 0 and gas["unmet_after"] == pytest.approx(wanted, rel=1e-6)
    assert rows[("nakhchivan", "power")]["unmet_after"] > 100
