"""What every page of the learning path (01-06) shows, in AppTest: its title, its formula and the engine
code behind it.

Each test builds a fresh AppTest of app.py (tests/conftest.py) and checks behaviour against the engine:
the numbers on a page are recomputed here from the session's model, never hard-coded.
"""

import pytest

HOME, CORPUS, WINDOWS = "pages/01_home.py", "pages/02_corpus.py", "pages/03_windows.py"
STEP, HS, NS = "pages/04_step.py", "pages/05_hierarchical_softmax.py", "pages/06_negative_sampling.py"
SOURCE_LABEL = "Show the engine code behind this page"


@pytest.mark.parametrize("page,title", [(HOME, "Word2Vec, step by step"), (CORPUS, "Corpus and vocabulary"),
                                        (WINDOWS, "Context windows"), (STEP, "Step by step"),
                                        (HS, "Hierarchical softmax"), (NS, "Negative sampling")])
def test_page_runs_with_title_formula_and_engine_source(open_page, page, title):
    at = open_page(page)
    assert at.title[0].value == title
    assert at.latex, "every page shows its formula"
    assert SOURCE_LABEL in [e.label for e in at.expander]
    assert not at.error
