"""One small least-recently-used cache, for the explorers' runs and measurements."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class LRUCache:
    """Values by key, computed on first request; at most ``maxsize`` kept (oldest use first out).

    ``hits`` and ``misses`` count requests.

    Examples
    --------
    >>> cache = LRUCache(maxsize=2)
    >>> cache.get("a", lambda: 1), cache.get("a", lambda: 2), (cache.hits, cache.misses)
    (1, 1, (1, 1))
    """

    def __init__(self, maxsize: int = 128):
        self.maxsize = int(maxsize)
        self._values: OrderedDict = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value stored under ``key``, computing and storing it first if need be."""
        if key in self._values:
            self.hits += 1
            self._values.move_to_end(key)
            return self._values[key]
        self.misses += 1
        value = compute()
        self._values[key] = value
        while len(self._values) > self.maxsize:
            self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value."""
        self._values.clear()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    def __len__(self) -> int:
        return len(self._values)
