"""``tripp energy`` through Typer's runner, and lazy imports of PyPSA."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tripp.atlas.io import default_atlas_folder
from tripp.cli.energy import register


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Keeps the app a group, as in tripp.cli.main."""

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


def test_table_output_names_regions_and_assumptions(tmp_path: Path) -> None:
    code, out, _ = _invoke("nakhchivan-islanded", "--carrier", "gas")
    assert code == 0 and "Nakhchivan" in out and "system cost USD" in out
    # an atlas with a link of unknown capacity: refused by default, an assumption if allowed
    atlas = tmp_path / "atlas"
    shutil.copytree(default_atlas_folder(), atlas)
    links = atlas / "links.csv"
    text = links.read_text(encoding="utf-8")
    assert ",511.3,,,12,bcm_per_year," in text
    links.write_text(text.replace(",511.3,,,12,bcm_per_year,", ",878,,,,,"), encoding="utf-8")
    code, _, err = _invoke("baseline-2025", "--carrier", "gas", "--atlas", str(atlas))
    assert code == 2 and "tap" in err
    code, out, _ = _invoke(
        "baseline-2025",
        "--carrier",
        "gas",
        "--atlas",
        str(atlas),
        "--missing-capacity",
        "unbounded",
    )
    assert code == 0 and "assumption: link tap" in out


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
        "import sys, tripp, tripp.cli.main, tripp.energy_model, tripp.cli.energy; "
        "sys.exit('pypsa' in sys.modules or 'linopy' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
