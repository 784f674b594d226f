"""``tripp import osm``: an OpenStreetMap extract into atlas tables.

:func:`import_osm` reads the extract (:mod:`.osm_read`), splits the ways at their topology
nodes (:mod:`.osm_topology`), places borders, ferry ends and merged chains
(:mod:`.osm_network`) and writes the rows here. Every row cites the extract (ODbL 1.0);
a default figure also cites its published source (:mod:`.osm_defaults`) and is flagged
``estimated`` with its ``method``. docs/import.md documents the mapping.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from tripp.errors import InputError, Problem
from tripp.importers.osm_defaults import Defaults, embedded_defaults
from tripp.importers.osm_network import Network, build_network
from tripp.importers.osm_read import OsmExtract, OsmWays, clip_to_bbox, read_osm
from tripp.importers.osm_tags import WayClass
from tripp.importers.osm_topology import PLACE_SNAP_KM, attach_places, build_segments
from tripp.importers.tables import MIN_LENGTH_KM, ImportResult, embedded_rows, embedded_sources

#: The id of the extract's row in sources.csv.
OSM_SOURCE_ID: Final = "osm_extract"


def import_osm(
    path: Path,
    *,
    modes: Sequence[str] = ("rail", "road", "ferry"),
    bbox: tuple[float, float, float, float] | None = None,
) -> ImportResult:
    """Atlas tables from the OpenStreetMap PBF at ``path``: the ways of ``modes`` (rail,
    road, ferry), only their parts inside ``bbox`` (W, S, E, N degrees) when given.

    Raises :class:`~tripp.errors.InputError` when the file cannot be read or a node lies
    outside every country of the bundled outlines. Write the result with
    :func:`tripp.importers.tables.write_atlas_folder`.

    >>> import tempfile, osmium
    >>> path = Path(tempfile.mkdtemp()) / "tbilisi.osm.pbf"
    >>> writer = osmium.SimpleWriter(str(path))
    >>> writer.add_node(osmium.osm.mutable.Node(id=1, location=(44.80, 41.72)))
    >>> writer.add_node(osmium.osm.mutable.Node(id=2, location=(45.00, 41.45)))
    >>> writer.add_way(osmium.osm.mutable.Way(id=7, nodes=[1, 2], tags={"highway": "trunk"}))
    >>> writer.close()
    >>> result = import_osm(path)
    >>> [(r["link_id"], r["mode"], r["country"], r["speed_kmh"]) for r in result.tables["links"]]
    [('osm-w7-1', 'road', 'GE', 42.0)]
    >>> import shutil; shutil.rmtree(path.parent)
    """
    path = Path(path)
    extract = read_osm(path, modes=modes)
    ways = extract.ways if bbox is None else clip_to_bbox(extract.ways, bbox)
    if ways.n_pieces == 0:
        inside = "" if bbox is None else " inside --bbox"
        raise InputError(
            Problem(
                str(path),
                f"has no {', '.join(modes)} way that tripp reads{inside} "
                f"({extract.ways_read} rail, road or ferry ways read)",
                "check --modes and --bbox, or the tags the extract uses (docs/import.md)",
            )
        )
    places, places_moved = attach_places(ways, extract.places)
    segments = build_segments(ways, places)
    network = build_network(segments, ways, places)
    network.counts["places moved onto a way"] = places_moved
    network.counts["places not on a kept way"] = len(extract.places.node_id) - len(places.node_id)
    defaults = embedded_defaults()
    link_rows, link_modes, sources = _link_rows(network, ways, defaults)
    node_rows, node_ids = _node_rows(network)
    for row in link_rows:
        row["from_node"], row["to_node"] = node_ids[row["from_node"]], node_ids[row["to_node"]]
    crossing_rows = _crossing_rows(network, node_ids, defaults, sources)
    transfer_rows = _transfer_rows(network, node_ids, defaults, sources)
    service_rows = _service_rows(link_rows, defaults, sources)
    published = embedded_rows(["tariffs", "cargo_types"], modes=sorted(set(link_modes)) or modes)
    sources.update(row["source_id"] for row in published.pop("sources"))
    tables: dict[str, list[dict[str, Any]]] = {
        "sources": [_extract_source(path, extract), *embedded_sources(sorted(sources))],
        "nodes": node_rows,
        "links": link_rows,
        "crossings": crossing_rows,
        "transfers": transfer_rows,
        "services": service_rows,
        **published,
    }
    summary = _summary(extract, ways, network, Counter(link_modes), node_rows)
    notes = (
        "Map data © OpenStreetMap contributors, under the Open Database Licence (ODbL) 1.0: "
        "an atlas made from it is a derived database; share it under the ODbL and credit "
        "OpenStreetMap (https://www.openstreetmap.org/copyright).",
        *_notes(extract, network),
    )
    return ImportResult(tables=tables, summary=summary, notes=notes)


def _extract_source(path: Path, extract: OsmExtract) -> dict[str, Any]:
    return {
        "source_id": OSM_SOURCE_ID,
        "title": f"OpenStreetMap extract {path.name}",
        "publisher": "OpenStreetMap contributors",
        "url": "https://www.openstreetmap.org/copyright",
        "year": extract.year,
        "confidence": "med",
        "note": "© OpenStreetMap contributors; available under the Open Database Licence "
        "(ODbL) 1.0. Read by tripp import osm: ways, node positions and tags.",
    }


def _node_rows(network: Network) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Rows of the nodes that links use, and the atlas id of each node index."""
    used = sorted(set(network.link_u.tolist()) | set(network.link_v.tolist()))
    rows, ids = [], {}
    border_count: Counter[int] = Counter()
    lon = np.round(np.array(network.node_lon), 7).tolist()
    lat = np.round(np.array(network.node_lat), 7).tolist()
    for node in used:
        osm_id, way = network.node_osm_id[node], network.node_way[node]
        if osm_id >= 0:
            node_id = f"osm-n{osm_id}"
        else:
            border_count[way] += 1
            node_id = f"osm-w{way}-b{border_count[way]}"
        ids[node] = node_id
        row: dict[str, Any] = {
            "node_id": node_id,
            "name": network.node_name[node] or node_id,
            "kind": network.node_kind[node] or "junction",
            "country": network.node_country[node],
            "lon": lon[node],
            "lat": lat[node],
            "source_ids": (OSM_SOURCE_ID,),
        }
        if osm_id < 0:
            row["estimated"] = True
            row["method"] = (
                f"where OSM way {way} crosses the border of the Natural Earth 1:50m outline "
                f"of {network.node_country[node]}"
            )
        rows.append(row)
    return rows, ids


