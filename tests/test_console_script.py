"""The installed console script: the demo prints its tables, not library log lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_demo_runs_as_a_process_without_library_logging(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("tripp")
    result = subprocess.run(
        [str(exe), "demo", "--out", str(tmp_path / "report")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "baseline-2025 (2025) → tripp-2030 (2030)" in result.stdout
    assert "Energy: unmet demand" in result.stdout
    assert "INFO" not in result.stdout + result.stderr
    assert (tmp_path / "report" / "report.html").is_file()
