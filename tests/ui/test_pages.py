"""The learning-path pages (01-06) in Streamlit's AppTest: they run, show their key elements, step and undo.

Each test builds a fresh AppTest of app.py (tests/conftest.py) and checks behaviour against the engine:
the numbers on a page are recomputed here from the session's model, never hard-coded.
"""

import numpy as np
import pytest

import engine
from lessons import windows as window_lessons
from tests.conftest import vega_by_title
from ui import state

HOME, CORPUS, WINDOWS = "pages/01_home.py", "pages/02_corpus.py", "pages/03_windows.py"
STEP, HS, NS = "pages/04_step.py", "pages/05_hierarchical_softmax.py", "pages/06_negative_sampling.py"
TINY = dict(sb_corpus="tiny")
SOURCE_LABEL = "Show the engine code behind this page"


def model_of(at):
    return at.session_state[state.MODEL]


def texts(elements):
    return " ".join(str(e.value) for e in elements)


def table_with(at, column):
    """The first st.dataframe on the page that has this column."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}")


@pytest.mark.parametrize("page,title", [(HOME, "Word2Vec, step by step"), (CORPUS, "Corpus and vocabulary"),
                                        (WINDOWS, "Context windows"), (STEP, "Step by step"),
                                        (HS, "Hierarchical softmax"), (NS, "Negative sampling")])
def test_page_runs_with_title_formula_and_engine_source(open_page, page, title):
    at = open_page(page)
    assert at.title[0].value == title
    assert at.latex, "every page shows its formula"
    assert SOURCE_LABEL in [e.label for e in at.expander]
    assert not at.error


# (the Home page's tests are in tests/ui/test_home_page.py)


def test_corpus_counts_and_zipf_match_the_engine(open_page):
    at = open_page(CORPUS, **TINY)
    full = engine.Vocabulary.build(list(engine.read_corpus(engine.sample_corpora()["tiny"])))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["tokens (running words)"] == f"{full.total_words:,}"
    assert metrics["types (distinct words)"] == f"{len(full):,}"
    zipf = vega_by_title(at, "Zipf")
    points = zipf[zipf["part"] == "point"]
    assert np.array_equal(points["count"], full.counts)
    assert points["word"].iloc[0] == full.index_to_key[0]          # words, not ids, on the chart


def test_min_count_that_empties_the_corpus_is_explained_and_the_model_kept(open_page):
    at = open_page(CORPUS, **TINY)
    before = model_of(at)
    at.number_input(key="sb_min_count").set_value(1000).run()
    assert not at.exception
    assert "removes every word" in texts(at.error)
    assert "Could not build the model" in texts(at.error)        # the rebuild's own message, in the page
    assert model_of(at) is before


@pytest.mark.parametrize("name,data,message", [
    ("empty.txt", b"", "is empty"),
    ("binary.txt", b"\x00\x01\x02 the cat", "binary"),
    ("latin1.txt", "le café est très bon\n".encode("latin-1"), "not valid UTF-8"),
    ("symbols.txt", b"!!! ??? ... ---\n", "holds no words"),
])
def test_bad_upload_gives_a_clear_message_and_keeps_the_model(open_page, name, data, message):
    at = open_page(CORPUS, **TINY)
    before = model_of(at)
    at.file_uploader(key="corpus_upload").upload(name, data, "text/plain")
    at.run()
    assert not at.exception
    errors = texts(at.error)
    assert message in errors and "previous corpus and model are kept" in errors
    assert model_of(at) is before and at.session_state["sb_corpus"] == "tiny"


def test_upload_over_the_limit_is_refused_with_the_limit_named(open_page):
    at = open_page(CORPUS, **TINY)
    limit_mb = 25                                                  # .streamlit/config.toml server.maxUploadSize
    assert state.upload_limit_bytes() == limit_mb * 1000 * 1000    # as the browser counts: 25,000,000 bytes
    big = b"word " * (state.upload_limit_bytes() // 5 + 1)
    at.file_uploader(key="corpus_upload").upload("big.txt", big, "text/plain")
    at.run()
    assert not at.exception
    assert f"the upload limit is {limit_mb} MB" in texts(at.error)


@pytest.fixture
def upload_limit_1mb():
    """server.maxUploadSize = 1 (MB) while the test runs."""
    from streamlit import config

    before = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 1)
    yield 1_000_000
    config.set_option("server.maxUploadSize", before)


def test_the_upload_limit_is_read_from_streamlits_config_in_bytes_as_the_browser_counts(open_page, upload_limit_1mb):
    at = open_page(CORPUS, **TINY)
    assert "at most **1 MB**" in texts(at.caption)
    line = b"the cat sat on the mat\n"
    fits = line * (upload_limit_1mb // len(line))
    fits += b"a" * (upload_limit_1mb - len(fits))                  # exactly 1,000,000 bytes
    at.file_uploader(key="corpus_upload").upload("fits.txt", fits, "text/plain")
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["sb_corpus"] == state.UPLOAD_CHOICE
    at.file_uploader(key="corpus_upload").upload("over.txt", fits + b"a", "text/plain")   # one byte more
    at.run()
    assert "the upload limit is 1 MB" in texts(at.error)
    at.switch_page("pages/10_import_export.py")                    # the vectors import reads the same limit
    at.run()
    assert "Files up to 1 MB" in texts(at.markdown)
    at.file_uploader(key="ie_upload").upload("v.txt", b"1 1\nw " + b"0" * upload_limit_1mb, "text/plain")
    at.run()
    assert not at.exception
    assert "the limit is 1 MB" in texts(at.error)


def test_good_upload_becomes_the_corpus_and_builds_a_model(open_page):
    at = open_page(CORPUS, **TINY)
    at.file_uploader(key="corpus_upload").upload("pets.txt", b"the cat sat on the mat\nthe dog sat on the log\n",
                                                 "text/plain")
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["sb_corpus"] == state.UPLOAD_CHOICE
    assert model_of(at).vocab.index_to_key[:3] == ["the", "sat", "on"]


def test_a_gbk_upload_names_its_encoding_and_follows_the_segmenter(open_page):
    at = open_page(CORPUS, **TINY)
    text = "国王住在北京的宫殿里。\n王后住在北京的宫殿里。\n国王和王后很高兴。\n"
    at.file_uploader(key="corpus_upload").upload("royal.txt", text.encode("gbk"), "text/plain")
    at.run()
    assert not at.exception and not at.error
    assert any("royal.txt" in s.value and "GBK" not in s.value for s in at.success)   # the name, then a note
    assert any("read as **GBK**" in i.value for i in at.info)
    assert "国王" in model_of(at).vocab.key_to_index                # cut into words (jieba)
    at.radio(key=state.widget_key("segmenter")).set_value("characters").run()
    assert not at.exception
    assert set(model_of(at).vocab.index_to_key) >= {"国", "王", "京"} and "国王" not in model_of(at).vocab.key_to_index
    assert at.query_params["segmenter"] == "characters"
    at.file_uploader(key="corpus_upload").upload("plain.txt", b"the cat sat on the mat\nthe dog sat\n", "text/plain")
    at.run()
    assert not at.info and "Read as UTF-8." in texts(at.caption)


def test_upload_too_short_for_training_keeps_the_previous_model(open_page):
    at = open_page(CORPUS, **TINY)
    before = model_of(at)
    at.file_uploader(key="corpus_upload").upload("words.txt", b"hello\nworld\n", "text/plain")
    at.run()
    assert not at.exception
    assert "no training examples" in texts(at.error)
    assert model_of(at) is before


# ---------------------------------------------------------------------------------------------- windows
def stream_examples(m, chunk):
    """Every example of a chunk as (input words, target word), in training order."""
    words = m.vocab.index_to_key
    return [(tuple(words[int(i)] for i in chunk.inputs(e)), words[int(chunk.targets[e])])
            for e in range(chunk.n_examples)]


@pytest.mark.parametrize("architecture,columns", [("skipgram", ("input (center)", "→ target (context word)")),
                                                  ("cbow", ("inputs (context words, summed into h)",
                                                            "→ target (center)"))])
def test_windows_page_shows_exactly_the_examples_the_model_trains_on(open_page, architecture, columns):
    at = open_page(WINDOWS, sb_architecture=architecture, **TINY)
    m = model_of(at)
    assert "exactly the examples your model trains on" in texts(at.success)
    shown = []
    for sentence in range(1, 8):                                   # the first sentences, one after the other
        at.number_input(key="windows_sentence").set_value(sentence).run()
        assert not at.exception
        tokens = [m.vocab.index_to_key[i] for i in m.vocab.encode(m.sentences[sentence - 1])]
        grid = vega_by_title(at, "", "kind")
        assert grid.drop_duplicates("col").sort_values("col")["word"].tolist() == tokens
        table = table_with(at, columns[0])
        shown += [(tuple(i.split(", ")), t) for i, t in zip(table[columns[0]], table[columns[1]])]
    trained = stream_examples(m, m.stream.chunk(0))                # what step() and train() consume
    assert len(shown) > 20 and shown == trained[:len(shown)]
    sg, cbow = (window_lessons.epoch_examples(m.replay_stream(architecture=a)) for a in ("skipgram", "cbow"))
    metrics = {x.label: x.value for x in at.metric}
    assert metrics["skip-gram examples (epoch 1)"] == f"{sg:,}" and metrics["CBOW examples (epoch 1)"] == f"{cbow:,}"
    assert (sg if architecture == "skipgram" else cbow) == len(trained)   # tiny: one chunk holds the epoch


def test_windows_page_with_other_settings_shows_what_such_a_model_would_train_on(open_page):
    at = open_page(WINDOWS, sb_window=2, **TINY)
    m = model_of(at)
    at.slider(key="windows_window").set_value(3).run()
    at.toggle(key="windows_shrink").set_value(False).run()
    assert not at.exception and not at.success
    assert "would train on" in texts(at.info)
    other = m.replay_stream(window=3, shrink_windows=False)
    idx = at.number_input(key="windows_sentence").value - 1
    view = window_lessons.sentence_view(other, idx)
    table = table_with(at, "input (center)")
    words = m.vocab.index_to_key
    assert list(table["→ target (context word)"]) == [words[t] for _, t in view.examples]
    assert all(w.radius == 3 for w in view.windows)                # no shrinking: every radius is the window
    metrics = {x.label: x.value for x in at.metric}
    n = window_lessons.epoch_examples(m.replay_stream(window=3, shrink_windows=False))
    assert metrics["skip-gram examples (epoch 1)"] == f"{n:,}"
    assert metrics["skip-gram, full window"] == f"{n:,}"          # without shrinking the draw is the full window
    at.slider(key="windows_window").set_value(2).run()
    at.toggle(key="windows_shrink").set_value(True).run()
    assert "exactly the examples your model trains on" in texts(at.success)


def test_window_larger_than_every_sentence_is_explained(open_page):
    at = open_page(WINDOWS, **TINY)
    assert not at.warning
    at.slider(key="windows_window").set_value(10).run()
    assert not at.exception
    assert "larger than every sentence" in texts(at.warning)


# ---------------------------------------------------------------------------------------------- step
@pytest.mark.slow
def test_next_and_undo_change_and_restore_the_weights_exactly(open_page):
    at = open_page(STEP, **TINY)
    m = model_of(at)
    W_in0, W_out0 = m.W_in.copy(), m.W_out.copy()
    assert "Press **Next**" in texts(at.info)

    at.button(key="step_next").click().run()
    m = model_of(at)
    assert m.step_count == 1 and len(at.session_state[state.HISTORY]) == 1
    t = at.session_state[state.LAST_TRACE]
    assert not np.array_equal(m.W_out, W_out0)
    assert any(f"{t.loss:.3f}" in x.proto.delta for x in at.metric)  # the loss shown is the step's loss
    W_in1, W_out1 = m.W_in.copy(), m.W_out.copy()

    at.button(key="step_next10").click().run()
    assert model_of(at).step_count == 11
    assert [r["step"] for r in at.session_state[state.HISTORY]] == list(range(1, 12))

    for _ in range(10):
        at.button(key="step_undo").click().run()
    m = model_of(at)
    assert m.step_count == 1 and np.array_equal(m.W_in, W_in1) and np.array_equal(m.W_out, W_out1)
    assert at.session_state[state.LAST_TRACE].step == 1            # the page shows step 1 again
    assert len(at.session_state[state.HISTORY]) == 1

    at.button(key="step_undo").click().run()
    m = model_of(at)
    assert m.step_count == 0 and np.array_equal(m.W_in, W_in0) and np.array_equal(m.W_out, W_out0)
    assert at.button(key="step_undo").disabled
    assert not at.exception


# (the Step page's lesson and its six models: tests/ui/test_step_page.py)


def test_diverging_learning_rate_shows_an_error_and_keeps_the_last_good_weights(open_page):
    at = open_page(STEP, sb_alpha=100.0, **TINY)
    at.button(key="step_next100").click().run()
    assert not at.exception
    assert "diverged" in texts(at.error)
    m = model_of(at)
    assert 0 < m.step_count < 100
    assert np.isfinite(m.W_in).all() and np.isfinite(m.W_out).all()
    at.button(key="step_undo").click().run()                       # still usable afterwards
    assert not at.exception and not at.error


def test_two_sessions_never_share_a_model(open_page):
    a = open_page(STEP, **TINY)
    b = open_page(STEP, **TINY)
    a.button(key="step_next10").click().run()
    assert model_of(a).step_count == 10 and model_of(b).step_count == 0
    assert model_of(a) is not model_of(b)
    assert not np.array_equal(model_of(a).W_out, model_of(b).W_out)


# ---------------------------------------------------------------------------------------------- HS and NS
def test_hierarchical_softmax_page_path_matches_the_step_and_sums_to_one(open_page):
    at = open_page(HS, sb_objective="hierarchical_softmax", **TINY)
    at.button(key="hs_next10").click().run()
    assert not at.exception
    t = at.session_state[state.LAST_TRACE]
    table = table_with(at, "product so far")
    assert list(table["node"]) == list(t.path) and list(table["bit"]) == list(t.code)
    assert np.allclose(table["σ(θ·h)"], t.probs)                 # the numbers the step used
    assert np.isclose(table["product so far"].iloc[-1], np.exp(-t.loss))
    metrics = {x.label: x.value for x in at.metric}
    assert metrics["Σ over all words of p(w | h)"] == "1.000000"
    tree = vega_by_title(at, "", "hot")
    leaves = tree[tree["part"] == "leaf"]
    target = model_of(at).vocab.index_to_key[t.target]
    assert target in set(leaves["label"])                         # the tree is labelled with words
    assert leaves.loc[leaves["hot"], "label"].tolist() == [target]  # the path ends at the target
    sigmas = tree[(tree["part"] == "node") & tree["hot"]]["label"].tolist()
    assert sigmas == [f"σ={p:.2f}" for p in t.probs]               # each path node's σ(θ·h), root first


def test_the_codes_table_of_a_large_vocabulary_shows_its_two_ends(open_page):
    """Lee (7,000+ words): the codes table holds the 600 most frequent and the 400 rarest words with their
    true codes (not all V rows: 1.2 MB for the browser at every visit) and says so."""
    at = open_page(HS, query={"corpus": "lee_background"}, timeout=120)
    model = model_of(at)
    V = len(model.vocab)
    assert V > 1000
    codes = table_with(at, "path (internal nodes)")
    assert len(codes) == 1000
    words = list(codes["word"])
    assert words[:3] == model.vocab.index_to_key[:3] and words[-1] == model.vocab.index_to_key[-1]
    rare = model.vocab.index_to_key[V - 1]
    assert codes["code"].iloc[-1] == "".join(map(str, model.tree.codes[V - 1])) and words[-1] == rare
    assert any(f"of the {V:,} words" in c.value for c in at.caption)


@pytest.mark.parametrize("page,prefix,objective,other", [
    (HS, "hs", "hierarchical_softmax", "negative_sampling"), (NS, "ns", "negative_sampling", "softmax")])
def test_hs_and_ns_pages_with_another_objective_offer_the_same_switch(open_page, page, prefix, objective, other):
    at = open_page(page, sb_objective=other, **TINY)
    assert f"uses **{engine.objectives.OBJECTIVE_TABLE[other].label}**" in texts(at.info)
    assert not [b for b in at.button if b.key == f"{prefix}_next"]          # no stepping with another objective
    button = at.button(key=f"{prefix}_switch")
    assert button.label == f"Switch to {engine.objectives.OBJECTIVE_TABLE[objective].label}"
    button.click().run()
    assert not at.exception
    assert model_of(at).objective == objective and at.session_state["sb_objective"] == objective
    assert not [b for b in at.button if b.key == f"{prefix}_switch"]
    at.button(key=f"{prefix}_next").click().run()
    assert model_of(at).step_count == 1


def test_negative_sampling_page_terms_reproduce_the_step_loss(open_page):
    at = open_page(NS, **TINY)
    at.button(key="ns_next10").click().run()
    assert not at.exception
    t = at.session_state[state.LAST_TRACE]
    table = table_with(at, "σ(u·h)")
    assert len(table) == len(t.negatives) + 1
    assert np.isclose(-table["value"].sum(), t.loss)
    assert f"= {t.loss:.4f}" in texts(at.latex)
    m = model_of(at)

    def noise_bars():
        table = vega_by_title(at, "P_n(w)")
        return table[table["part"] == "bar"]

    bars = noise_bars()
    assert np.allclose(bars["p"], m.vocab.noise_distribution(m.ns_exponent))   # slider starts at the model's exponent
    assert bars.loc[bars["role"] == "target", "word"].tolist() == [m.vocab.index_to_key[t.target]]
    drawn = vega_by_title(at, "P_n(w)")
    assert sorted(drawn.loc[drawn["part"] == "mark", "label"]) == sorted(m.vocab.index_to_key[i] for i in set(t.negatives))
    at.slider(key="ns_alpha").set_value(0.0).run()
    assert np.allclose(noise_bars()["p"], 1.0 / len(m.vocab))    # alpha = 0: uniform
