"""Outputs for people and GIS: the scenario report (:mod:`~tripp.report.write`: HTML page,
GeoPackage/GeoJSON layers, tables), its charts and maps, the atlas map
(:mod:`~tripp.report.atlas_map`), the criticality map layer, and atomic file writing
(:mod:`~tripp.report.atomic`)."""
