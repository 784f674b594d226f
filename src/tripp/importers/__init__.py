"""Bring your own network: OpenStreetMap extracts and GeoPackage layers into atlas folders.

Each importer turns its source into :data:`~tripp.importers.tables.AtlasTables` (rows keyed by
atlas column names); :func:`~tripp.importers.tables.write_atlas_folder` writes them as an
atlas folder atomically, after the same validation gate every atlas passes.
"""
