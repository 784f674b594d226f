"""Outputs for people and GIS: the scenario report, its charts and maps, the atlas map.

:mod:`~tripp.report.write` writes the HTML page, GeoPackage/GeoJSON layers and tables;
:mod:`~tripp.report.atlas_map` draws the atlas map; :mod:`~tripp.report.criticality_layer`
the criticality map layer; :mod:`~tripp.report.atomic` writes files atomically.
"""
