"""The training pipeline behind Word2Vec.train(): each training thread builds and trains its own chunks.

What it does: walks the model's example stream from where its StreamCursor is. This thread reads the
corpus (ExampleStream.read: the sentences of the next chunk, encoded; the one sequential step) and hands
each chunk to a pool of `workers` training threads; a training thread builds the chunk's examples
(ExampleStream.build: subsampling, windows, negatives, from the chunk's own seeded generator, so the
same chunk whoever builds it) and runs the compiled kernel over them, slice by slice (slice_examples:
the same on every run, so every float sum is too). So the builders run in parallel, like the kernels,
and throughput grows with the workers (bench/parallel_speed.py measures it and models 4-16 cores).
This thread collects the results in stream order (loss sums, counts, the cursor), reports progress,
stops when asked, and raises TrainingDiverged (weights: the last good ones) when the kernel met a NaN
or inf.
With workers=1 the one thread trains the chunks one after the other in stream order, exactly the updates
of step(), and stops between two slices; with max_examples one chunk at a time is in flight, so the
count is exact too (with ns_batching it is rounded up to the end of a center: a batch is one update). With workers >= 2 the threads train different chunks at once on the shared weights
(Hogwild, as word2vec.c and gensim); in an epoch of at least OVERLAP_CHUNKS chunks per worker, a thread that
finishes the epoch's last chunks goes on with the next epoch's first ones while the other still trains its own
(gensim waits for every thread at each epoch's end: here that left a core idle for half a chunk each time, ~3-5% of
two workers' words/s on head500); a smaller epoch is trained whole before the next starts (overlapping, a
one-chunk epoch would train beside the next one from the same weights: the last epoch's loss of a tiny corpus
measured up to 7% higher). Each chunk's loss counts in its own epoch (the results are collected in stream
order); asked to stop, they finish the chunks they are on (one chunk, chunk_words tokens, is tens of
milliseconds) and start no other, so the trained examples stay the stream's beginning and the next train() or
step() goes on right after them.
What it does not do: the maths of an update (engine/update.py, kernel.py), or make examples (engine/examples.py).
"""

from __future__ import annotations

import collections
import concurrent.futures
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, NamedTuple, Optional

import numpy as np

from . import kernel
from .threads import quick_gil_handoff
from ..chunk import Chunk
from ..update import TrainingDiverged, diverged_message

SLICE_WORK = 3e7         # multiply-adds per slice (~10-50 ms of kernel time): progress and stop stay responsive
MIN_SLICE, MAX_SLICE = 200, 1_000_000
OVERLAP_CHUNKS = 4       # epochs of at least this many chunks per worker may overlap at their ends (see above)
POLL_SECONDS = 0.02      # while waiting for a chunk, this thread checks the stop requests this often


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


def epochs_may_overlap(words_per_epoch: int, chunk_words: int, workers: int) -> bool:
    """Whether a thread may start the next epoch's chunks before every chunk of this epoch is trained: with
    two or more workers and at least OVERLAP_CHUNKS chunks per worker in an epoch (see the module docstring).

    >>> epochs_may_overlap(335_846, 10_000, 2), epochs_may_overlap(20_000, 10_000, 2), epochs_may_overlap(335_846, 10_000, 1)
    (True, False, False)
    """
    return workers > 1 and words_per_epoch >= OVERLAP_CHUNKS * workers * max(1, chunk_words)


class Trained(NamedTuple):
    """What a training thread did with one chunk."""
    chunk: Chunk
    start: int            # the first example it was to train
    end: int              # one past the last
    n_done: int           # examples applied (end - start unless stopped or diverged)
    loss_sum: float
    diverged: bool
    build_s: float        # CPU seconds of this thread building the chunk
    kernel_s: float       # ... and running the kernel over it


