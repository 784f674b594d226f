"""Criticality on the mini atlas, with rankings worked out by hand.

In 2026 (tests/fixtures/scenarios/base.toml) a→c runs by rail r1, r2 (6 h, USD 250/TEU) and
a→e, e→a by road through Iran (13 h, USD 1,230/TEU); demand: a→e 1,000 t, a→c 500 t,
e→a 200 t a year. With r4 open (open-rail.toml) the rail route a→e takes 18 h for USD 700:
generalised cost 718 against 1,243 by road (value of time 1 USD/TEU-h).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tripp
from tripp.errors import InputError
from tripp.reporting.criticality_layer import criticality_geojson
from tripp.resilience.criticality import criticality
from tripp.routing.request import RouteSettings
from tripp.scenarios.network import ScenarioNetwork, scenario_network

SCENARIOS = Path(__file__).parent / "fixtures" / "scenarios"


def _network(mini_atlas: tripp.Atlas, name: str) -> ScenarioNetwork:
    return scenario_network(mini_atlas, SCENARIOS / f"{name}.toml")


def test_single_link_closures_rank_by_unmet_tonnes(mini_atlas: tripp.Atlas) -> None:
    result = criticality(_network(mini_atlas, "base"), objective="time", workers=1)
    ranking = [(i.element_id, i.unmet_t_per_year, i.pairs_cut) for i in result.impacts]
    assert ranking == [
        ("link:road1", 1200.0, 2),
        ("link:road2", 1200.0, 2),
        ("link:r1", 500.0, 1),
        ("link:r2", 500.0, 1),
        ("link:r3", 0.0, 0),
    ]
    assert result.closed == 5  # r4 does not exist in 2026
    assert result.spec["demand_year"] == 2025
    assert result.base["unrouted_t_per_year"] == 0.0


def test_generalized_cost_increase_in_usd_per_year(mini_atlas: tripp.Atlas) -> None:
    result = criticality(
        _network(mini_atlas, "open-rail"),
        objective="generalized",
        settings=RouteSettings(vot_usd_per_teu_h=1.0),
        workers=1,
    )
    r1 = next(i for i in result.impacts if i.element_id == "link:r1")
    # a→c is cut (500 t); a→e and e→a (1,200 t = 120 TEU) move to road: +525 USD/TEU each
    assert r1.unmet_t_per_year == 500.0
    assert r1.delta_generalized_usd_per_year == pytest.approx(120 * 525.0)
    assert r1.delta_time_h_mean == pytest.approx(-5.0)
    assert r1.pairs_rerouted == 2
    assert result.impacts[0].element_id == "link:r1"  # cuts most (ties with r2, id order)
    assert r1.rank_by_cost in (1, 2)
    road1 = next(i for i in result.impacts if i.element_id == "link:road1")
    assert road1.delta_generalized_usd_per_year == 0.0  # the road is not used


def test_countries_and_crossings(mini_atlas: tripp.Atlas) -> None:
    network = _network(mini_atlas, "base")
    countries = {
        i.element_id: i.unmet_t_per_year
        for i in criticality(network, elements="countries", objective="time", workers=1).impacts
    }
    assert countries == {
        "country:AZ": 1700.0,
        "country:IR": 1200.0,
        "country:TR": 1200.0,
        "country:GE": 500.0,
    }


def test_pairs_among_the_top_singles(mini_atlas: tripp.Atlas) -> None:
    result = criticality(_network(mini_atlas, "base"), k=2, top=3, objective="time", workers=1)
    assert [(i.element_id, i.unmet_t_per_year) for i in result.impacts] == [
        ("link:road1+link:r1", 1700.0),
        ("link:road2+link:r1", 1700.0),
        ("link:road1+link:road2", 1200.0),
    ]
    layer = criticality_geojson(result, mini_atlas)
    first = layer["features"][0]
    assert first["geometry"]["type"] == "GeometryCollection"
    assert first["properties"]["elements"] == ["link:road1", "link:r1"]


def test_bad_options_are_listed_together(mini_atlas: tripp.Atlas) -> None:
    with pytest.raises(InputError) as error:
        criticality(_network(mini_atlas, "base"), elements="bridges", k=3, top=0)
    message = str(error.value)
    assert "3 problems" in message
    assert "unknown elements 'bridges'" in message
    assert "k: 3 is not supported" in message
    assert "top: 0 is out of range" in message
