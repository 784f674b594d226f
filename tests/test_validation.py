"""The validation gate: every problem reported at once, with file, row, column and fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tripp
from tripp.atlas.schema import data_dictionary
from tripp.cli.main import app
from tripp.errors import InputError

Copy = Callable[..., Path]


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        tripp.load_atlas(folder)
    return [str(p) for p in caught.value.problems]


def test_mini_atlas_is_valid(mini_atlas: tripp.Atlas) -> None:
    assert len(mini_atlas.nodes) == 6 and mini_atlas.link_by_id["r2"].country == "GE"


def test_every_problem_is_reported_at_once(atlas_copy: Copy) -> None:
    folder = atlas_copy(
        nodes={
            "a,Alpha,Alfa;Älpha,city,AZ,,49.0,40.0": "a,Alpha,Alfa;Älpha,city,Azerbaijan,,49.0,95.0"
        },
        links={
            "r3,c,d,both,rail,,100,50,,,,1520": "r3,c,dd,both,rail,,100,50,,,,",
            "r1,a,b,both,rail,,100,50": "r1,a,b,both,rial,,100,-5",
        },
    )
    found = problems_of(folder)
    expected = [
        "nodes.csv:2: country: unknown country code 'Azerbaijan' — fix: did you mean 'AZ'?",
        "nodes.csv:2: lat: 95.0 is out of range [-90, 90] degree — fix: give a value between "
        "-90 and 90",
        "links.csv:2: mode: 'rial' is not one of",
        "links.csv:2: speed_kmh: -5 is out of range [1, 200] km/h",
        # the cross-table checks run in the same pass, on the rows that parsed
        "links.csv:4: to_node: unknown node 'dd' — fix: did you mean 'd'?",
        "links.csv:4: gauge_mm: rail link without gauge",
        "transfers.csv:2: from_mode: no rail 1520 mm link meets d",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in found), (text, found)
    assert len(found) == len(expected)


def test_cross_table_problems(atlas_copy: Copy) -> None:
    folder = atlas_copy(
        links={
            "r3,c,d,both,rail,,100,50,,,,1520": "r3,c,dd,both,rail,,100,50,,,,",
            "road1,a,x,both,road,IR": "road1,a,x,both,road,",
            "1435,under_construction,2029": "1435,operating,2029",
        },
        crossings={"x,IR,TR,road,2,20,,,hand": "x,AZ,TR,road,2,20,,,hnd"},
        tariffs={"road,*,2.0,,2025,hand,,,": "road,*,2.0,,2025,hand,true,,"},
    )
    found = "\n".join(problems_of(folder))
    assert "links.csv:4: to_node: unknown node 'dd' — fix: did you mean 'd'?" in found
    assert "links.csv:4: gauge_mm: rail link without gauge" in found
    assert (
        "links.csv:6: country: link joins AZ and IR but names no country — fix: set country "
        "to AZ or IR" in found
    )
    assert "links.csv:5: status: status operating with open_year 2029 after the atlas year" in found
    assert "crossings.csv:8: source_ids: unknown source 'hnd' — fix: did you mean 'hand'?" in found
    assert "crossings.csv:8: node_id: node x is in IR, not in AZ or TR" in found
    assert "tariffs.csv:3: method: estimated row has no method" in found


def test_duplicate_ids_and_malformed_csv(atlas_copy: Copy) -> None:
    folder = atlas_copy(
        links="r1,a,b,both,rail,,100,50,,,,1520,operating,,TEST,hand,,,\n"
        "r9,a,b,both,rail,,1,2,3,4,5,6,7,8,9,10,11,12,13,14\n"
    )
    found = "\n".join(problems_of(folder))
    assert "links.csv:9: more cells than header columns" in found


def test_duplicate_key(atlas_copy: Copy) -> None:
    folder = atlas_copy(links="r1,a,b,both,road,,100,50,,,,,operating,,,hand,,,\n")
    found = "\n".join(problems_of(folder))
    assert "links.csv:8: link_id: duplicate link_id 'r1' (first on line 2)" in found


def test_unknown_and_missing_columns(atlas_copy: Copy) -> None:
    folder = atlas_copy(nodes={"node_id,name,alt_names": "node_id,nam,alt_names"})
    found = "\n".join(problems_of(folder))
    assert "nodes.csv:1: unknown column 'nam' — fix: rename it to 'name'" in found
    assert "nodes.csv:1: required column 'name' is missing" in found


def test_missing_table_and_folder(tmp_path: Path) -> None:
    assert "required table is missing" in "\n".join(problems_of(tmp_path))
    with pytest.raises(InputError, match="atlas folder not found"):
        tripp.load_atlas(tmp_path / "nope")


def test_transfer_must_join_existing_layers(atlas_copy: Copy) -> None:
    folder = atlas_copy(transfers="c,rail,1520,rail,1435,1,1,,,true,hand,,,\n")
    assert "transfers.csv:3: to_mode: no rail 1435 mm link meets c" in "\n".join(
        problems_of(folder)
    )


def test_missing_tariff_is_an_error_not_zero(atlas_copy: Copy) -> None:
    folder = atlas_copy(tariffs={"road,*,2.0,,2025,hand,,,\n": ""})
    assert "no tariff for road in IR (1 links)" in "\n".join(problems_of(folder))


def test_data_dictionary_in_docs_is_current() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"
    assert docs.read_text(encoding="utf-8") == data_dictionary() + "\n", (
        "regenerate with: tripp atlas dictionary > docs/data-dictionary.md"
    )


def test_embedded_code_list_matches_pycountry() -> None:
    import pycountry

    from tripp.atlas.countries import ISO_ALPHA_2

    assert {c.alpha_2 for c in pycountry.countries} == ISO_ALPHA_2


def test_parse_problems_do_not_hide_cross_table_problems(atlas_copy: Copy) -> None:
    """A bad number in one row and an unknown node in another come out of one run (issue 16)."""
    folder = atlas_copy(
        links={
            "r1,a,b,both,rail,,100,50": "r1,a,b,both,rail,,100,fast",
            "r3,c,d,both,rail": "r3,c,zz,both,rail",
        }
    )
    bad_number = "links.csv:2: speed_kmh: 'fast' is not a number"
    unknown_node = "links.csv:4: to_node: unknown node 'zz'"
    found = problems_of(folder)
    assert any(p.startswith(bad_number) for p in found), found
    assert any(p.startswith(unknown_node) for p in found), found
    shown = [str(p) for p in tripp.validate(folder)]
    assert shown == found
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert bad_number in result.output and unknown_node in result.output


def test_failed_rows_stay_known_to_references(atlas_copy: Copy) -> None:
    """A node whose row failed to parse is still a known id: the parse problem is the only one."""
    folder = atlas_copy(nodes={"c,Charlie,,city,GE,,45.0,41.7": "c,Charlie,,city,GE,,45.0,north"})
    assert problems_of(folder) == [
        "nodes.csv:4: lat: 'north' is not a number — fix: write a number in degree"
    ]


def test_unreadable_table_is_not_a_reference_target(atlas_copy: Copy) -> None:
    """A nodes.csv whose header is broken does not make every link's nodes unknown."""
    folder = atlas_copy(nodes={"node_id,name,alt_names": "node_id,nam,alt_names"})
    found = problems_of(folder)
    assert not any("unknown node" in p for p in found), found
    assert "nodes.csv:1: unknown column 'nam' — fix: rename it to 'name'" in found
