"""engine.projection: PCA against scikit-learn, Procrustes, the stable basis between frames, t-SNE, neighbours,
the view options (unit length, centering, all-but-the-top) and the k-NN group accuracy of a picture."""

import numpy as np
import pytest

from engine.projection import (StablePCA, center, chance_accuracy, fit_view, init_from_previous, knn_group_accuracy,
                               knn_ids, knn_vote_accuracy, nearest_neighbours, pca, procrustes, remove_top_directions,
                               separation, top_directions, tsne, unit_rows)


def test_pca_matches_sklearn():
    from sklearn.decomposition import PCA
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 7)) @ rng.normal(size=(7, 7))                 # correlated columns
    ours = pca(X, 2)
    ref = PCA(n_components=2).fit(X)
    np.testing.assert_allclose(ours.explained, ref.explained_variance_ratio_, rtol=1e-10)
    for j in range(2):                                                     # components agree up to sign
        dot = ours.components[:, j] @ ref.components_[j]
        assert abs(abs(dot) - 1) < 1e-10
    np.testing.assert_allclose(np.abs(ours.transform(X)), np.abs(ref.transform(X)), atol=1e-9)


def test_pca_with_fewer_rows_than_components_gives_orthonormal_basis():
    res = pca(np.array([[1.0, 2.0, 3.0]]), 2)
    np.testing.assert_allclose(res.components.T @ res.components, np.eye(2), atol=1e-12)


def test_procrustes_recovers_rotation_and_reflection():
    rng = np.random.default_rng(1)
    Y = rng.normal(size=(30, 2))
    theta = 0.7
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    for Q in (R, R @ np.diag([1.0, -1.0])):
        found = procrustes(Y, Y @ Q)
        np.testing.assert_allclose(found, Q, atol=1e-10)


