"""Find, read and check scenario files; merge a scenario with the ones it extends."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from tripp.atlas.countries import country_hint, is_country
from tripp.atlas.model import Atlas
from tripp.atlas.names import did_you_mean
from tripp.errors import FieldProblem, InputError, Problem
from tripp.scenarios.model import (
    OPEN_CLOSE_KINDS,
    SELECTOR_KINDS,
    SET_FIELDS,
    TOP_LEVEL_KEYS,
    DemandRule,
    Scenario,
    SetRule,
)
from tripp.units import ALL_MODES


def scenario_folder() -> Path:
    """The folder of shipped scenarios."""
    return Path(str(resources.files("tripp") / "data" / "scenarios"))


def list_scenarios() -> list[str]:
    """Names of the shipped scenarios.

    >>> "tripp-2030" in list_scenarios()
    True
    """
    return sorted(p.stem for p in scenario_folder().glob("*.toml"))


def resolve_scenario_file(name_or_path: str | Path) -> Path:
    """The file of a shipped scenario ``name``, or ``name_or_path`` if it is a file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise InputError(
                Problem(
                    str(path),
                    "scenario file not found",
                    "give an existing .toml file or a shipped name",
                )
            )
        return path
    shipped = scenario_folder() / f"{name_or_path}.toml"
    if shipped.is_file():
        return shipped
    guess = did_you_mean(str(name_or_path), list_scenarios(), limit=1)
    fix = f"did you mean '{guess[0]}'?" if guess else "see `tripp scenario list`"
    raise InputError(FieldProblem("scenario", f"unknown scenario '{name_or_path}'", fix))


def load_scenario(name_or_path: str | Path, atlas: Atlas) -> Scenario:
    """Read, check and merge the scenario (and its ancestors) against ``atlas``.

    ``name_or_path`` is a shipped scenario's name (:func:`list_scenarios`) or a TOML file.
    Raises :class:`~tripp.errors.InputError` listing every problem ("did you mean …?" for
    a misspelt name).

    >>> import tripp
    >>> load_scenario("tripp-2030", tripp.load_atlas()).lineage
    ('baseline-2025', 'tripp-2030')
    """
    return _load(resolve_scenario_file(name_or_path), atlas, ())


def _load(file: Path, atlas: Atlas, seen: tuple[Path, ...]) -> Scenario:
    if file.resolve() in seen:
        chain = " → ".join(p.stem for p in (*seen, file.resolve()))
        raise InputError(
            Problem(
                str(file),
                f"scenarios extend each other in a cycle: {chain}",
                "remove one of the extends",
            )
        )
    text = file.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(
            Problem(
                str(file), f"is not valid TOML ({error})", "fix the syntax at the position given"
            )
        ) from None
    checker = _Checker(file, text, atlas)
    checker.check(data)
    parent = None
    if "extends" in data and isinstance(data["extends"], str):
        try:
            sibling = file.parent / data["extends"]
            parent_file = resolve_scenario_file(sibling if sibling.is_file() else data["extends"])
        except InputError as error:
            checker.add(
                "extends", error.problems[0].problem, error.problems[0].fix, data["extends"]
            )
        else:
            if not checker.problems:
                parent = _load(parent_file, atlas, (*seen, file.resolve()))
    if checker.problems:
        raise InputError(checker.problems)
    sets = tuple(
        SetRule(r["target"], r["field"], r.get("value"), r.get("factor"))
        for r in data.get("set", [])
    )
    demand = tuple(
        DemandRule(
            r.get("origin", "*"),
            r.get("destination", "*"),
            r.get("commodity", "*"),
            float(r["factor"]),
        )
        for r in data.get("demand", [])
    )
    base_year = parent.year if parent else atlas.as_of_year
    return Scenario(
        name=file.stem,
        description=data["description"],
        year=int(data.get("year", base_year)),
        source_ids=(parent.source_ids if parent else ()) + tuple(data.get("source_ids", [])),
        open=(parent.open if parent else ()) + tuple(data.get("open", [])),
        close=(parent.close if parent else ()) + tuple(data.get("close", [])),
        set=(parent.set if parent else ()) + sets,
        demand=(parent.demand if parent else ()) + demand,
        lineage=(parent.lineage if parent else ()) + (file.stem,),
        file=str(file),
    )


