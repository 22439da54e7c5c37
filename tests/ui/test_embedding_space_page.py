"""The Embedding space page (pages/07_embedding_space.py, ui/views/embedding_space/) in AppTest: Play trains
and snapshots, Pause and the time slider scrub, other models and small vocabularies, t-SNE and imported
vectors, colours by group or frequency, the separation figure, and frames drawn inside the process's turn.

The page is run on its own (AppTest.from_file on the page, tests/conftest.py's page()), as a user would see
it without the sidebar: the settings are the sidebar's defaults (the royalty corpus). We click what a user
clicks and check what changes.

The live view's functions on their own: tests/ui/test_embedding_space_live.py.
"""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine import KeyedVectors
from tests.conftest import kept_choice, page, page_text, uploaded, vega_charts
from ui import state

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("clear_caches")        # every test starts without cached data


def live_chart(at):
    """The live projection: the Vega-Lite chart whose table has a 'word' column, as (its points,
    {"labels", "trails", "corners": their rows}, spec) (ui.charts.embedding.parts splits the one table)."""
    from ui.charts.embedding import parts

    found = [c for c in vega_charts(at) if c[0] is not None and "word" in c[0].columns]
    assert found, "no live projection chart"
    table, _, spec = found[0]
    split, empty = parts(table), table.iloc[0:0]
    return (split.get("point", empty),
            {"labels": split.get("label", empty), "trails": split.get("trail", empty),
             "corners": split.get("corner", empty)}, spec)


def live_metrics(at) -> list:
    """The values of the live frame's row of numbers (ui.views.embedding_space.live.metric_row), in order."""
    import re
    row = [m.value for m in at.markdown if 'class="w2v-metric"' in m.value]
    assert row, "no row of numbers"
    return re.findall(r'data-metric="\d+"[^>]*>([^<]*)<', row[0])


def loss_chart(at):
    found = [c for c in vega_charts(at) if c[0] is not None and "curve" in c[0].columns]
    assert found, "no loss chart"
    return found[0][0]


def live_text(at) -> str:
    """The page's markdown and captions (the picture's title and separation figure are captions)."""
    return page_text(at) + " " + " ".join(c.value for c in at.caption)


def paced(at, pace: float = 2.0) -> int:
    """Set the live view's pace (epochs per second); the updates a frame then trains (at the default fps)."""
    from ui.views.embedding_space import live as lv

    at.select_slider(key="live_pace").set_value(pace).run()
    fps = at.select_slider(key="live_fps").value
    return lv.updates_per_frame(pace, lv.updates_per_epoch(at.session_state[state.MODEL]), fps)


def test_embedding_space_plays_snapshots_and_scrubs():
    at = page("07_embedding_space.py")
    per = paced(at)                                     # > 1,000 updates a frame: a snapshot every frame
    assert at.title[0].value.startswith("The embedding space")
    points, datasets, _ = live_chart(at)
    assert {"king", "queen", "the"} <= set(points["word"])
    assert set(datasets["trails"]["word"]) == {"king", "queen", "man"}      # the default trails
    model = at.session_state[state.MODEL]
    assert model.step_count == 0
    # hover text: the nearest neighbours, as the engine computes them
    row = points[points["word"] == "king"].iloc[0]
    assert row["nearest"].split(" ")[0] == model.wv.most_similar("king", topn=1)[0][0]

    at.button(key="live_play").click().run()            # Play: the fragment trains one frame per run
    assert at.session_state["live_view"].playing
    assert model.step_count == per
    at.run()
    at.run()
    assert model.step_count == 3 * per                   # training continues between frames
    assert len(at.session_state["live_view"].snapshots) >= 3
    assert live_metrics(at)[0] == f"{3 * per:,}"        # the updates, in the frame's one row of numbers
    loss = loss_chart(at)
    assert "mean of each epoch" in set(loss["curve"]) and "overall" in set(loss["curve"])
    assert loss[loss["curve"] == "overall"]["loss"].iloc[0] == pytest.approx(model.mean_loss())
    trail = live_chart(at)[1]["trails"]
    assert (trail["word"] == "king").sum() == len(at.session_state["live_view"].snapshots) + 1

    at.button(key="live_play").click().run()            # Pause
    assert not at.session_state["live_view"].playing
    at.run()
    assert model.step_count == 3 * per                   # paused: nothing trains
    time_sliders = [s for s in at.slider if s.key and s.key.startswith("live_time")]
    assert time_sliders, "the time slider appears when paused"
    time_sliders[0].set_value(0).run()
    assert "snapshot at update 0" in live_text(at)

    kept_choice(at.radio, "live_matrix").set_value("sum").run()
    assert not at.exception
    assert "PCA of W_in + W_out" in live_text(at)


