"""The column-wise graph compiler gives the same arrays, in the same order, as building the
graph arc by arc, on the embedded atlas, every bundled scenario and test fixtures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.compile_oracle import compile_row_by_row
from tests.scale_atlas import write_big_atlas
from tripp.atlas.io import load_atlas
from tripp.atlas.model import Atlas
from tripp.graph.compile import ARC_DEFAULTS, compile_graph
from tripp.scenarios.io import list_scenarios
from tripp.scenarios.network import scenario_network

FIXTURES = Path(__file__).parent / "fixtures"


def _assert_same_graph(atlas: Atlas) -> None:
    graph = compile_graph(atlas)
    expected = compile_row_by_row(atlas)
    assert graph.state_layer == expected["state_layer"]
    for name in ("state_node", "start_state", "end_state"):
        np.testing.assert_array_equal(getattr(graph, name), expected[name], err_msg=name)
    for name in ("tail", "head", *ARC_DEFAULTS):
        actual = getattr(graph, name)
        assert actual.dtype == expected[name].dtype, name
        np.testing.assert_array_equal(actual, expected[name], err_msg=name)
    assert graph.n_arcs == len(expected["tail"]) > 0


def test_the_embedded_atlas_compiles_as_arc_by_arc() -> None:
    _assert_same_graph(load_atlas())


@pytest.mark.parametrize("fixture", ["mini", "caspian"])
def test_fixture_atlases_compile_as_arc_by_arc(fixture: str) -> None:
    _assert_same_graph(load_atlas(FIXTURES / fixture))


def test_every_bundled_scenario_compiles_as_arc_by_arc() -> None:
    base = load_atlas()
    names = list_scenarios()
    assert len(names) >= 10
    for name in names:
        _assert_same_graph(scenario_network(base, name).atlas)


def test_thousands_of_parallel_links_compile_as_arc_by_arc(tmp_path: Path) -> None:
    atlas = load_atlas(write_big_atlas(tmp_path / "atlas", copies=4))
    graph = compile_graph(atlas)
    midpoints = sum(layer is None for layer in graph.state_layer) - 2 * len(graph.node_ids)
    assert midpoints > 1000  # every copy of a link runs through a midpoint
    _assert_same_graph(atlas)
