"""A server-wide cap on heavy work: a class of 30 queues for the CPU instead of exhausting memory.

What it does: `with heavy_job("compare"): ...` runs the block when one of the process's heavy-job
slots is free (one per CPU core by default; W2V_HEAVY_SLOTS overrides it, e.g. 1 per app process when
deploy/serve_class.sh runs one process per core). While every slot is taken, the session shows
"Waiting for a free slot: N heavy jobs are running on this server..." and waits; the message goes as
soon as the job starts. The wait polls, so a user who clicks elsewhere (a Streamlit rerun) stops waiting
at once, and `timeout` turns a long wait into ServerBusy with a clear message.
is_heavy_step(objective, V) says whether one Next is heavy (full softmax over more than 5,000 words).

What it does not do: time or kill running jobs, or share slots between app processes (each process has
its own; the total is slots x processes).

    >>> slots = JobSlots(1)
    >>> with slots.hold("compare"):
    ...     slots.running()
    1
    >>> slots.running()
    0
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from contextlib import contextmanager
from typing import Callable, Optional

HEAVY_SOFTMAX_V = 5000          # a full-softmax step over more words than this is heavy (V x d per update)
KINDS = ("softmax_step", "train", "compare", "sweep", "tsne", "umap")
POLL_S = 0.25


class ServerBusy(RuntimeError):
    """No slot became free within the timeout; the message says so and what to do."""


def default_slots() -> int:
    """W2V_HEAVY_SLOTS if set (>= 1), else the number of CPU cores."""
    raw = os.environ.get("W2V_HEAVY_SLOTS", "").strip()
    if raw:
        try:
            return max(1, int(raw))
        except ValueError:
            pass
    return max(1, os.cpu_count() or 1)


def is_heavy_step(objective: str, vocab_size: int) -> bool:
    """True when one update must touch every row of W_out for a large vocabulary.

    >>> is_heavy_step("softmax", 28_000), is_heavy_step("softmax", 121), is_heavy_step("negative_sampling", 28_000)
    (True, False, False)
    """
    return objective == "softmax" and vocab_size > HEAVY_SOFTMAX_V


class JobSlots:
    """A bounded semaphore that also counts who runs and who waits (for the message)."""

    def __init__(self, slots: int):
        self.slots = int(slots)
        self._sem = threading.BoundedSemaphore(self.slots)
        self._lock = threading.Lock()
        self._running = {}          # kind -> count
        self._waiting = 0

    def running(self) -> int:
        with self._lock:
            return sum(self._running.values())

    def waiting(self) -> int:
        with self._lock:
            return self._waiting

    @contextmanager
    def hold(self, kind: str, on_wait: Optional[Callable[[int, int], None]] = None,
             timeout: Optional[float] = None, poll: float = POLL_S):
        """Run the block in a slot. on_wait(running, waiting) is called while waiting (every poll s)."""
        if kind not in KINDS:
            raise ValueError(f"unknown heavy job kind {kind!r}; one of {', '.join(KINDS)}")
        got = self._sem.acquire(blocking=False)
        if not got:
            with self._lock:
                self._waiting += 1
            t0 = time.monotonic()
            try:
                while not got:
                    if on_wait is not None:
                        on_wait(self.running(), self.waiting())
                    if timeout is not None and time.monotonic() - t0 >= timeout:
                        raise ServerBusy(f"all {self.slots} heavy-job slots stayed busy for {timeout:.0f} s")
                    got = self._sem.acquire(timeout=poll)
            finally:
                with self._lock:
                    self._waiting -= 1
        with self._lock:
            self._running[kind] = self._running.get(kind, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                self._running[kind] -= 1
            self._sem.release()


SLOTS = JobSlots(default_slots())          # one per process, shared by every session of the process


def release_free_memory() -> bool:
    """Give the memory the C heap holds free back to the operating system (glibc's malloc_trim).

    A heavy job (a full-softmax Next 100 on 28,000 words allocates and frees ~100 MB arrays per update)
    leaves the heap's high-water mark in the server's RSS after its arrays are gone; trimming returns it,
    so the server's memory follows what the sessions hold. False where the C library is not glibc.
    """
    global _TRIM
    if _TRIM is None:
        try:
            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if not _TRIM:
        return False
    _TRIM(0)
    return True


_TRIM = None


@contextmanager
def heavy_job(kind: str, timeout: Optional[float] = None, slots: Optional[JobSlots] = None):
    """Run the block in one of the server's heavy-job slots; while waiting, say so on the page.

    The waiting message is an st.empty() placeholder, removed when the job starts. Each poll writes to it,
    which is where Streamlit stops a script whose user clicked something else.
    """
    import streamlit as st

    from ui.i18n import t

    slots = slots or SLOTS
    box = None

    def on_wait(running: int, waiting: int) -> None:
        nonlocal box
        if box is None:
            box = st.empty()
        box.info(t("classroom.waiting", running=running, waiting=waiting, slots=slots.slots),
                 icon=":material/hourglass_top:")

    try:
        with slots.hold(kind, on_wait=on_wait, timeout=timeout):
            if box is not None:
                box.empty()
            try:
                yield
            finally:
                release_free_memory()
    except ServerBusy as e:
        if box is not None:
            box.empty()
        raise ServerBusy(t("classroom.busy", slots=slots.slots)) from e
