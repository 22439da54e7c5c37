"""The embedding-space page's numbers (ui/live.py), as plain functions: slider ranges, the projection of a
frame, the trails, the fixed axes for scrubbing, and the t-SNE layout."""

import numpy as np
import pytest

import engine
from engine import Word2Vec, projection
from ui import live as lv


@pytest.fixture(scope="module")
def live():
    """A LiveState with 4 snapshots of a model stepped between them (no compiled trainer needed)."""
    sentences = tuple(tuple(s) for s in engine.read_corpus(engine.sample_corpora()["royalty"]))
    model = Word2Vec(vector_size=10, seed=2).build_vocab(sentences)
    state = lv.LiveState(model=model, every=50)
    lv.take_snapshot(state)
    for _ in range(3):
        for _ in range(50):
            model.step()
        lv.take_snapshot(state)
    return state


@pytest.mark.parametrize("V,max_skip,skip,words", [(121, 100, 10, (3, 111, 111)), (5000, 100, 0, (3, 1000, 150)),
                                                   (5000, 100, 100, (3, 900, 150)), (21, 17, 17, (3, 4, 4)),
                                                   (4, 0, 0, (3, 4, 4)), (3, 0, 0, (2, 3, 3)), (2, 0, 0, (1, 2, 2))])
def test_word_ranges_never_give_a_slider_without_a_choice(V, max_skip, skip, words):
    r = lv.WordRange(V)
    assert r.max_skip == max_skip and r.words(skip) == words
    for s in range(r.max_skip + 1):                                    # every position of the skip slider
        lowest, highest, default = r.words(s)
        assert 1 <= lowest < highest and lowest <= default <= highest
    assert lv.WordRange.labels(10) == (10, 10) and lv.WordRange.labels(500) == (150, 40)
    assert lv.shown_ids(skip, words[1]) == slice(skip, skip + words[1])


def test_frame_coords_live_and_scrubbing(live):
    X = lv.vectors(live.model, "W_in")
    sel = lv.shown_ids(5, 30)
    live.projector = projection.StablePCA()
    coords = lv.frame_coords(live, X, X, sel, scrubbing=False)
    assert coords.shape == (30, 2)
    np.testing.assert_allclose(coords, live.projector.transform(X[sel]))
    old = lv.snapshot_vectors(live.snapshots[0], "W_in")
    fresh = lv.LiveState(model=live.model, snapshots=live.snapshots)      # no basis yet: today's rows make it
    then = lv.frame_coords(fresh, X, old, sel, scrubbing=True)
    assert fresh.projector.basis is not None
    np.testing.assert_allclose(then, fresh.projector.transform(old[sel]))
    assert not np.allclose(then, lv.frame_coords(fresh, X, X, sel, scrubbing=True))


def test_trails_follow_the_right_rows_and_end_where_the_word_is(live):
    X = lv.vectors(live.model, "W_in")
    skip, n = 3, 40
    sel = lv.shown_ids(skip, n)
    words = live.model.vocab.index_to_key[sel]
    coords = lv.frame_coords(live, X, X, sel, scrubbing=False)
    chosen = [words[0], words[7]]
    trails = lv.trail_paths(live, chosen, words, skip, "W_in", coords)
    for w in chosen:
        i, wid = words.index(w), live.model.vocab.key_to_index[w]
        path = trails[w]
        assert path.shape == (len(live.snapshots) + 1, 2)
        np.testing.assert_allclose(path[-1], coords[i])                    # the last point is the word now
        for t, snap in enumerate(live.snapshots):                          # each snapshot's row of this word
            np.testing.assert_allclose(path[t], live.projector.transform(snap.W_in[wid:wid + 1])[0])
    scrub = live.snapshots[1]
    upto = lv.trail_paths(live, chosen, words, skip, "W_in", coords, scrub)
    assert all(len(p) == 2 for p in upto.values())                        # snapshots 0 and 1, not "now"


def test_snapshot_ranges_hold_every_snapshot_with_a_margin(live):
    sel = lv.shown_ids(0, 50)
    (x0, x1), (y0, y1) = lv.snapshot_ranges(live, sel, "W_in", pad=0.05)
    allc = np.vstack([live.projector.transform(s.W_in[sel]) for s in live.snapshots])
    lo, hi = allc.min(axis=0), allc.max(axis=0)
    assert x0 < lo[0] and x1 > hi[0] and y0 < lo[1] and y1 > hi[1]
    np.testing.assert_allclose([x1 - x0, y1 - y0], 1.1 * (hi - lo), rtol=1e-6)


def test_pca_still_is_one_pca_of_the_shown_rows():
    X = np.random.default_rng(0).normal(size=(40, 6))
    sel = lv.shown_ids(10, 20)
    coords, explained = lv.pca_still(X, sel)
    fit = projection.pca(X[sel])
    np.testing.assert_allclose(coords, fit.transform(X[sel]))
    np.testing.assert_allclose(explained, fit.explained)


def test_tsne_layout_and_a_second_run_from_the_previous_one():
    pytest.importorskip("sklearn")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 5)).astype(np.float32)
    words = [f"w{i}" for i in range(30)]
    sel = lv.shown_ids(0, 20)
    first = lv.run_tsne(X, sel, words[:20], "pca", seed=0, perplexity=5, step=7, matrix="W_in")
    assert set(first["layout"]) == set(words[:20]) and first["step"] == 7 and not first["started_from_previous"]
    sel2 = lv.shown_ids(5, 20)
    second = lv.run_tsne(X, sel2, words[5:25], "previous", seed=0, perplexity=5, previous=first)
    assert second["started_from_previous"] and set(second["layout"]) == set(words[5:25])
    keep, coords = lv.layout_coords(first, words[10:30])                 # only the words the layout holds
    assert keep == list(range(10)) and coords.shape == (10, 2)
    np.testing.assert_allclose(coords[0], first["layout"]["w10"])
    assert lv.layout_coords(first, ["zz"])[1].shape == (0, 2)
