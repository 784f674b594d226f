"""Reliability parameter files: the shipped defaults load; every mistake is reported at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tripp
from tripp.atlas.reliability import Z90, load_params
from tripp.errors import InputError

HEADER = "element,closures_per_year,closure_days,dwell_median_h,dwell_p90_factor,source_ids,note\n"
MINI_DEFAULTS = (
    "link-mode:rail,1,2,,,hand,\n"
    "link-mode:road,2,1,,,hand,\n"
    "crossing-mode:rail,0,0,,2,hand,\n"
    "crossing-mode:road,0,0,,2,hand,\n"
)


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    file = tmp_path / "reliability.csv"
    file.write_text(header + body, encoding="utf-8")
    return file


def test_shipped_defaults_load_for_the_embedded_atlas() -> None:
    atlas = tripp.load_atlas()
    params = load_params(None, atlas)
    ferry = [i for i, link in enumerate(atlas.links) if link.mode == "ferry"]
    assert params.link_closed_share[ferry] == pytest.approx(12 * 3 / 365)
    lars = [i for i, c in enumerate(atlas.crossings) if c.node_id == "upper_lars"]
    assert params.dwell_sigma[lars] == pytest.approx(np.log(3.0) / Z90)
    energy = [i for i, link in enumerate(atlas.links) if link.mode == "gas_pipeline"]
    assert not params.link_closed_share[energy].any()


def test_specific_rows_override_field_by_field(tmp_path: Path, mini_atlas: tripp.Atlas) -> None:
    body = MINI_DEFAULTS + "link:r1,,73,,,hand,\ncrossing:x,,,5,1,hand,\n"
    params = load_params(write(tmp_path, body), mini_atlas)
    r1 = [link.link_id for link in mini_atlas.links].index("r1")
    assert params.link_closed_share[r1] == pytest.approx(1 * 73 / 365)  # rate from the mode
    x = [i for i, c in enumerate(mini_atlas.crossings) if c.node_id == "x"]
    assert params.dwell_median_h[x].tolist() == [5.0, 5.0]
    assert params.dwell_sigma[x].tolist() == [0.0, 0.0]
    a = [i for i, c in enumerate(mini_atlas.crossings) if c.node_id == "a"]
    assert params.dwell_median_h[a].tolist() == [1.0, 1.0]  # the atlas dwell_h


def test_every_problem_with_file_row_column_and_fix(
    tmp_path: Path, mini_atlas: tripp.Atlas
) -> None:
    body = (
        "link-mode:rail,1,2,,,hand,\n"
        "link:r11,1,1,,,hand,\n"
        "link:r2,1,400,,,hand,\n"
        "link:r3,1,1,,2,hand,\n"
        "crossing:b:AZ:GE:rial,1,1,,,hand,\n"
        "crossing-mode:rail,0,0,,0.5,hnad,\n"
        "bridge:r1,1,1,,,hand,\n"
    )
    with pytest.raises(InputError) as error:
        load_params(write(tmp_path, body), mini_atlas)
    message = str(error.value)
    assert (
        "reliability.csv:3: element: unknown link 'r11' — fix: did you mean 'link:r1'?" in message
    )
    assert "reliability.csv:4: closure_days: 400 is out of range" in message
    assert "reliability.csv:5: dwell_p90_factor: dwell applies to crossings only" in message
    assert "did you mean 'crossing:b:AZ:GE:rail'?" in message
    assert "reliability.csv:7: dwell_p90_factor: 0.5 is out of range" in message
    assert "unknown source 'hnad' — fix: did you mean 'hand'?" in message
    assert "reliability.csv:8: element: 'bridge:r1' is not a selector" in message


def test_missing_defaults_and_unknown_columns(tmp_path: Path, mini_atlas: tripp.Atlas) -> None:
    with pytest.raises(InputError, match=r"unknown column 'closure_day' — fix: did you mean"):
        load_params(
            write(tmp_path, "", header=HEADER.replace("closure_days", "closure_day")), mini_atlas
        )
    with pytest.raises(InputError) as error:
        load_params(write(tmp_path, "link-mode:rail,1,2,,,hand,\n"), mini_atlas)
    message = str(error.value)
    assert "no default closures_per_year, closure_days for link-mode:road" in message
    assert (
        "add a row crossing-mode:rail with closures_per_year, closure_days, dwell_p90_factor"
        in message
    )


def test_energy_links_are_refused(tmp_path: Path) -> None:
    atlas = tripp.load_atlas()
    gas = next(link.link_id for link in atlas.links if link.mode == "gas_pipeline")
    file = write(tmp_path, f"link:{gas},1,1,,,tripp_assumption,\n")
    with pytest.raises(InputError, match="energy elements wait for the energy model"):
        load_params(file, atlas)
