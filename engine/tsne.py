"""t-SNE for the embedding page: a layout from scratch or started from the previous one, and nearest
neighbours in the full space (hover texts).

What it does: wraps scikit-learn's t-SNE (imported only when called) with a fixed seed, and starts a
new layout from the previous frame's positions so words do not jump between frames.
What it does not do: PCA or the view options (projection.py), or train.
"""

from __future__ import annotations

from typing import Optional

import numpy as np


def tsne(X: np.ndarray, seed: int = 0, perplexity: float = 30.0, init=None,
         metric: str = "cosine", max_iter: int = 500) -> np.ndarray:
    """t-SNE layout (m, 2) of the rows of X with scikit-learn (imported here, so the engine does not need it).

    init: a previous (m, 2) layout to start from (rows in the same order). t-SNE then starts from it at
    its own scale and skips the "early exaggeration" phase (which would first pull the points into
    tight clumps and scramble the arrangement), so a re-run after more training keeps the picture
    recognisable: clusters stay where they were and only move as much as the vectors did.
    init=None or "pca": start from PCA (deterministic: the seed does not matter); init="random": a random
    start drawn with the seed; both with early exaggeration, as usual. Perplexity must be below
    the number of rows (it is roughly the number of neighbours each point cares about). Returns (m, 2)
    coordinates (tests/engine/test_projection.py runs it; seconds, so not a doctest).
    """
    from sklearn.manifold import TSNE  # only when t-SNE is asked for

    X = np.asarray(X, dtype=np.float32)                                     # (m, d)
    m = len(X)
    if m < 3:
        raise ValueError(f"t-SNE needs at least 3 words, got {m}")
    if not 0 < perplexity < m:
        raise ValueError(f"perplexity={perplexity} is not allowed: it must be > 0 and below the number of "
                         f"words ({m}); try {max(1, min(30, (m - 1) // 3))}")
    if metric == "cosine" and np.any(np.linalg.norm(X, axis=1) == 0):
        metric = "euclidean"                                                # cosine is undefined for zero rows
    exaggeration = 12.0                                                     # scikit-learn's default
    if init is None or isinstance(init, str):
        if init not in (None, "pca", "random"):
            raise ValueError(f"init={init!r} is not allowed: init must be None, 'pca', 'random' or an (m, 2) array")
        start = init or "pca"
    else:
        start = np.asarray(init, dtype=np.float64)                          # (m, 2)
        if start.shape != (m, 2):
            raise ValueError(f"init must have shape ({m}, 2), got {start.shape}")
        start = start - start.mean(axis=0)
        exaggeration = 1.0                                                  # keep the arrangement
    model = TSNE(n_components=2, perplexity=float(perplexity), init=start, random_state=int(seed),
                 metric=metric, max_iter=max_iter, learning_rate="auto", early_exaggeration=exaggeration)
    return model.fit_transform(X).astype(np.float64)                        # (m, 2)


def init_from_previous(words, previous: dict, X: np.ndarray, seed: int = 0) -> Optional[np.ndarray]:
    """A start layout (m, 2) for t-SNE from a previous {word: (x, y)} layout.

    Words placed before keep their place; a new word starts at the place of its nearest (cosine)
    already-placed word, plus a small seeded jitter. Returns None when no word was placed before.

        >>> init_from_previous(["a", "b"], {"a": (1.0, 2.0)}, np.array([[1., 0.], [1., 0.1]])).shape
        (2, 2)
    """
    words = list(words)
    known = [i for i, w in enumerate(words) if w in previous]
    if not known:
        return None
    rng = np.random.default_rng(seed)
    out = np.zeros((len(words), 2))                                         # (m, 2)
    for i in known:
        out[i] = previous[words[i]]
    unknown = [i for i, w in enumerate(words) if w not in previous]
    if unknown:
        Xn = np.asarray(X, dtype=np.float64)
        Xn = Xn / np.maximum(np.linalg.norm(Xn, axis=1, keepdims=True), 1e-12)  # (m, d)
        sims = Xn[unknown] @ Xn[known].T                                    # (u, k)
        nearest = np.asarray(known)[sims.argmax(axis=1)]                    # (u,)
        spread = out[known].std() if len(known) > 1 else 1.0
        out[unknown] = out[nearest] + rng.normal(scale=0.05 * max(spread, 1e-3), size=(len(unknown), 2))
    return out


def nearest_neighbours(X: np.ndarray, rows: np.ndarray, topn: int = 5):
    """For each id in rows, the ids and cosines of its topn nearest rows of X (itself excluded).

    Returns (ids (r, topn), cosines (r, topn)), best first. Used for hover text on the projection.
        >>> ids, cos = nearest_neighbours(np.array([[1., 0.], [1., .1], [0., 1.]]), np.array([0]), topn=1)
        >>> int(ids[0, 0])
        1
    """
    X = np.asarray(X, dtype=np.float64)                                     # (V, d)
    rows = np.asarray(rows, dtype=np.int64)                                 # (r,)
    Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)    # (V, d)
    sims = Xn[rows] @ Xn.T                                                  # (r, V)
    sims[np.arange(len(rows)), rows] = -np.inf
    k = max(0, min(topn, X.shape[0] - 1))
    if k == 0:
        return np.zeros((len(rows), 0), dtype=np.int64), np.zeros((len(rows), 0))
    part = np.argpartition(-sims, k - 1, axis=1)[:, :k]                     # (r, k) unordered
    order = np.argsort(-np.take_along_axis(sims, part, axis=1), axis=1, kind="stable")
    ids = np.take_along_axis(part, order, axis=1)                           # (r, k)
    return ids, np.take_along_axis(sims, ids, axis=1)
