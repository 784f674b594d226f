"""The exception tree of tripp.

Every error a user can cause is an :class:`InputError` that lists *all* the problems found,
each naming where it is (file, row, column) and how to fix it. A request's problems name
its fields (``avoid_countries``) and a :class:`NoRouteError` the settings that cut every
route; each interface words them its own way with a :class:`Wording` (``--avoid-country``
on the command line, ``avoid_country`` in the REST API). Interfaces print the error and exit
with ``error.exit_code``; they never show a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong and how to fix it.

    ``row`` is the 1-based line number in the file (the header is line 1), or ``None``
    when the problem concerns a whole file or an option.
    """

    where: str
    problem: str
    fix: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        place = self.where if self.row is None else f"{self.where}:{self.row}"
        column = f" {self.column}:" if self.column else ""
        return f"{place}:{column} {self.problem} — fix: {self.fix}"

    def to_dict(self) -> dict[str, object]:
        """The problem as a JSON-ready mapping."""
        return {
            "where": self.where,
            "row": self.row,
            "column": self.column,
            "problem": self.problem,
            "fix": self.fix,
        }


class Wording:
    """How an interface names a request's fields and settings.

    This base speaks Python: the field names themselves (``avoid_countries``) and settings
    as ``avoid_countries=('RU',)``. The command line and the REST API each word them their
    own way (``--avoid-country RU``, ``avoid_country=RU``) with ``names`` and ``joiner``.
    """

    def __init__(self, names: Mapping[str, str] | None = None, joiner: str | None = None):
        self.names: Mapping[str, str] = names or {}
        self.joiner = joiner

    def name(self, field: str) -> str:
        """What the interface calls ``field``."""
        return self.names.get(field, field)

    def setting(self, field: str, value: object) -> str:
        """``field`` set to ``value``, as a user of the interface would write it."""
        if self.joiner is None:
            return f"{self.name(field)}={value!r}"
        shown = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
        return f"{self.name(field)}{self.joiner}{shown}"


#: Python's words: the request's field names.
FIELD_WORDS = Wording()


@dataclass(frozen=True, slots=True)
class Mention:
    """A request field named inside a problem's text, worded by each interface."""

    field: str


#: A text with request fields in it: plain parts and :class:`Mention` parts (or plain text).
Text = tuple[str | Mention, ...] | str


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with a request field or an analysis option (named as the Python
    keyword, e.g. ``max_iter``); ``problem`` and ``fix`` may mention other fields."""

    field: str
    problem: Text
    fix: Text

    def worded(self, wording: Wording) -> Problem:
        """The problem in ``wording``'s names of the fields."""

        def text(parts: Text) -> str:
            if isinstance(parts, str):
                return parts
            return "".join(wording.name(p.field) if isinstance(p, Mention) else p for p in parts)

        return Problem(wording.name(self.field), text(self.problem), text(self.fix))


class TrippError(Exception):
    """Base class of every error raised on purpose by tripp."""

    exit_code = 1


class InputError(TrippError, ValueError):
    """Bad input: a file, a table row, an option. Carries every problem found at once.

    A bad request's problems are :class:`FieldProblem` s naming its fields
    (``avoid_countries``); ``problems`` words them so, and :meth:`worded` as an interface
    does (``--avoid-country``).
    """

    exit_code = 2

    def __init__(
        self, problems: Iterable[Problem | FieldProblem] | Problem | FieldProblem | str
    ) -> None:
        if isinstance(problems, str):
            problems = [Problem(where="input", problem=problems, fix="see the message")]
        elif isinstance(problems, Problem | FieldProblem):
            problems = [problems]
        self.given: tuple[Problem | FieldProblem, ...] = tuple(problems)
        if not self.given:
            raise ValueError("InputError needs at least one problem")
        self.problems: tuple[Problem, ...] = self._worded(FIELD_WORDS)
        super().__init__(self._message())

    def worded(self, wording: Wording) -> InputError:
        """The same error, with the request's fields in ``wording``'s names."""
        return InputError(self._worded(wording))

    def _worded(self, wording: Wording) -> tuple[Problem, ...]:
        return tuple(p.worded(wording) if isinstance(p, FieldProblem) else p for p in self.given)

    def _message(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found:"]
        lines.extend(str(problem) for problem in self.problems)
        return "\n".join(lines)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.given,))


class NoRouteError(TrippError, LookupError):
    """No route satisfies the request; it names the constraints that cut every route.

    ``cuts``: the request's settings (field, value) without any one of which a route
    exists; ``later_year``: the first later year with a route, if any; ``modes``: the
    modes allowed. ``str(error)`` words them as Python fields; :meth:`worded` as an
    interface does.
    """

    exit_code = 3

    def __init__(
        self,
        origin: str,
        destination: str,
        year: int,
        *,
        modes: tuple[str, ...] = (),
        cuts: tuple[tuple[str, object], ...] = (),
        later_year: int | None = None,
    ) -> None:
        self.origin, self.destination, self.year = origin, destination, year
        self.modes, self.cuts, self.later_year = modes, cuts, later_year
        super().__init__(self.worded(FIELD_WORDS))

    def worded(self, wording: Wording) -> str:
        """The explanation, with the request's settings as ``wording`` writes them."""
        reasons = [
            f"{wording.setting(field, value)} cuts every route (one exists without it)"
            for field, value in self.cuts
        ]
        if self.later_year is not None:
            reasons.append(
                f"the links it needs open in {self.later_year} "
                f"(try {wording.setting('year', self.later_year)})"
            )
        if not reasons:
            reasons.append(
                f"the network does not connect them by {', '.join(self.modes)} "
                "under these constraints"
            )
        place = f"no route from {self.origin} to {self.destination} in {self.year}"
        return f"{place}: " + "; ".join(reasons)

    def __reduce__(self) -> tuple[object, ...]:
        fields = (self.modes, self.cuts, self.later_year)
        return (_no_route, (self.origin, self.destination, self.year, *fields))


def _no_route(
    origin: str,
    destination: str,
    year: int,
    modes: tuple[str, ...],
    cuts: tuple[tuple[str, object], ...],
    later_year: int | None,
) -> NoRouteError:
    return NoRouteError(origin, destination, year, modes=modes, cuts=cuts, later_year=later_year)


class ConvergenceError(TrippError, RuntimeError):
    """An iterative method stopped before reaching the requested precision."""

    exit_code = 4
