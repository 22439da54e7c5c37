"""AppTest for the pages of part 2: embedding space (live), explore, compare, import and export.

Each page is run on its own (AppTest.from_file on the page), as a user would see it without the sidebar:
the settings are the sidebar's defaults (the royalty corpus). We click what a user clicks and check
what changes: training advances, snapshots appear, answers and messages show, files round-trip.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from engine import KeyedVectors, gensim_data_path  # noqa: E402
from ui.views import import_export as ie  # noqa: E402
from ui import state  # noqa: E402
from tests.conftest import kept_choice, figure_array, vega_by_title, vega_charts  # noqa: E402


def page(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def charts(at):
    """{key-ish id: figure JSON} of the Plotly charts on the page."""
    return {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def chart(at, key):
    found = [spec for cid, spec in charts(at).items() if cid.endswith("-" + key)]
    assert found, f"no chart {key!r}; charts: {list(charts(at))}"
    return found[0]


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


def page_text(at) -> str:
    return " ".join(m.value for m in at.markdown)


# ---------------------------------------------------------------- 07 embedding space
def live_text(at) -> str:
    """The page's markdown and captions (the picture's title and separation figure are captions)."""
    return page_text(at) + " " + " ".join(c.value for c in at.caption)


def test_embedding_space_plays_snapshots_and_scrubs():
    at = page("07_embedding_space.py")
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
    assert model.step_count == 1000
    at.run()
    at.run()
    assert model.step_count == 3000                      # training continues between frames
    assert len(at.session_state["live_view"].snapshots) >= 3
    assert live_metrics(at)[0] == "3,000"               # the updates, in the frame's one row of numbers
    loss = loss_chart(at)
    assert "mean of each epoch" in set(loss["curve"]) and "overall" in set(loss["curve"])
    assert loss[loss["curve"] == "overall"]["loss"].iloc[0] == pytest.approx(model.mean_loss())
    trail = live_chart(at)[1]["trails"]
    assert (trail["word"] == "king").sum() == len(at.session_state["live_view"].snapshots) + 1

    at.button(key="live_play").click().run()            # Pause
    assert not at.session_state["live_view"].playing
    at.run()
    assert model.step_count == 3000                      # paused: nothing trains
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
    at.button(key="live_play").click().run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    model = at.session_state[state.MODEL]
    assert model.objective == objective and model.step_count == 2000
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
    at.session_state[state.UPLOAD_SENTENCES] = sentences
    at.session_state[state.UPLOAD_NAME] = "mine.txt"
    at.session_state["sb_corpus"] = state.UPLOAD_CHOICE
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
    at.select_slider(key="live_per_frame").set_value(100_000).run()
    at.button(key="live_play").click().run()
    for _ in range(3):
        at.run()
    model = at.session_state[state.MODEL]
    assert model.training_complete
    text = live_text(at)
    view = float(text.split("in this picture **")[1].split("**")[0])
    chance = float(text.split("by chance ")[1].split()[0])
    assert view >= 0.70 and view > 4 * chance, text


# ---------------------------------------------------------------- 08 explore
def box(at, prefix):
    """The text box whose key starts with prefix (keys end with a tag of the vocabulary)."""
    found = [t for t in at.text_input if t.key and t.key.startswith(prefix + "_")]
    assert len(found) == 1, [t.key for t in at.text_input]
    return found[0]


def test_explore_queries_messages_and_training():
    at = page("08_explore.py")
    assert any("not been trained" in w.value for w in at.warning)
    at.button(key="explore_train_go").click().run()
    assert not at.exception
    model = at.session_state[state.MODEL]
    assert model.training_complete
    assert not any("not been trained" in w.value for w in at.warning)

    nn = at.dataframe[0].value
    assert list(nn["word"]) == [w for w, _ in model.wv.most_similar("king", topn=10)]

    box(at, "explore_nn_word").input("kingg").run()
    assert any("'kingg' is not in the vocabulary" in w.value and "king" in w.value for w in at.warning)

    info = " ".join(i.value for i in at.info)
    assert "Excluded from the answers: **man**, **king** and **woman**" in info
    add = [d.value for d in at.dataframe if list(d.value.columns) == ["answer", "score"]][0]   # 3CosAdd, then 3CosMul
    assert list(add["answer"]) == [w for w, _ in model.wv.most_similar(positive=["king", "woman"],
                                                                          negative=["man"], topn=5)]

    box(at, "explore_odd_words").input("king queen prince bread").run()
    assert any("bread" in s.value for s in at.success)

    at.button(key="explore_bench_go").click().run()
    assert not at.exception
    if gensim_data_path("wordsim353.tsv") is None:
        assert any("gensim" in i.value for i in at.info)
    else:
        bench = at.dataframe[-1].value
        assert list(bench["benchmark"]) == ["this corpus's own analogies", "WordSim-353", "SimLex-999",
                                            "Google analogies"]
        from engine import sample_analogies
        own_accuracy = model.wv.evaluate_word_analogies(sample_analogies("royalty"))[0]
        assert bench["score"].iloc[0] == f"{own_accuracy:.4f}"          # royalty's own list, scored live


def test_explore_works_on_imported_vectors():
    at = page("08_explore.py")
    words = ["king", "queen", "man", "woman", "apple"]
    vecs = np.array([[1, 1, 0], [1, 0.9, 0.1], [0, 1, 0], [0, 0.9, 0.1], [0, 0, 1]], dtype=np.float32)
    at.session_state[state.LOADED_KV] = KeyedVectors(words, vecs)
    at.session_state[state.LOADED_KV_NAME] = "tiny.txt"
    at.run()
    kept_choice(at.radio, "explore_source").set_value("imported").run()
    assert not at.exception
    assert at.dataframe[0].value["word"].iloc[0] == "queen"


# ---------------------------------------------------------------- 09 compare
@pytest.mark.slow            # > 3 s: trains several models through the page
def test_compare_six_models():
    at = page("09_compare.py")
    at.select_slider(key="cmp_tokens").set_value(2000)
    at.slider(key="cmp_groups").set_value(3)
    at.slider(key="cmp_group_size").set_value(4)
    at.number_input(key="cmp_six_epochs").set_value(2)
    at.run()
    at.button(key="cmp_six_go").click().run()
    assert not at.exception
    table = at.dataframe[1].value                         # [0] is the planted groups table
    assert len(table) == 6 and "planted precision@5" in table.columns
    assert set(table["model"]) == {"skip-gram + full softmax", "skip-gram + hierarchical softmax",
                                   "skip-gram + negative sampling", "CBOW + full softmax",
                                   "CBOW + hierarchical softmax", "CBOW + negative sampling"}
    assert "no counterpart" in set(table["gensim: same top-10 neighbours"])
    assert chart(at, "cmp_loss_fig") and chart(at, "cmp_cost_fig")
    zipf = vega_by_title(at, "Counts of the planted words")                 # the planted corpus's own Zipf chart
    points = zipf[zipf["part"] == "point"]
    assert len(points) == 3 * 4 and list(points["count"]) == sorted(points["count"], reverse=True)



@pytest.fixture
def small_claims(monkeypatch):
    """The claims experiment on two small sizes of the hard planted corpus (the page's sizes come from here)."""
    from lessons import claims as exps
    monkeypatch.setitem(exps.PLANTED_SIZES, "default", (3_000, 9_000))
    return exps


@pytest.mark.slow            # > 3 s: trains several models through the page
def test_compare_claims_budgets_rules_and_error_bars(small_claims):
    exps = small_claims
    from engine import Word2Vec
    at = page("09_compare.py")
    budget = kept_choice(at.radio, "cmp_budget")
    assert budget.options == ["epochs", "SGD updates", "seconds"] and budget.value == "updates"
    rule = kept_choice(at.radio, "cmp_cbow_rule")
    assert rule.value == "sum"

    def shown_rules():
        return [m.value for m in at.markdown if m.value.startswith("**skip-gram**") or m.value.startswith("**CBOW**")]

    sentences = [["a", "b", "c", "a", "b"]] * 3
    for name in exps.CBOW_RULES:
        kept_choice(at.radio, "cmp_cbow_rule").set_value(name).run()
        expected_cbow = Word2Vec(architecture="cbow", min_count=1, **exps.CBOW_RULES[name]).build_vocab(sentences)
        expected_sg = Word2Vec(architecture="skipgram", min_count=1).build_vocab(sentences)
        assert shown_rules() == [f"**skip-gram**: {expected_sg.rule.describe()}",
                                 f"**CBOW**: {expected_cbow.rule.describe()}"]
    kept_choice(at.radio, "cmp_cbow_rule").set_value("sum")
    at.slider(key="cmp_seeds").set_value(2)
    at.number_input(key="cmp_exp_epochs").set_value(2)
    at.run()
    assert "Press **Run** below" in " ".join(i.value for i in at.info)
    at.button(key="cmp_claims_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    fig = chart(at, "cmp_claims_fig")
    assert {tr["name"] for tr in fig["data"]} == {"skip-gram", "CBOW"}
    for tr in fig["data"]:
        bars = figure_array(tr["error_y"]["array"])
        assert len(bars) == 2 and np.all(bars > 0) and tr["error_y"]["visible"]     # 95% intervals over 2 seeds
        assert list(figure_array(tr["x"])) == [3_000, 9_000]
    bins = chart(at, "cmp_claims_bins_fig")
    assert len(bins["data"]) == 2 and all(len(figure_array(tr["error_y"]["array"])) == 3 for tr in bins["data"])
    text = page_text(at)
    assert text.count("3,000 tokens: **") + text.count("9,000 tokens: **") == 2     # one verdict per size
    assert "**Smallest size (3,000 tokens)**" in text and "**Largest size (9,000 tokens)**" in text
    runs = [d.value for d in at.dataframe if "passes over the text" in d.value.columns][0]
    assert len(runs) == 2 * 2 * 2
    for (tokens, seed), g in runs.groupby(["tokens", "seed"]):
        assert g["updates"].nunique() == 1                       # equal updates, per size and seed
    # switching the budget keeps the finished runs; coming back shows them without training again
    kept_choice(at.radio, "cmp_budget").set_value("epochs").run()
    assert not [c for c in charts(at) if c.endswith("-cmp_claims_fig")]
    kept_choice(at.radio, "cmp_budget").set_value("updates").run()
    assert chart(at, "cmp_claims_fig")


@pytest.mark.slow            # > 3 s: trains several models through the page
def test_compare_claims_seconds_budget_and_real_data(small_claims):
    at = page("09_compare.py")
    kept_choice(at.radio, "cmp_budget").set_value("seconds").run()
    at.number_input(key="cmp_seconds").set_value(0.2)
    at.slider(key="cmp_seeds").set_value(2)
    at.run()
    at.button(key="cmp_claims_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    runs = [d.value for d in at.dataframe if "passes over the text" in d.value.columns][0]
    assert len(runs) == 8 and (runs["seconds"] < 0.2 + 0.6).all()
    if gensim_data_path("lee_background.cor") is not None:
        kept_choice(at.radio, "cmp_claims_data").set_value("lee").run()
        assert not at.exception
        from ui.views.compare.claims import claims_sizes
        n = sum(len(s) for s in small_claims.load_real("lee"))
        sizes = " / ".join(f"{round(f * n):,}" for f in small_claims.REAL_SHARES["default"])
        assert any(sizes in c.value for c in at.caption)                # the sizes are shares of Lee's tokens
        assert claims_sizes("lee", "default", n) == [round(f * n) for f in small_claims.REAL_SHARES["default"]]


@pytest.mark.slow            # > 3 s: trains several models through the page
def test_compare_on_the_sidebar_corpus():
    at = page("09_compare.py")
    kept_choice(at.radio, "cmp_corpus_kind").set_value("sidebar")
    at.number_input(key="cmp_six_epochs").set_value(1)
    at.checkbox(key="cmp_gensim").set_value(False)
    at.run()
    at.button(key="cmp_six_go").click().run()
    assert not at.exception
    table = at.dataframe[1].value
    assert len(table) == 6 and "planted precision@5" not in table.columns
    assert any(str(v).startswith("V = 121") for v in table["dot products per update"])


# ---------------------------------------------------------------- 10 import / export
class _Recorder:
    """Keeps the MediaFileManager of each AppTest run, to fetch what a download button would serve."""
    managers = []


@pytest.fixture
def media(monkeypatch):
    import streamlit.testing.v1.app_test as app_test_module
    base = app_test_module.MediaFileManager

    class Recording(base):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            _Recorder.managers.append(self)

    _Recorder.managers = []
    monkeypatch.setattr(app_test_module, "MediaFileManager", Recording)
    return _Recorder


def served(media, at, key) -> bytes:
    """The bytes the download button `key` gives the browser (its deferred callable, run as Streamlit would)."""
    btn = [b for b in at.get("download_button") if b.proto.id.endswith("-" + key)]
    assert btn, f"no download button {key}"
    file_id = btn[0].proto.deferred_file_id
    for mgr in reversed(media.managers):
        entry = mgr._deferred_callables.get(file_id)
        if entry is not None:
            return entry["callable"]()
    raise AssertionError(f"the data of {key} was not registered")


def test_exports_round_trip_through_gensim(media, tmp_path):
    GensimKV = pytest.importorskip("gensim.models", reason="gensim is not installed").KeyedVectors
    at = page("10_import_export.py")
    model = at.session_state[state.MODEL]
    model.train()
    at.run()
    for key, binary in (("ie_dl_txt", False), ("ie_dl_bin", True)):
        path = tmp_path / f"v_{key}"
        path.write_bytes(served(media, at, key))
        g = GensimKV.load_word2vec_format(str(path), binary=binary)
        assert g.index_to_key == model.vocab.index_to_key
        np.testing.assert_allclose(g.vectors, model.W_in, rtol=1e-6 if not binary else 0, atol=1e-7)
    vec = served(media, at, "ie_dl_vec").decode().splitlines()
    meta = served(media, at, "ie_dl_meta").decode().splitlines()
    assert len(vec) == len(meta) == len(model.vocab) and meta[0] == model.vocab.index_to_key[0]
    np.testing.assert_allclose([float(x) for x in vec[0].split("\t")], model.W_in[0], rtol=1e-5)

    doc = json.loads(served(media, at, "ie_dl_json"))
    assert doc["word2vec_arguments"] == model.get_params()
    assert doc["app_settings"]["corpus"] == "royalty" and doc["share_query"].startswith("?corpus=royalty&")


def test_import_good_and_bad_vectors_files(tmp_path):
    at = page("10_import_export.py")
    words = ["king", "queen", "man"]
    vecs = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, -0.1]], dtype=np.float32)
    good = KeyedVectors(words, vecs)
    binary = ie.word2vec_bytes(good, binary=True)
    at.get("file_uploader")[0].set_value(("good.bin", binary, "application/octet-stream")).run()
    assert not at.exception and not at.error
    kv = at.session_state[state.LOADED_KV]
    assert kv.index_to_key == words
    np.testing.assert_array_equal(kv.vectors, vecs)
    assert any("good.bin" in s.value for s in at.success)

    # a bad file: a clear message, and the vectors loaded before stay loaded
    at.get("file_uploader")[0].set_value(("bad.txt", b"these are not vectors\n1 2 3", "text/plain")).run()
    assert not at.exception
    assert any("is not a word2vec file" in e.value and "loaded before are kept" in e.value for e in at.error)
    assert at.session_state[state.LOADED_KV] is kv
    at.get("file_uploader")[0].set_value(("short.txt", b"5 2\nking 0.1 0.2\n", "text/plain")).run()
    assert any("truncated" in e.value for e in at.error)

    at.button(key="ie_forget").click().run()
    assert at.session_state[state.LOADED_KV] is None


def test_settings_json_loads_back_into_the_sidebar():
    at = page("10_import_export.py")
    doc = ie.settings_json({**state.DEFAULTS, "window": 4, "architecture": "cbow"}, None)
    at.get("file_uploader")[1].set_value(("s.json", doc.encode(), "application/json")).run()
    at.button(key="ie_apply").click().run()
    assert not at.exception
    assert at.session_state["sb_window"] == 4 and at.session_state["sb_architecture"] == "cbow"
    assert at.session_state[state.MODEL].window == 4
    at.get("file_uploader")[1].set_value(("bad.json", b"{not json", "application/json")).run()
    assert any("not a settings JSON" in e.value for e in at.error)
