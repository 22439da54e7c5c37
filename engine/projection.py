"""Word vectors drawn in 2-D: PCA with a basis that stays stable while training moves the vectors, and t-SNE.

What it does: principal component analysis of a set of vectors (pca), the orthogonal Procrustes
rotation that lines one 2-D frame up with the previous one (procrustes), a StablePCA that projects
frame after frame so that points *move* rather than jump, flip or spin (its basis is aligned to the
previous frame, or frozen after a warm-up), t-SNE (scikit-learn, imported only when called),
started from a previous layout so that re-running it keeps the picture recognisable, and UMAP
(umap-learn, imported only when called: umap_layout.py).
Before PCA the vectors can be prepared (fit_view): scaled to unit length (unit_rows: cosine, the
similarity word2vec is queried with, sees only directions), centered (center), and stripped of their
top principal directions ("all-but-the-top", Mu & Viswanath 2018: remove_top_directions). How well
a picture keeps groups of words apart is measured by k-nearest-neighbour group accuracy
(knn_group_accuracy, separation), in 2-D and in the full space.
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


def pca(X: np.ndarray, n_components: int = 2, center: bool = True) -> PCAResult:
    """Principal components of the rows of X by SVD of the centered matrix (center=False: of X itself,
    so the first direction points along the mean and `explained` are shares of the sum of squares).

    pca(np.array([[0., 0.], [2., 0.], [4., 0.]])).explained -> array([1., 0.])
    """
    X = np.asarray(X, dtype=np.float64)                                  # (m, d)
    if X.ndim != 2 or len(X) < 1:
        raise ValueError(f"pca needs a 2-D array with at least one row, got shape {X.shape}")
    m, d = X.shape
    mean = X.mean(axis=0) if center else np.zeros(d)                     # (d,)
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


# ---------------------------------------------------------------- preparing the vectors before PCA
def unit_rows(X: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (a zero row stays zero): only directions are left, as cosine sees them.

        >>> unit_rows(np.array([[3., 4.], [0., 0.]]))
        array([[0.6, 0.8],
               [0. , 0. ]])
    """
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=-1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)


def center(X: np.ndarray) -> np.ndarray:
    """The rows minus their mean: the picture's origin becomes the center of the cloud.

        >>> center(np.array([[1., 2.], [3., 6.]]))
        array([[-1., -2.],
               [ 1.,  2.]])
    """
    X = np.asarray(X, dtype=np.float64)
    return X - X.mean(axis=0)


def top_directions(X: np.ndarray, n: int) -> np.ndarray:
    """(d, n) the n unit directions along which the rows of X (as given, not centered here) have the
    largest sum of squares: the top right singular vectors. n = 0 gives a (d, 0) array.

        >>> np.abs(top_directions(np.array([[2., 0.], [-2., 0.], [0., 1.]]), 1)).ravel().tolist()
        [1.0, 0.0]
    """
    X = np.asarray(X, dtype=np.float64)
    d = X.shape[1]
    n = int(n)
    if not 0 <= n <= d:
        raise ValueError(f"n={n} is not allowed: n must be in [0, {d}] (the vectors have {d} dimensions)")
    if n == 0:
        return np.zeros((d, 0))
    _, _, Vt = np.linalg.svd(X, full_matrices=False)                     # Vt (r, d)
    U = np.zeros((d, n))
    r = min(n, Vt.shape[0])
    U[:, :r] = Vt[:r].T
    return U


def remove_top_directions(X: np.ndarray, n: int = 1) -> np.ndarray:
    """"All-but-the-top" (Mu & Viswanath, 2018): center the rows, then remove their components along
    the n top principal directions. In large corpora those directions mostly encode how frequent a
    word is, not what it means; what is left shows the other directions.

        >>> X = np.array([[10., 1.], [-10., 0.], [10., -1.], [-10., 0.]])
        >>> remove_top_directions(X, 1).round(6).tolist()      # the long first axis is gone
        [[0.0, 1.0], [0.0, 0.0], [0.0, -1.0], [0.0, 0.0]]
    """
    Xc = center(X)
    U = top_directions(Xc, n)                                            # (d, n)
    return Xc - (Xc @ U) @ U.T


