"""The negative sampling page: the noise distribution P_n(w) ∝ f(w)^alpha, then the k + 1 terms of one update.

What it does: the noise section (an exponent slider, the rare words' share of the noise, P_n against the
unigram, word2vec's 3/4 and the uniform distribution, the latest update's negatives marked, and how much
each word gains), the update section (the target's and each negative's score, probability and term of
the loss, the loss as their sum, and how few dot products that took) and the PMI section (SGNS as an implicit
factorisation of the shifted PMI matrix, Levy & Goldberg 2014: W_in · W_out^T next to PMI − log k as two
heatmaps and a scatter of their entries with the correlation, while a model of the theorem's conditions
trains on the sidebar's corpus; Play / Start again).
What it does not do: draw negatives or compute the terms (the engine and lessons.objectives do).
"""

from __future__ import annotations

from typing import Dict

import numpy as np
import pandas as pd
import streamlit as st

from engine import TrainingDiverged, Word2Vec
from lessons import objectives as objective_lessons
from lessons import pmi as pmi_lessons
from lessons.interview.setup import epochs_for
from ui import state
from ui.charts import figures, lesson, style
from ui.charts import objectives as objective_charts
from ui.compiling import ensure_fast_trainer
from ui.i18n import engine_message, t
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


# ---------------------------------------------------------------- SGNS factorises shifted PMI (Levy & Goldberg 2014)
PMI_UPDATES = 600_000        # the picture's model makes about this many updates (epochs follow from the corpus)
PMI_FRAME = 20_000           # updates per frame while playing
PMI_EVERY_S = 1.0            # seconds between frames
PMI_TOP = 12                 # the heatmaps' words: the most frequent ones
PMI_ROW_PX = 30              # a heatmap row: room for a 16 px Chinese word in presenter mode


def pmi_state(sentences, negative: int, seed: int, corpus_key) -> dict:
    """This session's PMI picture: the theorem's model on (the first pmi_lessons.MAX_TOKENS tokens of) the
    sidebar's corpus, its counted pairs and the correlation so far; a new one when the corpus or k changed."""
    key = (corpus_key, int(negative), int(seed))
    live = st.session_state.get(state.NS_PMI)
    if live is None or live["key"] != key:
        capped, n = [], 0
        for s in sentences:
            if n >= pmi_lessons.MAX_TOKENS:
                break
            capped.append(s)
            n += len(s)
        epochs = epochs_for(capped, 2 * pmi_lessons.THEOREM["window"], budget=PMI_UPDATES)
        model = pmi_lessons.theorem_model(capped, negative=negative, seed=seed, epochs=epochs)
        counted = pmi_lessons.shifted_pmi(capped, model.vocab, pmi_lessons.THEOREM["window"], negative)
        live = {"key": key, "model": model, "counted": counted, "tokens": n, "history": [], "message": None}
        st.session_state[state.NS_PMI] = live
    return live


