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


def test_the_noise_chart_reads_in_chinese(open_page):
    """Issue 29.6: on the Chinese corpus the rotated word names ran together, the drawn negatives' words written
    over neighbouring bars overlapped, and the legend was cut at 'α = 0（均匀'. Now: horizontal names that
    Vega-Lite thins out when they would touch, one legend entry per line (never cut), a triangle per negative
    with the words said in the caption beside the chart, and the chart on the page's whole width."""
    from tests.conftest import _vega_chart

    at = open_page(NS, query={"lang": "zh"}, sb_corpus="chinese")
    at.button(key="ns_next").click().run()
    trace = at.session_state[state.LAST_TRACE]
    vocab = model_of(at).vocab.index_to_key
    _, spec = _vega_chart(at, "P_n(w)", ["part"])
    axes = [layer["encoding"]["x"]["axis"] for layer in spec["layer"]]
    assert all(a["labelAngle"] == 0 and a["labelOverlap"] == "greedy" for a in axes)
    legends = [enc["legend"] for layer in spec["layer"] for enc in layer["encoding"].values()
               if isinstance(enc, dict) and enc.get("legend")]
    assert legends and all(lg["direction"] == "vertical" and lg["labelLimit"] == 0 for lg in legends)
    assert not [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]     # no words over the bars
    caption = texts(at.caption)
    assert "、".join(vocab[i] for i in trace.negatives) in caption and f"“{vocab[trace.target]}”" in caption
    assert not any(getattr(el, "type", "") == "vega_lite_chart" for col in at.columns for el in col)  # full width
