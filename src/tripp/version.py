"""The version of tripp, in one place (``tripp.__version__``, the report, the map, the API)."""

__version__ = "0.1.0"
