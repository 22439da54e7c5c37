"""UMAP for the embedding page: a seeded layout of word vectors with umap-learn (imported only when called).

What it does: wraps umap-learn's UMAP (McInnes, Healy & Melville 2018, the field's implementation) with a
fixed seed, cosine distance and its two main parameters: n_neighbors (how many neighbours define each word's
neighbourhood: small keeps local detail, large the overall arrangement) and min_dist (how tightly points
may be packed in the picture: small makes dense clumps, large spreads them evenly).
What it does not do: PCA, t-SNE or the view options (projection.py, tsne.py), or train.

A seeded UMAP is reproducible: umap-learn then runs its optimisation in one thread (random_state turns
off its parallel layout), so the same vectors and seed give the same coordinates.

Why the first UMAP in a process is no longer a minute: umap-learn compiles its loops with numba. Below 4,096
points it finds the neighbours exactly; from 4,096 on it calls pynndescent's approximate search, whose
compilation (about 40 CPU s, done again in every process: those functions take the metric as an argument and
are not cacheable) was most of the first call's cost. Here the neighbours are found exactly with NumPy up to
EXACT_UP_TO words (`exact_neighbours`, blocks of rows; exact, as umap-learn's small-data path) and handed to
umap-learn as `precomputed_knn`. The rest of its numba code (the fuzzy graph, the layout's epochs) is compiled
without numba's disk cache; `cache_umap_kernels` turns that cache on for those functions (what `cache=True`
does), so only the first process on a machine compiles them. bench/umap_speed.py measures both.
"""

from __future__ import annotations

import functools

import numpy as np

N_NEIGHBORS = 15      # umap-learn's default
MIN_DIST = 0.1        # umap-learn's default
EXACT_UP_TO = 30_000  # exact neighbours with NumPy up to this many words (30,000 x 100: ~90 GFLOP, seconds);
                      # beyond, umap-learn's own approximate search (pynndescent)
UMAP_SMALL = 4096     # below this many points umap-learn finds the neighbours exactly itself
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

    cache_umap_kernels()
    knn = (None, None, None)
    if UMAP_SMALL <= m <= EXACT_UP_TO:
        knn = (*exact_neighbours(X, int(n_neighbors), metric), None)
    with warnings.catch_warnings():            # "n_jobs overridden to 1 by setting random_state": wanted here;
        warnings.simplefilter("ignore", UserWarning)   # "knn_search_index is not an NNDescent": no transform() later
        model = UMAP(n_components=2, n_neighbors=int(n_neighbors), min_dist=float(min_dist), metric=metric,
                     random_state=int(seed), init="spectral", n_epochs=200 if m >= SHORT_FROM else None,
                     precomputed_knn=knn)
        return np.asarray(model.fit_transform(X), dtype=np.float64)          # (m, 2)


def exact_neighbours(X: np.ndarray, k: int, metric: str = "cosine", block: int = 512):
    """The k nearest rows of each row of X, itself first, as umap-learn's exact path returns them:
    (indices (m, k) int32, distances (m, k) float32), nearest first; cosine distance 1 - cos, or euclidean.

    >>> X = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 1]], dtype=np.float32)
    >>> idx, dist = exact_neighbours(X, 2)
    >>> idx.tolist(), bool(abs(dist[0, 0]) < 1e-6)
    ([[0, 1], [1, 0], [2, 3], [3, 2]], True)
    """
    X = np.asarray(X, dtype=np.float32)                                     # (m, d)
    m = len(X)
    if metric == "cosine":
        Z = X / np.linalg.norm(X, axis=1, keepdims=True)                    # (m, d) unit rows
    else:
        sq = np.einsum("ij,ij->i", X, X)                                    # (m,) squared lengths
    indices = np.empty((m, k), dtype=np.int32)                              # (m, k)
    dists = np.empty((m, k), dtype=np.float32)                              # (m, k)
    for start in range(0, m, block):
        rows = slice(start, min(start + block, m))
        if metric == "cosine":
            D = 1.0 - Z[rows] @ Z.T                                         # (b, m)
        else:
            D = np.sqrt(np.maximum(sq[rows, None] + sq[None, :] - 2.0 * (X[rows] @ X.T), 0.0))   # (b, m)
        D[np.arange(D.shape[0]), np.arange(rows.start, rows.stop)] = -np.inf   # each row's own point first
        near = np.argpartition(D, k - 1, axis=1)[:, :k]                     # (b, k) the k smallest, unordered
        order = np.argsort(np.take_along_axis(D, near, axis=1), axis=1, kind="stable")
        near = np.take_along_axis(near, order, axis=1)                      # (b, k) nearest first
        indices[rows] = near
        dists[rows] = np.maximum(np.take_along_axis(D, near, axis=1), 0.0)  # itself: 0
    return indices, dists


@functools.cache
def cache_umap_kernels() -> int:
    """Turn numba's disk cache on for umap-learn's compiled functions (it declares them without cache=True, so
    each new process compiled them again). Not the few compiled at import for a declared signature (small
    random-number helpers, compiled before this can run). A function compiled under two sets of options
    (umap-learn's layout epoch, serial and parallel) keeps only its serial one cached: numba's cache key does
    not hold the options.
    Returns how many functions cache; runs once (functools.cache), and leaves a function uncached where
    numba can find no writable cache folder."""
    import sys

    from numba.core.dispatcher import Dispatcher

    found = {}
    for name, module in list(sys.modules.items()):
        if name == "umap" or name.startswith("umap."):
            for obj in vars(module).values():
                if isinstance(obj, Dispatcher):
                    found.setdefault(obj.py_func, set()).add(obj)
    n = 0
    for dispatchers in found.values():
        for d in dispatchers:
            if len(dispatchers) > 1 and d.targetoptions.get("parallel"):
                continue
            if not d._can_compile:            # compiled for its declared signature at import: cheap, every time
                continue
            if type(d._cache).__name__ == "NullCache":
                try:
                    d.enable_caching()
                except RuntimeError:          # no cache locator: a read-only install without NUMBA_CACHE_DIR
                    continue
            n += 1
    return n
