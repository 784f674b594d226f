"""The engine's graph: the atlas compiled once into CSR arrays, and the shortest-path kernels.

:mod:`tripp.graph.compile` builds the graph every engine shares; :mod:`tripp.graph.paths`
searches it.
"""