def pmi_section(page_model: Word2Vec) -> None:
    """W_in · W_out^T next to PMI − log k over the same words, and every co-occurring pair's two numbers with
    their correlation, while the theorem's model trains (Play) on the sidebar's corpus with its k and seed."""
    st.subheader(t("ns.pmi_title"))
    st.markdown(t("ns.pmi_intro"))
    settings = state.current_settings()
    negative = max(1, int(page_model.negative))
    try:
        live = pmi_state(state.current_sentences(), negative, page_model.seed,
                         (settings["corpus"], settings["segmenter"]))
    except ValueError as e:          # a corpus too small for the picture (one word, no pair): say so, no traceback
        st.info(t("ns.pmi_unavailable", error=engine_message(str(e))), icon=":material/info:")
        return
    model = live["model"]
    playing = bool(st.session_state.get(state.NS_PMI_PLAY, False))
    c1, c2, c3 = st.columns([1, 1.3, 4])
    c1.toggle(t("ns.pmi_play"), key=state.NS_PMI_PLAY, help=t("ns.pmi_play_help", n=f"{PMI_FRAME:,}"))
    if c2.button(t("ns.pmi_reset"), key="ns_pmi_reset", help=t("ns.pmi_reset_help")):
        st.session_state.pop(state.NS_PMI, None)
        st.session_state[state.NS_PMI_PLAY] = False
        st.rerun()
    c3.caption(t("ns.pmi_setup", tokens=f"{live['tokens']:,}", V=f"{len(model.vocab):,}", k=negative,
                 window=pmi_lessons.THEOREM["window"], epochs=model.planned_epochs, d=model.vector_size,
                 pairs=f"{len(live['counted'].n):,}"))

    @st.fragment(run_every=PMI_EVERY_S if playing else None)
    def frame() -> None:
        if st.session_state.get(state.NS_PMI_PLAY) and not model.training_complete:
            ensure_fast_trainer(model.vector_size, model.workers)
            try:
                model.train(max_examples=PMI_FRAME, report_every=1e9)
            except (TrainingDiverged, ValueError) as e:             # diverged, or no example in the round
                live["message"] = str(e)
                st.session_state[state.NS_PMI_PLAY] = False
        elif st.session_state.get(state.NS_PMI_PLAY):
            st.session_state[state.NS_PMI_PLAY] = False               # the planned epochs are done
        if bool(st.session_state.get(state.NS_PMI_PLAY)) != playing:
            st.rerun(scope="app")                                     # a new run_every
        pmi_picture(live)

    frame()


def pmi_picture(live: dict) -> None:
    """The numbers and the three charts of the PMI picture at the model's current step."""
    model, counted = live["model"], live["counted"]
    if live["message"]:
        st.error(engine_message(live["message"]))
    f = pmi_lessons.factorisation(model.W_in, model.W_out, counted, model.vocab.index_to_key, top=PMI_TOP)
    if not live["history"] or live["history"][-1][0] != model.step_count:
        live["history"].append((model.step_count, f.r))
    m = st.columns(4)
    m[0].metric(t("ns.pmi_m_updates"), f"{model.step_count:,}")
    m[1].metric(t("ns.pmi_m_epoch"), f"{min(model.epoch + 1, model.planned_epochs)} / {model.planned_epochs}")
    m[2].metric(t("ns.pmi_m_r"), "—" if np.isnan(f.r) else f"{f.r:.3f}", help=t("ns.pmi_m_r_help"))
    m[3].metric(t("ns.pmi_m_gap"), f"{f.mean_gap:+.2f}", help=t("ns.pmi_m_gap_help"))
    occurs = np.isfinite(f.target)                  # one colour scale: the pairs that occur, in both matrices (the
    finite = np.concatenate([f.dots[occurs], f.target[occurs]])   # dots of pairs that never occur go to the dark end)
    half = float(np.abs(finite).max()) if finite.size else 1.0
    half = half or 1.0
    # one under the other, each on the page's width: side by side, 12 Chinese words on a half-width axis ran together
    for key, z, title in (("ns_pmi_dots", f.dots, "ns.pmi_dots_title"), ("ns_pmi_target", f.target, "ns.pmi_target_title")):
        st.vega_lite_chart(*lesson.heatmap(z, f.words, f.words, title=t(title), zmin=-half, zmax=half, show_values=False,
                                           x_title=t("ns.pmi_context"), y_title=t("ns.pmi_word"),
                                           height=PMI_ROW_PX * len(f.words)),
                           key=key, width="stretch")
    st.caption(t("ns.pmi_heatmaps_caption", n=len(f.words)))
    left, right = st.columns([3, 2])
    left.vega_lite_chart(*objective_charts.pmi_scatter(f.pair_target, f.pair_dots, title=t("ns.pmi_scatter_title",
                                                                                           n=f"{len(f.pair_dots):,}"),
                                                       x_title="PMI − log k", y_title="W_in · W_out"),
                         key="ns_pmi_scatter", width="stretch")
    steps, rs = zip(*live["history"])
    right.plotly_chart(figures.line(list(steps), {"r": [0.0 if np.isnan(r) else r for r in rs]}, title=t("ns.pmi_r_title"),
                                    x_title=t("ns.pmi_m_updates"), y_title="r", height=300),
                       key="ns_pmi_r")
    st.caption(t("ns.pmi_caption"))
