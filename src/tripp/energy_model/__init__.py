"""Energy-flow optimisation: gas and power flows of the atlas as a PyPSA network.

Can Nakhchivan, Armenia and Georgia be supplied? Gas pipelines and power lines of the atlas
become a PyPSA network solved with HiGHS; unmet demand is priced at the value of lost load
and reported; every demand's supply is traced to supplier and transit countries. PyPSA is
imported only when a run starts. :func:`security_of_supply` gives the N-1 indicator of each
calculated area (EU 2017/1938 Annex II) from the atlas alone, without an LP.
"""

from tripp.energy_model.api import solve_energy
from tripp.energy_model.comparison import energy_comparison
from tripp.energy_model.result import EnergyResult
from tripp.energy_model.security import security_of_supply
from tripp.energy_model.security_report import SecurityArea, SecurityReport
from tripp.energy_model.settings import Carrier, EnergySettings, MissingCapacity

__all__ = [
    "Carrier",
    "EnergyResult",
    "EnergySettings",
    "MissingCapacity",
    "SecurityArea",
    "SecurityReport",
    "energy_comparison",
    "security_of_supply",
    "solve_energy",
]
