"""The report's appraisal section: on the embedded atlas (tripp-2030 against baseline-2025,
one appraisal for the module) its table, notes and three charts; on the mini atlas, which
has no value of time to appraise with, the reason in its place, or the error with
``appraise=True``, and no section with ``appraise=False``."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

import tripp
from tripp.errors import InputError
from tripp.reporting.build import ReportData, collect
from tripp.reporting.html import render
from tripp.reporting.write import write_report
from tripp.scenarios.network import ScenarioNetwork, scenario_network

SCENARIOS = Path(__file__).parent / "fixtures" / "scenarios"
CHARTS = (
    "Economic cash flows by year",
    "NPV by stakeholder and country",
    "Sensitivity of the NPV (tornado)",
)


@pytest.fixture(scope="module")
def data() -> ReportData:
    atlas = tripp.load_atlas()
    base, other = tripp.scenario(atlas, "baseline-2025"), tripp.scenario(atlas, "tripp-2030")
    return collect(base, [other], pairs=[("Baku", "Kars")], objective="time")


@pytest.fixture(scope="module")
def html(data: ReportData) -> str:
    return render(data)


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find("<h2", start)
    return html[start : end if end >= 0 else len(html)]


def test_two_scenarios_are_appraised_by_default(data: ReportData) -> None:
    (outcome,) = data.appraisals
    assert outcome is not None and outcome.error is None and outcome.result is not None
    assert (outcome.result.scenario, outcome.result.against) == ("tripp-2030", "baseline-2025")


def test_section_shows_the_headline_figures_and_notes(data: ReportData, html: str) -> None:
    section = _section(html, "vs-tripp-2030-appraisal")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    for label in ("economic NPV", "BCR", "EIRR", "financial NPV", "FIRR", "PV of benefits"):
        assert label in text
    result = data.appraisals[0].result  # type: ignore[union-attr]
    assert result is not None and result.bcr is not None
    assert f"{result.bcr:,.2f}" in text
    assert "discount rate 5 % a year" in text and f"{result.price_year} prices" in text
    for note in result.notes:
        assert note.split(":")[0] in text.replace("&#39;", "'")


def test_section_holds_its_three_charts_as_png(html: str) -> None:
    section = _section(html, "vs-tripp-2030-appraisal")
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)"', section)
    assert [alt.split(",")[0] for alt, _ in images] == list(CHARTS)
    for _, data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.fixture(scope="module")
def mini(mini_atlas: tripp.Atlas) -> tuple[ScenarioNetwork, ScenarioNetwork]:
    return (
        scenario_network(mini_atlas, SCENARIOS / "base.toml"),
        scenario_network(mini_atlas, SCENARIOS / "no-iran.toml"),
    )


def test_an_appraisal_that_cannot_be_made_says_why(
    mini: tuple[ScenarioNetwork, ScenarioNetwork], tmp_path: Path
) -> None:
    base, other = mini
    out = write_report(base, [other], tmp_path / "out", pairs=[("a", "e")])
    section = _section((out / "report.html").read_text(encoding="utf-8"), "vs-no-iran-appraisal")
    assert "Not appraised:" in section and "value of time" in section
    assert "<img" not in section


def test_appraise_true_stops_on_the_error_and_false_leaves_no_section(
    mini: tuple[ScenarioNetwork, ScenarioNetwork], tmp_path: Path
) -> None:
    base, other = mini
    with pytest.raises(InputError, match="value of time"):
        write_report(base, [other], tmp_path / "strict", pairs=[("a", "e")], appraise=True)
    assert not (tmp_path / "strict").exists()  # refused before anything was written
    out = write_report(base, [other], tmp_path / "off", pairs=[("a", "e")], appraise=False)
    assert "-appraisal" not in (out / "report.html").read_text(encoding="utf-8")


def test_more_than_two_scenarios_are_not_appraised_by_default(
    mini: tuple[ScenarioNetwork, ScenarioNetwork],
) -> None:
    base, other = mini
    data = collect(base, [other, other], pairs=[("a", "e")], objective="time")
    assert data.appraisals == (None, None)


def test_cash_flows_and_stakeholders_are_written_beside_the_report(
    data: ReportData, tmp_path: Path
) -> None:
    import pandas as pd

    from tripp.reporting.tables import write_tables

    write_tables(data, tmp_path)
    flows = pd.read_parquet(tmp_path / "appraisal_cash_flows.parquet")
    result = data.appraisals[0].result  # type: ignore[union-attr]
    assert result is not None and len(flows) == result.horizon_years
    assert set(flows["scenario"]) == {"tripp-2030"}
    assert flows["net_usd"].sum() == pytest.approx(sum(r["net_usd"] for r in result.cash_flows()))
    owners = pd.read_csv(tmp_path / "appraisal_by_stakeholder.csv")
    assert {"stakeholder", "country", "npv_usd", "usd_per_year"} <= set(owners.columns)
