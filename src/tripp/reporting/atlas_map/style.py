"""Colours, line widths, z-orders, status line styles and node markers of the atlas map."""

from __future__ import annotations

from typing import Any, Final

MODE_COLOURS: Final[dict[str, str]] = {
    "rail": "#1d3557",
    "road": "#c06014",
    "ferry": "#0f9b8e",
    "sea": "#4f9dd9",
    "gas_pipeline": "#7b2cbf",
    "oil_pipeline": "#4a4a4a",
    "power_line": "#e0a800",
    "fibre": "#43aa5b",
}
MODE_WIDTHS_PT: Final[dict[str, float]] = {
    "rail": 1.5,
    "road": 1.2,
    "ferry": 1.1,
    "sea": 1.0,
    "gas_pipeline": 1.0,
    "oil_pipeline": 1.0,
    "power_line": 0.9,
    "fibre": 0.8,
}
MODE_ZORDER: Final[dict[str, float]] = {
    "sea": 3.0,
    "ferry": 3.1,
    "fibre": 3.2,
    "power_line": 3.3,
    "oil_pipeline": 3.4,
    "gas_pipeline": 3.5,
    "road": 3.6,
    "rail": 3.7,
}
#: Status → (matplotlib line style, width factor, colour override or None).
STATUS_STYLES: Final[dict[str, tuple[Any, float, str | None]]] = {
    "operating": ("-", 1.0, None),
    "under_construction": ((0, (4.0, 2.0)), 1.0, None),
    "planned": ((0, (1.0, 1.6)), 1.0, None),
    "closed": ("-", 0.5, "#9a9a9a"),
    "suspended": ((0, (5.0, 1.5, 1.0, 1.5)), 0.5, "#9a9a9a"),
}
HIGHLIGHT_COLOUR: Final = "#d62839"
HIGHLIGHT_WIDTH_PT: Final = 3.0
SEA_COLOUR: Final = "#dde8f0"
LAND_COLOUR: Final = "#f4f1ea"
LAND_OTHER_COLOUR: Final = "#e9e7e1"
BORDER_COLOUR: Final = "#a59f93"
TEXT_COLOUR: Final = "#222222"
NODE_MARKERS: Final[dict[str, tuple[str, float]]] = {
    "city": ("o", 20.0),
    "port": ("s", 20.0),
    "border_crossing": ("D", 13.0),
}
OTHER_MARKER: Final = ("o", 7.0)
PARALLEL_SPACING_PT: Final = 1.8
FOOTER: Final = "Country outlines: Natural Earth (public domain)"
