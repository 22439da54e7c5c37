"""The catalogue of bad inputs (docs/BAD_INPUTS.md): each gives a clear message naming the argument, its value
and what is allowed; nothing hangs, nothing is silently wrong, and the last good model is kept.

Part 1 calls the engine with every bad input of the issue; part 2 reads and writes word2vec files that used to
be misread; part 3 checks that degenerate-but-legal inputs stay fast; part 4 opens every page of the app with a
vocabulary of 1, 2 and 3 words (an uploaded corpus) and with imported vectors files of 1 to 4 words.
The settings gate of links and settings JSON files has its own tests in tests/ui/test_settings.py.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import engine
from engine import KeyedVectors, TrainingDiverged, Word2Vec, load_word2vec_format, parse_word2vec_bytes
from engine.config import SettingTypeError
from engine.vocab import CorpusTypeError
from ui import state
from tests.conftest import kept_choice, uploaded

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [["the", "king", "rules", "the", "land"], ["the", "queen", "rules", "the", "sea"]] * 5


def built(**settings) -> Word2Vec:
    return Word2Vec(**{"vector_size": 8, "sample": 0.0, "epochs": 1, **settings}).build_vocab(SENTENCES)


# ============================================================================ 1. the engine's bad inputs
# (what is called, the exception expected, fragments its message must hold: the argument, the value, the range)
SETTING_CASES = [
    (dict(vector_size="50"), SettingTypeError, ["vector_size='50'", "an integer in [1, 1000]"]),
    (dict(window="2"), SettingTypeError, ["window='2'", "an integer in [1, 100]"]),
    (dict(seed=None), SettingTypeError, ["seed=None", "an integer in [0, 4294967295]"]),
    (dict(seed=-1), ValueError, ["seed=-1", "an integer in [0, 4294967295]"]),
    (dict(vector_size=100000), ValueError, ["vector_size=100000", "[1, 1000]"]),
    (dict(alpha=float("inf")), ValueError, ["alpha=inf", "a number > 0"]),
    (dict(alpha=0.0), ValueError, ["alpha=0.0", "a number > 0"]),
    (dict(sample=float("inf")), ValueError, ["sample=inf", "a number in [0, 1]"]),
    (dict(window=10**6), ValueError, ["window=1000000", "[1, 100]"]),
    (dict(epochs=10**6), ValueError, ["epochs=1000000", "[1, 10000]"]),
    (dict(ns_exponent=10), ValueError, ["ns_exponent=10", "a number in [-2, 2]"]),
    (dict(architecture="cbow2"), ValueError, ["architecture='cbow2'", "one of ('skipgram', 'cbow')"]),
    (dict(min_count=0), ValueError, ["min_count=0", "[1, 1000000000]"]),
    (dict(objective="negative_sampling", negative=0), ValueError, ["negative=0", ">= 1"]),
    (dict(min_alpha=0.5, alpha=0.1), ValueError, ["min_alpha=0.5", "[0, alpha]"]),
]


@pytest.mark.parametrize("settings,error,fragments", SETTING_CASES, ids=lambda x: str(x)[:40])
def test_a_bad_setting_is_named_with_its_value_and_allowed_range(settings, error, fragments):
    with pytest.raises(error) as info:
        Word2Vec(**settings).build_vocab(SENTENCES)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)        # SettingTypeError is a TypeError and a ValueError


def test_a_setting_changed_after_build_vocab_is_checked_and_structural_ones_refused():
    m = built(objective="negative_sampling")
    m.step()
    W_out_shape, W_in = m.W_out.shape, m.W_in.copy()
    with pytest.raises(ValueError, match=r"objective cannot change after build_vocab .*objective='negative_sampling'"):
        m.objective = "softmax"
    with pytest.raises(ValueError, match=r"epochs=1000000 is not allowed: epochs must be an integer in \[1, 10000\]"):
        m.epochs = 10**6
    with pytest.raises(SettingTypeError, match="epochs='5'"):
        m.epochs = "5"
    m.epochs = 3                                     # a live setting: allowed
    assert (m.objective, m.epochs, m.W_out.shape) == ("negative_sampling", 3, W_out_shape)
    np.testing.assert_array_equal(m.W_in, W_in)
    m.step()                                         # and the model still trains


@pytest.mark.parametrize("corpus,fragments", [
    (None, ["sentences=None is not a corpus", "iterable of token lists"]),
    (5, ["sentences=5 is not a corpus"]),
    ("the king rules", ["sentences='the king rules' is one string"]),
    ([["a", "b"], 7], ["sentences[1] is 7 (int), not a list of tokens"]),
    ([["a", "b"], ["b", None, "a"]], ["sentences[1][1] is None (NoneType)", "tokens must be strings"]),
    ([["a", 3, "b"]], ["sentences[0][1] is 3 (int)"]),
    ([["a", "b"], ["a", ""]], ["sentences[1][1] is the empty string"]),
    ([["a", ["b"]]], ["sentences[0][1] is ['b'] (list)"]),
    ([["a", "b"], "a b"], ["sentences[1] is 'a b', one string"]),
])
def test_a_corpus_that_is_not_token_lists_is_named_where_it_goes_wrong(corpus, fragments):
    with pytest.raises(CorpusTypeError) as info:
        Word2Vec().build_vocab(corpus)
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_a_failed_rebuild_keeps_the_model_it_had():
    m = built()
    m.steps(3)
    before = (m.vocab, m.W_in.copy(), m.W_out.copy(), m.step_count)
    for bad in (None, [["a", None]], [["only"]]):
        with pytest.raises(ValueError):
            m.build_vocab(bad)
    assert m.vocab is before[0] and m.step_count == before[3]
    np.testing.assert_array_equal(m.W_in, before[1])
    np.testing.assert_array_equal(m.W_out, before[2])
    m.step()


def test_hierarchical_softmax_with_one_word_says_so_at_build_vocab():
    with pytest.raises(ValueError, match=r"hierarchical softmax needs at least 2 words in the vocabulary.*found 1"):
        Word2Vec(objective="hierarchical_softmax", sample=0).build_vocab([["a", "a", "a"]])


def test_a_divergent_learning_rate_raises_training_diverged_with_the_last_good_weights():
    m = built(objective="softmax", alpha=1e30, init_scale=100.0)
    last_good = None
    with pytest.raises(TrainingDiverged, match="NaN or inf.*Lower alpha"):
        for _ in range(1000):
            last_good = (m.W_in.copy(), m.W_out.copy())
            m.step()
    assert np.isfinite(m.W_in).all() and np.isfinite(m.W_out).all()
    np.testing.assert_array_equal(m.W_in, last_good[0])
    np.testing.assert_array_equal(m.W_out, last_good[1])


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(0)
    words = ["zero", "king", "queen", "man", "woman", "apple"]
    vecs = rng.normal(size=(len(words), 4)).astype(np.float32)
    vecs[0] = 0.0
    return KeyedVectors(words, vecs)


@pytest.mark.parametrize("call,error,fragments", [
    (lambda kv: kv.most_similar("king", topn=None), TypeError, ["topn=None", "an integer >= 0"]),
    (lambda kv: kv.most_similar("king", topn=1.5), TypeError, ["topn=1.5"]),
    (lambda kv: kv.most_similar("king", topn=-1), ValueError, ["topn=-1"]),
    (lambda kv: kv.most_similar_cosmul("king", topn="3"), TypeError, ["topn='3'"]),
    (lambda kv: kv.most_similar("king", restrict_vocab=-5), ValueError, ["restrict_vocab=-5", "integer >= 1"]),
    (lambda kv: kv.most_similar("king", restrict_vocab=2.5), TypeError, ["restrict_vocab=2.5"]),
    (lambda kv: kv.most_similar("zero"), ValueError, ["'zero' is zero", "no direction"]),
    (lambda kv: kv.most_similar_cosmul("zero"), ValueError, ["'zero' is zero"]),
    (lambda kv: kv.most_similar(positive=["king"], negative=["king"]), ValueError, ["query vector is zero"]),
    (lambda kv: kv.most_similar("kong"), KeyError, ["'kong' is not in the vocabulary"]),
    (lambda kv: kv.most_similar_cosmul("king", negative=["kong"]), KeyError, ["'kong'"]),
    (lambda kv: kv.evaluate_word_analogies(engine.gensim_data_path("questions-words.txt"), restrict_vocab=0),
     ValueError, ["restrict_vocab=0"]),
    (lambda kv: KeyedVectors(["a", "b"], np.zeros((3, 2))), ValueError, ["(3, 2)", "2 words"]),
    (lambda kv: KeyedVectors(["a", "a"], np.zeros((2, 2))), ValueError, ["'a' is listed twice"]),
])
def test_bad_query_arguments_are_named(kv, call, error, fragments):
    with pytest.raises(error) as info:
        call(kv)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_restrict_vocab_searches_only_the_most_frequent_words(kv):
    assert {w for w, _ in kv.most_similar("king", restrict_vocab=3)} == {"zero", "queen"}   # ids 0..2, not king
    assert kv.most_similar("king", topn=0) == []
    assert len(kv.most_similar("king", topn=3.0)) == 3      # an integral float is an integer


def test_a_corpus_path_that_is_a_directory_or_missing_is_named(tmp_path):
    with pytest.raises(ValueError, match="is a directory, not a file"):
        engine.read_corpus(tmp_path)
    with pytest.raises(ValueError, match="does not exist"):
        engine.read_corpus(tmp_path / "nope.txt")
    with pytest.raises(TypeError, match=r"path=None is not a file path"):
        engine.read_corpus(None)


def test_a_bad_byte_after_the_first_64_kib_is_named_with_its_offset_inside_build_vocab(tmp_path):
    path = tmp_path / "late.txt"
    good = b"the cat sat on the mat\n" * 4000                 # 92,000 bytes: beyond the 64 KiB head
    path.write_bytes(good + b"caf\xe9\n")
    corpus = engine.read_corpus(path)                         # the head is fine
    m = Word2Vec(sample=0)
    with pytest.raises(ValueError, match=f"late.txt is not valid UTF-8 text at byte offset {len(good) + 3:,}"):
        m.build_vocab(corpus)
    assert m.vocab is None


# ============================================================================ 2. word2vec files
def test_a_text_file_with_double_spaces_or_tabs_is_read_as_text():
    double = parse_word2vec_bytes(b"2 2\nking  0.5 0.25\nqueen 1.0  -2.0 \n", name="v.txt")
    tabs = parse_word2vec_bytes(b"2 2\nking\t0.5\t0.25\nqueen\t1.0\t-2.0\n", name="v.tsv")
    for kv in (double, tabs):
        assert kv.index_to_key == ["king", "queen"]
        np.testing.assert_array_equal(kv.vectors, [[0.5, 0.25], [1.0, -2.0]])


@pytest.mark.parametrize("data,fragments", [
    (b"2 3\nking 0.5 0.25\nqueen 1.0 2.0\n", ["line 2: expected a word and 3 numbers, found 2 values",
                                              "the header's second number is wrong"]),
    (b"1 2\nking 0.5 0.25\nqueen 1.0 2.0\n", ["the header says 1 word, but the file has 2 lines of vectors"]),
    (b"3 2\nking 0.5 0.25\nqueen 1.0 2.0\n", ["truncated: the header promises 3 words, the file has 2 lines"]),
    (b"2 2\nking 0.5 0.25\nking 1.0 2.0\n", ["lists the same word twice: 'king'"]),
])
def test_a_header_that_disagrees_with_the_lines_is_named(data, fragments):
    with pytest.raises(ValueError) as info:
        parse_word2vec_bytes(data, name="v.txt")
    for fragment in fragments:
        assert fragment in str(info.value)


def test_max_words_reads_the_first_words_on_purpose_and_is_checked():
    data = b"3 2\nking 0.5 0.25\nqueen 1.0 2.0\nman 3 4\n"
    assert parse_word2vec_bytes(data, max_words=2).index_to_key == ["king", "queen"]
    with pytest.raises(ValueError, match="max_words=0 is not allowed"):
        parse_word2vec_bytes(data, max_words=0)


def test_binary_files_are_checked_for_extra_words_and_all_zero_vectors_read_back(tmp_path):
    kv = KeyedVectors(["king", "queen"], np.zeros((2, 3), dtype=np.float32))   # bytes that are valid UTF-8
    kv.save_word2vec_format(tmp_path / "z.bin", binary=True)
    back = load_word2vec_format(tmp_path / "z.bin")
    assert back.index_to_key == ["king", "queen"] and not back.vectors.any()
    data = (tmp_path / "z.bin").read_bytes().replace(b"2 3", b"1 3", 1)
    with pytest.raises(ValueError, match="the header says 1 word, but .* more bytes follow"):
        parse_word2vec_bytes(data, binary=True)


@pytest.mark.parametrize("word", ["new york", "tab\there", "line\nbreak", "nbsp\xa0x", "", "trailing "])
def test_saving_a_word_the_format_cannot_hold_is_refused_naming_it_and_writes_nothing(tmp_path, word):
    kv = KeyedVectors(["king", word], np.ones((2, 2), dtype=np.float32))
    path = tmp_path / "v.txt"
    for binary in (False, True):
        with pytest.raises(ValueError) as info:
            kv.save_word2vec_format(path, binary=binary)
        assert "word 1" in str(info.value) and (repr(word) in str(info.value) or word == "")
        assert not path.exists()


def test_a_word_with_whitespace_inside_a_binary_file_is_refused_at_reading_as_at_saving():
    data = b"2 2\n" + b"a\tb " + np.array([1, 2], np.float32).tobytes() + b"\nc " + np.array([3, 4], np.float32).tobytes()
    with pytest.raises(ValueError, match=r"t.bin, word 1: 'a\\tb' holds whitespace \('\\t'\)"):
        parse_word2vec_bytes(data, name="t.bin")


def test_the_projector_metadata_refuses_a_line_break_and_keeps_rows_aligned(tmp_path):
    kv = KeyedVectors(["king", "line\nbreak"], np.ones((2, 2), dtype=np.float32))
    with pytest.raises(ValueError, match=r"word 1 \('line\\nbreak'\) cannot be a line of metadata.tsv"):
        kv.save_projector_tsv(tmp_path / "v.tsv", tmp_path / "m.tsv")


# ============================================================================ 3. degenerate but legal: fast
def _finishes(fn, seconds: float):
    """(finished, seconds taken): run fn in a thread and wait at most `seconds` (a hang guard, not a timing)."""
    out = {}

    def run():
        t0 = time.perf_counter()
        fn()
        out["t"] = time.perf_counter() - t0

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(seconds)
    return "t" in out, out.get("t")


@pytest.mark.parametrize("ns_exponent", [2.0, 0.75, -2.0])
def test_one_word_a_hundred_thousand_times_steps_without_hanging(ns_exponent):
    """Negative sampling where one word holds nearly all the noise mass: every negative equals the target
    and would be redrawn for ever; after 8 rounds NoiseTable.draw_excluding draws it in bounded time.
    (It took 75 s before; now ~0.3 s on a quiet machine for the first step, which builds the chunk of
    300,000 examples. The bound here only guards against a hang on a loaded machine.)"""
    m = Word2Vec(ns_exponent=ns_exponent, sample=0, vector_size=8).build_vocab([["w"] * 100_000 + ["x"]])
    done, _ = _finishes(lambda: (m.step(), m.step()), 30.0)
    assert done, "step() did not return within 30 s"
    negatives = m.cursor.chunk.negatives                       # (E, k) every negative differs from its target
    assert (negatives != np.asarray(m.cursor.chunk.targets)[:, None]).all()


def test_tiny_vocabularies_step_and_train_with_every_objective():
    for V, corpus in ((1, [["a", "a"]] * 5), (2, [["a", "b"]] * 5)):
        for objective in ("softmax", "hierarchical_softmax", "negative_sampling"):
            m = Word2Vec(objective=objective, sample=0, vector_size=4, epochs=2)
            if V == 1 and objective != "softmax":
                with pytest.raises(ValueError, match="needs at least 2 words"):
                    m.build_vocab(corpus)
                continue
            m.build_vocab(corpus)
            trace = m.step()
            assert np.isfinite(trace.loss)
            if objective == "softmax":
                assert trace.probs.sum() == pytest.approx(1.0)
            m.train()
            assert m.training_complete and np.isfinite(m.W_in).all()


# ============================================================================ 4. every page with 1, 2 and 3 words
HOME, CORPUS, STEP = "pages/01_home.py", "pages/02_corpus.py", "pages/04_step.py"
SPACE, EXPLORE, COMPARE, IMPORT = ("pages/07_embedding_space.py", "pages/08_explore.py", "pages/09_compare.py",
                                   "pages/10_import_export.py")
PAGES = ["pages/01_home.py", "pages/02_corpus.py", "pages/03_windows.py", "pages/04_step.py",
         "pages/05_hierarchical_softmax.py", "pages/06_negative_sampling.py", SPACE, EXPLORE, COMPARE, IMPORT]
TINY_TEXTS = {1: b"a a\n" * 10, 2: b"a b a b\n" * 10, 3: b"a b c a b\n" * 10}
# (buttons with a callback: a button read by `if st.button(...)` is tested on its page alone, below, because
# AppTest through app.py's navigation reruns the page and drops such a click)
BUTTONS = {HOME: ["home_train"], STEP: ["step_next", "step_next10", "step_undo"],
           "pages/05_hierarchical_softmax.py": ["hs_next", "hs_next10"],
           "pages/06_negative_sampling.py": ["ns_next", "ns_next10"]}
# the message a page shows where its lesson needs more words: (page, shown for V in range(low, need), text)
NOTES = [(HOME, 1, 2, "Comparing word vectors needs at least 2 words"),
         (STEP, 1, 2, "a full softmax over one word gives it probability 1"),
         (SPACE, 1, 3, "PCA needs 3 words for two axes"),
         (EXPLORE, 1, 2, "Exploring neighbours needs at least 2 words"),
         (EXPLORE, 2, 4, "An analogy a : b :: c : ? needs three words and a fourth")]   # (the page stops at V = 1)


def messages(at) -> str:
    return " ".join(str(e.value) for e in [*at.info, *at.warning, *at.error])


def click(at, key: str) -> None:
    buttons = [b for b in at.button if b.key == key]
    assert buttons, f"no button {key}"
    buttons[0].click().run()


def upload_tiny_corpus(open_page, V: int, **session):
    at = open_page(CORPUS, sb_corpus="tiny", **session)
    before = at.session_state[state.MODEL]
    at.file_uploader(key="corpus_upload").upload(f"v{V}.txt", TINY_TEXTS[V], "text/plain")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at, before


SLOW = pytest.mark.slow   # more than ~3 s on the 2-core machine (tests/conftest.py's rule): not in `make test-fast`


@SLOW
@pytest.mark.parametrize("V,objective", [(1, "softmax"), (2, "hierarchical_softmax"), (2, "negative_sampling"),
                                         (3, "softmax")])
def test_every_page_works_with_a_vocabulary_of_1_2_or_3_words(open_page, V, objective):
    at, _ = upload_tiny_corpus(open_page, V, sb_objective=objective)
    model = at.session_state[state.MODEL]
    assert len(model.vocab) == V and model.objective == objective
    for page in PAGES:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        for key in BUTTONS.get(page, []):
            if any(b.key == key and not b.disabled for b in at.button):
                click(at, key)
                assert not at.exception, (page, key, [e.value for e in at.exception])
        shown = messages(at)
        for where, low, need, text in NOTES:
            if where == page:
                assert (text in shown) == (low <= V < need), (page, V, text, shown[:300])


def test_a_one_word_upload_that_the_objective_cannot_use_keeps_the_previous_model(open_page):
    at, before = upload_tiny_corpus(open_page, 1, sb_objective="negative_sampling")
    assert "negative sampling needs at least 2 words in the vocabulary, found 1 (['a'])" in messages(at)
    assert at.session_state[state.MODEL] is before and len(before.vocab) > 1
    at.switch_page(STEP)
    at.run()
    click(at, "step_next")
    assert not at.exception and before.step_count == 1


def page_alone(page: str, V: int, objective: str = "softmax"):
    """The page without app.py, on the uploaded corpus of V words (as the corpus page stores it)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    for key, value in uploaded(f"v{V}.txt", engine.sentences_from_bytes(TINY_TEXTS[V])).items():
        at.session_state[key] = value
    at.session_state["sb_objective"] = objective
    at.run()
    return at


