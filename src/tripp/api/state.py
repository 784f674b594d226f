"""What the API keeps between requests: the base atlas, compiled networks, results.

Everything here is bounded (LRU) and thread-safe: endpoints run in a thread pool. A
scenario is applied and compiled once; later requests reuse the compiled graph. The caches
bound what a server process holds beyond its start-up size: serialised results by the sum
of their sizes (:data:`RESULT_BYTES`), the query index by the sum of its query strings
(:data:`QUERY_BYTES`), compiled networks by count (:data:`NETWORKS`, each about
:data:`NETWORK_BYTES_ESTIMATE`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from tripp.atlas.model import Atlas
from tripp.graph.paths import Kernel
from tripp.scenarios.network import ScenarioNetwork

V = TypeVar("V")

#: Compiled networks kept: the base atlas and the 18 shipped scenarios fit, with room.
NETWORKS = 24
#: What one compiled network of the embedded atlas holds, roughly, in bytes (the atlas's
#: tables, the graph's arrays and the legs made by :func:`tripp.routing.route.prepare`).
NETWORK_BYTES_ESTIMATE = 2 * 1024 * 1024
#: The most bytes of serialised results (JSON, GeoJSON) one server process keeps.
RESULT_BYTES = 32 * 1024 * 1024
#: ... and the most results, whatever their size.
RESULTS = 4096
#: The most bytes of query strings the route query index keeps (each counted with
#: :data:`QUERY_OVERHEAD_BYTES` for its entry).
QUERY_BYTES = 8 * 1024 * 1024
#: What an entry of the query index costs beside its query string, in bytes (a tuple, its
#: key and the dictionary's slot).
QUERY_OVERHEAD_BYTES = 200


class LruCache(Generic[V]):
    """A least-recently-used cache whose values are computed once per key, bounded by
    ``maxsize`` values and, with ``size_of``, by ``max_bytes`` as the sum of ``size_of``
    over the values (a value larger than ``max_bytes`` alone is returned, not kept).

    Concurrent misses on the same key compute it once: a per-key lock serialises them.
    """

    def __init__(
        self,
        maxsize: int,
        *,
        max_bytes: int | None = None,
        size_of: Callable[[V], int] | None = None,
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        if (max_bytes is None) != (size_of is None):
            raise ValueError("give max_bytes and size_of together")
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self._size_of = size_of
        #: The sum of ``size_of`` over the values kept (0 without ``size_of``).
        self.nbytes = 0
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The value for ``key``, computed by ``compute()`` on a miss (errors are not cached)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key][0]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._items:
                    self.hits += 1
                    return self._items[key][0]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._key_locks.pop(key, None)
            self._keep(key, value)
            return value

    def _keep(self, key: Hashable, value: V) -> None:
        size = 0 if self._size_of is None else self._size_of(value)
        with self._lock:
            self.misses += 1
            if self.max_bytes is not None and size > self.max_bytes:
                return
            self._items[key] = (value, size)
            self.nbytes += size
            while len(self._items) > self.maxsize or (
                self.max_bytes is not None and self.nbytes > self.max_bytes
            ):
                _, (_, evicted) = self._items.popitem(last=False)
                self.nbytes -= evicted

    def peek(self, key: Hashable) -> V | None:
        """The value for ``key`` if cached (counts as a hit), else None; never computes."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key][0]
        return None

    def __len__(self) -> int:
        return len(self._items)


class QueryIndex:
    """Raw query strings of answered requests → the status and result-cache key of the answer.

    Bounded (LRU) by ``maxsize`` entries and by ``max_bytes``, the sum of the query strings'
    lengths plus :data:`QUERY_OVERHEAD_BYTES` each. It holds keys, not bodies: the bodies stay
    in :attr:`ApiState.results` (one copy, one eviction policy); an answer evicted there is
    simply computed again.
    """

    def __init__(self, maxsize: int, max_bytes: int = QUERY_BYTES) -> None:
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        #: The bytes counted against ``max_bytes``.
        self.nbytes = 0
        self._items: OrderedDict[bytes, tuple[int, Hashable]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, query: bytes) -> tuple[int, Hashable] | None:
        """The status and result key recorded for ``query``, if any."""
        with self._lock:
            entry = self._items.get(query)
            if entry is not None:
                self._items.move_to_end(query)
            return entry

    def put(self, query: bytes, status: int, key: Hashable) -> None:
        """Record that ``query`` was answered with ``status`` and the result under ``key``."""
        with self._lock:
            if query not in self._items:
                self.nbytes += len(query) + QUERY_OVERHEAD_BYTES
            self._items[query] = (status, key)
            self._items.move_to_end(query)
            while len(self._items) > self.maxsize or self.nbytes > self.max_bytes:
                evicted, _ = self._items.popitem(last=False)
                self.nbytes -= len(evicted) + QUERY_OVERHEAD_BYTES

    def __len__(self) -> int:
        return len(self._items)


