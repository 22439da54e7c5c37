"""Running a sweep: train every run of a plan on the shared cores, score each, keep finished runs in a cache.

What it does (a sweep's three parts):
  plan.py    SWEEPABLE (the settings a sweep can vary, their defaults and the literature), parse_values
             ("1..5", "0..1 step 0.25", "1e-4..1e-1 x10" -> checked values), SweepPlan (setting, values,
             colour setting, seeds; .runs() seed-major so a stopped sweep has whole curves)
  scores.py  SweepCorpus / evaluate (scores with coverage) and summarize / sweep_verdict / best_point
  run.py     run_sweep with a ResultCache keyed by (corpus, settings, seed), SlotPool, and SweepJob
             (run_sweep in a background thread with progress and stop)
What it does not do: draw anything or import streamlit (ui/views/hyperparameters/ does), or know the sidebar.

How the two cores are used (bench/sweep.py measures it and writes bench/SWEEP_RESULTS.md):
  "two_runs"  two trainings at once, each with workers=1 (the compiled kernel releases the GIL);
              deterministic per run (a run with workers=1 equals stepping its examples one by one);
  "workers2"  one training at a time with workers=2 (two Hogwild threads inside the run);
  "one"       one training at a time with workers=1 (for comparison).
DEFAULT_STRATEGY is "two_runs": the faster in bench/sweep.py's interleaved short sweeps (1.11-1.16x over one
run at a time; workers2 1.01-1.05x; 17 s for 5 values x 3 seeds on Lee), and each run stays deterministic, so a cached row is what training gives.

Staying fair to other users of the server: every run first takes free cores from one process-wide
SlotPool (as many as the machine has; a run takes `workers` of them, first come first served), so
thirty students pressing Run at once queue their runs instead of starting sixty training threads, and
SweepJob lowers the priority of its threads (nice), so the page clicks of other sessions (ordinary
priority) get the CPU first while a sweep runs (bench/SWEEP_RESULTS.md: a Next 100 click of another session
took a median 68 ms during a sweep instead of 34 ms alone; 131 ms with the sweep at ordinary priority).
"""

from __future__ import annotations

import collections
import json
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, List, Optional, Sequence

import numpy as np

from engine import fast
from engine.model import Word2Vec
from engine.update import TrainingDiverged
from lessons.sweep.plan import Run, SweepPlan, run_workers
from lessons.sweep.scores import SweepCorpus, evaluate


# ============================================================================ cache and shared cores
def run_labels(run: Run) -> dict:
    """How a row names its run: its place in the sweep being shown, the swept value, the colour value, the seed."""
    return {"index": run.index, "value": run.value, "colour": run.colour, "seed": run.seed}


class ResultCache:
    """Finished runs by (corpus key, every setting incl. seed and workers), least recently used dropped.

    Rows are plain numbers and strings; get() hands out a copy marked cached=True, so no caller can
    change what another one reads. Thread-safe. hits / misses count lookups (the tests read them).
    """
    VERSION = 4      # bump when evaluate() or a row's fields change, so old rows are not reused

    def __init__(self, maxsize: int = 2000):
        self.maxsize = maxsize
        self._rows: "collections.OrderedDict[str, dict]" = collections.OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @classmethod
    def key(cls, corpus_key: str, run: Run) -> str:
        return json.dumps([cls.VERSION, corpus_key, run.settings], default=str)

    def get(self, corpus_key: str, run: Run) -> Optional[dict]:
        """The measured numbers of an earlier run with the same settings, labelled by `run` (this sweep's)."""
        k = self.key(corpus_key, run)
        with self._lock:
            row = self._rows.get(k)
            if row is None:
                self.misses += 1
                return None
            self._rows.move_to_end(k)
            self.hits += 1
            return {**row, **run_labels(run), "cached": True}

    LABELS = ("index", "value", "colour", "seed", "cached")   # what the sweep being shown says, never kept

    def put(self, corpus_key: str, run: Run, row: dict) -> None:
        """Keep what the run measured; its labels (index, value, colour, seed) belong to the sweep that asked."""
        k = self.key(corpus_key, run)
        with self._lock:
            self._rows[k] = {key: v for key, v in row.items() if key not in self.LABELS}
            self._rows.move_to_end(k)
            while len(self._rows) > self.maxsize:
                self._rows.popitem(last=False)

    def __len__(self) -> int:
        return len(self._rows)


