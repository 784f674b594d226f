"""The jobs' store: every job's state, progress and result in one SQLite database.

``tripp serve`` keeps it in its state folder (``--state-dir``, default
:func:`default_state_dir`) as :data:`DB_NAME`, so that finished jobs survive a restart and
each worker process of ``tripp serve --workers N`` answers about every job. It is SQLite
from the standard library in WAL mode (readers never wait for the writer), with one
connection per thread and process; parameters, results and errors are stored as JSON.

A job belongs to the job manager that runs it (``owner``, in process ``owner_pid``), which
refreshes the ``heartbeat_s`` of its unfinished jobs every second or so. A sweep
(:meth:`JobStore.sweep`) fails the unfinished jobs whose process is gone, or whose
heartbeat is older than ``stale_after_s`` (a process that hangs, or a reused pid): their run
died with the process. They end ``failed``, saying so, with "submit the job again" as the fix.

Storage is bounded: when a job is added, the finished jobs beyond the newest ``keep``, and
those finished more than ``max_age_s`` ago, are deleted.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tripp.errors import InputError, Problem

#: The database's file name in the state folder.
DB_NAME = "jobs.sqlite3"
#: How long a connection waits for another process's write to finish, in seconds.
BUSY_TIMEOUT_S = 10.0
ACTIVE = ("queued", "running")
#: A job's columns, as :class:`Job`'s fields; the state a run changes is the last seven.
_FIELDS = (
    *("id", "kind", "params", "created_s"),
    *("status", "progress", "message", "started_s", "finished_s", "result", "error"),
)
_JSON = frozenset({"params", "result", "error"})
_COLUMNS = ", ".join(_FIELDS)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    params TEXT NOT NULL,          -- JSON
    status TEXT NOT NULL,          -- queued, running, succeeded, failed
    progress REAL NOT NULL,        -- fraction in [0, 1]
    message TEXT NOT NULL,
    created_s REAL NOT NULL,       -- Unix time, s
    started_s REAL,
    finished_s REAL,
    result TEXT,                   -- JSON, once succeeded
    error TEXT,                    -- JSON, once failed
    owner TEXT NOT NULL,           -- the job manager running it
    owner_pid INTEGER NOT NULL,    -- ... and its process
    heartbeat_s REAL NOT NULL      -- Unix time of the owner's last sign of life, s
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_s);
"""


@dataclass
class Job:
    """One run: its request, state and, when done, result or error."""

    id: str
    kind: str
    params: dict[str, Any]
    created_s: float = field(default_factory=time.time)
    status: str = "queued"  # queued, running, succeeded, failed
    progress: float = 0.0  # fraction done, in [0, 1]
    message: str = "waiting for a worker"
    started_s: float | None = None
    finished_s: float | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    def to_dict(self, *, with_result: bool = True) -> dict[str, Any]:
        """JSON-ready status (with the result once it succeeded, unless left out)."""
        data = {
            "id": self.id,
            "kind": self.kind,
            "params": self.params,
            "status": self.status,
            "progress": round(self.progress, 4),
            "message": self.message,
            "created_s": self.created_s,
            "started_s": self.started_s,
            "finished_s": self.finished_s,
            "error": self.error,
        }
        if with_result:
            data["result"] = self.result
        return data


def default_state_dir() -> Path:
    """Where ``tripp serve`` keeps its state by default: ``$XDG_DATA_HOME/tripp``, else
    ``~/.local/share/tripp``."""
    data_home = os.environ.get("XDG_DATA_HOME")
    return (Path(data_home) if data_home else Path.home() / ".local" / "share") / "tripp"


