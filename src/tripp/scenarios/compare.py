"""Compare two scenarios: per O-D pair, route before and after, deltas, and exposure change."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tripp.atlas.jsonshape import JsonShape, Key, computed
from tripp.atlas.model import is_available
from tripp.errors import InputError, NoRouteError, Problem
from tripp.routing.objective import DEFAULT_OBJECTIVE
from tripp.routing.result import Route
from tripp.routing.route import route
from tripp.scenarios.energy import energy
from tripp.scenarios.exposure import Exposure, exposure
from tripp.scenarios.model import Scenario
from tripp.scenarios.network import ScenarioNetwork

if TYPE_CHECKING:
    import pandas as pd

#: The stories users ask about first (place names, resolved against the atlas).
DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (
    ("Baku", "Nakhchivan"),
    ("Baku", "Kars"),
    ("Nakhchivan", "Baku"),
    ("Xi'an", "Istanbul"),
    ("Xi'an", "Duisburg"),
    ("Aktau", "Kars"),
    ("Yerevan", "Kars"),
    ("Tehran", "Nakhchivan"),
)


def read_pairs(file: Path) -> list[tuple[str, str]]:
    """O-D pairs from a CSV with columns origin,destination."""
    if not file.is_file():
        raise InputError(
            Problem(
                str(file),
                "pairs file not found",
                "give a CSV with columns origin,destination or 'default'",
            )
        )
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not {"origin", "destination"} <= set(reader.fieldnames or []):
            raise InputError(
                Problem(
                    file.name,
                    "needs columns origin and destination",
                    "write the header origin,destination",
                    1,
                )
            )
        pairs = [(row["origin"].strip(), row["destination"].strip()) for row in reader]
    if not pairs:
        raise InputError(Problem(file.name, "has no pairs", "add at least one row", 2))
    return pairs


def _summary(r: Route | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "time_h": round(r.time_h, 2),
        "cost_usd": round(r.cost_usd, 2),
        "distance_km": round(r.distance_km, 1),
        "countries": list(r.countries),
        "border_crossings": [b.node for b in r.border_crossings],
        "gauge_changes": [g.node for g in r.gauge_changes],
    }


def _best(network: ScenarioNetwork, origin: str, destination: str, objective: str) -> Route | None:
    try:
        return route(
            network.graph, origin, destination, year=network.year, objective=objective
        ).routes[0]
    except NoRouteError:
        return None


@dataclass(frozen=True)
class Comparison:
    """The comparison of two scenarios."""

    base: Scenario
    other: Scenario
    objective: str
    pairs: tuple[dict[str, Any], ...]
    exposure_base: Exposure
    exposure_other: Exposure
    energy: dict[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        """Counts of faster, slower, newly connected and cut pairs, and the mean change."""
        both = [p for p in self.pairs if p["before"] and p["after"]]
        deltas = [p["delta"]["time_h"] for p in both]
        return {
            "pairs": len(self.pairs),
            "faster": sum(d < -1e-9 for d in deltas),
            "slower": sum(d > 1e-9 for d in deltas),
            "unchanged": sum(abs(d) <= 1e-9 for d in deltas),
            "newly_connected": sum(not p["before"] and bool(p["after"]) for p in self.pairs),
            "disconnected": sum(bool(p["before"]) and not p["after"] for p in self.pairs),
            "mean_delta_time_h": round(sum(deltas) / len(deltas), 2) if deltas else None,
        }

    def exposure_change(self) -> list[dict[str, Any]]:
        """Per country: transit share of tonnes before and after."""
        countries = sorted(set(self.exposure_base.share_t) | set(self.exposure_other.share_t))
        rows = []
        for c in countries:
            before = self.exposure_base.share_t.get(c, 0.0)
            after = self.exposure_other.share_t.get(c, 0.0)
            rows.append(
                {
                    "country": c,
                    "transit_share_t_before": round(before, 4),
                    "transit_share_t_after": round(after, 4),
                    "delta": round(after - before, 4),
                }
            )
        return sorted(rows, key=lambda r: r["delta"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return COMPARISON_JSON.dump(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per O-D pair: ``origin``, ``destination`` and, for ``time_h``,
        ``cost_usd`` (per TEU) and ``distance_km``, the value ``_before``, ``_after`` and
        the ``delta_`` (None where a scenario has no route)."""
        import pandas as pd

        rows = []
        for pair in self.pairs:
            row = {"origin": pair["origin"], "destination": pair["destination"]}
            for name in ("time_h", "cost_usd", "distance_km"):
                for when in ("before", "after"):
                    row[f"{name}_{when}"] = pair[when][name] if pair[when] else None
                row[f"delta_{name}"] = pair["delta"][name] if pair["delta"] else None
            rows.append(row)
        return pd.DataFrame(rows)


#: The JSON of ``tripp compare --format json``.
COMPARISON_JSON = JsonShape(
    Comparison,
    Key("base", lambda c: c.base.name, str, field="base", description="Base scenario."),
    Key("other", lambda c: c.other.name, str, field="other", description="Other scenario."),
    computed("base_year", int, lambda c: c.base.year),
    computed("other_year", int, lambda c: c.other.year),
    Key(
        "demand_year",
        lambda c: c.exposure_base.demand_year,
        int | None,
        description="Demand year routed on both sides for the exposure change (the other "
        "scenario's; `tripp exposure S --demand-year Y` gives the same shares).",
    ),
    *("objective", "pairs"),
    computed("summary", dict[str, Any], Comparison.summary),
    computed("exposure_change", list[dict[str, Any]], Comparison.exposure_change),
    "energy",
    omit=("exposure_base", "exposure_other"),
)


