"""The set-up every interview experiment shares: which corpus (Setup), the vector size that shares one
compiled kernel, the update budget, reference and warmed-up models, and how progress is reported.

Shared conventions: `Setup` says which corpus (and, for sample corpora, its semantic groups);
trained models use vector_size < 32 so that every experiment shares one compiled kernel; a long
experiment takes progress(fraction, label) and calls it between runs; a label is words from a small
fixed set ("training", "counting", "done", "small", "large", "rare", "tied", "two", "skipgram", "cbow")
and "seed N" / "alpha = X", joined by ", " (the page translates them).
What it does not do: draw, know about Streamlit, or cache (the page keeps results per session).

    >>> s = Setup((("the", "cat", "sat", "on", "the", "mat"), ("the", "dog", "sat")), "demo")
    >>> vocabulary(s).index_to_key[:2]
    ['the', 'sat']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from engine.model import Word2Vec
from engine.vocab import Vocabulary

Progress = Optional[Callable[[float, str], None]]


DIM = 24                      # vector size of the trained models (below kernel.STATIC_MIN_D: one shared kernel)


MAX_TOKENS = 50_000           # experiments that train read at most this many tokens of a large corpus


UPDATE_BUDGET = 300_000       # about this many updates per trained model (epochs are chosen to fit)


@dataclass(frozen=True)
class Setup:
    """The corpus an experiment runs on: its sentences (token sequences, read only), its name, its groups if known."""
    sentences: Sequence[Sequence[str]]
    name: str = "corpus"
    groups: Optional[Dict[str, str]] = field(default=None, hash=False, compare=False)   # word -> group
    seed: int = 1

    def capped(self, max_tokens: int = MAX_TOKENS) -> List[Sequence[str]]:
        """The first sentences, up to about max_tokens tokens (all of a small corpus)."""
        out, n = [], 0
        for s in self.sentences:
            if n >= max_tokens:
                break
            out.append(s)
            n += len(s)
        return out


def report_progress(progress: Progress, fraction: float, label: str = "") -> None:
    if progress is not None:
        progress(float(min(1.0, max(0.0, fraction))), label)


def vocabulary(setup: Setup) -> Vocabulary:
    """The corpus's vocabulary (min_count 1): what the question texts quote (V, the most frequent word)."""
    return Vocabulary.build(setup.sentences, 1)


def corpus_facts(setup: Setup) -> dict:
    """The numbers an interviewer would tell the candidate: V, tokens, the most frequent and the rarest word."""
    v = vocabulary(setup)
    T = v.retained_words
    return {"V": len(v), "T": T, "top": v.index_to_key[0], "top_count": int(v.counts[0]),
            "top_share": float(v.counts[0] / T), "rare": v.index_to_key[-1], "rare_count": int(v.counts[-1]),
            "log2V": math.log2(max(2, len(v)))}


def epochs_for(sentences: Sequence[Sequence[str]], per_token: float, budget: int = UPDATE_BUDGET,
               low: int = 2, high: int = 400) -> int:
    """Epochs so that a model makes about `budget` updates (per_token updates per token and epoch).

    >>> epochs_for([["a"] * 100], per_token=4, budget=4000)
    10
    """
    tokens = max(1, sum(len(s) for s in sentences))
    return int(min(high, max(low, round(budget / (tokens * per_token)))))


def reference_model(setup: Setup, objective: str = "negative_sampling", ns_exponent: float = 0.75,
                    vector_size: int = DIM, budget: int = UPDATE_BUDGET, seed: Optional[int] = None,
                    **changes) -> Word2Vec:
    """A skip-gram model trained on (at most MAX_TOKENS of) the corpus: full windows of 2, no subsampling.

    Full windows and no subsampling keep it comparable with window counts (question 15); epochs are
    chosen for about `budget` updates, so a tiny corpus gets many epochs and a large one few.
    """
    sentences = setup.capped()
    kwargs = dict(architecture="skipgram", objective=objective, vector_size=vector_size, window=2,
                  shrink_windows=False, sample=0.0, negative=5, ns_exponent=ns_exponent, alpha=0.025,
                  min_alpha=1e-4, epochs=epochs_for(sentences, 4, budget=budget), seed=setup.seed if seed is None else seed)
    kwargs.update(changes)
    model = Word2Vec(**kwargs)
    model.build_vocab(sentences)
    model.train()
    return model


# ------------------------------------------------------------------------------------------ question 9
def warm_model(setup: Setup, architecture: str = "skipgram", warm_steps: int = 300, negative: int = 5) -> Word2Vec:
    """A negative-sampling model after warm_steps transparent updates (W_out starts at zero, so the very
    first update cannot move W_in: grad_h = W_out[rows].T (p - y) = 0)."""
    m = Word2Vec(architecture=architecture, objective="negative_sampling", vector_size=16, negative=negative,
                 sample=0.0, window=2, alpha=0.025, seed=setup.seed, undo_depth=0)
    m.build_vocab(setup.capped(5_000))
    for _ in range(warm_steps):
        m.step()
    return m


# ------------------------------------------------------------------------------------------ small trainers
def small_trainer_model(setup: Setup, max_updates: int, vector_size: int = 16, negative: int = 5) -> Word2Vec:
    """The skip-gram NS model whose example stream (and initial W_in, vocabulary, noise) a small trainer of an
    experiment's own walks: full windows of 2, no subsampling, epochs for about max_updates examples."""
    sentences = setup.capped(5_000)
    m = Word2Vec(vector_size=vector_size, window=2, shrink_windows=False, sample=0.0, negative=negative,
                 epochs=epochs_for(sentences, 4, budget=max_updates, low=1, high=200), seed=setup.seed)
    m.build_vocab(sentences)
    return m


def walk_examples(model: Word2Vec, max_updates: int, alpha: float) -> Iterator[Tuple[np.ndarray, int, np.ndarray, float]]:
    """The model's example stream from its start, up to max_updates examples: (inputs, target, negatives, lr),
    the learning rate falling linearly from alpha to 1e-4 as in word2vec.c."""
    stream, seq, done = model.replay_stream(), 0, 0
    while done < max_updates and (chunk := stream.chunk(seq)) is not None:
        for e in range(chunk.n_examples):
            if done >= max_updates:
                return
            lr = alpha * (1.0 - done / max_updates) + 1e-4 * done / max_updates
            yield chunk.inputs(e), int(chunk.targets[e]), chunk.negatives[e], lr
            done += 1
        seq += 1
