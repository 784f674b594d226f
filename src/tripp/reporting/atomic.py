"""Outputs: written atomically, and replaced only where tripp wrote them.

Every command that writes with ``--out`` (``tripp report``, ``demo``, ``assign``,
``bottlenecks``, ``criticality``, ``reliability``, ``atlas map``) follows the rule here:

* **Never a folder that holds more than an output**: the root folder, the home folder, the
  current folder or one above it, a folder holding ``.git``, or a symbolic link, are refused
  with or without ``--force``.
* **Folders**: a missing or empty folder is written; one with anything in it is replaced only
  with ``force``, and only when tripp wrote it: it holds the manifest :data:`MANIFEST` (the
  command, version, time and files of the run) and nothing the manifest does not list.
* **Files**: an existing file is replaced only with ``force``. Where a writer marks its files
  (a map names tripp as its creator) a file without the mark is refused; a CSV cannot be told
  apart, so there ``force`` is the user's word.
* **Atomic**: a file is written to ``.NAME.tmp-PID-HEX`` beside it and renamed into place; a
  folder is built in such a sibling (its manifest written first) and swapped in whole, so a
  reader never sees half an output and a failure leaves the old one.
* **Leftovers**: such temporaries of a run that was killed are removed by the next write to the
  same target, once their writer's process is gone or they are older than
  :data:`STALE_AFTER_S` (a folder only when its manifest says tripp made it).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from tripp.errors import InputError, Problem
from tripp.version import __version__

logger = logging.getLogger(__name__)

#: The manifest tripp leaves in every output folder it writes.
MANIFEST: Final = ".tripp-output.json"
#: What the manifest's ``format`` says.
FORMAT: Final = "tripp-output/1"
#: A temporary this old (seconds since its last change) is a leftover even if a process with
#: its writer's id runs (ids are reused), or it was written on another host.
STALE_AFTER_S: Final = 3600.0
#: Where a file's mark is looked for: its first and its last bytes.
_MARK_WINDOW_BYTES: Final = 65536


def check_output_file(out: Path, *, force: bool, mark: bytes | None = None) -> None:
    """Refuse ``out`` unless it is a new file in an existing folder, or (``force``) a file to
    replace; with ``mark``, the bytes every file of this writer holds in its first or last
    64 KiB, a file without them is not replaced even with ``force``."""
    out = Path(out)
    if out.is_symlink() or out.is_dir():
        what = "is a symbolic link" if out.is_symlink() else "is a folder"
        raise InputError(Problem(str(out), what, "give the name of a file to write"))
    if not out.parent.is_dir():
        raise InputError(Problem(str(out), "its folder does not exist", "create the folder first"))
    if not out.exists():
        return
    if not force:
        raise InputError(
            Problem(
                str(out), "already exists", "pass --force to overwrite it or choose another file"
            )
        )
    if mark is not None and not _has_mark(out, mark):
        raise InputError(
            Problem(
                str(out),
                "was not written by tripp (it lacks tripp's creator mark), so --force does not "
                "replace it",
                "choose another file name, or remove the file yourself",
            )
        )


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``out``; on success it replaces ``out``, else vanishes.

    Leftover temporaries of ``out`` from killed runs are removed first. The file gets the
    permissions a plainly created file would (0666 less the umask).
    """
    out = Path(out)
    remove_leftovers(out)
    temporary = _temporary(out)
    try:
        temporary.touch(exist_ok=False)
    except OSError as error:
        raise _unwritable(out, error) from None
    try:
        yield temporary
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)


def check_output_folder(out: Path, *, force: bool) -> None:
    """Refuse ``out`` unless tripp may write the folder there (see the module's rule)."""
    out = Path(out)
    check_folder_location(out)
    if out.exists() and not out.is_dir():
        raise InputError(Problem(str(out), "is a file", "give a folder for the output"))
    if not out.parent.is_dir():
        raise InputError(
            Problem(str(out), "its parent folder does not exist", f"create {out.parent} first")
        )
    try:
        if not out.is_dir() or not any(out.iterdir()):
            return
        reason = _not_replaceable(out)
    except OSError as error:
        raise _unwritable(out, error) from None
    if reason is not None:
        raise InputError(
            Problem(
                str(out),
                f"{reason}, so tripp does not replace it even with --force",
                "choose a new or empty folder, or move its files away yourself",
            )
        )
    if not force:
        raise InputError(
            Problem(
                str(out),
                "already exists",
                "pass --force to replace it or choose another folder",
            )
        )


def check_folder_location(out: Path) -> None:
    """Refuse a folder that must never be written into or replaced, whatever it holds: the
    root, the home folder, the current folder or one above it, one holding ``.git``, a link."""
    out = Path(out)
    try:
        target, here = out.resolve(), Path.cwd().resolve()
    except OSError as error:
        raise _unwritable(out, error) from None
    reasons = (
        (out.is_symlink(), "is a symbolic link"),
        (target == Path(target.anchor), "is the root folder"),
        (target == Path.home().resolve(), "is your home folder"),
        (target == here, "is the current folder"),
        (here.is_relative_to(target), "holds the current folder"),
        ((target / ".git").exists(), "holds a .git repository"),
    )
    for given, reason in reasons:
        if given:
            raise InputError(
                Problem(
                    str(out),
                    f"{reason}; tripp writes outputs only into folders of their own",
                    "give a new folder, e.g. --out tripp-output",
                )
            )


