"""What the API keeps between requests: the base atlas, compiled scenario networks, results.

Everything here is bounded (LRU) and thread-safe: endpoints run in a thread pool. A
scenario is applied and compiled once; later requests reuse the compiled graph.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from tripp.atlas.model import Atlas
from tripp.compare import ScenarioNetwork
from tripp.graph import Graph

V = TypeVar("V")


class LruCache(Generic[V]):
    """A bounded least-recently-used cache whose values are computed once per key.

    Concurrent misses on the same key compute it once: a per-key lock serialises them.
    """

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, V] = OrderedDict()
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
                return self._items[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._items:
                    self.hits += 1
                    return self._items[key]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._key_locks.pop(key, None)
            with self._lock:
                self.misses += 1
                self._items[key] = value
                self._items.move_to_end(key)
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
            return value

    def peek(self, key: Hashable) -> V | None:
        """The value for ``key`` if cached (counts as a hit), else None; never computes."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        return None

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class Network:
    """An atlas (base or with a scenario applied), its compiled graph and default year."""

    name: str | None
    atlas: Atlas
    graph: Graph
    year: int
    scenario: ScenarioNetwork | None = None


@dataclass
class ApiState:
    """The base atlas (loaded on first use) and the caches built on it."""

    atlas_folder: Path | None = None
    networks: LruCache[Network] = field(default_factory=lambda: LruCache(16))
    results: LruCache[bytes] = field(default_factory=lambda: LruCache(1024))
    _atlas: Atlas | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def atlas(self) -> Atlas:
        """The base atlas, read and validated once."""
        with self._lock:
            if self._atlas is None:
                from tripp.atlas.io import load_atlas

                self._atlas = load_atlas(self.atlas_folder)
            return self._atlas

    def network(self, scenario: str | None) -> Network:
        """The compiled network of ``scenario`` (a shipped name) or of the base atlas."""
        return self.networks.get(scenario, lambda: self._build(scenario))

    def _build(self, scenario: str | None) -> Network:
        if scenario is None:
            from tripp.graph import compile_graph

            atlas = self.atlas
            return Network(None, atlas, compile_graph(atlas), atlas.as_of_year)
        from tripp.compare import scenario_network

        built = scenario_network(self.atlas, scenario)
        return Network(scenario, built.atlas, built.graph, built.scenario.year, built)

    def cached(self, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """A serialised result, computed once per ``key``."""
        return self.results.get(key, compute)
