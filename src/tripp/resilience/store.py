"""A sweep folder: a manifest with the run specification and one file per finished chunk.

Layout::

    DIR/manifest.json          {"format": ..., "spec": {...}, "chunks": N, "options": {...}}
    DIR/chunks/chunk-000012.npz  arrays of one finished chunk (NumPy .npz, no pickle)

Every file is written to a temporary name in the same folder and renamed into place, so a
crash leaves either the whole file or none of it. A folder is resumed only with the spec
it was started with: :meth:`SweepStore.open` names every field that differs. ``options``
keeps how the sweep was started (the command line's options) so that a resume needs only
the folder (:func:`read_manifest`).
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


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the sweep in ``folder``; an :class:`InputError` if there is none."""
    manifest = folder / MANIFEST
    try:
        saved = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        saved = None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(
            Problem(str(manifest), f"cannot be read ({error})", "start a new --out folder")
        ) from None
    if not isinstance(saved, dict) or not isinstance(saved.get("spec"), dict):
        raise InputError(
            Problem(str(folder), "holds no sweep to resume", "give the --out of a sweep")
        )
    return saved


class SweepStore:
    """The chunk files and manifest of one sweep in ``folder``."""

    def __init__(self, folder: Path, n_chunks: int) -> None:
        self.folder = folder
        self.n_chunks = n_chunks
        self.chunk_folder = folder / "chunks"

    @classmethod
    def open(
        cls,
        folder: Path,
        spec: Mapping[str, Any],
        n_chunks: int,
        *,
        resume: bool,
        options: Mapping[str, Any] | None = None,
    ) -> SweepStore:
        """Start a sweep in ``folder``, or (``resume``) continue the one there.

        ``options`` (JSON-ready) are stored in a new sweep's manifest.
        """
        manifest = folder / MANIFEST
        if resume:
            saved = read_manifest(folder)
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
                        "restore the inputs of the original run (scenario, atlas, parameter "
                        "file), or start a new --out folder",
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
            saved = {"format": FORMAT, "spec": dict(spec), "chunks": n_chunks}
            if options is not None:
                saved["options"] = dict(options)
            manifest_text = json.dumps(saved, indent=2)
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
