"""Gas and power flows under a scenario: the verb behind ``tripp energy``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tripp.scenarios.network import ScenarioNetwork

if TYPE_CHECKING:
    from tripp.energy_model.result import EnergyResult
    from tripp.energy_model.settings import Carrier, EnergySettings

__all__ = ["energy"]


def energy(
    network: ScenarioNetwork,
    *,
    carrier: Carrier | str = "all",
    year: int | None = None,
    settings: EnergySettings | None = None,
) -> EnergyResult:
    """Least-cost gas and power flows of the scenario's atlas (PyPSA, loaded on first use).

    ``year`` picks the energy rows and the links that exist (default: the scenario's year);
    ``carrier`` is ``gas``, ``power`` or ``all``. Results are per year: gas in mcm, power
    in GWh, money in USD (see :class:`~tripp.energy_model.result.EnergyResult`).

    Raises :class:`~tripp.errors.InputError` on inconsistent energy data (e.g. a link
    without capacity, unless ``settings.missing_capacity`` is ``unbounded``) and
    :class:`~tripp.errors.ConvergenceError` if the LP is not solved.

    >>> import tripp
    >>> network = tripp.scenario(tripp.load_atlas(), "iran-swap-stopped")
    >>> result = tripp.energy(network, carrier="power")
    >>> result.year, result.carrier
    (2025, 'power')
    """
    from tripp.energy_model.api import solve_energy

    return solve_energy(
        network.atlas,
        year=network.year if year is None else year,
        carrier=carrier,
        settings=settings,
        scenario=network.applied().name,
    )
