"""Routes on the compiled graph: request, search, alternatives, legs, result, plausibility.

The request (:mod:`~tripp.routing.request`), the search (:mod:`~tripp.routing.route`), ranked
alternatives, legs, the result, and the check of model journeys against published ones
(:mod:`~tripp.routing.plausibility`).
"""
