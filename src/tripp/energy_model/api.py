"""``solve_energy``: the energy-flow optimisation of an atlas in one call."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from tripp.atlas.model import Atlas
from tripp.atlas.names import did_you_mean
from tripp.energy_model.build import build_instance
from tripp.energy_model.result import EnergyResult, build_result
from tripp.energy_model.settings import Carrier, EnergySettings
from tripp.errors import InputError, Problem

logger = logging.getLogger(__name__)


def _carrier(carrier: Carrier | str) -> Carrier:
    try:
        return Carrier(carrier)
    except ValueError:
        choices = [c.value for c in Carrier]
        guess = did_you_mean(str(carrier), choices, limit=1)
        raise InputError(
            Problem(
                "carrier",
                f"unknown carrier '{carrier}'",
                f"did you mean '{guess[0]}'?" if guess else f"use one of {', '.join(choices)}",
            )
        ) from None


def solve_energy_closures(
    atlas: Atlas,
    *,
    year: int,
    link_ids: list[str],
    settings: EnergySettings | None = None,
    scenario: str | None = None,
) -> Iterator[tuple[str, EnergyResult]]:
    """The energy result with each link of ``link_ids`` closed in turn (one model, re-solved),
    without dependency tracing (``by_supplier_country`` and ``by_transit_country`` empty).

    Raises :class:`~tripp.errors.ConvergenceError` naming the link whose solve is not
    optimal: a failed solve is never read as a figure.
    """
    from tripp.energy_model.optimise import solve_closures
    from tripp.energy_model.trace import Trace

    settings = settings or EnergySettings()
    instance = build_instance(atlas, year=year, carrier=Carrier.ALL, settings=settings)
    untraced = Trace(tuple({} for _ in instance.demands), tuple({} for _ in instance.demands))
    for link_id, solution in solve_closures(instance, settings, link_ids):
        yield (
            link_id,
            build_result(
                atlas,
                instance,
                solution,
                untraced,
                carrier="all",
                scenario=scenario,
                settings=settings,
            ),
        )


def solve_energy(
    atlas: Atlas,
    *,
    year: int,
    carrier: Carrier | str = "all",
    settings: EnergySettings | None = None,
    scenario: str | None = None,
) -> EnergyResult:
    """Least-cost gas and power flows over the atlas's energy links in ``year``.

    Twelve monthly snapshots; supplies (fields, import points, swaps) up to their annual
    volume, demands met or reported unmet at the value of lost load. ``scenario`` only
    labels the result: apply a scenario to the atlas first (``apply_scenario``).

    Raises :class:`~tripp.errors.InputError` on inconsistent energy data (every problem at
    once) and :class:`~tripp.errors.ConvergenceError` if the LP is not solved.
    """
    from tripp.energy_model.optimise import solve
    from tripp.energy_model.trace import trace

    chosen = _carrier(carrier)
    settings = settings or EnergySettings()
    instance = build_instance(atlas, year=year, carrier=chosen, settings=settings)
    logger.info(
        "energy %s %d: %d buses, %d arcs, %d supplies, %d demands, %d swaps, %d contracts",
        chosen.value,
        year,
        len(instance.buses),
        len(instance.arcs),
        len(instance.supplies),
        len(instance.demands),
        len(instance.swaps),
        len(instance.contracts),
    )
    solution = solve(instance, settings, case=f"{scenario or 'the atlas'} in {year}")
    return build_result(
        atlas,
        instance,
        solution,
        trace(instance, solution),
        carrier=chosen.value,
        scenario=scenario,
        settings=settings,
    )
