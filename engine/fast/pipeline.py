"""The training pipeline behind Word2Vec.train(): slices of the example stream run by the compiled kernel.

What it does: walks the model's StreamCursor from where it is, cuts the stream into slices of a fixed
amount of work (slice_examples: the same on every run, so workers=1 is bit-for-bit deterministic), and keeps `workers + 1` slices queued in a pool of kernel threads while this thread
builds the next chunk (so the threads never wait); collects each slice's loss and count in stream
order, reports progress, stops between two slices when asked, and raises TrainingDiverged (weights:
the last good ones) when the kernel met a NaN or inf. With workers=1 the pool has one thread, which
runs the slices one after the other in stream order: the same updates in the same order as step().
With workers=2 two threads run two consecutive slices at once (Hogwild).
What it does not do: the maths of an update (engine/update.py, kernel.py), or make examples (engine/examples.py).
"""

from __future__ import annotations

import collections
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional

import numpy as np

from . import kernel
from .threads import quick_gil_handoff
from ..update import TrainingDiverged, diverged_message

SLICE_WORK = 3e7         # multiply-adds per slice (~10-50 ms of kernel time): progress and stop stay responsive
MIN_SLICE, MAX_SLICE = 200, 1_000_000


def slice_examples(model) -> int:
    """How many examples one slice holds: SLICE_WORK divided by an example's multiply-adds (the rows it
    scores and the input rows, times d). It depends only on the settings, never on timing, so the
    slices, and with them every float sum (the losses), are the same on every run.

    >>> from engine import Word2Vec
    >>> slice_examples(Word2Vec(vector_size=100).build_vocab([["a", "b", "c"]] * 3))   # 1 + 5 negatives, 1 input
    42857
    """
    objective = model.rule.objective
    V = len(model.vocab)
    rows = V if objective.name == "softmax" else (
        max(1.0, np.log2(max(V, 2))) if objective.needs_tree else 1 + model.negative)
    inputs = 2 * model.window if model.architecture == "cbow" else 1
    return int(min(MAX_SLICE, max(MIN_SLICE, SLICE_WORK / ((rows + inputs) * model.vector_size))))


class TrainingRun:
    """One call of Word2Vec.train(). __init__ stores; run() trains and returns the final info dict."""

    def __init__(self, model, progress: Optional[Callable] = None, stop: Optional[Callable[[], bool]] = None,
                 max_examples: Optional[int] = None, report_every: float = 0.5):
        self.model = model
        self.progress = progress
        self.stop = stop
        self.max_examples = max_examples
        self.report_every = report_every

    def run(self) -> dict:
        m = self.model
        cursor = m.cursor
        start_time = last_report = time.perf_counter()
        done, loss_sum, words_done = 0, 0.0, 0.0
        slice_size = slice_examples(m)
        stopped = stopping = False
        stream_error = diverged_at = None
        pool = ThreadPoolExecutor(max_workers=m.workers, thread_name_prefix="word2vec-train")
        flag = np.zeros(1, dtype=np.int32)       # set by the kernel at a diverging example: all slices stop
        inflight = collections.deque()           # (chunk, start, end, job) in stream order
        position = cursor.next_position()        # the next example to queue
        queued = 0
        try:
            with quick_gil_handoff():
                while True:
                    while (len(inflight) < m.workers + 1 and not stopping and position is not None
                           and (self.max_examples is None or queued < self.max_examples)):
                        chunk, e = position
                        end = min(chunk.n_examples, e + slice_size)
                        if self.max_examples is not None:
                            end = min(end, e + (self.max_examples - queued))
                        job = kernel.submit_examples(m.W_in, m.W_out, chunk, e, end, m.rule, m.training_tree,
                                                     workers=m.workers, executor=pool, flag=flag)
                        inflight.append((chunk, e, end, job))
                        queued += end - e
                        try:
                            position = cursor.after(chunk, end)   # builds the next chunk meanwhile
                        except Exception as err:  # e.g. an epoch without examples: raised after the drain
                            stream_error, position, stopping = err, None, True
                    if not inflight:
                        break
                    chunk, e, end, job = inflight.popleft()
                    s, n, diverged = job.result()
                    now = time.perf_counter()
                    cursor.move_to(chunk, e + n)
                    m.record_updates(chunk.epoch, s, n)
                    done += n
                    loss_sum += s
                    if chunk.n_examples:
                        words_done += chunk.words * n / chunk.n_examples
                    if diverged and diverged_at is None:
                        diverged_at = (m.step_count + 1, float(chunk.lr[min(e + n, chunk.n_examples - 1)]))
                    if diverged_at is not None:
                        stopping = True              # later slices see the flag and apply nothing more
                    if stopping:
                        continue                     # only finishing the queued slices now
                    want_stop = m.stop_requested or (self.stop is not None and self.stop())
                    if self.progress is not None and (now - last_report >= self.report_every or want_stop):
                        last_report = now
                        if self.progress(m.progress_fraction(),
                                         m.training_info(done, loss_sum, words_done, now - start_time)) is False:
                            want_stop = True
                    if want_stop:
                        stopping = stopped = True    # queue nothing more; the queued slices finish
        finally:
            for *_, job in inflight:                # only after an exception: let the threads finish
                job.result()
            pool.shutdown(wait=True)
            m.wv.invalidate()
        if diverged_at is not None:
            raise TrainingDiverged(diverged_message(*diverged_at))
        if stream_error is not None:
            raise stream_error
        info = m.training_info(done, loss_sum, words_done, time.perf_counter() - start_time)
        info["stopped"] = stopped
        if self.progress is not None:
            self.progress(m.progress_fraction(), info)
        return info
