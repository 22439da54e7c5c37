"""ui/state.py: what sessions share (an immutable corpus) and what each keeps to itself; its session keys."""

import re
from pathlib import Path

import numpy as np
import pytest

import engine
from engine import Word2Vec
from ui import state

ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_trains_the_same_on_a_tuple_of_tuples_as_on_a_list_of_lists():
    lists = list(engine.read_corpus(engine.sample_corpora()["tiny"]))
    tuples = tuple(tuple(s) for s in lists)
    a, b = (Word2Vec(vector_size=8, epochs=2, seed=3).build_vocab(c) for c in (lists, tuples))
    assert a.vocab.index_to_key == b.vocab.index_to_key and b.sentences is tuples
    for m in (a, b):
        for _ in range(30):
            m.step()
        m.train(max_examples=300)
    np.testing.assert_array_equal(a.W_in, b.W_in)
    np.testing.assert_array_equal(a.W_out, b.W_out)


def test_sessions_share_one_immutable_corpus_and_never_a_model(open_page):
    a = open_page("pages/04_step.py", sb_corpus="tiny")
    b = open_page("pages/04_step.py", sb_corpus="tiny")
    ma, mb = a.session_state[state.MODEL], b.session_state[state.MODEL]
    assert ma is not mb
    shared = ma.sentences
    assert isinstance(shared, tuple) and all(isinstance(s, tuple) for s in shared)
    assert mb.sentences is shared                            # one copy for every session
    with pytest.raises(TypeError):
        shared[0][0] = "changed"
    with pytest.raises((TypeError, AttributeError)):
        shared[0].append("changed")
    assert state.load_corpus("tiny") is state.load_corpus("tiny")


def test_every_session_key_the_pages_use_is_named_in_ui_state():
    """Pages and ui/ modules spell no session key themselves (widget keys are their own, prefixed by page)."""
    literal = re.compile(r"session_state(?:\.get|\.pop|\.setdefault)?[\[(]\s*[\"']")
    offenders = []
    for path in sorted((ROOT / "pages").glob("*.py")) + sorted((ROOT / "ui").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() in ("ui/state.py", "ui/views/corpus.py"):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if literal.search(line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert not offenders, offenders


def test_a_corpus_names_downloaded_files_without_spaces():
    """Issue 24.5: two uploads exported to the same 'word2vec_uploaded file_...' name; now the upload's own
    name, spaces and other marks replaced."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from ui import state, uploads

        st.write(state.corpus_file_stem(uploads.upload_choice("my text (v2).txt")) + "|"
                 + state.corpus_file_stem("lee_background"))

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert at.markdown[0].value == "upload_my_text_v2|lee_background"


def test_a_chinese_session_opens_on_the_chinese_corpus_unless_the_link_names_one(clear_streamlit_caches):
    """Issue 29.2: ?lang=zh (or a Chinese browser) opened on the English corpus royalty."""
    from tests.conftest import run_app

    assert run_app(query={"lang": "zh"}).session_state["sb_corpus"] == "chinese"
    assert run_app(locale="zh-CN").session_state["sb_corpus"] == "chinese"
    assert run_app(query={"lang": "zh", "corpus": "royalty"}).session_state["sb_corpus"] == "royalty"
    assert run_app(query={"lang": "en"}).session_state["sb_corpus"] == "royalty"
