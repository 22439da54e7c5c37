"""Thread plumbing for the fast trainer: a shared pool, jobs, splitting a slice, the GIL hand-off.

What it does: small helpers that kernel.py and pipeline.py share to run the compiled kernel in
background threads (it releases the GIL) and collect its results.
What it does not do: any maths (kernel.py), or decide what to train next (pipeline.py).
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Optional, Tuple

import numpy as np

_pool: Optional[ThreadPoolExecutor] = None
_pool_lock = threading.Lock()


def shared_executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="word2vec-fast")
        return _pool


_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.005


@contextmanager
def quick_gil_handoff(interval: float = 0.0005):
    """Lower Python's thread switch interval (default 5 ms) while training, then put it back.

    The kernel threads hold no GIL while they compute, but they need it for a moment to start and to
    return; if the thread building the next chunk holds it, they would wait up to the whole interval.
    Nested and concurrent uses share one setting; the last one out restores the old interval.
    """
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, interval))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


def pieces(start: int, end: int, workers: int, piece_examples: int):
    """Split start..end for the threads: whole slices of up to 2 * piece_examples examples (train()
    keeps several slices queued, so two threads already work on two slices at once), halves of a
    larger one. Each piece needs the GIL for a moment to start and to finish, so fewer is better."""
    n = end - start
    n_pieces = min(max(1, workers), max(1, n // piece_examples))
    if n_pieces == 1:
        return [(start, end)]
    bounds = np.linspace(start, end, n_pieces + 1).astype(np.int64)
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


class Job:
    """Examples being applied in the background; result() waits and returns (loss_sum, n_done, diverged)."""

    def __init__(self, futures, done=None):
        self._futures = futures
        self._done = done

    def result(self) -> Tuple[float, int, bool]:
        if self._done is not None:
            return self._done
        loss_sum, n_done, diverged = 0.0, 0, False
        for f in self._futures:
            s, n, dv = f.result()
            loss_sum += s
            n_done += n
            diverged = diverged or dv
        self._done = (loss_sum, n_done, diverged)
        return self._done
