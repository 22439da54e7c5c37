"""ui/code.py: the engine's source behind a page, sent to the browser only while its expander is open."""

from streamlit.testing.v1 import AppTest

from ui.code import source_key


def _page():
    from engine import Word2Vec
    from ui.code import show_source
    show_source(Word2Vec.train, label="engine code")


def test_the_source_is_sent_only_when_the_expander_is_opened():
    from engine import Word2Vec

    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert [e.label for e in at.expander] == ["engine code"] and len(at.code) == 0   # closed: no code block
    at.session_state[source_key([Word2Vec.train])] = True                           # the reader opens it
    at.run()
    assert len(at.code) == 1 and "def train(" in at.code[0].value
    assert [c.value for c in at.caption] == ["engine.model.Word2Vec.train"]
