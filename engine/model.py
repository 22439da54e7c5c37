"""Word2Vec: the public face of the engine, tying vocabulary, example stream and trainers together.

What it does: stores the settings (__init__ only stores them, like scikit-learn), builds the
vocabulary and initialises the weights (build_vocab), then trains either one transparent update at a
time (step -> StepTrace, undo) or fast (train, the compiled path in fast.py). Both consume the same
example stream (examples.py), so stepping n examples and then calling train() ends with the same
weights as calling train() at once.
What it does not do: draw anything, or know about Streamlit.

    >>> m = Word2Vec(vector_size=10, epochs=1, sample=0).fit([["the", "king", "rules"], ["the", "queen", "rules"]])
    >>> m.W_in.shape
    (4, 10)
"""

from __future__ import annotations

import collections
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, List, Optional

import numpy as np

from . import fast
from .config import Config
from .examples import ExampleStream, StreamSettings
from .huffman import build_huffman
from .keyed_vectors import KeyedVectors
from .step import StepTrace, TrainingDiverged, apply_example
from .vocab import Vocabulary, alias_table

REAL = np.float32  # the weights' dtype, as in word2vec.c and gensim


class Word2Vec:
    """CBOW or skip-gram, with full softmax, hierarchical softmax or negative sampling.

    Parameters are those of engine.config.Config (see its comments). Weights after build_vocab:
      W_in  (V, d)   the input vectors, the note's W (word2vec.c's syn0, gensim's wv.vectors)
      W_out (V, d)   output vectors for softmax and negative sampling (syn1neg), or
            (V-1, d) the internal nodes' vectors for hierarchical softmax (syn1)
    """

    def __init__(self, architecture: str = "skipgram", objective: str = "negative_sampling",
                 vector_size: int = 50, window: int = 2, negative: int = 5, ns_exponent: float = 0.75,
                 sample: float = 1e-3, min_count: int = 1, max_vocab_size: Optional[int] = None,
                 alpha: float = 0.025, min_alpha: float = 1e-4, epochs: int = 5, cbow_mean: bool = True,
                 shrink_windows: bool = True, num_skips: Optional[int] = None, seed: int = 1,
                 workers: int = 1, chunk_words: int = 10_000, undo_depth: int = 100,
                 cbow_update: str = "exact", skipgram_input: str = "center"):
        self.architecture = architecture
        self.objective = objective
        self.vector_size = vector_size
        self.window = window
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.sample = sample
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.epochs = epochs
        self.cbow_mean = cbow_mean
        self.shrink_windows = shrink_windows
        self.num_skips = num_skips
        self.seed = seed
        self.workers = workers
        self.chunk_words = chunk_words
        self.undo_depth = undo_depth
        self.cbow_update = cbow_update
        self.skipgram_input = skipgram_input
        self.vocab: Optional[Vocabulary] = None

    # ------------------------------------------------------------------ settings
    @property
    def config(self) -> Config:
        return Config(**{f: getattr(self, f) for f in Config.__dataclass_fields__})

    def get_params(self) -> dict:
        return self.config.to_dict()

    def __repr__(self) -> str:
        return (f"Word2Vec(architecture={self.architecture!r}, objective={self.objective!r}, "
                f"vector_size={self.vector_size}, window={self.window}, seed={self.seed})")

    # ------------------------------------------------------------------ building
    def build_vocab(self, sentences: Iterable[List[str]]) -> "Word2Vec":
        """Count the words, build the Huffman tree / noise table, initialise W_in and W_out.

        sentences: an iterable of token lists; it is iterated once here and once per epoch, so a
        one-shot generator is first turned into a list. A Corpus (read_corpus) streams from disk.
        """
        cfg = self.config.validate()
        if iter(sentences) is sentences:       # a generator can be read only once
            sentences = list(sentences)
        vocab = Vocabulary.build(sentences, cfg.min_count, cfg.max_vocab_size)
        V, d = len(vocab), cfg.vector_size
        if cfg.objective == "negative_sampling" and V < 2:
            raise ValueError(f"negative sampling needs at least 2 words in the vocabulary, found {V} "
                             f"({vocab.index_to_key}); use a larger corpus or a lower min_count")
        if not any(sum(w in vocab.key_to_index for w in s) >= 2 for s in sentences):
            raise ValueError("no training examples: no sentence has two or more words in the vocabulary "
                             "(a window needs a centre and at least one context word); use longer "
                             "sentences or a lower min_count")
        self.vocab = vocab
        self.sentences = sentences
        self._tree = None
        if self.objective == "hierarchical_softmax":
            self._tree = build_huffman(vocab.counts)   # part of building the vocabulary, as in gensim
        self.rng = np.random.default_rng(cfg.seed)
        # gensim 4's initialisation: W_in uniform in [-1/d, 1/d), W_out zeros (word2vec.c uses half
        # that range; on head500 the wider start scores ~0.025 higher on WordSim-353, bench/sg_roles.py)
        self.W_in = ((self.rng.random((V, d)) * 2.0 - 1.0) / d).astype(REAL)  # (V, d)
        n_out = V - 1 if cfg.objective == "hierarchical_softmax" else V
        self.W_out = np.zeros((n_out, d), dtype=REAL)                          # (V-1 or V, d)
        self.keep_prob = vocab.keep_probabilities(cfg.sample)                  # (V,)
        self.noise = vocab.noise_distribution(cfg.ns_exponent)                 # (V,)
        self.noise_accept, self.noise_alias = alias_table(self.noise)          # (V,), (V,)
        settings = StreamSettings(cfg.architecture, cfg.objective, cfg.window, cfg.negative,
                                  cfg.shrink_windows, cfg.num_skips, cfg.alpha, cfg.min_alpha,
                                  cfg.skipgram_input)
        self.stream = ExampleStream(sentences, vocab.encode, self.rng, settings,
                                    self.keep_prob if cfg.sample > 0 else None,
                                    self.noise_accept, self.noise_alias,
                                    words_per_epoch=vocab.retained_words, chunk_words=cfg.chunk_words)
        self.stream.plan(cfg.epochs)
        self._chunk = None          # the chunk the next example comes from
        self._ahead = {}            # seq -> chunk already generated but not reached (after undo or a peek)
        self._pos = 0               # index of the next example in it
        self.step_count = 0         # updates done so far (step() and train() alike)
        self.loss_sums = collections.OrderedDict()  # epoch -> [sum of losses (float64), number of examples]
        self._undo = collections.deque(maxlen=cfg.undo_depth)
        self.wv = KeyedVectors(vocab.index_to_key, self.W_in, vocab.counts)
        self._stop = threading.Event()
        return self

    def fit(self, sentences: Iterable[List[str]], progress: Optional[Callable] = None) -> "Word2Vec":
        """build_vocab + train; returns self."""
        self.build_vocab(sentences)
        self.train(progress=progress)
        return self

    @property
    def tree(self):
        """The Huffman tree of the vocabulary (built on first use; hierarchical softmax trains on it)."""
        self._require_built()
        if self._tree is None:
            self._tree = build_huffman(self.vocab.counts)
        return self._tree

    def _require_built(self):
        if self.vocab is None:
            raise RuntimeError("call build_vocab(sentences) (or fit) before training")

    # ------------------------------------------------------------------ the stream position
    def _next_example(self, new_round: bool = True):
        """(chunk, index) of the next example, moving on to the next chunk as needed.

        When the planned epochs are over: with new_round, plan `epochs` more (the learning rate starts
        again at alpha, as gensim's train() does); without, return None.
        """
        while self._chunk is None or self._pos >= self._chunk.n_examples:
            seq = 0 if self._chunk is None else self._chunk.seq + 1
            chunk = self._ahead.pop(seq, None) or self.stream.chunk(seq)
            if chunk is None:
                if not new_round:
                    return None
                self.stream.plan(self.epochs)
                chunk = self.stream.chunk(seq)
            self._chunk, self._pos = chunk, 0
        return self._chunk, self._pos

    def _position_after(self, chunk, end: int):
        """(chunk, index) of the example after example end-1 of chunk, or None when the round is over.

        Builds the next chunk from the stream if needed and keeps it in self._ahead (train() calls this
        while the kernel threads are busy, so building chunks overlaps training).
        """
        if end < chunk.n_examples:
            return chunk, end
        seq = chunk.seq + 1
        while True:
            nxt = self._ahead.get(seq)
            if nxt is None:
                nxt = self.stream.chunk(seq)
                if nxt is None:
                    return None
                self._ahead[seq] = nxt
            if nxt.n_examples:
                return nxt, 0
            seq += 1                             # a chunk without examples: step over it

    @property
    def training_complete(self) -> bool:
        """True when every planned epoch has been trained (step() or train() would start a new round)."""
        if self.vocab is None or self._chunk is None:
            return False
        if self._pos < self._chunk.n_examples:
            return False
        seq = self._chunk.seq + 1
        while True:                              # peek at the chunks ahead, keeping them for later
            chunk = self._ahead.get(seq) or self.stream.chunk(seq)
            if chunk is None:
                return True
            self._ahead[seq] = chunk
            if chunk.n_examples:
                return False
            seq += 1

    @property
    def epoch(self) -> int:
        """The epoch of the next example (0-based)."""
        return self._chunk.epoch if self._chunk is not None else 0

    @property
    def planned_epochs(self) -> int:
        return self.stream.planned_epochs

    def progress_fraction(self) -> float:
        """How far the current round of training is, from 0 to 1."""
        s = self.stream
        if self._chunk is None:
            return 0.0
        c = self._chunk
        within = c.words_before + (c.words * self._pos / c.n_examples if c.n_examples else c.words)
        done = (c.epoch - s.round_epoch) + within / max(1, s.words_per_epoch)
        return float(min(1.0, max(0.0, done / max(1, s.round_epochs))))

    def _add_loss(self, epoch: int, loss_sum: float, n: int):
        entry = self.loss_sums.setdefault(epoch, [0.0, 0])
        entry[0] += loss_sum
        entry[1] += n

    def epoch_losses(self) -> List[float]:
        """Mean loss per example of each epoch so far (float64 sums)."""
        return [s / n if n else float("nan") for s, n in self.loss_sums.values()]

    def mean_loss(self) -> float:
        """Mean loss per example over all updates so far."""
        s = sum(v[0] for v in self.loss_sums.values())
        n = sum(v[1] for v in self.loss_sums.values())
        return s / n if n else float("nan")

    # ------------------------------------------------------------------ transparent training
    def step(self) -> StepTrace:
        """Exactly one SGD update on the next training example; returns its StepTrace."""
        self._require_built()
        chunk, e = self._next_example()
        loss_before = list(self.loss_sums.get(chunk.epoch, [0.0, 0]))
        trace = apply_example(self.W_in, self.W_out, chunk, e, step=self.step_count + 1,
                              architecture=self.architecture, objective=self.objective,
                              cbow_mean=self.cbow_mean, divide_inputs=self.cbow_update == "exact",
                              tree=self.tree if self.objective == "hierarchical_softmax" else None)
        if self._undo.maxlen:
            self._undo.append((trace.inputs, trace.in_before, trace.out_rows, trace.out_before,
                               chunk, e, loss_before))
        self.step_count += 1
        self._pos = e + 1
        self._add_loss(chunk.epoch, trace.loss, 1)
        self.wv.invalidate()
        return trace

    def steps(self, n: int) -> List[StepTrace]:
        """n updates with step(); returns their traces."""
        return [self.step() for _ in range(n)]

    @property
    def can_undo(self) -> int:
        """How many updates undo() can still reverse."""
        return len(self._undo) if self.vocab is not None else 0

    def undo(self) -> None:
        """Reverse the last step(): its rows get their old values back and the stream rewinds one example."""
        if not self.can_undo:
            raise IndexError("nothing to undo (undo reverses step(); train() clears the history)")
        inputs, in_before, out_rows, out_before, chunk, e, loss_before = self._undo.pop()
        self.W_out[out_rows] = out_before
        self.W_in[inputs] = in_before
        if self._chunk is not chunk:           # undo crossed back into the previous chunk
            self._ahead[self._chunk.seq] = self._chunk
        self._chunk, self._pos = chunk, e
        self.step_count -= 1
        self.loss_sums[chunk.epoch] = loss_before
        if loss_before[1] == 0:
            del self.loss_sums[chunk.epoch]
        self.wv.invalidate()

    # ------------------------------------------------------------------ fast training
    def stop(self) -> None:
        """Ask a running train() (in another thread) to stop after the current slice; weights stay consistent."""
        self._stop.set()

    def train(self, progress: Optional[Callable] = None, *, stop: Optional[Callable[[], bool]] = None,
              max_examples: Optional[int] = None, report_every: float = 0.5) -> dict:
        """Run the rest of the planned epochs with the compiled fast path (or a new round of `epochs`).

        progress(fraction, info) is called at least every `report_every` seconds and at the end; info
        holds epoch, examples, words_per_sec, loss (running mean of this call), epoch_loss, lr.
        Training stops early, between two examples, when progress returns False, stop() returns True,
        model.stop() was called, or max_examples updates were done; the next step()/train() goes on
        from exactly there. With workers=1 the result is deterministic and equal (to float rounding)
        to calling step() the same number of times; with workers=2 two threads update the shared
        weights without locks (Hogwild, as word2vec.c and gensim), so results vary from run to run.
        Raises TrainingDiverged if the loss becomes NaN or inf (weights: the last good ones).
        """
        self._require_built()
        self._stop.clear()
        self._undo.clear()
        if self._next_example(new_round=False) is None:
            self._next_example(new_round=True)  # the plan is over: this starts a new round
        start_time = last_report = time.perf_counter()
        tree = self.tree if self.objective == "hierarchical_softmax" else None
        done = 0
        loss_sum = 0.0
        words_done = 0.0
        slice_size = 2_000
        stopped = False
        # A pipeline: while the kernel threads work on the queued slices (without the GIL), this
        # thread builds the next chunk from the stream and queues the next slice, so the threads
        # never wait. With workers=1 the pool has one thread, which runs the slices one after the
        # other in stream order: the same updates in the same order as step(). With workers=2, two
        # threads run two consecutive slices at once (Hogwild).
        depth = self.workers + 1                 # slices queued or running
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="word2vec-train")
        flag = np.zeros(1, dtype=np.int32)       # set by the kernel at a diverging example: all slices stop
        inflight = collections.deque()           # (chunk, start, end, job) in stream order
        cursor = (self._chunk, self._pos)        # the next example to queue
        queued = 0
        stopping = False
        stream_error = None
        diverged_at = None
        last_done = time.perf_counter()
        try:
            with fast.quick_gil_handoff():
                while True:
                    while (len(inflight) < depth and not stopping and cursor is not None
                           and (max_examples is None or queued < max_examples)):
                        chunk, e = cursor
                        end = min(chunk.n_examples, e + slice_size)
                        if max_examples is not None:
                            end = min(end, e + (max_examples - queued))
                        job = fast.submit_examples(self.W_in, self.W_out, chunk, e, end, self.architecture,
                                                   self.objective, self.cbow_mean, tree,
                                                   workers=self.workers, executor=pool, flag=flag,
                                                   divide_inputs=self.cbow_update == "exact")
                        inflight.append((chunk, e, end, job))
                        queued += end - e
                        try:
                            cursor = self._position_after(chunk, end)   # overlaps the running slices
                        except Exception as err:     # e.g. an epoch without examples: after the drain
                            stream_error, cursor, stopping = err, None, True
                    if not inflight:
                        break
                    chunk, e, end, job = inflight.popleft()
                    s, n, diverged = job.result()
                    now = time.perf_counter()
                    dt, last_done = now - last_done, now
                    for seq in [q for q in self._ahead if q <= chunk.seq]:
                        del self._ahead[seq]          # this chunk (and empty ones before it) is now current
                    self._chunk, self._pos = chunk, e + n
                    self.step_count += n
                    done += n
                    loss_sum += s
                    self._add_loss(chunk.epoch, s, n)
                    if chunk.n_examples:
                        words_done += chunk.words * n / chunk.n_examples
                    if diverged and diverged_at is None:
                        diverged_at = (self.step_count + 1, float(chunk.lr[min(e + n, chunk.n_examples - 1)]))
                    if diverged_at is not None:
                        stopping = True               # later slices see the flag and apply nothing more
                    if stopping:
                        continue                      # only finishing the queued slices now
                    # aim for slices of about 0.1 s so progress and stop are responsive
                    if n == end - e and dt > 0:
                        slice_size = int(min(1_000_000, max(500, slice_size * min(4.0, 0.1 / dt))))
                    want_stop = self._stop.is_set() or (stop is not None and stop())
                    if progress is not None and (now - last_report >= report_every or want_stop):
                        last_report = now
                        if progress(self.progress_fraction(),
                                    self._info(done, loss_sum, words_done, now - start_time)) is False:
                            want_stop = True
                    if want_stop:
                        stopping = stopped = True     # queue nothing more; the queued slices finish
        finally:
            for *_, job in inflight:                 # only after an exception: let the threads finish
                job.result()
            pool.shutdown(wait=True)
        if diverged_at is not None:
            self.wv.invalidate()
            step, lr = diverged_at
            raise TrainingDiverged(
                f"update {step}: the loss or the weights became NaN or inf (learning rate {lr:.4g}); "
                "training stopped and the weights are the last good ones. Lower alpha and try again")
        if stream_error is not None:
            self.wv.invalidate()
            raise stream_error
        self.wv.invalidate()
        info = self._info(done, loss_sum, words_done, time.perf_counter() - start_time)
        info["stopped"] = stopped
        if progress is not None:
            progress(self.progress_fraction(), info)
        return info

    def _info(self, done, loss_sum, words_done, elapsed) -> dict:
        epoch_sum, epoch_n = self.loss_sums.get(self.epoch, [0.0, 0])
        return {
            "epoch": self.epoch,
            "examples": done,
            "step": self.step_count,
            "elapsed": elapsed,
            "words_per_sec": words_done / elapsed if elapsed > 0 else 0.0,
            "loss": loss_sum / done if done else float("nan"),
            "epoch_loss": epoch_sum / epoch_n if epoch_n else float("nan"),
            "lr": float(self._chunk.lr[min(self._pos, self._chunk.n_examples - 1)])
            if self._chunk is not None and self._chunk.n_examples else self.alpha,
        }