@pytest.mark.parametrize("V", [pytest.param(1, marks=SLOW), 2, pytest.param(3, marks=SLOW)])
def test_the_embedding_space_plays_and_scrubs_with_1_2_or_3_words(clear_streamlit_caches, V):
    at = page_alone(SPACE, V)
    assert not at.exception and ("PCA needs 3 words" in messages(at)) == (V < 3)
    click(at, "live_play")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    model = at.session_state[state.MODEL]
    assert model.step_count > 0 and np.isfinite(model.W_in).all()
    if at.session_state[state.LIVE_VIEW].playing:
        click(at, "live_play")                          # Pause
    time_sliders = [s for s in at.slider if s.key and s.key.startswith("live_time")]
    if time_sliders:                                     # scrub back to the first snapshot
        time_sliders[0].set_value(0).run()
        assert not at.exception, [e.value for e in at.exception]
    for matrix in ("W_out", "sum", "W_in"):
        kept_choice(at.radio, "live_matrix").set_value(matrix).run()
        assert not at.exception, (matrix, [e.value for e in at.exception])
    at.radio(key="live_method").set_value("t-SNE").run()
    assert not at.exception and "t-SNE needs at least 5 words" in messages(at)
    at.radio(key="live_method").set_value("UMAP").run()
    assert not at.exception and "UMAP needs at least 5 words" in messages(at)


