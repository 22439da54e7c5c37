"""lessons/interview/beyond.py: fastText on unseen words, PPMI + SVD, NCE against negative sampling, tying
through a map. Each measured answer follows its stated rule; the small trainers agree with the engine."""

from __future__ import annotations

import numpy as np
import pytest

from engine import Word2Vec, read_corpus, sample_corpora, sample_groups
from lessons.interview import beyond
from lessons.interview.setup import DIM, Setup, epochs_for, vocabulary
from lessons.measures import mean_group_precision
from lessons.stats import compare_intervals


@pytest.fixture(scope="module")
def royalty():
    return Setup(tuple(tuple(s) for s in read_corpus(sample_corpora()["royalty"])), "royalty",
                 sample_groups("royalty"))


def test_the_unseen_word_is_new_and_fasttext_builds_it_from_shared_ngrams(royalty):
    base, unseen = beyond.unseen_variant(royalty)
    assert base in royalty.groups and unseen.startswith(base) and unseen != base
    assert not any(unseen in s for s in royalty.sentences)
    r = beyond.fasttext_oov(royalty)
    assert r["truth"]["w2v"] == "no" and r["truth"]["fasttext"] == "yes"
    assert set(r["shared"]) <= set(r["ngrams"]) and r["ngrams"][0] == "<" + unseen[:2]
    assert r["truth"]["close"] == ("yes" if r["rank"] <= 5 else "no")
    assert any(row["same"] for row in r["rows"]) == (r["rank"] <= 5)


def test_ppmi_svd_vectors_separate_two_disjoint_topics():
    a, b = ["cat", "dog", "cow", "pig"], ["red", "blue", "green", "pink"]
    rng = np.random.default_rng(0)
    sentences = tuple(tuple(rng.permutation(group)) for group in [a, b] * 40)
    setup = Setup(sentences, "two", {**{w: "animal" for w in a}, **{w: "colour" for w in b}})
    X = beyond.ppmi_svd_vectors(setup, dim=2)
    assert X.shape == (8, 2)
    assert mean_group_precision(X, vocabulary(setup).index_to_key, setup.groups, k=3) == 1.0


def test_sgns_against_svd_is_decided_by_the_interval_test(royalty):
    r = beyond.sgns_vs_svd(royalty, seeds=(1, 2))
    per = {m: [row["precision"] for row in r["rows"] if row["method"] == m] for m in ("sgns", "svd")}
    v = compare_intervals(per["sgns"], per["svd"])
    assert r["truth"]["better"] == {"a": "sgns", "b": "svd"}.get(v["outcome"], "either")


def test_the_ns_trainer_is_the_engines_update_rule_and_nce_normalises(royalty):
    """The small trainer with objective "ns" makes exactly the engine's update (UpdateRule.apply) on the same
    stream; after training, NCE's scores are (nearly) normalised and negative sampling's are not."""
    updates = 300
    r = beyond.train_nce_or_ns(royalty, "ns", max_updates=updates)
    sentences = royalty.capped(5_000)
    m = Word2Vec(vector_size=DIM, window=2, shrink_windows=False, sample=0.0, negative=5,
                 epochs=epochs_for(sentences, 4, budget=updates, low=1, high=200), seed=royalty.seed)
    m.build_vocab(sentences)
    W_in, W_out = m.W_in.astype(np.float64), np.zeros((len(m.vocab), DIM))
    chunk, done = m.replay_stream().chunk(0), 0
    for e in range(updates):
        lr = 0.05 * (1.0 - done / updates) + 1e-4 * done / updates
        m.rule.apply(W_in, W_out, chunk.inputs(e), int(chunk.targets[e]), chunk.negatives[e], lr)
        done += 1
    np.testing.assert_allclose(r["W_in"], W_in, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r["W_out"], W_out, rtol=1e-10, atol=1e-12)
    out = beyond.nce_vs_ns(royalty)
    assert out["scores"]["nce"]["logz"] < beyond.NORMALISED_LOG_Z < out["scores"]["ns"]["logz"]
    assert out["truth"]["normalised"] == "nce"
    with pytest.raises(ValueError, match="'nce' or 'ns'"):
        beyond.train_nce_or_ns(royalty, "softmax")


def test_log_partition_is_zero_for_a_normalised_distribution():
    W_out = np.log(np.array([[0.2], [0.3], [0.5]]))          # exp(u . h) with h = 1: the probabilities
    assert beyond.log_partition(np.ones((1, 1)), W_out, np.array([0]))[0] == pytest.approx(0.0, abs=1e-12)


def test_tying_through_a_map_follows_its_rule(royalty):
    r = beyond.tying_with_a_map(royalty, max_updates=3_000)
    f = r["found"]
    fixed = f["self_mapped"] <= f["self_two"] + 10.0 and f["loss_mapped"] <= 1.1 * f["loss_two"]
    assert r["truth"]["mapped"] == ("fixes" if fixed else "still")
    assert f["self_tied"] > f["self_two"]                     # the tied model predicts itself more often


def test_word2vecs_sigmoid_table_question_follows_its_measurements(royalty):
    from lessons.interview import training

    r = training.word2vec_numerics(royalty, seeds=(1, 2))
    quality = {s: [row["quality"] for row in r["rows"] if row.get("sigmoid") == s and "quality" in row]
               for s in ("exact", "word2vec")}
    assert len(quality["exact"]) == len(quality["word2vec"]) == 2
    v = compare_intervals(quality["word2vec"], quality["exact"])
    assert r["truth"]["quality"] == {"a": "table_better", "b": "table_worse"}.get(v["outcome"], "same")
    stopped = {row["sigmoid"]: row["diverged"] for row in r["rows"] if "diverged" in row}
    expected = ("both" if all(stopped.values()) else "neither" if not any(stopped.values())
                else next(s for s, x in stopped.items() if x))
    assert r["truth"]["overflow"] == expected
    assert r["truth"]["overflow"] == "both"           # the table bounds sigma, not the weights
