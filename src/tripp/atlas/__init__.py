"""The atlas: tables of places, links, border crossings, transfers, tariffs and sources."""

from tripp.atlas.io import default_atlas_folder, load_atlas
from tripp.atlas.model import Atlas, Crossing, Link, Node, Source, Tariff, Transfer

__all__ = [
    "Atlas",
    "Crossing",
    "Link",
    "Node",
    "Source",
    "Tariff",
    "Transfer",
    "default_atlas_folder",
    "load_atlas",
]