class SlotPool:
    """The machine's cores as slots that training runs take, first come first served.

    acquire(k) waits until k slots are free and it is first in the queue (or stop() turns True: then it
    returns False). One pool per process (TRAINING_SLOTS) keeps every sweep of every session together
    at no more runs than cores.
    """

    def __init__(self, n: int):
        self.n = max(1, int(n))
        self.free = self.n
        self._cv = threading.Condition()
        self._queue: collections.deque = collections.deque()

    def acquire(self, k: int = 1, stop: Optional[Callable[[], bool]] = None, poll: float = 0.1,
                on_wait: Optional[Callable[[], Any]] = None) -> bool:
        """Take k slots (waiting for them; on_wait() is called once if it has to wait); False if stop() ended
        the wait."""
        k = max(1, min(int(k), self.n))
        ticket = object()
        with self._cv:
            self._queue.append(ticket)
            try:
                waited = False
                while not (self._queue[0] is ticket and self.free >= k):
                    if stop is not None and stop():
                        return False
                    if not waited and on_wait is not None:
                        waited = True
                        on_wait()
                    self._cv.wait(poll)
                self.free -= k
                return True
            finally:
                self._queue.remove(ticket)
                self._cv.notify_all()

    def release(self, k: int = 1) -> None:
        k = max(1, min(int(k), self.n))
        with self._cv:
            self.free = min(self.n, self.free + k)
            self._cv.notify_all()

    @property
    def waiting(self) -> int:
        return len(self._queue)

    @contextmanager
    def slots(self, k: int = 1, stop: Optional[Callable[[], bool]] = None, on_wait: Optional[Callable[[], Any]] = None):
        """with pool.slots(2, stop) as got: ... (got is False when stop() ended the wait)."""
        got = self.acquire(k, stop, on_wait=on_wait)
        try:
            yield got
        finally:
            if got:
                self.release(k)


TRAINING_SLOTS = SlotPool(os.cpu_count() or 2)


_COMPILE_LOCK = threading.Lock()


def lower_thread_priority(increment: int) -> bool:
    """Raise the nice value of the calling thread by `increment` (Linux: per thread; threads it starts
    inherit it). Returns False where that is not possible. Never lowers it again: call it only in a
    thread of your own."""
    if increment <= 0 or not hasattr(os, "setpriority"):
        return False
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + increment))
        return True
    except (OSError, AttributeError):
        return False


# ============================================================================ running
Progress = Optional[Callable[[float, str], Any]]


def train_one(run: Run, corpus: SweepCorpus, stop: Optional[Callable[[], bool]] = None,
              progress: Optional[Callable[[float], Any]] = None) -> Optional[dict]:
    """Train one run with the fast trainer and score it: the row, or None if stop() ended it part-way.

    A run the engine refuses (ValueError: e.g. min_count leaves no word) or that diverges returns a row
    with status "error" and the message in "error" (the sweep goes on).
    """
    row = {**run_labels(run), "status": "ok", "error": "", "cached": False}
    try:
        t0 = time.perf_counter()
        model = Word2Vec(**run.model_kwargs)
        model.build_vocab(corpus.sentences_for(run.segmenter))
        row["build_time"] = time.perf_counter() - t0

        def report(fraction, info):
            if progress is not None:
                progress(fraction)

        t1 = time.perf_counter()
        info = model.train(progress=report, stop=stop, report_every=0.2)
        row["time"] = time.perf_counter() - t1
    except TrainingDiverged as e:
        return {**row, "status": "error", "error": str(e)}
    except ValueError as e:
        return {**row, "status": "error", "error": str(e)}
    if info.get("stopped"):
        return None
    losses = model.epoch_losses()
    row.update(words_per_sec=float(info["words_per_sec"]), examples=int(model.step_count), V=len(model.vocab),
               final_loss=float(losses[-1]) if losses else float("nan"), guess_loss=guessing_loss(model))
    row.update(evaluate(model.wv, corpus))
    blown = blown_up(losses, row["guess_loss"])
    if blown:                        # finite, so the engine did not stop it, but it learned nothing worth scoring
        row.update(status="blown", error=blown)
    return row


