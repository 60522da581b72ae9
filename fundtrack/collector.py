"""Python's cyclic garbage collector, paused over an import.

An import keeps what it reads and the tens of thousands of records it adds alive until
its transaction ends. The collector would traverse them again at every full collection
while none of them is garbage: a fifth of a county's import, measured (bench, issue 21),
for no memory saved (the import's peak was the same without it). Within ``paused()``
it does not run; reference counting still frees what is dropped. When the last paused
block ends it runs again if it ran before. The pause is process-wide: a cycle another
thread drops meanwhile waits for the block's end (seconds, a minute at most).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
#: Paused blocks now running (in any thread), and whether the collector ran before.
_depth = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic garbage collection while the block runs (see the module's docstring)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
