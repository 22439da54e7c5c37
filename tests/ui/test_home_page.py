"""The Home page (pages/01_home.py, ui/home_lessons.py): one-hot against dense vectors, centred cosines.

After training on a sample corpus with the app's defaults, a related pair (same semantic group) must
show a clearly higher similarity than an unrelated one (different groups): by at least MARGIN.
"""

import numpy as np
import pytest

import engine
from engine import read_corpus, sample_corpora
from tests.conftest import heatmap_by_title, model_of
from lessons import home as home_lessons
from lessons import measures
from ui.i18n import t

HOME = "pages/01_home.py"
TINY = dict(sb_corpus="tiny")
MARGIN = 0.3         # shown similarity of the related pair minus the unrelated pair's, after training


def metric_values(at):
    return {m.label: float(m.value) for m in at.metric}


# ---------------------------------------------------------------------------------------------- helpers
def test_centred_cosines_ignore_a_direction_every_vector_shares():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(30, 8))
    shifted = W + 5.0 * rng.normal(size=8)                 # one common direction added to every word
    rows = [0, 3, 7]
    assert np.allclose(home_lessons.centered_cosines(W, rows), home_lessons.centered_cosines(shifted, rows))
    raw = measures.cosine_matrix(shifted[rows])
    assert raw[np.triu_indices(3, 1)].min() > 0.8          # raw cosines: all high, the shared direction dominates
    assert np.allclose(measures.cosine_matrix(W[rows]), measures.cosine_matrix(W[rows]))
    centred = W - W.mean(axis=0)                           # the mean of ALL rows, not of the rows compared
    assert np.allclose(home_lessons.centered_cosines(W, rows), measures.cosine_matrix(centred[rows]))


@pytest.mark.parametrize("corpus", sorted(sample_corpora()))
def test_compare_pairs_come_from_the_corpus_groups(corpus):
    groups = engine.sample_groups(corpus)
    model = engine.Word2Vec(vector_size=4, min_count=1, sample=0).build_vocab(read_corpus(sample_corpora()[corpus]))
    vocab = model.vocab.key_to_index
    (a, b), (a2, c) = home_lessons.compare_pairs(groups, vocab)
    assert a == a2 and {a, b, c} <= set(vocab)
    assert groups[a] == groups[b] != groups[c]
    words = home_lessons.default_words(groups, vocab)
    assert words[:2] == [a, b] and words[-1] == c and len(set(words)) == len(words) <= 7


def test_no_groups_no_pairs():
    assert home_lessons.compare_pairs({}, {"a": 0}) is None and home_lessons.default_words({}, {"a": 0}) == []
    assert home_lessons.group_means(np.eye(2), {"a": 0, "b": 1}, {"a": "x", "b": "x"}) is None


# ---------------------------------------------------------------------------------------------- the page
def test_home_one_hot_cosines_are_identity_and_dense_ones_are_the_models(open_page):
    at = open_page(HOME, **TINY)
    words = at.multiselect(key="home_words").value
    assert len(words) >= 3
    onehot, rows, _ = heatmap_by_title(at, "Cosine similarity of one-hot")
    assert np.array_equal(onehot, np.eye(len(words))) and rows == words
    m = model_of(at)
    ids = [m.vocab.key_to_index[w] for w in words]
    centred, _, _ = heatmap_by_title(at, "Centred cosine similarity of the vectors")
    expected = measures.cosine_matrix((m.W_in - m.W_in.mean(axis=0))[ids])
    assert np.allclose(centred, expected) and not np.allclose(centred, np.eye(len(words)))
    assert "mean of all V word vectors is subtracted" in " ".join(c.value for c in at.caption)
    at.toggle(key="home_centred").set_value(False).run()                     # the raw cosine is one click away
    raw, _, _ = heatmap_by_title(at, "Cosine similarity of the vectors")
    assert np.allclose(raw, measures.cosine_matrix(m.W_in[ids]))


def test_home_train_button_trains_this_sessions_model(open_page):
    at = open_page(HOME, sb_epochs=2, **TINY)
    at.button(key="home_train").click().run()
    assert not at.exception
    m = model_of(at)
    assert m.step_count > 0 and m.training_complete
    assert heatmap_by_title(at, f"after {m.step_count:,} updates")


def test_after_training_on_royalty_related_words_are_clearly_more_similar(open_page):
    at = open_page(HOME)                                                     # the app's defaults: royalty
    groups = engine.sample_groups("royalty")
    (a, b), (_, c) = home_lessons.compare_pairs(groups, model_of(at).vocab.key_to_index)
    at.button(key="home_train").click().run()
    assert not at.exception and model_of(at).training_complete
    shown = metric_values(at)
    related, unrelated = shown[f"{a} – {b} (related)"], shown[f"{a} – {c} (unrelated)"]
    assert related - unrelated >= MARGIN, (related, unrelated)
    m = model_of(at)
    kv = m.vocab.key_to_index
    S = measures.cosine_matrix((m.W_in - m.W_in.mean(axis=0))[[kv[a], kv[b], kv[c]]])
    assert np.isclose(related, S[0, 1], atol=0.005) and np.isclose(unrelated, S[0, 2], atol=0.005)
    within, across = home_lessons.group_means(m.W_in, kv, groups)
    assert within - across >= MARGIN                                         # not just one lucky pair


def test_chinese_home_page(open_page):
    at = open_page(HOME, lang="zh", sb_corpus="chinese")
    assert not at.exception
    assert at.title[0].value == "Word2Vec，一步一步"
    labels = [m.label for m in at.metric]
    assert any("（相关）" in x for x in labels) and any("（不相关）" in x for x in labels)


def test_changing_the_corpus_keeps_a_comparison_on_the_page(open_page):
    """Issue 29.2: the words to compare of one corpus are not in another's vocabulary; the new corpus gets its
    own default words instead of an empty picker ("choose at least two words")."""
    at = open_page(HOME, sb_corpus="royalty")
    before = list(at.session_state["home_words"])
    assert len(before) >= 2
    at.selectbox(key="sb_corpus").set_value("fruits_animals_verbs").run()
    assert not at.exception, [e.value for e in at.exception]
    after = list(at.session_state["home_words"])
    assert len(after) >= 2 and not set(after) & set(before)
    shown = " ".join(str(e.value) for kind in (at.info, at.warning, at.caption, at.markdown) for e in kind)
    assert t("home.choose_two") not in shown
