"""lessons/measures.py: each measure once, and every page that reports it gets the same number."""

from __future__ import annotations

import numpy as np
import pytest

from engine import Word2Vec, read_corpus, sample_corpora, sample_groups
from lessons import measures, planted
from lessons.interview import geometry as iv_geometry
from lessons.sweep import scores as sweep_scores


def _brute_force(X, words, groups, k):
    """Group precision@k written the slow, obvious way (for every grouped word, sort the others)."""
    out = {}
    grouped = [w for w in words if w in groups]
    for w in grouped:
        same = sum(groups[x] == groups[w] for x in grouped) - 1
        if same < 1:
            continue
        kk = min(k, same)
        xi = X[words.index(w)]
        sims = []
        for x in grouped:
            if x == w:
                continue
            xj = X[words.index(x)]
            sims.append((-(xi @ xj) / (np.linalg.norm(xi) * np.linalg.norm(xj)), grouped.index(x), x))
        top = [x for _, _, x in sorted(sims)[:kk]]
        out[w] = sum(groups[x] == groups[w] for x in top) / kk
    return out


def test_group_precision_against_a_brute_force_count():
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(30)]
    groups = {w: "abc"[i % 3] for i, w in enumerate(words) if i % 5}      # some words ungrouped
    X = rng.standard_normal((30, 4))
    got = measures.group_precision(X, words, groups, k=4)
    want = _brute_force(X, words, groups, 4)
    assert got.keys() == want.keys()
    for w in want:
        assert got[w] == pytest.approx(want[w])
    assert measures.mean_group_precision(X, words, groups, k=4) == pytest.approx(np.mean(list(want.values())))


def test_cosine_matrix_is_the_cosine_and_zero_rows_are_zero():
    X = np.array([[3.0, 4.0], [0.0, 0.0], [-4.0, 3.0], [6.0, 8.0]])
    C = measures.cosine_matrix(X)
    assert C[0, 3] == pytest.approx(1.0) and C[0, 2] == pytest.approx(0.0)
    assert (C[1] == 0).all() and (C[:, 1] == 0).all()


@pytest.fixture(scope="module")
def royalty_vectors():
    sentences = list(read_corpus(sample_corpora()["royalty"]))
    model = Word2Vec(vector_size=16, window=2, min_count=1, sample=0, epochs=3, seed=2).build_vocab(sentences)
    model.train()
    return model.wv, sample_groups("royalty")


def test_the_pages_that_report_group_precision_agree_on_the_same_vectors(royalty_vectors):
    """Issue 22: the Hyperparameters page's groups score (sweep scores), the interview's neighbours question
    (geometry) and the Compare page's planted precision (planted.neighbour_precision) all call
    lessons.measures: for the same vectors and groups they report the same number."""
    kv, groups = royalty_vectors
    direct = measures.mean_group_precision(kv.vectors, kv.index_to_key, groups, k=5)
    assert 0.0 <= direct <= 1.0
    sweep_page, coverage = sweep_scores.groups_score(kv, groups, k=5)
    assert sweep_page == pytest.approx(direct) and coverage == 1.0
    assert iv_geometry.mean_group_precision is measures.mean_group_precision      # the interview's scorer
    interview = iv_geometry.mean_group_precision(np.asarray(kv.vectors), list(kv.index_to_key), groups)
    assert interview == pytest.approx(direct)
    # a planted corpus whose groups are the sample's groups: the Compare page's number is the same too
    names = sorted(set(groups.values()))
    corpus = planted.PlantedCorpus(sentences=[], group_of=dict(groups),
                                   groups={g: [w for w in groups if groups[w] == g] for g in names},
                                   zipf_rank={w: i for i, w in enumerate(kv.index_to_key)}, fillers=[])
    compare_page = np.mean(list(planted.neighbour_precision(kv, corpus, k=5).values()))
    assert compare_page == pytest.approx(direct)
