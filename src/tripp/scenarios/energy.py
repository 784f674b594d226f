"""Gas and power flows under a scenario, and its gas security of supply: the verbs behind
``tripp energy`` and ``tripp energy --security``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tripp.scenarios.network import ScenarioNetwork

if TYPE_CHECKING:
    from tripp.energy_model.result import EnergyResult
    from tripp.energy_model.security_report import SecurityReport
    from tripp.energy_model.settings import Carrier, EnergySettings

__all__ = ["energy", "energy_security"]


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


def energy_security(network: ScenarioNetwork, *, year: int | None = None) -> SecurityReport:
    """The N-1 indicator of the EU gas security-of-supply regulation (2017/1938, Annex II)
    and the days each calculated area lasts on storage when its largest entry stops, from
    the scenario's atlas alone (no LP; see docs/energy.md, "Security of supply (N-1)").

    ``year`` picks the energy rows, pipelines, storages and plants that exist (default: the
    scenario's year). Rates are in mcm/d, N-1 in percent.

    Raises :class:`~tripp.errors.InputError` naming every gas pipeline that enters an area
    without a capacity.

    >>> import tripp
    >>> report = tripp.energy_security(tripp.scenario(tripp.load_atlas(), "baseline-2025"))
    >>> report.standard, report.year
    ('EU 2017/1938 Annex II N-1', 2025)
    >>> report.area("Nakhchivan").country
    'AZ'
    """
    from tripp.energy_model.security import security_of_supply

    return security_of_supply(
        network.atlas,
        year=network.year if year is None else year,
        scenario=network.applied().name,
    )