BLOWN_RISE = 1.5        # a run whose last epoch's loss is this many times its first epoch's has blown up


def guessing_loss(model: Word2Vec) -> float:
    """The loss of an example when every score is 0 (uniform guessing; W_out starts at zero, so it is where
    training starts): (k + 1) ln 2 for negative sampling, ln 2 times the count-weighted code length for
    hierarchical softmax, ln V for the full softmax."""
    objective = model.objective
    if objective == "negative_sampling":
        return (model.negative + 1) * math.log(2.0)
    if objective == "hierarchical_softmax":
        counts = np.asarray(model.vocab.counts, dtype=np.float64)
        return math.log(2.0) * float(np.sum(counts * model.tree.lengths) / np.sum(counts))
    return math.log(len(model.vocab))


def blown_up(losses: Sequence[float], guess: float) -> str:
    """Why a finished run's losses say it blew up ('' when they do not): the last epoch's loss above the loss of
    uniform guessing, or far above the first epoch's (a learning rate too large for the set-up does this
    without any NaN, e.g. vector_size 100 at alpha 0.25: a final loss of ~50 against ~1.7).

    >>> blown_up([3.0, 2.0, 1.5], 4.16), blown_up([3.0, 9.0, 50.0], 4.16) != ""
    ('', True)
    """
    if not losses:
        return ""
    first, last = float(losses[0]), float(losses[-1])
    if not math.isfinite(last) or last > guess:
        return f"the last epoch's loss {last:.3g} is above the loss of uniform guessing {guess:.3g}"
    if last > BLOWN_RISE * first:
        return f"the last epoch's loss {last:.3g} is {last / first:.1f} times the first epoch's {first:.3g}"
    return ""


def _ensure_compiled(vector_size: int, workers: int) -> None:
    with _COMPILE_LOCK:
        if not fast.is_warm(vector_size, workers):
            fast.warm_up(vector_size, workers)


def run_sweep(plan: SweepPlan, corpus: SweepCorpus, cache: Optional[ResultCache] = None,
              progress: Progress = None, stop: Optional[Callable[[], bool]] = None,
              out: Optional[list] = None, slots: Optional[SlotPool] = TRAINING_SLOTS) -> List[dict]:
    """Train every run of the plan (those in the cache are taken from it) and return their rows.

    Rows are appended to `out` (returned) as soon as each run finishes, so a caller that stops keeps the
    finished ones; a run interrupted by stop() leaves no row. progress(fraction of the whole sweep, label)
    is called from the sweep's threads; label is one of "cached", "compiling", "waiting", "training".
    Each run takes `workers` slots of `slots` while it trains (None: no limit).
    """
    runs = plan.runs()
    rows = [] if out is None else out
    lock = threading.Lock()
    part = {}                       # run index -> fraction done of the runs in progress
    finished = [0]
    n = len(runs)
    workers = run_workers(plan.strategy)
    stopped = (lambda: False) if stop is None else stop

    def report(label: str):
        if progress is not None:
            with lock:
                fraction = (finished[0] + sum(part.values())) / max(1, n)
            progress(min(1.0, fraction), label)

    def one(run: Run):
        if stopped():
            return
        row = cache.get(corpus.key, run) if cache is not None else None
        if row is None:
            d = int(run.kwargs["vector_size"])
            if fast.static_size(d) and not fast.is_warm(d, workers):
                report(f"compiling:{d}")
                _ensure_compiled(d, workers)
            with (slots.slots(workers, stopped, on_wait=lambda: report("waiting")) if slots is not None
                  else _no_slot()) as got:
                if not got or stopped():
                    return
                with lock:
                    part[run.index] = 0.0

                def on_progress(f, i=run.index):
                    with lock:
                        part[i] = f
                    report("training")

                row = train_one(run, corpus, stopped, on_progress)
            if row is None:                              # stopped part-way: nothing kept
                with lock:
                    part.pop(run.index, None)
                return
            if cache is not None:
                cache.put(corpus.key, run, row)
        row = {**row, "index": run.index}
        with lock:
            part.pop(run.index, None)
            finished[0] += 1
            rows.append(row)
        report("cached" if row.get("cached") else "training")

    if plan.strategy == "two_runs" and n > 1:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="sweep-run") as pool:
            for f in [pool.submit(one, r) for r in runs]:
                f.result()
    else:
        for r in runs:
            one(r)
    return rows