#: The atlas a server serves, hashable (a pool process's state is cached on it): one folder,
#: None (the embedded atlas) or a stack of folders, first to last (``embedded``: the embedded).
AtlasFolders = Path | str | tuple[Path | str, ...] | None


def atlas_key(folders: Path | str | Sequence[Path | str] | None) -> AtlasFolders:
    """``folders`` as :data:`AtlasFolders`: a stack as a tuple.

    >>> atlas_key(["embedded", Path("imported")])
    ('embedded', PosixPath('imported'))
    """
    if folders is None or isinstance(folders, Path | str):
        return folders
    return tuple(folders)


@dataclass
class ApiState:
    """The base atlas (loaded on first use), the caches built on it, and the shortest-path
    kernel its route searches run (``tripp.api.create_app`` asks for the compiled one)."""

    atlas_folder: AtlasFolders = None
    kernel: Kernel = Kernel.AUTO
    networks: LruCache[ScenarioNetwork] = field(default_factory=lambda: LruCache(NETWORKS))
    results: LruCache[bytes] = field(
        default_factory=lambda: LruCache(RESULTS, max_bytes=RESULT_BYTES, size_of=len)
    )
    #: ``/api/route`` query strings already answered (see :mod:`tripp.api.fastpath`).
    route_queries: QueryIndex = field(default_factory=lambda: QueryIndex(RESULTS))
    #: Threads that compute new route answers: few, so that the event loop, which answers
    #: the cached ones, is not starved of the GIL by dozens of busy threads (anyio's pool
    #: has 40); two, so that one long request (say 10 alternatives with via points, seconds)
    #: does not hold up every other new one.
    compute_threads: int = 2
    _atlas: Atlas | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pool: ThreadPoolExecutor | None = None

    @property
    def atlas(self) -> Atlas:
        """The base atlas, read and validated once."""
        with self._lock:
            if self._atlas is None:
                from tripp.atlas.io import load_atlas

                self._atlas = load_atlas(self.atlas_folder)
            return self._atlas

    def network(self, scenario: str | None) -> ScenarioNetwork:
        """The compiled network of ``scenario`` (a shipped name) or of the base atlas (None)."""
        from tripp.scenarios.network import scenario_network

        return self.networks.get(scenario, lambda: scenario_network(self.atlas, scenario))

    def prepare(self) -> int:
        """Compile the base atlas and every shipped scenario now, and make what their first
        route searches would make (:func:`tripp.routing.route.prepare`); the number of networks.
        For a server, before it takes requests (about 0.3 s for the 15 networks)."""
        from tripp.routing.route import prepare
        from tripp.scenarios import list_scenarios

        names: list[str | None] = [None, *list_scenarios()]
        for name in names[: self.networks.maxsize]:
            network = self.network(name)
            prepare(network.graph, network.year, kernel=self.kernel)
        return min(len(names), self.networks.maxsize)

    def cached(self, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """A serialised result, computed once per ``key``."""
        return self.results.get(key, compute)

    @property
    def compute_pool(self) -> ThreadPoolExecutor:
        """The pool of :attr:`compute_threads` threads that compute new route answers."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.compute_threads, "tripp-route")
            return self._pool

    def shutdown(self) -> None:
        """Stop the compute threads (a later miss starts new ones)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def route_answer(self, query: bytes) -> tuple[int, bytes] | None:
        """Status and body of the ``/api/route`` answer to ``query`` (the raw query string)
        if that exact query was answered before and its body is still cached; else None."""
        entry = self.route_queries.get(query)
        if entry is None:
            return None
        status, key = entry
        body = self.results.peek(key)
        return None if body is None else (status, body)
