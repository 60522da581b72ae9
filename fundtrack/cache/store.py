"""An in-process LRU of computed figures per application, keyed by the data's version.

``cached`` wraps a function of plain, hashable arguments (dates, a LedgerFilter, page
numbers, sort keys) whose result depends only on them and on the database. A hit returns
a deep copy, so a caller that changes what it got never changes the kept value.

``FUNDTRACK_FIGURE_CACHE`` (entries, default 256; 0 turns it off) bounds it. Only small
results are meant to be kept (a page, a total, counts): callers pass ``when`` to keep,
e.g., a report only when it is paged, never a whole report for an export.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app

from .version import current_token

_KEY = "fundtrack_figures"
DEFAULT_ENTRIES = 256


class FigureCache:
    def __init__(self, entries: int):
        self.entries = entries
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                self.hits += 1
                return True, self._values[key]
            self.misses += 1
            return False, None

    def put(self, key, value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.entries:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


def init_app(app: Flask) -> None:
    entries = app.config.get("FUNDTRACK_FIGURE_CACHE", DEFAULT_ENTRIES)
    app.extensions[_KEY] = FigureCache(entries) if entries > 0 else None


def figure_cache(app: Flask | None = None) -> FigureCache | None:
    return (app or current_app).extensions.get(_KEY)


def clear(app: Flask | None = None) -> None:
    """Forget every kept figure (the benchmark measures the first reader this way)."""
    store = figure_cache(app)
    if store is not None:
        store.clear()


def cached(when: Callable[..., bool] | None = None):
    """Keep ``fn``'s result per arguments and data version; ``when(*args, **kwargs)``
    says whether this call's result is small enough to keep."""

    def decorate(fn):
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            store = figure_cache()
            if store is None or (when is not None and not when(*args, **kwargs)):
                return fn(*args, **kwargs)
            token = current_token()
            if token is None:
                return fn(*args, **kwargs)
            key = (name, token, args, tuple(sorted(kwargs.items())))
            found, value = store.get(key)
            if not found:
                value = fn(*args, **kwargs)
                store.put(key, value)
            return copy.deepcopy(value)

        wrapper.uncached = fn
        return wrapper

    return decorate