@pytest.mark.parametrize("V", [1, 2, 3])
def test_explore_with_1_2_or_3_words_gives_a_message_not_a_traceback(clear_streamlit_caches, V):
    at = page_alone(EXPLORE, V)
    assert not at.exception, [e.value for e in at.exception]
    shown = messages(at)
    assert ("Exploring neighbours needs at least 2 words, and these vectors have 1 (a)" in shown) == (V == 1)
    assert ("An analogy a : b :: c : ? needs three words" in shown) == (V in (2, 3))
    if V > 1:
        click(at, "explore_train_go")
        assert not at.exception and at.session_state[state.MODEL].training_complete


@SLOW
@pytest.mark.parametrize("V", [1, 2])
def test_the_six_models_on_an_upload_of_1_or_2_words(clear_streamlit_caches, V):
    at = page_alone(COMPARE, V)
    kept_choice(at.radio, "cmp_corpus_kind").set_value("sidebar").run()
    at.checkbox(key="cmp_gensim").uncheck().run()
    click(at, "cmp_six_go")
    assert not at.exception, [e.value for e in at.exception]
    if V == 1:                               # full softmax trains; hierarchical softmax needs 2 words and says so
        assert "Could not train: hierarchical softmax needs at least 2 words" in messages(at)
    else:
        assert len(at.session_state[state.CMP_SIX]["rows"]) == 6


