"""The negative sampling page: the noise distribution P_n(w) ∝ f(w)^alpha, then the k + 1 terms of one update.

What it does: the noise section (an exponent slider, the rare words' share of the noise, P_n against the
unigram, word2vec's 3/4 and the uniform distribution, the latest update's negatives marked, and how much
each word gains) and the update section (the target's and each negative's score, probability and term of
the loss, the loss as their sum, and how few dot products that took).
What it does not do: draw negatives or compute the terms (the engine and lessons.objectives do).
"""

from __future__ import annotations

from typing import Dict

import numpy as np
import pandas as pd
import streamlit as st

from engine import Word2Vec
from lessons import objectives as objective_lessons
from ui.charts import figures, style
from ui.charts import objectives as objective_charts
from ui.i18n import t
from ui.settings import ui_range
from ui.stepping import words

NS = "negative_sampling"
ALL_BARS_MAX_V = 150
# two formulas, each one unbreakable group (the line fell after 'P_n(w) =' at 1024 px)
FORMULA = (r"{L = -\log\sigma(u_{c}\cdot h) \;-\; \sum_{i=1}^{k}\log\sigma(-u_{i}\cdot h)}",
           r"{w_i \sim P_n(w) = \frac{f(w)^{\alpha}}{\sum_{v} f(v)^{\alpha}}}")


def noise_section(model: Word2Vec, trace) -> None:
    """P_n for the exponent on the slider against three references, the negatives of `trace` marked (None:
    no update of a negative-sampling model yet), and each word's gain over its unigram probability."""
    vocab = model.vocab.index_to_key
    V = len(vocab)
    st.subheader(t("ns.noise_title"))
    # the slider and what it does above, the chart below on the page's whole width (beside the text, a
    # Chinese axis of 80 words had no room)
    left, right = st.columns([2, 3])
    with left:
        alpha = st.slider(t("ns.alpha"), *ui_range("ns_exponent"), float(model.ns_exponent), 0.05,
                          key="ns_alpha", help=t("ns.alpha_help"))
        shares = objective_lessons.noise_mass(model.vocab.counts, [1.0, alpha, 0.0])
        st.markdown(t("ns.shares", one=f"{shares[1.0]:.1%}", mid=f"{shares[alpha]:.1%}", alpha=f"{alpha:g}",
                      zero=f"{shares[0.0]:.1%}"))
        if model.objective == NS and abs(alpha - model.ns_exponent) > 1e-9:
            st.caption(t("ns.model_exponent", exponent=f"{model.ns_exponent:g}"))
    right.markdown(t("ns.alpha_text"))
    curves: Dict[str, np.ndarray] = {}
    slider_name = t("ns.curve_slider", alpha=f"{alpha:g}")
    curves[slider_name] = model.vocab.noise_distribution(alpha)                             # (V,)
    unigram = t("ns.curve_unigram")
    for a, label in [(1.0, unigram), (0.75, t("ns.curve_word2vec")), (0.0, t("ns.curve_uniform"))]:
        curves[label] = model.vocab.noise_distribution(a)                                   # (V,)
    marks = {int(i): vocab[int(i)] for i in trace.negatives} if trace is not None else None
    show = None
    if V > ALL_BARS_MAX_V:
        keep = set(range(50)) | set(range(V - 30, V))
        if trace is not None:
            keep |= set(int(i) for i in trace.negatives) | {int(trace.target)}
        show = sorted(keep)
    st.vega_lite_chart(*objective_charts.noise_distribution(
        vocab, curves, slider_name, marks=marks, target=int(trace.target) if trace is not None else None,
        show=show), key="ns_pn", width="stretch")
    note = [t("ns.note_bars")]
    if show is not None:
        note.append(t("ns.note_shown_step" if trace is not None else "ns.note_shown", V=f"{V:,}"))
    if trace is not None:
        note.append(t("ns.note_marks", target=vocab[int(trace.target)],
                      words=t("ns.word_sep").join(vocab[int(i)] for i in trace.negatives)))
    st.caption(t("common.sentence_sep").join(note))

    examples = list(range(min(5, V))) + list(range(max(5, V - 5), V))
    col_p1, col_pn, col_gain = "P (α = 1)", f"P_n (α = {alpha:g})", t("ns.col_gain")
    table = pd.DataFrame({t("ns.col_word"): [vocab[i] for i in examples],
                          t("ns.col_count"): model.vocab.counts[examples],
                          col_p1: curves[unigram][examples], col_pn: curves[slider_name][examples]})
    table[col_gain] = table[col_pn] / table[col_p1]
    st.dataframe(table, hide_index=True, key="ns_gain_table",
                 column_config={c: st.column_config.NumberColumn(format="%.5f") for c in [col_p1, col_pn]} |
                 {col_gain: st.column_config.NumberColumn(format="%.2f")})
    st.caption(t("ns.gain_caption"))


def update_section(model: Word2Vec, trace) -> None:
    """The k + 1 terms of the latest update (`trace`; None: press Next first) and the loss they sum to."""
    V = len(model.vocab)
    st.subheader(t("ns.step_title"))
    if trace is None:
        st.info(t("ns.press_next"))
        return
    terms = objective_lessons.ns_terms(trace.scores)
    words_ = words(model, trace.out_rows)
    k = len(trace.negatives)
    col_value = t("ns.col_value")
    df = pd.DataFrame({
        t("ns.col_word"): words_, t("ns.col_role"): [t("ns.role_target")] + [t("ns.role_negative")] * k,
        "u·h": np.asarray(trace.scores), "σ(u·h)": np.asarray(trace.probs),
        t("ns.col_term"): ["log σ(u_c·h)"] + ["log σ(−u_i·h)"] * k,
        col_value: np.concatenate([[terms["target_term"]], terms["negative_terms"]])})
    # one column of text and table, then the sum and the counts side by side, then the chart on the whole width:
    # at 1024 px a table, a formula, two metrics and a chart in two columns were cut and ran together
    sep = t("ns.word_sep")
    st.markdown(t("ns.step_text", step=trace.step, inputs=sep.join(words(model, trace.inputs)),
                  target=model.vocab.index_to_key[trace.target], k=k, negatives=sep.join(words(model, trace.negatives))))
    st.dataframe(df, hide_index=True, key="ns_terms_table",
                 column_config={c: st.column_config.NumberColumn(format="%.4f") for c in ["u·h", "σ(u·h)", col_value]})
    st.caption(t("ns.terms_caption"))
    left, right = st.columns(2)
    with left:
        # one group: the sum is never split before its '= 4.1530' (scaled to the column instead)
        st.latex(r"{L = -(" + f"{terms['target_term']:.4f}" + r") - (" + f"{terms['negative_terms'].sum():.4f}"
                 + f") = {terms['loss']:.4f}}}")
        st.caption(t("ns.latex_caption"))
    m = right.columns(2)
    m[0].metric(t("ns.m_dots"), f"{len(trace.scores)}")
    m[1].metric(t("ns.m_full"), f"{V:,}")
    st.markdown(t("ns.saving", n=len(trace.scores), V=f"{V:,}"))
    role = [t("ns.bar_target")] + [t("ns.bar_noise")] * k
    st.plotly_chart(figures.bars([f"{w}<br>({r})" for w, r in zip(words_, role)],
                                 df[col_value], colors=[style.TARGET] + [style.NEGATIVE] * k,
                                 title=t("ns.chart_terms"), x_title=t("ns.chart_x"), y_title="log σ(±u·h)",
                                 height=300), key="ns_terms_bars")
