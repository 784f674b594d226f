"""The restructured code gives today's answers: 1,000 route queries and the JSON of compare,
exposure, energy, assign and bottlenecks, against the files recorded by
``python -m tests.golden.record`` (see :mod:`tests.golden.cases`)."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.golden.cases import COMMANDS, DATA, SHARED_TNTP, route_answers


def test_route_answers_match_the_golden_file() -> None:
    with gzip.open(DATA / "routes.jsonl.gz", "rt", encoding="utf-8") as file:
        expected = [json.loads(line) for line in file if line.strip()]
    actual = [json.loads(json.dumps(a, sort_keys=True)) for a in route_answers()]
    assert len(actual) == len(expected) == 1000
    moved = [i for i, (a, e) in enumerate(zip(actual, expected, strict=True)) if a != e]
    assert not moved, f"{len(moved)} answers moved, first: {actual[moved[0]]['query']}"
    assert sum("routes" in a["answer"] for a in actual) > 600, "most queries have a route"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_json_matches_the_golden_file(name: str) -> None:
    if name.startswith("assign-tntp") and not SHARED_TNTP.is_dir():
        pytest.skip(f"TNTP benchmark data absent: {SHARED_TNTP}")
    expected = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(COMMANDS[name](), sort_keys=True))
    assert "exit_code" not in actual, actual
    assert actual == expected
