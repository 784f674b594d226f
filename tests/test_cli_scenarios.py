"""CLI for scenarios, comparison and exposure on the mini atlas."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import MINI
from tripp.cli.main import app

runner = CliRunner()
SCENARIOS = Path(__file__).parent / "fixtures" / "scenarios"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_route_under_a_scenario_uses_its_year_and_rules() -> None:
    code, out, _ = run(
        "route",
        "a",
        "e",
        "--atlas",
        str(MINI),
        "--scenario",
        str(SCENARIOS / "no-iran.toml"),
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["year"] == 2030
    assert data["routes"][0]["countries"] == ["AZ", "GE", "TR"]


def test_scenario_show_and_validate() -> None:
    code, out, _ = run(
        "scenario",
        "show",
        str(SCENARIOS / "slow-border.toml"),
        "--atlas",
        str(MINI),
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["lineage"] == ["base", "open-rail", "slow-border"]
    assert data["sources"][0]["source_id"] == "hand"
    code, out, _ = run(
        "scenario", "validate", str(SCENARIOS / "open-rail.toml"), "--atlas", str(MINI)
    )
    assert code == 0 and out.startswith("valid: open-rail (2026; base → open-rail)")
    code, _, err = run("scenario", "validate", str(SCENARIOS / "broken.toml"), "--atlas", str(MINI))
    assert code == 2 and "6 problems found" in err and "did you mean 'link:r4'?" in err


def test_unknown_scenario_name_gets_did_you_mean() -> None:
    code, _, err = run("route", "a", "e", "--atlas", str(MINI), "--scenario", "tripp-2031")
    assert code == 2 and "unknown scenario 'tripp-2031'" in err


def test_compare_json(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\na,e\nAlpha,Charlie\n", encoding="utf-8")
    code, out, _ = run(
        "compare",
        str(SCENARIOS / "base.toml"),
        str(SCENARIOS / "no-iran.toml"),
        "--atlas",
        str(MINI),
        "--pairs",
        str(pairs),
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["summary"]["slower"] == 1 and data["summary"]["unchanged"] == 1
    assert {row["country"] for row in data["exposure_change"]} == {"GE", "IR"}
    bad = tmp_path / "bad.csv"
    bad.write_text("from,to\na,e\n", encoding="utf-8")
    code, _, err = run(
        "compare",
        str(SCENARIOS / "base.toml"),
        str(SCENARIOS / "base.toml"),
        "--atlas",
        str(MINI),
        "--pairs",
        str(bad),
    )
    assert code == 2 and "needs columns origin and destination" in err


def test_exposure_json() -> None:
    code, out, _ = run(
        "exposure", str(SCENARIOS / "base.toml"), "--atlas", str(MINI), "--format", "json"
    )
    data = json.loads(out)
    assert code == 0 and data["countries"][0]["country"] == "IR"
    assert data["countries"][0]["transit_share_t"] == round(1200 / 1700, 4)
    assert data["flows"][0]["loss"] == {"IR": None}


def test_report_command_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\na,e\n", encoding="utf-8")
    out = tmp_path / "report"
    args = (
        "report",
        str(SCENARIOS / "base.toml"),
        str(SCENARIOS / "no-iran.toml"),
        "--atlas",
        str(MINI),
        "--out",
        str(out),
        "--pairs",
        str(pairs),
    )
    code, stdout, _ = run(*args)
    assert code == 0 and (out / "report.html").is_file() and "wrote" in stdout
    code, _, err = run(*args)
    assert code == 2 and "already exists — fix: pass --force" in err
    assert run(*args, "--force")[0] == 0