def _frames(seed=2, n=80, d=6, steps=15, eps=0.01):
    """A cloud drifting a little each frame."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.array([3.0, 2.0, 1.0, 0.5, 0.2, 0.1])[:d]
    frames = [X]
    for _ in range(steps):
        frames.append(frames[-1] + eps * rng.normal(size=(n, d)))
    return frames


def _swap_frames(n=100, d=5):
    """Two frames whose two largest variances trade places: each point moves by only ~2% of the spread."""
    Z = np.random.default_rng(7).normal(size=(n, d))
    Z -= Z.mean(axis=0)
    Z = np.linalg.qr(Z)[0] * np.sqrt(n)                                    # exactly uncorrelated columns
    return [Z * np.array([1.02, 1.0, 0.1, 0.1, 0.1]), Z * np.array([1.0, 1.02, 0.1, 0.1, 0.1])]


def _moves(mode, frames):
    proj = StablePCA(mode)
    coords = [proj.project(F) for F in frames]
    spread = np.abs(coords[0]).mean()
    return [np.abs(b - a).mean() / spread for a, b in zip(coords, coords[1:])]


def test_aligned_pca_moves_points_little():
    # each point moves about eps = 1% of the spread per frame; aligned frames must stay close to that
    assert max(_moves("aligned", _frames())) < 0.05


def test_fresh_pca_jumps_when_two_directions_trade_places_and_aligned_does_not():
    fresh, aligned = _moves("fresh", _swap_frames())[0], _moves("aligned", _swap_frames())[0]
    assert fresh > 0.5                    # the axes swapped: the picture turned by 90 degrees
    assert aligned < 0.05


def test_fixed_mode_freezes_the_basis_after_warmup():
    proj = StablePCA("fixed", warmup=3)
    bases = []
    for F in _frames(steps=8, eps=0.2):
        proj.project(F)
        bases.append(proj.basis.copy())
    assert not np.allclose(bases[0], bases[2])                             # still moving during warm-up
    for b in bases[3:]:
        np.testing.assert_array_equal(b, bases[2])


def test_transform_reproduces_the_frame_and_explained_is_a_share():
    proj = StablePCA("aligned")
    for F in _frames(steps=3):
        Y = proj.project(F)
        np.testing.assert_allclose(proj.transform(F), Y)
        assert np.all(proj.explained >= 0) and proj.explained.sum() <= 1 + 1e-12
    with pytest.raises(ValueError, match="mode"):
        StablePCA("wobbly")


@pytest.mark.slow
def test_tsne_separates_clusters_and_is_seeded():
    rng = np.random.default_rng(3)
    centres = rng.normal(scale=10, size=(3, 10))
    labels = np.repeat(np.arange(3), 20)
    X = centres[labels] + rng.normal(size=(60, 10))
    Y1 = tsne(X, seed=4, perplexity=10, metric="euclidean")
    Y2 = tsne(X, seed=4, perplexity=10, metric="euclidean")
    np.testing.assert_allclose(Y1, Y2)
    # every point's nearest neighbour in the layout is from its own cluster
    D = ((Y1[:, None] - Y1[None]) ** 2).sum(-1)
    np.fill_diagonal(D, np.inf)
    assert np.all(labels[D.argmin(axis=1)] == labels)


def test_tsne_rejects_bad_perplexity_and_uses_an_init():
    X = np.random.default_rng(5).normal(size=(30, 4))
    with pytest.raises(ValueError, match="perplexity"):
        tsne(X, perplexity=30)
    with pytest.raises(ValueError, match="init"):
        tsne(X, perplexity=5, init=np.zeros((3, 2)))


def _offset(p, q):
    """How different two layouts are after centring, scaling to unit norm and the best rotation."""
    a, b = p - p.mean(0), q - q.mean(0)
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    return np.linalg.norm(b @ procrustes(b, a) - a)


@pytest.mark.slow
def test_tsne_from_the_previous_layout_stays_recognisable():
    rng = np.random.default_rng(5)
    labels = np.repeat(np.arange(5), 30)
    X = rng.normal(scale=4, size=(5, 10))[labels] + rng.normal(size=(150, 10))
    prev = tsne(X, seed=0, perplexity=15, metric="euclidean")
    X2 = X + 0.5 * rng.normal(size=X.shape)                                # training moved the vectors a bit
    from_prev = tsne(X2, seed=0, perplexity=15, init=prev, metric="euclidean")
    from_pca = tsne(X2, seed=0, perplexity=15, metric="euclidean")
    assert _offset(prev, from_prev) < 0.5 * _offset(prev, from_pca)


def test_init_from_previous_keeps_known_words_and_places_new_ones_near_their_neighbour():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [0.99, 0.05]])
    init = init_from_previous(["a", "b", "c"], {"a": (5.0, 5.0), "b": (-5.0, -5.0)}, X)
    np.testing.assert_array_equal(init[:2], [[5, 5], [-5, -5]])
    assert np.linalg.norm(init[2] - [5, 5]) < np.linalg.norm(init[2] - [-5, -5])
    assert init_from_previous(["x"], {}, X[:1]) is None


def test_nearest_neighbours_match_brute_force():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(40, 5))
    rows = np.array([0, 7, 39])
    ids, cos = nearest_neighbours(X, rows, topn=4)
    Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
    for r, i in enumerate(rows):
        sims = Xn @ Xn[i]
        sims[i] = -np.inf
        expect = np.argsort(-sims)[:4]
        np.testing.assert_array_equal(ids[r], expect)
        np.testing.assert_allclose(cos[r], sims[expect])


# ---------------------------------------------------------------- view options
def _shifted_cloud(seed=8, n=60, d=6):
    """A cloud far from the origin with one long direction: what word vectors often look like."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) * np.array([4.0, 2.0, 1.0, 0.5, 0.3, 0.2]) + 10.0


