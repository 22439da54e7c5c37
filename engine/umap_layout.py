"""UMAP for the embedding page: a seeded layout of word vectors with umap-learn (imported only when called).

What it does: wraps umap-learn's UMAP (McInnes, Healy & Melville 2018, the field's implementation; it
compiles its loops with numba, whose machine code is cached on disk after the first use) with a fixed
seed, cosine distance and its two main parameters: n_neighbors (how many neighbours define each word's
neighbourhood: small keeps local detail, large the overall arrangement) and min_dist (how tightly points
may be packed in the picture: small makes dense clumps, large spreads them evenly).
What it does not do: PCA, t-SNE or the view options (projection.py, tsne.py), or train.

A seeded UMAP is reproducible: umap-learn then runs its optimisation in one thread (random_state turns
off its parallel layout), so the same vectors and seed give the same coordinates.
"""

from __future__ import annotations

import numpy as np

N_NEIGHBORS = 15      # umap-learn's default
MIN_DIST = 0.1        # umap-learn's default
SHORT_FROM = 2000     # from this many words on, 200 optimisation epochs (umap-learn: 500 below 10,000 points,
                      # 200 above); on Lee's 7,381 words 500 epochs took ~2.5x as long (bench/UMAP_RESULTS.md)


def umap(X: np.ndarray, seed: int = 0, n_neighbors: int = N_NEIGHBORS, min_dist: float = MIN_DIST,
         metric: str = "cosine") -> np.ndarray:
    """UMAP layout (m, 2) of the rows of X, seeded (tests/engine/test_projection.py runs it: seconds, so not
    a doctest). n_neighbors must be at least 2 and below the number of rows; min_dist in [0, 1)."""
    X = np.asarray(X, dtype=np.float32)                                     # (m, d)
    m = len(X)
    if m < 4:
        raise ValueError(f"UMAP needs at least 4 words, got {m}")
    if not 2 <= n_neighbors < m:
        raise ValueError(f"n_neighbors={n_neighbors} is not allowed: it must be at least 2 and below the number "
                         f"of words ({m}); try {max(2, min(N_NEIGHBORS, m - 1))}")
    if not 0 <= min_dist < 1:
        raise ValueError(f"min_dist={min_dist} is not allowed: it must be in [0, 1)")
    if metric == "cosine" and np.any(np.linalg.norm(X, axis=1) == 0):
        metric = "euclidean"                                                # cosine is undefined for zero rows
    import warnings

    from umap import UMAP  # only when UMAP is asked for (its import compiles or loads numba code)

    with warnings.catch_warnings():            # "n_jobs overridden to 1 by setting random_state": wanted here
        warnings.simplefilter("ignore", UserWarning)
        model = UMAP(n_components=2, n_neighbors=int(n_neighbors), min_dist=float(min_dist), metric=metric,
                     random_state=int(seed), init="spectral", n_epochs=200 if m >= SHORT_FROM else None)
        return np.asarray(model.fit_transform(X), dtype=np.float64)          # (m, 2)
