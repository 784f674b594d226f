"""Scenario overlays, comparison and transit exposure on the hand-built mini atlas.

Exposure figures by hand (demand of 2025: a→e 1,000 t, a→c 500 t, e→a 200 t): in 2026 the
fastest a→e and e→a routes run by road through Iran (300 of 600 km in IR), a→c by rail
(150 km). Iran's transit share is 1,200 / 1,700 t = 0.7059 and
(1,000 + 200) × 300 / (1,000 × 600 + 500 × 150 + 200 × 600) = 0.4528 of t-km.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tripp
from tests.test_properties import networks
from tripp.errors import InputError, NoRouteError
from tripp.scenarios import Scenario, apply_scenario, load_scenario
from tripp.scenarios.compare import compare
from tripp.scenarios.exposure import transit_exposure
from tripp.scenarios.network import scenario_network

SCENARIOS = Path(__file__).parent / "fixtures" / "scenarios"
PAIRS = [("a", "e"), ("a", "c"), ("e", "a")]


def network(atlas: tripp.Atlas, name: str):  # type: ignore[no-untyped-def]
    return scenario_network(atlas, SCENARIOS / f"{name}.toml")


def test_inheritance_merges_rules_in_order(mini_atlas: tripp.Atlas) -> None:
    s = load_scenario(SCENARIOS / "slow-border.toml", mini_atlas)
    assert s.lineage == ("base", "open-rail", "slow-border")
    assert s.year == 2026 and s.open == ("link:r4",) and len(s.set) == 2


def test_open_close_and_set_change_the_network(mini_atlas: tripp.Atlas) -> None:
    opened = network(mini_atlas, "open-rail")
    assert tripp.route(opened.graph, "a", "e", modes=["rail"], year=2026).routes[0].time_h == 18
    slow = network(mini_atlas, "slow-border")
    best = tripp.route(slow.graph, "a", "c", modes=["rail"], year=2026).routes[0]
    assert best.time_h == pytest.approx(2 + 10 + 1)  # dwell set to 10 h
    assert best.cost_usd == pytest.approx(2 * 150 + 100)  # rail tariff doubled
    assert sum(r.t_per_year or 0 for r in slow.atlas.demand) == pytest.approx(
        2000 + 500 + 200
    )  # demand to e doubled
    closed = network(mini_atlas, "no-iran")
    with pytest.raises(NoRouteError):
        tripp.route(closed.graph, "a", "x", year=2030)
    assert mini_atlas.link_by_id["road1"].status == "operating"  # the base is untouched


def test_scenario_errors_are_listed_with_lines(mini_atlas: tripp.Atlas) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(SCENARIOS / "broken.toml", mini_atlas)
    text = str(caught.value)
    assert "broken.toml:5: colse: unknown key 'colse' — fix: did you mean 'close'?" in text
    assert "broken.toml:2: year: year '2030' is not a year" in text
    assert "broken.toml:3: open: unknown link 'r44' — fix: did you mean 'link:r4'?" in text
    assert "broken.toml:3: open: 'corridoor:TEST' is not a selector" in text
    assert "broken.toml:4: close: unknown country code 'Iran' — fix: did you mean 'IR'?" in text
    assert "broken.toml:9: field: crossing has no numeric field 'dwell'" in text


def test_cycles_and_unknown_names(mini_atlas: tripp.Atlas, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="extend each other in a cycle: cycle-a → cycle-b"):
        load_scenario(SCENARIOS / "cycle-a.toml", mini_atlas)
    with pytest.raises(InputError, match="unknown scenario 'tripp-2031'"):
        load_scenario("tripp-2031", mini_atlas)
    bad = tmp_path / "bad.toml"
    bad.write_text('description = "x"\nyear = [\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.toml: is not valid TOML"):
        load_scenario(bad, mini_atlas)


def test_compared_with_itself_gives_zero_deltas(mini_atlas: tripp.Atlas) -> None:
    base = network(mini_atlas, "base")
    result = compare(base, base, pairs=PAIRS)
    assert all(p["delta"] == {"time_h": 0, "cost_usd": 0, "distance_km": 0} for p in result.pairs)
    assert all(row["delta"] == 0 for row in result.exposure_change())
    assert result.summary()["unchanged"] == 3


def test_closing_an_unused_country_changes_nothing(mini_atlas: tripp.Atlas, tmp_path: Path) -> None:
    file = tmp_path / "no-iran-2026.toml"
    file.write_text(
        f'description = "x"\nextends = "{SCENARIOS / "base.toml"}"\nclose = ["country:IR"]\n',
        encoding="utf-8",
    )
    result = compare(
        network(mini_atlas, "base"), scenario_network(mini_atlas, file), pairs=[("a", "c")]
    )
    assert result.pairs[0]["delta"] == {"time_h": 0, "cost_usd": 0, "distance_km": 0}


def test_comparison_reports_route_and_exposure_change(mini_atlas: tripp.Atlas) -> None:
    result = compare(network(mini_atlas, "base"), network(mini_atlas, "no-iran"), pairs=PAIRS)
    a_e = result.pairs[0]
    assert a_e["before"]["countries"] == ["AZ", "IR", "TR"]
    assert a_e["after"]["countries"] == ["AZ", "GE", "TR"]
    assert a_e["delta"]["time_h"] == pytest.approx(5.0)
    change = {row["country"]: row for row in result.exposure_change()}
    assert change["IR"]["transit_share_t_before"] == pytest.approx(1200 / 1700, abs=1e-4)
    assert change["IR"]["transit_share_t_after"] == 0
    assert change["GE"]["transit_share_t_after"] == pytest.approx(1200 / 1700, abs=1e-4)
    assert result.summary()["slower"] == 2


def test_exposure_by_hand(mini_atlas: tripp.Atlas) -> None:
    exposure = transit_exposure(tripp.compile(mini_atlas), scenario="base", year=2026)
    assert exposure.demand_year == 2025
    assert exposure.share_t["IR"] == pytest.approx(1200 / 1700)
    assert exposure.share_tkm["IR"] == pytest.approx(360_000 / 795_000)
    a_e = exposure.flows[0]
    assert a_e.loss == {"IR": None}  # without Iran there is no a→e route in 2026
    later = transit_exposure(tripp.compile(mini_atlas), scenario="base", year=2030)
    assert later.flows[0].loss["IR"] == pytest.approx(5.0)  # the rail is 5 h slower
    assert exposure.focus["Georgia"]["flows"] == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.data())
def test_opening_a_link_never_makes_a_pair_slower(atlas: tripp.Atlas, data: st.DataObject) -> None:
    index = data.draw(st.sampled_from(range(len(atlas.links)))) if atlas.links else None
    if index is None:
        return
    import dataclasses

    links = list(atlas.links)
    links[index] = dataclasses.replace(links[index], status="planned", open_year=None)
    closed = dataclasses.replace(atlas, links=tuple(links))
    scenario = Scenario("open", "open one link", 2026, open=(f"link:{links[index].link_id}",))
    opened = apply_scenario(closed, scenario)
    for origin, destination in (("n0", "n1"), ("n1", "n0"), ("n2", "n3")):
        times = []
        for version in (closed, opened):
            try:
                times.append(
                    tripp.route(tripp.compile(version), origin, destination).routes[0].time_h
                )
            except NoRouteError:
                times.append(float("inf"))
        assert times[1] <= times[0] + 1e-9


def test_comparison_includes_energy_only_when_both_atlases_have_it(
    mini_atlas: tripp.Atlas,
) -> None:
    base = network(mini_atlas, "base")
    assert compare(base, base, pairs=PAIRS).energy is None  # the mini atlas has no energy rows


def test_compare_measures_both_sides_on_one_demand_and_agrees_with_exposure() -> None:
    atlas = tripp.load_atlas()
    base, other = (tripp.scenario(atlas, name) for name in ("baseline-2025", "tripp-2030"))
    default = compare(base, other, pairs=[("baku", "nakhchivan")], energy=False)
    assert default.exposure_base.demand_year == default.exposure_other.demand_year == 2030
    chosen = compare(base, other, pairs=[("baku", "nakhchivan")], energy=False, demand_year=2024)
    assert chosen.exposure_base.demand_year == chosen.exposure_other.demand_year == 2024
    alone = tripp.exposure(base, demand_year=2024)
    assert chosen.exposure_base.share_t == pytest.approx(alone.share_t)
    with pytest.raises(InputError, match="no demand rows for '2019'"):
        compare(base, other, pairs=[("baku", "nakhchivan")], energy=False, demand_year=2019)
