"""Thread plumbing for the fast trainer: the GIL hand-off while the training threads run.

What it does: quick_gil_handoff() lowers Python's thread switch interval while train() runs, so the
threads that build chunks and run the compiled kernel (pipeline.py) get the GIL quickly when they need it.
What it does not do: any maths (kernel.py), or decide what to train next (pipeline.py).
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.005


@contextmanager
def quick_gil_handoff(interval: float = 0.0005):
    """Lower Python's thread switch interval (default 5 ms) while training, then put it back.

    The kernel holds no GIL while it computes, but each training thread needs it for a moment to build
    a chunk's arrays, to start the kernel and to return; if another thread holds it, they would wait up
    to the whole interval. Nested and concurrent uses share one setting; the last one out restores the old interval.
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