def test_live_frames_draw_inside_the_process_turn_and_train_outside_it(monkeypatch):
    """A class's playing tabs share one process: each frame draws while holding the process's frame turn
    (ui.pacing.PlayRegistry.turn), so frames run one after another instead of fighting for the GIL; it trains
    before taking the turn (the compiled trainer releases the GIL, and a student training 100,000 updates a
    frame must not hold the others' pictures)."""
    from ui import pacing
    from ui.views.embedding_space import live as lv

    class Recording(pacing.PlayRegistry):
        inside = False

        def turn(self):
            registry = self

            class Held:
                def __enter__(self):
                    registry.inside = True

                def __exit__(self, *exc):
                    registry.inside = False
            return Held()

    registry = Recording()
    monkeypatch.setattr(pacing, "PLAYERS", registry)
    seen, real_train = [], lv.train_frame
    monkeypatch.setattr(lv, "train_frame", lambda live, n: seen.append(("train", registry.inside)) or real_train(live, n))
    from ui.charts import embedding as embedding_charts
    real_loss = embedding_charts.loss_vega
    monkeypatch.setattr(embedding_charts, "loss_vega", lambda live: seen.append(("draw", registry.inside)) or real_loss(live))
    at = page("07_embedding_space.py")
    at.button(key="live_play").click().run()
    at.run()
    assert not at.exception
    assert ("train", False) in seen and ("draw", True) in seen
    assert set(seen) == {("train", False), ("draw", True)} and not registry.inside      # released after each frame


@pytest.mark.parametrize("objective, architecture", [("hierarchical_softmax", "cbow"), ("softmax", "skipgram")])
def test_embedding_space_other_models_and_few_words(objective, architecture):
    at = AppTest.from_file(str(ROOT / "pages" / "07_embedding_space.py"), default_timeout=90)
    at.session_state["sb_objective"] = objective
    at.session_state["sb_architecture"] = architecture
    at.run()
    at.slider(key="live_n_words").set_value(10).run()   # neighbours come from more words than are shown
    per = paced(at)
    at.button(key="live_play").click().run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    model = at.session_state[state.MODEL]
    assert model.objective == objective and model.step_count == 2 * per
    at.button(key="live_play").click().run()            # paused: the hover is today's (playing, it is redone every 3rd frame)
    points = live_chart(at)[0]
    assert len(points) == 10
    for _, row in points.iterrows():                     # hover: the 5 nearest words of the whole vocabulary
        expect = [w for w, _ in model.wv.most_similar(row["word"], topn=5)]
        assert [part.split(" ")[0] for part in row["nearest"].split(", ")] == expect
    kept_choice(at.radio, "live_matrix").set_value("W_out").run()
    assert not at.exception
    if objective == "hierarchical_softmax":
        assert any("Huffman tree" in i.value for i in at.info)


def test_embedding_space_leaves_out_frequent_words_and_trails_follow_the_right_rows():
    at = page("07_embedding_space.py")
    at.slider(key="live_skip").set_value(10).run()
    paced(at)                                           # > 1,000 updates a frame: a snapshot every frame
    at.button(key="live_play").click().run()
    at.run()
    model = at.session_state[state.MODEL]
    points, datasets, _ = live_chart(at)
    assert list(points["word"]) == model.vocab.index_to_key[10:10 + len(points)]
    trails = datasets["trails"]
    for w in ("king", "queen"):
        path = trails[trails["word"] == w]
        here = points[points["word"] == w].iloc[0]
        # a snapshot was taken at this very update, so the trail's last two points are the word's place now
        assert path.iloc[-1][["x", "y"]].tolist() == pytest.approx([here["x"], here["y"]])
        assert path.iloc[-2][["x", "y"]].tolist() == pytest.approx([here["x"], here["y"]], abs=1e-6)


