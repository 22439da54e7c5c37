"""Word2Vec: the public face of the engine, tying vocabulary, example stream and trainers together.

What it does: stores the settings (__init__ only stores them, like scikit-learn), builds the
vocabulary and initialises the weights (build_vocab), then trains either one transparent update at a
time (step -> StepTrace, undo) or fast (train: the fast/ package runs the compiled kernel). Both consume
the same example stream (examples.py) through one StreamCursor and apply the same UpdateRule
(update.py), so stepping n examples and then calling train() ends with the same weights as calling
train() at once. The settings live in one validated Config (config.py); the model's attributes
(model.window, ...) read it.
What it does not do: draw anything, or know about Streamlit.

    >>> m = Word2Vec(vector_size=10, epochs=1, sample=0).fit([["the", "king", "rules"], ["the", "queen", "rules"]])
    >>> m.W_in.shape
    (4, 10)
"""

from __future__ import annotations

import collections
import threading
from dataclasses import fields
from typing import Callable, Iterable, List, Optional

import numpy as np

from .config import SETTINGS, Config, check_count
from .examples import ExampleStream, StreamCursor
from .fast import TrainingRun
from .huffman import build_huffman
from .keyed_vectors import KeyedVectors
from .step import BatchTrace, StepTrace, apply_batch, apply_example
from .update import UpdateRule
from .vocab import NoiseTable, Vocabulary, check_corpus

REAL = np.float32  # the weights' dtype, as in word2vec.c and gensim
SETTING_NAMES = tuple(f.name for f in fields(Config))
UNDO_BYTES = 32 * 2**20   # the undo history's memory cap: beyond it the oldest steps can no longer be undone
LIVE_SETTINGS = ("epochs", "workers")   # may change after build_vocab (epochs re-plans the current round)
BUILT = ("W_in", "W_out", "wv", "sentences", "rule", "rng", "keep_prob", "noise_table", "stream", "cursor",
         "step_count", "loss_sums", "epoch", "planned_epochs", "noise", "training_tree")  # exist after build_vocab


class NotBuiltError(AttributeError):
    """model.W_in (or wv, epoch, ...) read before build_vocab: an AttributeError (hasattr / getattr with a default
    keep working) whose message says what to call."""


