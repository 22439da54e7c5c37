"""The queries answer as gensim's do on the same vectors (issue 26, part 4): gensim's KeyedVectors is the oracle.

Vectors trained by gensim on lee_background.cor (shipped with gensim; tokens split on whitespace, case kept, so
the vocabulary holds 'The', 'Australia', 'government' and 'Government'), saved in word2vec format by gensim and
read with our reader. Then every query is asked of both: similarity, most_similar with topn / restrict_vocab /
positive+negative, most_similar_cosmul, doesnt_match, evaluate_word_pairs (case-insensitive and not, with
restrict_vocab) and evaluate_word_analogies.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine import load_word2vec_format
from engine.corpus import gensim_data_path

gensim_models = pytest.importorskip("gensim.models", reason="gensim is not installed (it is in requirements.txt)")


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """(ours, gensim's): the same gensim-trained vectors, ours read from gensim's word2vec file."""
    path = gensim_data_path("lee_background.cor")
    sentences = [line.split() for line in open(path, encoding="utf-8")]
    model = gensim_models.Word2Vec(sentences, vector_size=32, window=5, min_count=2, epochs=3, workers=1, seed=1)
    out = tmp_path_factory.mktemp("oracle") / "lee.w2v"
    model.wv.save_word2vec_format(str(out), binary=True)
    theirs = gensim_models.KeyedVectors.load_word2vec_format(str(out), binary=True)
    return load_word2vec_format(out), theirs


def same_ranking(ours, theirs, atol=1e-5):
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=atol)


def test_the_vocabulary_has_case_variants(pair):
    ours, _ = pair
    assert {"government", "Government", "The", "the"} <= set(ours.key_to_index)


def test_similarity(pair):
    ours, theirs = pair
    for a, b in [("government", "Government"), ("Australia", "Sydney"), ("the", "fire"), ("police", "police")]:
        assert ours.similarity(a, b) == pytest.approx(float(theirs.similarity(a, b)), abs=1e-6)


@pytest.mark.parametrize("query", [
    dict(positive=["government"]),
    dict(positive=["government"], topn=3),
    dict(positive=["government"], topn=40),
    dict(positive="Australia", topn=7),
    dict(positive=["fire"], restrict_vocab=200),
    dict(positive=["fire"], restrict_vocab=1000, topn=15),
    dict(positive=["Sydney", "Afghanistan"], negative=["Australia"]),
    dict(positive=["police", "fire"], negative=["the"], topn=12, restrict_vocab=2000),
    dict(negative=["government"], topn=5),
])
def test_most_similar(pair, query):
    ours, theirs = pair
    same_ranking(ours.most_similar(**query), theirs.most_similar(**query))


@pytest.mark.parametrize("query", [
    dict(positive=["government"]),
    dict(positive=["Sydney", "Afghanistan"], negative=["Australia"], topn=8),
    dict(positive=["police", "fire"], negative=["the", "and"], topn=4),
])
def test_most_similar_cosmul(pair, query):
    ours, theirs = pair
    same_ranking(ours.most_similar_cosmul(**query), theirs.most_similar_cosmul(**query))


@pytest.mark.parametrize("words", [["government", "minister", "police", "fire"],
                                   ["Sydney", "Melbourne", "Australia", "fire"],
                                   ["the", "a", "and", "Afghanistan"]])
def test_doesnt_match(pair, words):
    ours, theirs = pair
    assert ours.doesnt_match(words) == theirs.doesnt_match(words)


@pytest.mark.parametrize("kwargs", [dict(), dict(case_insensitive=False), dict(restrict_vocab=1500),
                                    dict(dummy4unknown=True)])
@pytest.mark.parametrize("name", ["wordsim353.tsv", "simlex999.txt"])
def test_evaluate_word_pairs(pair, name, kwargs):
    ours, theirs = pair
    path = gensim_data_path(name)
    (pearson, p), spearman, oov = ours.evaluate_word_pairs(path, **kwargs)
    (g_pearson, g_p), g_spearman, g_oov = theirs.evaluate_word_pairs(path, **kwargs)
    assert oov == pytest.approx(g_oov, abs=1e-9)                  # a percentage, as gensim's
    assert pearson == pytest.approx(g_pearson, abs=1e-5) and p == pytest.approx(g_p, rel=1e-3, abs=1e-12)
    assert spearman.statistic == pytest.approx(g_spearman.statistic, abs=1e-5)
    assert spearman[0] == spearman.correlation == spearman.statistic   # gensim's result: indexable and named
    assert spearman.pvalue == pytest.approx(g_spearman.pvalue, rel=1e-3, abs=1e-12)


def test_case_insensitive_pairs_match_the_vocabulary_case_insensitively(pair, tmp_path):
    """A capitalised vocabulary word answers a lower-case list word (ours used to lower-case only the list)."""
    ours, theirs = pair
    assert "Australia" in ours.key_to_index and "australia" not in ours.key_to_index
    path = tmp_path / "pairs.tsv"
    path.write_text("australia\tsydney\t7\ngovernment\tminister\t8\nfire\tpolice\t3\nthe\tnonexistentword\t1\n")
    (_, _), _, oov = ours.evaluate_word_pairs(path)
    assert oov == pytest.approx(25.0) == pytest.approx(theirs.evaluate_word_pairs(str(path))[2])
    details = ours.word_pair_details(path)
    assert details[0][:3] == ("australia", "sydney", 7.0) and details[0][3] is not None
    assert details[3][3] is None


@pytest.mark.parametrize("kwargs", [dict(), dict(case_insensitive=False), dict(restrict_vocab=3000)])
def test_evaluate_word_analogies(pair, kwargs):
    ours, theirs = pair
    path = gensim_data_path("questions-words.txt")
    accuracy, sections = ours.evaluate_word_analogies(path, **kwargs)
    g_accuracy, g_sections = theirs.evaluate_word_analogies(path, **kwargs)
    assert accuracy == pytest.approx(g_accuracy)
    ours_by_name = {s["section"]: (s["correct"], s["incorrect"]) for s in sections}
    theirs_by_name = {s["section"]: (len(s["correct"]), len(s["incorrect"])) for s in g_sections}
    assert ours_by_name == theirs_by_name
    assert sections[-1]["correct"] + sections[-1]["incorrect"] > 0
