"""The elements a criticality analysis closes, each with the graph arcs its closure removes.

Element ids are scenario selectors (``link:ID``, ``node:ID``, ``crossing:NODE``,
``country:CC``), so any row of a ranking can be pasted into a scenario's ``close`` list.
Only elements that exist in the scenario year and carry freight are listed:

* a link closes both directions of its arcs;
* a node closes every arc into or out of any of its states (origin and destination demand
  at the node is cut too);
* a crossing point closes every crossing row at the node (both directions, all modes);
* a country closes every state of its nodes and every state of its links' layers, as
  ``--avoid-country`` does (international waters are not a country).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where used, so the CLI can import this module fast
    from tripp.graph.compile import Graph, IntArray


class ElementKind(StrEnum):
    """What a criticality analysis closes."""

    LINKS = "links"
    NODES = "nodes"
    CROSSINGS = "crossings"
    COUNTRIES = "countries"
    ENERGY = "energy"  # pipelines and power lines: see tripp.resilience.energy_criticality


@dataclass(frozen=True, eq=False)
class Element:
    """One closable element: its selector id, a readable label and the arcs it removes."""

    element_id: str
    label: str
    arcs: IntArray


def list_elements(graph: Graph, kind: ElementKind, *, year: int) -> list[Element]:
    """The elements of ``kind`` that have at least one arc existing in ``year``."""
    import numpy as np

    exists = graph.available_from_year <= year
    atlas = graph.atlas
    names = {node.node_id: node.name for node in atlas.nodes}
    groups: dict[str, list[int]] = defaultdict(list)
    labels: dict[str, str] = {}
    if kind is ElementKind.LINKS:
        for arc in np.flatnonzero(graph.link >= 0).tolist():
            link = atlas.links[int(graph.link[arc])]
            key = f"link:{link.link_id}"
            groups[key].append(arc)
            labels[key] = f"{names[link.from_node]} – {names[link.to_node]} ({link.mode})"
    elif kind is ElementKind.CROSSINGS:
        for arc in np.flatnonzero(graph.crossing >= 0).tolist():
            node_id = atlas.crossings[int(graph.crossing[arc])].node_id
            key = f"crossing:{node_id}"
            groups[key].append(arc)
            labels[key] = f"{names[node_id]} border crossing"
    elif kind is ElementKind.NODES:
        for node, node_id in enumerate(graph.node_ids):
            touching = (graph.state_node[graph.tail] == node) | (
                graph.state_node[graph.head] == node
            )
            key = f"node:{node_id}"
            groups[key] = np.flatnonzero(touching).tolist()
            labels[key] = names[node_id]
    else:
        node_country = np.array([atlas.node_by_id[n].country for n in graph.node_ids])
        layer_country = np.array([layer[2] if layer else "" for layer in graph.state_layer])
        home_country = node_country[graph.state_node]
        for country in atlas.countries():
            in_country = (home_country == country) | (layer_country == country)
            key = f"country:{country}"
            groups[key] = np.flatnonzero(in_country[graph.tail] | in_country[graph.head]).tolist()
            labels[key] = country
    elements = []
    for key, arcs in groups.items():
        index = np.asarray(arcs, dtype=np.int64)
        if exists[index].any():
            elements.append(Element(key, labels[key], index))
    return elements
