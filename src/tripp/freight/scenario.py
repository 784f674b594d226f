"""Corridor freight assignment under a scenario: the verbs behind ``tripp assign --scenario``
and ``tripp bottlenecks``.

Both run :func:`~tripp.freight.corridor.assign_corridor` on a scenario's compiled network,
with the scenario's year and the demand year that goes with it unless told otherwise.
"""

from __future__ import annotations

from dataclasses import replace

from tripp.errors import FieldProblem, InputError
from tripp.freight.corridor import LOGIT, CorridorAssignment, assign_corridor
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
    objective: str | None = None,
    algorithm: str = LOGIT,
    gap: float = BOTTLENECKS_GAP,
    max_iter: int = BOTTLENECKS_MAX_ITER,
    settings: FreightSettings | None = None,
) -> CorridorAssignment:
    """The scenario's freight demand (t/year) on its network and capacities.

    ``year`` is the network's year (default: the scenario's); ``demand_year`` picks the
    demand (default: the latest demand year not after ``year``, else the earliest).
    ``algorithm`` ``logit`` (the default) is route and mode choice: path-size logit at
    stochastic user equilibrium on each cargo type's generalised cost, with the
    scenario's shipper profiles (:mod:`tripp.freight.choice`); ``fw``, ``cfw``, ``bfw``
    or ``gp`` route every row as containers at deterministic user equilibrium on
    ``objective`` (``time`` in h, the default, or ``generalized``: money converted to h at
    the container value of time) until the relative gap is at most ``gap`` or
    ``max_iter`` iterations. A run that stops short says so in ``converged``.
    ``settings`` (default :class:`~tripp.freight.settings.FreightSettings`) holds the
    loading and route-choice parameters.

    Raises :class:`~tripp.errors.InputError` for a demand year without demand rows, an
    objective given to route choice, and bad options.

    >>> import tripp
    >>> network = tripp.scenario(tripp.load_atlas(), "tripp-2030")
    >>> result = tripp.assign(network)
    >>> result.converged, result.demand_year, result.algorithm
    (True, 2030, 'logit')
    """
    network_year = network.year if year is None else year
    years = network.atlas.demand_years
    if demand_year is None:
        demand_year = (
            network.demand_year if year is None else demand_year_for(network.atlas, network_year)
        )
    elif demand_year not in years:
        raise InputError(
            FieldProblem(
                "demand_year",
                f"no demand rows for '{demand_year}'",
                f"give one of the demand years {', '.join(map(str, years))}",
            )
        )
    if algorithm == LOGIT and objective is not None:
        raise InputError(
            FieldProblem(
                "objective",
                "route choice weighs each cargo type's money cost plus its value of time × "
                "hours; an objective applies to the equilibrium algorithms only",
                "drop the objective, or choose an algorithm: fw, cfw, bfw or gp",
            )
        )
    scenario = network.applied()
    return assign_corridor(
        network.graph,
        scenario=scenario.name,
        year=network_year,
        demand_year=demand_year,
        settings=replace(settings or FreightSettings(), objective=objective or "time"),
        algorithm=algorithm,
        gap=gap,
        max_iter=max_iter,
        shippers=scenario.shipper,
    )


def bottlenecks(
    network: ScenarioNetwork,
    *,
    year: int | None = None,
    demand_year: int | None = None,
    settings: FreightSettings | None = None,
) -> CorridorAssignment:
    """The assignment ``tripp bottlenecks`` ranks: :func:`assign` by route choice
    (path-size logit stochastic user equilibrium).

    Rank the loaded elements with ``result.bottlenecks(top)`` (volume/capacity, then delay
    in t·h/year) or as a table with ``result.to_frame(top)``.

    >>> import tripp
    >>> result = tripp.bottlenecks(tripp.scenario(tripp.load_atlas(), "volumes-tripled"))
    >>> list(result.to_frame(3).columns[:3])
    ['kind', 'element_id', 'name']
    """
    return assign(network, year=year, demand_year=demand_year, settings=settings)
