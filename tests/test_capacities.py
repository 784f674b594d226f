"""Border-crossing capacities (issue 18): read, validated, converted and assigned.

Worked by hand on the mini atlas: from a to e, the road (13 h free-flow, of which 2 h is the
Xray IR→TR crossing) competes with the rail (18 h). With the crossing limited to 700 t/year
and the queue curve t = t0 (1 + ρ / (1 - ρ)) (J = 1, t0 = 2 h), both are used when
2 ρ / (1 - ρ) = 5 h, i.e. ρ = 5/7: 500 t/year cross at Xray, 500 t/year take the rail.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import tripp
from tripp.errors import InputError
from tripp.freight.corridor import assign_corridor, corridor_network
from tripp.freight.settings import FreightSettings

MINI = Path(__file__).parent / "fixtures" / "mini"
XRAY_OUT = ("x", "IR", "TR", "road")
DELTA_IN = ("d", "GE", "TR", "rail")


def _with_capacity(
    atlas_copy: Callable[..., Path], rows: dict[tuple[str, str, str, str], tuple[str, str]]
) -> Path:
    """The mini atlas with ``capacity`` and ``capacity_unit`` columns in crossings.csv,
    filled for the crossings in ``rows`` (key → (capacity, capacity_unit)), empty elsewhere."""
    folder = atlas_copy()
    file = folder / "crossings.csv"
    table = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"))))
    at = table[0].index("cost_usd_per_teu") + 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*table[0][:at], "capacity", "capacity_unit", *table[0][at:]])
    for row in table[1:]:
        cells = list(rows.get((row[0], row[1], row[2], row[3]), ("", "")))
        writer.writerow([*row[:at], *cells, *row[at:]])
    file.write_text(out.getvalue(), encoding="utf-8")
    return folder


def _crossing_arcs(graph: tripp.Graph, key: tuple[str, str, str, str]) -> np.ndarray:
    index = [
        i
        for i, c in enumerate(graph.atlas.crossings)
        if (c.node_id, c.from_country, c.to_country, c.mode) == key
    ]
    assert len(index) == 1
    arcs = np.flatnonzero(graph.crossing == index[0])
    assert arcs.size > 0
    return arcs


def test_crossing_capacity_reaches_its_arcs(atlas_copy: Callable[..., Path]) -> None:
    folder = _with_capacity(atlas_copy, {XRAY_OUT: ("700", "t_per_year")})
    graph = tripp.compile(tripp.load_atlas(folder))
    view = corridor_network(graph, year=2030, settings=FreightSettings())
    xray = _crossing_arcs(graph, XRAY_OUT)
    assert np.all(view.capacity_t_per_year[xray] == 700)
    back = _crossing_arcs(graph, ("x", "TR", "IR", "road"))
    assert np.all(np.isnan(view.capacity_t_per_year[back]))  # unknown stays unknown
    assert view.uncapacitated["crossings"] > 0


@pytest.mark.parametrize(
    ("capacity", "unit", "settings", "t_per_year"),
    [
        ("0.0007", "mt_per_year", FreightSettings(), 700.0),
        ("2", "vehicles_per_day", FreightSettings(t_per_truck=10.0), 2 * 10.0 * 365),
        ("1", "trains_per_day", FreightSettings(t_per_train=500.0), 500.0 * 365),
        ("70", "teu_per_year", FreightSettings(t_per_teu=10.0), 700.0),
    ],
)
def test_crossing_capacity_units_convert(
    atlas_copy: Callable[..., Path],
    capacity: str,
    unit: str,
    settings: FreightSettings,
    t_per_year: float,
) -> None:
    folder = _with_capacity(atlas_copy, {XRAY_OUT: (capacity, unit)})
    graph = tripp.compile(tripp.load_atlas(folder))
    view = corridor_network(graph, year=2030, settings=settings)
    xray = _crossing_arcs(graph, XRAY_OUT)
    assert view.capacity_t_per_year[xray] == pytest.approx(t_per_year)


@pytest.mark.parametrize(("crossing", "transfer", "binding"), [(500, 800, 500), (900, 800, 800)])
def test_smaller_of_transfer_and_crossing_binds(
    atlas_copy: Callable[..., Path], crossing: int, transfer: int, binding: int
) -> None:
    """At Delta the gauge change (transfer) and the GE→TR border share one arc."""
    folder = _with_capacity(atlas_copy, {DELTA_IN: (str(crossing), "t_per_year")})
    transfers = folder / "transfers.csv"
    text = transfers.read_text(encoding="utf-8")
    old = "d,rail,1520,rail,1435,5,200,,,true"
    assert old in text
    transfers.write_text(
        text.replace(old, f"d,rail,1520,rail,1435,5,200,{transfer},t_per_year,true"),
        encoding="utf-8",
    )
    graph = tripp.compile(tripp.load_atlas(folder))
    view = corridor_network(graph, year=2030, settings=FreightSettings())
    delta = _crossing_arcs(graph, DELTA_IN)
    shared = delta[graph.transfer[delta] >= 0]
    assert shared.size > 0
    assert np.all(view.capacity_t_per_year[shared] == binding)


def test_crossing_capacity_splits_the_equilibrium_by_hand(
    atlas_copy: Callable[..., Path],
) -> None:
    free = assign_corridor(
        tripp.compile(tripp.load_atlas(MINI)),
        scenario="mini",
        year=2030,
        demand_year=2025,
        algorithm="bfw",
    )
    assert {e.element_id for e in free.elements} >= {"road1"}
    assert next(e for e in free.elements if e.element_id == "road1").flow_t_per_year == (
        pytest.approx(1200)
    )  # uncapacitated: all of a→e (1,000) and e→a (200) on the 13 h road

    folder = _with_capacity(atlas_copy, {XRAY_OUT: ("700", "t_per_year")})
    result = assign_corridor(
        tripp.compile(tripp.load_atlas(folder)),
        scenario="mini",
        year=2030,
        demand_year=2025,
        gap=1e-8,
        algorithm="gp",
    )
    assert result.converged
    loads = {e.element_id: e for e in result.elements}
    xray = loads["x:IR:TR:road"]
    assert xray.kind == "crossing"
    assert xray.capacity_t_per_year == pytest.approx(700)
    assert xray.flow_t_per_year == pytest.approx(500, rel=1e-3)
    assert xray.v_c == pytest.approx(5 / 7, rel=1e-3)
    assert xray.delay_h == pytest.approx(5.0, rel=1e-3)
    assert loads["r4"].flow_t_per_year == pytest.approx(500, rel=1e-3)
    assert result.bottlenecks(1)[0].element_id == "x:IR:TR:road"


@pytest.mark.parametrize(
    ("capacity", "unit", "message"),
    [
        ("700", "", "capacity and capacity_unit must be given together"),
        ("", "t_per_year", "capacity and capacity_unit must be given together"),
        ("700", "mw", "mw"),
        ("-1", "t_per_year", "capacity"),
    ],
)
def test_bad_crossing_capacity_is_refused(
    atlas_copy: Callable[..., Path], capacity: str, unit: str, message: str
) -> None:
    folder = _with_capacity(atlas_copy, {XRAY_OUT: (capacity, unit)})
    with pytest.raises(InputError, match=message) as caught:
        tripp.load_atlas(folder)
    assert any(
        p.where == "crossings.csv" and p.column in ("capacity", "capacity_unit")
        for p in caught.value.problems
    )


def test_embedded_atlas_crossing_capacities_are_sourced() -> None:
    atlas = tripp.load_atlas()
    sources = {s.source_id for s in atlas.sources}
    rows = [c for c in atlas.crossings if c.capacity is not None]
    assert rows, "the embedded atlas gives some crossing capacities"
    for c in rows:
        assert c.capacity > 0 and c.capacity_unit
        assert c.method.startswith("capacity:") or "capacity:" in c.method
        assert set(c.source_ids) <= sources