def test_embedding_space_sliders_on_a_small_vocabulary():
    at = AppTest.from_file(str(ROOT / "pages" / "07_embedding_space.py"), default_timeout=90)
    at.session_state["sb_corpus"] = "tiny"                              # V = 21
    at.run()
    skip = at.slider(key="live_skip")
    assert skip.max == 17
    skip.set_value(17).run()                                           # the 4 rarest words are left
    assert not at.exception, [e.value for e in at.exception]
    assert (at.slider(key="live_n_words").min, at.slider(key="live_n_words").max) == (3, 4)
    model = at.session_state[state.MODEL]
    assert list(live_chart(at)[0]["word"]) == model.vocab.index_to_key[17:21]


@pytest.mark.slow
def test_embedding_space_tsne_and_imported_vectors():
    at = page("07_embedding_space.py")
    at.radio(key="live_method").set_value("t-SNE").run()
    assert at.button(key="live_tsne_go")
    at.button(key="live_tsne_go").click().run()
    assert not at.exception
    assert "king" in set(live_chart(at)[0]["word"])
    assert "t-SNE of W_in" in live_text(at) and "started from the previous layout" not in live_text(at)
    at.button(key="live_tsne_go").click().run()          # again: it starts from the previous layout
    assert "started from the previous layout" in live_text(at)

    rng = np.random.default_rng(0)
    at.session_state[state.LOADED_KV] = KeyedVectors([f"w{i}" for i in range(50)], rng.normal(size=(50, 8)))
    at.session_state[state.LOADED_KV_NAME] = "mine.txt"
    at.radio(key="live_method").set_value("PCA").run()
    kept_choice(at.radio, "live_source").set_value("imported").run()
    assert not at.exception
    assert set(live_chart(at)[0]["word"]) == {f"w{i}" for i in range(50)}


def test_embedding_space_colours_the_royalty_words_by_group_and_shows_the_separation():
    at = page("07_embedding_space.py")
    points, datasets, spec = live_chart(at)
    group_of = dict(zip(points["word"], points["group"]))
    assert group_of["king"] == group_of["queen"] == "royal" and group_of["man"] == "male"
    assert group_of["woman"] == "female" and group_of["the"] == "no group"
    colour = [layer for layer in spec["layer"] if "color" in layer.get("encoding", {})][0]["encoding"]["color"]
    assert colour["field"] == "group"
    assert colour["scale"]["domain"] == ["royal", "male", "female", "royal thing", "feeling", "thing", "no group"]
    assert len(set(colour["scale"]["range"])) == 7                   # one colour per group, grey for the rest
    labels = datasets["labels"]
    assert 0 < len(labels) <= at.slider(key="live_n_labels").value
    kinds = ["grouped" if g != "no group" else "other" for g in labels["group"]]
    assert list(labels["word"][:3]) == ["king", "queen", "man"]       # the trail words first
    if "other" in kinds:                                              # then every word with a group
        assert "grouped" not in kinds[kinds.index("other"):]
    text = live_text(at)
    assert "Groups kept apart" in text and "in this picture" in text and "(39 words in 6 groups)" in text
    assert "same length, centered" in text                           # the picture says how it was made
    # the view options change the picture (and the title says so)
    before = points[["x", "y"]].to_numpy()
    at.toggle(key="live_unit").set_value(False).run()
    at.select_slider(key="live_remove_top").set_value(1).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "centered, top 1 direction(s) removed" in live_text(at)
    assert not np.allclose(live_chart(at)[0][["x", "y"]].to_numpy(), before)


def test_embedding_space_in_chinese_names_the_groups_in_chinese():
    at = AppTest.from_file(str(ROOT / "pages" / "07_embedding_space.py"), default_timeout=90)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value.startswith("词向量空间")
    points = live_chart(at)[0]
    assert points[points["word"] == "queen"]["group"].iloc[0] == "王室"
    assert "各组分得开吗" in live_text(at)