@dataclass(frozen=True)
class ViewPrep:
    """How vectors are prepared before PCA, fitted on one frame's rows and applied to any rows
    (older snapshots, trails) so that they are drawn in the same frame.

    apply(X) = (unit_rows(X) if unit else X) - mean, minus its components along `removed`.
    """
    unit: bool
    mean: np.ndarray          # (d,) subtracted (zeros when not centered)
    removed: np.ndarray       # (d, r) orthonormal directions projected out (r = 0: none)

    def apply(self, X: np.ndarray) -> np.ndarray:
        X = unit_rows(X) if self.unit else np.asarray(X, dtype=np.float64)
        X = X - self.mean
        if self.removed.shape[1]:
            X = X - (X @ self.removed) @ self.removed.T
        return X


def fit_view(X: np.ndarray, centered: bool = True, unit: bool = False, remove_top: int = 0) -> ViewPrep:
    """The preparation of the rows of X: unit length (optional), minus the mean (optional), minus the
    top `remove_top` principal directions of what is left (of the centered rows when centered).

        >>> prep = fit_view(np.array([[1., 2.], [3., 6.]]), centered=True)
        >>> prep.apply(np.array([[1., 2.], [3., 6.]])).mean(axis=0).tolist()
        [0.0, 0.0]
    """
    Xu = unit_rows(X) if unit else np.asarray(X, dtype=np.float64)       # (m, d)
    mean = Xu.mean(axis=0) if centered else np.zeros(Xu.shape[1])          # (d,)
    removed = top_directions(Xu - mean, remove_top)                       # (d, r)
    return ViewPrep(bool(unit), mean, removed)


