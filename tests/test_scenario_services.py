"""Scenarios change scheduled services: ``[[set]] target = "service:ID"`` or ``"service:NODE"``
sets ``departures_per_week`` or ``dwell_h``, checked like every other figure."""

from __future__ import annotations

from pathlib import Path

import pytest

import tripp
from tripp.errors import InputError
from tripp.scenarios import load_scenario


def write(tmp_path: Path, body: str) -> Path:
    file = tmp_path / "s.toml"
    file.write_text('description = "test"\nextends = "baseline-2025"\n' + body, encoding="utf-8")
    return file


def wait_h(network: tripp.ScenarioNetwork, origin: str, destination: str) -> float:
    route = tripp.route(network.graph, origin, destination, modes="ferry", year=network.year)
    return sum(leg.time_h for leg in route.routes[0].legs if leg.kind == "wait")


def test_twice_the_sailings_halve_the_headway_part_of_the_wait(tmp_path: Path) -> None:
    atlas = tripp.load_atlas()
    (service,) = [s for s in atlas.services if s.service_id == "caspian_kuryk_alat"]
    file = write(
        tmp_path,
        '[[set]]\ntarget = "service:kuryk"\nfield = "departures_per_week"\nfactor = 2.0\n',
    )
    before = tripp.scenario(atlas, "baseline-2025")
    after = tripp.scenario(atlas, str(file))
    assert wait_h(before, "kuryk", "alat") == pytest.approx(
        84 / service.departures_per_week + service.dwell_h
    )
    assert wait_h(after, "kuryk", "alat") == pytest.approx(
        84 / (2 * service.departures_per_week) + service.dwell_h
    )


def test_an_unknown_service_and_an_out_of_range_frequency_are_named(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        '[[set]]\ntarget = "service:kuryx"\nfield = "departures_per_week"\nfactor = 2.0\n\n'
        '[[set]]\ntarget = "service:caspian_kuryk_alat"\nfield = "departures_per_week"\n'
        "value = 0\n",
    )
    with pytest.raises(InputError) as caught:
        load_scenario(file, tripp.load_atlas())
    text = str(caught.value)
    assert "unknown service 'kuryx'" in text and "did you mean 'service:kuryk'?" in text
    assert "service:caspian_kuryk_alat: value 0 is outside" in text


def test_caspian_doubled_waits_less_than_its_parent() -> None:
    atlas = tripp.load_atlas()
    doubled = tripp.scenario(atlas, "caspian-doubled")
    parent = tripp.scenario(atlas, "baseline-2025")
    assert wait_h(doubled, "kuryk", "alat") < wait_h(parent, "kuryk", "alat")