def _link_rows(
    network: Network, ways: OsmWays, defaults: Defaults
) -> tuple[list[dict[str, Any]], list[str], set[str]]:
    """Link rows (ends as node indices, replaced by the caller), their modes and the
    default sources they cite. The cells a class decides are worked out once per class."""
    templates = [_class_cells(way_class) for way_class in ways.classes]
    rows, modes, cited = [], [], set()
    ordinal: Counter[tuple[int, int]] = Counter()
    lengths_km = network.link_length_km.tolist()
    pieces = network.link_piece.tolist()
    class_of = ways.class_index[network.link_piece].tolist()
    way_of = ways.way_id[network.link_piece].tolist()
    copy_of = ways.gauge_copy[network.link_piece].tolist()
    for i, (u, v) in enumerate(zip(network.link_u.tolist(), network.link_v.tolist(), strict=True)):
        way, copy = way_of[i], copy_of[i]
        ordinal[(way, copy)] += 1
        gauge_suffix = f"-g{copy}" if copy else ""
        row: dict[str, Any] = {
            "link_id": f"osm-w{way}{gauge_suffix}-{ordinal[(way, copy)]}",
            "from_node": u,
            "to_node": v,
            "country": network.link_country[i],
            **templates[class_of[i]],
        }
        length_km = lengths_km[i]
        if length_km < MIN_LENGTH_KM:
            row["method"] = (
                f"OSM length {length_km * 1000:.1f} m raised to the atlas minimum; "
                + row.get("method", "")
            )
            length_km = MIN_LENGTH_KM
        row["length_km"] = round(length_km, 3)
        if row["mode"] == "ferry":
            _ferry_cells(row, float(ways.ferry_speed_kmh[pieces[i]]), defaults)
        cited.update(row["source_ids"][1:])
        rows.append(row)
        modes.append(row["mode"])
    return rows, modes, cited


def _class_cells(way_class: WayClass) -> dict[str, Any]:
    """The link cells a way class decides: mode, status, note and, on rail and road, the
    speed with its default's source and method."""
    cells: dict[str, Any] = {
        "mode": way_class.mode,
        "status": "operating",
        "note": _tag_note(way_class),
        "source_ids": (OSM_SOURCE_ID,),
    }
    if way_class.mode != "ferry":
        speed, default, capped = way_class.speed_kmh()
        cells["speed_kmh"] = round(speed, 1)
        cells["gauge_mm"] = way_class.gauge_mm or None
        cells["source_ids"] = (OSM_SOURCE_ID, default.source_id)
        cells["estimated"] = True
        cells["method"] = (
            f"speed capped at the tagged limit {speed:.0f} km/h (default: {default.basis})"
            if capped
            else f"default freight speed: {default.basis}"
        ) + "; length geodesic along the OSM way"
    return cells


def _service_rows(
    link_rows: list[dict[str, Any]], defaults: Defaults, sources: set[str]
) -> list[dict[str, Any]]:
    """A sailing each way on every ferry link, at the default frequency and dwell (OSM
    gives no timetable): an atlas that lists services sails only listed ones, so a folder
    stacked on the embedded atlas needs them (the sources they cite go into ``sources``)."""
    service = defaults.ferry_service
    rows = []
    for link in link_rows:
        if link["mode"] != "ferry":
            continue
        for node, other in (
            (link["from_node"], link["to_node"]),
            (link["to_node"], link["from_node"]),
        ):
            rows.append(
                {
                    "service_id": f"{link['link_id']}-from-{node}",
                    "node_id": node,
                    "mode": "ferry",
                    "to_node": other,
                    "departures_per_week": service.departures_per_week,
                    "dwell_h": service.dwell_h,
                    "cargo_types": service.cargo_types,
                    "source_ids": (OSM_SOURCE_ID, *service.source_ids),
                    "estimated": True,
                    "method": service.method,
                }
            )
    if rows:
        sources.update(service.source_ids)
    return rows