def test_centering_makes_the_mean_zero_and_unit_rows_have_length_one():
    X = _shifted_cloud()
    np.testing.assert_allclose(center(X).mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(unit_rows(X), axis=1), 1)
    assert np.all(unit_rows(np.zeros((2, 3))) == 0)                        # a zero row stays zero, no NaN
    prep = fit_view(X, centered=True, unit=True)
    np.testing.assert_allclose(prep.apply(X).mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(prep.apply(X) + prep.mean, unit_rows(X))   # only the mean was subtracted
    assert np.all(fit_view(X, centered=False).mean == 0)


def test_all_but_the_top_removes_the_top_directions():
    X = _shifted_cloud()
    top = pca(X, 2).components                                              # (d, 2) of the centered rows
    for n in (1, 2):
        R = remove_top_directions(X, n)
        np.testing.assert_allclose(R @ top[:, :n], 0, atol=1e-9)            # nothing left along them
        np.testing.assert_allclose(R.mean(axis=0), 0, atol=1e-9)
        # what is left is the rest of the spread: total minus the removed directions' variance
        Xc = center(X)
        np.testing.assert_allclose((R ** 2).sum(), (Xc ** 2).sum() - ((Xc @ top[:, :n]) ** 2).sum(), rtol=1e-10)
    np.testing.assert_allclose(remove_top_directions(X, 0), center(X))
    with pytest.raises(ValueError, match="n=7"):
        top_directions(X, 7)


def test_stable_pca_with_view_options_draws_snapshots_in_the_same_frame():
    X = _shifted_cloud()
    proj = StablePCA("aligned", centered=True, unit=True, remove_top=1)
    Y = proj.project(X)
    np.testing.assert_allclose(proj.transform(X), Y)
    prep = fit_view(X, centered=True, unit=True, remove_top=1)
    np.testing.assert_allclose(proj.basis.T @ prep.removed, 0, atol=1e-9)  # the axes avoid the removed direction
    np.testing.assert_allclose(Y, prep.apply(X) @ proj.basis)
    # without centering the first axis points along the mean (the cloud sits far from the origin)
    raw = StablePCA("fresh", centered=False)
    raw.project(X)
    mean_dir = X.mean(axis=0) / np.linalg.norm(X.mean(axis=0))
    assert abs(raw.basis[:, 0] @ mean_dir) > 0.95
    with pytest.raises(ValueError, match="remove_top"):
        StablePCA(remove_top=5).project(X)                                 # d = 6: at most 4 can go


def test_changing_the_view_restarts_a_frozen_basis():
    proj = StablePCA("fixed", warmup=1)
    frames = _frames(steps=4, eps=0.3)
    proj.project(frames[0])
    frozen = proj.basis.copy()
    proj.project(frames[1])
    np.testing.assert_array_equal(proj.basis, frozen)                      # frozen after the warm-up
    proj.configure(centered=True, unit=True)
    proj.project(frames[2])
    assert not np.allclose(proj.basis, frozen)                             # refitted with the new view
    proj.configure(centered=True, unit=True)                               # the same options: nothing changes
    b = proj.basis.copy()
    proj.project(frames[3])
    np.testing.assert_array_equal(proj.basis, b)


# ---------------------------------------------------------------- how well a picture keeps groups apart
def test_knn_accuracy_is_one_on_separable_clusters_and_near_chance_on_random_labels():
    rng = np.random.default_rng(9)
    labels = np.repeat(["a", "b", "c", "d"], 50)
    centres = {"a": (0, 0), "b": (20, 0), "c": (0, 20), "d": (20, 20)}
    Y = np.array([centres[g] for g in labels]) + rng.normal(size=(200, 2))
    assert knn_group_accuracy(Y, labels, k=5) == 1.0
    shuffled = rng.permutation(labels)                                     # the same picture, random groups
    acc = knn_group_accuracy(Y, shuffled, k=5)
    chance = chance_accuracy(knn_ids(Y, 5), shuffled)
    assert abs(chance - 0.25) < 0.05 and abs(acc - 0.25) < 0.1
    assert knn_group_accuracy(Y, labels, k=5, metric="cosine") > 0.6      # cosine sees directions from 0
    with pytest.raises(ValueError, match="labels"):
        knn_group_accuracy(Y, labels[:10])


def test_knn_neighbours_and_the_vote_with_ties():
    Y = np.array([[0.0], [1.0], [3.0], [10.0]])
    np.testing.assert_array_equal(knn_ids(Y, 2), [[1, 2], [0, 2], [1, 0], [2, 1]])
    # row 0's neighbours are groups b, c (a tie): the nearer one (b) wins, which is not a -> wrong
    assert knn_vote_accuracy(np.array([[1, 2], [0, 2], [1, 0]]), ["a", "b", "c"]) == 0.0
    assert knn_vote_accuracy(np.array([[1, 2], [0, 2], [0, 1]]), ["a", "a", "a"]) == 1.0


def test_separation_counts_only_words_with_a_group():
    rng = np.random.default_rng(10)
    coords = np.vstack([rng.normal(size=(10, 2)), rng.normal(size=(10, 2)) + 30, rng.normal(size=(5, 2)) + 15])
    X = np.repeat(np.eye(3), [10, 10, 5], axis=0) + 0.1 * rng.normal(size=(25, 3))   # the full space: 3 directions
    groups = ["a"] * 10 + ["b"] * 10 + [None] * 5
    sep = separation(coords, X, groups, k=5)
    assert (sep.view, sep.n_words, sep.n_groups, sep.k) == (1.0, 20, 2, 5)
    assert sep.full == 1.0 and 0.3 < sep.chance < 0.7
    assert separation(coords, X, ["a"] * 20 + [None] * 5) is None           # one group: nothing to separate
    assert separation(coords[:4], X[:4], ["a", "b", "a", "b"], k=5) is None  # too few words for k


@pytest.mark.slow
def test_umap_is_seeded_separates_clusters_and_refuses_bad_parameters():
    """umap-learn with a seed: the same vectors and seed give the same coordinates, another seed others;
    three clear clusters stay apart (each point's nearest neighbour in the layout is from its cluster)."""
    from engine.projection import umap

    rng = np.random.default_rng(3)
    centres = rng.normal(scale=10, size=(3, 10))
    labels = np.repeat(np.arange(3), 20)
    X = centres[labels] + rng.normal(size=(60, 10))
    Y1 = umap(X, seed=4, n_neighbors=10)
    Y2 = umap(X, seed=4, n_neighbors=10)
    Y3 = umap(X, seed=5, n_neighbors=10)
    assert Y1.shape == (60, 2)
    np.testing.assert_array_equal(Y1, Y2)
    assert not np.allclose(Y1, Y3)
    D = ((Y1[:, None] - Y1[None]) ** 2).sum(-1)
    np.fill_diagonal(D, np.inf)
    assert np.all(labels[D.argmin(axis=1)] == labels)
    with pytest.raises(ValueError, match="n_neighbors=60"):
        umap(X, n_neighbors=60)
    with pytest.raises(ValueError, match="min_dist=1.5"):
        umap(X, min_dist=1.5)
    with pytest.raises(ValueError, match="at least 4 words"):
        umap(X[:3])


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_exact_neighbours_are_the_k_nearest_by_brute_force(metric):
    """UMAP's neighbours from 4,096 words on (umap_layout.exact_neighbours): each row's k nearest, itself first
    at distance 0, distances as umap-learn's (1 - cos, or euclidean), across block boundaries."""
    from engine.umap_layout import exact_neighbours

    rng = np.random.default_rng(8)
    X = rng.normal(size=(70, 6)).astype(np.float32)
    idx, dist = exact_neighbours(X, 5, metric, block=16)
    if metric == "cosine":
        Z = X / np.linalg.norm(X, axis=1, keepdims=True)
        D = 1 - Z.astype(np.float64) @ Z.T.astype(np.float64)
    else:
        D = np.sqrt(((X[:, None].astype(np.float64) - X[None]) ** 2).sum(-1))
    np.fill_diagonal(D, 0)
    assert idx.shape == dist.shape == (70, 5)
    assert np.array_equal(idx[:, 0], np.arange(70)) and np.allclose(dist[:, 0], 0, atol=1e-5)
    np.testing.assert_allclose(dist, np.sort(D, axis=1)[:, :5], atol=1e-4)
    np.testing.assert_allclose(np.take_along_axis(D, idx.astype(int), axis=1), dist, atol=1e-4)


@pytest.mark.slow
def test_umap_of_many_words_skips_pynndescent_and_its_compiled_code_is_cached_on_disk():
    """From 4,096 words on umap-learn would call pynndescent's search (about 40 CPU s of compiling in every new
    process); the exact neighbours are handed over instead, so its nn_descent is never compiled. umap-learn's own
    compiled functions write numba's disk cache, which the next process loads instead of compiling."""
    from pathlib import Path

    from engine.umap_layout import umap

    rng = np.random.default_rng(2)
    X = rng.normal(size=(4200, 8)).astype(np.float32)
    Y = umap(X, seed=1, n_neighbors=5)
    assert Y.shape == (4200, 2) and np.isfinite(Y).all()
    import sys

    from numba.core.dispatcher import Dispatcher

    if "pynndescent.pynndescent_" in sys.modules:
        assert not sys.modules["pynndescent.pynndescent_"].nn_descent.signatures
    compiled = {obj for name, mod in list(sys.modules.items()) if name.startswith("umap.")
                for obj in vars(mod).values() if isinstance(obj, Dispatcher) and obj.signatures
                and obj._can_compile}                   # not those compiled at import for a declared signature
    assert len(compiled) >= 4                                  # the graph, the memberships, the layout, distances
    for d in compiled:
        assert type(d._cache).__name__ == "FunctionCache", d.py_func.__qualname__
        assert Path(d._cache._cache_file._index_path).exists(), d.py_func.__qualname__
