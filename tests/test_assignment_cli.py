"""``tripp assign`` through Typer's test runner on a tiny app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tripp.cli.assign import register

FIXTURES = Path(__file__).resolve().parent / "assignment_fixtures"
FILES = [
    "--tntp-net",
    str(FIXTURES / "blocked-network.tntp"),
    "--tntp-trips",
    str(FIXTURES / "blocked-demand.tntp"),
]


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Keeps the app a group, as in tripp.cli.main."""

    register(app)
    return app


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_app(), ["assign", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def test_json_summary_has_the_stable_keys() -> None:
    code, out, _ = _invoke(*FILES, "--format", "json", "--algorithm", "gp", "--gap", "1e-9")
    assert code == 0
    summary = json.loads(out)
    assert list(summary) == [
        "algorithm", "iterations", "relative_gap", "converged", "tstt", "wall_s", "links"
    ]  # fmt: skip
    assert summary["algorithm"] == "gp" and summary["converged"] is True
    assert summary["links"] == 7
    # 5 × 1 + 10 × 10 + 5 × 1 (see the fixture)
    assert summary["tstt"] == pytest.approx(110.0)


def test_table_output_and_flows_csv(tmp_path: Path) -> None:
    out = tmp_path / "flows.csv"
    code, stdout, _ = _invoke(*FILES, "--out", str(out), "--toll-factor", "1")
    assert code == 0
    assert "Equilibrium assignment" in stdout and "converged" in stdout
    lines = out.read_text().splitlines()
    assert lines[0] == "init_node,term_node,flow,cost"
    assert lines[3] == "1,4,10.0,5.0"
    assert len(lines) == 8
    assert list(tmp_path.iterdir()) == [out]


def test_an_existing_output_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "flows.csv"
    out.write_text("keep me")
    code, _, err = _invoke(*FILES, "--out", str(out))
    assert code == 2
    assert "already exists — fix: pass --force" in err
    assert out.read_text() == "keep me"
    code, _, _ = _invoke(*FILES, "--out", str(out), "--force")
    assert code == 0 and out.read_text().startswith("init_node")


def test_not_reaching_the_gap_prints_the_summary_and_exits_4(tmp_path: Path) -> None:
    net = tmp_path / "net.tntp"
    # let zone 2 carry through traffic and congest 1→2 and 2→3: two ODs with route choice
    text = (FIXTURES / "blocked-network.tntp").read_text().replace("THRU NODE> 4", "THRU NODE> 1")
    for link in ("\t1\t2\t", "\t2\t3\t"):
        text = text.replace(f"{link}100\t1\t1\t0\t4", f"{link}10\t1\t1\t10\t4", 1)
    net.write_text(text)
    files = ["--tntp-net", str(net), "--tntp-trips", FILES[3]]
    code, out, err = _invoke(
        *files, "--algorithm", "fw", "--gap", "1e-12", "--max-iter", "2", "--format", "json"
    )
    assert code == 4
    assert json.loads(out)["converged"] is False
    assert "did not reach 1e-12" in err and "Traceback" not in err


def test_bad_input_is_one_line_on_stderr_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "net.tntp"
    bad.write_text(
        (FIXTURES / "blocked-network.tntp").read_text().replace("\t100\t1\t1\t0", "\tx\t1\t1\t0", 1)
    )
    code, out, err = _invoke("--tntp-net", str(bad), "--tntp-trips", FILES[3])
    assert code == 2 and out == ""
    assert err.strip() == f"error: {bad}:11: capacity: 'x' is not a number — fix: write a number"


def test_missing_options_and_the_corridor_hook() -> None:
    code, _, err = _invoke("--tntp-net", FILES[1])
    assert code == 2 and "--tntp-trips: is required" in err
    code, _, err = _invoke("--year", "2030")
    assert code == 2 and "--year/--demand: need a corridor scenario" in err
    code, _, err = _invoke("--scenario", "tripp-2031")
    assert code == 2 and "unknown scenario 'tripp-2031' — fix: did you mean 'tripp-2030'?" in err
    code, _, err = _invoke(*FILES, "--demand", "d.csv")
    assert code == 2 and "apply to corridor assignment, not TNTP files" in err
    code, _, err = _invoke(*FILES, "--gap", "-1")
    assert code == 2 and "--gap: must be positive" in err


def test_the_default_algorithm_is_auto_and_says_what_it_ran() -> None:
    code, out, _ = _invoke(*FILES, "--format", "json", "--gap", "1e-4")
    assert code == 0
    # 2 OD pairs on 7 links: few ODs per link, so auto runs gp
    assert json.loads(out)["algorithm"] == "gp"
