"""Outputs for people and GIS: the scenario report, its charts and maps, the atlas map.

:mod:`~tripp.reporting.write` writes the HTML page, GeoPackage/GeoJSON layers and tables;
:mod:`~tripp.reporting.atlas_map` draws the atlas map; :mod:`~tripp.reporting.criticality_layer`
the criticality map layer; :mod:`~tripp.reporting.atomic` writes files atomically.
"""