@contextlib.contextmanager
def output_folder(out: Path, *, command: str, force: bool) -> Iterator[Path]:
    """Yield an empty folder beside ``out`` to write into; on success it gets its manifest
    and takes the place of ``out`` whole, on failure it vanishes and ``out`` is untouched.

    ``command`` is what the manifest names as the writer (e.g. ``tripp report``). ``out`` is
    checked by :func:`check_output_folder` on entry and again just before it is replaced.
    """
    out = Path(out)
    check_output_folder(out, force=force)
    remove_leftovers(out)
    staging = _temporary(out)
    try:
        staging.mkdir()
    except OSError as error:
        raise _unwritable(out, error) from None
    try:
        _write_manifest(staging, command, files=None)
        yield staging
        _write_manifest(staging, command, files=_files(staging))
        check_output_folder(out, force=force)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def mark_output_folder(folder: Path, *, command: str) -> None:
    """Write the manifest of a folder tripp filled in place (a resumable sweep), listing every
    file in it, so that it counts as tripp's."""
    text = _manifest_text(command, files=_files(Path(folder)))
    with atomic_path(Path(folder) / MANIFEST) as temporary:
        temporary.write_text(text, encoding="utf-8")


def remove_leftovers(out: Path) -> list[Path]:
    """Remove the temporaries of ``out`` that killed runs left beside it; returns them.

    Only names of tripp's form are touched (``.NAME.tmp-PID-HEX``), a folder only when it
    holds tripp's manifest, and only when not in use: its writer's process is gone (same
    host) or it is older than :data:`STALE_AFTER_S`.
    """
    out = Path(out)
    pattern = re.compile(rf"\.{re.escape(out.name)}\.tmp-(\d+)-[0-9a-f]{{8}}")
    removed: list[Path] = []
    try:
        siblings = list(out.parent.iterdir())
    except OSError:
        return removed
    for path in siblings:
        found = pattern.fullmatch(path.name)
        if found is None or path.is_symlink():
            continue
        pid, host = int(found.group(1)), socket.gethostname()
        if path.is_dir():
            manifest = _read_manifest(path)
            if manifest is None:
                continue
            host = str(manifest.get("host", host))
        if _in_use(path, pid, host):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        logger.info("removed %s, left by a run that was stopped", path)
        removed.append(path)
    return removed


def _temporary(out: Path) -> Path:
    return out.parent / f".{out.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _in_use(path: Path, pid: int, host: str) -> bool:
    try:
        age_s = time.time() - path.stat().st_mtime
    except OSError:
        return True  # gone already, or not ours to judge
    if age_s > STALE_AFTER_S:
        return False
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


def _not_replaceable(folder: Path) -> str | None:
    """Why ``folder`` (not empty) is not an output tripp may replace, or None if it is."""
    manifest = _read_manifest(folder)
    if manifest is None:
        return f"was not written by tripp (it has no {MANIFEST})"
    listed = {str(name) for name in manifest.get("files") or ()}
    allowed = listed | {MANIFEST} | {str(p) for name in listed for p in Path(name).parents}
    extra = sorted(set(_files(folder, folders=True)) - allowed)
    if extra:
        shown = ", ".join(extra[:3]) + (f" and {len(extra) - 3} more" if len(extra) > 3 else "")
        return f"holds files tripp did not write ({shown})"
    return None


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / MANIFEST
    if path.is_symlink() or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def _manifest_text(command: str, *, files: list[str] | None) -> str:
    """The manifest: writer, version, host and process, time (UTC), and the files written
    (None while the folder is still being written)."""
    data = {
        "format": FORMAT,
        "command": command,
        "version": __version__,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "written_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "complete": files is not None,
        "files": files or [],
    }
    return json.dumps(data, indent=2) + "\n"


def _write_manifest(folder: Path, command: str, *, files: list[str] | None) -> None:
    (folder / MANIFEST).write_text(_manifest_text(command, files=files), encoding="utf-8")


def _files(folder: Path, *, folders: bool = False) -> list[str]:
    """Paths under ``folder``, relative and with '/' (files, and with ``folders`` folders
    too), without the manifest and temporaries of atomic writes."""
    found = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if name == MANIFEST or re.search(r"\.tmp-\d+-[0-9a-f]{8}$", name):
            continue
        if folders or not path.is_dir():
            found.append(name)
    return found


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in place of ``out``; the old ``out`` is removed only once replaced.

    The old folder waits under a temporary name with its manifest, so a run killed in
    between leaves a leftover that the next run removes.
    """
    try:
        if not out.exists() or not any(out.iterdir()):
            staging.replace(out)  # an empty folder is replaced in one rename
            return
        backup = _temporary(out)
        out.rename(backup)
        try:
            staging.rename(out)
        except BaseException:
            backup.rename(out)
            raise
    except OSError as error:
        raise _unwritable(out, error) from None
    shutil.rmtree(backup, ignore_errors=True)


def _has_mark(path: Path, mark: bytes) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(_MARK_WINDOW_BYTES)
            handle.seek(max(0, path.stat().st_size - _MARK_WINDOW_BYTES))
            tail = handle.read()
    except OSError:
        return False
    return mark in head or mark in tail


def _unwritable(out: Path, error: OSError) -> InputError:
    return InputError(
        Problem(
            str(out),
            f"cannot be written ({error.strerror or error})",
            f"check that {out.parent} exists, is writable and has free space",
        )
    )
