"""describe_atlas on the mini atlas: every count worked out by hand from the fixture CSVs."""

from __future__ import annotations

import json

import pytest

import tripp
from tripp.atlas.describe import describe_atlas
from tripp.cli.display_atlas import print_description


@pytest.fixture(scope="module")
def data(mini_atlas: tripp.Atlas) -> dict:
    return describe_atlas(mini_atlas)


def test_totals(data: dict, mini_atlas: tripp.Atlas) -> None:
    totals = data["totals"]
    assert list(totals) == [
        "nodes",
        "links",
        "crossings",
        "transfers",
        "tariffs",
        "sources",
        "energy",
        "demand",
        "services",
        "cargo_types",
    ]
    assert (totals["nodes"], totals["links"], totals["crossings"]) == (6, 6, 8)
    assert (totals["transfers"], totals["tariffs"], totals["sources"]) == (1, 2, 1)
    assert totals["energy"] == 0
    assert totals["demand"] == len(mini_atlas.demand)
    assert (totals["services"], totals["cargo_types"]) == (
        len(mini_atlas.services),
        len(mini_atlas.cargo_types),
    )


def test_by_country_counts_links_in_their_resolved_country(data: dict) -> None:
    # nodes: a, b in AZ; c, d in GE; e in TR; x in IR.
    # links: r1 a-b (AZ, resolved), r2 GE, r3 c-d (GE, resolved), r4 TR, road1 IR, road2 TR.
    assert data["by_country"] == {
        "AZ": {"nodes": 2, "links": 1},
        "GE": {"nodes": 2, "links": 2},
        "IR": {"nodes": 1, "links": 1},
        "TR": {"nodes": 1, "links": 2},
    }


def test_by_mode_and_status(data: dict) -> None:
    assert data["by_mode"] == {
        "rail": 4,
        "road": 2,
        "ferry": 0,
        "sea": 0,
        "gas_pipeline": 0,
        "oil_pipeline": 0,
        "power_line": 0,
        "fibre": 0,
    }
    assert data["by_status"] == {
        "operating": 5,
        "under_construction": 1,
        "planned": 0,
        "closed": 0,
        "suspended": 0,
    }
    assert list(data["by_mode_status"]) == ["rail", "road"]
    assert data["by_mode_status"]["rail"]["operating"] == 3
    assert data["by_mode_status"]["rail"]["under_construction"] == 1
    assert data["by_mode_status"]["road"] == {
        "operating": 2,
        "under_construction": 0,
        "planned": 0,
        "closed": 0,
        "suspended": 0,
    }


def test_invariants(data: dict) -> None:
    assert sum(data["by_mode"].values()) == data["totals"]["links"]
    assert sum(data["by_status"].values()) == data["totals"]["links"]
    assert sum(c["nodes"] for c in data["by_country"].values()) == data["totals"]["nodes"]
    assert sum(c["links"] for c in data["by_country"].values()) == data["totals"]["links"]
    cells = sum(n for row in data["by_mode_status"].values() for n in row.values())
    assert cells == data["totals"]["links"]


def test_sources_and_estimated_shares(data: dict, mini_atlas: tripp.Atlas) -> None:
    assert data["sources_by_confidence"] == {"high": 1, "med": 0, "low": 0}
    estimated = data["estimated"]
    assert list(estimated) == [
        "nodes",
        "links",
        "crossings",
        "transfers",
        "tariffs",
        "energy",
        "demand",
        "services",
        "cargo_types",
        "overall",
    ]
    assert estimated["nodes"] == {"rows": 6, "estimated": 0, "share": 0.0}
    assert estimated["links"] == {"rows": 6, "estimated": 0, "share": 0.0}
    assert estimated["energy"] == {"rows": 0, "estimated": 0, "share": None}
    rows = 6 + 6 + 8 + 1 + 2 + len(mini_atlas.demand)
    rows += len(mini_atlas.services) + len(mini_atlas.cargo_types)
    assert estimated["overall"] == {"rows": rows, "estimated": 0, "share": 0.0}


def test_estimated_share_counts_flagged_rows(atlas_copy) -> None:  # type: ignore[no-untyped-def]
    folder = atlas_copy(
        links={
            "r2,b,c,both,rail,GE,50,50,,,,1520,operating,,TEST,hand,,,": (
                "r2,b,c,both,rail,GE,50,50,,,,1520,operating,,TEST,hand,true,guessed,"
            )
        }
    )
    data = describe_atlas(tripp.load_atlas(folder))
    assert data["estimated"]["links"] == {"rows": 6, "estimated": 1, "share": pytest.approx(1 / 6)}
    assert data["estimated"]["overall"]["estimated"] == 1


def test_json_ready_and_printable(data: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert json.loads(json.dumps(data)) == data
    print_description(data)
    out = capsys.readouterr().out
    assert "Links by mode and status" in out
    assert "under construction" in out
    assert "Estimated figures" in out
