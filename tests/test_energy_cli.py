"""``tripp energy`` through Typer's runner, and lazy imports of PyPSA."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from tripp.energy.command import register


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Keeps the app a group, as in tripp.cli."""

    register(app)
    return app


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_app(), ["energy", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def islanded_json() -> dict[str, object]:
    code, out, err = _invoke(
        "nakhchivan-islanded",
        "--carrier",
        "gas",
        "--missing-capacity",
        "unbounded",
        "--format",
        "json",
    )
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_json_is_the_result_and_stdout_stays_clean(islanded_json: dict[str, object]) -> None:
    assert islanded_json["scenario"] == "nakhchivan-islanded"
    assert islanded_json["carrier"] == "gas" and islanded_json["year"] == 2025
    nakh = next(d for d in islanded_json["demands"] if d["node_id"] == "nakhchivan")  # type: ignore[attr-defined]
    assert nakh["unmet"] == nakh["demand"] > 0  # no gas field in the exclave


def test_table_output_names_regions_and_assumptions() -> None:
    code, out, _ = _invoke(
        "nakhchivan-islanded", "--carrier", "gas", "--missing-capacity", "unbounded"
    )
    assert code == 0
    assert "Nakhchivan" in out and "assumption: link" in out and "total cost USD" in out


def test_unknown_scenario_exits_2_with_a_suggestion() -> None:
    code, out, err = _invoke("nakhchivan-islandd")
    assert code == 2 and out == ""
    assert err.startswith("error: --scenario: unknown scenario 'nakhchivan-islandd'")
    assert "did you mean 'nakhchivan-islanded'?" in err


def test_bad_carrier_is_a_usage_error() -> None:
    code, _, err = _invoke("baseline-2025", "--carrier", "oil")
    assert code == 2 and "oil" in err


def test_importing_tripp_and_the_command_does_not_import_pypsa() -> None:
    code = (
        "import sys, tripp, tripp.cli, tripp.energy, tripp.energy.command; "
        "sys.exit('pypsa' in sys.modules or 'linopy' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
