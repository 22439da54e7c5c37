"""ui/pickers.py: word pickers list the two ends of a large vocabulary, take any other vocabulary word typed
in, and refuse a word outside the vocabulary with a message, keeping the last good choice."""

import pytest

from ui import pickers, state

LEE = {"corpus": "lee_background"}


def typed(widget, text: str):
    """What the browser sends when a word is typed into a picker that accepts new options: the text
    itself (AppTest's widgets only pick from their listed options, so the text is listed first)."""
    widget.options.append(text)
    return widget.set_value(text)


@pytest.fixture
def hs_on_lee(open_page):
    return open_page("pages/05_hierarchical_softmax.py", query=LEE, timeout=120)


def test_hs_pickers_list_the_two_ends_of_the_vocabulary_and_take_any_other_word(hs_on_lee):
    at = hs_on_lee
    vocab = at.session_state[state.MODEL].vocab.index_to_key
    listed = at.selectbox(key="hs_target").options
    assert len(vocab) > 7000 and len(listed) == pickers.MOST_FREQUENT + pickers.RAREST
    assert listed[:3] == vocab[:3] and listed[-1] == vocab[-1]
    rare = vocab[3000]                                                   # neither frequent nor among the rarest
    assert rare not in listed
    typed(at.selectbox(key="hs_target"), rare).run()
    assert not at.exception and not at.warning
    assert at.selectbox(key="hs_target").value == rare
    assert rare in at.selectbox(key="hs_target").options               # the chosen word is listed from now on
    assert any(f"'{rare}'" in m.value and "has code" in m.value for m in at.markdown)


def test_a_word_outside_the_vocabulary_is_refused_by_name_and_the_last_word_kept(hs_on_lee):
    at = hs_on_lee
    before = at.selectbox(key="hs_input").value
    typed(at.selectbox(key="hs_input"), "qwertyuiop").run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "Not in this corpus's vocabulary: “qwertyuiop”. The last chosen words are kept."]
    assert at.selectbox(key="hs_input").value == before
    at.run()                                                             # the message is said once
    assert not at.warning


def test_home_words_take_typed_vocabulary_words_and_drop_unknown_ones(open_page):
    at = open_page("pages/01_home.py", query=LEE, timeout=120)
    vocab = at.session_state[state.MODEL].vocab.index_to_key
    picker = at.multiselect(key="home_words")
    chosen = list(picker.value)
    assert len(picker.options) <= pickers.MOST_FREQUENT + pickers.RAREST + len(chosen)
    rare = vocab[2500]
    picker.options += [rare, "qwertyuiop"]
    picker.set_value(chosen + [rare, "qwertyuiop"]).run()
    assert not at.exception
    assert at.multiselect(key="home_words").value == chosen + [rare]
    assert "“qwertyuiop”" in at.warning[0].value
    assert rare in at.multiselect(key="home_words").options
