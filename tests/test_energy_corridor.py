"""The embedded atlas's energy answers hold what a specialist would check (issue 19):
SCP's closure is harmful, a new export offtake is not a system cost, TRIPP's links start
on Azerbaijan's grid, supplier shares follow contracts, TAP has its exits, the swaps and the
Black Sea cable are as published, and Nakhchivan's power depends on its gas."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import tripp
from tripp.energy_model import EnergyResult, energy_comparison, solve_energy
from tripp.resilience.energy_criticality import EnergyCriticality


def _energy(name: str, year: int | None = None) -> EnergyResult:
    return tripp.energy(tripp.scenario(tripp.load_atlas(), name), year=year)


@pytest.fixture(scope="module")
def baseline() -> EnergyResult:
    return _energy("baseline-2025")


@pytest.fixture(scope="module")
def tripp_2030() -> EnergyResult:
    return _energy("tripp-2030")


@pytest.fixture(scope="module")
def ranking() -> EnergyCriticality:
    return tripp.energy_criticality(tripp.scenario(tripp.load_atlas(), "baseline-2025"))


def _demand(result: EnergyResult, node: str, carrier: str = "gas") -> dict[str, Any]:
    return next(d for d in result.demands if (d["node_id"], d["carrier"]) == (node, carrier))


def _link(result: EnergyResult, link_id: str) -> dict[str, Any]:
    return next(r for r in result.links if r["link_id"] == link_id)


def test_closing_scp_is_the_largest_gas_loss_and_matches_a_closed_run(
    ranking: EnergyCriticality, baseline: EnergyResult
) -> None:
    by_gas = sorted(ranking.impacts, key=lambda i: -i.delta_unmet_gas_mcm_per_year)
    assert {i.element_id for i in by_gas[:2]} == {"link:scp_az", "link:scp_ge"}
    scp = next(i for i in ranking.impacts if i.element_id == "link:scp_az")
    assert scp.delta_unmet_gas_mcm_per_year > 15_000 and scp.delta_cost_usd_per_year > 1e9
    # Armenia buys no Azerbaijani gas and its Russian gas stays its own: SCP's closure does
    # not leave it short (Georgia cannot take Armenia's contracted gas)
    assert "ararat" not in scp.regions_cut and "tbilisi" not in scp.regions_cut
    atlas = tripp.scenario(tripp.load_atlas(), "baseline-2025").atlas
    links = tuple(
        dataclasses.replace(k, status="closed") if k.link_id == "scp_az" else k for k in atlas.links
    )
    closed = solve_energy(dataclasses.replace(atlas, links=links), year=2025)
    unmet = sum(d["unmet"] for d in closed.demands if d["carrier"] == "gas")
    before = sum(d["unmet"] for d in baseline.demands if d["carrier"] == "gas")
    assert scp.delta_unmet_gas_mcm_per_year == pytest.approx(unmet - before, abs=1.0)
    assert scp.delta_cost_usd_per_year == pytest.approx(
        closed.total_cost_usd - baseline.total_cost_usd, rel=1e-4
    )


def test_the_domestic_and_export_harm_of_a_closure_are_apart(ranking: EnergyCriticality) -> None:
    scp = next(i for i in ranking.impacts if i.element_id == "link:scp_az")
    armenia = next(i for i in ranking.impacts if i.element_id == "link:ns_caucasus_gas_am")
    assert scp.delta_unserved_export_usd_per_year > 1e9  # Türkiye's and Europe's gas
    assert armenia.delta_unmet_domestic_gas_mcm_per_year > 1_000  # Armenia's own gas
    assert armenia.delta_system_cost_usd_per_year > scp.delta_system_cost_usd_per_year


def test_a_new_export_offtake_is_not_read_as_system_cost(
    baseline: EnergyResult, tripp_2030: EnergyResult
) -> None:
    change = energy_comparison(baseline, tripp_2030)
    kars = next(x for x in change["new_exports"] if x["node_id"] == "kars")
    assert kars["unmet"] > 0  # the Nakhchivan-Türkiye line has no date yet
    assert change["unserved_export_after"]["power_gwh_per_year"] >= kars["unmet"]
    # the headline moves by less than the new row's shortfall would have added at VOLL
    assert abs(change["delta_system_cost_usd"]) < 0.1 * kars["unmet"] * 1000 * 10_000
    assert change["system_cost_usd_after"] < 2 * change["system_cost_usd_before"]


def test_tripp_links_carry_azerbaijans_gas_and_power(tripp_2030: EnergyResult) -> None:
    assert _link(tripp_2030, "az_gas_to_aghband")["flow_forward"] > 100
    assert _link(tripp_2030, "zangezur_330kv_az")["flow_forward"] > 100
    # Nakhchivan's power is Azerbaijani; the swap's power owed to Iran is Armenia's
    assert _demand(tripp_2030, "nakhchivan", "power")["by_supplier_country"] == {"AZ": 1.0}
    (swap,) = tripp_2030.swaps
    assert swap["payer_country"] == "AM" and swap["power_not_sent_gwh_per_year"] == 0.0
    # Armenia's Iranian gas does not flow on into Nakhchivan: Iran sells Azerbaijan only
    # what the Nakhchivan swap contract allows
    iran_to_az = next(c for c in tripp_2030.contracts if (c["seller"], c["buyer"]) == ("IR", "AZ"))
    nakhchivan = _demand(tripp_2030, "nakhchivan")
    iranian = nakhchivan["by_supplier_country"].get("IR", 0.0) * nakhchivan["demand"]
    assert iranian <= iran_to_az["quantity"] + 1.0


def test_supplier_shares_follow_contracts(baseline: EnergyResult) -> None:
    assert "AZ" not in _demand(baseline, "ararat")["by_supplier_country"]  # it buys none
    georgia = _demand(baseline, "tbilisi")
    russian = georgia["by_supplier_country"]["RU"] * georgia["demand"]
    russia_to_georgia = next(
        c for c in baseline.contracts if (c["seller"], c["buyer"]) == ("RU", "GE")
    )
    assert russian <= russia_to_georgia["quantity"] + 1.0


def test_tap_delivers_to_its_exits(baseline: EnergyResult) -> None:
    for node in ("nea_mesimvria", "stara_zagora"):
        assert _demand(baseline, node)["unmet"] == pytest.approx(0.0, abs=1.0)
    italy = _demand(baseline, "melendugno")
    assert italy["role"] == "export" and italy["unmet_share"] < 0.05


def test_swaps_and_the_black_sea_cable_as_published(baseline: EnergyResult) -> None:
    astara = next(s for s in baseline.supplies if s["node_id"] == "astara_ir")
    assert astara["available"] == 0.0  # the Turkmen swap was suspended in January 2024
    atlas = tripp.load_atlas()
    cable = atlas.link_by_id["black_sea_cable"]
    assert (cable.open_year, cable.capacity, cable.length_km) == (2032, 1300.0, 1155.0)
    assert tripp.scenario(atlas, "black-sea-cable").year == 2032


def test_nakhchivan_islanded_loses_power_with_its_gas() -> None:
    islanded = _energy("nakhchivan-islanded")
    assert _demand(islanded, "nakhchivan")["unmet_share"] == pytest.approx(1.0)
    assert _demand(islanded, "nakhchivan", "power")["unmet"] > 100  # its TPPs burn gas
