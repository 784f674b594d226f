"""Corridor freight assignment under a scenario: the verbs behind ``tripp assign --scenario``
and ``tripp bottlenecks``.

Both run :func:`~tripp.freight.corridor.assign_corridor` on a scenario's compiled network,
with the scenario's year and the demand year that goes with it unless told otherwise.
"""

from __future__ import annotations

from tripp.errors import FieldProblem, InputError
from tripp.freight.corridor import CorridorAssignment, assign_corridor
from tripp.freight.settings import FreightSettings
from tripp.scenarios.exposure import demand_year_for
from tripp.scenarios.network import ScenarioNetwork

__all__ = ["BOTTLENECKS_GAP", "BOTTLENECKS_MAX_ITER", "assign", "bottlenecks"]

#: Target relative gap of the run behind ``tripp bottlenecks``.
BOTTLENECKS_GAP = 1e-4
#: Iteration limit of the run behind ``tripp bottlenecks``.
BOTTLENECKS_MAX_ITER = 500


def assign(
    network: ScenarioNetwork,
    *,
    year: int | None = None,
    demand_year: int | None = None,
    objective: str = "time",
    algorithm: str = "bfw",
    gap: float = BOTTLENECKS_GAP,
    max_iter: int = BOTTLENECKS_MAX_ITER,
) -> CorridorAssignment:
    """User-equilibrium assignment of the scenario's freight demand (t/year) on its capacities.

    ``year`` is the network's year (default: the scenario's); ``demand_year`` picks the
    demand rows (default: the latest demand year not after ``year``, else the earliest).
    ``objective`` is ``time`` (h) or ``generalized`` (money converted to h at the freight
    value of time); ``algorithm`` ``fw``, ``cfw``, ``bfw`` or ``gp`` runs until the relative
    gap is at most ``gap`` or ``max_iter`` iterations. A run that stops short says so in
    ``converged``; it does not raise.

    Raises :class:`~tripp.errors.InputError` for a demand year without demand rows and
    for bad options.

    >>> import tripp
    >>> network = tripp.scenario(tripp.load_atlas(), "tripp-2030")
    >>> result = tripp.assign(network)
    >>> result.converged, result.demand_year
    (True, 2030)
    """
    network_year = network.year if year is None else year
    years = network.atlas.demand_years
    if demand_year is None:
        demand_year = demand_year_for(network.atlas, network_year)
    elif demand_year not in years:
        raise InputError(
            FieldProblem(
                "demand_year",
                f"no demand rows for '{demand_year}'",
                f"give one of the demand years {', '.join(map(str, years))}",
            )
        )
    return assign_corridor(
        network.graph,
        scenario=network.applied().name,
        year=network_year,
        demand_year=demand_year,
        settings=FreightSettings(objective=objective),
        algorithm=algorithm,
        gap=gap,
        max_iter=max_iter,
    )


def bottlenecks(
    network: ScenarioNetwork,
    *,
    year: int | None = None,
    demand_year: int | None = None,
    objective: str = "time",
) -> CorridorAssignment:
    """The assignment ``tripp bottlenecks`` ranks: :func:`assign` with biconjugate
    Frank–Wolfe to a relative gap of :data:`BOTTLENECKS_GAP` in at most
    :data:`BOTTLENECKS_MAX_ITER` iterations.

    Rank the loaded elements with ``result.bottlenecks(top)`` (volume/capacity, then delay
    in t·h/year) or as a table with ``result.to_frame(top)``.

    >>> import tripp
    >>> result = tripp.bottlenecks(tripp.scenario(tripp.load_atlas(), "volumes-tripled"))
    >>> list(result.to_frame(3).columns[:3])
    ['kind', 'element_id', 'name']
    """
    return assign(
        network,
        year=year,
        demand_year=demand_year,
        objective=objective,
        algorithm="bfw",
        gap=BOTTLENECKS_GAP,
        max_iter=BOTTLENECKS_MAX_ITER,
    )
