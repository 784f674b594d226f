"""Find, read and check scenario files; merge a scenario with the ones it extends."""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeGuard

from tripp.atlas.countries import country_hint, is_country
from tripp.atlas.model import Atlas, Contract, EnergyRow
from tripp.atlas.names import did_you_mean
from tripp.errors import FieldProblem, InputError, Problem
from tripp.scenarios.apply import OutOfRange, out_of_range
from tripp.scenarios.blocks import block_row, energy_key, energy_target_problem
from tripp.scenarios.model import (
    ADD_TABLES,
    OPEN_CLOSE_KINDS,
    SELECTOR_KINDS,
    SET_FIELDS,
    SET_TABLES,
    TOP_LEVEL_KEYS,
    VALUE_ONLY_FIELDS,
    DemandRule,
    Scenario,
    SetRule,
    ShipperRule,
    family_of,
    in_range,
    range_text,
    set_column,
)
from tripp.scenarios.shippers import shipper_problems
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
    text = _read(file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(
            Problem(
                str(file), f"is not valid TOML ({error})", "fix the syntax at the position given"
            )
        ) from None
    parent, unresolved = None, None
    if "extends" in data and isinstance(data["extends"], str):
        try:
            sibling = file.parent / data["extends"]
            parent_file = resolve_scenario_file(sibling if sibling.is_file() else data["extends"])
        except InputError as error:
            unresolved = error.problems[0]
        else:  # first, so that this file may change the rows its ancestors add
            parent = _load(parent_file, atlas, (*seen, file.resolve()))
    checker = _Checker(file, text, atlas, parent)
    checker.check(data)
    if unresolved is not None:
        checker.add("extends", unresolved.problem, unresolved.fix, data["extends"])
    if checker.problems:
        if "extends" not in data:  # the factors' results too, in the same pass
            _check_results(checker, data, atlas)
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
    shippers = tuple(
        ShipperRule(
            str(r["profile"]),
            tuple(r.get("avoid_countries", [])),
            tuple(r.get("markets", ["*"])),
            float(r.get("share", 1.0)),
        )
        for r in data.get("shipper", [])
    )
    base_year = parent.year if parent else atlas.as_of_year
    scenario = Scenario(
        name=file.stem,
        description=data["description"],
        year=int(data.get("year", base_year)),
        demand_year=data.get("demand_year", parent.demand_year if parent else None),
        source_ids=(parent.source_ids if parent else ()) + tuple(data.get("source_ids", [])),
        open=(parent.open if parent else ()) + tuple(data.get("open", [])),
        close=(parent.close if parent else ()) + tuple(data.get("close", [])),
        set=(parent.set if parent else ()) + sets,
        demand=(parent.demand if parent else ()) + demand,
        shipper=(parent.shipper if parent else ()) + shippers,
        contract=(parent.contract if parent else ()) + tuple(checker.added_contracts),
        energy=(parent.energy if parent else ()) + tuple(checker.added_energy),
        lineage=(parent.lineage if parent else ()) + (file.stem,),
        file=str(file),
    )
    inherited = len(parent.set) if parent else 0
    _report_out_of_range(checker, atlas, scenario, lambda rule: rule - inherited)
    if checker.problems:
        raise InputError(checker.problems)
    return scenario


def _check_results(checker: _Checker, data: dict[str, Any], atlas: Atlas) -> None:
    """Report where the file's well-formed rules take a figure outside its atlas range,
    beside the file's other problems (so that one pass lists them all)."""
    tables = data.get("set", [])
    sound = checker.sound_sets
    sets = tuple(
        SetRule(
            tables[i]["target"], tables[i]["field"], tables[i].get("value"), tables[i].get("factor")
        )
        for i in sound
    )
    demand = (
        tuple(
            DemandRule(
                r.get("origin", "*"),
                r.get("destination", "*"),
                r.get("commodity", "*"),
                float(r["factor"]),
            )
            for r in data.get("demand", [])
        )
        if checker.sound_demand
        else ()
    )
    trial = Scenario(
        name="",
        description="",
        year=atlas.as_of_year,
        set=sets,
        demand=demand,
        contract=tuple(checker.added_contracts),
        energy=tuple(checker.added_energy),
    )
    _report_out_of_range(checker, atlas, trial, sound.__getitem__)


def _report_out_of_range(
    checker: _Checker, atlas: Atlas, scenario: Scenario, block_of: Callable[[int], int]
) -> None:
    """Report, rule by rule, the figures ``scenario`` takes outside their atlas range (a
    factor's result, or demand overflowing); ``block_of`` maps a rule's index in
    ``scenario.set`` to its [[set]] block in the file."""
    by_rule: dict[int | None, list[OutOfRange]] = {}
    for one in out_of_range(atlas, scenario):
        by_rule.setdefault(one.rule, []).append(one)
    for rule, found in by_rule.items():
        checker.outside(found, None if rule is None else block_of(rule))


def _read(file: Path) -> str:
    """The text of ``file``; an :class:`InputError` if it cannot be read or is not UTF-8."""
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problem = f"is not UTF-8 text (byte {error.start} is {error.object[error.start]:#04x})"
        fix = "save the file as UTF-8"
    except OSError as error:
        problem = f"cannot be read ({error.strerror or error})"
        fix = "give a readable .toml file"
    raise InputError(Problem(str(file), problem, fix))


class _Checker:
    """Collects every problem in one scenario file, each with the line it is on."""

    def __init__(self, file: Path, text: str, atlas: Atlas, parent: Scenario | None = None) -> None:
        self.file, self.lines, self.atlas = file, text.splitlines(), atlas
        # rows the scenarios this one extends add, which its [[set]] blocks may change
        self.inherited_contracts = parent.contract if parent else ()
        self.inherited_energy = parent.energy if parent else ()
        self.problems: list[Problem] = []
        self.sound_sets: list[int] = []  # [[set]] blocks without a problem of their own
        self.sound_demand = True  # every [[demand]] block is well-formed
        self.rule_targets: dict[int, str] = {}  # the target of each [[set]] block
        self.added_contracts: list[Contract] = []  # the sound [[contract]] blocks' rows
        self.added_energy: list[EnergyRow] = []  # the sound [[energy]] blocks' rows

    def add(self, key: str, problem: str, fix: str, needle: object = None) -> None:
        self.problems.append(Problem(str(self.file), problem, fix, self._line(key, needle), key))

    def add_in(self, table: str, index: int, key: str, problem: str, fix: str) -> None:
        """Report ``key`` of the ``index``-th ``[[table]]`` block, on the line it is on."""
        self.problems.append(
            Problem(str(self.file), problem, fix, self._block_line(table, index, key), key)
        )

    def _block_line(self, table: str, index: int, key: str) -> int | None:
        headers = [n for n, line in enumerate(self.lines, 1) if line.strip() == f"[[{table}]]"]
        if index >= len(headers):  # an inline array of tables: the first line naming the key
            return self._line(key, None)
        for number in range(headers[index], len(self.lines) + 1):
            line = self.lines[number - 1].strip()
            if number > headers[index] and line.startswith("["):
                break
            if re.match(rf"{re.escape(key)}\s*=", line):
                return number
        return headers[index]

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
        if "year" in data:
            from tripp.routing.request import supported_years  # the rule of every interface

            first, last = supported_years(self.atlas)
            if not isinstance(data["year"], int) or isinstance(data["year"], bool):
                self.add("year", f"year {data['year']!r} is not a year", "give e.g. year = 2030")
            elif not first <= data["year"] <= last:
                self.add(
                    "year",
                    f"year {data['year']} is outside the years this atlas describes, "
                    f"{first} to {last}",
                    f"give a year from {first} to {last}",
                )
        if "demand_year" in data and data["demand_year"] not in self.atlas.demand_years:
            years = ", ".join(map(str, self.atlas.demand_years))
            self.add(
                "demand_year",
                f"no demand for demand_year {data['demand_year']!r}",
                f"give one of the demand years {years}",
            )
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
        for name in ADD_TABLES:  # before [[set]], which may change the rows they add
            for index, block in enumerate(self._tables(data, name)):
                self.added_row(name, index, block)
        for index, rule in enumerate(self._tables(data, "set")):
            before = len(self.problems)
            self.set_rule(index, rule)
            if len(self.problems) == before:
                self.sound_sets.append(index)
        before = len(self.problems)
        for index, rule in enumerate(self._tables(data, "demand")):
            self.demand_rule(index, rule)
        self.sound_demand = len(self.problems) == before
        for index, rule in enumerate(self._tables(data, "shipper")):
            self.shipper_rule(index, rule)

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
        elif kind == "service":
            known = sorted(
                {s.service_id for s in atlas.services} | {s.node_id for s in atlas.services}
            )
        elif kind == "energy":
            added = [*self.inherited_energy, *self.added_energy]
            why = energy_target_problem(rest, atlas, added)
            if why is not None:
                self.add(key, f"'{selector}' selects no energy row: {why}", _ENERGY_FIX, selector)
                return None
            return kind
        elif kind == "contract":
            known = [c.contract_id for c in self._contracts()]
        elif kind == "storage":
            known = [s.storage_id for s in atlas.storage]
        elif kind == "plant":
            known = [p.plant_id for p in atlas.plants]
        else:
            known = [f"{t.mode}:{t.country}" for t in atlas.tariffs]
        if rest not in known:
            guess = did_you_mean(rest, known, limit=1)
            fix = f"did you mean '{kind}:{guess[0]}'?" if guess else f"no such {kind} in the atlas"
            self.add(key, f"unknown {kind} '{rest}'", fix, selector)
            return None
        return kind

    def set_rule(self, index: int, rule: dict[str, Any]) -> None:
        target, name = rule.get("target"), rule.get("field")
        self.rule_targets[index] = str(target)
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
        family = family_of(kind)
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
        if len(numbers) != 1 or not _is_number(rule[numbers[0]]):
            self.add(
                "set",
                f"[[set]] for {target} needs exactly one of value or factor, a number",
                "write value = 12.5 or factor = 2.0",
                target,
            )
            return
        key, number = numbers[0], rule[numbers[0]]
        entry = f"[[set]] for {target}: {key} {number}"
        if key == "factor" and name in VALUE_ONLY_FIELDS:
            self.add_in(
                "set",
                index,
                key,
                f"{entry}: {name} is a year, given by value only",
                f"write value = 2030 (the {name} itself)",
            )
        elif key == "factor" and not (math.isfinite(number) and number >= 0):
            self.add_in(
                "set", index, key, f"{entry} is not a finite number ≥ 0", "write e.g. factor = 2.0"
            )
        elif (
            key == "value"
            and name in SET_FIELDS[family]
            and set_column(family, name).type == "int"
            and not isinstance(number, int)
        ):
            self.add_in("set", index, key, f"{entry} is not a whole number", "write e.g. 2030")
        elif key == "value" and name in SET_FIELDS[family]:
            column = set_column(family, name)
            if not in_range(column, number):
                allowed = range_text(column)
                self.add_in(
                    "set",
                    index,
                    key,
                    f"{entry} is not a finite number"
                    if not math.isfinite(number)
                    else f"{entry} is outside {allowed}",
                    f"give {name} a value in {allowed} "
                    f"(the range of {SET_TABLES[family].name}.{name} in the atlas)",
                )

    def added_row(self, name: str, index: int, block: dict[str, Any]) -> None:
        """Check one [[contract]] or [[energy]] block; keep the row it adds when sound."""
        first = "contract_id" if name == "contract" else "node_id"
        row, found = block_row(name, block, self.atlas, self._block_line(name, index, first))
        ident = (
            block.get("contract_id")
            if name == "contract"
            else ":".join(str(block.get(k, "?")) for k in ("node_id", "carrier", "role", "year"))
        )
        for key, problem, fix in found:
            self.add_in(name, index, key, f"[[{name}]] {ident}: {problem}", fix)
        if isinstance(row, Contract):
            if row.contract_id in {c.contract_id for c in self._contracts()}:
                self.add_in(
                    name,
                    index,
                    "contract_id",
                    f"[[contract]] {row.contract_id}: the id is taken (by the atlas, a scenario "
                    "this one extends or an earlier block)",
                    f'change that contract with [[set]] target = "contract:{row.contract_id}"'
                    " or give a new contract_id",
                )
            else:
                self.added_contracts.append(row)
        elif isinstance(row, EnergyRow):
            if energy_key(row) in {energy_key(r) for r in self.added_energy}:
                self.add_in(
                    name,
                    index,
                    "year",
                    f"[[energy]] {ident}: an earlier [[energy]] block has the same key",
                    "give one row per node_id, carrier, role and year",
                )
            else:
                self.added_energy.append(row)

    def _contracts(self) -> tuple[Contract, ...]:
        """The contracts a [[set]] may name: the atlas's and those the scenarios add."""
        return (*self.atlas.contracts, *self.inherited_contracts, *self.added_contracts)

    def shipper_rule(self, index: int, rule: dict[str, Any]) -> None:
        for key, problem, fix in shipper_problems(rule, self.atlas):
            self.add_in("shipper", index, key, problem, fix)

    def demand_rule(self, index: int, rule: dict[str, Any]) -> None:
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
        if not (_is_number(factor) and math.isfinite(factor) and factor >= 0):
            self.add_in(
                "demand",
                index,
                "factor",
                f"[[demand]] factor {factor!r} is not a finite number ≥ 0",
                "write e.g. factor = 1.5",
            )

    def outside(self, found: list[OutOfRange], block: int | None) -> None:
        """Report the figures that one rule of this file (``block``: the index of its
        [[set]]; None: the [[demand]] rules) takes outside their atlas range."""
        shown = ", ".join(f"{o.element} {o.field} {o.value:g}" for o in found[:3])
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        allowed = found[0].allowed
        what = f"takes {shown}{more} outside {allowed}"
        if block is None or block < 0:
            self.add("demand", f"[[demand]] {what}", "lower the [[demand]] factors that match them")
        else:
            self.add_in(
                "set",
                block,
                "factor",
                f"[[set]] for {self.rule_targets[block]}: factor {what}",
                f"choose a factor that keeps {found[0].field} within {allowed}",
            )


_ENERGY_FIX = 'write target = "energy:NODE:CARRIER:ROLE" naming an existing row'


def _is_number(value: object) -> TypeGuard[float]:
    """True for a TOML integer or float (``true`` is not a number), NaN and inf included."""
    return isinstance(value, int | float) and not isinstance(value, bool)
