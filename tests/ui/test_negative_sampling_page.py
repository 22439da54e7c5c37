"""The Negative sampling page (pages/06_negative_sampling.py, ui/views/negative_sampling.py) in AppTest: the
objective's terms reproduce the step's loss, and P_n(w) follows its exponent slider.

Each test builds a fresh AppTest of app.py (tests/conftest.py) and checks behaviour against the engine:
the numbers on a page are recomputed here from the session's model, never hard-coded.
"""

import numpy as np

from tests.conftest import model_of, table_with, texts, vega_by_title
from ui import state

NS = "pages/06_negative_sampling.py"
TINY = dict(sb_corpus="tiny")


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
