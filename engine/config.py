"""The settings of a Word2Vec model, as one dataclass with commented defaults.

What it does: names every hyperparameter, gives it a default, and validates the whole set with
errors that name the argument and its allowed range.
What it does not do: hold any state of training (that is the model's job).

The names follow the lecture note (skip_window, num_skips) where gensim's differ; the README has the
full mapping to gensim and word2vec.c.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Optional

ARCHITECTURES = ("skipgram", "cbow")
OBJECTIVES = ("softmax", "hierarchical_softmax", "negative_sampling")
CBOW_UPDATES = ("exact", "word2vec")
SKIPGRAM_INPUTS = ("center", "context")


@dataclass
class Config:
    architecture: str = "skipgram"        # "skipgram": centre -> each context word; "cbow": context -> centre
    objective: str = "negative_sampling"  # "softmax" (all V), "hierarchical_softmax" (Huffman path), "negative_sampling"
    vector_size: int = 50                 # d, the length of every word vector
    window: int = 2                       # radius of the context window (the note's skip_window); CBOW's c <= 2*window
    negative: int = 5                     # k noise words per example (negative sampling only)
    ns_exponent: float = 0.75             # P_n(w) ∝ count(w)**ns_exponent; 0 = uniform, 1 = unigram
    sample: float = 1e-3                  # subsampling threshold s; 0 disables subsampling
    min_count: int = 1                    # words seen fewer times are dropped from the vocabulary
    max_vocab_size: Optional[int] = None  # keep only the most frequent words (None = no cap)
    alpha: float = 0.025                  # initial learning rate
    min_alpha: float = 1e-4               # learning rate at the very end of the planned training (linear decay)
    epochs: int = 5                       # passes over the corpus that train() plans
    cbow_mean: bool = True                # CBOW: h = mean of the context vectors (False: their sum)
    shrink_windows: bool = True           # draw the radius uniformly from 1..window per centre, as word2vec.c
    num_skips: Optional[int] = None       # skip-gram: use this many of the window's context words per centre (None = all)
    seed: int = 1                         # the only source of randomness: np.random.default_rng(seed)
    workers: int = 1                      # 1: deterministic, same stream as step(); 2: Hogwild threads in train()
    chunk_words: int = 10_000             # sentences are processed in chunks of about this many tokens
    undo_depth: int = 100                 # how many step() updates undo() can reverse
    cbow_update: str = "exact"            # CBOW mean: "exact" divides each context row's update by the
                                          # number of context words (the true gradient of the mean);
                                          # "word2vec" does not, as word2vec.c and gensim (larger steps)
    skipgram_input: str = "center"        # skip-gram: whose W_in row is h. "center": the centre word's, predicting
                                          # each context word (the textbook direction); "context": each context
                                          # word's, predicting the centre, in word2vec.c's and gensim's order

    def validate(self) -> "Config":
        """Raise ValueError naming the argument and its allowed range; return self when all is well."""

        def bad(name, allowed):
            value = getattr(self, name)
            raise ValueError(f"{name}={value!r} is not allowed: {name} must be {allowed}")

        if self.architecture not in ARCHITECTURES:
            bad("architecture", f"one of {ARCHITECTURES}")
        if self.cbow_update not in CBOW_UPDATES:
            bad("cbow_update", f"one of {CBOW_UPDATES}")
        if self.skipgram_input not in SKIPGRAM_INPUTS:
            bad("skipgram_input", f"one of {SKIPGRAM_INPUTS}")
        if self.objective not in OBJECTIVES:
            bad("objective", f"one of {OBJECTIVES}")
        checks = [
            ("vector_size", self.vector_size >= 1, "an integer >= 1"),
            ("window", self.window >= 1, "an integer >= 1"),
            ("min_count", self.min_count >= 1, "an integer >= 1"),
            ("epochs", self.epochs >= 1, "an integer >= 1"),
            ("alpha", self.alpha > 0, "a number > 0"),
            ("min_alpha", 0 <= self.min_alpha <= self.alpha, "a number in [0, alpha]"),
            ("sample", self.sample >= 0, "a number >= 0 (0 disables subsampling)"),
            ("ns_exponent", -10 <= self.ns_exponent <= 10, "a number in [-10, 10]"),
            ("workers", self.workers in (1, 2), "1 or 2"),
            ("chunk_words", self.chunk_words >= 1, "an integer >= 1"),
            ("undo_depth", self.undo_depth >= 0, "an integer >= 0"),
        ]
        for name, ok, allowed in checks:
            if not ok:
                bad(name, allowed)
        if self.objective == "negative_sampling" and self.negative < 1:
            bad("negative", "an integer >= 1 with objective='negative_sampling'")
        if self.max_vocab_size is not None and self.max_vocab_size < 1:
            bad("max_vocab_size", "None or an integer >= 1")
        if self.num_skips is not None and not (1 <= self.num_skips <= 2 * self.window):
            bad("num_skips", f"None or an integer in [1, 2*window] = [1, {2 * self.window}]")
        for name in ("vector_size", "window", "negative", "min_count", "epochs", "seed", "workers"):
            value = getattr(self, name)
            if isinstance(value, bool) or int(value) != value:
                bad(name, "an integer")
        return self

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Config":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})
