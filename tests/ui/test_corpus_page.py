"""The Corpus page (pages/02_corpus.py, ui/views/corpus.py) in AppTest: counts and the Zipf chart, a min_count
that empties the corpus, and uploads (bad files, the upload limit, a GBK file and the segmenter, too short to train).

Each test builds a fresh AppTest of app.py (tests/conftest.py) and checks behaviour against the engine:
the numbers on a page are recomputed here from the session's model, never hard-coded.
"""

import numpy as np
import pytest

import engine
from tests.conftest import model_of, texts, vega_by_title
from ui import state, uploads

CORPUS = "pages/02_corpus.py"
TINY = dict(sb_corpus="tiny")


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
    assert at.session_state["sb_corpus"] == uploads.upload_choice("fits.txt")
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
    assert at.session_state["sb_corpus"] == uploads.upload_choice("pets.txt")
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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_several_uploads_are_kept_to_switch_between_each_with_its_own_segmentation(open_page, lang):
    """Issue 24.5: each upload is kept by its file name (up to uploads.MAX_UPLOADS, said on the page) and offered
    by the sidebar; switching back to one brings its own segmentation back; one can be removed; an upload never
    travels in the link (en, zh)."""
    from ui.i18n import t

    at = open_page(CORPUS, lang=lang, **TINY)
    chinese = "国王住在北京的宫殿里。\n王后住在北京的宫殿里。\n国王和王后很高兴。\n".encode("gbk")
    at.file_uploader(key="corpus_upload").upload("royal.txt", chinese, "text/plain")
    at.run()
    at.radio(key=state.widget_key("segmenter")).set_value("characters").run()         # cut royal.txt into characters
    assert "国" in model_of(at).vocab.key_to_index
    at.file_uploader(key="corpus_upload").upload("pets.txt", b"the cat sat on the mat\nthe dog sat on the log\n",
                                                 "text/plain")
    at.run()
    assert not at.exception and not at.error
    sidebar = at.sidebar.selectbox(key="sb_corpus")
    assert sidebar.value == "upload:pets.txt"
    labels = {state.corpus_label(c, lang) for c in ("upload:royal.txt", "upload:pets.txt")}
    assert labels <= set(sidebar.options) and f"{t('sidebar.upload_choice', lang)}: pets.txt" in labels
    assert "corpus" not in at.query_params                           # the upload's name is not in the link
    kept = uploads.MAX_UPLOADS
    assert t("corpus.uploads_title", lang, n=2, limit=kept, mb=f"{(len(chinese) + 46) / 1e6:.1f}",
             total=f"{uploads.MAX_UPLOADS_BYTES / 1e6:g}") in texts(at.markdown)
    sidebar.set_value("upload:royal.txt").run()                     # back to royal.txt: cut into characters again
    assert not at.exception
    assert at.session_state["sb_segmenter"] == "characters"
    assert "国" in model_of(at).vocab.key_to_index and "国王" not in model_of(at).vocab.key_to_index
    for i in range(kept - 2):                                        # fill the tab's uploads, then one too many
        at.file_uploader(key="corpus_upload").upload(f"more{i}.txt", b"a b c a b\n" * 3, "text/plain")
        at.run()
    at.file_uploader(key="corpus_upload").upload("extra.txt", b"a b c a b\n" * 3, "text/plain")
    at.run()
    assert t("corpus.upload_too_many", lang, name="extra.txt", limit=kept) in texts(at.error)
    assert "upload:extra.txt" not in at.session_state[uploads.UPLOADS]
    at.sidebar.selectbox(key="sb_corpus").set_value("upload:royal.txt").run()
    removes = [b for b in at.button if (b.key or "").startswith("corpus_remove_")]
    assert len(removes) == kept
    removes[0].click().run()                                         # remove royal.txt, the corpus chosen
    assert not at.exception
    assert "upload:royal.txt" not in at.session_state[uploads.UPLOADS]
    assert at.session_state["sb_corpus"] == state.DEFAULTS["corpus"]
    assert state.corpus_label("upload:royal.txt", lang) not in at.sidebar.selectbox(key="sb_corpus").options


def test_an_upload_whose_name_is_a_link_is_shown_as_text(open_page):
    """Issue 25: a file name like '[x](https://evil.example).txt' never renders as a live link or image."""
    at = open_page(CORPUS, **TINY)
    for name, data in [("![p](https://evil.example/p.png).txt", b"the cat sat\nthe dog sat\n" * 5),
                       ("[x](https://evil.example).txt", b"")]:
        at.file_uploader(key="corpus_upload").upload(name, data, "text/plain")
        at.run()
        assert not at.exception
        shown = texts(at.success) + texts(at.error)
        assert "evil" in shown and "https://" not in shown, shown
