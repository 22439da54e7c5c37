"""The Negative sampling page (pages/06_negative_sampling.py, ui/views/negative_sampling.py) in AppTest: the
objective's terms reproduce the step's loss, and P_n(w) follows its exponent slider.

Each test builds a fresh AppTest of app.py (tests/conftest.py) and checks behaviour against the engine:
the numbers on a page are recomputed here from the session's model, never hard-coded.
"""

import json

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


def test_the_pmi_picture_shows_the_engines_dot_products_and_counts_and_the_correlation_rises(open_page):
    """SGNS as shifted-PMI factorisation: the left heatmap is the theorem model's W_in · W_out^T, the right one
    PMI − log k counted from the same corpus (blank where a pair never occurs), the metric r is the Pearson
    correlation over every co-occurring pair (recomputed here from the counts and the model), and playing
    trains the model so that r goes up (en; then zh)."""
    from lessons import pmi
    from tests.conftest import heatmap_by_title, page_text

    at = open_page(NS, sb_corpus="royalty")
    live = at.session_state[state.NS_PMI]
    model = live["model"]
    assert model.ns_exponent == 1.0 and not model.shrink_windows and model.sample == 0 and model.step_count == 0

    def shown():
        dots, rows, _ = heatmap_by_title(at, "W_in · W_outᵀ")
        target, rows2, _ = heatmap_by_title(at, "PMI − log k (counted")
        r = {m.label: m.value for m in at.metric}["Pearson r over all pairs"]
        return dots, target, rows, rows2, None if r == "—" else float(r)

    def expected():
        counted = pmi.shifted_pmi(pmi_sentences(at), model.vocab, 2, model.negative)
        top = len(shown()[2])
        ids = np.arange(top)
        dots = model.W_in[ids].astype(np.float64) @ model.W_out[ids].astype(np.float64).T
        pair = np.einsum("ij,ij->i", model.W_in[counted.w].astype(np.float64), model.W_out[counted.c].astype(np.float64))
        with np.errstate(invalid="ignore", divide="ignore"):        # before training every dot is 0: no spread
            return dots, counted, float(np.corrcoef(pair, counted.target)[0, 1])

    dots, target, rows, rows2, r0 = shown()
    assert rows == rows2 == model.vocab.index_to_key[:len(rows)]         # the same words on both heatmaps
    exp_dots, counted, exp_r = expected()
    np.testing.assert_allclose(dots, exp_dots, atol=1e-6)                # zeros before training: W_out starts at 0
    assert r0 is None                                                    # no spread yet: no correlation to show
    inside = (counted.w < len(rows)) & (counted.c < len(rows))
    full = np.full((len(rows), len(rows)), np.nan)
    full[counted.w[inside], counted.c[inside]] = counted.target[inside]
    np.testing.assert_allclose(target, full, atol=1e-6)
    assert np.isnan(target).any() and np.isfinite(target).any()         # pairs that never occur stay blank

    at.toggle(key=state.NS_PMI_PLAY).set_value(True).run()
    for _ in range(6):
        at.run()
    assert not at.exception
    assert model.step_count > 0
    dots, _, _, _, r1 = shown()
    exp_dots, counted, exp_r = expected()
    np.testing.assert_allclose(dots, exp_dots, atol=1e-4)
    assert r1 == round(exp_r, 3)                                         # the metric is the engine's correlation
    assert r1 > 0.3, r1                                                  # training moved the dots toward PMI − log k
    zh = open_page(NS, query={"lang": "zh"}, sb_corpus="royalty")
    assert "SGNS 学到了什么" in " ".join(s.value for s in zh.subheader) and "Levy 和 Goldberg" in page_text(zh)


def pmi_sentences(at):
    """The tokens the PMI picture's model counted: the first lessons.pmi.MAX_TOKENS of the sidebar's corpus."""
    from lessons import pmi
    from ui.state import load_corpus

    out, n = [], 0
    for s in load_corpus("royalty"):
        if n >= pmi.MAX_TOKENS:
            break
        out.append(s)
        n += len(s)
    return out


def test_the_interview_question_on_pmi_links_to_this_picture():
    """The Interview page's "SGNS is implicit matrix factorisation" links to the page that draws it."""
    from lessons.interview.questions import QUESTION_BY_ID

    assert QUESTION_BY_ID["pmi"].page == NS


def test_the_noise_chart_reads_in_chinese(open_page):
    """Issue 29.6: on the Chinese corpus the rotated word names ran together, the drawn negatives' words written
    over neighbouring bars overlapped, and the legend was cut at 'α = 0（均匀'. Now: horizontal names that
    Vega-Lite thins out when they would touch, one legend entry per line (never cut), a triangle per negative
    with the words said in the caption beside the chart, and the chart on the page's whole width."""
    from tests.conftest import _vega_chart, vega_title

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
    in_columns = [json.loads(el.proto.spec) for col in at.columns for el in col
                  if getattr(el, "type", "") == "vega_lite_chart"]
    assert not [s for s in in_columns if "P_n(w)" in vega_title(s)]                       # full width
