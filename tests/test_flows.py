"""``tripp flows`` and ``tripp flows check``: volumes per element, and counts against them.

On the mini atlas in 2026 (base.toml) the d–e rail is not open yet, so every tonne is worked
out by hand: a→e 1,000 t and e→a 200 t go by road a–x–e, a→c 500 t by rail a–b–c. Hence
r1 = r2 = 500, road1 = road2 = 1,200 (both directions summed), r3 = 0; the AZ–IR crossing at
a and the IR–TR crossing at x carry 1,200 t, the AZ–GE crossing at b 500 t.
tests/fixtures/counts_mini.csv holds counts whose ratios follow from those figures.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import tripp
from tripp.cli.main import app
from tripp.freight.counts import FlowCheck, check_flows, load_counts
from tripp.freight.flows import ELEMENT_KEYS, WATER_MODES, Flows, flows
from tripp.graph.compile import ARC_LINK

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "scenarios" / "base.toml"
COUNTS = FIXTURES / "counts_mini.csv"
HEADER = "count_id,name,target,unit,year,observed,tolerance,source_ids,note\n"


@pytest.fixture(scope="module")
def mini_flows(mini_freight: Path) -> Flows:
    return flows(tripp.scenario(tripp.load_atlas(mini_freight), BASE))


@pytest.fixture(scope="module")
def baseline_flows() -> Flows:
    return tripp.flows(tripp.scenario(tripp.load_atlas(), "baseline-2025"))


def _link_direction_flows(result: Flows) -> dict[tuple[str, str], float]:
    """Flow per (link id, 'forward'|'backward') from the graph arcs, independently of the
    element aggregation."""
    graph = result.graph
    flow = result.assignment.arc_flow_t_per_year
    out: dict[tuple[str, str], float] = {}
    for arc in np.flatnonzero(graph.kind == ARC_LINK):
        link = result.atlas.links[int(graph.link[arc])]
        key = (link.link_id, "forward" if graph.forward[arc] else "backward")
        out[key] = out.get(key, 0.0) + float(flow[arc])
    return out


def test_mini_volumes_by_hand(mini_flows: Flows) -> None:
    t = {e.element_id: e.t_per_year for e in mini_flows.elements}
    assert mini_flows.year == 2026 and mini_flows.assignment.demand_year == 2025
    assert t["r1"] == pytest.approx(500) and t["r2"] == pytest.approx(500)
    assert t["road1"] == pytest.approx(1200) and t["road2"] == pytest.approx(1200)
    assert t["r3"] == 0.0  # zero-flow elements are listed, not dropped
    assert "r4" not in t  # under construction until 2029: not in the 2026 network
    assert mini_flows.crossing_t_per_year("a") == pytest.approx(1200)
    assert mini_flows.crossing_t_per_year("b") == pytest.approx(500)
    assert mini_flows.crossing_t_per_year("x") == pytest.approx(1200)
    r1 = mini_flows.element("link", "r1")
    assert r1 is not None
    assert r1.teu_per_year == pytest.approx(50)  # 10 t per TEU
    # 15 Mt/year per direction; the busier direction carries the 500 t a→c
    assert r1.capacity_t_per_year == 15e6 and r1.v_c == pytest.approx(500 / 15e6)
    road1 = mini_flows.element("link", "road1")
    assert road1 is not None and road1.capacity_t_per_year is None and road1.v_c is None
    corridors = {c.corridor: c.t_per_year for c in mini_flows.corridors}
    assert corridors == {"TEST": pytest.approx(500)}  # the a→c route, counted once


@pytest.mark.parametrize("which", ["mini", "baseline"])
def test_flow_is_conserved_at_every_node(which: str, request: pytest.FixtureRequest) -> None:
    result: Flows = request.getfixturevalue(f"{which}_flows")
    graph = result.graph
    run = result.assignment
    balance: dict[str, float] = {}  # link flow entering minus leaving each node
    for arc in np.flatnonzero(graph.kind == ARC_LINK):
        link = result.atlas.links[int(graph.link[arc])]
        a, b = (
            (link.from_node, link.to_node) if graph.forward[arc] else (link.to_node, link.from_node)
        )
        f = float(run.arc_flow_t_per_year[arc])
        balance[a] = balance.get(a, 0.0) - f
        balance[b] = balance.get(b, 0.0) + f
    expected: dict[str, float] = {}  # served demand ending minus starting at each node
    unserved = {(u["origin"], u["destination"], u["commodity"]) for u in run.unserved}
    for row in result.atlas.demand_in(run.demand_year):
        served = (row.origin, row.destination, row.commodity) not in unserved
        if row.t_per_year and served:
            expected[row.origin] = expected.get(row.origin, 0.0) - row.t_per_year
            expected[row.destination] = expected.get(row.destination, 0.0) + row.t_per_year
    scale = max(run.demand_t_per_year, 1.0)
    for node in set(balance) | set(expected):
        assert balance.get(node, 0.0) == pytest.approx(expected.get(node, 0.0), abs=1e-6 * scale), (
            node
        )
    # and each link element is the sum of its two directions
    directions = _link_direction_flows(result)
    for e in result.elements:
        if e.kind == "link":
            both = directions.get((e.element_id, "forward"), 0) + directions.get(
                (e.element_id, "backward"), 0
            )
            assert e.t_per_year == pytest.approx(both)


def test_port_throughput_is_the_sum_over_its_water_links(baseline_flows: Flows) -> None:
    ports = [e for e in baseline_flows.elements if e.kind == "port"]
    directions = _link_direction_flows(baseline_flows)
    assert any(p.t_per_year > 0 for p in ports)
    for port in ports:
        water = [
            link
            for link in baseline_flows.atlas.links
            if link.mode in WATER_MODES and port.element_id in (link.from_node, link.to_node)
        ]
        ids = {link.link_id for link in water}
        in_water = [e for e in baseline_flows.elements if e.kind == "link" and e.element_id in ids]
        by_arcs = sum(
            directions.get((link.link_id, d), 0.0)
            for link in water
            for d in ("forward", "backward")
        )
        assert port.t_per_year == pytest.approx(by_arcs), port.element_id
        assert port.t_per_year == pytest.approx(baseline_flows.port_t_per_year(port.element_id))
        teu = sum(e.teu_per_year for e in in_water)
        assert port.teu_per_year == pytest.approx(teu)  # containers only
        assert port.teu_per_year <= port.t_per_year / baseline_flows.t_per_teu * (1 + 1e-9)
    alat = baseline_flows.element("port", "alat")
    assert alat is not None and alat.t_per_year > 0
    # the port's capacity is the largest of its water transfers' capacities (15 Mt/year)
    caps = [
        row.capacity
        for row in baseline_flows.atlas.transfers
        if row.node_id == "alat" and "ferry" in (row.from_mode, row.to_mode) and row.capacity
    ]
    assert alat.capacity_t_per_year == max(caps)
    assert alat.v_c == pytest.approx(alat.t_per_year / max(caps))
    for e in baseline_flows.elements:  # unknown capacity is None, never infinite
        assert e.v_c is None or math.isfinite(e.v_c)
        assert (e.v_c is None) == (e.capacity_t_per_year is None)


def test_corridor_total_counts_each_route_once(baseline_flows: Flows) -> None:
    run = baseline_flows.assignment.choice
    assert run is not None
    links = baseline_flows.atlas.links
    graph = baseline_flows.graph
    by_hand: dict[str, float] = {}
    for p in range(run.result.paths.n_paths):
        arcs = run.result.paths.path(p)
        tags = {t for i in graph.link[arcs] if i >= 0 for t in links[int(i)].corridors}
        for tag in tags:
            by_hand[tag] = by_hand.get(tag, 0.0) + float(run.result.path_flow[p])
    for corridor in baseline_flows.corridors:
        tagged = [
            e.t_per_year
            for e in baseline_flows.elements
            if e.kind == "link" and corridor.corridor in e.corridors
        ]
        assert corridor.t_per_year == pytest.approx(by_hand.get(corridor.corridor, 0.0))
        # a route on several of its links counts once: at least the busiest, at most the sum
        assert max(tagged) * (1 - 1e-9) <= corridor.t_per_year <= sum(tagged) * (1 + 1e-9)
    titr = {c.corridor: c for c in baseline_flows.corridors}["TITR"]
    assert 0 < titr.teu_per_year < titr.t_per_year / 10  # bulk and ro-ro tonnes add no TEU


def test_cli_flows_json_and_geojson_keys(mini_freight: Path) -> None:
    runner = CliRunner()
    args = ["flows", str(BASE), "--atlas", str(mini_freight)]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"scenario", "year", "elements", "corridors"}
    assert data["scenario"] == "base" and data["year"] == 2026
    for element in data["elements"]:
        assert tuple(element) == ELEMENT_KEYS
    assert {e["kind"] for e in data["elements"]} == {"link", "transfer", "crossing"}
    for corridor in data["corridors"]:
        assert set(corridor) == {"corridor", "t_per_year", "teu_per_year"}
    r3 = next(e for e in data["elements"] if e["element_id"] == "r3")
    assert r3["t_per_year"] == 0 and r3["from"] == "c" and r3["to"] == "d"
    # options before the scenario, and the explicit `show`, reach the same command
    again = runner.invoke(
        app,
        ["flows", "--year", "2026", "--format", "json", str(BASE), "--atlas", str(mini_freight)],
    )
    show = runner.invoke(app, ["flows", "show", *args[1:], "--format", "json"])
    assert again.exit_code == 0 and show.exit_code == 0, (again.output, show.output)
    assert json.loads(again.stdout) == data == json.loads(show.stdout)
    geo = runner.invoke(app, [*args, "--format", "geojson"])
    assert geo.exit_code == 0, geo.stderr
    collection = json.loads(geo.stdout)
    assert collection["type"] == "FeatureCollection"
    links = [e for e in data["elements"] if e["kind"] == "link"]
    assert len(collection["features"]) == len(links) == 5  # r4 does not exist in 2026
    for feature in collection["features"]:
        assert feature["geometry"]["type"] == "LineString"
        assert tuple(feature["properties"]) == ELEMENT_KEYS
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "road1" in table.stdout and "unknown" in table.stdout


def test_check_arithmetic_on_hand_made_counts(mini_freight: Path) -> None:
    network = tripp.scenario(tripp.load_atlas(mini_freight), BASE)
    check = check_flows(network, COUNTS)
    assert isinstance(check, FlowCheck)
    got = {c.count.count_id: (c.modelled, c.ratio, c.within) for c in check.checks}
    assert got == {
        "rail_ab": (pytest.approx(500), pytest.approx(1.25), True),
        "road_total": (pytest.approx(2400), pytest.approx(1.2), True),  # key total
        "border_a": (pytest.approx(120), pytest.approx(1.2), True),  # TEU, default 0.30
        "border_b": (pytest.approx(500), pytest.approx(0.5), False),
    }
    assert [c.count_id for c in check.skipped] == ["rail_cd_2019"]
    assert check.within_share == 0.75 and check.keys_within and not check.passed
    # RMSE on tonnes: diffs 100, 400, 200, -500 over a mean observed of 1,100 t
    assert check.rmse_percent == pytest.approx(100 * math.sqrt(460_000 / 4) / 1100)
    assert check.median_abs_ratio_error == pytest.approx(0.225)
    data = check.to_dict()
    assert {"counts", "within_share"} <= set(data)
    for count in data["counts"]:
        assert list(count)[:7] == [
            "name",
            "unit",
            "observed",
            "modelled",
            "ratio",
            "within",
            "source",
        ]


def test_within_is_inclusive_at_the_tolerance(tmp_path: Path, mini_freight: Path) -> None:
    # r1 carries 500 t: 500/400 = 1.25 is within 0.25 (a key total), 500/384 is not
    file = tmp_path / "counts.csv"
    file.write_text(
        HEADER
        + "k1,edge,link:r1,t_per_year,2025,400,0.25,hand,\n"
        + "k2,out,link:r1,t_per_year,2025,384,0.25,hand,\n",
        encoding="utf-8",
    )
    check = check_flows(tripp.scenario(tripp.load_atlas(mini_freight), BASE), file)
    assert [c.within for c in check.checks] == [True, False]
    assert not check.keys_within and not check.passed


def test_bad_counts_rows_are_all_reported(tmp_path: Path, mini_atlas: tripp.Atlas) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(
        HEADER
        + "c1,Unknown link,link:r1;rx,t_per_year,2025,100,,hand,\n"
        + "c2,Unknown node,crossing:zz,t_per_year,2025,100,,hand,\n"
        + "c3,Bad unit,link:r1,tonnes,2025,100,,hand,\n"
        + "c4,Zero,link:r1,t_per_year,2025,0,,hand,\n"
        + "c5,Unknown source,link:r1,t_per_year,2025,100,,hnad,\n"
        + "c6,Not a port,port:a,t_per_year,2025,100,,hand,\n"
        + "c7,Bad kind,road:r1,t_per_year,2025,-5,,hand,\n",
        encoding="utf-8",
    )
    with pytest.raises(tripp.InputError) as caught:
        load_counts(file, mini_atlas)
    problems = {(p.row, p.column): p for p in caught.value.problems}
    assert set(problems) == {
        (2, "target"),
        (3, "target"),
        (4, "unit"),
        (5, "observed"),
        (6, "source_ids"),
        (7, "target"),
        (8, "target"),
        (8, "observed"),
    }
    assert all(p.where == "bad.csv" for p in caught.value.problems)
    assert "unknown link 'rx'" in problems[(2, "target")].problem
    assert "unknown node 'zz'" in problems[(3, "target")].problem
    assert "unknown unit 'tonnes'" in problems[(4, "unit")].problem
    assert "not positive" in problems[(5, "observed")].problem
    assert "unknown source 'hnad'" in problems[(6, "source_ids")].problem
    assert "did you mean 'hand'?" in problems[(6, "source_ids")].fix
    assert "no sea or ferry link" in problems[(7, "target")].problem
    assert "bad target 'road:r1'" in problems[(8, "target")].problem


def test_cli_check_exit_codes(
    tmp_path: Path, atlas_copy: Callable[..., Path], mini_freight: Path
) -> None:
    runner = CliRunner()
    args = ["flows", "check", "--scenario", str(BASE), "--atlas", str(mini_freight)]
    failing = runner.invoke(app, [*args, "--counts", str(COUNTS), "--format", "json"])
    assert failing.exit_code == 1, failing.stderr  # 75 % within, 80 % needed
    assert json.loads(failing.stdout)["within_share"] == 0.75
    passing_file = tmp_path / "pass.csv"
    kept = [
        line
        for line in COUNTS.read_text(encoding="utf-8").splitlines()
        if not line.startswith("border_b")
    ]
    passing_file.write_text("\n".join(kept) + "\n", encoding="utf-8")
    passing = runner.invoke(app, [*args, "--counts", str(passing_file)])
    assert passing.exit_code == 0, passing.stderr
    assert "passed" in passing.stdout and "Rail a-b" in passing.stdout
    key_missed = tmp_path / "key.csv"  # 4 of 5 within (80 %), but a key total is not
    key_missed.write_text(
        "\n".join(kept)
        + "\nkey,Rail b-c key,link:r2,t_per_year,2025,1000,0.25,hand,\n"
        + "ok,Rail b-c,link:r2,t_per_year,2025,500,0.30,hand,\n",
        encoding="utf-8",
    )
    missed = runner.invoke(app, [*args, "--counts", str(key_missed), "--format", "json"])
    assert missed.exit_code == 1 and json.loads(missed.stdout)["within_share"] == 0.8
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "c1,x,link:nope,t_per_year,2025,1,,hand,\n", encoding="utf-8")
    result = runner.invoke(app, [*args, "--counts", str(bad)])
    assert result.exit_code == 2 and "bad.csv:2: target: unknown link 'nope'" in result.stderr
    absent = runner.invoke(app, [*args, "--counts", str(tmp_path / "none.csv")])
    assert absent.exit_code == 2 and "none.csv" in absent.stderr and "not found" in absent.stderr
    other_year = tmp_path / "old.csv"
    other_year.write_text(HEADER + "c1,x,link:r1,t_per_year,2019,1,,hand,\n", encoding="utf-8")
    none = runner.invoke(app, [*args, "--counts", str(other_year)])
    assert none.exit_code == 2 and "no counts of 2025 or 2026" in none.stderr
