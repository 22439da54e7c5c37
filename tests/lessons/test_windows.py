"""The Windows page's windows come from the model's own example stream (lessons/windows.py)."""

import numpy as np
import pytest

from engine import Word2Vec, read_corpus, sample_corpora
from lessons.windows import epoch_examples
from lessons.windows import sentence_view


@pytest.fixture(scope="module")
def royalty():
    return list(read_corpus(sample_corpora()["royalty"]))


@pytest.mark.parametrize("kw", [
    dict(architecture="skipgram"),
    dict(architecture="skipgram", num_skips=2, window=3),
    dict(architecture="skipgram", skipgram_input="context", sample=1e-2),
    dict(architecture="cbow", window=3),
])
def test_sentence_view_shows_exactly_the_examples_the_trainer_uses(royalty, kw):
    m = Word2Vec(vector_size=8, epochs=1, seed=5, **{"sample": 0, **kw}).build_vocab(royalty)
    trained = m.stream.chunk(0)                    # what step() and train() consume
    stream = m.replay_stream()
    shown = []
    for sentence in range(30):
        view = sentence_view(stream, sentence)
        if view is None:
            continue
        shown += [(inputs, target) for inputs, target in view.examples]
        for w in view.windows:                     # the radius is the one the trainer drew
            assert set(w.used) <= set(w.reduced) <= set(w.full)
            assert all(abs(j - w.center) <= w.radius for j in w.reduced)
    expected = [(tuple(int(x) for x in trained.inputs(e)), int(trained.targets[e]))
                for e in range(trained.n_examples)][:len(shown)]
    assert len(shown) > 50 and shown == expected


def test_sentence_view_negatives_and_learning_rates_match_the_stream(royalty):
    m = Word2Vec(vector_size=8, epochs=2, seed=2, sample=0).build_vocab(royalty)
    view = sentence_view(m.replay_stream(), 0)
    chunk = m.stream.chunk(0)
    n = len(view.examples)
    assert view.negatives == [tuple(int(x) for x in chunk.negatives[e]) for e in range(n)]
    np.testing.assert_array_equal(view.lr, chunk.lr[:n])


def test_replay_stream_leaves_the_model_untouched_and_counts_an_epoch(royalty):
    m = Word2Vec(vector_size=8, epochs=1, seed=2, sample=0).build_vocab(royalty)
    before = m.W_in.copy()
    n = epoch_examples(m.replay_stream())
    m.train()
    assert n == m.step_count                        # one planned epoch: exactly the examples trained
    assert not np.array_equal(before, m.W_in)
    other = epoch_examples(m.replay_stream(window=1, shrink_windows=False))
    assert other != n                               # other settings: another stream


def test_sentence_without_kept_words_has_no_view():
    m = Word2Vec(vector_size=4, min_count=2, sample=0).build_vocab([["a", "b", "a", "b"], ["zz", "yy"], ["a", "b"]])
    stream = m.replay_stream()
    assert sentence_view(stream, 1) is None and sentence_view(stream, 2).tokens == (0, 1)
