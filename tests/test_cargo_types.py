"""Cargo types: the modes, transfers and tariffs each may use, costs per its unit, and the
validation that names a missing tariff. On the hand-built atlas tests/fixtures/caspian."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import tripp
from tripp.errors import InputError, NoRouteError
from tripp.graph.cargo import cargo_mask, per_teu_factor

CASPIAN = Path(__file__).parent / "fixtures" / "caspian"


@pytest.fixture(scope="module")
def graph() -> tripp.Graph:
    return tripp.compile(tripp.load_atlas(CASPIAN))


def test_container_is_the_default_and_counted_in_teu(graph: tripp.Graph) -> None:
    result = tripp.route(graph, "west", "east")
    assert result.cargo_type == "container" and result.routes[0].cost_unit == "TEU"
    assert result.to_dict()["cargo_type"] == "container"
    assert result.to_dict()["routes"][0]["cost_unit"] == "TEU"


def test_a_roro_truck_drives_on_the_ferry_and_stays_a_truck(graph: tripp.Graph) -> None:
    route = tripp.route(graph, "west", "east", cargo_type="roro").routes[0]
    assert route.cost_unit == "truck"
    assert {leg.mode for leg in route.legs if leg.kind == "link"} == {"road", "ferry"}
    assert [(t.from_mode, t.to_mode) for t in route.transfers] == [
        ("road", "ferry"),
        ("ferry", "road"),
    ]


def test_a_roro_truck_never_takes_rail(graph: tripp.Graph) -> None:
    with pytest.raises(InputError, match="roro may use road, ferry"):
        tripp.route(graph, "west", "east", cargo_type="roro", modes="rail")
    with pytest.raises(NoRouteError):
        tripp.route(graph, "junction", "east", cargo_type="roro")  # junction: rail only


def test_a_container_leaves_rail_for_a_truck_only_at_a_terminal_row(graph: tripp.Graph) -> None:
    # road↔ferry rows are for roro only, so a container reaches the ferry by rail
    route = tripp.route(graph, "west", "east").routes[0]
    assert ("road", "ferry") not in [(t.from_mode, t.to_mode) for t in route.transfers]
    # east has the one container rail→road row
    mask = cargo_mask(graph, "container")
    transfer_arcs = graph.transfer >= 0
    rows = graph.atlas.transfers
    used = {rows[t].from_mode + "-" + rows[t].to_mode for t in graph.transfer[transfer_arcs & mask]}
    assert used == {"rail-ferry", "rail-road"}
    to_road = {
        rows[t].node_id
        for t in graph.transfer[transfer_arcs & mask]
        if "road" in (rows[t].from_mode, rows[t].to_mode)
    }
    assert to_road == {"east"}


def test_costs_are_per_unit_of_the_cargo_type(graph: tripp.Graph) -> None:
    # (from kport: the junction's block train carries no dry bulk)
    container = tripp.route(graph, "kport", "east", modes="rail,ferry").routes[0]
    bulk = tripp.route(graph, "kport", "east", modes="rail,ferry", cargo_type="dry_bulk").routes[0]
    assert bulk.cost_unit == "t" and bulk.link_ids == container.link_ids
    assert per_teu_factor(graph, "dry_bulk") == pytest.approx(1 / 10)
    for c, b in zip(container.legs, bulk.legs, strict=True):
        if b.kind == "link":
            rate = {"rail": 0.04, "ferry": 0.1}[b.mode]  # tariffs.csv per t-km
            assert b.cost_usd == pytest.approx(b.distance_km * rate)
        else:  # transfers and crossings per TEU, × 1 t / 10 t per TEU
            assert b.cost_usd == pytest.approx(c.cost_usd / 10)
    assert bulk.cost_usd == pytest.approx(sum(leg.cost_usd for leg in bulk.legs))
    assert bulk.time_h == pytest.approx(container.time_h)


def test_generalized_cost_uses_the_cargo_types_value_of_time(graph: tripp.Graph) -> None:
    route = tripp.route(graph, "west", "east", cargo_type="roro", objective="generalized")
    r = route.routes[0]
    assert r.generalized_cost_usd == pytest.approx(r.cost_usd + 1.7 * r.time_h)


def test_an_unknown_cargo_type_is_an_input_error(graph: tripp.Graph) -> None:
    with pytest.raises(InputError, match="unknown cargo type 'drybulk'"):
        tripp.route(graph, "west", "east", cargo_type="drybulk")


def copy_atlas(tmp_path: Path) -> Path:
    folder = tmp_path / "atlas"
    shutil.copytree(CASPIAN, folder)
    return folder


def test_a_missing_tariff_names_the_row_to_add(tmp_path: Path) -> None:
    folder = copy_atlas(tmp_path)
    tariffs = folder / "tariffs.csv"
    tariffs.write_text(
        "".join(
            line
            for line in tariffs.read_text().splitlines(keepends=True)
            if not line.startswith("ferry,*,roro")
        )
    )
    with pytest.raises(InputError) as error:
        tripp.load_atlas(folder)
    text = str(error.value)
    assert "no tariff for ferry in XZ (1 links) for cargo type roro" in text
    assert "(mode ferry, country *, cargo_type roro)" in text


def test_a_tariff_must_give_the_cost_in_its_cargo_types_unit(tmp_path: Path) -> None:
    folder = copy_atlas(tmp_path)
    tariffs = folder / "tariffs.csv"
    tariffs.write_text(tariffs.read_text().replace("road,*,roro,,,1.8", "road,*,roro,1.8,,"))
    with pytest.raises(InputError, match="roro is counted in truck but the row has no"):
        tripp.load_atlas(folder)


def test_unknown_cargo_types_in_transfers_and_services_are_errors(tmp_path: Path) -> None:
    folder = copy_atlas(tmp_path)
    services = folder / "services.csv"
    services.write_text(services.read_text().replace("container;dry_bulk;roro", "container;ro_ro"))
    with pytest.raises(
        InputError, match=r"services\.csv:2: cargo_types: unknown cargo type 'ro_ro'"
    ):
        tripp.load_atlas(folder)


def test_an_atlas_without_cargo_types_knows_container_only() -> None:
    atlas = tripp.load_atlas(Path(__file__).parent / "fixtures" / "mini")
    assert list(atlas.cargo_type_by_id) == ["container"]
    assert tripp.route(tripp.compile(atlas), "a", "c").routes[0].cost_unit == "TEU"


def test_the_api_routes_a_cargo_type_and_names_the_option_when_unknown() -> None:
    from fastapi.testclient import TestClient

    from tripp.api.app import create_app

    with TestClient(create_app()) as client:
        answer = client.get(
            "/api/route", params={"origin": "Aktau", "destination": "Tbilisi", "cargo": "roro"}
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["cargo_type"] == "roro"
        assert body["routes"][0]["cost_unit"] == "truck"
        assert "rail" not in {leg["mode"] for leg in body["routes"][0]["legs"]}
        wrong = client.get(
            "/api/route", params={"origin": "Aktau", "destination": "Tbilisi", "cargo": "grain"}
        )
        assert wrong.status_code == 422
        assert "cargo" in wrong.text and "grain" in wrong.text
