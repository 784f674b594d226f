"""NaN and inf are refused on every numeric path that reaches an analysis without the atlas
schema: command-line float options, TNTP files, the reliability parameter CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import tripp
from tests.test_assignment_tntp import NET, TRIPS, _net_with, _trips_with, _write
from tripp.assignment import AssignmentSpec, read_flows, read_net, read_trips
from tripp.atlas.reliability import load_params
from tripp.cli.main import app
from tripp.errors import InputError
from tripp.resilience.criticality import criticality
from tripp.scenarios.network import scenario_network

FIXTURES = Path(__file__).parent / "fixtures"
MINI = ["--atlas", str(FIXTURES / "mini")]
BASE = str(FIXTURES / "scenarios" / "base.toml")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["criticality", BASE, *MINI, "--t-per-teu", "inf"],
            "error: --t-per-teu: inf is out of range — fix: give a finite value > 0",
        ),
        (
            ["assign", "--tntp-net", str(NET), "--tntp-trips", str(TRIPS), "--gap", "inf"],
            "error: --gap: must be positive and finite — fix: use e.g. 1e-4",
        ),
        (
            ["route", "a", "e", *MINI, "--vot-usd-per-teu-h", "nan"],
            "error: --vot-usd-per-teu-h: is not finite — fix: give a value ≥ 0",
        ),
        (
            ["assign", "--tntp-net", str(NET), "--tntp-trips", str(TRIPS), "--toll-factor", "nan"],
            "error: --toll-factor: nan is not a number >= 0",
        ),
    ],
)
def test_float_options_refuse_nan_and_inf_in_one_line(args: list[str], expected: str) -> None:
    code, err = invoke(*args)
    assert code == 2 and err.lstrip("\n").startswith(expected), err
    assert len(err.strip().splitlines()) == 1


def test_the_python_verbs_refuse_an_infinite_gap_and_tonnes_per_teu(
    mini_atlas: tripp.Atlas,
) -> None:
    with pytest.raises(InputError, match="gap: must be positive and finite"):
        AssignmentSpec(target_gap=float("inf"))
    network = scenario_network(mini_atlas, BASE)
    with pytest.raises(InputError, match="t_per_teu: inf is out of range"):
        criticality(network, t_per_teu=float("inf"), workers=1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("<NUMBER OF NODES> 6", "<NUMBER OF NODES> nan", ":2: NUMBER OF NODES: <NUMBER OF NODES>"),
        ("<NUMBER OF LINKS> 7", "<NUMBER OF LINKS> inf", "value 'inf' is not a finite number"),
    ],
)
def test_tntp_headers_refuse_nan_and_inf(tmp_path: Path, old: str, new: str, expected: str) -> None:
    with pytest.raises(InputError, match="fix:") as caught:
        read_net(_net_with(tmp_path, old, new))
    assert expected in str(caught.value)


def test_tntp_total_flow_and_flow_files_refuse_nan_and_inf(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="TOTAL OD FLOW: <TOTAL OD FLOW> value 'inf' is not"):
        read_trips(_trips_with(tmp_path, "<TOTAL OD FLOW> 20.0", "<TOTAL OD FLOW> inf"))
    flows = _write(tmp_path, "f_flow.tntp", "From To Volume Cost\n1 2 nan 1.25\n1 3 2 inf\n")
    with pytest.raises(InputError) as caught:
        read_flows(flows)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "volume"), (3, "cost")]


def test_reliability_parameters_refuse_inf_and_non_utf8(
    tmp_path: Path, mini_atlas: tripp.Atlas
) -> None:
    file = tmp_path / "reliability.csv"
    file.write_text(
        "element,closures_per_year,closure_days,dwell_median_h,dwell_p90_factor,source_ids,note\n"
        "link-mode:rail,inf,0,,,hand,\nlink-mode:road,0,0,,,hand,\n"
        "crossing-mode:rail,0,0,inf,1,hand,\ncrossing-mode:road,0,0,,inf,hand,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_params(file, mini_atlas)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "closures_per_year"),
        (4, "dwell_median_h"),
        (5, "dwell_p90_factor"),
    ]
    assert "'inf' is not a finite number" in caught.value.problems[0].problem
    file.write_bytes(b"element,note\nlink:caf\xe9,x\n")
    with pytest.raises(InputError, match=r"reliability.csv: is not UTF-8 text \(byte 21\)"):
        load_params(file, mini_atlas)
