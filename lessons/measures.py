"""The measures a lesson reports about vectors, each defined once: the cosine matrix, one-hot vectors,
group precision@k (the share of a word's k nearest neighbours in its own group) and Spearman's rho over a
list of word pairs. Every page and experiment that shows one of them calls the function here. (The
embedding-space picture's k-NN group *accuracy* is another measure, of a 2-D projection by majority vote:
engine.projection.knn_group_accuracy.)

What it does not do: train, or choose words (the callers pass vectors, words and groups).
"""

from __future__ import annotations

from typing import Dict, Mapping, Optional, Sequence, Tuple

import numpy as np

from engine.keyed_vectors import spearman


# ---------------------------------------------------------------------------------------------- vectors
def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of every pair of rows; a zero row has similarity 0 with everything.

    >>> cosine_matrix(np.eye(2)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    v = np.asarray(vectors, dtype=np.float64)                                      # (n, d)
    norms = np.linalg.norm(v, axis=1, keepdims=True)                               # (n, 1)
    u = np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)                 # (n, d)
    return np.clip(u @ u.T, -1.0, 1.0)                                             # (n, n)


def one_hot(ids: Sequence[int], vocab_size: int) -> np.ndarray:
    """One-hot rows: one_hot([1], 3) -> [[0., 1., 0.]]"""
    x = np.zeros((len(ids), vocab_size))                                           # (n, V)
    x[np.arange(len(ids)), np.asarray(ids, dtype=np.int64)] = 1.0
    return x


MIN_PAIRS = 20                # a Spearman rho over fewer known pairs is not reported (NaN)


def pair_spearman(kv, pairs: Sequence[Tuple[str, str, float]]) -> float:
    """Spearman's rho between human scores and cosines over the pairs (NaN for fewer than MIN_PAIRS)."""
    if len(pairs) < MIN_PAIRS:
        return float("nan")
    X = np.asarray(kv.normed(), dtype=np.float64)
    ia = np.array([kv.key_to_index[a] for a, _, _ in pairs])
    ib = np.array([kv.key_to_index[b] for _, b, _ in pairs])
    cos = (X[ia] * X[ib]).sum(axis=1)                                   # (n,)
    return spearman([h for *_, h in pairs], cos)


def group_precision(vectors: np.ndarray, words: Sequence[str], groups: Mapping[str, str], k: int = 5,
                    queries: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Group precision@k: for each grouped word (of `queries`, default all grouped words among `words`), the share
    of its k nearest grouped words by cosine that belong to its own group.

    vectors (n, d) are the rows of `words`; groups maps a word to its group. Only grouped words are candidate
    neighbours (a planted corpus's fillers and a sample corpus's ungrouped words are not compared: the measure
    asks whether a group's words are closer to each other than to other groups' words). k is capped at the
    number of other words of the word's group among `words`; a word whose group has no other word is left
    out. Ties between equal cosines are broken by row order. Returns {word: precision}; the mean of its values
    is the score (mean_group_precision).

    >>> X = np.array([[1., 0.], [.9, .1], [0., 1.], [.1, .9]])
    >>> group_precision(X, ["a", "b", "c", "d"], {"a": "x", "b": "x", "c": "y", "d": "y"}, k=1)
    {'a': 1.0, 'b': 1.0, 'c': 1.0, 'd': 1.0}
    """
    words = list(words)
    grouped = [i for i, w in enumerate(words) if w in groups]
    pool = grouped
    wanted = set(queries) if queries is not None else None
    asked = [i for i in grouped if wanted is None or words[i] in wanted]
    size: Dict[str, int] = {}
    for i in grouped:
        size[groups[words[i]]] = size.get(groups[words[i]], 0) + 1
    asked = [i for i in asked if size[groups[words[i]]] > 1]
    if not asked or len(pool) < 2:
        return {}
    X = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)                                 # (n, 1)
    U = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)                   # (n, d)
    pool_ids = np.array(pool)                                                        # (m,)
    sims = U[np.array(asked)] @ U[pool_ids].T                                        # (q, m)
    position = {i: j for j, i in enumerate(pool)}
    for row, i in enumerate(asked):
        if i in position:
            sims[row, position[i]] = -np.inf                                         # not its own neighbour
    pool_groups = np.array([groups.get(words[i]) for i in pool], dtype=object)       # (m,)
    out = {}
    for row, i in enumerate(asked):
        g = groups[words[i]]
        kk = min(k, size[g] - 1, len(pool) - 1)
        top = np.argsort(-sims[row], kind="stable")[:kk]
        out[words[i]] = float(np.mean(pool_groups[top] == g))
    return out


def mean_group_precision(vectors: np.ndarray, words: Sequence[str], groups: Mapping[str, str], k: int = 5) -> float:
    """The mean of group_precision over the grouped words (NaN when no group has two words)."""
    per_word = group_precision(vectors, words, groups, k)
    return float(np.mean(list(per_word.values()))) if per_word else float("nan")
