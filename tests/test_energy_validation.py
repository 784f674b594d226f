"""Inconsistent energy data gives one InputError naming file, element and fix."""

from __future__ import annotations

import pytest

from tests.test_energy_model import YEAR, atlas, link, node, row
from tripp.energy_model import solve_energy
from tripp.errors import InputError


def _error(data: object, **options: object) -> InputError:
    with pytest.raises(InputError) as caught:
        solve_energy(data, year=YEAR, **options)  # type: ignore[arg-type]
    return caught.value


def test_demand_at_a_node_without_a_bus() -> None:
    data = atlas(
        [node("a"), node("b"), node("lonely")],
        [link("ab", "a", "b", capacity=10.0)],
        [row("a", "supply", 5.0), row("lonely", "demand", 5.0)],
    )
    error = _error(data, carrier="gas")
    (problem,) = error.problems
    assert problem.where == "energy.csv" and problem.column == "node_id"
    assert "gas demand at 'lonely'" in problem.problem and "no gas_pipeline" in problem.problem
    assert "add a gas_pipeline to 'lonely'" in problem.fix


def test_pipeline_without_capacity() -> None:
    data = atlas(
        [node("a"), node("b")],
        [link("ab", "a", "b")],
        [row("a", "supply", 5.0), row("b", "demand", 5.0)],
    )
    error = _error(data, carrier="gas")
    assert str(error) == (
        "links.csv: capacity: gas_pipeline 'ab' has no capacity — fix: give capacity and "
        "capacity_unit (mcm_per_year or a unit converting to it), or pass "
        "--missing-capacity unbounded"
    )


def test_units_that_cannot_be_converted_are_all_reported() -> None:
    data = atlas(
        [node("a"), node("b")],
        [
            link("ab", "a", "b", capacity=10.0, unit="mw"),
            link("ln", "a", "b", mode="power_line", capacity=10.0, unit="t_per_year"),
        ],
        [
            row("a", "supply", 5.0, unit="mw"),
            row("b", "demand", 5.0),
            row("b", "demand", 5.0, carrier="power", unit="mcm_per_year"),
        ],
    )
    error = _error(data)
    text = str(error)
    assert text.startswith("4 problems found:")
    assert "gas supply at 'a' (2025) is in mw, which cannot be converted to gas" in text
    assert "power demand at 'b' (2025) is in mcm_per_year" in text
    assert (
        "gas_pipeline 'ab' has capacity in 'mw', which cannot be converted to mcm_per_year" in text
    )
    assert "power_line 'ln' has capacity in 't_per_year'" in text
    assert "fix: give capacity_unit as one of mcm_per_year, bcm_per_year, mcm_per_day" in text


def test_unknown_carrier_suggests_one() -> None:
    data = atlas([node("a")], [], [])
    (problem,) = _error(data, carrier="gass").problems
    assert problem.problem == "unknown carrier 'gass'" and problem.fix == "did you mean 'gas'?"


def test_losses_that_leave_nothing_are_refused() -> None:
    from tripp.energy_model import EnergySettings

    data = atlas(
        [node("a"), node("b")],
        [link("ab", "a", "b", capacity=10.0, length_km=2000.0)],
        [row("a", "supply", 5.0), row("b", "demand", 5.0)],
    )
    settings = EnergySettings(gas_loss_share_per_1000_km=0.6)
    (problem,) = _error(data, carrier="gas", settings=settings).problems
    assert "losses of 120% on 'ab'" in problem.problem
