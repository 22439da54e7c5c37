"""Queries, benchmarks and word2vec files, checked against gensim's KeyedVectors (engine/keyed_vectors.py)."""

import numpy as np
import pytest

from engine import KeyedVectors, load_word2vec_format, parse_word2vec_bytes
from engine.corpus import gensim_data_path
from engine.keyed_vectors import spearman

gensim_models = pytest.importorskip("gensim.models", reason="gensim is not installed (it is in requirements.txt)")


@pytest.fixture(scope="module")
def kv():
    """Random vectors for the words of WordSim-353 and a few analogy words (no training needed)."""
    rng = np.random.default_rng(0)
    # whole analogy questions first (athens : greece :: baghdad : iraq, ...), then the WordSim words
    words = ["athens", "greece", "baghdad", "iraq", "bangkok", "thailand", "beijing", "china", "berlin",
             "germany", "boy", "girl", "brother", "sister", "king", "queen", "he", "she", "his", "her"]
    for line in open(gensim_data_path("wordsim353.tsv"), encoding="utf-8"):
        if line.startswith("#"):
            continue
        words += [w.lower() for w in line.split("\t")[:2]]
    words = list(dict.fromkeys(words))[:300]  # drop some words so that a few pairs are out of vocabulary
    return KeyedVectors(words, rng.normal(size=(len(words), 16)).astype(np.float32))


@pytest.fixture(scope="module")
def gensim_kv(kv):
    g = gensim_models.KeyedVectors(vector_size=kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors)
    return g


def test_most_similar_matches_gensim(kv, gensim_kv):
    for query in [dict(positive=["king"]), dict(positive=["king", "girl"], negative=["boy"]),
                  dict(positive=["berlin", "greece"], negative=["germany"])]:
        ours = kv.most_similar(topn=8, **query)
        theirs = gensim_kv.most_similar(topn=8, **query)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)
    ours = kv.most_similar_cosmul(positive=["king", "girl"], negative=["boy"], topn=5)
    theirs = gensim_kv.most_similar_cosmul(positive=["king", "girl"], negative=["boy"], topn=5)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    assert kv.similarity("king", "queen") == pytest.approx(float(gensim_kv.similarity("king", "queen")), abs=1e-6)
    assert kv.doesnt_match(["king", "queen", "boy", "iraq"]) == gensim_kv.doesnt_match(["king", "queen", "boy", "iraq"])


def test_query_words_are_excluded_and_unknown_words_named(kv):
    assert "king" not in [w for w, _ in kv.most_similar("king", topn=50)]
    with pytest.raises(KeyError, match="'qwertyuiop'"):
        kv.most_similar(positive=["king", "qwertyuiop"])


def test_word_pairs_match_gensim(kv, gensim_kv):
    path = gensim_data_path("wordsim353.tsv")
    (pearson, p), spear, oov = kv.evaluate_word_pairs(path)     # gensim's shapes
    (g_pearson, g_p), g_spear, g_oov = gensim_kv.evaluate_word_pairs(path)
    assert pearson == pytest.approx(g_pearson, abs=1e-5) and p == pytest.approx(g_p, rel=1e-3)
    assert spear.statistic == pytest.approx(g_spear.statistic, abs=1e-5)
    assert spear.pvalue == pytest.approx(g_spear.pvalue, rel=1e-3)
    assert oov == pytest.approx(g_oov, abs=1e-9)          # a percentage, as gensim's
    assert 0 < oov < 100


def test_analogies_match_gensim(kv, gensim_kv):
    path = gensim_data_path("questions-words.txt")
    acc, sections = kv.evaluate_word_analogies(path)
    g_acc, g_sections = gensim_kv.evaluate_word_analogies(path)
    total = sections[-1]
    assert total["correct"] + total["incorrect"] == len(g_sections[-1]["correct"]) + len(g_sections[-1]["incorrect"])
    assert total["correct"] == len(g_sections[-1]["correct"])
    assert total["correct"] + total["incorrect"] > 20
    assert acc == pytest.approx(g_acc)


def test_analogy_details_are_gensims_answers_question_by_question(kv, gensim_kv):
    """word_analogy_details: one entry per question of the file; the known ones marked right or wrong exactly as
    gensim's sections list them, the others None (to score several models on the questions they all know)."""
    path = gensim_data_path("questions-words.txt")
    details = kv.word_analogy_details(path)
    g_total = gensim_kv.evaluate_word_analogies(path)[1][-1]
    right = sorted(tuple(q) for q in g_total["correct"])
    wrong = sorted(tuple(q) for q in g_total["incorrect"])
    asked = [d for d in details if d[5] is not None]
    assert sorted(tuple(w.upper() for w in d[1:5]) for d in asked if d[5]) == right
    assert sorted(tuple(w.upper() for w in d[1:5]) for d in asked if not d[5]) == wrong
    n_questions = sum(1 for line in open(path, encoding="utf-8") if not line.startswith(":"))
    assert len(details) == n_questions and len(asked) == len(right) + len(wrong) > 20
    assert kv.evaluate_word_analogies(path)[1][-1]["skipped"] == n_questions - len(asked)


def test_spearman_against_scipy():
    stats = pytest.importorskip("scipy.stats", reason="scipy is not installed")
    rng = np.random.default_rng(3)
    x, y = rng.integers(0, 10, 50), rng.normal(size=50)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y)[0], abs=1e-12)


@pytest.mark.parametrize("binary", [False, True])
def test_save_roundtrip_and_gensim_loads_it(kv, tmp_path, binary):
    path = tmp_path / ("v.bin" if binary else "v.txt")
    kv.save_word2vec_format(path, binary=binary)
    back = load_word2vec_format(path)  # binary detected automatically
    assert back.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(back.vectors, kv.vectors)  # repr(float) round-trips float32 exactly
    g = gensim_models.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert list(g.index_to_key) == kv.index_to_key
    np.testing.assert_allclose(g.vectors, kv.vectors, rtol=1e-6)


def test_gensim_saved_file_loads_here(gensim_kv, tmp_path):
    for binary in (False, True):
        path = tmp_path / f"g{binary}.w2v"
        gensim_kv.save_word2vec_format(str(path), binary=binary)
        back = load_word2vec_format(path)
        np.testing.assert_allclose(back.vectors, gensim_kv.vectors, rtol=1e-6)


def test_projector_tsv(kv, tmp_path):
    kv.save_projector_tsv(tmp_path / "vectors.tsv", tmp_path / "metadata.tsv")
    vecs = np.loadtxt(tmp_path / "vectors.tsv", delimiter="\t")
    assert vecs.shape == kv.vectors.shape
    np.testing.assert_allclose(vecs, kv.vectors, rtol=1e-5)
    assert (tmp_path / "metadata.tsv").read_text(encoding="utf-8").split("\n")[:-1] == kv.index_to_key


@pytest.mark.parametrize("data, match", [
    (b"", "empty"),
    (b"hello world\n", "not a word2vec file"),
    (b"2 3\na 1 2 3\n", "truncated"),
    (b"2 3\na 1 2 3\nb 1 2\n", "expected a word and 3 numbers"),
    (b"1 3\na 1 x 3\n", "not all numbers"),
    (b"1 3\na 1 nan 3\n", "NaN"),
    (b"2 2\na 1 2\na 3 4\n", "same word twice"),
    (b"3 4\nab\x00\x00", "truncated"),
])
def test_corrupt_files_give_clear_errors(data, match):
    with pytest.raises(ValueError, match=match):
        parse_word2vec_bytes(data, name="bad.txt")