def vectors_file(n: int, d: int, zero_row: int = -1) -> bytes:
    rng = np.random.default_rng(n * 10 + d)
    vecs = rng.normal(size=(n, d))
    if 0 <= zero_row < n:
        vecs[zero_row] = 0.0
    lines = [f"{n} {d}"] + [f"w{i} " + " ".join(f"{x:.4f}" for x in v) for i, v in enumerate(vecs)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("n,d", [pytest.param(1, 3, marks=SLOW), (2, 1), pytest.param(3, 2, marks=SLOW),
                                 pytest.param(4, 5, marks=SLOW)])
def test_imported_vectors_of_1_to_4_words_on_explore_and_the_embedding_space(open_page, n, d):
    at = open_page(IMPORT, sb_corpus="tiny")
    at.file_uploader(key="ie_upload").upload(f"v{n}.txt", vectors_file(n, d, zero_row=3), "text/plain")
    at.run()
    assert not at.exception and len(at.session_state[state.LOADED_KV]) == n
    at.switch_page(EXPLORE)
    at.run()
    kept_choice(at.radio, "explore_source").set_value("imported").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = messages(at)
    assert ("Exploring neighbours needs at least 2 words" in shown) == (n < 2)
    if n >= 2:
        assert ("An analogy a : b :: c : ?" in shown) == (n < 4)
        assert [df for df in at.dataframe if "cosine" in df.value.columns], "the neighbours table"
    if n == 4:                                           # w3 has a zero vector: named, not ranked
        text_inputs = [ti for ti in at.text_input if ti.key and ti.key.startswith("explore_nn_word")]
        text_inputs[0].set_value("w3").run()
        assert not at.exception and "The vector of 'w3' is zero" in messages(at)
    at.switch_page(SPACE)
    at.run()
    kept_choice(at.radio, "live_source").set_value("imported").run()
    assert not at.exception, [e.value for e in at.exception]
    assert ("PCA needs 3 words" in messages(at)) == (n < 3)
    at.radio(key="live_method").set_value("t-SNE").run()
    assert not at.exception and "t-SNE needs at least 5 words" in messages(at)


def test_the_tiny_vocabulary_messages_exist_in_both_languages_with_the_same_placeholders():
    from ui.guards import too_few_words
    from ui.i18n import catalogue

    en, zh = catalogue("en"), catalogue("zh")
    keys = sorted(k for k in en if k.startswith("errors."))
    assert keys and keys == sorted(k for k in zh if k.startswith("errors."))
    for key in keys:
        assert set(re.findall(r"\{(\w+)\}", en[key])) == set(re.findall(r"\{(\w+)\}", zh[key])), key
    used = set()
    for page in PAGES + [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "ui").rglob("*.py"))]:
        used |= set(re.findall(r'(?:require_words|note_words)\([^"]*"(\w+)"', (ROOT / page).read_text()))
        used |= set(re.findall(r't\("errors\.(\w+)"', (ROOT / page).read_text()))
    assert used and all(f"errors.{name}" in en for name in used), used
    assert "1 个（a）" in too_few_words(1, 2, "home_vectors", ["a"], lang="zh")


