"""The checks of a scenario's [[shipper]] blocks (:class:`~tripp.scenarios.model.ShipperRule`)."""

from __future__ import annotations

import math
from typing import Any

from tripp.atlas.model import Atlas
from tripp.atlas.names import did_you_mean

KEYS = ("profile", "avoid_countries", "markets", "share")


def shipper_problems(rule: dict[str, Any], atlas: Atlas) -> list[tuple[str, str, str]]:
    """(key, problem, fix) of every problem of one [[shipper]] block: a profile name,
    countries of the atlas to avoid, markets of demand.csv (or ``*``), a share in [0, 1]."""
    problems = [
        (key, f"unknown [[shipper]] key '{key}'", f"use {', '.join(KEYS)}")
        for key in rule
        if key not in KEYS
    ]
    if not isinstance(rule.get("profile"), str) or not rule["profile"]:
        problems.append(("profile", "[[shipper]] needs a profile name", 'write profile = "eu"'))
    countries = atlas.countries()
    avoid = rule.get("avoid_countries")
    if not isinstance(avoid, list) or not avoid:
        problems.append(
            (
                "avoid_countries",
                "[[shipper]] needs the countries it avoids",
                'write avoid_countries = ["RU", "BY"]',
            )
        )
    else:
        problems += [
            (
                "avoid_countries",
                f"unknown country {code!r}",
                f"use ISO codes of the atlas: {', '.join(countries)}",
            )
            for code in avoid
            if code not in countries
        ]
    markets = sorted({row.market for row in atlas.demand} | {"*"})
    given = rule.get("markets", ["*"])
    for market in given if isinstance(given, list) else [given]:
        if market not in markets:
            guess = did_you_mean(str(market), markets, limit=1)
            fix = f"did you mean '{guess[0]}'?" if guess else "use market ids of demand.csv or '*'"
            problems.append(("markets", f"unknown market {market!r}", fix))
    share = rule.get("share", 1.0)
    number = isinstance(share, int | float) and not isinstance(share, bool)
    if not (number and math.isfinite(share) and 0 <= share <= 1):
        problems.append(("share", f"share {share!r} is not in [0, 1]", "write e.g. share = 0.5"))
    return problems