class _Setting:
    """model.<name> reads and writes the model's Config. After build_vocab only LIVE_SETTINGS may change:
    any other change would silently disagree with the weights and the stream already built."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        return self if obj is None else getattr(obj._config, self.name)

    def __set__(self, obj, value):
        value = SETTINGS[self.name].check(value)   # model.epochs = 10**6: the same error as Word2Vec(epochs=10**6)
        if obj.vocab is not None and self.name not in LIVE_SETTINGS:
            if value == getattr(obj._config, self.name):
                return
            raise ValueError(f"{self.name} cannot change after build_vocab (the weights and the example "
                             f"stream were built for {self.name}={getattr(obj._config, self.name)!r}); "
                             f"call build_vocab(sentences) again after setting it, or make a new Word2Vec")
        if obj.vocab is not None and self.name == "epochs":
            obj._replan(value)
        setattr(obj._config, self.name, value)


class _OutUndo:
    """What undo() needs to put W_out's rows back after one step().

    Negative sampling and hierarchical softmax touch a few rows: their old values are kept. Full
    softmax touches all V rows, but its update is rank one, W_out -= lr * outer(p - y, h): keeping
    p - y (V,) and h (d,) and subtracting the same float32 update back restores W_out, except for the
    few entries where float32 rounding does not undo exactly, whose old values are kept too. So a
    softmax undo record is about (V + d) * 8 bytes instead of V * d * 4.
    """

    __slots__ = ("rows", "before", "g", "h", "lr", "fix_at", "fix_values")

    @classmethod
    def of(cls, trace, W_out: np.ndarray) -> "_OutUndo":
        record = cls()
        record.rows = trace.out_rows
        if trace.objective != "softmax":
            record.before, record.g = trace.out_before, None
            return record
        record.before = None
        record.g = trace.probs - trace.labels                         # (V,) d loss / d scores
        record.h = np.asarray(trace.hidden, dtype=np.float64)         # (d,)
        record.lr = trace.lr
        undone = W_out - record.delta(W_out.dtype)                    # (V, d) what subtracting gives back
        wrong = np.flatnonzero(undone != trace.out_before).astype(np.int32 if undone.size < 2**31 else np.int64)
        record.fix_at, record.fix_values = wrong, trace.out_before.reshape(-1)[wrong].copy()
        return record

    def delta(self, dtype) -> np.ndarray:
        """The update that step() added to W_out, bit for bit (as update.UpdateRule.apply computes it)."""
        return (-self.lr * np.outer(self.g, self.h)).astype(dtype)    # (V, d)

    def restore(self, W_out: np.ndarray) -> None:
        if self.g is None:
            W_out[self.rows] = self.before
            return
        W_out -= self.delta(W_out.dtype)
        W_out.reshape(-1)[self.fix_at] = self.fix_values

    @property
    def nbytes(self) -> int:
        if self.g is None:
            return self.before.nbytes + self.rows.nbytes
        return self.g.nbytes + self.h.nbytes + self.fix_at.nbytes + self.fix_values.nbytes


class Word2Vec:
    """CBOW or skip-gram, with full softmax, hierarchical softmax or negative sampling.

    Parameters are those of engine.config.Config (see its comments); they are validated by
    build_vocab, with errors that name the setting, the value and the allowed range.
    Weights after build_vocab:
      W_in  (V, d)   the input vectors, the note's W (word2vec.c's syn0, gensim's wv.vectors)
      W_out (V, d)   output vectors for softmax and negative sampling (syn1neg), or
            (V-1, d) the internal nodes' vectors for hierarchical softmax (syn1)
    """

    def __init__(self, architecture: str = "skipgram", objective: str = "negative_sampling",
                 vector_size: int = 50, window: int = 2, negative: int = 5, ns_exponent: float = 0.75,
                 sample: float = 1e-3, min_count: int = 1, max_vocab_size: Optional[int] = None,
                 alpha: float = 0.025, min_alpha: float = 1e-4, epochs: int = 5, cbow_mean: bool = False,
                 shrink_windows: bool = True, num_skips: Optional[int] = None, seed: int = 1,
                 workers: int = 1, chunk_words: int = 10_000, undo_depth: int = 100,
                 cbow_update: str = "exact", skipgram_input: str = "center", init_scale: float = 1.0,
                 sigmoid: str = "exact", ns_batching: str = "none"):
        self.vocab: Optional[Vocabulary] = None
        self._config = Config(
            architecture=architecture, objective=objective, vector_size=vector_size, window=window,
            negative=negative, ns_exponent=ns_exponent, sample=sample, min_count=min_count,
            max_vocab_size=max_vocab_size, alpha=alpha, min_alpha=min_alpha, epochs=epochs, cbow_mean=cbow_mean,
            shrink_windows=shrink_windows, num_skips=num_skips, seed=seed, workers=workers,
            chunk_words=chunk_words, undo_depth=undo_depth, cbow_update=cbow_update,
            skipgram_input=skipgram_input, init_scale=init_scale, sigmoid=sigmoid, ns_batching=ns_batching)

    for _name in SETTING_NAMES:
        locals()[_name] = _Setting()
    del _name

    def __getattr__(self, name):
        """Only called for a missing attribute: the weights, wv, the stream... before build_vocab say so."""
        if name in BUILT and self.__dict__.get("vocab") is None:
            raise NotBuiltError(f"model.{name} does not exist yet: call build_vocab(sentences) (or fit) first; it "
                                "counts the words, builds the vocabulary and creates W_in, W_out and wv")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ------------------------------------------------------------------ settings
    @property
    def config(self) -> Config:
        """A copy of the settings."""
        return Config(**self._config.to_dict())

    def get_params(self) -> dict:
        return self._config.to_dict()

    def __repr__(self) -> str:
        return (f"Word2Vec(architecture={self.architecture!r}, objective={self.objective!r}, "
                f"vector_size={self.vector_size}, window={self.window}, seed={self.seed})")

    # ------------------------------------------------------------------ building
    def build_vocab(self, sentences: Iterable[List[str]]) -> "Word2Vec":
        """Validate the settings, count the words, build the Huffman tree / noise table, initialise W_in and W_out.

        sentences: an iterable of token lists; it is iterated once here and once per epoch, so a
        one-shot generator is first turned into a list. A Corpus (read_corpus) streams from disk.
        """
        cfg = self.config.validate()
        check_corpus(sentences)                # None, 5, "one string": CorpusTypeError naming it
        if iter(sentences) is sentences:       # a generator can be read only once
            sentences = list(sentences)
        vocab = Vocabulary.build(sentences, cfg.min_count, cfg.max_vocab_size)
        V, d = len(vocab), cfg.vector_size
        if cfg.objective == "negative_sampling" and V < 2:
            raise ValueError(f"negative sampling needs at least 2 words in the vocabulary, found {V} "
                             f"({vocab.index_to_key}); use a larger corpus or a lower min_count")
        if cfg.objective == "hierarchical_softmax" and V < 2:
            raise ValueError(f"hierarchical softmax needs at least 2 words in the vocabulary (a Huffman tree "
                             f"with one leaf has no decisions), found {V} ({vocab.index_to_key}); use a "
                             "larger corpus or a lower min_count")
        if not any(sum(w in vocab.key_to_index for w in s) >= 2 for s in sentences):
            raise ValueError("no training examples: no sentence has two or more words in the vocabulary "
                             "(a window needs a center and at least one context word); use longer "
                             "sentences or a lower min_count")
        self._config = cfg
        self.vocab = vocab
        self.sentences = sentences
        self.rule = UpdateRule.from_config(cfg)
        self._tree = build_huffman(vocab.counts) if self.rule.objective.needs_tree else None
        self.rng = np.random.default_rng(cfg.seed)
        # gensim 4's initialisation: W_in uniform in [-1/d, 1/d) (times init_scale), W_out zeros
        # (word2vec.c uses half that range; on head500 the wider start scores ~0.025 higher on WordSim-353)
        self.W_in = ((self.rng.random((V, d)) * 2.0 - 1.0) * cfg.init_scale / d).astype(REAL)  # (V, d)
        self.W_out = np.zeros((self.rule.objective.out_rows(V), d), dtype=REAL)  # (V-1 or V, d)
        self._stream_start = self.rng.bit_generator.state                      # for replay_stream()
        self.keep_prob = vocab.keep_probabilities(cfg.sample)                  # (V,)
        self.noise_table = NoiseTable.from_probs(vocab.noise_distribution(cfg.ns_exponent))
        self.stream = ExampleStream(sentences, vocab.encode, self.rng, self.config,
                                    self.keep_prob if cfg.sample > 0 else None, self.noise_table,
                                    words_per_epoch=vocab.retained_words)
        self.stream.plan(cfg.epochs)
        self.cursor = StreamCursor(self.stream)
        self.step_count = 0         # updates done so far (step() and train() alike)
        self.loss_sums = collections.OrderedDict()  # epoch -> [sum of losses (float64), number of examples]
        self._undo = collections.deque(maxlen=cfg.undo_depth)
        self._undo_bytes = 0
        self.wv = KeyedVectors(vocab.index_to_key, self.W_in, vocab.counts)
        self._stop = threading.Event()
        return self

    def replay_stream(self, **changes) -> ExampleStream:
        """A fresh copy of this model's example stream (its first round of `epochs`), from the generator's
        state at its start: the same chunks, the same draws, without touching the model. With changes (window=3,
        shrink_windows=False, num_skips=2, architecture="cbow", ...), the stream a model with those
        settings and this seed would train on. The teaching pages draw windows and examples from it."""
        self._require_built()
        rng = np.random.Generator(type(self.rng.bit_generator)())
        rng.bit_generator.state = self._stream_start
        cfg = self._config.replace(**changes)
        stream = ExampleStream(self.sentences, self.vocab.encode, rng, cfg,
                               self.keep_prob if cfg.sample > 0 else None, self.noise_table,
                               words_per_epoch=self.vocab.retained_words)
        stream.plan(cfg.epochs)
        return stream

    def fit(self, sentences: Iterable[List[str]], progress: Optional[Callable] = None) -> "Word2Vec":
        """build_vocab + train; returns self."""
        self.build_vocab(sentences)
        self.train(progress=progress)
        return self

    @property
    def noise(self) -> np.ndarray:
        """(V,) the noise distribution P_n(w) ∝ count(w)**ns_exponent."""
        return self.noise_table.probs

    @property
    def tree(self):
        """The Huffman tree of the vocabulary (built on first use; hierarchical softmax trains on it)."""
        self._require_built()
        if self._tree is None:
            self._tree = build_huffman(self.vocab.counts)
        return self._tree

    @property
    def training_tree(self):
        """The tree the update rule needs (hierarchical softmax), else None."""
        return self.tree if self.rule.objective.needs_tree else None

    def _require_built(self):
        if self.vocab is None:
            raise RuntimeError("call build_vocab(sentences) (or fit) before training")

    # ------------------------------------------------------------------ where training is
    def _next_position(self):
        """(chunk, index) of the next example; when the planned epochs are over, plans a new round of
        `epochs` (the learning rate starts again at alpha, as gensim's train() does)."""
        position = self.cursor.next_position()
        if position is None:
            self.stream.plan(self.epochs)
            position = self.cursor.next_position()
        if position is None:               # subsampling left no example in a whole round
            raise ValueError(self.stream.empty_round)
        return position

    @property
    def no_examples(self) -> Optional[str]:
        """Why the current round has no training example at all (subsampling dropped every pair), else None.
        step() and train() raise ValueError with this message; a page can say it before anyone clicks."""
        if self.vocab is None:
            return None
        if self.cursor.next_position() is not None:   # draws the round's chunks until its first example (or its end)
            return None
        return self.stream.empty_round

    def _replan(self, epochs: int) -> None:
        """model.epochs = n after build_vocab: a round in progress now ends after n epochs (the learning rate of the
        examples not drawn yet decays to min_alpha at the new end); a finished round is left as it is and the
        next train() / step() plans n. ValueError when the round has already drawn examples of epoch n + 1."""
        s = self.stream
        if self.training_complete or s.round_epochs == epochs:
            return
        drawn = s.epochs_begun
        if epochs < drawn:
            raise ValueError(f"epochs={epochs} is not allowed now: this round of training has already begun epoch "
                             f"{drawn} of {s.round_epochs}; set epochs >= {drawn}, or finish the round first "
                             "(train()), after which the new value plans the next round")
        s.round_epochs = epochs
        s.planned_epochs = s.round_epoch + epochs

    @property
    def training_complete(self) -> bool:
        """True when every planned epoch has been trained (step() or train() would start a new round)."""
        return self.vocab is not None and self.cursor.complete

    @property
    def epoch(self) -> int:
        """The epoch of the next example (0-based)."""
        return self.cursor.chunk.epoch if self.cursor.chunk is not None else 0

    @property
    def planned_epochs(self) -> int:
        return self.stream.planned_epochs

    def progress_fraction(self) -> float:
        """How far the current round of training is, from 0 to 1."""
        s, c = self.stream, self.cursor.chunk
        if c is None:
            return 0.0
        index = self.cursor.index
        within = c.words_before + (c.words * index / c.n_examples if c.n_examples else c.words)
        done = (c.epoch - s.round_epoch) + within / max(1, s.words_per_epoch)
        return float(min(1.0, max(0.0, done / max(1, s.round_epochs))))

    def record_updates(self, epoch: int, loss_sum: float, n: int):
        """Count n updates of this epoch whose losses sum to loss_sum (both trainers call this)."""
        entry = self.loss_sums.setdefault(epoch, [0.0, 0])
        entry[0] += loss_sum
        entry[1] += n
        self.step_count += n

    def epoch_losses(self) -> List[float]:
        """Mean loss per example of each epoch so far (float64 sums)."""
        return [s / n if n else float("nan") for s, n in self.loss_sums.values()]

    def mean_loss(self) -> float:
        """Mean loss per example over all updates so far."""
        s = sum(v[0] for v in self.loss_sums.values())
        n = sum(v[1] for v in self.loss_sums.values())
        return s / n if n else float("nan")

    # ------------------------------------------------------------------ transparent training
    def step(self) -> "StepTrace | BatchTrace":
        """Exactly one SGD update on the next training example; returns its StepTrace. With
        ns_batching="shared_negatives" one update is the next center's examples, and a BatchTrace is returned."""
        self._require_built()
        chunk, e = self._next_position()
        loss_before = list(self.loss_sums.get(chunk.epoch, [0.0, 0]))
        if self.rule.batched:                         # ns_batching: the center's examples are one update
            end = chunk.batch_end(e)
            trace = apply_batch(self.W_in, self.W_out, chunk, e, end, step=self.step_count + 1, rule=self.rule)
        else:
            end = e + 1
            trace = apply_example(self.W_in, self.W_out, chunk, e, step=self.step_count + 1, rule=self.rule,
                                  tree=self.training_tree)
        if self._undo.maxlen:
            record = (trace.inputs, trace.in_before, _OutUndo.of(trace, self.W_out), chunk, e, loss_before, end - e)
            self._undo.append(record)
            self._undo_bytes += record[1].nbytes + record[2].nbytes
            while self._undo_bytes > UNDO_BYTES and len(self._undo) > 1:   # a huge softmax: keep fewer steps
                old = self._undo.popleft()
                self._undo_bytes -= old[1].nbytes + old[2].nbytes
        self.cursor.move_to(chunk, end)
        self.record_updates(chunk.epoch, trace.loss, end - e)
        self.wv.invalidate()
        return trace.compact()                        # a large full softmax: kilobytes, not V x d (step.py)

    def steps(self, n: int) -> List[StepTrace]:
        """n updates with step(); returns their traces."""
        return [self.step() for _ in range(n)]

    @property
    def can_undo(self) -> int:
        """How many updates undo() can still reverse."""
        return len(self._undo) if self.vocab is not None else 0

    @property
    def undo_bytes(self) -> int:
        """Memory held by the undo history (the input rows and each step's _OutUndo), at most UNDO_BYTES."""
        return self._undo_bytes if self.vocab is not None else 0

    def undo(self) -> None:
        """Reverse the last step(): its rows get their old values back and the stream rewinds one example."""
        if not self.can_undo:
            raise IndexError("nothing to undo (undo reverses step(); train() clears the history)")
        inputs, in_before, out_undo, chunk, e, loss_before, n = self._undo.pop()
        self._undo_bytes -= in_before.nbytes + out_undo.nbytes
        out_undo.restore(self.W_out)
        self.W_in[inputs] = in_before
        self.cursor.move_to(chunk, e)
        self.step_count -= n
        self.loss_sums[chunk.epoch] = loss_before
        if loss_before[1] == 0:
            del self.loss_sums[chunk.epoch]
        self.wv.invalidate()

    # ------------------------------------------------------------------ fast training
    def stop(self) -> None:
        """Ask a running train() (in another thread) to stop after the current slice; weights stay consistent."""
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

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
        if max_examples is not None:
            check_count("max_examples", max_examples, 0, "None (train to the end of the round) or an integer >= 0 "
                        "(how many updates at most)")
        self._stop.clear()
        self._undo.clear()
        self._undo_bytes = 0
        self._next_position()                    # when the plan is over, this starts a new round
        return TrainingRun(self, progress, stop, max_examples, report_every).run()

    def training_info(self, done, loss_sum, words_done, elapsed) -> dict:
        """The info dict that train() passes to progress and returns."""
        epoch_sum, epoch_n = self.loss_sums.get(self.epoch, [0.0, 0])
        chunk, index = self.cursor.chunk, self.cursor.index
        return {
            "epoch": self.epoch,
            "examples": done,
            "step": self.step_count,
            "elapsed": elapsed,
            "words_per_sec": words_done / elapsed if elapsed > 0 else 0.0,
            "loss": loss_sum / done if done else float("nan"),
            "epoch_loss": epoch_sum / epoch_n if epoch_n else float("nan"),
            "lr": float(chunk.lr[min(index, chunk.n_examples - 1)])
            if chunk is not None and chunk.n_examples else self.alpha,
        }
