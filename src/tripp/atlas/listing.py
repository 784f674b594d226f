"""Filtering and listing of atlas rows for ``tripp nodes`` and ``tripp links``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tripp.atlas.countries import country_hint, is_country
from tripp.atlas.model import Atlas, Link, Node
from tripp.atlas.names import did_you_mean
from tripp.atlas.schema import NODES, STATUSES
from tripp.errors import FieldProblem, InputError
from tripp.units import ALL_MODES


def _check_choice(field: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        guess = did_you_mean(value, choices, limit=1)
        fix = f"did you mean '{guess[0]}'?" if guess else f"use one of {', '.join(choices)}"
        raise InputError(FieldProblem(field, f"unknown value '{value}'", fix))


def _check_country(value: str | None) -> None:
    if value is not None and not is_country(value):
        raise InputError(
            FieldProblem("country", f"unknown country code '{value}'", country_hint(value))
        )


def filter_nodes(
    atlas: Atlas, *, country: str | None = None, kind: str | None = None
) -> list[Node]:
    """Nodes of ``country`` (ISO code) and ``kind`` (None: any).

    >>> import tripp
    >>> len(tripp.nodes(tripp.load_atlas(), country="AM", kind="border_crossing"))
    7
    """
    _check_country(country)
    _check_choice("kind", kind, NODES.column("kind").choices)
    return [
        n
        for n in atlas.nodes
        if (country is None or n.country == country) and (kind is None or n.kind == kind)
    ]


def filter_links(
    atlas: Atlas,
    *,
    country: str | None = None,
    mode: str | None = None,
    status: str | None = None,
    corridor: str | None = None,
) -> list[Link]:
    """Links matching every filter given (None: any). Corridor tags match case-insensitively.

    >>> import tripp
    >>> [link.link_id for link in tripp.links(tripp.load_atlas(), corridor="tripp")][:2]
    ['horadiz__aghband__rail', 'aghband__meghri__rail']
    """
    _check_country(country)
    _check_choice("mode", mode, ALL_MODES)
    _check_choice("status", status, STATUSES)
    tag = corridor.casefold() if corridor else None
    return [
        link
        for link in atlas.links
        if (country is None or link.country == country)
        and (mode is None or link.mode == mode)
        and (status is None or link.status == status)
        and (tag is None or tag in {c.casefold() for c in link.corridors})
    ]


def nodes_geojson(nodes: list[Node]) -> dict[str, Any]:
    """Nodes as a GeoJSON FeatureCollection of points."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [n.lon, n.lat]},
                "properties": _properties(n),
            }
            for n in nodes
        ],
    }


def links_geojson(atlas: Atlas, links: list[Link]) -> dict[str, Any]:
    """Links as a GeoJSON FeatureCollection of straight lines between their nodes."""
    nodes = atlas.node_by_id
    features = []
    for link in links:
        a, b = nodes[link.from_node], nodes[link.to_node]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[a.lon, a.lat], [b.lon, b.lat]]},
                "properties": _properties(link),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _properties(row: Node | Link) -> dict[str, Any]:
    return {k: ";".join(v) if isinstance(v, tuple) else v for k, v in asdict(row).items()}
