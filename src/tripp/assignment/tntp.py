"""Readers for TNTP benchmark files (``_net.tntp``, ``_trips.tntp``, ``_flow.tntp``).

Format: https://github.com/bstabler/TransportationNetworks (see also
``shared/data/tntp/README.md``). Lines starting with ``~`` are comments; rows end with ``;``.
Every reader checks the whole file and raises one :class:`~tripp.errors.InputError` listing
every problem with file, line (1-based), column and fix.

Units are network-specific in TNTP (SiouxFalls: free-flow time in 0.01 h; Anaheim: minutes,
feet), so the readers keep the file's units and the column names carry none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tripp.assignment.network import AssignmentNetwork, Demand, build_network
from tripp.errors import InputError, Problem

__all__ = [
    "TntpFlows",
    "TntpNetwork",
    "TntpTrips",
    "load_tntp",
    "read_flows",
    "read_net",
    "read_trips",
]

NET_COLUMNS = (
    "init_node",
    "term_node",
    "capacity",
    "length",
    "free_flow_time",
    "b",
    "power",
    "speed",
    "toll",
    "link_type",
)
_MAX_PROBLEMS = 100


@dataclass(frozen=True, eq=False)
class TntpNetwork:
    """A ``_net.tntp`` file: metadata and one array per link column (file order and units)."""

    path: str
    n_zones: int
    n_nodes: int
    first_thru_node: int
    init_node: np.ndarray
    term_node: np.ndarray
    capacity: np.ndarray
    length: np.ndarray
    free_flow_time: np.ndarray
    b: np.ndarray
    power: np.ndarray
    toll: np.ndarray

    def to_network(
        self, *, toll_factor: float = 0.0, distance_factor: float = 0.0
    ) -> AssignmentNetwork:
        """Compile with BPR on every link and generalised cost
        ``t + toll_factor × toll + distance_factor × length`` (factors ≥ 0).

        Zones below FIRST THRU NODE become no-through nodes; every node 1..NUMBER OF NODES is
        kept, so node index = node id − 1.
        """
        problems = [
            Problem(
                where=f"--{name.replace('_', '-')}",
                problem=f"{value} is not a number >= 0",
                fix="use a finite value >= 0 (default 0)",
            )
            for name, value in (("toll_factor", toll_factor), ("distance_factor", distance_factor))
            if not (math.isfinite(value) and value >= 0)
        ]
        if problems:
            raise InputError(problems)
        return build_network(
            self.init_node,
            self.term_node,
            free_flow_time=self.free_flow_time,
            capacity=self.capacity,
            alpha=self.b,
            beta=self.power,
            fixed_cost=toll_factor * self.toll + distance_factor * self.length,
            no_through_nodes=np.arange(1, self.first_thru_node),
            extra_node_ids=np.arange(1, self.n_nodes + 1),
        )


@dataclass(frozen=True, eq=False)
class TntpTrips:
    """A ``_trips.tntp`` file: ``trips[o - 1, d - 1]`` is the demand from zone o to zone d."""

    path: str
    n_zones: int
    total_flow: float
    trips: np.ndarray
    zones_line: int

    def to_demand(self, network: AssignmentNetwork) -> Demand:
        """Demand between zones 1..n_zones of ``network`` (TNTP zones are nodes 1..n)."""
        return Demand(
            zone_nodes=network.node_index(np.arange(1, self.n_zones + 1)),
            trips=self.trips,
            source=self.path,
        )


@dataclass(frozen=True, eq=False)
class TntpFlows:
    """A ``_flow.tntp`` file: best-known link volumes and costs, one row per link."""

    path: str
    init_node: np.ndarray
    term_node: np.ndarray
    volume: np.ndarray
    cost: np.ndarray


class _Problems:
    """Collects problems of one file, capped so a wrong file cannot flood the output."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Problem] = []
        self.dropped = 0

    def add(
        self, problem: str, fix: str, row: int | None = None, column: str | None = None
    ) -> None:
        if len(self.items) < _MAX_PROBLEMS:
            self.items.append(Problem(self.path, problem, fix, row, column))
        else:
            self.dropped += 1

    def raise_if_any(self) -> None:
        if self.dropped:
            self.items.append(
                Problem(self.path, f"{self.dropped} more problems not shown", "fix the ones above")
            )
        if self.items:
            raise InputError(self.items)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        problem = "file not found"
    except IsADirectoryError:
        problem = "is a directory, not a file"
    except PermissionError:
        problem = "cannot be read (permission denied)"
    except UnicodeDecodeError as error:
        problem = f"is not UTF-8 text (byte {error.start})"
    raise InputError(Problem(str(path), problem, "give the path of a TNTP text file"))