def _ferry_cells(row: dict[str, Any], speed_kmh: float, defaults: Defaults) -> None:
    """A ferry's time from its ``duration`` (as a speed over the whole way), else the
    default ferry speed with its sources and method."""
    if math.isnan(speed_kmh):
        row["speed_kmh"] = defaults.ferry_speed_kmh
        row["source_ids"] = (OSM_SOURCE_ID, *defaults.ferry_sources)
        row["estimated"] = True
        row["method"] = (
            row.get("method", "") + f"no duration tag: {defaults.ferry_method}; "
            "length geodesic along the OSM way"
        )
    else:
        row["time_h"] = round(max(row["length_km"] / speed_kmh, 0.01), 3)


def _tag_note(way_class: WayClass) -> str:
    if way_class.mode == "road":
        return f"OSM highway={way_class.road_class}"
    if way_class.mode == "ferry":
        return "OSM route=ferry"
    extra = "".join(
        f" {key}={value}"
        for key, value in (("usage", way_class.usage), ("electrified", way_class.electrified))
        if value
    )
    return f"OSM railway=rail gauge={way_class.gauge_mm}{extra}"


def _crossing_rows(
    network: Network, node_ids: dict[int, str], defaults: Defaults, cited: set[str]
) -> list[dict[str, Any]]:
    rows = []
    for node, left, entered, mode in sorted(network.crossings):
        if node not in node_ids:
            continue
        figure = defaults.crossing(left, entered, mode)
        cited.update(figure.source_ids)
        rows.append(
            {
                "node_id": node_ids[node],
                "from_country": left,
                "to_country": entered,
                "mode": mode,
                "dwell_h": figure.time_h,
                "cost_usd_per_teu": figure.cost_usd_per_teu,
                "source_ids": (OSM_SOURCE_ID, *figure.source_ids),
                "estimated": True,
                "method": figure.method,
            }
        )
    return rows


def _transfer_rows(
    network: Network, node_ids: dict[int, str], defaults: Defaults, cited: set[str]
) -> list[dict[str, Any]]:
    rows = []
    changes: list[tuple[int, str, int | None, str, int | None, bool]] = [
        (node, "rail", low, "rail", high, True) for node, low, high in network.gauge_changes
    ]
    for node, mode in network.ferry_transfers:
        changes += [
            (node, mode, None, "ferry", None, False),
            (node, "ferry", None, mode, None, False),
        ]
    for node, from_mode, from_gauge, to_mode, to_gauge, both in sorted(changes, key=str):
        if node not in node_ids:
            continue
        figure = defaults.transfer(from_mode, to_mode)
        cited.update(figure.source_ids)
        rows.append(
            {
                "node_id": node_ids[node],
                "from_mode": from_mode,
                "from_gauge_mm": from_gauge,
                "to_mode": to_mode,
                "to_gauge_mm": to_gauge,
                "time_h": figure.time_h,
                "cost_usd_per_teu": figure.cost_usd_per_teu,
                "bidirectional": both,
                "cargo_types": figure.cargo_types,
                "source_ids": (OSM_SOURCE_ID, *figure.source_ids),
                "estimated": True,
                "method": figure.method,
            }
        )
    return rows


def _summary(
    extract: OsmExtract,
    ways: OsmWays,
    network: Network,
    links_by_mode: Counter[str],
    node_rows: list[dict[str, Any]],
) -> dict[str, int | float | str]:
    kept: Counter[str] = Counter(ways.classes[c].mode for c in ways.class_index)
    summary: dict[str, int | float | str] = {
        "ways read": extract.ways_read,
        "ways kept in parts (nodes missing from the extract)": extract.ways_cut,
    }
    summary.update({f"way pieces kept ({mode})": n for mode, n in sorted(kept.items())})
    summary.update({f"ways skipped ({why})": n for why, n in sorted(extract.skipped.items())})
    summary.update({f"links ({mode})": n for mode, n in sorted(links_by_mode.items())})
    summary["nodes"] = len(node_rows)
    summary.update(
        {f"nodes ({kind})": n for kind, n in sorted(Counter(r["kind"] for r in node_rows).items())}
    )
    summary["crossing rows"] = len(network.crossings)
    summary.update(network.counts)
    return summary


def _notes(extract: OsmExtract, network: Network) -> list[str]:
    notes = []
    if extract.skipped.get("rail without gauge"):
        notes.append(
            f"{extract.skipped['rail without gauge']} railway=rail ways have no gauge tag and "
            "were left out (the atlas needs a gauge on every rail link; tag them or import "
            "an extract where they are tagged)."
        )
    if network.counts.get("places not on a kept way"):
        notes.append(
            f"{network.counts['places not on a kept way']} stations, ferry terminals or border "
            f"controls are neither nodes of a kept way nor within {PLACE_SNAP_KM} km of one, "
            "and were left out."
        )
    return notes