def test_embedding_space_colours_an_upload_by_frequency():
    at = AppTest.from_file(str(ROOT / "pages" / "07_embedding_space.py"), default_timeout=90)
    sentences = [["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat", "on", "a", "log"]] * 20
    for key, value in uploaded("mine.txt", sentences).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    points, _, spec = live_chart(at)
    assert points[points["word"] == "the"]["group"].iloc[0] == "most frequent third"
    assert "in this picture **" not in live_text(at) and "how often each word occurs" in live_text(at)


@pytest.mark.slow                                                      # ~5 s: 20 epochs through the page
def test_embedding_space_default_view_separates_the_groups_after_training():
    """Train to the end with the app's defaults (royalty), as a teacher would with Play: the page's own
    separation figure in the default view is at least 0.70 (chance ~0.15; seed 1 of bench/separation.py)."""
    at = page("07_embedding_space.py")
    at.select_slider(key="live_pace").set_value(20.0).run()                # the fastest pace: the end result
    at.button(key="live_play").click().run()
    for _ in range(12):
        if at.session_state[state.MODEL].training_complete:
            break
        at.run()
    model = at.session_state[state.MODEL]
    assert model.training_complete
    text = live_text(at)
    view = float(text.split("in this picture **")[1].split("**")[0])
    chance = float(text.split("by chance ")[1].split()[0])
    assert view >= 0.70 and view > 4 * chance, text


@pytest.mark.slow
def test_embedding_space_umap_is_seeded_measured_and_compared_with_pca_and_tsne():
    """UMAP on the page: its two parameters and seed; the picture's coordinates are the engine's UMAP of the
    words shown with that seed (run again: the same), its k-NN group accuracy is measured like PCA's; the
    comparison draws PCA, t-SNE and UMAP of the same words, each with its own accuracy (en and zh)."""
    from engine import projection
    from lessons.projections import compare_projections
    from ui.views.embedding_space import live as lv

    at = page("07_embedding_space.py")
    at.radio(key="live_method").set_value("UMAP").run()
    at.slider(key="live_umap_neighbors").set_value(8).run()
    at.select_slider(key="live_umap_min_dist").set_value(0.25).run()
    at.number_input(key="live_umap_seed").set_value(3).run()
    assert "**n_neighbors**" in page_text(at) + " ".join(c.value for c in at.caption)
    at.button(key="live_umap_go").click().run()
    assert not at.exception
    points = live_chart(at)[0]
    model = at.session_state[state.MODEL]
    words = list(points["word"])
    ids = [model.vocab.key_to_index[w] for w in words]
    expected = projection.umap(lv.vectors(model, "W_in")[ids], seed=3, n_neighbors=8, min_dist=0.25)   # (n, 2)
    np.testing.assert_allclose(points[["x", "y"]].to_numpy(), expected, atol=1e-4)   # seed-stable, the engine's
    text = live_text(at)
    assert "UMAP of W_in" in text and "n_neighbors 8, min_dist 0.25, seed 3" in text
    sep = lv.separation_of(expected, lv.vectors(model, "W_in")[ids], _colour_of(at))
    assert f"in this picture **{sep.view:.2f}**" in text

    at.button(key="live_compare_go").click().run()
    assert not at.exception
    pic_words = model.vocab.index_to_key[:len(words)]
    res = compare_projections(lv.vectors(model, "W_in")[:len(words)], _colour_of(at).group, seed=3, perplexity=15,
                              n_neighbors=8, min_dist=0.25, k=lv.SEPARATION_K)
    assert [r.method for r in res] == ["PCA", "t-SNE", "UMAP"]
    shown = page_text(at)
    for r in res:
        assert f"{r.method}: k-NN group accuracy **{r.separation.view:.2f}**" in shown
    assert len(pic_words) == len(words)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    shown = page_text(at) + " ".join(c.value for c in at.caption)
    assert "UMAP：图中的 k 近邻分组准确率" in shown and "min_dist" in shown and "种子 3" in live_text(at)
    # a click whose run was stopped by another rerun before the job ended: the next run does the job after all
    asked = at.session_state[state.EMB_COMPARE][0]
    del at.session_state[state.EMB_COMPARE]
    at.session_state[state.EMB_COMPARE_ASKED] = asked
    at.run()
    assert not at.exception and state.EMB_COMPARE_ASKED not in at.session_state
    assert at.session_state[state.EMB_COMPARE][0] == asked and "UMAP：图中的 k 近邻分组准确率" in page_text(at)


