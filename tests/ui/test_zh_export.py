"""Chinese words survive every export: word2vec text and binary, and the Embedding Projector's TSV files."""

import numpy as np
import pytest

from engine import Word2Vec, load_word2vec_format, read_corpus, sample_corpora
@pytest.fixture(scope="module")
def model():
    return Word2Vec(vector_size=20, epochs=2, sample=0, seed=1).fit(read_corpus(sample_corpora()["chinese"]))


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_files_round_trip_with_ours_and_gensim(model, tmp_path, binary):
    gensim_models = pytest.importorskip("gensim.models")
    words = model.wv.index_to_key
    assert {"国王", "王后", "北京", "意大利语"} <= set(words)
    path = tmp_path / ("vectors.bin" if binary else "vectors.txt")
    model.wv.save_word2vec_format(path, binary=binary)

    ours = load_word2vec_format(path)                           # binary detected
    assert ours.index_to_key == words
    np.testing.assert_allclose(ours.vectors, model.W_in, rtol=0, atol=0 if binary else 1e-7)

    theirs = gensim_models.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert list(theirs.index_to_key) == words
    np.testing.assert_allclose(theirs.vectors, model.W_in, rtol=0, atol=0 if binary else 1e-7)
    assert [w for w, _ in theirs.most_similar("国王", topn=5)] == [w for w, _ in ours.most_similar("国王", topn=5)]


def test_projector_tsv_keeps_chinese_words(model, tmp_path):
    vectors, metadata = tmp_path / "vectors.tsv", tmp_path / "metadata.tsv"
    model.wv.save_projector_tsv(vectors, metadata)
    lines = metadata.read_bytes().decode("utf-8").split("\n")
    assert lines[-1] == "" and lines[:-1] == model.wv.index_to_key          # one word per line, no header
    loaded = np.loadtxt(vectors, delimiter="\t", dtype=np.float32)
    assert loaded.shape == model.W_in.shape
    np.testing.assert_allclose(loaded, model.W_in, rtol=1e-5, atol=1e-7)    # written with 6 significant digits
