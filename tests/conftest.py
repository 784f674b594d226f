"""Shared fixtures: the hand-built mini atlas and helpers to make broken copies of it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

import tripp

# CI runs the property tests on a fixed, reproducible set of examples; locally they explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

MINI = Path(__file__).parent / "fixtures" / "mini"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def mini_atlas() -> tripp.Atlas:
    return tripp.load_atlas(MINI)


@pytest.fixture(scope="session")
def mini_graph(mini_atlas: tripp.Atlas) -> tripp.Graph:
    return tripp.compile(mini_atlas)


@pytest.fixture
def atlas_copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy the mini atlas to a temporary folder, applying text edits to named files.

    ``atlas_copy(links={"1520,operating": "1520,closed"})`` replaces text in links.csv;
    ``atlas_copy(transfers=None)`` removes the body of transfers.csv (keeps the header).
    """

    def make(**edits: dict[str, str] | str | None) -> Path:
        folder = tmp_path / "atlas"
        shutil.copytree(MINI, folder)
        for table, change in edits.items():
            file = folder / f"{table}.csv"
            text = file.read_text(encoding="utf-8") if file.exists() else ""
            if change is None:
                text = text.splitlines()[0] + "\n"
            elif isinstance(change, str):
                text = text + change
            else:
                for old, new in change.items():
                    assert old in text, f"{old!r} not in {table}.csv"
                    text = text.replace(old, new)
            file.write_text(text, encoding="utf-8")
        return folder

    return make


#: A cargo_types.csv for the mini atlas: containers with a value of time (USD 20 per
#: TEU-hour), which route choice needs; the mini atlas itself has none.
MINI_CARGO_TYPES = (
    "cargo_type,name,unit,t_per_unit,modes,value_usd_per_unit,vot_usd_per_unit_h,"
    "source_ids,estimated,method,note\n"
    "container,Container,TEU,10,rail;road;ferry;sea,,20,hand,,,\n"
)


@pytest.fixture(scope="session")
def mini_freight(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini atlas with :data:`MINI_CARGO_TYPES`, for route choice."""
    folder = tmp_path_factory.mktemp("mini-freight") / "atlas"
    shutil.copytree(MINI, folder)
    (folder / "cargo_types.csv").write_text(MINI_CARGO_TYPES, encoding="utf-8")
    return folder