def compare(
    base: ScenarioNetwork,
    other: ScenarioNetwork,
    *,
    pairs: list[tuple[str, str]] | None = None,
    objective: str = DEFAULT_OBJECTIVE.value,
    energy: bool | Literal["auto"] = "auto",
    demand_year: int | None = None,
) -> Comparison:
    """Route every pair under both scenarios and measure the change; with ``energy``, also
    solve both scenarios' gas and power flows when their atlases have energy rows.

    ``energy`` is ``"auto"`` (the default: only when the scenarios' energy inputs differ,
    see :func:`energy_inputs_differ`), True or False. Without the energy side PyPSA is
    neither imported nor run, and the result's ``energy`` is None.

    ``pairs`` are (origin, destination) places by id or name (default:
    :data:`DEFAULT_PAIRS`); ``objective`` is what routes minimise (``time``, ``cost``,
    ``distance`` or ``generalized``). Deltas are after − before in h, USD per TEU and km.
    Transit exposure of both scenarios uses one demand, ``demand_year`` (default: the
    demand year of ``other``; the result's ``demand_year``), so that only the network
    differs: ``exposure(base, demand_year=...)`` with that year gives the same "before"
    shares.

    >>> import tripp
    >>> atlas = tripp.load_atlas()
    >>> base, other = tripp.scenario(atlas, "baseline-2025"), tripp.scenario(atlas, "tripp-2030")
    >>> result = tripp.compare(base, other, pairs=[("Baku", "Nakhchivan")], energy=False)
    >>> result.summary()["faster"]
    1
    """
    with_energy = _wants_energy(energy, base, other)
    rows = []
    for origin, destination in pairs or list(DEFAULT_PAIRS):
        before = _best(base, origin, destination, objective)
        after = _best(other, origin, destination, objective)
        delta = None
        if before and after:
            # the difference of the figures shown, so that after − before adds up on the page
            delta = {
                "time_h": round(round(after.time_h, 2) - round(before.time_h, 2), 2),
                "cost_usd": round(round(after.cost_usd, 2) - round(before.cost_usd, 2), 2),
                "distance_km": round(round(after.distance_km, 1) - round(before.distance_km, 1), 1),
            }
        rows.append(
            {
                "origin": origin,
                "destination": destination,
                "before": _summary(before),
                "after": _summary(after),
                "delta": delta,
            }
        )
    if demand_year is None:
        demand_year = other.demand_year
    exposure_base, exposure_other = (
        exposure(n, objective=objective, demand_year=demand_year) for n in (base, other)
    )
    return Comparison(
        base.applied(),
        other.applied(),
        objective,
        tuple(rows),
        exposure_base,
        exposure_other,
        energy=energy_change(base, other) if with_energy else None,
    )


def _wants_energy(
    energy: bool | Literal["auto"], base: ScenarioNetwork, other: ScenarioNetwork
) -> bool:
    if energy == "auto":
        return energy_inputs_differ(base, other)
    if isinstance(energy, bool):
        return energy
    raise InputError(Problem("energy", f"is '{energy}'", "use auto, true or false"))


def energy_inputs_differ(base: ScenarioNetwork, other: ScenarioNetwork) -> bool:
    """Whether the energy model would read different inputs for the two scenarios: the
    energy rows in force in each scenario's year, the gas pipelines and power lines open
    then, the contracts, storage and plants in force, the seasonal profiles, or the hours of
    that year's months. Cheap (no PyPSA): the test behind
    ``energy="auto"`` in :func:`compare`."""
    return _energy_inputs(base) != _energy_inputs(other)


def _energy_inputs(network: ScenarioNetwork) -> tuple[Any, ...]:
    from tripp.energy_model.build import current_rows
    from tripp.energy_model.instance import MODE_OF
    from tripp.energy_model.settings import month_hours

    modes = set(MODE_OF.values())
    links = tuple(
        link
        for link in network.atlas.links
        if link.mode in modes and is_available(link.status, link.open_year, network.year)
    )
    atlas, year = network.atlas, network.year
    return (
        tuple(current_rows(atlas, year)),
        links,
        month_hours(year),
        tuple(c for c in atlas.contracts if c.in_force(year)),
        tuple(s for s in atlas.storage if is_available(s.status, s.open_year, year)),
        tuple(p for p in atlas.plants if is_available(p.status, p.open_year, year)),
        atlas.seasons,
    )


def energy_change(base: ScenarioNetwork, other: ScenarioNetwork) -> dict[str, Any] | None:
    """The energy side of a comparison (gas and power flows solved with PyPSA for both
    scenarios), or None when either atlas has no energy rows."""
    if not base.atlas.energy or not other.atlas.energy:
        return None
    from tripp.energy_model import energy_comparison

    return energy_comparison(*(energy(n) for n in (base, other)))
