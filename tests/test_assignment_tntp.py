"""TNTP readers: the fixture network, FIRST THRU NODE, and every kind of bad file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tripp.assignment import AssignmentSpec, assign, load_tntp, read_flows, read_net, read_trips
from tripp.errors import InputError

FIXTURES = Path(__file__).resolve().parent / "assignment_fixtures"
NET = FIXTURES / "blocked-network.tntp"
TRIPS = FIXTURES / "blocked-demand.tntp"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _net_with(tmp_path: Path, old: str, new: str) -> Path:
    text = NET.read_text(encoding="utf-8")
    assert old in text
    return _write(tmp_path, "bad_net.tntp", text.replace(old, new, 1))


def _trips_with(tmp_path: Path, old: str, new: str) -> Path:
    text = TRIPS.read_text(encoding="utf-8")
    assert old in text
    return _write(tmp_path, "bad_trips.tntp", text.replace(old, new, 1))


def _flows(network_file: Path, trips_file: Path, **options: float) -> dict[tuple[int, int], float]:
    network, demand = load_tntp(network_file, trips_file, **options)
    result = assign(network, demand, AssignmentSpec(algorithm="gp", target_gap=1e-12))
    return {
        (int(i), int(j)): float(x)
        for i, j, x in zip(result.init_node, result.term_node, result.flow, strict=True)
    }


def test_reads_the_fixture_network_in_file_order() -> None:
    net = read_net(NET)
    assert (net.n_zones, net.n_nodes, net.first_thru_node) == (3, 6, 4)
    assert net.init_node.tolist() == [1, 2, 1, 4, 4, 6, 2]
    assert net.free_flow_time.tolist() == [1, 1, 5, 5, 1, 1, 1]
    assert net.toll.tolist() == [0, 0, 0, 0, 0, 0, 2]
    trips = read_trips(TRIPS)
    assert trips.trips.tolist() == [[0, 5, 10], [0, 0, 5], [0, 0, 0]]


def test_zones_below_first_thru_node_are_not_passed_through() -> None:
    flows = _flows(NET, TRIPS)
    # 1→3 goes round via node 4 (cost 10) although 1→2→3 costs 2
    assert flows[(1, 4)] == pytest.approx(10.0)
    assert flows[(4, 3)] == pytest.approx(10.0)
    assert flows[(1, 2)] == pytest.approx(5.0)
    assert flows[(2, 3)] == pytest.approx(5.0)
    assert flows[(4, 5)] == 0.0 and flows[(6, 4)] == 0.0 and flows[(2, 1)] == 0.0


def test_first_thru_node_1_lets_every_zone_carry_through_traffic(tmp_path: Path) -> None:
    flows = _flows(_net_with(tmp_path, "<FIRST THRU NODE> 4", "<FIRST THRU NODE> 1"), TRIPS)
    assert flows[(1, 2)] == pytest.approx(15.0)
    assert flows[(2, 3)] == pytest.approx(15.0)
    assert flows[(1, 4)] == 0.0


def test_generalised_cost_adds_toll_and_distance_factors(tmp_path: Path) -> None:
    network, _ = load_tntp(NET, TRIPS, toll_factor=3.0, distance_factor=0.5)
    params = network.to_input_order(network.vdf_params[4])
    # fixed cost = 3 × toll + 0.5 × length
    assert params.tolist() == [0.5, 0.5, 2.5, 2.5, 0.5, 0.5, 6.5]


def test_reads_flow_files(tmp_path: Path) -> None:
    path = _write(tmp_path, "f_flow.tntp", "From \tTo \tVolume \tCost \n1 \t2 \t3.5 \t1.25 \n")
    flows = read_flows(path)
    assert flows.init_node.tolist() == [1] and flows.volume.tolist() == [3.5]
    assert flows.cost.tolist() == [1.25]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("\t1\t2\t100\t1\t1\t0", "\t1\t2\tabc\t1\t1\t0", ":11: capacity: 'abc' is not a number"),
        ("\t1\t2\t100\t1\t1\t0", "\t1\t2\t0\t1\t1\t0", ":11: capacity: 0 is not positive"),
        ("\t2\t3\t100", "\t2\t9\t100", ":12: term_node: 9 is not a node 1..6"),
        (
            "\t1\t4\t100\t5\t5\t0\t4",
            "\t1\t4\t100\t5\t5\t0\t0.5",
            ":13: power: 0.5 is not 0 or >= 1",
        ),
        ("\t4\t3\t100\t5\t5", "\t4\t3\t100\t5\t-5", ":14: free_flow_time: -5 is negative"),
        ("\t4\t5\t100\t1\t1\t0\t4\t0\t0\t1\t;", "\t4\t5\t100\t1\t;", ":15: 4 values, expected 10"),
        ("<NUMBER OF LINKS> 7", "<NUMBER OF LINKS> 8", ":4: 7 link rows but <NUMBER OF LINKS> 8"),
        ("<FIRST THRU NODE> 4\n", "", "metadata lacks <FIRST THRU NODE>"),
        ("<END OF METADATA>", "<END>", "no <END OF METADATA> line"),
        ("<NUMBER OF NODES> 6", "<NUMBER OF NODES> six", ":2: NUMBER OF NODES: <NUMBER OF NODES>"),
    ],
)
def test_bad_network_files_name_line_column_and_fix(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = _net_with(tmp_path, old, new)
    with pytest.raises(InputError, match="fix:") as caught:
        read_net(path)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = NET.read_text(encoding="utf-8").replace("\t100\t", "\t-1\t")
    with pytest.raises(InputError) as caught:
        read_net(_write(tmp_path, "n.tntp", text))
    assert len(caught.value.problems) == 7
    assert {p.row for p in caught.value.problems} == set(range(11, 18))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("3 :      10.0;", "3 :     -10.0;", ":7: flow: -10.0 is negative or not finite"),
        ("3 :      10.0;", "4 :      10.0;", ":7: destination: zone 4 is outside 1..3"),
        ("3 :      10.0;", "3 :      ten;", ":7: flow: 'ten' is not a number"),
        ("Origin 2", "Origin x", ":9: origin: 'x' is not a zone number"),
        ("3 :       5.0;", "3 :       5.0; 3 : 1.0;", ":10: destination: pair 2 → 3 listed twice"),
        ("<TOTAL OD FLOW> 20.0", "<TOTAL OD FLOW> 25.0", ":2: TOTAL OD FLOW: rows sum to 20"),
        ("Origin 1\n", "", ":6: demand before any 'Origin' line"),
        ("2 :       5.0;", "2 =       5.0;", ":7: '2 =       5.0' is not 'destination : flow'"),
    ],
)
def test_bad_trips_files_name_line_column_and_fix(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = _trips_with(tmp_path, old, new)
    with pytest.raises(InputError, match="fix:") as caught:
        read_trips(path)
    assert expected in str(caught.value)


def test_trips_of_another_network_are_refused(tmp_path: Path) -> None:
    trips = _trips_with(tmp_path, "<NUMBER OF ZONES> 3", "<NUMBER OF ZONES> 2")
    text = (
        trips.read_text().replace("3 :      10.0;", "").replace("Origin 2\n    3 :       5.0;", "")
    )
    trips.write_text(text.replace("<TOTAL OD FLOW> 20.0", "<TOTAL OD FLOW> 5.0"))
    with pytest.raises(
        InputError, match=r":1: NUMBER OF ZONES: <NUMBER OF ZONES> 2 differs from 3"
    ):
        load_tntp(NET, trips)


def test_unreachable_demand_is_an_input_error(tmp_path: Path) -> None:
    trips = _trips_with(tmp_path, "Origin 2\n    3 :       5.0;", "Origin 3\n    1 :       5.0;")
    with pytest.raises(InputError, match=r"1 OD pair\(s\) with demand have no path: 3→1"):
        _flows(NET, trips)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.tntp: file not found — fix: give the path"):
        read_net(tmp_path / "nope.tntp")
    with pytest.raises(InputError, match="is a directory"):
        read_trips(tmp_path)
    binary = tmp_path / "b.tntp"
    binary.write_bytes(b"\xff\xfe<NUMBER")
    with pytest.raises(InputError, match=r"is not UTF-8 text \(byte 0\)"):
        read_net(binary)


def test_negative_cost_factors_are_refused() -> None:
    with pytest.raises(InputError, match=r"--toll-factor: -1\.0 is not a number >= 0"):
        load_tntp(NET, TRIPS, toll_factor=-1.0)


def test_a_flow_file_without_its_header_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "f.tntp", "1 2 3 4\n")
    with pytest.raises(InputError, match="first line is not the header 'From To Volume Cost'"):
        read_flows(path)
    assert np.isfinite(read_flows(_write(tmp_path, "g.tntp", "From To Volume Cost\n")).volume).all()
