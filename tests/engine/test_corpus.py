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


# ---------------------------------------------------------------- sample corpora, their groups and analogies
def test_sample_corpora_are_the_txt_corpora_only():
    from engine.corpus import SAMPLE_DIR

    names = sample_corpora()
    assert set(names) == {"tiny", "royalty", "capitals", "fruits_animals_verbs", "chinese"}
    assert all(p.suffix == ".txt" and p.parent == SAMPLE_DIR for p in names.values())
    companions = {p.name for p in SAMPLE_DIR.iterdir()} - {p.name for p in names.values()}
    assert {"chinese.groups.tsv", "chinese.analogies.txt", "royalty.analogies.txt"} <= companions


@pytest.mark.parametrize("name", ["tiny", "royalty", "capitals", "fruits_animals_verbs", "chinese"])
def test_sample_groups_are_words_of_the_corpus(name):
    from collections import Counter

    from engine import Vocabulary, sample_groups

    groups = sample_groups(name)
    vocab = Vocabulary.build(list(read_corpus(sample_corpora()[name])))
    missing = [w for w in groups if w not in vocab]
    assert not missing, missing
    sizes = Counter(groups.values())
    assert len(sizes) >= 3 and min(sizes.values()) >= 3, sizes


@pytest.mark.parametrize("name, sections", [
    ("royalty", {"gender", "royalty"}), ("capitals", {"capital-country", "country-language"}),
    ("chinese", {"gender", "royalty", "capital-country", "country-language"}),
    ("tiny", None), ("fruits_animals_verbs", None),
])
def test_sample_analogies(name, sections):
    from engine import Vocabulary, sample_analogies

    path = sample_analogies(name)
    if sections is None:
        assert path is None
        return
    vocab = Vocabulary.build(list(read_corpus(sample_corpora()[name])))
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            found.add(line[1:].strip())
            continue
        words = line.split()
        assert len(words) == 4 and all(w in vocab for w in words), line
        assert len(set(words)) == 4, line
    assert found == sections


def test_sample_helpers_refuse_unknown_names():
    from engine import sample_analogies, sample_groups

    with pytest.raises(KeyError, match="no sample corpus named 'nope'"):
        sample_groups("nope")
    with pytest.raises(KeyError, match="nope"):
        sample_analogies("nope")


def test_chinese_sample_is_segmented_into_its_planted_words():
    from engine import looks_unsegmented, sample_groups, tokens_per_type

    sentences = list(read_corpus(sample_corpora()["chinese"]))
    tokens = [t for s in sentences for t in s]
    assert 4000 <= len(tokens) <= 8000
    assert not any(" " in line for line in sample_corpora()["chinese"].read_text(encoding="utf-8").splitlines())
    assert set(sample_groups("chinese")) <= set(tokens)
    assert tokens_per_type(sentences) > 10 and not looks_unsegmented(sentences)
    assert looks_unsegmented(list(read_corpus(sample_corpora()["chinese"], segmenter="spaces")))


def test_chinese_sample_is_what_its_script_writes():
    import subprocess
    import sys

    from engine.corpus import SAMPLE_DIR

    out = subprocess.run([sys.executable, str(SAMPLE_DIR / "make_chinese.py"), "--check"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "up to date" in out.stdout


def _held_bytes(make):
    """Bytes still allocated (tracemalloc) by what make() returns, after it returned."""
    import gc
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        obj = make()
        gc.collect()
        return obj, tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_upload_is_held_as_token_ids_in_at_most_three_times_its_size(lang):
    """An uploaded text held as an EncodedCorpus: the same sentences as sentences_from_text, read the
    same way by the trainer, in at most 3x the file's bytes (lists of strings take ~9x)."""
    import numpy as np
    from engine import EncodedCorpus, Word2Vec, encode_text

    rng = np.random.default_rng(0)
    if lang == "en":
        vocab = [f"w{i}" + "x" * (i % 7) for i in range(5000)]
        lines = [" ".join(vocab[j] for j in rng.zipf(1.3, size=12) % 5000) for _ in range(30_000)]
    else:
        vocab = ["国王", "王后", "北京", "东京", "苹果", "香蕉", "男人", "女人", "住在", "喜欢"]
        lines = ["".join(vocab[j] for j in rng.integers(0, 10, size=12)) + "。" for _ in range(8_000)]
    text = "\n".join(lines)
    size = len(text.encode("utf-8"))
    # what the process shares, not the session: jieba's dictionary (loaded once) and engine.segment's
    # bounded cache of segmented runs (lru_cache, 65,536 runs), both warmed here
    encode_text(text, "words")
    corpus, held = _held_bytes(lambda: encode_text(text, "words"))
    lists, held_lists = _held_bytes(lambda: sentences_from_text(text, "words"))
    assert isinstance(corpus, EncodedCorpus)
    assert list(corpus) == lists and len(corpus) == len(lists) and corpus[-1] == lists[-1]
    assert corpus[3:5] == lists[3:5]
    assert held <= 3 * size, (held, size)
    assert held < held_lists / 2                    # and far less than the lists of strings
    a = Word2Vec(vector_size=8, sample=0, seed=2).build_vocab(corpus)
    b = Word2Vec(vector_size=8, sample=0, seed=2).build_vocab(lists)
    a.steps(5), b.steps(5)
    assert a.vocab.index_to_key == b.vocab.index_to_key and np.array_equal(a.W_in, b.W_in)