class TrainingRun:
    """One call of Word2Vec.train(). __init__ stores; run() trains and returns the final info dict."""

    def __init__(self, model, progress: Optional[Callable] = None, stop: Optional[Callable[[], bool]] = None,
                 max_examples: Optional[int] = None, report_every: float = 0.5):
        self.model = model
        self.progress = progress
        self.stop = stop
        self.max_examples = max_examples
        self.report_every = report_every

    def _train_chunk(self, unit, start: int, budget: Optional[int], exact: bool, halt: threading.Event,
                     flag: np.ndarray) -> Optional[Trained]:
        """In a training thread: build the chunk (unless built already) and train examples start.. of it.
        None when the run was halted before this chunk started (it stays read, to be built later)."""
        if halt.is_set():
            return None
        m = self.model
        t0 = time.thread_time()
        chunk = unit if isinstance(unit, Chunk) else m.stream.build(unit)
        t1 = time.thread_time()
        end = chunk.n_examples if budget is None else min(chunk.n_examples, start + budget)
        batched = m.rule.batched                 # ns_batching: a center's examples are one update, never cut
        if batched and end > start:
            end = chunk.batch_end(end - 1)
        size = slice_examples(m)
        loss_sum, e, diverged = 0.0, start, False
        while e < end:
            b = min(end, e + size)
            if batched:
                b = chunk.batch_end(b - 1)
            s, n, diverged = kernel.run_examples(m.W_in, m.W_out, chunk, e, b, m.rule, m.training_tree,
                                                 workers=m.workers, flag=flag)
            loss_sum += s
            e += n
            if e < b or (exact and halt.is_set()):   # diverged here or elsewhere (flag), or asked to stop
                break
        return Trained(chunk, start, end, e - start, loss_sum, diverged, t1 - t0, time.thread_time() - t1)

    def run(self) -> dict:
        m = self.model
        cursor, stream = m.cursor, m.stream
        start_time = last_report = time.perf_counter()
        done, loss_sum, words_done = 0, 0.0, 0.0
        stats = {"build_s": 0.0, "kernel_s": 0.0, "read_s": 0.0, "chunks": 0}
        exact = m.workers == 1 or self.max_examples is not None
        depth = 1 if self.max_examples is not None else m.workers + 1   # chunks handed out at once
        overlap = epochs_may_overlap(stream.words_per_epoch, stream.chunk_words, m.workers)
        stopped = stopping = False
        stream_error = diverged_at = None
        halt = threading.Event()                 # stop: no chunk starts any more (workers=1: no slice)
        flag = np.zeros(1, dtype=np.int32)       # set by the kernel at a diverging example: all threads stop
        pool = ThreadPoolExecutor(max_workers=m.workers, thread_name_prefix="word2vec-train")
        inflight = collections.deque()           # (future of Trained, epoch), in stream order
        nxt = cursor.next_position()             # (chunk or RawChunk, first example) to hand out next
        queued = 0                               # examples handed out (counted only with max_examples)
        in_order = True                          # the results so far are the stream's beginning, without gaps

        def read_after(seq: int):
            t = time.thread_time()
            try:
                unit = stream.pending(seq + 1)
            finally:
                stats["read_s"] += time.thread_time() - t
            return None if unit is None else (unit, 0)

        try:
            with quick_gil_handoff():
                while True:
                    while (len(inflight) < depth and not stopping and nxt is not None
                           and (self.max_examples is None or queued < self.max_examples)
                           and (overlap or not inflight or inflight[-1][1] == nxt[0].epoch)):
                        unit, e = nxt
                        budget = None if self.max_examples is None else self.max_examples - queued
                        inflight.append((pool.submit(self._train_chunk, unit, e, budget, exact, halt, flag),
                                         unit.epoch))
                        try:
                            nxt = read_after(unit.seq)   # read the next chunk's sentences meanwhile
                        except Exception as err:  # e.g. a corpus that fails to read: raised after the drain
                            stream_error, nxt, stopping = err, None, True
                            halt.set()
                        if self.max_examples is not None:
                            queued = self.max_examples   # one chunk at a time: wait for its count
                    if not inflight:
                        break
                    future = inflight[0][0]
                    while True:
                        try:
                            r = future.result(timeout=POLL_SECONDS)
                            break
                        except concurrent.futures.TimeoutError:
                            if not stopping and (m.stop_requested or (self.stop is not None and self.stop())):
                                stopping = stopped = True
                                halt.set()
                    inflight.popleft()
                    if r is None:                 # halted before it started
                        continue
                    now = time.perf_counter()
                    stats["build_s"] += r.build_s
                    stats["kernel_s"] += r.kernel_s
                    stats["chunks"] += 1
                    m.record_updates(r.chunk.epoch, r.loss_sum, r.n_done)
                    done += r.n_done
                    loss_sum += r.loss_sum
                    if self.max_examples is not None:
                        queued = done
                    if r.chunk.n_examples:
                        words_done += r.chunk.words * r.n_done / r.chunk.n_examples
                    if in_order:
                        cursor.move_to(r.chunk, r.start + r.n_done)
                        in_order = r.start + r.n_done == r.end
                    if r.diverged and diverged_at is None:
                        e = min(r.start + r.n_done, r.chunk.n_examples - 1)
                        diverged_at = (m.step_count + 1, float(r.chunk.lr[e]))
                    if diverged_at is not None:
                        stopping = True
                        halt.set()
                    if stopping:
                        continue                     # only collecting what is in flight now
                    want_stop = m.stop_requested or (self.stop is not None and self.stop())
                    if self.progress is not None and (now - last_report >= self.report_every or want_stop):
                        last_report = now
                        if self.progress(m.progress_fraction(),
                                         m.training_info(done, loss_sum, words_done, now - start_time)) is False:
                            want_stop = True
                    if want_stop:
                        stopping = stopped = True    # hand out nothing more; the threads stop (see above)
                        halt.set()
        finally:
            halt.set()
            concurrent.futures.wait([f for f, _ in inflight])   # only after an exception: let the threads finish
            pool.shutdown(wait=True)
            m.wv.invalidate()
        if diverged_at is not None:
            raise TrainingDiverged(diverged_message(*diverged_at))
        if stream_error is not None:
            raise stream_error
        info = m.training_info(done, loss_sum, words_done, time.perf_counter() - start_time)
        info["stopped"] = stopped
        info["threads"] = dict(stats)   # CPU seconds: reading (this thread), building and kernel (training threads)
        if self.progress is not None:
            self.progress(m.progress_fraction(), info)
        return info
