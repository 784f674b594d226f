"""Join an imported network to the places of the atlas it will be stacked on.

An imported folder stacked on the embedded atlas (``--atlas embedded --atlas DIR``) only
extends its network where the two connect. :func:`join_to_atlas` connects them: each place of
the base atlas that rail or road reaches gets a *join link* to the nearest imported node of
the same mode (and, for rail, a gauge both use) in the same country within ``within_km``.
A join link runs the straight line between them at the speed of the imported line it meets;
it is a derived row (``estimated``, with its ``method``) citing the import's sources. The
place's own row is copied into the imported folder as the base atlas writes it, with the
sources it cites, so that the folder still validates alone and stacking reports no conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
from scipy.spatial import cKDTree

from tripp.atlas.io import default_atlas_folder
from tripp.atlas.model import Atlas, Node
from tripp.atlas.schema import TABLES
from tripp.graph.astar import sphere_positions_km
from tripp.importers.tables import MIN_LENGTH_KM, ImportResult, written_rows

#: The modes a place is joined by.
JOIN_MODES: Final = ("rail", "road")


def join_to_atlas(result: ImportResult, base: Atlas, *, within_km: float) -> ImportResult:
    """``result`` with join links from the places of ``base`` to the nearest imported nodes
    within ``within_km`` (straight km), as the module says; the summary counts them by mode
    and a note lists up to ten."""
    tables = {name: [dict(row) for row in rows] for name, rows in result.tables.items()}
    ends = _imported_ends(tables["links"])
    nodes = {row["node_id"]: row for row in tables["nodes"]}
    joins = []
    for mode in JOIN_MODES:
        offered = [(node_id, key) for (node_id, m, key) in ends if m == mode]
        joins += _nearest(base, mode, offered, nodes, ends, within_km)
    base_rows = _rows_by_key(base, "nodes")
    places = sorted({join["from_node"] for join in joins})
    tables["nodes"] += [base_rows[(place,)] for place in places if place not in nodes]
    tables["links"] += joins
    cited = {s for place in places for s in base_rows[(place,)].get("source_ids", ())}
    have = {row["source_id"] for row in tables["sources"]}
    base_sources = _rows_by_key(base, "sources")
    tables["sources"] += [base_sources[(s,)] for s in sorted(cited - have)]
    label = "the embedded atlas" if base.folders == (default_atlas_folder(),) else base.name
    summary = dict(result.summary)
    for mode in JOIN_MODES:
        summary[f"join links to {label} ({mode})"] = sum(j["mode"] == mode for j in joins)
    shown = ", ".join(_described(join) for join in joins[:10])
    more = f" and {len(joins) - 10} more" if len(joins) > 10 else ""
    note = (
        f"joined to {label} within {within_km:g} km: {shown}{more}"
        if joins
        else f"no place of {label} lies within {within_km:g} km of an imported rail or "
        "road node in its country: stacked, the two networks do not connect"
    )
    return ImportResult(tables=tables, summary=summary, notes=(*result.notes, note))


def _described(join: Mapping[str, Any]) -> str:
    """A join link in a few words: ``kars ↔ osm-n1 (rail 1435 mm, 0.86 km)``."""
    gauge = f" {join['gauge_mm']} mm" if join.get("gauge_mm") else ""
    return (
        f"{join['from_node']} ↔ {join['to_node']} ({join['mode']}{gauge}, {join['length_km']:g} km)"
    )


def _imported_ends(links: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str, int], float]:
    """(node id, mode, gauge or 0) → the fastest speed (km/h) of the imported links of that
    mode and gauge at the node."""
    ends: dict[tuple[str, str, int], float] = {}
    for row in links:
        if row["mode"] in JOIN_MODES and row.get("speed_kmh"):
            key = int(row.get("gauge_mm") or 0)
            for node_id in (row["from_node"], row["to_node"]):
                here = (node_id, row["mode"], key)
                ends[here] = max(ends.get(here, 0.0), float(row["speed_kmh"]))
    return ends


def _nearest(
    base: Atlas,
    mode: str,
    offered: list[tuple[str, int]],
    nodes: Mapping[str, Mapping[str, Any]],
    ends: Mapping[tuple[str, str, int], float],
    within_km: float,
) -> list[dict[str, Any]]:
    """The join links of ``mode``: per place of ``base`` reached by it and per gauge it is
    reached on (0 for road), one to the nearest imported node of ``offered`` (node id,
    gauge) of that gauge in the place's country within reach."""
    reached: dict[str, set[int]] = defaultdict(set)
    for link in base.links:
        if link.mode == mode:
            reached[link.from_node].add(link.gauge_mm or 0)
            reached[link.to_node].add(link.gauge_mm or 0)
    if not offered or not reached:
        return []
    rows = [nodes[node_id] for node_id, _ in offered]
    tree = cKDTree(sphere_positions_km([r["lon"] for r in rows], [r["lat"] for r in rows]))
    places = [base.node_by_id[p] for p in sorted(reached)]
    centres = sphere_positions_km([p.lon for p in places], [p.lat for p in places])
    joins = []
    found = tree.query_ball_point(centres, within_km)
    for place, centre, near in zip(places, centres, found, strict=True):
        for gauge in sorted(reached[place.node_id]):
            fits = [
                (float(np.linalg.norm(tree.data[i] - centre)), i)
                for i in near
                if offered[i][1] == gauge and rows[i]["country"] == place.country
            ]
            if fits:
                km, index = min(fits)
                node_id = offered[index][0]
                joins.append(_join_link(place, node_id, mode, gauge, km, nodes, ends))
    return joins


def _join_link(
    place: Node,
    node_id: str,
    mode: str,
    gauge: int,
    km: float,
    nodes: Mapping[str, Mapping[str, Any]],
    ends: Mapping[tuple[str, str, int], float],
) -> dict[str, Any]:
    """The row of a join link from ``place`` to the imported ``node_id`` (``km`` apart)."""
    country = place.country
    length_km = max(round(km, 3), MIN_LENGTH_KM)
    suffix = f"-{gauge}" if gauge else ""
    return {
        "link_id": f"join-{place.node_id}-{node_id}-{mode}{suffix}",
        "from_node": place.node_id,
        "to_node": node_id,
        "mode": mode,
        "country": country,
        "length_km": length_km,
        "speed_kmh": ends[(node_id, mode, gauge)],
        "gauge_mm": gauge or None,
        "status": "operating",
        "source_ids": tuple(nodes[node_id]["source_ids"]),
        "estimated": True,
        "method": f"join link: straight line from the atlas place {place.node_id} to the nearest "
        f"imported {mode} node{f' of {gauge} mm' if gauge else ''} ({length_km:g} km), at "
        "the speed of the imported line there",
    }


def _rows_by_key(base: Atlas, name: str) -> dict[tuple[str, ...], dict[str, Any]]:
    """The base atlas's rows of table ``name`` as its folders write them (text cells; a
    later folder's row replaces an earlier one of the same key), by key; list cells split."""
    rows: dict[tuple[str, ...], dict[str, Any]] = {}
    lists = {c.name for c in TABLES[name].columns if c.type == "list"}
    for folder in base.folders:
        file = Path(folder) / TABLES[name].filename
        if not file.is_file():
            continue
        for text in written_rows(file):
            row: dict[str, Any] = dict(text)
            for column in lists & set(row):
                row[column] = tuple(p.strip() for p in row[column].split(";") if p.strip())
            rows[tuple(str(row.get(c) or "") for c in TABLES[name].key)] = row
    return rows
