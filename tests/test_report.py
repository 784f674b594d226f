"""The scenario report: offline HTML, GIS layers and tables, written atomically.

Built once on the mini atlas (base vs no-iran, pairs a→e and a→c). Closing Iran moves a→e
from the road through Iran (13 h, 1,230 USD, 600 km) to the rail through Georgia with a
gauge change at d (18 h, 700 USD, 350 km): +5.0 h, −530 USD, −250 km; a→c is unchanged.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

import tripp
from tripp.errors import InputError
from tripp.reporting.write import write_report
from tripp.scenarios.network import ScenarioNetwork, scenario_network

SCENARIOS = Path(__file__).parent / "fixtures" / "scenarios"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PAIRS = [("a", "e"), ("a", "c")]
OGRINFO = "/usr/bin/ogrinfo"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def networks(mini_atlas: tripp.Atlas) -> tuple[ScenarioNetwork, ScenarioNetwork]:
    return (
        scenario_network(mini_atlas, SCENARIOS / "base.toml"),
        scenario_network(mini_atlas, SCENARIOS / "no-iran.toml"),
    )


@pytest.fixture(scope="module")
def report(
    networks: tuple[ScenarioNetwork, ScenarioNetwork], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    base, other = networks
    out = tmp_path_factory.mktemp("report") / "out"
    assert write_report(base, [other], out, pairs=PAIRS) == out
    return out


def test_folder_holds_every_output_and_nothing_else(report: Path) -> None:
    names = {p.name for p in report.iterdir()}
    assert names == {
        "report.html",
        "network.gpkg",
        "routes.gpkg",
        "network_nodes.geojson",
        "network_links.geojson",
        "routes.geojson",
        "comparison.csv",
        "comparison.parquet",
        "exposure.csv",
        "exposure.parquet",
        ".tripp-output.json",
    }
    assert [p.name for p in report.parent.iterdir()] == ["out"]  # no staging or backup left


def test_html_shows_figures_definitions_and_sources(report: Path) -> None:
    html = (report / "report.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", html)
    assert "Alpha → Echo" in text
    assert "+5.0" in text  # a→e: 13 h → 18 h
    assert "−530" in text or "-530" in text  # a→e: 1,230 → 700 USD
    assert "1,230" in text and "700" in text
    assert "Bravo Border" in text and "Delta" in text  # border crossing and gauge change
    assert "Mini atlas as it is in 2026" in text
    assert "Iran closed, in 2030" in text
    assert "country:IR" in text
    assert "https://example.org/tripp-tests" in text
    assert "Hand-built test network" in text and "tripp tests" in text
    assert "70.6 %" in text  # IR's transit share of t before, GE's after
    assert "Natural Earth (public domain)" in text and "Apache-2.0" in text
    assert html.count("data:image/png;base64,") == 4  # map, two pair charts, exposure


def test_html_loads_nothing_from_the_network(report: Path) -> None:
    html = (report / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?\s*(?:https?:)?//", html, re.I)
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()


def test_comparison_table_reads_back(report: Path) -> None:
    for frame in (
        pd.read_csv(report / "comparison.csv"),
        pd.read_parquet(report / "comparison.parquet"),
    ):
        assert list(zip(frame["origin"], frame["destination"], strict=True)) == PAIRS
        assert set(frame["other"]) == {"no-iran"} and set(frame["base"]) == {"base"}
        a_e = frame.iloc[0]
        assert (a_e["time_h_before"], a_e["time_h_after"], a_e["time_h_delta"]) == (13, 18, 5)
        assert (a_e["cost_usd_before"], a_e["cost_usd_after"]) == (1230, 700)
        assert a_e["distance_km_delta"] == -250
        assert (a_e["countries_before"], a_e["countries_after"]) == ("AZ;IR;TR", "AZ;GE;TR")
        assert a_e["gauge_changes_after"] == "d"
        assert frame.iloc[1]["time_h_delta"] == 0


def test_exposure_table_reads_back(report: Path) -> None:
    for frame in (
        pd.read_csv(report / "exposure.csv"),
        pd.read_parquet(report / "exposure.parquet"),
    ):
        assert list(frame.columns) == [
            "scenario",
            "country",
            "transit_share_t",
            "transit_share_tkm",
        ]
        rows = {(r.scenario, r.country): r.transit_share_t for r in frame.itertuples()}
        # 1,200 of 1,700 t (a→e and e→a) transit Iran before, Georgia after
        assert rows == {("base", "IR"): 0.7059, ("no-iran", "GE"): 0.7059}


def test_geopackages_read_back_with_pyogrio(report: Path, mini_atlas: tripp.Atlas) -> None:
    layers = dict(pyogrio.list_layers(report / "network.gpkg"))
    assert layers == {"nodes": "Point", "links": "LineString"}
    nodes = pyogrio.read_dataframe(report / "network.gpkg", layer="nodes")
    links = pyogrio.read_dataframe(report / "network.gpkg", layer="links")
    assert len(nodes) == len(mini_atlas.nodes) == 6
    assert len(links) == len(mini_atlas.links) == 6
    assert nodes.crs.to_epsg() == 4326
    status = dict(zip(links["link_id"], links["status"], strict=True))
    assert status["road1"] == "closed" and status["r4"] == "under_construction"
    assert set(links["scenario"]) == {"no-iran"}
    # the reader converts the declared 15 Mt/year to the canonical unit once
    assert links.set_index("link_id").loc["r1", "capacity"] == 15e6
    assert links.set_index("link_id").loc["r4", "open_year"] == 2029
    routes = pyogrio.read_dataframe(report / "routes.gpkg", layer="routes")
    assert len(routes) == 4  # two pairs under two scenarios
    a_e = routes[(routes["scenario"] == "no-iran") & (routes["destination"] == "e")].iloc[0]
    assert (a_e["time_h"], a_e["cost_usd"], a_e["countries"]) == (18, 700, "AZ;GE;TR")
    assert list(a_e.geometry.coords) == [
        (49.0, 40.0),
        (46.0, 41.3),
        (45.0, 41.7),
        (43.5, 41.4),
        (43.0, 40.6),
    ]
    for name, count in (("network_nodes", 6), ("network_links", 6), ("routes", 4)):
        assert len(pyogrio.read_dataframe(report / f"{name}.geojson")) == count


def test_geopackages_pass_ogrinfo(report: Path) -> None:
    if not Path(OGRINFO).is_file():
        pytest.fail(f"{OGRINFO} is missing: `make test` installs it (Debian package gdal-bin)")
    for file, expected in (
        ("network.gpkg", {"nodes": 6, "links": 6}),
        ("routes.gpkg", {"routes": 4}),
    ):
        result = subprocess.run(
            [OGRINFO, "-so", "-al", str(report / file)],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        found = dict(
            zip(
                re.findall(r"^Layer name: (\w+)", result.stdout, re.M),
                map(int, re.findall(r"^Feature Count: (\d+)", result.stdout, re.M)),
                strict=True,
            )
        )
        assert found == expected
        assert 'EPSG",4326' in result.stdout.replace(" ", "") or "WGS 84" in result.stdout


def test_existing_folder_is_refused_without_force(
    networks: tuple[ScenarioNetwork, ScenarioNetwork], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match=r"was not written by tripp .* even with --force"):
        write_report(*networks[:1], [networks[1]], out, pairs=PAIRS)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_force_replaces_the_folder_whole(
    networks: tuple[ScenarioNetwork, ScenarioNetwork], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    write_report(networks[0], [networks[1]], out, pairs=PAIRS)
    with pytest.raises(InputError, match="already exists — fix: pass --force"):
        write_report(networks[0], [networks[1]], out, pairs=[("a", "e")])
    write_report(networks[0], [networks[1]], out, pairs=[("a", "e")], force=True)
    assert len(pd.read_csv(out / "comparison.csv")) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_unknown_place_is_refused_before_writing(
    networks: tuple[ScenarioNetwork, ScenarioNetwork], tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="Nowhere"):
        write_report(networks[0], [networks[1]], tmp_path / "out", pairs=[("a", "Nowhere")])
    assert list(tmp_path.iterdir()) == []


def test_failure_while_writing_leaves_the_old_folder(
    networks: tuple[ScenarioNetwork, ScenarioNetwork],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def disk_full(*args: object) -> None:
        raise OSError("disk full")

    out = tmp_path / "out"
    write_report(networks[0], [networks[1]], out, pairs=PAIRS)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr("tripp.reporting.write.write_tables", disk_full)
    with pytest.raises(OSError, match="disk full"):
        write_report(networks[0], [networks[1]], out, pairs=PAIRS, force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_needs_another_scenario(
    networks: tuple[ScenarioNetwork, ScenarioNetwork], tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="no scenario to compare"):
        write_report(networks[0], [], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_report_renders_offline_in_chromium(report: Path) -> None:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    failed: list[str] = []
    remote: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on(
                "request",
                lambda request: (
                    remote.append(request.url)
                    if not request.url.startswith(("file:", "data:"))
                    else None
                ),
            )
            page.goto((report / "report.html").as_uri(), wait_until="load")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => e.complete && e.naturalWidth > 0)"
            )
            heading = page.inner_text("h1")
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()
    assert failed == [] and remote == []
    assert images == [True] * 4
    assert heading == "tripp scenario report: base vs no-iran"
    shutil.copy(report / "report.html", ARTIFACTS / "report.html")
