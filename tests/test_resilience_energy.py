"""Energy criticality on a network worked out by hand.

Supply 1,000 mcm/yr at A; demand 300 at B and 200 at C. A–B is a single pipeline; B–C has
two parallel lines (each 500). Closing A–B leaves B and C without gas (500 unmet); closing
either B–C line changes nothing. Power: 100 GWh/yr at P over one line P–Q to a 60 GWh load.
"""

from __future__ import annotations

import pytest

from tests.test_energy_model import atlas, link, node, row
from tripp.energy_model import EnergySettings
from tripp.errors import InputError
from tripp.resilience.energy_criticality import rank_energy_links

FREE = EnergySettings(gas_transport_usd_per_mcm_km=0.0, power_transport_usd_per_mwh_km=0.0)


def network():  # type: ignore[no-untyped-def]
    return atlas(
        [node("a"), node("b"), node("c"), node("p"), node("q")],
        [
            link("ab", "a", "b", capacity=1000.0),
            link("bc1", "b", "c", capacity=500.0),
            link("bc2", "b", "c", capacity=500.0),
            link("pq", "p", "q", mode="power_line", capacity=50.0, unit="mw"),
            link("fibre", "a", "c", mode="fibre"),
        ],
        [
            row("a", "supply", 1000.0),
            row("b", "demand", 300.0),
            row("c", "demand", 200.0),
            row("p", "supply", 100.0, carrier="power", unit="gwh_per_year"),
            row("q", "demand", 60.0, carrier="power", unit="gwh_per_year"),
        ],
    )


def test_ranking_by_hand() -> None:
    result = rank_energy_links(network(), scenario="hand", year=2025, settings=FREE)
    by_id = {i.element_id: i for i in result.impacts}
    assert set(by_id) == {"link:ab", "link:bc1", "link:bc2", "link:pq"}  # fibre is not energy
    assert result.impacts[0].element_id == "link:ab"
    assert by_id["link:ab"].delta_unmet_gas_mcm_per_year == pytest.approx(500.0, rel=1e-6)
    assert by_id["link:ab"].regions_cut == ("b", "c")
    assert by_id["link:pq"].delta_unmet_power_gwh_per_year == pytest.approx(60.0, rel=1e-6)
    for redundant in ("link:bc1", "link:bc2"):
        assert by_id[redundant].delta_unmet_gas_mcm_per_year == pytest.approx(0.0, abs=1e-6)
        assert by_id[redundant].regions_cut == ()


def test_an_atlas_without_energy_rows_is_refused() -> None:
    empty = atlas([node("a")], [], [])
    with pytest.raises(InputError, match="the atlas has no energy rows"):
        rank_energy_links(empty, scenario="x", year=2025)


def test_cli_rejects_options_that_do_not_apply_to_energy() -> None:
    from typer.testing import CliRunner

    from tripp.cli.main import app

    result = CliRunner().invoke(
        app, ["criticality", "baseline-2025", "--elements", "energy", "--k", "2", "--workers", "2"]
    )
    assert result.exit_code == 2
    assert "--k: does not apply to energy elements" in result.stderr
    assert "--workers/--scheduler: does not apply to energy elements" in result.stderr


def test_ranking_converts_to_json_and_a_frame() -> None:
    import json

    result = rank_energy_links(network(), scenario="hand", year=2025, settings=FREE)
    assert json.loads(result.to_json(2)) == result.to_dict(2)
    frame = result.to_frame()
    assert list(frame["element_id"]) == [i.element_id for i in result.impacts]
    assert frame.loc[frame["element_id"] == "link:ab", "regions_cut"].item() == "b;c"