def _metadata(
    lines: list[str], problems: _Problems, required: tuple[str, ...]
) -> tuple[dict[str, tuple[float, int]], int]:
    """``{KEY: (value, line)}`` for the required keys, and the index of the first body line."""
    found: dict[str, tuple[float, int]] = {}
    for index, raw in enumerate(lines):
        line = raw.strip()
        if line.startswith("<END OF METADATA>"):
            break
        if not line.startswith("<") or ">" not in line:
            continue
        key, _, value = line[1:].partition(">")
        if key in required:
            try:
                number = float(value.strip().rstrip(";"))
            except ValueError:
                number = math.nan
            if math.isfinite(number):
                found[key] = (number, index + 1)
            else:
                problems.add(
                    f"<{key}> value {value.strip()!r} is not a finite number",
                    "write a number after the key",
                    index + 1,
                    key,
                )
    else:
        problems.add("no <END OF METADATA> line", "end the header with <END OF METADATA>")
        return found, len(lines)
    for key in required:
        if key not in found:
            problems.add(f"metadata lacks <{key}>", f"add a line '<{key}> value' to the header")
    return found, index + 1


def _body(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    """``(line number, tokens)`` of each data row after ``start``; comments and blanks skipped."""
    rows = []
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if not line or line.startswith("~"):
            continue
        rows.append((index + 1, line.rstrip(";").replace(";", " ").split()))
    return rows


def _integer(meta: dict[str, tuple[float, int]], key: str, problems: _Problems) -> int:
    value, line = meta.get(key, (0.0, 0))
    if key in meta and (value != int(value) or value < 0):
        problems.add(f"<{key}> {value} is not a whole number >= 0", "fix the header", line, key)
    return int(value)


def read_net(path: str | Path) -> TntpNetwork:
    """Read a ``_net.tntp`` file; raises InputError listing every problem."""
    path = Path(path)
    problems = _Problems(str(path))
    lines = _read_lines(path)
    keys = ("NUMBER OF ZONES", "NUMBER OF NODES", "FIRST THRU NODE", "NUMBER OF LINKS")
    meta, start = _metadata(lines, problems, keys)
    n_zones, n_nodes, first_thru, n_links = (_integer(meta, k, problems) for k in keys)
    rows = _body(lines, start)
    values = np.full((len(rows), len(NET_COLUMNS)), np.nan)
    for r, (line_no, tokens) in enumerate(rows):
        if len(tokens) != len(NET_COLUMNS):
            problems.add(
                f"{len(tokens)} values, expected {len(NET_COLUMNS)} ({', '.join(NET_COLUMNS)})",
                "give one link per line with all 10 columns, ending with ';'",
                line_no,
            )
            continue
        for c, (name, token) in enumerate(zip(NET_COLUMNS, tokens, strict=True)):
            try:
                values[r, c] = float(token)
            except ValueError:
                problems.add(f"{token!r} is not a number", "write a number", line_no, name)
                continue
            message = _net_value_problem(name, values[r, c], n_nodes)
            if message:
                problems.add(f"{token} {message[0]}", message[1], line_no, name)
    if "NUMBER OF LINKS" in meta and len(rows) != n_links:
        problems.add(
            f"{len(rows)} link rows but <NUMBER OF LINKS> {n_links}",
            "make the header count match the rows",
            meta["NUMBER OF LINKS"][1],
        )
    if n_zones > n_nodes:
        problems.add(
            f"<NUMBER OF ZONES> {n_zones} exceeds <NUMBER OF NODES> {n_nodes}",
            "zones are nodes 1..n: fix the header",
            meta.get("NUMBER OF ZONES", (0, 1))[1],
        )
    if "FIRST THRU NODE" in meta and not 1 <= first_thru <= n_nodes + 1:
        problems.add(
            f"<FIRST THRU NODE> {first_thru} is outside 1..{n_nodes + 1}",
            "use 1 when every node may be passed through",
            meta["FIRST THRU NODE"][1],
        )
    problems.raise_if_any()
    col = {name: values[:, c] for c, name in enumerate(NET_COLUMNS)}
    return TntpNetwork(
        path=str(path),
        n_zones=n_zones,
        n_nodes=n_nodes,
        first_thru_node=first_thru,
        init_node=col["init_node"].astype(np.int64),
        term_node=col["term_node"].astype(np.int64),
        capacity=col["capacity"],
        length=col["length"],
        free_flow_time=col["free_flow_time"],
        b=col["b"],
        power=col["power"],
        toll=col["toll"],
    )


def _net_value_problem(name: str, value: float, n_nodes: int) -> tuple[str, str] | None:
    """``(problem, fix)`` when a link value is out of range, else None."""
    if not math.isfinite(value):
        return "is not finite", "write a finite number"
    if name in ("init_node", "term_node", "link_type") and value != int(value):
        return "is not a whole number", "write an integer"
    if name in ("init_node", "term_node") and not 1 <= value <= n_nodes:
        return f"is not a node 1..{n_nodes}", "use a node id within <NUMBER OF NODES>"
    if name == "capacity" and value <= 0:
        return "is not positive", "give the link a capacity > 0"
    if name == "power" and not (value == 0 or value >= 1):
        return "is not 0 or >= 1", "use a BPR power of 0 or at least 1 (usually 4)"
    if name in ("length", "free_flow_time", "b", "toll") and value < 0:
        return "is negative", "use a value >= 0"
    return None


def read_trips(path: str | Path) -> TntpTrips:
    """Read a ``_trips.tntp`` file; raises InputError listing every problem."""
    path = Path(path)
    problems = _Problems(str(path))
    lines = _read_lines(path)
    meta, start = _metadata(lines, problems, ("NUMBER OF ZONES", "TOTAL OD FLOW"))
    n_zones = _integer(meta, "NUMBER OF ZONES", problems)
    trips = np.zeros((n_zones, n_zones))
    seen = np.zeros((n_zones, n_zones), dtype=np.bool_)
    origin: int | None = None
    for line_no, tokens in _body(lines, start):
        if tokens[0] == "Origin":
            origin = _zone(
                tokens[1] if len(tokens) == 2 else " ".join(tokens[1:]),
                n_zones,
                problems,
                line_no,
                "origin",
            )
            continue
        if origin is None:
            problems.add(
                "demand before any 'Origin' line", "start each block with 'Origin <zone>'", line_no
            )
            continue
        text = lines[line_no - 1].strip()
        for pair in (p.strip() for p in text.split(";")):
            if not pair:
                continue
            dest_text, colon, flow_text = pair.partition(":")
            if not colon:
                problems.add(
                    f"{pair!r} is not 'destination : flow'",
                    "write pairs as '<zone> : <flow>;'",
                    line_no,
                )
                continue
            dest = _zone(dest_text.strip(), n_zones, problems, line_no, "destination")
            try:
                flow = float(flow_text)
            except ValueError:
                problems.add(
                    f"{flow_text.strip()!r} is not a number", "write a number", line_no, "flow"
                )
                continue
            if not (math.isfinite(flow) and flow >= 0):
                problems.add(
                    f"{flow_text.strip()} is negative or not finite",
                    "use a flow >= 0",
                    line_no,
                    "flow",
                )
            elif origin > 0 and dest > 0:
                if seen[origin - 1, dest - 1]:
                    problems.add(
                        f"pair {origin} → {dest} listed twice",
                        "keep one entry",
                        line_no,
                        "destination",
                    )
                seen[origin - 1, dest - 1] = True
                trips[origin - 1, dest - 1] = flow
    total, total_line = meta.get("TOTAL OD FLOW", (float("nan"), 0))
    if "TOTAL OD FLOW" in meta and abs(trips.sum() - total) > 1e-4 * max(1.0, abs(total)):
        problems.add(
            f"rows sum to {trips.sum():.6g} but <TOTAL OD FLOW> is {total:.6g}",
            "make the header total match the rows",
            total_line,
            "TOTAL OD FLOW",
        )
    problems.raise_if_any()
    return TntpTrips(str(path), n_zones, total, trips, meta["NUMBER OF ZONES"][1])


def _zone(text: str, n_zones: int, problems: _Problems, line_no: int, column: str) -> int:
    """Zone number parsed from ``text`` (1..n_zones), or 0 after recording a problem."""
    try:
        zone = int(text)
    except ValueError:
        problems.add(f"{text!r} is not a zone number", "write an integer zone id", line_no, column)
        return 0
    if not 1 <= zone <= n_zones:
        problems.add(
            f"zone {zone} is outside 1..{n_zones}",
            "use zones within <NUMBER OF ZONES>",
            line_no,
            column,
        )
        return 0
    return zone


def read_flows(path: str | Path) -> TntpFlows:
    """Read a ``_flow.tntp`` file (header ``From To Volume Cost``, then one row per link)."""
    path = Path(path)
    problems = _Problems(str(path))
    columns = ("from", "to", "volume", "cost")
    rows = _body(_read_lines(path), 0)
    if not rows or [t.lower() for t in rows[0][1]] != list(columns):
        problems.add(
            "first line is not the header 'From To Volume Cost'",
            "start the file with that header",
            rows[0][0] if rows else None,
        )
        problems.raise_if_any()
    values = np.full((len(rows) - 1, 4), np.nan)
    for r, (line_no, tokens) in enumerate(rows[1:]):
        if len(tokens) != 4:
            problems.add(f"{len(tokens)} values, expected 4", "give From To Volume Cost", line_no)
            continue
        for c, (name, token) in enumerate(zip(columns, tokens, strict=True)):
            try:
                values[r, c] = float(token)
            except ValueError:
                problems.add(f"{token!r} is not a number", "write a number", line_no, name)
            else:
                if not math.isfinite(values[r, c]):
                    problems.add(f"{token} is not finite", "write a finite number", line_no, name)
    problems.raise_if_any()
    return TntpFlows(
        str(path),
        values[:, 0].astype(np.int64),
        values[:, 1].astype(np.int64),
        values[:, 2],
        values[:, 3],
    )


def load_tntp(
    net_path: str | Path,
    trips_path: str | Path,
    *,
    toll_factor: float = 0.0,
    distance_factor: float = 0.0,
) -> tuple[AssignmentNetwork, Demand]:
    """Read a TNTP network and its trips, check they agree, and compile both."""
    net = read_net(net_path)
    trips = read_trips(trips_path)
    if trips.n_zones != net.n_zones:
        raise InputError(
            Problem(
                trips.path,
                f"<NUMBER OF ZONES> {trips.n_zones} differs from {net.n_zones} in {net.path}",
                "pair the trips file with its own network file",
                trips.zones_line,
                "NUMBER OF ZONES",
            )
        )
    network = net.to_network(toll_factor=toll_factor, distance_factor=distance_factor)
    return network, trips.to_demand(network)
