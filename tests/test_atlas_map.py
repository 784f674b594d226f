"""The atlas map: committed outlines, what is drawn (as data and as artists), file handling."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

import tripp
from tripp.errors import InputError
from tripp.reporting.atlas_map import build_figure, draw_atlas_map, plan_links, read_outlines

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDE = (-12.0, 0.0, 125.0, 62.0)
TAGGED = {"r1", "r2", "r3", "r4"}  # the mini atlas's rail links carry the tag TEST


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# --- outlines ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outlines() -> dict:
    return read_outlines()


def test_outlines_are_geojson_with_the_corridor_countries(outlines: dict) -> None:
    assert outlines["type"] == "FeatureCollection"
    codes = {f["properties"]["iso_a2"] for f in outlines["features"]}
    assert {"AZ", "AM", "GE", "TR", "IR", "RU", "CN", "KZ", "DE"} <= codes
    for feature in outlines["features"]:
        assert feature["type"] == "Feature"
        assert feature["properties"]["name"]
        assert feature["geometry"]["type"] == "MultiPolygon"
        assert shape(feature["geometry"]).is_valid, feature["properties"]["name"]


def test_nakhchivan_is_an_exclave_of_azerbaijan(outlines: dict) -> None:
    by_code = {f["properties"]["iso_a2"]: shape(f["geometry"]) for f in outlines["features"]}
    azerbaijan, armenia = by_code["AZ"], by_code["AM"]
    assert len(azerbaijan.geoms) >= 2
    nakhchivan_city, meghri = Point(45.41, 39.21), Point(46.24, 38.90)
    assert azerbaijan.contains(nakhchivan_city) and not armenia.contains(nakhchivan_city)
    assert armenia.contains(meghri) and not azerbaijan.contains(meghri)
    exclave = next(p for p in azerbaijan.geoms if p.contains(nakhchivan_city))
    mainland = max(azerbaijan.geoms, key=lambda p: p.area)
    assert exclave is not mainland and not exclave.touches(mainland)


def test_outlines_file_is_small_and_documented() -> None:
    folder = resources.files("tripp") / "data" / "geo"
    assert len((folder / "countries.geojson").read_bytes()) < 1_500_000
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in readme and "public domain" in readme and "world-atlas" in readme


# --- what is drawn, as data -------------------------------------------------------------


def test_plan_links_marks_the_highlighted_corridor(mini_atlas: tripp.Atlas) -> None:
    strokes = plan_links(mini_atlas, highlight="TEST")
    assert {s.link_id for s in strokes} == {link.link_id for link in mini_atlas.links}
    assert {s.link_id for s in strokes if s.highlighted} == TAGGED
    assert not any(s.highlighted for s in plan_links(mini_atlas, highlight=""))
    assert {s.link_id for s in plan_links(mini_atlas, highlight="test") if s.highlighted} == TAGGED
    alpha = mini_atlas.node_by_id["a"]
    r1 = next(s for s in strokes if s.link_id == "r1")
    assert r1.start == (alpha.lon, alpha.lat)


def test_plan_links_status_in_a_year(mini_atlas: tripp.Atlas) -> None:
    def status(year: int | None) -> str:
        strokes = plan_links(mini_atlas, year=year, highlight="")
        return next(s.status for s in strokes if s.link_id == "r4")

    assert status(None) == "under_construction"
    assert status(2028) == "under_construction"
    assert status(2029) == "operating"  # r4 opens in 2029


def test_unknown_highlight_tag_is_an_input_error(mini_atlas: tripp.Atlas) -> None:
    with pytest.raises(InputError, match=r"no link is tagged 'TSET'.*did you mean 'TEST'"):
        plan_links(mini_atlas, highlight="TSET")
    with pytest.raises(InputError, match="no link is tagged 'TRIPP'"):
        plan_links(mini_atlas)


# --- what is drawn, as artists ----------------------------------------------------------


def gids(axes) -> set[str]:  # type: ignore[no-untyped-def]
    return {line.get_gid() for line in axes.lines if line.get_gid()}


def test_figure_draws_every_link_and_the_highlight_on_top(mini_atlas: tripp.Atlas) -> None:
    figure = build_figure(mini_atlas, highlight="TEST")
    labels = [ax.get_label() for ax in figure.axes]
    assert labels == ["main", "legend"]  # the mini atlas is the TRIPP area: no zoom panel
    main = figure.axes[0]
    drawn = gids(main)
    assert {g.removeprefix("link:") for g in drawn if g.startswith("link:")} == {
        link.link_id for link in mini_atlas.links
    }
    highlighted = [x for x in main.lines if (x.get_gid() or "").startswith("highlight:")]
    assert {x.get_gid().removeprefix("highlight:") for x in highlighted} == TAGGED
    plain = {x.get_gid(): x for x in main.lines}
    for line in highlighted:
        under = plain["link:" + line.get_gid().removeprefix("highlight:")]
        assert line.get_zorder() > under.get_zorder()
        assert line.get_linewidth() > under.get_linewidth()
    footer = [t.get_text() for t in figure.texts]
    assert "Country outlines: Natural Earth (public domain)" in footer


def test_wide_map_gets_a_zoom_panel_on_the_tripp_area(mini_atlas: tripp.Atlas) -> None:
    figure = build_figure(mini_atlas, highlight="TEST", bbox=WIDE)
    assert [ax.get_label() for ax in figure.axes] == ["main", "zoom", "legend"]
    zoom = figure.axes[1]
    x0, x1 = zoom.get_xlim()
    y0, y1 = zoom.get_ylim()
    assert x0 <= 44.0 and x1 >= 47.5 and y0 <= 38.5 and y1 >= 41.5
    assert x1 - x0 < 10
    assert {g for g in gids(zoom) if g.startswith("zoom:highlight:")} == {
        f"zoom:highlight:{i}" for i in TAGGED
    }
    names = {t.get_text() for t in zoom.texts}
    assert "NAKHCHIVAN\n(Azerbaijan)" in names


# --- files ------------------------------------------------------------------------------


def test_writes_a_real_png(mini_atlas: tripp.Atlas, tmp_path: Path) -> None:
    out = draw_atlas_map(mini_atlas, tmp_path / "map.png", highlight="TEST", dpi=50)
    assert out == tmp_path / "map.png"
    width, height = png_size(out)
    assert width == 800  # 16 in at 50 dpi
    assert 300 <= height <= 600
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]  # no temporary file left


def test_refuses_to_overwrite_without_force(mini_atlas: tripp.Atlas, tmp_path: Path) -> None:
    out = draw_atlas_map(mini_atlas, tmp_path / "map.png", highlight="TEST", dpi=20)
    drawn = out.read_bytes()
    with pytest.raises(InputError, match=r"already exists.*--force"):
        draw_atlas_map(mini_atlas, out, highlight="TEST", dpi=30)
    assert out.read_bytes() == drawn
    draw_atlas_map(mini_atlas, out, highlight="TEST", force=True, dpi=30)
    assert png_size(out)[0] == 480


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_force_replaces_only_a_map_tripp_drew(
    mini_atlas: tripp.Atlas, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"figure{suffix}"
    out.write_bytes(b"someone else's figure")
    with pytest.raises(InputError, match="was not written by tripp"):
        draw_atlas_map(mini_atlas, out, highlight="TEST", force=True, dpi=20)
    assert out.read_bytes() == b"someone else's figure"
    out.unlink()
    draw_atlas_map(mini_atlas, out, highlight="TEST", dpi=20)
    draw_atlas_map(mini_atlas, out, highlight="TEST", force=True, dpi=20)


def test_svg_names_the_highlighted_links(mini_atlas: tripp.Atlas, tmp_path: Path) -> None:
    out = draw_atlas_map(mini_atlas, tmp_path / "map.svg", highlight="TEST")
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml")
    for link_id in TAGGED:
        assert f'id="highlight:{link_id}"' in text
    assert 'id="highlight:road1"' not in text


@pytest.mark.parametrize("name", ["map.jpg", "map", "map.geojson"])
def test_rejects_an_unknown_suffix(mini_atlas: tripp.Atlas, tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match=r"unknown map format.*use \.png, \.svg or \.pdf"):
        draw_atlas_map(mini_atlas, tmp_path / name, highlight="TEST")
    assert list(tmp_path.iterdir()) == []


def test_rejects_a_missing_folder_and_a_bad_bbox(mini_atlas: tripp.Atlas, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder does not exist"):
        draw_atlas_map(mini_atlas, tmp_path / "nowhere" / "map.png", highlight="TEST")
    with pytest.raises(InputError, match="is not a lon/lat box"):
        draw_atlas_map(mini_atlas, tmp_path / "map.png", highlight="TEST", bbox=(50, 30, 40, 45))
    assert list(tmp_path.iterdir()) == []


def test_import_stays_light() -> None:
    code = (
        "import sys, tripp, tripp.reporting.atlas_map, tripp.atlas.describe;"
        " print('matplotlib' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_geojson_mapping_is_json(outlines: dict) -> None:
    assert json.loads(json.dumps(outlines["features"][0]))["type"] == "Feature"
