"""The frozen result of the gas security-of-supply check and its JSON and table forms.

Every rate is in mcm per day (``*_mcm_per_day``), volumes in mcm, N-1 in percent; the JSON
shape is documented in docs/energy.md ("Security of supply (N-1)").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tripp.atlas.jsonshape import JsonShape, nested

if TYPE_CHECKING:
    import pandas as pd

#: The standard the indicator follows.
STANDARD = "EU 2017/1938 Annex II N-1"


@dataclass(frozen=True, slots=True)
class EntryPoint:
    """A gas pipeline entering a calculated area and its technical capacity (mcm/d)."""

    link_id: str
    from_node: str
    to_node: str
    capacity_mcm_per_day: float


@dataclass(frozen=True, slots=True)
class Infrastructure:
    """One gas infrastructure of an area: ``kind`` is ``entry_point`` (id: the link),
    ``production`` (id: the supply's node) or ``storage`` (id: the storage)."""

    id: str
    kind: str
    capacity_mcm_per_day: float


@dataclass(frozen=True, slots=True)
class SecurityArea:
    """The N-1 indicator and the days on storage of one calculated area.

    ``n_minus_1_pct`` = (EPm + Pm + Sm + LNGm − Im) / Dmax × 100 (None when Dmax is 0);
    ``deficit_mcm_per_day`` is the peak-month mean daily demand less what remains when the
    largest entry or production facility stops (0 when what remains covers it);
    ``days_on_storage`` is the area's working volume ÷ that deficit (None: no deficit,
    the area lasts indefinitely; 0: a deficit and no storage).
    """

    area: str
    country: str
    region: str | None
    nodes: tuple[str, ...]
    entry_points: tuple[EntryPoint, ...]
    ep_mcm_per_day: float
    pm_mcm_per_day: float
    sm_mcm_per_day: float
    lng_mcm_per_day: float
    largest_infrastructure: Infrastructure | None
    im_mcm_per_day: float
    dmax_mcm_per_day: float
    dmax_method: str
    n_minus_1_pct: float | None
    meets_standard: bool | None
    peak_month: int
    peak_month_demand_mcm_per_day: float
    storage_working_volume_mcm: float
    deficit_mcm_per_day: float
    days_on_storage: float | None
    lasts: str
    withdrawal_covers_deficit: bool | None


_ENTRY_JSON = JsonShape(EntryPoint, title="SecurityEntryPoint")
_INFRASTRUCTURE_JSON = JsonShape(Infrastructure, title="SecurityInfrastructure")
_AREA_JSON = JsonShape(
    SecurityArea,
    *("area", "country", "region", "nodes"),
    nested("entry_points", _ENTRY_JSON),
    *("ep_mcm_per_day", "pm_mcm_per_day", "sm_mcm_per_day", "lng_mcm_per_day"),
    nested("largest_infrastructure", _INFRASTRUCTURE_JSON),
)


@dataclass(frozen=True)
class SecurityReport:
    """The N-1 indicator of every calculated area of an atlas in ``year``, with notes on
    what the atlas lacks (LNG, storage) and which assumptions were made."""

    scenario: str | None
    year: int
    standard: str
    areas: tuple[SecurityArea, ...]
    notes: tuple[str, ...]

    def area(self, name: str) -> SecurityArea:
        """The area called ``name`` (KeyError if none)."""
        for area in self.areas:
            if area.area == name:
                return area
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping; its shape is documented in docs/energy.md."""
        return SECURITY_REPORT_JSON.dump(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per area (entry points and the largest infrastructure as dicts)."""
        import pandas as pd

        return pd.DataFrame(self.to_dict()["areas"])


#: The JSON of ``tripp energy SCENARIO --security --format json`` (docs/energy.md).
SECURITY_REPORT_JSON = JsonShape(
    SecurityReport,
    "scenario",
    "year",
    "standard",
    nested("areas", _AREA_JSON),
    "notes",
)
