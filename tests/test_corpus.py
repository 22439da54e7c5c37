"""Tokenizer, corpus readers and upload checks (engine/corpus.py)."""

import pytest

from engine import read_corpus, sentences_from_bytes, sentences_from_text, tokenize
from engine.corpus import MAX_SENTENCE_TOKENS, check_text_bytes, sample_corpora, split_long


def test_tokenize_lowercases_and_keeps_apostrophes():
    assert tokenize("The King's crown, 2 rings!") == ["the", "king's", "crown", "2", "rings"]
    assert tokenize("Don’t  stop--now") == ["don't", "stop", "now"]
    assert tokenize("   ...  ") == []


def test_tokenize_keeps_non_ascii_letters():
    assert tokenize("Café Müller") == ["café", "müller"]


def test_long_lines_are_cut(tmp_path):
    n = MAX_SENTENCE_TOKENS * 2 + 5
    p = tmp_path / "long.txt"
    p.write_text(" ".join(f"w{i}" for i in range(n)) + "\nshort line\n", encoding="utf-8")
    lengths = [len(s) for s in read_corpus(p)]
    assert lengths == [MAX_SENTENCE_TOKENS, MAX_SENTENCE_TOKENS, 5, 2]
    assert [len(x) for x in split_long(list("abcde"), 2)] == [2, 2, 1]


def test_corpus_is_reiterable_and_skips_blank_lines(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text("A cat.\n\n  \nA dog!\n", encoding="utf-8")
    c = read_corpus(p)
    assert list(c) == [["a", "cat"], ["a", "dog"]]
    assert list(c) == list(c)
    assert sentences_from_text("A cat.\n\nA dog!") == [["a", "cat"], ["a", "dog"]]


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"\x00\x01\x02binary", "binary"),
    (b"caf\xe9 latin-1 text", "UTF-8"),
    (b"... !!! ---", "no words"),
])
def test_bad_uploads_give_clear_errors(data, message):
    with pytest.raises(ValueError, match=message):
        sentences_from_bytes(data, name="upload.txt")


def test_good_upload():
    assert sentences_from_bytes("Le café.\nUn thé".encode("utf-8")) == [["le", "café"], ["un", "thé"]]
    assert check_text_bytes(b"the cat") == "the cat"


def test_read_corpus_rejects_missing_and_binary_files(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_corpus(tmp_path / "nope.txt")
    p = tmp_path / "bin.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ValueError, match="binary"):
        read_corpus(p)


def test_sample_corpora_are_utf8_with_enough_words():
    samples = sample_corpora()
    assert len(samples) >= 3
    for name, path in samples.items():
        sentences = list(read_corpus(path))
        tokens = sum(len(s) for s in sentences)
        assert tokens >= 100, name
