"""What a route minimises, and the one default every interface shares.

Kept apart from :mod:`tripp.routing.request` so that the command line can name the
default without importing the graph (NumPy) at start-up.
"""

from __future__ import annotations

from enum import StrEnum


class Objective(StrEnum):
    """What a route minimises."""

    TIME = "time"
    COST = "cost"
    DISTANCE = "distance"
    GENERALIZED = "generalized"


#: What every interface minimises when asked nothing: time (``route``, ``compare``,
#: ``exposure``, ``criticality``, ``reliability``, ``bottlenecks``, the REST API and jobs,
#: and their Python verbs). Generalised cost needs a value of time per cargo type.
DEFAULT_OBJECTIVE = Objective.TIME
