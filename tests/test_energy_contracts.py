"""Contracts, export offtakes, seasons, storage, gas-fired plants and failed solves on tiny
networks worked out by hand (year 2025: 8,760 hours; January 744 h, July 744 h)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.test_energy_model import FREE, YEAR, atlas, demand_of, link, node, row
from tripp.atlas.model import Atlas, Contract, EnergyRow, Plant, SeasonShare, Storage
from tripp.energy_model import solve_energy
from tripp.errors import ConvergenceError
from tripp.resilience.energy_criticality import rank_energy_links


def contract(seller: str, buyer: str, value: float, **extra: object) -> Contract:
    return Contract(
        contract_id=f"{seller}_{buyer}".lower(),
        carrier=str(extra.pop("carrier", "gas")),
        seller=seller,
        buyer=buyer,
        value=value,
        unit=str(extra.pop("unit", "mcm_per_year")),
        year_from=int(extra.pop("year_from", 2000)),  # type: ignore[call-overload]
        source_ids=("s",),
        **extra,  # type: ignore[arg-type]
    )


def market() -> Atlas:
    """Azerbaijani gas (1,000 mcm/yr at a) and Russian gas (1,000 at r) both reach Georgia's
    demand of 600 mcm/yr at g; Russian gas is nearer (cheaper to carry)."""
    return atlas(
        [node("a", "AZ"), node("r", "RU"), node("g", "GE")],
        [
            link("ag", "a", "g", capacity=2000.0, length_km=500.0, country="GE"),
            link("rg", "r", "g", capacity=2000.0, length_km=100.0, country="GE"),
        ],
        [row("a", "supply", 1000.0), row("r", "supply", 1000.0), row("g", "demand", 600.0)],
    )


def test_without_contracts_the_nearest_seller_serves_and_the_run_says_so() -> None:
    result = solve_energy(market(), year=YEAR, carrier="gas")
    assert demand_of(result, "g")["by_supplier_country"] == {"RU": 1.0}
    assert "no gas contracts in the atlas: any supplier may serve any demand" in (
        result.assumptions
    )


def test_contracts_decide_who_sells_and_cap_the_volume() -> None:
    data = dataclasses.replace(market(), contracts=(contract("AZ", "GE", 450.0),))
    result = solve_energy(data, year=YEAR, carrier="gas")
    g = demand_of(result, "g")
    # Russia has no contract with Georgia: it sells nothing there, however near
    assert g["by_supplier_country"] == {"AZ": pytest.approx(0.75), "unmet": pytest.approx(0.25)}
    assert g["unmet"] == pytest.approx(150.0)
    (row_,) = result.contracts
    assert (row_["seller"], row_["buyer"], row_["delivered"]) == ("AZ", "GE", pytest.approx(450.0))


def test_a_contract_out_of_force_sells_nothing() -> None:
    expired = contract("AZ", "GE", 600.0, year_to=2020)
    data = dataclasses.replace(market(), contracts=(expired, contract("RU", "GE", 100.0)))
    result = solve_energy(data, year=YEAR, carrier="gas")
    assert demand_of(result, "g")["unmet"] == pytest.approx(500.0)


def test_take_or_pay_makes_the_buyer_take_the_dear_gas_first() -> None:
    both = (
        contract("AZ", "GE", 600.0, take_or_pay_share=0.5),
        contract("RU", "GE", 600.0),
    )
    result = solve_energy(dataclasses.replace(market(), contracts=both), year=YEAR, carrier="gas")
    shares = demand_of(result, "g")["by_supplier_country"]
    assert shares["AZ"] == pytest.approx(0.5) and shares["RU"] == pytest.approx(0.5)
    assert result.cost_usd["take_or_pay"] == pytest.approx(0.0)


def test_export_shortfall_is_valued_at_the_netback_and_kept_out_of_system_cost() -> None:
    data = atlas(
        [node("a", "AZ"), node("t", "TR"), node("n", "AZ")],
        [link("at", "a", "t", capacity=1000.0), link("an", "a", "n", capacity=1000.0)],
        [row("a", "supply", 500.0), row("t", "export", 400.0), row("n", "demand", 300.0)],
    )
    result = solve_energy(data, year=YEAR, carrier="gas", settings=FREE)
    # 500 mcm for 700 wanted: the domestic demand is served first, the export is short
    assert demand_of(result, "n")["unmet"] == pytest.approx(0.0)
    assert demand_of(result, "t")["unmet"] == pytest.approx(200.0)
    assert result.cost_usd["unmet_domestic"] == pytest.approx(0.0)
    assert result.cost_usd["unserved_export"] == pytest.approx(
        200.0 * FREE.gas_export_netback_usd_per_mcm
    )
    assert result.system_cost_usd == pytest.approx(0.0)
    assert result.shortfall("export") == {"gas_mcm_per_year": 200.0, "power_gwh_per_year": 0.0}


def _winter(profile: str = "winter") -> tuple[SeasonShare, ...]:
    """January holds 0.3 of the year, the other 11 months 0.7 / 11 each."""
    return tuple(
        SeasonShare(
            profile_id=profile, month=m, share=0.3 if m == 1 else 0.7 / 11, source_ids=("s",)
        )
        for m in range(1, 13)
    )


def _seasonal(storage: tuple[Storage, ...] = ()) -> Atlas:
    demand = dataclasses.replace(row("b", "demand", 1200.0), profile_id="winter")
    data = atlas(
        [node("a"), node("b")],
        [link("ab", "a", "b", capacity=1200.0)],
        [row("a", "supply", 2000.0), demand],
    )
    return dataclasses.replace(data, seasons=_winter(), storage=storage)


def test_a_winter_peak_above_the_pipe_is_unmet_in_january_only() -> None:
    result = solve_energy(_seasonal(), year=YEAR, carrier="gas", settings=FREE)
    # January wants 360 mcm; the pipe carries 1,200 × 744 / 8,760 = 101.9 mcm in January
    assert demand_of(result, "b")["unmet"] == pytest.approx(360.0 - 1200.0 * 744 / 8760)


def test_storage_filled_in_summer_covers_the_winter_peak() -> None:
    store = Storage(
        storage_id="s1",
        node_id="b",
        carrier="gas",
        working_volume=300.0,
        volume_unit="mcm",
        injection=10.0,
        withdrawal=10.0,
        rate_unit="mcm_per_day",
        source_ids=("s",),
    )
    result = solve_energy(_seasonal((store,)), year=YEAR, carrier="gas", settings=FREE)
    assert demand_of(result, "b")["unmet"] == pytest.approx(0.0, abs=1e-6)
    (held,) = result.storage
    assert held["withdrawn"] == pytest.approx(360.0 - 1200.0 * 744 / 8760, rel=1e-6)


def test_a_gas_fired_plant_turns_a_gas_cut_into_a_power_cut() -> None:
    plant = Plant(
        plant_id="tpp",
        node_id="n",
        capacity_mw=100.0,
        efficiency_mwh_per_mcm=4000.0,
        source_ids=("s",),
    )
    rows: list[EnergyRow] = [
        row("a", "supply", 1000.0),
        row("n", "demand", 438.0, carrier="power", unit="gwh_per_year"),
    ]
    open_ = atlas([node("a"), node("n")], [link("an", "a", "n", capacity=1000.0)], rows)
    closed = atlas(
        [node("a"), node("n")], [link("an", "a", "n", capacity=1000.0, status="closed")], rows
    )
    served = solve_energy(dataclasses.replace(open_, plants=(plant,)), year=YEAR, settings=FREE)
    cut = solve_energy(dataclasses.replace(closed, plants=(plant,)), year=YEAR, settings=FREE)
    assert demand_of(served, "n", "power")["unmet"] == pytest.approx(0.0, abs=1e-6)
    assert served.plants[0]["gas_burnt_mcm_per_year"] == pytest.approx(438_000 / 4000)
    assert demand_of(cut, "n", "power")["unmet"] == pytest.approx(438.0)


def test_a_solve_that_is_not_optimal_is_an_error_naming_the_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import linopy

    from tripp.energy_model.api import solve_energy_closures

    monkeypatch.setattr(linopy.Model, "solve", lambda self, **_: ("ok", "unknown"))
    with pytest.raises(ConvergenceError, match=r"closure of link ag.*unknown"):
        list(solve_energy_closures(market(), year=YEAR, link_ids=["ag"]))
    with pytest.raises(ConvergenceError, match="test in 2025 was not solved to optimality"):
        rank_energy_links(market(), scenario="test", year=YEAR)