def _colour_of(at):
    """The colouring of the words shown (groups of the royalty corpus), as the page computed it."""
    from ui.charts import colouring

    words = list(live_chart(at)[0]["word"])
    return colouring.colouring(words, colouring.corpus_groups("royalty"), None)


def test_the_default_pace_is_one_a_teacher_can_talk_over():
    """Issue 29.7: ten seconds of Play trained 74-84% of all epochs (1,000 updates a frame, 10 frames a second).
    The pace is now chosen in epochs per second; at the default, 10 s of Play train at most 20% of them."""
    from ui.views.embedding_space import live as lv

    at = page("07_embedding_space.py")
    model = at.session_state[state.MODEL]
    pace, fps = at.select_slider(key="live_pace").value, at.select_slider(key="live_fps").value
    assert pace == lv.DEFAULT_PACE
    per_frame = lv.updates_per_frame(pace, lv.updates_per_epoch(model), fps)
    caption = " ".join(c.value for c in at.caption)
    assert f"{per_frame:,} updates a picture" in caption
    total = model.replay_stream()
    ten_seconds = per_frame * fps * 10
    epochs = [0]
    seq = 0
    while (chunk := total.chunk(seq)) is not None:                 # the planned training's updates, counted
        epochs[0] += chunk.n_examples
        seq += 1
    # before an epoch is done the updates per epoch are estimated (window + 1 per centre word; sentence ends make
    # fewer: royalty 8,120 estimated, 6,318 measured), so 10 s train at most a fifth of the epochs, not 12.5%
    assert ten_seconds <= 0.2 * epochs[0], (ten_seconds, epochs[0])
    at.select_slider(key="live_pace").set_value(1.0).run()          # four times the pace: four times the updates
    assert f"{lv.updates_per_frame(1.0, lv.updates_per_epoch(model), fps):,} updates a picture" in \
        " ".join(c.value for c in at.caption)


@pytest.mark.slow                                                      # ~10 s: eight frames of training
def test_trails_follow_a_chain_of_aligned_snapshots_and_zig_zag_less():
    """Issue 29.7: a trail drew each old snapshot through today's axes, where early (nearly random) rows land
    anywhere: the trails zig-zagged across the plot. Each snapshot is now drawn in its own PCA, aligned to the
    next (Procrustes), the last to the picture: the trail is shorter than the old one (less zig-zag), its last
    snapshot taken at this update sits on the word."""
    from ui.views.embedding_space import trails as trails_view

    at = page("07_embedding_space.py")
    paced(at, 5.0)
    at.button(key="live_play").click().run()
    for _ in range(7):
        at.run()
    at.button(key="live_play").click().run()                          # pause: the picture of today
    live = at.session_state["live_view"]
    points, datasets, _ = live_chart(at)
    assert len(live.snapshots) >= 6
    trails = datasets["trails"]
    spread = float(np.ptp(points[["x", "y"]].to_numpy(), axis=0).max())
    shorter = 0
    for w in ("king", "queen", "man"):
        new = trails[trails["word"] == w][["x", "y"]].to_numpy()           # (t + 1, 2)
        wid = list(points["word"]).index(w)
        old = live.projector.transform(np.vstack([s.W_in[wid:wid + 1] for s in live.snapshots]))   # today's axes
        assert len(new) == len(live.snapshots) + 1 and np.allclose(new[-2], new[-1], atol=1e-6)
        length = lambda p: float(np.linalg.norm(np.diff(p, axis=0), axis=1).sum()) / spread      # noqa: E731
        shorter += length(new) < length(old)
        assert length(new) < 3.0, length(new)                    # never back and forth across the whole plot
    assert shorter >= 2
    assert np.allclose(trails_view.align_to(np.eye(2), np.eye(2)), np.eye(2))
