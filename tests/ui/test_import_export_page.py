"""The Import and export page (pages/10_import_export.py, ui/views/import_export.py) in AppTest: the
downloads round-trip through gensim, good and bad vectors files, and a settings JSON loads back into the
sidebar.

The page is run on its own (AppTest.from_file on the page, tests/conftest.py's page()), as a user would see
it without the sidebar: the settings are the sidebar's defaults (the royalty corpus). We click what a user
clicks and check what changes.
"""

import json

import numpy as np
import pytest

from engine import KeyedVectors
from tests.conftest import page
from ui import state
from ui.views import import_export as ie

pytestmark = pytest.mark.usefixtures("clear_caches")        # every test starts without cached data


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


def test_words_and_file_names_of_an_imported_file_never_render_as_links():
    """Issue 25: words of a vectors file and its name are shown escaped (no live link, no remote image)."""
    import re

    def live(text):
        return bool(re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", text) or re.search(r"https?://", text))

    at = page("10_import_export.py")
    words = ["[login](https://evil.example)", "![p](https://evil.example/p.png)", "king"]
    data = ie.word2vec_bytes(KeyedVectors(words, np.eye(3, dtype=np.float32)), binary=False)
    at.get("file_uploader")[0].set_value(("[x](https://evil.example).txt", data, "text/plain")).run()
    assert not at.exception and at.session_state[state.LOADED_KV].index_to_key == words
    shown = " ".join(s.value for s in at.success)
    assert "login" in shown and "evil" in shown and not live(shown), shown
    at.get("file_uploader")[0].set_value(("[y](https://evil.example).txt", b"garbage", "text/plain")).run()
    shown = " ".join(e.value for e in at.error)
    assert "evil" in shown and not live(shown), shown
