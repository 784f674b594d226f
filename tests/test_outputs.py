"""Outputs through the command line: ``--force`` replaces only what tripp wrote (issue 16).

Every command that writes with ``--out`` follows one rule (:mod:`tripp.reporting.atomic`): a
folder tripp did not write, the current folder, one above it or one holding ``.git`` is never
replaced, with one line saying why and no traceback; a run killed mid-write leaves a temporary
that the next run into the same place removes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import MINI
from tripp.cli.main import app

SCENARIOS = Path(__file__).parent / "fixtures" / "scenarios"
REPORT = ["report", str(SCENARIOS / "base.toml"), str(SCENARIOS / "no-iran.toml")]
REPORT_OPTIONS = ["--atlas", str(MINI), "--pairs"]


def run(*args: str) -> tuple[int, str]:
    """Exit code and stderr of ``tripp ARGS``; a traceback (any exception) fails the test."""
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


@pytest.fixture
def pairs(tmp_path: Path) -> str:
    path = tmp_path / "pairs.csv"
    path.write_text("origin,destination\na,e\n", encoding="utf-8")
    return str(path)


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its text."""
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_force_leaves_a_source_folder_untouched(tmp_path: Path, pairs: str) -> None:
    """The issue's reproduction: a folder with .git and sources survives --force."""
    x = tmp_path / "x"
    (x / ".git").mkdir(parents=True)
    (x / "src").mkdir()
    (x / "src" / "a.tex").write_text("hi\n", encoding="utf-8")
    before = tree(x)
    code, err = run(*REPORT, *REPORT_OPTIONS, pairs, "--out", str(x), "--force")
    assert code == 2
    assert err.count("\n") == 1 and "holds a .git repository" in err and "fix:" in err
    assert tree(x) == before and sorted(p.name for p in x.iterdir()) == [".git", "src"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pairs.csv", "x"]


def test_force_refuses_a_folder_tripp_did_not_write(tmp_path: Path, pairs: str) -> None:
    x = tmp_path / "x"
    (x / "src").mkdir(parents=True)
    (x / "src" / "a.tex").write_text("hi\n", encoding="utf-8")
    code, err = run(*REPORT, *REPORT_OPTIONS, pairs, "--out", str(x), "--force")
    assert code == 2
    assert "was not written by tripp (it has no .tripp-output.json)" in err
    assert "fix: choose a new or empty folder" in err
    assert tree(x) == {"src/a.tex": "hi\n"}


@pytest.mark.parametrize(
    ("given", "reason"), [(".", "is the current folder"), ("..", "holds the current folder")]
)
def test_the_current_folder_and_its_parents_are_refused(
    tmp_path: Path, pairs: str, monkeypatch: pytest.MonkeyPatch, given: str, reason: str
) -> None:
    """``--out . --force`` ended in a traceback (EBUSY); now one line, nothing touched."""
    here = tmp_path / "work"
    here.mkdir()
    (here / "notes.txt").write_text("mine", encoding="utf-8")
    monkeypatch.chdir(here)
    for force in ([], ["--force"]):
        code, err = run(*REPORT, *REPORT_OPTIONS, pairs, "--out", given, *force)
        assert code == 2 and reason in err and "Traceback" not in err
    assert tree(here) == {"notes.txt": "mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pairs.csv", "work"]


def test_force_replaces_a_folder_tripp_wrote(tmp_path: Path, pairs: str) -> None:
    out = tmp_path / "out"
    assert run(*REPORT, *REPORT_OPTIONS, pairs, "--out", str(out))[0] == 0
    manifest = json.loads((out / ".tripp-output.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "tripp report" and manifest["complete"] is True
    assert "report.html" in manifest["files"] and "comparison.csv" in manifest["files"]
    code, err = run(*REPORT, *REPORT_OPTIONS, pairs, "--out", str(out))
    assert code == 2 and "already exists — fix: pass --force to replace it" in err
    (out / "report.html").write_text("edited", encoding="utf-8")  # tripp's file, edited
    assert run(*REPORT, *REPORT_OPTIONS, pairs, "--out", str(out), "--force")[0] == 0
    assert (out / "report.html").read_text(encoding="utf-8") != "edited"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pairs.csv"]
    (out / "my-notes.md").write_text("mine", encoding="utf-8")  # a file tripp did not write
    code, err = run(*REPORT, *REPORT_OPTIONS, pairs, "--out", str(out), "--force")
    assert code == 2 and "holds files tripp did not write (my-notes.md)" in err
    assert (out / "my-notes.md").read_text(encoding="utf-8") == "mine"


KILLED_REPORT = """
import os, signal, sys
from pathlib import Path
import tripp
import tripp.reporting.write as write

def killed(*args):
    os.kill(os.getpid(), signal.SIGKILL)

write.write_tables = killed
atlas = tripp.load_atlas(sys.argv[1])
base, other = (tripp.scenario(atlas, Path(sys.argv[2]) / f) for f in ("base.toml", "no-iran.toml"))
write.write_report(base, [other], Path(sys.argv[3]), pairs=[("a", "e")])
"""


def test_a_killed_runs_temporary_is_removed_by_the_next_run(tmp_path: Path, pairs: str) -> None:
    out = tmp_path / "x"
    script = textwrap.dedent(KILLED_REPORT)
    killed = subprocess.run(
        [sys.executable, "-c", script, str(MINI), str(SCENARIOS), str(out)],
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert killed.returncode == -9, killed.stderr
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".x.tmp-")]
    assert len(left) == 1 and not out.exists()
    strangers = [tmp_path / ".x.tmp-mine", tmp_path / ".x.tmp-1-0123abcd"]  # not tripp's
    for folder in strangers:
        folder.mkdir()
        (folder / "keep.txt").write_text("mine", encoding="utf-8")
    assert run(*REPORT, *REPORT_OPTIONS, pairs, "--out", str(out))[0] == 0
    assert (out / "report.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".x.tmp-1-0123abcd", ".x.tmp-mine", "pairs.csv", "x"]
    )


def test_every_folder_writer_follows_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bottlenecks, criticality and demo refuse a folder tripp did not write, with --force."""
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "thesis.tex").write_text("mine", encoding="utf-8")
    base = str(SCENARIOS / "base.toml")
    into = ["--atlas", str(MINI), "--out", str(stranger)]
    commands = [
        ["bottlenecks", base, *into, "--force"],
        ["criticality", base, "--workers", "1", *into, "--force"],
        ["demo", *into],
    ]
    for command in commands:
        code, err = run(*command)
        assert code == 2 and "was not written by tripp" in err, (command, err)
    assert tree(stranger) == {"thesis.tex": "mine"}
    monkeypatch.chdir(stranger)
    reliability = ["reliability", base, "--atlas", str(MINI), "--samples", "4", "--seed", "1"]
    code, err = run(*reliability, "--workers", "1", "--out", ".")
    assert code == 2 and "is the current folder" in err
    assert tree(stranger) == {"thesis.tex": "mine"}


def test_criticality_replaces_its_own_folder_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "crit"
    command = ["criticality", str(SCENARIOS / "base.toml"), "--atlas", str(MINI)]
    command += ["--workers", "1", "--objective", "time", "--out", str(out)]
    assert run(*command)[0] == 0
    assert json.loads((out / ".tripp-output.json").read_text())["files"] == [
        "criticality.csv",
        "criticality.geojson",
        "criticality.json",
    ]
    code, err = run(*command)
    assert code == 2 and "pass --force" in err
    assert run(*command, "--force")[0] == 0


def test_a_map_replaces_only_a_map_tripp_drew(tmp_path: Path) -> None:
    out = tmp_path / "photo.png"
    out.write_bytes(b"\x89PNG\r\n\x1a\n not a map")
    command = ["atlas", "map", "--atlas", str(MINI), "--highlight", "TEST", "--out", str(out)]
    code, err = run(*command, "--force")
    assert code == 2 and "was not written by tripp" in err
    assert out.read_bytes() == b"\x89PNG\r\n\x1a\n not a map"
    out.unlink()
    assert run(*command)[0] == 0
    assert run(*command, "--force")[0] == 0
