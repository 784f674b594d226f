"""Who may sell to whom: supply contracts in force in a year, as rules on deliveries.

Once an atlas has a contract of a carrier, a demand of that carrier in country B may take
only B's own supply, gas a swap delivers to B, and the supply of sellers with a contract to
B in force that year, up to the sum of those contracts' annual quantities. An atlas
without contracts of a carrier lets any supplier serve any demand, and says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tripp.atlas.model import Atlas
from tripp.energy_model.instance import ContractCap
from tripp.energy_model.settings import MWH_PER_GWH


@dataclass
class SellerRules:
    """The contract caps in force and the (carrier, seller, buyer) pairs free of a cap."""

    caps: list[ContractCap]
    governed: set[str]  # carriers whose deliveries contracts govern
    exempt: set[tuple[str, str, str]] = field(default_factory=set)

    def allows(self, carrier: str, seller: str, buyer: str) -> bool:
        """Whether ``seller``'s ``carrier`` may serve a demand in ``buyer``."""
        if carrier not in self.governed or seller == buyer:
            return True
        if (carrier, seller, buyer) in self.exempt:
            return True
        return any((c.carrier, c.seller, c.buyer) == (carrier, seller, buyer) for c in self.caps)


def seller_rules(
    atlas: Atlas, year: int, carriers: tuple[str, ...], assumptions: list[str]
) -> SellerRules:
    """The contracts of ``carriers`` in force in ``year``, summed per seller and buyer
    (annual quantity in mcm or MWh; take-or-pay quantity where a share is published)."""
    governed = {c.carrier for c in atlas.contracts} & set(carriers)
    for carrier in sorted(set(carriers) - governed):
        assumptions.append(
            f"no {carrier} contracts in the atlas: any supplier may serve any demand"
        )
    annual: dict[tuple[str, str, str], float] = defaultdict(float)
    take_or_pay: dict[tuple[str, str, str], float] = defaultdict(float)
    ids: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for contract in atlas.contracts:
        if contract.carrier not in governed or not contract.in_force(year):
            continue
        key = (contract.carrier, contract.seller, contract.buyer)
        volume = contract.value * (MWH_PER_GWH if contract.unit == "gwh_per_year" else 1.0)
        annual[key] += volume
        take_or_pay[key] += volume * (contract.take_or_pay_share or 0.0)
        ids[key].append(contract.contract_id)
    caps = [
        ContractCap(c, s, b, annual[(c, s, b)], take_or_pay[(c, s, b)], tuple(ids[(c, s, b)]))
        for c, s, b in sorted(annual)
    ]
    return SellerRules(caps, governed)
