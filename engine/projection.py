"""Word vectors drawn in 2-D: PCA with a basis that stays stable while training moves the vectors, and t-SNE.

What it does: principal component analysis of a set of vectors (pca), the orthogonal Procrustes
rotation that lines one 2-D frame up with the previous one (procrustes), a StablePCA that projects
frame after frame so that points *move* rather than jump, flip or spin (its basis is aligned to the
previous frame, or frozen after a warm-up), and t-SNE (scikit-learn, imported only when called),
started from a previous layout so that re-running it keeps the picture recognisable.
What it does not do: train, pick the words to show, or draw (the pages do that).

Why a stable basis: PCA's axes are only defined up to sign, and when two components have nearly the
same variance they can swap or rotate between two frames. Projecting every frame with a fresh PCA
makes the whole cloud jump around even when each word moved only a little.

    >>> X = np.random.default_rng(0).normal(size=(50, 8))
    >>> proj = StablePCA(mode="aligned")
    >>> proj.project(X).shape
    (50, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

PCA_MODES = ("aligned", "fixed", "fresh")  # aligned to the previous frame / frozen after warm-up / no alignment


@dataclass(frozen=True)
class PCAResult:
    mean: np.ndarray         # (d,) the center that was subtracted
    components: np.ndarray   # (d, n) unit, orthogonal directions of largest variance, as columns
    explained: np.ndarray    # (n,) share of the total variance along each component (sums to <= 1)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """(m, d) -> (m, n) coordinates along the components."""
        return (np.asarray(X, dtype=np.float64) - self.mean) @ self.components


def pca(X: np.ndarray, n_components: int = 2) -> PCAResult:
    """Principal components of the rows of X by SVD of the centerd matrix.

    pca(np.array([[0., 0.], [2., 0.], [4., 0.]])).explained -> array([1., 0.])
    """
    X = np.asarray(X, dtype=np.float64)                                  # (m, d)
    if X.ndim != 2 or len(X) < 1:
        raise ValueError(f"pca needs a 2-D array with at least one row, got shape {X.shape}")
    m, d = X.shape
    mean = X.mean(axis=0)                                                # (d,)
    Xc = X - mean                                                        # (m, d)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)                    # s (r,), Vt (r, d)
    comps = np.zeros((d, n_components))                                  # (d, n)
    r = min(n_components, Vt.shape[0])
    comps[:, :r] = Vt[:r].T
    for j in range(r, n_components):                                     # fewer rows than components:
        e = np.zeros(d)                                                  # fill with unit vectors
        e[j % d] = 1.0                                                   # orthogonal to the rest
        e -= comps[:, :j] @ (comps[:, :j].T @ e)
        norm = np.linalg.norm(e)
        comps[:, j] = e / norm if norm > 1e-12 else 0.0
    var = s ** 2
    total = var.sum()
    explained = np.zeros(n_components)
    explained[:r] = var[:r] / total if total > 0 else 0.0
    return PCAResult(mean, comps, explained)


def procrustes(Y: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The orthogonal matrix R (rotation or reflection, no scaling) minimising ||Y @ R - target||.

    Solution of the orthogonal Procrustes problem: R = U @ Vt where U S Vt = svd(Y.T @ target).
    procrustes(np.array([[1., 0.], [0., 1.]]), np.array([[0., 1.], [-1., 0.]])) -> a 90-degree rotation
    """
    M = np.asarray(Y, dtype=np.float64).T @ np.asarray(target, dtype=np.float64)   # (n, n)
    U, _, Vt = np.linalg.svd(M)
    return U @ Vt                                                                   # (n, n)


class StablePCA:
    """Project frame after frame to 2-D so that the picture moves smoothly while the vectors change.

    mode="aligned": a fresh PCA each frame, rotated/reflected (Procrustes) to best match the previous
                    frame's basis on the same points. Shows the current main directions without jumps.
    mode="fixed":   like "aligned" for the first `warmup` frames, then the basis is frozen; later
                    frames are the new vectors seen through the old axes (explained share may drop).
    mode="fresh":   a plain PCA every frame (signs and order can flip: shown to explain why we align).

    After project(), `mean` (d,) and `basis` (d, 2) give the exact linear map of the current frame,
    so other vectors (older snapshots, trails) can be drawn in the same frame with transform().

        >>> p = StablePCA("fixed", warmup=1); _ = p.project(np.eye(3)); p.frames
        1
    """

    def __init__(self, mode: str = "aligned", warmup: int = 5, n_components: int = 2):
        if mode not in PCA_MODES:
            raise ValueError(f"mode={mode!r} is not allowed: mode must be one of {PCA_MODES}")
        if warmup < 0:
            raise ValueError(f"warmup={warmup} is not allowed: warmup must be >= 0")
        self.mode = mode
        self.warmup = warmup
        self.n_components = n_components
        self.mean: Optional[np.ndarray] = None      # (d,)
        self.basis: Optional[np.ndarray] = None     # (d, n)
        self.explained: Optional[np.ndarray] = None  # (n,) share of variance the frame's axes capture
        self.frames = 0

    def reset(self) -> None:
        self.mean = self.basis = self.explained = None
        self.frames = 0

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Coordinates of X in the current frame (call project() first)."""
        if self.basis is None:
            raise RuntimeError("call project(X) before transform()")
        return (np.asarray(X, dtype=np.float64) - self.mean) @ self.basis

    def _captured(self, X: np.ndarray) -> np.ndarray:
        """Share of X's total variance along each column of the current basis."""
        Xc = np.asarray(X, dtype=np.float64) - np.asarray(X, dtype=np.float64).mean(axis=0)
        total = float((Xc ** 2).sum())
        return ((Xc @ self.basis) ** 2).sum(axis=0) / total if total > 0 else np.zeros(self.basis.shape[1])

    def project(self, X: np.ndarray) -> np.ndarray:
        """(m, d) -> (m, n) coordinates of this frame. The rows must keep their dimension d between frames."""
        X = np.asarray(X, dtype=np.float64)                                 # (m, d)
        if self.basis is not None and X.shape[1] != self.basis.shape[0]:
            self.reset()                                                     # a new model: start over
        frozen = self.mode == "fixed" and self.frames >= max(1, self.warmup)
        if not frozen:
            fit = pca(X, self.n_components)
            basis = fit.components                                           # (d, n)
            if self.basis is not None and self.mode in ("aligned", "fixed"):
                # align the new axes to the old ones as seen on the same points
                R = procrustes((X - fit.mean) @ basis, (X - self.mean) @ self.basis)  # (n, n)
                basis = basis @ R
            self.mean, self.basis = fit.mean, basis
        self.frames += 1
        self.explained = self._captured(X)
        return self.transform(X)


def tsne(X: np.ndarray, seed: int = 0, perplexity: float = 30.0, init=None,
         metric: str = "cosine", max_iter: int = 500) -> np.ndarray:
    """t-SNE layout (m, 2) of the rows of X with scikit-learn (imported here, so the engine does not need it).

    init: a previous (m, 2) layout to start from (rows in the same order). t-SNE then starts from it at
    its own scale and skips the "early exaggeration" phase (which would first pull the points into
    tight clumps and scramble the arrangement), so a re-run after more training keeps the picture
    recognisable: clusters stay where they were and only move as much as the vectors did.
    init=None or "pca": start from PCA (deterministic: the seed does not matter); init="random": a random
    start drawn with the seed; both with early exaggeration, as usual. Perplexity must be below
    the number of rows (it is roughly the number of neighbours each point cares about).

        >>> tsne(np.random.default_rng(0).normal(size=(40, 5)), perplexity=10).shape
        (40, 2)
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
