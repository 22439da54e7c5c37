"""engine.experiments: six models, cost per update, gensim comparison, the corpus-growth and rare-word experiments."""

import math

import numpy as np
import pytest

from engine import Word2Vec, gensim_data_path
from engine.experiments import (SIX_MODELS, benchmark_scores, corpus_growth, dot_products_per_update,
                                gensim_available, gensim_kwargs, neighbour_overlap, rare_vs_frequent, summarize,
                                train_six)
from engine.keyed_vectors import KeyedVectors
from engine.synthetic import planted_corpus

SMALL = dict(vector_size=16, window=2, sample=0.0, epochs=3, negative=5, min_count=1)


@pytest.fixture(scope="module")
def corpus():
    return planted_corpus(n_tokens=6000, n_groups=4, group_size=6, zipf_s=1.0, seed=1)


def test_dot_products_per_update(corpus):
    V = None
    for obj in ("softmax", "negative_sampling", "hierarchical_softmax"):
        m = Word2Vec(objective=obj, negative=7, **{k: v for k, v in SMALL.items() if k != "negative"})
        m.build_vocab(corpus.sentences)
        V = len(m.vocab)
        dots, formula = dot_products_per_update(m)
        if obj == "softmax":
            assert dots == V and "V" in formula
        elif obj == "negative_sampling":
            assert dots == 8 and "k+1" in formula
        else:
            # Huffman codes are optimal prefix codes: entropy <= expected length < entropy + 1
            p = m.vocab.counts / m.vocab.counts.sum()
            H = -(p * np.log2(p)).sum()
            assert H <= dots < H + 1
            assert dots < math.log2(V) + 1


def test_train_six_trains_every_model_and_reports_progress(corpus):
    calls = []
    rows = train_six(corpus.sentences, SMALL, words=["animal1", "nonexistent"], truth=corpus,
                     progress=lambda d, t, label: calls.append((d, t)))
    assert [(r["architecture"], r["objective"]) for r in rows] == SIX_MODELS
    for r in rows:
        assert r["epoch_losses"][-1] < r["epoch_losses"][0]           # every model learns
        assert r["planted"] > corpus.chance_precision()                # and finds some of the planted groups
        assert r["missing"] == ["nonexistent"] and len(r["neighbours"]["animal1"]) == 10
        assert r["examples"] > 0 and r["time"] > 0
    sg = {r["objective"]: r["examples"] for r in rows if r["architecture"] == "skipgram"}
    cb = {r["objective"]: r["examples"] for r in rows if r["architecture"] == "cbow"}
    assert all(sg[o] > cb[o] for o in sg)                              # skip-gram: one update per pair
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == 6 and all(t == 6 for _, t in calls)


def test_train_six_stops_and_keeps_finished_models(corpus):
    out = []
    n = {"calls": 0}

    def progress(done, total, label):
        n["calls"] += 1
        return False if done >= 2 else None                            # stop once two models are done

    rows = train_six(corpus.sentences, SMALL, progress=progress, out=out)
    assert rows is out and len(rows) == 2


def test_gensim_kwargs_mapping():
    assert gensim_kwargs({"objective": "softmax"}) is None
    hs = gensim_kwargs({"architecture": "cbow", "objective": "hierarchical_softmax", "negative": 5})
    assert (hs["sg"], hs["hs"], hs["negative"]) == (0, 1, 0)
    ns = gensim_kwargs({"architecture": "skipgram", "objective": "negative_sampling", "negative": 7})
    assert (ns["sg"], ns["hs"], ns["negative"], ns["workers"]) == (1, 0, 7, 1)


def test_neighbour_overlap_bounds():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    a = KeyedVectors(words, rng.normal(size=(30, 5)))
    b = KeyedVectors(words, rng.normal(size=(30, 5)))
    assert neighbour_overlap(a, a, words, topn=5) == 1.0
    assert 0 <= neighbour_overlap(a, b, words, topn=5) < 1
    assert math.isnan(neighbour_overlap(a, b, ["unknown"], topn=5))


@pytest.mark.skipif(not gensim_available(), reason="gensim is not installed")
def test_same_settings_in_gensim_find_the_same_neighbours(corpus):
    words = corpus.planted_words
    rows = train_six(corpus.sentences, {**SMALL, "epochs": 10}, words=words, with_gensim=True,
                     models=[("skipgram", "negative_sampling"), ("skipgram", "softmax")])
    ns, sm = rows
    assert sm["gensim"] is None                                          # gensim has no full softmax
    # chance overlap of two random top-10 lists among ~54 words is about 10/53 = 0.19
    assert ns["gensim"]["overlap"] > 0.5


def test_corpus_growth_more_text_helps(corpus):
    rows = corpus_growth(corpus, [0.1, 1.0], [1, 2], {**SMALL, "epochs": 5})
    assert len(rows) == 2 * 2 * 2
    small = np.mean([r["precision"] for r in rows if r["fraction"] == 0.1])
    full = np.mean([r["precision"] for r in rows if r["fraction"] == 1.0])
    assert full > small + 0.1
    assert {r["tokens"] for r in rows if r["fraction"] == 1.0} == {corpus.n_tokens()}


def test_rare_vs_frequent_rows_and_summary(corpus):
    rows = rare_vs_frequent(corpus, [1, 2], {**SMALL, "epochs": 5}, n_bins=2)
    assert len(rows) == 2 * 2 * 2
    summary = summarize(rows, ["bin", "architecture"])
    for s in summary:
        vals = [r["precision"] for r in rows if r["bin"] == s["bin"] and r["architecture"] == s["architecture"]]
        assert s["n"] == 2
        assert s["mean"] == pytest.approx(np.mean(vals))
        assert s["std"] == pytest.approx(np.std(vals, ddof=1))


@pytest.mark.skipif(gensim_data_path("wordsim353.tsv") is None, reason="gensim's test data is not installed")
def test_benchmark_scores_match_scipy_spearman():
    from scipy.stats import spearmanr
    path = gensim_data_path("wordsim353.tsv")
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 3:
            continue
        pairs.append((parts[0].lower(), parts[1].lower(), float(parts[2])))
    words = sorted({w for a, b, _ in pairs for w in (a, b)})
    kv = KeyedVectors(words, np.random.default_rng(0).normal(size=(len(words), 10)))
    scores = benchmark_scores(kv)
    ws = scores["WordSim-353"]
    ref = spearmanr([s for *_, s in pairs], [kv.similarity(a, b) for a, b, _ in pairs]).statistic
    assert ws["coverage"] == 1.0 and ws["used"] == len(pairs)
    assert ws["score"] == pytest.approx(ref, abs=1e-9)
    assert 0 <= scores["Google analogies"]["coverage"] <= 1


def test_docstring_examples():
    import doctest

    import engine.experiments as module
    assert doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
