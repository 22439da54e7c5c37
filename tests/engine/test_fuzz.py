"""Fuzzing the engine with Hypothesis: random settings inside and outside the allowed ranges, random small
corpora (unicode words, empty sentences, repeated words, now and then a token that is not a word), random
word2vec files and query arguments.

Every call either works or raises one of the documented errors (ValueError, TypeError, KeyError; their
subclasses SettingTypeError, CorpusTypeError, TrainingDiverged) with a message that names what is wrong;
step() and train() leave finite weights or raise TrainingDiverged with the last good ones; save/load of
word2vec files gives back every vocabulary that save accepts (save refuses, naming it, a word the format
cannot hold: one with whitespace), and whatever a file is read as can be saved and read back the same.

Profiles (HYPOTHESIS_PROFILE): "ci" (the default; few examples, derandomized, for `make test`) and "nightly"
(thousands of random examples: `make fuzz`). No example database is written (nothing to git-ignore); a
failure prints the example and a reproduction blob.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import KeyedVectors, TrainingDiverged, Word2Vec, load_word2vec_format, parse_word2vec_bytes
from engine.config import SETTINGS
from engine.keyed_vectors import check_savable_words

COMMON = dict(deadline=None, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
settings.register_profile("ci", max_examples=40, derandomize=True, **COMMON)
settings.register_profile("nightly", max_examples=2000, **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DOCUMENTED = (ValueError, TypeError, KeyError)      # TrainingDiverged is a FloatingPointError: checked apart

# ------------------------------------------------------------------------------------------ strategies
# Fuzzed values stay cheap to train with: vector_size < 32 (from 32 on, train() compiles a kernel per size),
# a few epochs, small windows. Values outside the allowed range are drawn separately (BAD).
GOOD = {
    "architecture": st.sampled_from(SETTINGS["architecture"].choices),
    "objective": st.sampled_from(SETTINGS["objective"].choices),
    "vector_size": st.integers(1, 31),
    "window": st.integers(1, 6),
    "negative": st.integers(1, 12),
    "ns_exponent": st.floats(-2.0, 2.0),
    "sample": st.one_of(st.just(0.0), st.floats(0.0, 1.0)),
    "min_count": st.integers(1, 3),
    "max_vocab_size": st.one_of(st.none(), st.integers(1, 12)),
    "alpha": st.floats(1e-6, 1e4),                  # large ones diverge: that path is checked too
    "min_alpha": st.floats(0.0, 1e-6),
    "epochs": st.integers(1, 3),
    "cbow_mean": st.booleans(),
    "shrink_windows": st.booleans(),
    "num_skips": st.one_of(st.none(), st.integers(1, 2)),
    "seed": st.integers(0, 2**32 - 1),
    "workers": st.integers(1, 2),
    "chunk_words": st.integers(1, 50),
    "undo_depth": st.integers(0, 5),
    "cbow_update": st.sampled_from(SETTINGS["cbow_update"].choices),
    "init_scale": st.floats(1e-3, 100.0),
    "skipgram_input": st.sampled_from(SETTINGS["skipgram_input"].choices),
    "sigmoid": st.sampled_from(SETTINGS["sigmoid"].choices),
    "ns_batching": st.sampled_from(SETTINGS["ns_batching"].choices),
}
assert set(GOOD) == set(SETTINGS), "every setting is fuzzed"


def bad_values(name: str):
    """Values the table refuses for this setting: outside its range, of the wrong type, not finite."""
    s = SETTINGS[name]
    wrong = [st.just("3"), st.just([1]), st.just(float("nan"))]
    if not s.optional:
        wrong.append(st.just(None))
    if s.kind in (int, float):
        if s.low is not None:
            below = s.low if s.low_open else s.low - (1 if s.kind is int else 1e-3)
            wrong.append(st.just(s.kind(below)))
        if s.high is not None:
            wrong.append(st.just(s.kind(s.high + 1)))
        wrong += [st.just(float("inf")), st.just(True), st.just(10**400)]   # 10**400: too large for a float
        if s.kind is int:
            wrong.append(st.just(1.5))
    elif s.kind is str:
        wrong += [st.just("nope"), st.just(3)]
    else:                                          # bool
        wrong += [st.just("yes"), st.just(2)]
    return st.one_of(wrong)


@st.composite
def model_settings(draw):
    """(settings, names given a refused value)."""
    values = {name: draw(strategy) for name, strategy in GOOD.items()}
    bad = draw(st.lists(st.sampled_from(sorted(SETTINGS)), max_size=2, unique=True))
    bad = bad if draw(st.integers(0, 3)) == 0 else []          # most examples: all settings allowed
    for name in bad:
        values[name] = draw(bad_values(name))
    return values, bad


WORD = st.one_of(st.sampled_from(["king", "queen", "man", "woman", "国王", "王后", "ünïcödé", "a", "b"]),
                 st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6))
SENTENCE = st.lists(WORD, max_size=12)
CORPUS = st.lists(SENTENCE, min_size=1, max_size=12)
NOT_A_TOKEN = st.sampled_from([None, 3, 2.5, b"bytes", "", ("t",)])


@st.composite
def corpora(draw):
    """(corpus, where a token is not a word or None)."""
    corpus = draw(CORPUS)
    if draw(st.integers(0, 5)) == 0 and any(corpus):
        i = draw(st.sampled_from([i for i, s in enumerate(corpus) if s]))
        j = draw(st.integers(0, len(corpus[i]) - 1))
        corpus[i][j] = draw(NOT_A_TOKEN)
        return corpus, (i, j)
    return corpus, None


# ------------------------------------------------------------------------------------------ the properties
def assert_named(error: BaseException, names) -> None:
    text = str(error)
    assert text, f"{type(error).__name__} without a message"
    if names:
        assert any(f"{name}=" in text for name in names), (names, text)


def check_steps(m: Word2Vec, n: int) -> None:
    """n steps: each leaves finite weights, or raises TrainingDiverged and leaves the weights it had."""
    for _ in range(n):
        before = (m.W_in.copy(), m.W_out.copy(), m.step_count)
        try:
            trace = m.step()
        except TrainingDiverged as e:
            assert "NaN or inf" in str(e)
            np.testing.assert_array_equal(m.W_in, before[0])
            np.testing.assert_array_equal(m.W_out, before[1])
            assert m.step_count == before[2]
            return
        assert np.isfinite(trace.loss)
        assert np.isfinite(m.W_in).all() and np.isfinite(m.W_out).all()


def check_roundtrip(kv: KeyedVectors, directory: Path) -> None:
    """save_word2vec_format, text and binary: refused naming a word the format cannot hold, else read back exactly."""
    unsavable = [w for w in kv.index_to_key if any(c.isspace() for c in w)]
    for binary in (False, True):
        path = directory / f"v{int(binary)}.w2v"
        if unsavable:
            with pytest.raises(ValueError, match="cannot be saved in word2vec format"):
                kv.save_word2vec_format(path, binary=binary)
            continue
        kv.save_word2vec_format(path, binary=binary)
        back = load_word2vec_format(path)                  # text or binary: detected
        assert back.index_to_key == kv.index_to_key
        np.testing.assert_array_equal(back.vectors, np.asarray(kv.vectors, dtype=np.float32))


@given(model_settings(), corpora(), st.integers(0, 6))
def test_settings_and_corpora_build_or_raise_a_named_error_and_training_stays_finite(drawn, corpus_and_bad, n_steps):
    values, bad_settings = drawn
    corpus, bad_token = corpus_and_bad
    m = Word2Vec(**values)
    try:
        m.build_vocab(corpus)
    except TrainingDiverged:                               # never at build time
        raise
    except DOCUMENTED as e:
        table_with_softmax = values.get("sigmoid", "exact") != "exact" and values.get("objective") == "softmax"
        batching_elsewhere = values.get("ns_batching") == "shared_negatives" and (
            values.get("architecture"), values.get("objective"), values.get("sigmoid")) != (
            "skipgram", "negative_sampling", "exact")
        if bad_settings:
            assert_named(e, bad_settings)                  # the settings are checked before the corpus
        elif table_with_softmax:                           # two allowed values that do not go together
            assert "sigmoid" in str(e) and "softmax" in str(e), str(e)
        elif batching_elsewhere:                           # batching is for skip-gram NS with the exact sigma
            assert "ns_batching=" in str(e), str(e)
        elif bad_token is not None:
            i, j = bad_token
            assert "sentences[" in str(e), str(e)
        else:                                              # a legal but unusable corpus: said why
            assert any(w in str(e) for w in ("vocabulary", "no training examples", "min_count", "corpus",
                                             "num_skips", "min_alpha", "negative", "sigmoid")), str(e)
        assert m.vocab is None
        return
    assert not bad_settings and bad_token is None, (bad_settings, bad_token)
    try:
        check_steps(m, n_steps)
        if m.can_undo:
            m.undo()
        if m.vector_size < 32:
            m.workers = 1                                  # a live setting; two threads are tested in test_fast
            try:
                m.train(max_examples=200)
            except TrainingDiverged as e:
                assert "NaN or inf" in str(e)
            assert np.isfinite(m.W_in).all() and np.isfinite(m.W_out).all()
    except ValueError as e:                                # e.g. subsampling left no example in an epoch
        assert "no training examples" in str(e), str(e)
    with tempfile.TemporaryDirectory() as tmp:
        check_roundtrip(m.wv, Path(tmp))


@given(st.lists(WORD, min_size=1, max_size=15, unique=True), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_save_and_load_give_back_every_vocabulary_that_save_accepts(words, d, seed):
    vectors = np.random.default_rng(seed).normal(size=(len(words), d)).astype(np.float32)
    kv = KeyedVectors(words, vectors)
    with tempfile.TemporaryDirectory() as tmp:
        check_roundtrip(kv, Path(tmp))
    try:
        check_savable_words(words)
    except ValueError as e:
        bad = next(w for w in words if not w or any(c.isspace() for c in w))
        assert repr(bad) in str(e) or bad == ""


@given(st.one_of(st.binary(max_size=200),
                 st.builds(lambda h, body: h + body,
                           st.sampled_from([b"1 2\n", b"2 2\n", b"3 1\n", b"2 3\n", b"0 2\n", b"2 2"]),
                           st.one_of(st.binary(max_size=80),
                                     st.text(st.sampled_from("ab 0123456789.-e\t\n"), max_size=60).map(
                                         lambda t: t.encode()))),
                 st.text(max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass"))),
       st.sampled_from([None, True, False]), st.sampled_from([None, 1, 2, 5]))
def test_any_bytes_read_as_vectors_or_a_value_error_that_says_why(data, binary, max_words):
    try:
        kv = parse_word2vec_bytes(data, binary=binary, name="x.w2v", max_words=max_words)
    except ValueError as e:
        assert "x.w2v" in str(e) or "max_words" in str(e), str(e)
        return
    assert np.isfinite(kv.vectors).all() and len(kv) == len(set(kv.index_to_key)) >= 1
    check_savable_words(kv.index_to_key)                   # what was read can be written back ...
    with tempfile.TemporaryDirectory() as tmp:
        check_roundtrip(kv, Path(tmp))                     # ... and read again, the same


QUERY_ARG = st.one_of(st.none(), st.integers(-3, 12), st.floats(allow_nan=True), st.text(max_size=3), st.booleans())


@given(st.integers(1, 8), QUERY_ARG, QUERY_ARG, st.lists(st.sampled_from(["w0", "w1", "w2", "nope"]), max_size=3),
       st.lists(st.sampled_from(["w0", "w3", "nope"]), max_size=2), st.integers(0, 2**32 - 1),
       st.sampled_from([1.0, 1e38, 1e-20, 1e-42]))
def test_queries_work_or_name_the_bad_argument(V, topn, restrict, positive, negative, seed, scale):
    vectors = (np.random.default_rng(seed).normal(size=(V, 3)) * scale).astype(np.float32)   # extreme but finite
    vectors[V // 2] = 0.0                                  # one word without a direction
    kv = KeyedVectors([f"w{i}" for i in range(V)], vectors)
    for call in (lambda: kv.doesnt_match(positive if len(positive) != 1 else positive[0]),   # a string: refused
                 lambda: kv.similarity(*(positive + negative + ["w0", "w0"])[:2])):
        try:
            out = call()
        except DOCUMENTED as e:
            assert str(e)
        else:
            assert out in positive or (isinstance(out, float) and -1 - 1e-6 <= out <= 1 + 1e-6), out
    for call in (lambda: kv.most_similar(positive=positive, negative=negative, topn=topn, restrict_vocab=restrict),
                 lambda: kv.most_similar_cosmul(positive=positive, negative=negative, topn=topn)):
        try:
            out = call()
        except DOCUMENTED as e:
            assert str(e)
            continue
        assert isinstance(topn, (int, float)) and not isinstance(topn, bool) and topn >= 0
        assert len(out) <= topn and all(math.isfinite(s) for _, s in out)
        assert all(w not in positive + negative for w, _ in out)
