"""Atomic outputs: all or nothing, never overwritten without force, ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tripp.errors import InputError
from tripp.reporting.atomic import atomic_path, check_output_file


def test_success_replaces_with_plain_permissions(tmp_path: Path) -> None:
    out = tmp_path / "flows.csv"
    with atomic_path(out) as temporary:
        temporary.write_text("a,b\n", encoding="utf-8")
        assert not out.exists()  # nothing visible until the end
    umask = os.umask(0)
    os.umask(umask)
    assert out.read_text(encoding="utf-8") == "a,b\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    assert list(tmp_path.iterdir()) == [out]


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "flows.csv"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(out) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("crash while writing")
    assert out.read_text(encoding="utf-8") == "old" and list(tmp_path.iterdir()) == [out]


def test_existing_file_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    out.write_bytes(b"x")
    with pytest.raises(InputError, match=r"map\.png: already exists — fix: pass --force"):
        check_output_file(out, force=False)
    check_output_file(out, force=True)
    with pytest.raises(InputError, match="its folder does not exist"):
        check_output_file(tmp_path / "nope" / "a.csv", force=True)