# ============================================================================ 5. round 2 (issue 25): the engine
@pytest.mark.parametrize("name", ["alpha", "min_alpha", "init_scale", "sample", "ns_exponent", "vector_size",
                                  "window", "epochs", "seed"])
def test_a_number_too_large_for_a_float_is_named_not_an_overflow(name):
    with pytest.raises(ValueError) as info:
        Word2Vec(**{name: 10**400}).build_vocab(SENTENCES)
    assert f"{name}=<an integer of about 401 digits> is not allowed: {name} must be" in str(info.value)
    for raw in (10**400, "1e400", "9" * 5000, 10**5000):
        with pytest.raises(ValueError) as info:
            engine.coerce_setting(name, raw)
        message = str(info.value)
        assert message.startswith(f"{name}=") and f"{name} must be" in message and len(message) < 200
        assert "set_int_max_str_digits" not in message


@pytest.mark.parametrize("attribute", ["W_in", "W_out", "wv", "epoch", "planned_epochs", "noise", "stream"])
def test_attributes_read_before_build_vocab_say_to_call_it(attribute):
    m = Word2Vec()
    with pytest.raises(AttributeError, match=rf"model.{attribute} does not exist yet: call build_vocab\(sentences\)"):
        getattr(m, attribute)
    assert getattr(m, attribute, "default") == "default" and not hasattr(m, attribute)
    with pytest.raises(AttributeError, match="has no attribute 'nonsense'"):
        m.nonsense


