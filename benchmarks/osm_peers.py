"""The peers of ``tripp import osm`` in the OSM import benchmark, one per process.

Run with the benchmark environment's Python (``bash benchmarks/osm_env.sh``), by
``benchmarks/osm_import.py``, never imported by tripp:

* ``pyrosm FILE.osm.pbf``: pyrosm reads the PBF and builds its drivable road network
  (``get_network("driving")``, nodes and edges) and the ``railway=rail`` ways
  (``get_data_by_custom_criteria``) — the same ways tripp's importer reads, as GeoDataFrames;
* ``osmnx FILE.osm``: osmnx builds its simplified graph from OSM XML (``graph_from_xml``;
  it does not read PBF, so the benchmark converts the file first, untimed).

Prints one line of JSON with what was built (counts) so the benchmark can show it.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def pyrosm_network(path: str) -> dict[str, Any]:
    from pyrosm import OSM

    osm = OSM(path)
    nodes, edges = osm.get_network(network_type="driving", nodes=True)
    rail = osm.get_data_by_custom_criteria(
        custom_filter={"railway": ["rail"]}, filter_type="keep", keep_nodes=False
    )
    return {
        "road nodes": len(nodes),
        "road edges": len(edges),
        "rail ways": 0 if rail is None else len(rail),
    }


def osmnx_graph(path: str) -> dict[str, Any]:
    import osmnx

    graph = osmnx.graph_from_xml(path, simplify=True, retain_all=True)
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}


PEERS = {"pyrosm": pyrosm_network, "osmnx": osmnx_graph}

if __name__ == "__main__":
    peer, file = sys.argv[1], sys.argv[2]
    print(json.dumps(PEERS[peer](file)))
