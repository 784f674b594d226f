"""The engine's graph: an atlas compiled once into CSR arrays (:mod:`tripp.graph.compile`) and
the shortest-path kernels every engine searches it with (:mod:`tripp.graph.paths`)."""