@contextmanager
def _no_slot():
    yield True


# ============================================================================ the background job
class SweepJob:
    """run_sweep in a thread of its own, at a lower priority (nice), with a Stop that keeps finished runs.

    The app keeps one per session (in st.session_state) and polls snapshot() while it runs. The thread
    touches nothing but this object.
    """

    def __init__(self, plan: SweepPlan, corpus: SweepCorpus, cache: Optional[ResultCache] = None,
                 slots: Optional[SlotPool] = TRAINING_SLOTS, nice: int = 5):
        self.plan, self.corpus, self.cache, self.slots, self.nice = plan, corpus, cache, slots, nice
        self.total = len(plan.runs())
        self.rows: List[dict] = []
        self.fraction = 0.0
        self.label = "starting"
        self.state = "new"          # new -> running -> done | stopped | failed
        self.error = ""
        self.started = self.finished = None
        self.source = ""            # the file a re-opened sweep came from ('' for one trained here)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None

    @classmethod
    def from_rows(cls, plan: SweepPlan, corpus: SweepCorpus, rows: Sequence[dict], source: str = "") -> "SweepJob":
        """A job that is over, holding `rows` (a sweep re-opened from its CSV: `source` is the file's name); it
        never starts a thread. Its state is "done", or "stopped" when fewer rows than runs."""
        job = cls(plan, corpus, cache=None, slots=None)
        job.rows = [dict(r) for r in rows]
        job.state = "done" if len(job.rows) >= job.total else "stopped"
        job.fraction, job.label, job.source = 1.0, "done", source
        return job

    def start(self) -> "SweepJob":
        self.state = "running"
        self.started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="sweep", daemon=True)
        self._thread.start()
        return self

    def _progress(self, fraction: float, label: str) -> None:
        with self._lock:
            self.fraction, self.label = max(self.fraction, fraction), label

    def _run(self) -> None:
        lower_thread_priority(self.nice)
        try:
            run_sweep(self.plan, self.corpus, self.cache, self._progress, self._stop.is_set, self.rows, self.slots)
            state = "stopped" if self._stop.is_set() and len(self.rows) < self.total else "done"
        except Exception as e:  # noqa: BLE001 - shown on the page; the finished rows are kept
            state, self.error = "failed", f"{type(e).__name__}: {e}"
        with self._lock:
            self.finished = time.perf_counter()
            self.state = state

    def stop(self) -> None:
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        return self.state == "running"

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Wait for the thread to end; True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.perf_counter()) - self.started

    def snapshot(self) -> dict:
        """{state, fraction, label, done, total, rows (a copy, in plan order), elapsed, error}."""
        with self._lock:
            rows = sorted(list(self.rows), key=lambda r: r["index"])
            return {"state": self.state, "fraction": self.fraction, "label": self.label, "done": len(rows),
                    "total": self.total, "rows": rows, "elapsed": self.elapsed, "error": self.error,
                    "stopping": self._stop.is_set() and self.state == "running"}