class StablePCA:
    """Project frame after frame to 2-D so that the picture moves smoothly while the vectors change.

    mode="aligned": a fresh PCA each frame, rotated/reflected (Procrustes) to best match the previous
                    frame's basis on the same points. Shows the current main directions without jumps.
    mode="fixed":   like "aligned" for the first `warmup` frames, then the basis is frozen; later
                    frames are the new vectors seen through the old axes (explained share may drop).
    mode="fresh":   a plain PCA every frame (signs and order can flip: shown to explain why we align).

    The view options prepare the vectors before PCA (fit_view): unit (each row to length 1),
    centered (minus the mean; off: the PCA of the raw rows, its first axis along the mean), remove_top
    (all-but-the-top: remove that many top principal directions first). configure() changes them.

    After project(), `prep` (a ViewPrep) and `basis` (d, 2) give the exact map of the current frame,
    so other vectors (older snapshots, trails) can be drawn in the same frame with transform().

        >>> p = StablePCA("fixed", warmup=1); _ = p.project(np.eye(3)); p.frames
        1
    """

    def __init__(self, mode: str = "aligned", warmup: int = 5, n_components: int = 2,
                 centered: bool = True, unit: bool = False, remove_top: int = 0):
        if mode not in PCA_MODES:
            raise ValueError(f"mode={mode!r} is not allowed: mode must be one of {PCA_MODES}")
        if warmup < 0:
            raise ValueError(f"warmup={warmup} is not allowed: warmup must be >= 0")
        self.mode = mode
        self.warmup = warmup
        self.n_components = n_components
        self.centered, self.unit, self.remove_top = True, False, 0
        self.configure(centered, unit, remove_top)
        self.prep: Optional[ViewPrep] = None
        self.basis: Optional[np.ndarray] = None     # (d, n)
        self.explained: Optional[np.ndarray] = None  # (n,) share of variance the frame's axes capture
        self.frames = 0

    def configure(self, centered: bool = True, unit: bool = False, remove_top: int = 0) -> None:
        """Change the view options; the next frame is fitted afresh (aligned to the last one, and a
        frozen basis starts a new warm-up)."""
        remove_top = int(remove_top)
        if remove_top < 0:
            raise ValueError(f"remove_top={remove_top} is not allowed: remove_top must be >= 0")
        new = (bool(centered), bool(unit), remove_top)
        if new != (self.centered, self.unit, self.remove_top):
            self.centered, self.unit, self.remove_top = new
            self.frames = 0

    @property
    def mean(self) -> Optional[np.ndarray]:
        """(d,) the center subtracted in this frame (zeros when not centered)."""
        return None if self.prep is None else self.prep.mean

    def reset(self) -> None:
        self.prep = self.basis = self.explained = None
        self.frames = 0

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Coordinates of X in the current frame (call project() first)."""
        if self.basis is None:
            raise RuntimeError("call project(X) before transform()")
        return self.prep.apply(X) @ self.basis

    def _captured(self, Xp: np.ndarray) -> np.ndarray:
        """Share of the prepared rows' spread (sum of squares about their center, or about 0 when not
        centered) along each column of the current basis."""
        Xc = Xp - Xp.mean(axis=0) if self.centered else Xp
        total = float((Xc ** 2).sum())
        return ((Xc @ self.basis) ** 2).sum(axis=0) / total if total > 0 else np.zeros(self.basis.shape[1])

    def project(self, X: np.ndarray) -> np.ndarray:
        """(m, d) -> (m, n) coordinates of this frame. The rows must keep their dimension d between frames."""
        X = np.asarray(X, dtype=np.float64)                                 # (m, d)
        if self.basis is not None and X.shape[1] != self.basis.shape[0]:
            self.reset()                                                     # a new model: start over
        if self.remove_top > X.shape[1] - self.n_components:
            raise ValueError(f"remove_top={self.remove_top} is not allowed: with {X.shape[1]} dimensions at most "
                             f"{max(0, X.shape[1] - self.n_components)} directions can be removed")
        frozen = self.mode == "fixed" and self.frames >= max(1, self.warmup)
        if not frozen:
            prep = fit_view(X, self.centered, self.unit, self.remove_top)
            Xp = prep.apply(X)                                               # (m, d)
            basis = pca(Xp, self.n_components, center=self.centered).components   # (d, n)
            if self.basis is not None and self.mode in ("aligned", "fixed"):
                # align the new axes to the old ones as seen on the same points
                R = procrustes(Xp @ basis, self.transform(X))                 # (n, n)
                basis = basis @ R
            self.prep, self.basis = prep, basis
        self.frames += 1
        self.explained = self._captured(self.prep.apply(X))
        return self.transform(X)


# ---------------------------------------------------------------- how well a picture keeps groups apart
def knn_ids(Y: np.ndarray, k: int = 5, metric: str = "euclidean") -> np.ndarray:
    """(m, k) ids of each row's k nearest other rows, nearest first (ties: lower id first).

    metric "euclidean" (a 2-D picture: what the eye sees) or "cosine" (the full space: what
    most_similar uses). k is capped at m - 1.
        >>> knn_ids(np.array([[0.], [1.], [5.]]), k=1).ravel().tolist()
        [1, 0, 1]
    """
    Y = np.asarray(Y, dtype=np.float64)                                     # (m, d)
    if metric not in ("euclidean", "cosine"):
        raise ValueError(f"metric={metric!r} is not allowed: metric must be 'euclidean' or 'cosine'")
    m = len(Y)
    k = max(0, min(int(k), m - 1))
    if metric == "cosine":
        Yn = unit_rows(Y)
        D = -(Yn @ Yn.T)                                                    # (m, m) smaller = nearer
    else:
        sq = (Y ** 2).sum(axis=1)
        D = sq[:, None] + sq[None, :] - 2 * Y @ Y.T                         # (m, m) squared distances
    np.fill_diagonal(D, np.inf)
    return np.argsort(D, axis=1, kind="stable")[:, :k]


def _vote_hits(neighbours: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """(..., m) True where the neighbours' vote equals the row's own group; codes (..., m) group ids.
    A tie goes to the tied group whose member comes first among the neighbours."""
    nl = np.take(codes, neighbours, axis=-1)                                # (..., m, k) neighbours' groups
    k = nl.shape[-1]
    onehot = nl[..., None] == np.arange(n_groups)                           # (..., m, k, G)
    votes = onehot.sum(axis=-2)                                             # (..., m, G)
    nearness = (onehot * (k - np.arange(k))[:, None]).max(axis=-2)          # (..., m, G) k - first position
    return (votes * (k + 1) + nearness).argmax(axis=-1) == codes


def knn_vote_accuracy(neighbours: np.ndarray, labels) -> float:
    """Share of rows whose k neighbours' majority group is the row's own group (a tie goes to the tied
    group with the nearest member). Leave-one-out k-NN classification accuracy.

        >>> knn_vote_accuracy(np.array([[1, 2], [0, 2], [1, 0]]), ["a", "a", "b"])
        0.6666666666666666
    """
    nb = np.asarray(neighbours)
    if len(labels) == 0 or nb.shape[1] == 0:
        return float("nan")
    names, codes = np.unique(np.asarray(labels), return_inverse=True)       # codes (m,) group ids 0..G-1
    return float(np.mean(_vote_hits(nb, codes, len(names))))


def knn_group_accuracy(Y: np.ndarray, labels, k: int = 5, metric: str = "euclidean") -> float:
    """Leave-one-out k-nearest-neighbour group accuracy of the rows of Y: the share of words whose k
    nearest words (in Y, by `metric`) mostly belong to the word's own group. 1.0: every group is a
    clean cluster; about chance_accuracy(): the picture does not keep the groups apart.

        >>> Y = np.array([[0., 0.], [0., 1.], [0., 2.], [9., 0.], [9., 1.], [9., 2.]])
        >>> knn_group_accuracy(Y, ["a", "a", "a", "b", "b", "b"], k=2)
        1.0
    """
    labels = list(labels)
    if len(labels) != len(Y):
        raise ValueError(f"{len(labels)} labels for {len(Y)} rows: give one group per row")
    return knn_vote_accuracy(knn_ids(Y, k, metric), labels)


def chance_accuracy(neighbours: np.ndarray, labels, shuffles: int = 20, seed: int = 0) -> float:
    """The vote accuracy with the groups shuffled among the same words (mean of `shuffles` seeded
    shuffles): what a picture that ignores meaning would score with these group sizes.

        >>> round(chance_accuracy(knn_ids(np.arange(40.)[:, None], 3), ["a", "b"] * 20, shuffles=200), 1)
        0.5
    """
    nb = np.asarray(neighbours)
    if len(labels) == 0 or nb.shape[1] == 0:
        return float("nan")
    names, codes = np.unique(np.asarray(labels), return_inverse=True)
    rng = np.random.default_rng(seed)
    shuffled = rng.permuted(np.tile(codes, (shuffles, 1)), axis=1)          # (S, m) each row a shuffle
    return float(np.mean(_vote_hits(nb, shuffled, len(names))))


@dataclass(frozen=True)
class Separation:
    """How well the groups stay apart: k-NN group accuracy in the picture and in the full space."""
    view: float        # in the 2-D picture (euclidean)
    full: float        # in the d-dimensional vectors (cosine)
    chance: float      # with the groups shuffled (same neighbours in the picture)
    n_words: int       # words with a group among those drawn
    n_groups: int
    k: int


def separation(coords: np.ndarray, X: np.ndarray, groups, k: int = 5) -> Optional[Separation]:
    """k-NN group accuracy of the words that have a group: coords (m, 2) the picture, X (m, d) the
    same words' vectors, groups (m,) each word's group or None. None when fewer than 2 groups or
    fewer than k + 1 words have one.

        >>> Y = np.array([[0., 0.], [0., 1.], [5., 0.], [5., 1.], [2., 2.]])
        >>> s = separation(Y, Y, ["a", "a", "b", "b", None], k=1)
        >>> (s.view, s.n_words, s.n_groups)
        (1.0, 4, 2)
    """
    keep = [i for i, g in enumerate(groups) if g is not None]
    labels = [groups[i] for i in keep]
    if len(set(labels)) < 2 or len(keep) < k + 1:
        return None
    coords = np.asarray(coords, dtype=np.float64)[keep]
    Xg = np.asarray(X, dtype=np.float64)[keep]
    nb = knn_ids(coords, k)
    return Separation(view=knn_vote_accuracy(nb, labels), full=knn_group_accuracy(Xg, labels, k, "cosine"),
                      chance=chance_accuracy(nb, labels), n_words=len(keep), n_groups=len(set(labels)), k=k)


# t-SNE and the neighbour search beside it live in tsne.py; re-exported so callers keep projection.tsne
from .tsne import init_from_previous, nearest_neighbours, tsne  # noqa: E402,F401
from .umap_layout import umap  # noqa: E402,F401  (umap-learn, imported only when called)
