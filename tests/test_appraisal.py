"""Appraisal: hand-worked cash flows against numpy-financial, the rules for a BCR and an
EIRR, refused options, seeded risk across worker counts, and the embedded atlas's run."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import numpy_financial as npf
import pytest

import tripp
from tripp.appraisal.cashflow import BenefitStream, CashFlowModel, Factors, ProjectCosts
from tripp.appraisal.finance import bcr, irr, present_value
from tripp.appraisal.risk import RiskModel, risk
from tripp.appraisal.sensitivity import economic_npv, switching_values, tornado
from tripp.appraisal.settings import AppraisalSettings, discount_rate
from tripp.atlas.io import default_atlas_folder, validate
from tripp.errors import InputError


def _model(benefit_usd: float = 60.0, *, life: int = 2, horizon: int = 3) -> CashFlowModel:
    """Capex 100 in 2020, open 2021, no opex, benefits from 2021 without ramp-up."""
    project = ProjectCosts("p", "AM", 1, {2020: 100.0}, 0.0, life, 0.0)
    benefits = (BenefitStream("shippers", "AM", benefit_usd, "traffic"),)
    return CashFlowModel(2020, horizon, 2021, 2021, 0, 0.0, 1.0, benefits, (project,))


def test_hand_worked_cash_flows_match_numpy_financial() -> None:
    flows = _model().economic(Factors())
    assert flows.net.tolist() == [-100.0, 60.0, 60.0]
    # -100 + 60/1.1 + 60/1.21 = 4.1322
    assert present_value(flows.net, 0.10) == pytest.approx(4.1322314, abs=1e-6)
    assert present_value(flows.net, 0.10) == pytest.approx(npf.npv(0.10, flows.net))
    rate = irr(flows.net, has_benefits=True)
    assert rate.value == pytest.approx(npf.irr(flows.net)) and rate.value == pytest.approx(
        0.1306624
    )
    assert bcr(present_value(flows.benefits, 0.1), 100.0) == pytest.approx(104.1322314 / 100)


def test_residual_value_and_renewal() -> None:
    # life 4 from 2021: by 2022 two years used, two left: residual 100 × 2/4 in the last year
    flows = _model(life=4).economic(Factors())
    assert flows.residual.tolist() == [0.0, 0.0, 50.0]
    # life 1: renewed in 2022 at its capex, nothing left at the end
    renewed = _model(life=1).economic(Factors())
    assert renewed.capex.tolist() == [100.0, 0.0, 100.0] and renewed.residual.tolist() == [0, 0, 0]


def test_zero_benefits_give_bcr_zero_and_no_eirr() -> None:
    flows = _model(0.0, life=4).economic(Factors())
    pv_costs = present_value(flows.capex + flows.opex - flows.residual, 0.05)
    assert bcr(present_value(flows.benefits, 0.05), pv_costs) == 0.0
    rate = irr(flows.net, has_benefits=False)
    assert rate.value is None and "no benefits" in rate.note
    assert irr(np.array([-1.0, -2.0]), has_benefits=True).value is None


def test_higher_discount_rate_lowers_npv_of_costs_first_project() -> None:
    model = _model()
    values = [economic_npv(model, Factors(), r) for r in (0.0, 0.03, 0.05, 0.09)]
    assert values == sorted(values, reverse=True) and values[0] == pytest.approx(20.0)


def test_switching_values_bring_npv_to_zero() -> None:
    model = _model()
    found = {row["input"]: row for row in switching_values(model, 0.10, 0.1306624)}
    multiplier = found["traffic"]["switching_value"]
    assert economic_npv(model, Factors(traffic=multiplier), 0.10) == pytest.approx(0, abs=1e-6)
    assert found["capex"]["switching_value"] == pytest.approx(1.041322, abs=1e-5)
    assert found["discount_rate"]["switching_value"] == pytest.approx(0.1306624)
    assert found["delay_years"]["switching_value"] == 1
    rows = tornado(model, 0.10)
    assert rows[0]["swing_usd"] >= rows[-1]["swing_usd"]
    assert {r["input"] for r in rows} == {"capex", "traffic", "discount_rate"}


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (AppraisalSettings(discount_rate=-0.01), "discount_rate"),
        (AppraisalSettings(discount_rate=0.9), "discount_rate"),
        (AppraisalSettings(horizon_years=0), "horizon_years"),
        (AppraisalSettings(conversion_factor=5.0), "conversion_factor"),
        (AppraisalSettings(operating_ratio=1.5), "operating_ratio"),
    ],
)
def test_absurd_options_are_refused_with_the_fix(settings: AppraisalSettings, field: str) -> None:
    with pytest.raises(InputError) as caught:
        settings.check()
    assert field in str(caught.value) and "give" in str(caught.value)


def test_discount_rate_presets_and_percentages() -> None:
    assert discount_rate("eu-cohesion") == 0.05 and discount_rate("uk-green-book") == 0.035
    assert discount_rate("9%") == pytest.approx(0.09) and discount_rate("0.06") == 0.06
    with pytest.raises(InputError, match="preset"):
        discount_rate("cheap")


def test_seeded_risk_is_identical_across_worker_counts() -> None:
    model = RiskModel(_model(), ("rail",), 0.05, seed=7)
    one = risk(model, 300, workers=1)
    two = risk(model, 300, workers=2)
    assert one == two and one["samples"] == 300
    assert one["p10_npv_usd"] <= one["p50_npv_usd"] <= one["p90_npv_usd"]
    assert risk(RiskModel(_model(), ("rail",), 0.05, seed=8), 300, workers=1) != one
    sobol = {row["input"]: row for row in one["sobol"]}
    assert sobol["value_of_time"]["total_order"] == 0.0  # the toy model has no time benefit
    assert sobol["capex_overrun"]["total_order"] > 0.05 and sobol["traffic"]["total_order"] > 0.05


def test_a_project_naming_an_unknown_element_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "atlas"
    shutil.copytree(default_atlas_folder(), folder)
    table = folder / "projects.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("link:aghband__meghri__rail", "link:aghband__megri__rail", 1)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate(folder)
    assert any(
        p.where == "projects.csv" and p.row == 2 and p.column == "elements" and "megri" in p.problem
        for p in problems
    ), problems


def test_an_absurd_capex_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "atlas"
    shutil.copytree(default_atlas_folder(), folder)
    table = folder / "projects.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["capex_usd"] = "2000000000000000"  # USD 2,000 trillion: a slip of the zeros
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    problems = validate(folder)
    assert any(
        p.where == "projects.csv" and p.row == 2 and p.column == "capex_usd" for p in problems
    )


@pytest.fixture(scope="module")
def tripp_2030() -> tripp.AppraisalResult:
    atlas = tripp.load_atlas()
    base, other = tripp.scenario(atlas, "baseline-2025"), tripp.scenario(atlas, "tripp-2030")
    return tripp.appraise(other, against=base)


def test_tripp_2030_carries_the_projects_that_open_by_2030(
    tripp_2030: tripp.AppraisalResult,
) -> None:
    ids = {p.project_id for p in tripp_2030.projects}
    assert {"tripp_rail_armenia", "kars_dilucu_rail", "horadiz_aghband_rail"} <= ids
    assert "black_sea_cable" not in ids  # opens in 2032, not by 2030
    data = tripp_2030.to_dict()
    for key in (
        "scenario",
        "against",
        "discount_rate",
        "horizon_years",
        "price_year",
        "npv_usd",
        "bcr",
        "eirr",
        "firr",
        "cash_flows",
        "by_stakeholder",
        "sensitivity",
        "switching_values",
        "risk",
    ):
        assert key in data
    flows = data["cash_flows"][0]
    assert set(flows) >= {"year", "capex_usd", "opex_usd", "benefits_usd", "net_usd"}
    assert data["energy"]["system_cost_usd_after"] < data["energy"]["system_cost_usd_before"]
    total = sum(r["npv_usd"] for r in data["by_stakeholder"])
    assert total == pytest.approx(data["npv_usd"], rel=1e-6, abs=5)


def test_a_scenario_against_itself_is_worth_nothing() -> None:
    other = tripp.scenario(tripp.load_atlas(), "tripp-2030")
    result = tripp.appraise(other, against=other)
    assert result.projects == () and result.npv_usd == pytest.approx(0.0, abs=1.0)
    assert result.bcr is None and result.eirr is None and result.energy is None
    assert any("no project" in note for note in result.notes)


def test_armenia_gains_transit_and_georgia_loses(tripp_2030: tripp.AppraisalResult) -> None:
    change = {
        t.country: t.usd_per_year_after - t.usd_per_year_before for t in tripp_2030.transit_revenue
    }
    assert change["AM"] > 1e6 and change["GE"] < -1e6


def test_cli_json_and_refused_rate(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tripp.cli.main import app

    runner = CliRunner()
    bad = runner.invoke(
        app, ["appraise", "tripp-2030", "--against", "baseline-2025", "--discount-rate", "-5%"]
    )
    assert bad.exit_code == 2 and "discount_rate" in bad.output
    out = tmp_path / "appraisal"
    good = runner.invoke(
        app,
        [
            "appraise",
            "tripp-2030",
            "--against",
            "tripp-2030-without-kars-dilucu",
            "--format",
            "json",
            "--out",
            str(out),
        ],
    )
    assert good.exit_code == 0, good.output
    data = json.loads(good.stdout)
    assert [p["project_id"] for p in data["projects"]] == ["kars_dilucu_rail"]
    assert (out / "cash_flows.csv").is_file() and (out / "cash_flows.parquet").is_file()
