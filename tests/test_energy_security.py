"""Gas security of supply (N-1, EU 2017/1938 Annex II) on tiny atlases worked out by hand.

Year 2025 has 365 days, so an annual figure F mcm/yr gives F / 365 mcm/d; link capacities
are given in mcm_per_year as 365 × the mcm/d wanted (10 mcm/d = 3,650 mcm/yr).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import tripp
from tests import test_web_e2e
from tests.test_energy_model import atlas, link, node, row
from tripp.atlas.model import Atlas, EnergyRow, Plant, SeasonShare, Storage
from tripp.cli.main import app as cli
from tripp.energy_model import SecurityReport, security_of_supply
from tripp.energy_model.security_demand import PEAK_DAY_FACTOR
from tripp.errors import InputError

YEAR = 2025


def per_day(mcm_per_day: float) -> float:
    """A capacity in mcm_per_year carrying ``mcm_per_day`` (÷ 365 in the indicator)."""
    return mcm_per_day * 365.0


def store(node_id: str, volume_mcm: float, withdrawal_mcm_per_day: float, **kw: Any) -> Storage:
    return Storage(
        storage_id=f"{node_id}_ugs",
        node_id=node_id,
        carrier="gas",
        working_volume=volume_mcm,
        volume_unit="mcm",
        injection=withdrawal_mcm_per_day,
        withdrawal=withdrawal_mcm_per_day,
        rate_unit="mcm_per_day",
        source_ids=("s",),
        **kw,
    )


def plant(node_id: str, mw: float, mwh_per_mcm: float, **kw: Any) -> Plant:
    return Plant(
        plant_id=f"{node_id}_tpp",
        node_id=node_id,
        capacity_mw=mw,
        efficiency_mwh_per_mcm=mwh_per_mcm,
        source_ids=("s",),
        **kw,
    )


def profile(profile_id: str, january: float) -> list[SeasonShare]:
    """``january`` of the year in January, the rest spread evenly over February–December."""
    rest = (1.0 - january) / 11
    return [
        SeasonShare(profile_id=profile_id, month=m, share=january if m == 1 else rest)
        for m in range(1, 13)
    ]


def two_entries(
    *, peak: float | None = 12.0, volume: float = 30.0, withdrawal: float = 3.0
) -> Atlas:
    """Area AM (x, y): entries from GE (10 mcm/d) and IR (6 mcm/d), production 2 mcm/d at
    x, a storage of ``volume`` mcm and ``withdrawal`` mcm/d at y, flat demand 10 mcm/d at y
    and (``peak``) a published peak day."""
    energy = [row("x", "supply", 730.0), row("y", "demand", 3650.0)]
    if peak is not None:
        energy.append(row("y", "peak_demand", peak, unit="mcm_per_day"))
    return atlas(
        [node("g", "GE"), node("i", "IR"), node("x", "AM"), node("y", "AM")],
        [
            link("ge_am", "g", "x", capacity=per_day(10.0)),
            link("ir_am", "i", "y", capacity=per_day(6.0), direction="forward"),
            link("xy", "x", "y"),  # inside the area: no capacity needed
        ],
        energy,
        storage=[store("y", volume, withdrawal)] if volume else [],
    )


def test_n_minus_1_with_a_published_peak_day() -> None:
    area = security_of_supply(two_entries(), year=YEAR).area("AM")
    assert [e.link_id for e in area.entry_points] == ["ge_am", "ir_am"]
    assert (area.ep_mcm_per_day, area.pm_mcm_per_day, area.sm_mcm_per_day) == (16.0, 2.0, 3.0)
    assert area.lng_mcm_per_day == 0.0
    assert area.largest_infrastructure is not None
    assert (area.largest_infrastructure.id, area.largest_infrastructure.kind) == (
        "ge_am",
        "entry_point",
    )
    assert area.im_mcm_per_day == 10.0 and area.dmax_mcm_per_day == 12.0
    assert area.dmax_method.startswith("published")
    assert area.n_minus_1_pct == pytest.approx(91.7)  # (10 + 6 + 2 + 3 − 10) / 12
    assert area.meets_standard is False


def test_days_on_storage_when_the_largest_entry_stops() -> None:
    """Peak month (flat: January) 10 mcm/d; without ge_am 6 + 2 = 8 remain: deficit 2,
    30 mcm last 15 days and the 3 mcm/d withdrawal covers the 2 mcm/d."""
    area = security_of_supply(two_entries(), year=YEAR).area("AM")
    assert area.peak_month == 1 and area.peak_month_demand_mcm_per_day == pytest.approx(10.0)
    assert area.deficit_mcm_per_day == pytest.approx(2.0)
    assert area.storage_working_volume_mcm == 30.0
    assert area.days_on_storage == pytest.approx(15.0)
    assert area.withdrawal_covers_deficit is True and area.lasts == "15.0 days on storage"


def test_withdrawal_below_the_deficit_is_short_from_day_one() -> None:
    area = security_of_supply(two_entries(withdrawal=1.5), year=YEAR).area("AM")
    assert area.days_on_storage == pytest.approx(15.0)
    assert area.withdrawal_covers_deficit is False
    assert "short 0.50 mcm/d from day one" in area.lasts


def test_no_storage_lasts_zero_days_and_says_so() -> None:
    report = security_of_supply(two_entries(volume=0.0), year=YEAR)
    area = report.area("AM")
    assert area.sm_mcm_per_day == 0.0 and area.days_on_storage == 0.0
    assert area.lasts.startswith("no storage") and area.withdrawal_covers_deficit is False
    assert any("No gas storage" in n for n in report.notes)
    assert area.n_minus_1_pct == pytest.approx(66.7)  # (16 + 2 − 10) / 12


def test_an_area_whose_supply_outlasts_the_loss_lasts_indefinitely() -> None:
    """With ir_am at 9 mcm/d, 9 + 2 remain when ge_am stops: more than the 10 mcm/d."""
    base = two_entries()
    ge_am, ir_am, xy = base.links
    stronger = replace(base, links=(ge_am, replace(ir_am, capacity=per_day(9.0)), xy))
    a = security_of_supply(stronger, year=YEAR).area("AM")
    assert (a.deficit_mcm_per_day, a.days_on_storage, a.lasts) == (0.0, None, "indefinitely")
    assert a.withdrawal_covers_deficit is None


def test_an_exit_only_forward_link_is_no_entry_and_a_both_link_is() -> None:
    a = atlas(
        [node("x", "AM"), node("g", "GE"), node("t", "TR")],
        [
            link("out", "x", "t", capacity=per_day(50.0), direction="forward"),
            link("both", "x", "g", capacity=per_day(4.0)),
        ],
        [row("x", "demand", 365.0)],
    )
    area = security_of_supply(a, year=YEAR).area("AM")
    assert [e.link_id for e in area.entry_points] == ["both"]
    assert area.ep_mcm_per_day == 4.0


def test_an_exclave_is_named_by_its_region_and_exports_only_areas_are_left_out() -> None:
    a = atlas(
        [
            node("baku", "AZ", "Absheron"),
            node("nax", "AZ", "Nakhchivan"),
            node("julfa", "AZ", "Nakhchivan"),
            node("igdir", "TR", "Igdir"),
            node("kars", "TR", "Kars"),
        ],
        [
            link("baku_igdir", "baku", "igdir", capacity=per_day(20.0)),
            link("igdir_julfa", "igdir", "julfa", capacity=per_day(2.0)),
            link("julfa_nax", "julfa", "nax"),
            link("igdir_kars", "igdir", "kars", capacity=per_day(5.0)),
        ],
        [
            row("baku", "supply", 9000.0),
            row("baku", "export", 3000.0),
            row("nax", "demand", 365.0),
            row("kars", "demand", 730.0),
        ],
    )
    report = security_of_supply(a, year=YEAR)
    assert [(x.area, x.country, x.region) for x in report.areas] == [
        ("Nakhchivan", "AZ", "Nakhchivan"),
        ("TR", "TR", None),
    ]
    assert report.area("Nakhchivan").nodes == ("julfa", "nax")
    assert [e.link_id for e in report.area("TR").entry_points] == ["baku_igdir", "igdir_julfa"]
    assert any("not reported" in n and "AZ" in n for n in report.notes)


def test_dmax_estimated_from_a_profile() -> None:
    """3,100 mcm/yr with 20 % in January: 620 / 31 = 20 mcm/d × the peak-day factor."""
    a = atlas(
        [node("g", "GE"), node("i", "IR"), node("x", "AM")],
        [
            link("big", "g", "x", capacity=per_day(30.0)),
            link("small", "i", "x", capacity=per_day(10.0)),
        ],
        [replace(row("x", "demand", 3100.0), profile_id="winter")],
        seasons=profile("winter", 0.2),
    )
    area = security_of_supply(a, year=YEAR).area("AM")
    assert area.peak_month == 1 and area.peak_month_demand_mcm_per_day == pytest.approx(20.0)
    assert area.dmax_mcm_per_day == pytest.approx(20.0 * PEAK_DAY_FACTOR)
    assert area.dmax_method.startswith("estimated") and "profile winter" in area.dmax_method
    assert area.n_minus_1_pct == pytest.approx(round(10.0 / (20.0 * PEAK_DAY_FACTOR) * 100, 1))


def test_a_summer_peak_is_found_and_flat_demand_peaks_in_january() -> None:
    summer = [
        SeasonShare(profile_id="ac", month=m, share=0.3 if m == 7 else 0.7 / 11)
        for m in range(1, 13)
    ]
    a = atlas(
        [node("x", "AM"), node("g", "GE")],
        [link("gx", "g", "x", capacity=per_day(100.0))],
        [replace(row("x", "demand", 3100.0), profile_id="ac")],
        seasons=summer,
    )
    assert security_of_supply(a, year=YEAR).area("AM").peak_month == 7
    flat = replace(a, energy=(row("x", "demand", 3650.0),))
    area = security_of_supply(flat, year=YEAR).area("AM")
    assert (area.peak_month, area.peak_month_demand_mcm_per_day) == (1, 10.0)
    assert area.dmax_mcm_per_day == pytest.approx(10.0 * PEAK_DAY_FACTOR)


def test_gas_fired_plants_add_their_full_output_burn() -> None:
    """155 MW × 24 h ÷ 3,720 MWh/mcm = 1 mcm/d on top of the flat 10 mcm/d."""
    base = two_entries(peak=None, volume=30.0)
    with_plant = replace(base, plants=(plant("y", 155.0, 3720.0),))
    area = security_of_supply(with_plant, year=YEAR).area("AM")
    assert area.dmax_mcm_per_day == pytest.approx(10.0 * PEAK_DAY_FACTOR + 1.0)
    assert area.peak_month_demand_mcm_per_day == pytest.approx(11.0)
    assert area.deficit_mcm_per_day == pytest.approx(3.0)  # 11 − (16 + 2 − 10)
    assert area.days_on_storage == pytest.approx(10.0)  # 30 mcm / 3 mcm/d
    assert "y_tpp 155 MW" in area.dmax_method
    planned = replace(base, plants=(plant("y", 155.0, 3720.0, status="planned"),))
    assert security_of_supply(planned, year=YEAR).area("AM").dmax_mcm_per_day == pytest.approx(
        10.0 * PEAK_DAY_FACTOR
    )


def test_an_entry_without_capacity_is_an_input_error_naming_it() -> None:
    base = two_entries()
    broken = replace(base, links=(replace(base.links[0], capacity=None), *base.links[1:]))
    with pytest.raises(InputError, match="gas_pipeline 'ge_am' enters a calculated area"):
        security_of_supply(broken, year=YEAR)


def test_links_and_storage_follow_the_year() -> None:
    base = two_entries()
    late = replace(
        base,
        links=(replace(base.links[1], status="planned", open_year=2030), *base.links[::2]),
        storage=(replace(base.storage[0], status="planned", open_year=2030),),
    )
    assert security_of_supply(late, year=2025).area("AM").ep_mcm_per_day == 10.0
    area = security_of_supply(late, year=2030).area("AM")
    assert (area.ep_mcm_per_day, area.sm_mcm_per_day) == (16.0, 3.0)


def test_report_round_trips_through_json() -> None:
    report = security_of_supply(two_entries(), year=YEAR, scenario="hand")
    assert isinstance(report, SecurityReport)
    data = json.loads(report.to_json())
    assert data == report.to_dict()
    assert list(data) == ["scenario", "year", "standard", "areas", "notes"]
    assert data["standard"] == "EU 2017/1938 Annex II N-1"
    assert list(report.to_frame()["area"]) == ["AM"]


AREA_KEYS = [
    "area", "country", "region", "nodes", "entry_points", "ep_mcm_per_day", "pm_mcm_per_day",
    "sm_mcm_per_day", "lng_mcm_per_day", "largest_infrastructure", "im_mcm_per_day",
    "dmax_mcm_per_day", "dmax_method", "n_minus_1_pct", "meets_standard", "peak_month",
    "peak_month_demand_mcm_per_day", "storage_working_volume_mcm", "deficit_mcm_per_day",
    "days_on_storage", "lasts", "withdrawal_covers_deficit",
]  # fmt: skip


def test_cli_security_json_has_the_documented_shape() -> None:
    result = CliRunner().invoke(cli, ["energy", "baseline-2025", "--security", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["scenario"], data["year"]) == ("baseline-2025", 2025)
    nakhchivan = next(a for a in data["areas"] if a["area"] == "Nakhchivan")
    assert list(nakhchivan) == AREA_KEYS
    assert (nakhchivan["country"], nakhchivan["region"]) == ("AZ", "Nakhchivan")
    assert set(nakhchivan["entry_points"][0]) == {
        "link_id", "from_node", "to_node", "capacity_mcm_per_day"
    }  # fmt: skip
    assert set(nakhchivan["largest_infrastructure"]) == {"id", "kind", "capacity_mcm_per_day"}
    network = tripp.scenario(tripp.load_atlas(), "baseline-2025")
    assert data == tripp.energy_security(network).to_dict()


def test_cli_security_table_and_bad_input() -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["energy", "tripp-2030", "--security"])
    assert table.exit_code == 0, table.output
    assert "N-1" in table.output and "Nakhchivan" in table.output
    assert runner.invoke(cli, ["energy", "no-such-scenario", "--security"]).exit_code == 2


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_api_answers_with_the_cli_json() -> None:
    from tripp.api import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note that it prefers httpx2
        from fastapi.testclient import TestClient

    with TestClient(create_app()) as client:
        response = client.get("/api/energy/security", params={"scenario": "tripp-2030"})
        bad = client.get("/api/energy/security", params={"scenario": "nowhere"})
        spec = client.get("/api/openapi.json").json()
    assert response.status_code == 200, response.text
    cli_run = CliRunner().invoke(cli, ["energy", "tripp-2030", "--security", "--format", "json"])
    assert response.json() == json.loads(cli_run.output)
    assert bad.status_code == 422 and bad.json()["problems"][0]["where"] == "scenario"
    assert "/api/energy/security" in spec["paths"]


server = test_web_e2e.server  # the page's server on a loopback port (module-scoped fixture)


def test_web_energy_panel_shows_the_n_minus_1_table(server: str) -> None:
    """The energy panel fills "Security of supply (N-1)" from /api/energy/security for the
    chosen scenario, with no failed request and nothing the page's CSP blocks."""
    if not test_web_e2e.CHROMIUM.is_file():
        pytest.fail(f"Chromium not found at {test_web_e2e.CHROMIUM}: `make system`")
    from playwright.sync_api import sync_playwright

    failures: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(test_web_e2e.CHROMIUM), args=test_web_e2e.ARGS
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.on("pageerror", lambda e: failures.append(f"page error: {e}"))
        page.on(
            "response",
            lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on(
            "console",
            lambda m: failures.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(server + "/")
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        page.click(".tab[data-view=energy]")
        page.select_option("#energy-scenario", "tripp-2030")
        page.click("#energy-form button[type=submit]")
        page.wait_for_selector("#security-table tbody tr", timeout=90_000)
        rows = page.locator("#security-table tbody tr").all_inner_texts()
        note = page.inner_text("#security-note")
        browser.close()
    assert failures == []
    expected = security_of_supply(
        tripp.scenario(tripp.load_atlas(), "tripp-2030").atlas, year=2030
    ).area("Nakhchivan")
    nakhchivan = next(r for r in rows if r.startswith("Nakhchivan (AZ)"))
    assert f"{expected.n_minus_1_pct:.1f} %" in nakhchivan
    assert note == "EU 2017/1938 Annex II N-1, 2030"


def test_report_shows_the_n_minus_1_of_both_scenarios(tmp_path: Path) -> None:
    atlas_ = tripp.load_atlas()
    base, other = tripp.scenario(atlas_, "baseline-2025"), tripp.scenario(atlas_, "tripp-2030")
    out = tripp.report(base, [other], tmp_path / "report", pairs=[("Baku", "Kars")])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<h3>Gas security of supply (N-1)</h3>" in html
    row_html = re.search(r"<tr><td>Nakhchivan \(AZ\)</td>(.*?)</tr>", html, re.S)
    assert row_html is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row_html.group(1), re.S)
    before = security_of_supply(base.atlas, year=2025).area("Nakhchivan")
    after = security_of_supply(other.atlas, year=2030).area("Nakhchivan")
    assert cells[:2] == [f"{before.n_minus_1_pct:,.1f} %", f"{after.n_minus_1_pct:,.1f} %"]
    assert before.n_minus_1_pct != after.n_minus_1_pct  # the TRIPP pipeline is a new entry
    assert cells[-2:] == [before.lasts, after.lasts]


def test_a_later_zero_row_ends_production_and_the_latest_peak_row_counts() -> None:
    base = two_entries()
    later = replace(
        base,
        energy=(
            *base.energy,
            row("x", "supply", 0.0, year=2026),
            row("y", "peak_demand", 15.0, unit="mcm_per_day", year=2026),
        ),
    )
    assert security_of_supply(later, year=2025).area("AM").pm_mcm_per_day == 2.0
    area = security_of_supply(later, year=2026).area("AM")
    assert (area.pm_mcm_per_day, area.dmax_mcm_per_day) == (0.0, 15.0)
    assert area.n_minus_1_pct == pytest.approx(60.0)  # (10 + 6 + 3 − 10) / 15


def test_a_storage_can_be_im_but_the_days_count_the_largest_entry_lost() -> None:
    """Withdrawal 12 mcm/d is the largest infrastructure: N-1 = (16 + 2 + 12 − 12) / 12; on
    storage the largest entry (10) stops: deficit 10 − (18 − 10) = 2, 30 mcm last 15 days."""
    area = security_of_supply(two_entries(withdrawal=12.0), year=YEAR).area("AM")
    assert area.largest_infrastructure is not None
    assert (area.largest_infrastructure.id, area.largest_infrastructure.kind) == (
        "y_ugs",
        "storage",
    )
    assert area.n_minus_1_pct == pytest.approx(150.0) and area.meets_standard is True
    assert area.deficit_mcm_per_day == pytest.approx(2.0)
    assert area.days_on_storage == pytest.approx(15.0)


def test_a_transit_pipeline_counts_for_what_its_offtake_delivers() -> None:
    """SCP-like: 64 mcm/d crosses the area (in at g1, out at g2) and only an 8 mcm/d
    offtake reaches the consumers at t; a second entry of 16 mcm/d feeds t directly.
    EPm = 8 + 16 = 24, Im = 16, Dmax 12 (published): N-1 = (24 − 16) / 12 = 66.7 %."""
    data = atlas(
        [node("a", "AZ"), node("g1", "GE"), node("g2", "GE"), node("t", "GE"), node("r", "RU")],
        [
            link("scp_in", "a", "g1", capacity=per_day(64.0), direction="forward", country="GE"),
            link("scp_on", "g1", "g2", capacity=per_day(64.0), direction="forward", country="GE"),
            link("offtake", "g1", "t", capacity=per_day(8.0), direction="forward", country="GE"),
            link("north", "r", "t", capacity=per_day(16.0), direction="forward", country="GE"),
        ],
        [
            row("t", "demand", 3000.0),
            EnergyRow(
                node_id="t",
                carrier="gas",
                role="peak_demand",
                value=12.0,
                unit="mcm_per_day",
                year=YEAR,
                source_ids=("s",),
            ),
        ],
    )
    (area,) = security_of_supply(data, year=YEAR).areas
    entries = {e.link_id: e.capacity_mcm_per_day for e in area.entry_points}
    assert entries == {"scp_in": pytest.approx(8.0), "north": pytest.approx(16.0)}
    assert area.ep_mcm_per_day == pytest.approx(24.0)
    assert area.n_minus_1_pct == pytest.approx(66.7)


def test_a_published_peak_day_caps_the_month_behind_days_on_storage() -> None:
    """Flat 3,650 mcm/yr is 10 mcm/d in every month, but the published peak day is 8: the
    deficit when the single 6 mcm/d entry stops is 8 − 0, so 40 mcm last 40 / 8 = 5 days."""
    data = atlas(
        [node("x", "RU"), node("t", "GE")],
        [link("in", "x", "t", capacity=per_day(6.0), direction="forward", country="GE")],
        [
            row("t", "demand", 3650.0),
            EnergyRow(
                node_id="t",
                carrier="gas",
                role="peak_demand",
                value=8.0,
                unit="mcm_per_day",
                year=YEAR,
                source_ids=("s",),
            ),
        ],
        storage=[store("t", 40.0, 5.0)],
    )
    (area,) = security_of_supply(data, year=YEAR).areas
    assert area.peak_month_demand_mcm_per_day == pytest.approx(8.0)
    assert area.deficit_mcm_per_day == pytest.approx(8.0)
    assert area.days_on_storage == pytest.approx(5.0)
    assert area.withdrawal_covers_deficit is False
