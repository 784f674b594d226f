"""The golden cases: 1,000 seeded route queries over the shipped scenarios, and the JSON of
``compare``, ``exposure``, ``energy``, ``assign --scenario``, ``bottlenecks`` and a TNTP
``assign``, all through public doors (the ``tripp`` Python functions and the command line).

``python -m tests.golden.record`` writes them to ``tests/golden/data``; ``tests/test_golden.py``
recomputes them and requires the same answers. Regenerate only when an answer changes on
purpose, and say in the change which answers moved and why.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import tripp

DATA = Path(__file__).parent / "data"
SHARED_TNTP = Path(__file__).resolve().parents[3] / "shared" / "data" / "tntp" / "SiouxFalls"
ROUTE_COUNT = 1000
ROUTE_SCENARIOS = ("baseline-2025", "tripp-2030", "no-russia", "iran-closed", "aras-2030")
SIGNIFICANT = 10  # floats are compared to this many significant digits
VARYING = {"wall_s", "elapsed_s", "solve_s"}  # timings: left out of the answers


def _cli_app() -> Any:
    from tripp.cli.main import app

    return app


def round_floats(value: Any) -> Any:
    """``value`` with every float rounded to :data:`SIGNIFICANT` significant digits."""
    if isinstance(value, float):
        return float(f"{value:.{SIGNIFICANT}g}")
    if isinstance(value, dict):
        return {k: round_floats(v) for k, v in value.items() if k not in VARYING}
    if isinstance(value, list | tuple):
        return [round_floats(v) for v in value]
    return value


def cli_json(*args: str) -> Any:
    """The command's exit code and its JSON output (or the error line on failure)."""
    result = CliRunner().invoke(_cli_app(), [*args, "--format", "json"])
    if result.exit_code != 0:
        return {"exit_code": result.exit_code, "stderr": result.stderr.strip()}
    return round_floats(json.loads(result.stdout))


def route_queries() -> list[dict[str, Any]]:
    """:data:`ROUTE_COUNT` seeded queries: places, constraints, objectives and scenarios."""
    atlas = tripp.load_atlas()
    rng = random.Random(20261206)
    freight = {"rail", "road", "ferry", "sea"}
    places = sorted(
        {link.from_node for link in atlas.links if link.mode in freight}
        | {link.to_node for link in atlas.links if link.mode in freight}
    )
    countries = sorted({node.country for node in atlas.nodes})
    mode_sets = [None] * 6 + [["rail"], ["road"], ["rail", "ferry"], ["rail", "road", "ferry"]]
    queries = []
    for _ in range(ROUTE_COUNT):
        origin, destination = rng.sample(places, 2)
        query: dict[str, Any] = {
            "scenario": rng.choice(ROUTE_SCENARIOS),
            "origin": origin,
            "destination": destination,
            "objective": rng.choice(["time", "time", "cost", "distance", "generalized"]),
            "modes": rng.choice(mode_sets),
            "alternatives": rng.choice([1, 1, 1, 2, 3]),
        }
        if rng.random() < 0.2:
            query["avoid_countries"] = rng.sample(countries, 1)
        if rng.random() < 0.1:
            query["via"] = [rng.choice(places)]
        if rng.random() < 0.2:
            query["year"] = rng.choice([2024, 2026, 2030, 2035])
        queries.append(query)
    return queries


def route_answers() -> Iterator[dict[str, Any]]:
    """Each query with its answer: the result's JSON, or the error's type and exit code."""
    atlas = tripp.load_atlas()
    graphs: dict[str, tuple[Any, int]] = {}
    for query in route_queries():
        name = query["scenario"]
        if name not in graphs:
            from tripp.scenarios.network import scenario_network

            network = scenario_network(atlas, name)
            graphs[name] = (network.graph, network.year)
        graph, year = graphs[name]
        options = {k: v for k, v in query.items() if k not in ("scenario", "origin", "destination")}
        options.setdefault("year", year)
        try:
            result = tripp.route(graph, query["origin"], query["destination"], **options)
            answer: Any = round_floats(result.to_dict())
        except tripp.TrippError as error:
            answer = {"error": type(error).__name__, "exit_code": error.exit_code}
        yield {"query": query, "answer": answer}


def _tntp(*extra: str) -> Any:
    net, trips = SHARED_TNTP / "SiouxFalls_net.tntp", SHARED_TNTP / "SiouxFalls_trips.tntp"
    return cli_json("assign", "--tntp-net", str(net), "--tntp-trips", str(trips), *extra)


#: name → how to compute it; each is one JSON file in :data:`DATA`.
COMMANDS: dict[str, Callable[[], Any]] = {
    "compare": lambda: cli_json("compare", "baseline-2025", "tripp-2030"),
    "compare-no-russia": lambda: cli_json(
        "compare", "baseline-2025", "no-russia", "--no-energy", "--objective", "cost"
    ),
    "exposure-baseline": lambda: cli_json("exposure", "baseline-2025"),
    "exposure-tripp": lambda: cli_json("exposure", "tripp-2030"),
    "energy-baseline": lambda: cli_json("energy", "baseline-2025"),
    "energy-swap-stopped": lambda: cli_json("energy", "iran-swap-stopped", "--carrier", "gas"),
    "assign-scenario": lambda: cli_json("assign", "--scenario", "baseline-2025"),
    "bottlenecks": lambda: cli_json("bottlenecks", "volumes-tripled"),
    "appraise": lambda: cli_json("appraise", "tripp-2030", "--against", "baseline-2025"),
    "assign-tntp-bfw": lambda: _tntp("--algorithm", "bfw", "--gap", "1e-4"),
    "assign-tntp-gp": lambda: _tntp("--algorithm", "gp", "--gap", "1e-6"),
}