class _Checker:
    """Collects every problem in one scenario file, each with the line it is on."""

    def __init__(self, file: Path, text: str, atlas: Atlas) -> None:
        self.file, self.lines, self.atlas = file, text.splitlines(), atlas
        self.problems: list[Problem] = []

    def add(self, key: str, problem: str, fix: str, needle: object = None) -> None:
        self.problems.append(Problem(str(self.file), problem, fix, self._line(key, needle), key))

    def _line(self, key: str, needle: object) -> int | None:
        for probe in ([f'"{needle}"', str(needle)] if needle is not None else []) + [key]:
            for number, line in enumerate(self.lines, start=1):
                if probe in line and not line.lstrip().startswith("#"):
                    return number
        return None

    def check(self, data: dict[str, Any]) -> None:
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                guess = did_you_mean(key, TOP_LEVEL_KEYS, limit=1)
                self.add(
                    key,
                    f"unknown key '{key}'",
                    f"did you mean '{guess[0]}'?" if guess else "remove it",
                )
        if not isinstance(data.get("description"), str) or not data.get("description"):
            self.add("description", "description is missing", "say what the scenario assumes")
        if "year" in data and (
            not isinstance(data["year"], int) or not 1990 <= data["year"] <= 2100
        ):
            self.add("year", f"year {data['year']!r} is not a year", "give e.g. year = 2030")
        for source in self._list(data, "source_ids"):
            if source not in {s.source_id for s in self.atlas.sources}:
                guess = did_you_mean(source, [s.source_id for s in self.atlas.sources], limit=1)
                self.add(
                    "source_ids",
                    f"unknown source '{source}'",
                    f"did you mean '{guess[0]}'?" if guess else "add it to sources.csv",
                    source,
                )
        for key in ("open", "close"):
            for selector in self._list(data, key):
                self.selector(key, selector, OPEN_CLOSE_KINDS)
        for rule in self._tables(data, "set"):
            self.set_rule(rule)
        for rule in self._tables(data, "demand"):
            self.demand_rule(rule)

    def _list(self, data: dict[str, Any], key: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(key, f"{key} must be a list of strings", f'write {key} = ["kind:id", ...]')
            return []
        return value

    def _tables(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(key, f"{key} must be an array of tables", f"write [[{key}]] blocks")
            return []
        return value

    def selector(self, key: str, selector: str, kinds: tuple[str, ...]) -> str | None:
        kind, _, rest = selector.partition(":")
        if kind not in kinds or not rest:
            guess = did_you_mean(kind, kinds, limit=1)
            fix = (
                f"did you mean '{guess[0]}:{rest}'?"
                if guess and rest
                else f"write KIND:ID with KIND one of {', '.join(kinds)}"
            )
            self.add(key, f"'{selector}' is not a selector", fix, selector)
            return None
        parts = rest.split(":")
        atlas = self.atlas
        known: list[str]
        if kind == "link":
            known = list(atlas.link_by_id)
        elif kind == "node":
            known = list(atlas.node_by_id)
        elif kind == "corridor":
            known = sorted({c for link in atlas.links for c in link.corridors})
            if rest.casefold() in {k.casefold() for k in known}:
                return kind
        elif kind == "mode":
            known = list(ALL_MODES)
        elif kind == "country":
            if not is_country(rest):
                self.add(key, f"unknown country code '{rest}'", country_hint(rest), selector)
                return None
            return kind
        elif kind in ("crossing", "transfer"):
            keys = (
                [
                    ":".join([c.node_id, c.from_country, c.to_country, c.mode])
                    for c in atlas.crossings
                ]
                if kind == "crossing"
                else [":".join([t.node_id, t.from_mode, t.to_mode]) for t in atlas.transfers]
            )
            known = sorted({k.split(":")[0] for k in keys}) if len(parts) == 1 else keys
        else:
            known = [f"{t.mode}:{t.country}" for t in atlas.tariffs]
        if rest not in known:
            guess = did_you_mean(rest, known, limit=1)
            fix = f"did you mean '{kind}:{guess[0]}'?" if guess else f"no such {kind} in the atlas"
            self.add(key, f"unknown {kind} '{rest}'", fix, selector)
            return None
        return kind

    def set_rule(self, rule: dict[str, Any]) -> None:
        target, name = rule.get("target"), rule.get("field")
        if not isinstance(target, str) or not isinstance(name, str):
            self.add(
                "set",
                "a [[set]] block needs target and field",
                'target = "link:ID", field = "capacity", and value = … or factor = …',
            )
            return
        kind = self.selector("target", target, SELECTOR_KINDS)
        if kind is None:
            return
        family = "link" if kind in ("link", "corridor", "mode", "country", "node") else kind
        if name not in SET_FIELDS[family]:
            guess = did_you_mean(name, SET_FIELDS[family], limit=1)
            self.add(
                "field",
                f"{family} has no numeric field '{name}'",
                f"did you mean '{guess[0]}'?"
                if guess
                else f"use one of {', '.join(SET_FIELDS[family])}",
                name,
            )
        numbers = [k for k in ("value", "factor") if k in rule]
        if (
            len(numbers) != 1
            or not isinstance(rule[numbers[0]], int | float)
            or rule[numbers[0]] < 0
        ):
            self.add(
                "set",
                f"[[set]] for {target} needs exactly one of value or factor, a number ≥ 0",
                "write value = 12.5 or factor = 2.0",
                target,
            )

    def demand_rule(self, rule: dict[str, Any]) -> None:
        for key in ("origin", "destination"):
            place = rule.get(key, "*")
            if place != "*" and place not in self.atlas.node_by_id:
                guess = did_you_mean(str(place), list(self.atlas.node_by_id), limit=1)
                self.add(
                    key,
                    f"unknown node '{place}'",
                    f"did you mean '{guess[0]}'?" if guess else "use a node id or '*'",
                    place,
                )
        factor = rule.get("factor")
        if not isinstance(factor, int | float) or factor < 0:
            self.add("factor", "[[demand]] needs factor, a number ≥ 0", "write factor = 1.5")
