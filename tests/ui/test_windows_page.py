"""The Context windows page (pages/03_windows.py, ui/views/windows.py) in AppTest: it shows exactly the
examples the model trains on, what a model with other settings would train on, and a window larger than
every sentence.

Each test builds a fresh AppTest of app.py (tests/conftest.py) and checks behaviour against the engine:
the numbers on a page are recomputed here from the session's model, never hard-coded.
"""

import pytest

from lessons import windows as window_lessons
from tests.conftest import model_of, table_with, texts, vega_by_title

WINDOWS = "pages/03_windows.py"
TINY = dict(sb_corpus="tiny")


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
