"""The Explore and evaluate page (pages/08_explore.py, ui/views/explore.py) in AppTest: training from the
page, neighbours, analogies, doesn't-match and the benchmarks against the engine, and imported vectors.

The page is run on its own (AppTest.from_file on the page, tests/conftest.py's page()), as a user would see
it without the sidebar: the settings are the sidebar's defaults (the royalty corpus). We click what a user
clicks and check what changes.
"""

import numpy as np
import pytest

from engine import KeyedVectors, gensim_data_path
from tests.conftest import kept_choice, page
from ui import state

pytestmark = pytest.mark.usefixtures("clear_caches")        # every test starts without cached data


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


def test_words_typed_or_imported_are_escaped_in_the_pages_messages():
    """Issue 25: a word like '[x](https://evil.example)' (typed, or from an imported file) never renders as a link."""
    from engine import KeyedVectors
    from ui.views import explore as view

    kv = KeyedVectors(["[login](https://evil.example)", "king", "queen"],
                      np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32))
    _, message = view.lookup(kv, "[login](https://evil.example/x)")      # unknown, with a close suggestion
    assert "evil" in message and "](" not in message.replace("\\](", "") and "https://" not in message, message
    assert view.lookup(kv, "[login](https://evil.example)") == ("[login](https://evil.example)", None)
