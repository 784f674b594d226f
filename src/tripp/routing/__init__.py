"""Routes on the compiled graph: the request (:mod:`~tripp.routing.request`), the search
(:mod:`~tripp.routing.route`), ranked alternatives, legs, the result, and the check of model
journeys against published ones (:mod:`~tripp.routing.plausibility`)."""