def open_state_dir(folder: Path, *, option: str = "state_dir") -> Path:
    """``folder``, created if missing, once a file could be written in it; else an
    :class:`InputError` naming ``option`` (as the interface calls it) and the reason."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"tripp")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(
            Problem(
                option,
                f"cannot write to {folder} ({reason})",
                "give a folder you can write to, or create it first",
            )
        ) from None
    return folder


class JobStore:
    """The jobs table in the database ``path`` (created if missing)."""

    def __init__(self, path: Path, *, keep: int, max_age_s: float, stale_after_s: float):
        self.path = path
        self.keep, self.max_age_s, self.stale_after_s = keep, max_age_s, stale_after_s
        self._local = threading.local()
        db = self._db()
        db.execute("PRAGMA journal_mode = WAL")  # stays set in the file
        db.executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (autocommit: each statement is its own transaction)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            # with WAL: a crashed process loses nothing, a power cut at most the last commits
            connection.execute("PRAGMA synchronous = NORMAL")
            self._local.connection = connection
        return connection

    def add(self, job: Job, owner: str) -> None:
        """Insert ``job``, run by ``owner`` in this process; prune old finished jobs."""
        now = time.time()
        self._db().execute(
            f"INSERT INTO jobs ({_COLUMNS}, owner, owner_pid, heartbeat_s) "
            f"VALUES ({', '.join(['?'] * (len(_FIELDS) + 3))})",
            (*_row(job), owner, os.getpid(), now),
        )
        self._db().execute(
            "DELETE FROM jobs WHERE status NOT IN (?, ?) AND (finished_s < ? OR id NOT IN "
            "(SELECT id FROM jobs ORDER BY created_s DESC LIMIT ?))",
            (*ACTIVE, now - self.max_age_s, self.keep),
        )

    def save(self, job: Job, owner: str, *, was: tuple[str, ...] = ACTIVE) -> bool:
        """Write ``job``'s state if ``owner`` still runs it and its status is in ``was``;
        False if not (a sweep failed it meanwhile)."""
        marks = ", ".join(["?"] * len(was))
        cursor = self._db().execute(
            f"UPDATE jobs SET {', '.join(f'{name} = ?' for name in _FIELDS[4:])}, "
            f"heartbeat_s = ? WHERE id = ? AND owner = ? AND status IN ({marks})",
            (*_row(job)[4:], time.time(), job.id, owner, *was),
        )
        return cursor.rowcount > 0

    def get(self, job_id: str) -> Job | None:
        """The job ``job_id``, with its result; None if unknown or pruned."""
        row = self._db().execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else _job(row)

    def newest(self, limit: int) -> list[Job]:
        """The ``limit`` newest jobs, without their results."""
        columns = ", ".join("NULL" if name == "result" else name for name in _FIELDS)
        rows = self._db().execute(
            f"SELECT {columns} FROM jobs ORDER BY created_s DESC LIMIT ?", (limit,)
        )
        return [_job(row) for row in rows]

    def active(self, owner: str) -> int:
        """How many jobs ``owner`` has queued or running."""
        sql = "SELECT COUNT(*) FROM jobs WHERE owner = ? AND status IN (?, ?)"
        ((count,),) = self._query(sql, (owner, *ACTIVE))
        return int(count)

    def beat(self, owner: str) -> int:
        """Refresh the heartbeat of ``owner``'s unfinished jobs; how many it has."""
        cursor = self._db().execute(
            "UPDATE jobs SET heartbeat_s = ? WHERE owner = ? AND status IN (?, ?)",
            (time.time(), owner, *ACTIVE),
        )
        return cursor.rowcount

    def cancel_queued(self, owner: str) -> int:
        """Fail ``owner``'s jobs that never started (its server is stopping); how many."""
        problem = Problem("job", "the server stopped before the job started", _RESUBMIT)
        return self._fail("owner = ? AND status = 'queued'", (owner,), problem)

    def sweep(self) -> int:
        """Fail the unfinished jobs whose process is gone or whose heartbeat is stale; how
        many."""
        now = time.time()
        limit = now - self.stale_after_s
        failed = 0
        sql = "SELECT owner_pid, MIN(heartbeat_s) FROM jobs WHERE status IN (?, ?) GROUP BY 1"
        for pid, oldest_s in self._query(sql, ACTIVE):
            stopped = f"the server worker running it (pid {pid}) stopped"
            if not _alive(pid):
                failed += self._fail("owner_pid = ?", (pid,), Problem("job", stopped, _RESUBMIT))
            elif oldest_s < limit:
                silent = f"{stopped}: no heartbeat for {now - oldest_s:.0f} s"
                problem = Problem("job", silent, _RESUBMIT)
                failed += self._fail("owner_pid = ? AND heartbeat_s < ?", (pid, limit), problem)
        return failed

    def _query(self, sql: str, values: tuple[Any, ...]) -> list[Any]:
        return self._db().execute(sql, values).fetchall()

    def _fail(self, where: str, values: tuple[Any, ...], problem: Problem) -> int:
        """Fail the unfinished jobs that match ``where``, with ``problem`` as the error."""
        error = json.dumps({"detail": problem.problem, "problems": [problem.to_dict()]})
        message = f"failed: {problem.problem}; {problem.fix}"
        cursor = self._db().execute(
            "UPDATE jobs SET status = 'failed', message = ?, error = ?, finished_s = ? "
            f"WHERE status IN (?, ?) AND {where}",
            (message, error, time.time(), *ACTIVE, *values),
        )
        return cursor.rowcount


_RESUBMIT = "submit the job again (POST /api/jobs)"


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (on this machine: the store is a local file)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _row(job: Job) -> tuple[Any, ...]:
    """``job``'s values in the order of :data:`_FIELDS` (JSON as text)."""
    values = (getattr(job, name) for name in _FIELDS)
    return tuple(
        json.dumps(value) if name in _JSON and value is not None else value
        for name, value in zip(_FIELDS, values, strict=True)
    )


def _job(row: tuple[Any, ...]) -> Job:
    """The :class:`Job` a row of :data:`_FIELDS` holds."""
    values = {
        name: json.loads(value) if name in _JSON and value is not None else value
        for name, value in zip(_FIELDS, row, strict=True)
    }
    return Job(**values)