def test_epochs_changed_mid_round_acts_on_that_round():
    m = Word2Vec(vector_size=4, epochs=2, sample=0.0).build_vocab(SENTENCES)
    m.steps(3)
    m.epochs = 5
    m.train()
    assert (m.planned_epochs, sorted(m.loss_sums)) == (5, [0, 1, 2, 3, 4])
    assert m.training_complete
    # fewer epochs than the round has begun: refused, naming the fix; the round keeps its plan
    fixed = dict(vector_size=4, sample=0.0, chunk_words=5, shrink_windows=False)    # the same examples each epoch
    per_epoch = Word2Vec(epochs=1, **fixed).build_vocab(SENTENCES).train()["examples"]
    m2 = Word2Vec(epochs=3, **fixed).build_vocab(SENTENCES)
    m2.train(max_examples=per_epoch + per_epoch // 2)     # half-way through epoch 2
    assert m2.epoch == 1 and m2.stream.epochs_begun == 2
    with pytest.raises(ValueError, match=r"epochs=1 is not allowed now: this round of training has already begun "
                                         r"epoch 2 of 3; set epochs >= 2"):
        m2.epochs = 1
    assert (m2.epochs, m2.planned_epochs) == (3, 3)
    m2.epochs = 4
    assert m2.planned_epochs == 4
    # a finished round is not re-planned: the value plans the next round
    m3 = Word2Vec(vector_size=4, epochs=1, sample=0.0).build_vocab(SENTENCES)
    m3.train()
    m3.epochs = 3
    assert m3.planned_epochs == 1 and m3.training_complete
    m3.train()
    assert m3.planned_epochs == 4


@pytest.mark.parametrize("value,error", [(-1, ValueError), (float("nan"), TypeError), (2.5, TypeError),
                                         ("10", TypeError), (True, TypeError)])
def test_train_max_examples_is_checked(value, error):
    m = built()
    with pytest.raises(error, match=rf"max_examples={value!r} is not allowed: max_examples must be None .* or an "
                                    r"integer >= 0"):
        m.train(max_examples=value)
    assert m.step_count == 0
    assert m.train(max_examples=0)["examples"] == 0 and m.train(max_examples=7)["examples"] == 7


def test_undo_back_across_chunks_without_examples_keeps_working():
    """Subsampling leaves many chunks empty; undo() back across them used to end in 'chunk 8 is no longer in
    memory' at the next look-ahead (the Step page's Undo after Next 10)."""
    import gc

    m = Word2Vec(vector_size=4, sample=1e-3, epochs=20, chunk_words=5, seed=3).build_vocab(SENTENCES * 3)
    for n in (1, 10, 10, 10):
        m.steps(n)
        gc.collect()
    positions = []
    while m.can_undo:
        m.undo()
        gc.collect()
        positions.append(m.cursor.after(m.cursor.chunk, m.cursor.index + 1) is not None)
        assert not m.training_complete
    assert m.step_count == 0 and all(positions)
    m.steps(31)
    assert m.step_count == 31


def test_cosine_scales_before_normalising_tiny_and_huge_vectors():
    kv = KeyedVectors(["tiny", "ref", "huge", "minute", "zero"],
                      np.array([[1e-13, 0], [0.3, 0.4], [1e38, 1e38], [1e-20, 3e-20], [0, 0]], dtype=np.float32))
    assert kv.similarity("tiny", "ref") == pytest.approx(0.6, abs=1e-6)
    assert kv.similarity("huge", "ref") == pytest.approx(0.7 / (np.sqrt(2) * 0.5), abs=1e-6)
    assert kv.similarity("minute", "ref") == pytest.approx((0.3 + 1.2) / np.sqrt(10) / 0.5, abs=1e-6)
    assert [w for w, _ in kv.most_similar("huge", topn=2)] == ["ref", "minute"]       # Explore's query works
    assert np.isfinite(kv.normed()).all()
    ordinary = np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)
    plain = ordinary / np.linalg.norm(ordinary, axis=1, keepdims=True)
    np.testing.assert_array_equal(KeyedVectors([str(i) for i in range(50)], ordinary).normed(), plain)


