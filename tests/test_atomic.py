"""Atomic outputs: all or nothing, never overwritten without force, ordinary permissions,
only what tripp wrote replaced, leftovers of killed runs removed."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tripp.errors import InputError
from tripp.reporting.atomic import (
    MANIFEST,
    STALE_AFTER_S,
    atomic_path,
    check_folder_location,
    check_output_file,
    check_output_folder,
    output_folder,
    remove_leftovers,
)


def dead_pid() -> int:
    """The id of a process that has ended."""
    code = "import os; print(os.getpid())"
    child = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return int(child.stdout)


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


@pytest.mark.parametrize(
    ("where", "reason"),
    [("/", "is the root folder"), ("home", "is your home folder"), ("repo", "holds a .git")],
)
def test_folders_that_are_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, reason: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    out = Path(where) if where == "/" else tmp_path / where
    for check in (check_folder_location, lambda o: check_output_folder(o, force=True)):
        with pytest.raises(InputError, match=reason) as caught:
            check(out)
        assert "fix: give a new folder" in str(caught.value)


def test_a_link_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(InputError, match="is a symbolic link"):
        check_output_folder(tmp_path / "link", force=True)
    (tmp_path / "file").write_text("x")
    (tmp_path / "file-link").symlink_to(tmp_path / "file")
    with pytest.raises(InputError, match="is a symbolic link"):
        check_output_file(tmp_path / "file-link", force=True)


def test_output_folder_writes_a_manifest_and_replaces_only_its_own(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_folder(out, command="tripp test", force=False) as staging:
        (staging / "sub").mkdir()
        (staging / "sub" / "a.csv").write_text("1")
        (staging / "b.json").write_text("{}")
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["command"] == "tripp test" and manifest["files"] == ["b.json", "sub/a.csv"]
    assert set(manifest) >= {"version", "written_utc", "host", "pid", "complete"}
    with output_folder(out, command="tripp test", force=True) as staging:
        (staging / "c.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "c.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    (out / MANIFEST).write_text("not json")
    with pytest.raises(InputError, match="was not written by tripp"):
        check_output_folder(out, force=True)


def test_an_empty_folder_is_written_without_force(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    with output_folder(out, command="tripp test", force=False) as staging:
        (staging / "a.txt").write_text("a")
    assert (out / "a.txt").read_text() == "a"


def test_file_leftovers_of_a_killed_run_are_removed_by_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "flows.csv"
    killed = tmp_path / f".flows.csv.tmp-{dead_pid()}-0123abcd"
    killed.write_text("half")
    running = tmp_path / f".flows.csv.tmp-{os.getpid()}-4567cdef"  # a writer still at work
    running.write_text("busy")
    other = tmp_path / ".other.csv.tmp-1-89abcdef"
    other.write_text("not this target's")
    with atomic_path(out) as temporary:
        temporary.write_text("a,b\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [out.name, running.name, other.name]
    )
    old = time.time() - STALE_AFTER_S - 1
    os.utime(running, (old, old))  # a writer this old is gone, whatever its id now names
    assert remove_leftovers(out) == [running]


def test_folder_leftovers_need_tripps_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pid = dead_pid()
    ours, foreign = tmp_path / f".out.tmp-{pid}-0123abcd", tmp_path / f".out.tmp-{pid}-4567cdef"
    for folder in (ours, foreign):
        folder.mkdir()
        (folder / "half.csv").write_text("1")
    (ours / MANIFEST).write_text(
        json.dumps({"format": "tripp-output/1", "host": socket.gethostname()})
    )
    assert remove_leftovers(out) == [ours]
    assert foreign.is_dir()
