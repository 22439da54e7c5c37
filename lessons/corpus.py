"""What the Corpus page computes from a vocabulary: which tokens subsampling drops, which words min_count
removes, and the share of tokens kept.

What it does not do: read corpora or count words (engine.corpus and engine.vocab do).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


# ---------------------------------------------------------------------------------------------- vocabulary
def subsample_mask(ids: Sequence[int], keep_prob: np.ndarray, seed: int = 0) -> np.ndarray:
    """Which tokens of one sentence one subsampling draw keeps: u < p_keep(w), u uniform, per token.

    >>> subsample_mask([0, 1], np.array([1.0, 0.0])).tolist()
    [True, False]
    """
    ids = np.asarray(ids, dtype=np.int64)                                          # (n,)
    u = np.random.default_rng(seed).random(len(ids))                               # (n,)
    return u < np.asarray(keep_prob)[ids]                                          # (n,)


def below_min_count(index_to_key: Sequence[str], counts: np.ndarray, min_count: int):
    """The words a min_count removes, from a vocabulary built with min_count=1.

    Returns (words, their total number of tokens).
    >>> below_min_count(["a", "b", "c"], np.array([5, 2, 1]), 2)
    (['c'], 1)
    """
    counts = np.asarray(counts)
    drop = np.nonzero(counts < min_count)[0]
    return [index_to_key[i] for i in drop], int(counts[drop].sum())


def expected_kept_fraction(counts: np.ndarray, keep_prob: np.ndarray) -> float:
    """Expected share of the tokens that subsampling keeps: sum(count * p_keep) / sum(count).

    >>> expected_kept_fraction(np.array([3, 1]), np.array([0.5, 1.0]))
    0.625
    """
    counts = np.asarray(counts, dtype=np.float64)
    return float((counts * np.asarray(keep_prob)).sum() / counts.sum())
