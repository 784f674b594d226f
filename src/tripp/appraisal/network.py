"""A scenario's network as it stands in its own year, to be run in a later one.

The appraisal runs both networks on the scenario's demand, in the scenario's year; the
base must keep the network of its own year: what opens in between (on the atlas's dates)
is part of what the scenario changes and carries the cost of. :func:`as_of` closes every
link, crossing, storage and plant not open in the base's year and makes those open then
operating from any year, so no later year opens anything more.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tripp.atlas.model import Atlas, is_available
from tripp.graph.compile import compile_graph
from tripp.scenarios.network import ScenarioNetwork


def _frozen(rows: tuple[Any, ...], year: int) -> tuple[Any, ...]:
    out = []
    for row in rows:
        if is_available(row.status, row.open_year, year):
            out.append(dataclasses.replace(row, status="operating", open_year=None))
        else:
            out.append(dataclasses.replace(row, status="closed", open_year=None))
    return tuple(out)


def frozen_atlas(atlas: Atlas, year: int) -> Atlas:
    """``atlas`` with what is open in ``year`` open for good and everything else closed."""
    return dataclasses.replace(
        atlas,
        links=_frozen(atlas.links, year),
        crossings=_frozen(atlas.crossings, year),
        storage=_frozen(atlas.storage, year),
        plants=_frozen(atlas.plants, year),
    )


def as_of(network: ScenarioNetwork) -> ScenarioNetwork:
    """``network`` frozen in its own year (:func:`frozen_atlas`), compiled anew."""
    atlas = frozen_atlas(network.atlas, network.year)
    return ScenarioNetwork(network.scenario, atlas, compile_graph(atlas))
