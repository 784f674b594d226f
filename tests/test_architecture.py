"""The layout is the architecture: no loose top-level modules, and docs/architecture.md's
generated part (layers, packages, import arrows) matches the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_only_errors_units_and_the_version_sit_beside_the_packages() -> None:
    loose = sorted(p.name for p in (ROOT / "src" / "tripp").glob("*.py"))
    assert loose == ["__init__.py", "errors.py", "units.py", "version.py"]


def test_every_package_is_in_a_layer_of_the_import_contract() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import architecture
    finally:
        sys.path.pop(0)
    layered = {p for layer in architecture.layers() for p in layer}
    packages = {
        f"tripp.{p.name}"
        for p in (ROOT / "src" / "tripp").iterdir()
        if (p / "__init__.py").is_file()
    } | {"tripp.errors", "tripp.units", "tripp.version"}
    assert packages == layered


def test_architecture_doc_is_generated_from_the_current_code() -> None:
    script = ROOT / "scripts" / "architecture.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
