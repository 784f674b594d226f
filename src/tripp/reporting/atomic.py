"""Atomic output files: written to a temporary file beside the target, then renamed.

A reader never sees a half-written file, a crash leaves the previous file intact, and an
existing file is replaced only when the caller passes ``force``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tripp.errors import InputError, Problem


def check_output_file(out: Path, *, force: bool) -> None:
    """Refuse an existing ``out`` without ``force`` and a folder that does not exist."""
    if out.exists() and not force:
        raise InputError(
            Problem(
                str(out), "already exists", "pass --force to overwrite it or choose another file"
            )
        )
    if not out.parent.is_dir():
        raise InputError(Problem(str(out), "its folder does not exist", "create the folder first"))


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``out``; on success it replaces ``out``, else vanishes.

    The file gets the permissions a plainly created file would (0666 less the umask), not
    the 0600 of :func:`tempfile.mkstemp`.
    """
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