@pytest.mark.parametrize("call,error,fragments", [
    (lambda kv: kv.similarity("zero", "king"), ValueError, ["'zero' is zero", "no direction"]),
    (lambda kv: kv.doesnt_match(["zero", "king", "queen"]), ValueError, ["'zero' is zero"]),
    (lambda kv: kv.doesnt_match("king"), TypeError, ["words='king' is not allowed", "a list of words",
                                                     "not one string"]),
    (lambda kv: kv.doesnt_match("king queen apple"), TypeError, ["did you mean ['king', 'queen', 'apple']"]),
    (lambda kv: kv.doesnt_match([1, 2]), TypeError, ["words=[1, 2] is not allowed"]),
    (lambda kv: kv.most_similar(positive=5), TypeError, ["positive=5 is not allowed"]),
    (lambda kv: kv.most_similar(positive=["king"], negative=[None]), TypeError, ["negative=[None]"]),
])
def test_zero_vectors_and_strings_for_lists_are_refused_as_most_similar_refuses_them(kv, call, error, fragments):
    with pytest.raises(error) as info:
        call(kv)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert kv.doesnt_match(("king", "queen", "apple")) in ("king", "queen", "apple")   # a tuple is a list of words


@pytest.fixture
def pairs_kv():
    rng = np.random.default_rng(1)
    words = ["king", "queen", "man", "woman", "apple", "pear"]
    return KeyedVectors(words, rng.normal(size=(len(words), 5)).astype(np.float32))


def test_a_word_pair_list_with_a_byte_order_mark_reads_its_first_word(pairs_kv, tmp_path):
    lines = "king\tqueen\t9\nman\twoman\t8\napple\tpear\t7\nking\tapple\t1\n"
    plain, bom = tmp_path / "plain.tsv", tmp_path / "bom.tsv"
    plain.write_text(lines, encoding="utf-8")
    bom.write_text(lines, encoding="utf-8-sig")                          # Notepad's UTF-8
    assert pairs_kv.evaluate_word_pairs(bom)[2] == 0.0
    assert pairs_kv.evaluate_word_pairs(bom)[1].statistic == pairs_kv.evaluate_word_pairs(plain)[1].statistic
    assert pairs_kv.word_pair_details(bom)[0][0] == "king"


@pytest.mark.parametrize("text,fragments", [
    ("9\tking\tqueen\n8\tman\twoman\n", ["no word pairs", "line 1", "score before the words", "wrong order"]),
    ("king\tqueen\nman\twoman\n", ["no word pairs", "line 1 has 2 columns", "two words and a score"]),
    ("# only a comment\n", ["no word pairs", "no lines besides comments"]),
    ("", ["no word pairs"]),
    ("king\tqueen\tnan\nman\twoman\t8\n", ["line 1: the score 'nan'", "not a finite number"]),
    ("king\tqueen\t9\nman\twoman\tinf\n", ["line 2: the score 'inf'"]),
    ("king\tqueen\t9\nxx\tyy\t3\n", ["1 of its 2 pairs have both words in the vocabulary", "at least 2"]),
])
def test_a_word_pair_list_that_cannot_be_scored_says_why(pairs_kv, tmp_path, text, fragments):
    path = tmp_path / "pairs.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        pairs_kv.evaluate_word_pairs(path)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_analogies_need_a_section_line_and_a_positive_batch(pairs_kv, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("\nking queen man woman\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"a.txt, line 2: a question before any section line.*': capital-common"):
        pairs_kv.evaluate_word_analogies(path)
    path.write_text(": royal\nking queen man woman\n", encoding="utf-8")
    for batch in (-1, 0, 1.5, None):
        with pytest.raises(ValueError, match=rf"batch={batch!r} is not allowed"):
            pairs_kv.evaluate_word_analogies(path, batch=batch)
    accuracy, sections = pairs_kv.evaluate_word_analogies(path, batch=1)
    assert sections[-1]["correct"] + sections[-1]["incorrect"] == 1


@pytest.mark.parametrize("data,binary,fragments", [
    ("2 2\ncafé 0.1 0.2\nthé 0.3 0.4\n".encode("latin-1"), None,
     ["is a text word2vec file but not UTF-8", "byte 0xe9", "'café'", "Latin-1", "save it again as UTF-8"]),
    ("2 2\ncafe 0.1 0.2\nthe 0.3 0.4\n".encode("utf-16"), None, ["v.txt is UTF-16 text", "save it again as UTF-8"]),
    ("2 2\ncafe 0.1 0.2\n".encode("utf-16-le"), None, ["is UTF-16 text"]),
    ("2 2\ncafe 0.1 0.2\n".encode("utf-32"), None, ["is UTF-32 text"]),
    (b"2 2\nk\xffng " + np.array([1, 2], np.float32).tobytes() + b"\nq " + np.array([1, 2], np.float32).tobytes()
     + b"\n", None, ["word 1: its bytes b'k\\xffng' are not valid UTF-8", "byte 0xff"]),
    (b"2 2\nab 0.1 0.2\ncd 0.3 0.4\n", True, ["is a text word2vec file", "binary=True", "binary=False"]),
    (b"9" * 5000 + b" 2\na 1 2\n", None, ["the header's number of words has 5,000 digits", "correct the header"]),
    (b"1 2\na " + b"9" * 5000 + b" 2\n", None, ["NaN or infinite values", "word 1, 'a'", "float32's range"]),
])
def test_a_vectors_file_in_another_encoding_or_mode_is_named(data, binary, fragments):
    with pytest.raises(ValueError) as info:
        parse_word2vec_bytes(data, binary=binary, name="v.txt")
    for fragment in fragments:
        assert fragment in str(info.value)
    assert "set_int_max_str_digits" not in str(info.value)


