"""A sweep folder: a manifest with the run specification and one file per finished chunk.

Layout::

    DIR/manifest.json          {"format": ..., "spec": {...}, "chunks": N}
    DIR/chunks/chunk-000012.npz  arrays of one finished chunk (NumPy .npz, no pickle)

Every file is written to a temporary name in the same folder and renamed into place, so a
crash leaves either the whole file or none of it. A folder is resumed only with the spec
it was started with: :meth:`SweepStore.open` names every field that differs.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from tripp.errors import InputError, Problem

FORMAT = "tripp-sweep/1"
MANIFEST = "manifest.json"


def write_atomic(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write ``path`` through ``write(handle)`` into a temporary file, then rename it."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))


class SweepStore:
    """The chunk files and manifest of one sweep in ``folder``."""

    def __init__(self, folder: Path, n_chunks: int) -> None:
        self.folder = folder
        self.n_chunks = n_chunks
        self.chunk_folder = folder / "chunks"

    @classmethod
    def open(
        cls, folder: Path, spec: Mapping[str, Any], n_chunks: int, *, resume: bool
    ) -> SweepStore:
        """Start a sweep in ``folder``, or (``resume``) continue the one there."""
        manifest = folder / MANIFEST
        if resume:
            if not manifest.is_file():
                raise InputError(
                    Problem(str(folder), "holds no sweep to resume", "give the --out of a sweep")
                )
            saved = json.loads(manifest.read_text(encoding="utf-8"))
            differences = [
                f"{key}: {saved['spec'].get(key)!r} there, {spec.get(key)!r} now"
                for key in sorted(set(saved["spec"]) | set(spec))
                if saved["spec"].get(key) != spec.get(key)
            ]
            if saved.get("format") != FORMAT or differences:
                raise InputError(
                    Problem(
                        str(manifest),
                        "was started with another spec ("
                        + ("; ".join(differences) or f"format {saved.get('format')}")
                        + ")",
                        "repeat the options of the original run, or start a new --out folder",
                    )
                )
        elif folder.exists() and any(folder.iterdir()):
            raise InputError(
                Problem(
                    str(folder),
                    "is not empty",
                    "choose a new folder, or continue its sweep with --resume",
                )
            )
        store = cls(folder, n_chunks)
        store.chunk_folder.mkdir(parents=True, exist_ok=True)
        if not resume:
            manifest_text = json.dumps(
                {"format": FORMAT, "spec": dict(spec), "chunks": n_chunks}, indent=2
            )
            write_text_atomic(manifest, manifest_text + "\n")
        return store

    def _path(self, index: int) -> Path:
        return self.chunk_folder / f"chunk-{index:06d}.npz"

    def finished(self) -> list[int]:
        """Indices of the chunks already written (temporary leftovers are ignored)."""
        return [i for i in range(self.n_chunks) if self._path(i).is_file()]

    def write(self, index: int, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
        """Store chunk ``index`` atomically."""
        write_atomic(
            self._path(index), lambda handle: np.savez(handle, allow_pickle=False, **arrays)
        )

    def read(self, index: int) -> dict[str, npt.NDArray[Any]]:
        """The arrays of chunk ``index``."""
        with np.load(self._path(index), allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
