"""SGNS as an implicit factorisation of the shifted PMI matrix (Levy & Goldberg 2014), as numbers to draw.

What it does: counts the window co-occurrences of a corpus (pair_counts), computes PMI(w, c) - log k for
the pairs that occur (shifted_pmi), sets up the model the theorem is about (skip-gram with negative
sampling, noise exponent 1, full windows, no subsampling: its training pairs are exactly the counted
ones), and compares its W_in[w] . W_out[c] with PMI - log k: over every co-occurring pair (the scatter and
Pearson r) and as two matrices over the same frequent words (the heatmaps), at any point of training.
Levy & Goldberg, "Neural Word Embedding as Implicit Matrix Factorization" (NIPS 2014): at the optimum of
the SGNS objective, for each pair, W_in[w] . W_out[c] = log(#(w,c) |D| / (#(w) #(c))) - log k.
What it does not do: train (the engine does: Word2Vec.train), draw, or know about Streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from engine import Word2Vec

THEOREM = dict(architecture="skipgram", objective="negative_sampling", ns_exponent=1.0, shrink_windows=False,
               sample=0.0, window=2)        # the conditions of the theorem: unigram noise, all counted pairs trained
MAX_TOKENS = 20_000                         # the picture trains on (at most) this many tokens of the corpus


def pair_counts(sentences, vocab, window: int):
    """Symmetric window co-occurrence counts as sparse (word ids, context ids, counts)."""
    V = len(vocab)
    keys = []
    for s in sentences:
        ids = vocab.encode(s).astype(np.int64)
        for o in range(1, window + 1):
            keys.append(ids[:-o] * V + ids[o:])
            keys.append(ids[o:] * V + ids[:-o])
    keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    uniq, counts = np.unique(keys, return_counts=True)
    return uniq // V, uniq % V, counts.astype(np.float64)


@dataclass(frozen=True)
class Counted:
    """The co-occurring pairs of a corpus and their shifted PMI (the matrix SGNS factorises, where it is finite)."""
    w: np.ndarray          # (pairs,) word ids
    c: np.ndarray          # (pairs,) context ids
    n: np.ndarray          # (pairs,) #(w, c)
    target: np.ndarray     # (pairs,) PMI(w, c) - log k
    negative: int


def shifted_pmi(sentences, vocab, window: int, negative: int) -> Counted:
    """PMI(w, c) - log k over the pairs that occur within `window` (PMI = log #(w,c) |D| / (#(w) #(c)), with
    #(w) and #(c) the marginals of the pair counts, as in Levy & Goldberg 2014)."""
    w, c, n = pair_counts(sentences, vocab, window)
    D = n.sum()
    row = np.bincount(w, weights=n, minlength=len(vocab))                # #(w)
    col = np.bincount(c, weights=n, minlength=len(vocab))                # #(c)
    pmi = np.log(n * D / (row[w] * col[c]))                              # (pairs,)
    return Counted(w, c, n, pmi - math.log(negative), int(negative))


def pair_dots(W_in: np.ndarray, W_out: np.ndarray, counted: Counted) -> np.ndarray:
    """W_in[w] . W_out[c] for every counted pair, (pairs,)."""
    return np.einsum("ij,ij->i", np.asarray(W_in, np.float64)[counted.w], np.asarray(W_out, np.float64)[counted.c])


def correlation(dots: np.ndarray, target: np.ndarray) -> float:
    """Pearson r of the dot products with PMI - log k (nan with fewer than 3 pairs or no spread)."""
    if len(dots) < 3 or np.std(dots) == 0 or np.std(target) == 0:
        return float("nan")
    return float(np.corrcoef(dots, target)[0, 1])


def theorem_model(sentences, negative: int = 5, vector_size: int = 24, seed: int = 1, epochs: int = 50,
                  alpha: float = 0.025) -> Word2Vec:
    """A built (untrained) skip-gram negative-sampling model under the theorem's conditions (THEOREM)."""
    model = Word2Vec(vector_size=vector_size, negative=negative, seed=seed, epochs=epochs, alpha=alpha,
                     min_alpha=1e-4, **THEOREM)
    return model.build_vocab(sentences)


@dataclass(frozen=True)
class Factorisation:
    """What the picture shows at one moment of training."""
    words: Sequence[str]       # the m most frequent words (rows and columns of both matrices)
    dots: np.ndarray           # (m, m) W_in[w] . W_out[c]
    target: np.ndarray         # (m, m) PMI(w, c) - log k, nan where the pair never occurs (PMI = -inf)
    pair_dots: np.ndarray      # (pairs,) every co-occurring pair's dot product
    pair_target: np.ndarray    # (pairs,) ... and its PMI - log k
    r: float                   # Pearson r over all co-occurring pairs
    mean_gap: float            # mean of dot - (PMI - log k) over them


def factorisation(W_in: np.ndarray, W_out: np.ndarray, counted: Counted, words: Sequence[str],
                  top: int = 15) -> Factorisation:
    """The two matrices over the `top` most frequent words (ids 0..top-1) and all pairs' dots against targets.

    >>> from engine import Vocabulary
    >>> v = Vocabulary.build([["a", "b", "a", "c"], ["b", "a"]])
    >>> f = factorisation(np.eye(3), np.eye(3), shifted_pmi([["a", "b", "a", "c"], ["b", "a"]], v, 1, 1), v.index_to_key)
    >>> f.dots.shape, bool(np.isnan(f.target[0, 0])), bool(np.isnan(f.target[0, 1]))
    ((3, 3), True, False)
    """
    m = min(top, len(words))
    dots_all = pair_dots(W_in, W_out, counted)                                          # (pairs,)
    target = np.full((m, m), np.nan)                                                    # (m, m)
    inside = (counted.w < m) & (counted.c < m)
    target[counted.w[inside], counted.c[inside]] = counted.target[inside]
    dots = np.asarray(W_in[:m], np.float64) @ np.asarray(W_out[:m], np.float64).T         # (m, m)
    gap = float(np.mean(dots_all - counted.target)) if len(dots_all) else float("nan")
    return Factorisation(list(words[:m]), dots, target, dots_all, counted.target,
                         correlation(dots_all, counted.target), gap)