def test_a_missing_file_or_a_directory_is_named_as_a_value_error_and_an_os_error(tmp_path, pairs_kv):
    from engine.files import FileProblem

    for call in (lambda p: load_word2vec_format(p), lambda p: pairs_kv.evaluate_word_pairs(p),
                 lambda p: pairs_kv.evaluate_word_analogies(p), lambda p: pairs_kv.word_pair_details(p)):
        with pytest.raises(FileProblem, match="nope.txt does not exist") as info:
            call(tmp_path / "nope.txt")
        assert isinstance(info.value, ValueError) and isinstance(info.value, FileNotFoundError.__base__)
        with pytest.raises(ValueError, match="is a directory, not a file"):
            call(tmp_path)
    with pytest.raises(TypeError, match="delimiter=None is not allowed"):
        pairs_kv.evaluate_word_pairs(tmp_path / "x", delimiter=None)


def test_keyed_vectors_refuse_nan_or_infinite_vectors_naming_the_word():
    with pytest.raises(ValueError, match=r"the vector of 'b' \(row 1\) holds NaN or infinite values"):
        KeyedVectors(["a", "b"], np.array([[1.0, 0.0], [np.nan, 1.0]]))


@pytest.mark.parametrize("binary", [False, True])
def test_a_failed_save_leaves_the_existing_file_intact(tmp_path, binary):
    path = tmp_path / "v.w2v"
    path.write_bytes(b"precious")
    bad = KeyedVectors(["ok", "bad\ud800"], np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"word 1 \('bad\\ud800'\) cannot be saved: .*lone surrogate"):
        bad.save_word2vec_format(path, binary=binary)
    assert path.read_bytes() == b"precious" and sorted(p.name for p in tmp_path.iterdir()) == ["v.w2v"]
    vectors, metadata = tmp_path / "vectors.tsv", tmp_path / "metadata.tsv"
    vectors.write_text("old vectors")
    metadata.write_text("old words")
    with pytest.raises(ValueError, match="lone surrogate"):
        bad.save_projector_tsv(vectors, metadata)
    assert (vectors.read_text(), metadata.read_text()) == ("old vectors", "old words")


def test_atomic_write_keeps_the_old_file_on_any_failure_and_replaces_it_whole(tmp_path):
    from engine.files import atomic_write

    path = tmp_path / "f.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(path, "w") as f:
            f.write("new, half")
            raise RuntimeError("disk full")
    assert path.read_text() == "old" and len(list(tmp_path.iterdir())) == 1
    with atomic_write(path, "w") as f:
        f.write("new")
    assert path.read_text() == "new" and (path.stat().st_mode & 0o777) != 0o600


# ============================================================================ 6. round 2 (issue 25): the pages
@pytest.mark.parametrize("query", [{"corpus": "tiny", "sample": "0.0001"},
                                   {"corpus": "tiny", "sample": "0.00001", "epochs": "1"}],   # a round without examples
                         ids=["sample-1e-4", "empty-round"])
def test_subsampling_that_leaves_few_or_no_examples_never_raises_on_a_page(open_page, query):
    for page in PAGES:
        at = open_page(page, query=query)
        for key in BUTTONS.get(page, []) + (["step_next100", "step_undo", "step_undo"] if page == STEP else []):
            if any(b.key == key and not b.disabled for b in at.button):
                click(at, key)
            assert not at.exception, (page, key, [e.value for e in at.exception])
    if query.get("epochs") == "1":                      # the empty round: Step says why before any click
        at = open_page(STEP, query=query)
        assert "No update is possible with these settings" in messages(at)
        assert "sample=1e-05" in messages(at) and "Use sample=0 (no subsampling) or a larger sample" in messages(at)
        model = at.session_state[state.MODEL]
        assert [b.disabled for b in at.button if b.key in ("step_next", "step_next10")] == [True, True]
        click(at, "step_new_round")                    # a new round draws again: here empty too, and says so
        assert not at.exception and at.session_state[state.MODEL] is model and model.step_count == 0
        assert "no training examples in all 1 epochs" in messages(at)
        at = open_page(HOME, query=query)
        click(at, "home_train")
        assert "Could not train: no training examples in all 1 epochs of this round" in messages(at)


@pytest.mark.parametrize("scale", [1e38, 1e-20, 3e-39])
def test_explore_and_the_embedding_space_work_with_extreme_finite_vectors(open_page, scale):
    """Finite values near float32's limits (1e38, or all about 1e-20, or subnormal) used to make Explore raise
    'query vector is zero ... cancel out': cosines are now taken after scaling each row."""
    rng = np.random.default_rng(7)
    vecs = (rng.normal(size=(6, 4)) * scale).astype(np.float32)
    data = ("6 4\n" + "".join(f"w{i} " + " ".join(repr(float(x)) for x in v) + "\n" for i, v in enumerate(vecs))).encode()
    at = open_page(IMPORT, sb_corpus="tiny")
    at.file_uploader(key="ie_upload").upload("extreme.txt", data, "text/plain")
    at.run()
    assert not at.exception and len(at.session_state[state.LOADED_KV]) == 6
    at.switch_page(EXPLORE)
    at.run()
    kept_choice(at.radio, "explore_source").set_value("imported").run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(df.value for df in at.dataframe if "cosine" in df.value.columns)
    assert len(table) == 5 and np.isfinite(table["cosine"]).all() and (table["cosine"].abs() <= 1 + 1e-6).all()
    at.switch_page(SPACE)
    at.run()
    kept_choice(at.radio, "live_source").set_value("imported").run()
    assert not at.exception, [e.value for e in at.exception]
