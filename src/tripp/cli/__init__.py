"""The ``tripp`` command line: every Typer command and every Rich display. The only code of
tripp that prints."""
