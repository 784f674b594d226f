"""Parameters of corridor freight assignment, each with its unit in its name.

Conversions between capacity units are explicit parameters, never silent:

* ``t_per_teu`` — tonnes per loaded TEU: 10.0, the factor the atlas demand table uses.
* ``t_per_truck`` — tonnes per truck: 20.0, the reference load of CAREC's TFI3 indicator
  ("USD per 500 km per 20-tonne cargo").
* ``t_per_train`` — net tonnes per freight train: 1,000.0, an assumption (about 57 wagons of
  one TEU at 10 t, rounded; see docs/assignment.md).
* BPR ``bpr_alpha`` 0.15 and ``bpr_beta`` 4.0 — the Bureau of Public Roads (1964) curve — on
  links with a capacity; ports, ferries and Caspian transfers use the queue function with
  ``queue_j`` 1.0 (an M/M/1 queue) and saturation ``queue_rho_bar`` 0.95.

* ``vot_usd_per_teu_h`` — the value of time of the generalized objective; None (the
  default): the atlas's container figure (cargo_types.csv), never a placeholder.
* ``choice`` — how route choice runs (:class:`~tripp.assignment.spec.ChoiceSpec`): up to
  :data:`CHOICE_PATHS` routes per O-D by link penalisation (factor
  :data:`CHOICE_PENALTY`), relative-cost sensitivity :data:`CHOICE_THETA`, fitted to the
  observed counts (docs/freight-model.md), reliability priced at
  :data:`CHOICE_RELIABILITY_RATIO` × VOT per hour of standard deviation (closures and
  border-dwell spread of ``reliability_file``, default the shipped reliability.csv), and
  successive averages until the split moves by at most :data:`CHOICE_TOLERANCE` of demand
  (at most :data:`CHOICE_MAX_ITER` rounds).

Capacities apply to each direction of a link. Links, transfers and crossings without a
capacity in the atlas keep their free-flow time (they are counted and reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tripp.assignment.spec import ChoiceSpec
from tripp.errors import FieldProblem, InputError

#: Most routes in an O-D's choice set.
CHOICE_PATHS = 6
#: Link penalisation factor of choice-set generation.
CHOICE_PENALTY = 1.5
#: Relative-cost sensitivity of the logit (fitted: docs/freight-model.md).
CHOICE_THETA = 12.0
#: Value of a standard deviation of time over the value of an hour (the reliability ratio of
#: de Jong et al. 2009): 1.0, an assumption; the fit holds at 1.24 too (docs/freight-model.md).
CHOICE_RELIABILITY_RATIO = 1.0
#: Most successive-average rounds, and the split change (share of demand) that ends them.
CHOICE_MAX_ITER = 3000
CHOICE_TOLERANCE = 1e-4


def default_choice() -> ChoiceSpec:
    """The corridor's route-choice parameters (module docstring)."""
    return ChoiceSpec(
        paths_per_od=CHOICE_PATHS,
        penalty_factor=CHOICE_PENALTY,
        theta=CHOICE_THETA,
        max_iter=CHOICE_MAX_ITER,
        tolerance=CHOICE_TOLERANCE,
        reliability_ratio=CHOICE_RELIABILITY_RATIO,
    )


@dataclass(frozen=True, slots=True)
class FreightSettings:
    """How corridor demand is loaded and which cost it minimises."""

    t_per_teu: float = 10.0
    t_per_truck: float = 20.0
    t_per_train: float = 1000.0
    days_per_year: float = 365.0
    bpr_alpha: float = 0.15
    bpr_beta: float = 4.0
    queue_j: float = 1.0
    queue_rho_bar: float = 0.95
    vot_usd_per_teu_h: float | None = None
    objective: str = "time"
    choice: ChoiceSpec = field(default_factory=default_choice)
    reliability_file: str | None = None

    def __post_init__(self) -> None:
        problems = [
            FieldProblem(name, f"{getattr(self, name)} must be positive", "give a positive number")
            for name in (
                "t_per_teu",
                "t_per_truck",
                "t_per_train",
                "days_per_year",
            )
            if not getattr(self, name) > 0
        ]
        if self.vot_usd_per_teu_h is not None and not self.vot_usd_per_teu_h > 0:
            problems.append(
                FieldProblem(
                    "vot_usd_per_teu_h",
                    f"{self.vot_usd_per_teu_h} must be positive",
                    "give a positive number, or none for the atlas's container figure",
                )
            )
        if self.objective not in ("time", "generalized"):
            problems.append(
                FieldProblem(
                    "objective",
                    f"unknown objective '{self.objective}'",
                    "use time or generalized",
                )
            )
        if not 0 < self.queue_rho_bar < 1:
            problems.append(FieldProblem("queue_rho_bar", "must lie in (0, 1)", "use e.g. 0.95"))
        if problems:
            raise InputError(problems)

    def t_per_year(self, capacity: float | None, unit: str) -> float | None:
        """A capacity in tonnes per year, or None when the unit is not a freight unit."""
        if capacity is None:
            return None
        per_day = self.days_per_year
        factors = {
            "t_per_year": 1.0,
            "teu_per_year": self.t_per_teu,
            "vehicles_per_day": self.t_per_truck * per_day,
            "trains_per_day": self.t_per_train * per_day,
        }
        factor = factors.get(unit)
        return None if factor is None else capacity * factor
