"""The Step page's parts of one update, one section at a time: h, the scores, the loss, the gradients, the rows.

What it does: draws one StepTrace section by section (the input rows and h, the scores and probabilities,
the loss, the gradients, the rows before and after, the whole matrices, the step history), each with its
formula and a few plain words on the left and its chart on the right, and the static formulas of the
model's update under the lesson.
What it does not do: compute (the engine's trace holds every number; lessons.steps the rows an update
changed and the branch probabilities).
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd
import streamlit as st

from engine import Word2Vec
from lessons import objectives as objective_lessons
from lessons import steps as step_lessons
from ui import state
from ui.charts import figures, style
from ui.charts import step as step_charts
from ui.charts.lesson import heatmap
from ui.choices import choice
from ui.i18n import t as tr
from ui.stepping import tex_word, words

WHOLE_MATRIX_MAX_V = 40      # draw the whole W_in / W_out when the vocabulary is at most this big
SOFTMAX_BARS_MAX = 130       # softmax: a bar for every word up to this V, else the most probable ones


# ------------------------------------------------------------------------------------------ history
HISTORY_COLUMNS = ("step", "epoch", "lr", "inputs", "target", "loss", "loss_after", "p_target", "p_target_after",
                   "negatives", "code")


def history_table(model: Word2Vec, last: int = 200) -> None:
    history = st.session_state.get(state.HISTORY) or []
    if not history:
        st.caption(tr("step.history.empty"))
        return
    st.caption(tr("step.history.caption", n=last))
    rows = history[-last:][::-1]
    df = pd.DataFrame(rows)
    df = df[[c for c in HISTORY_COLUMNS if c in df.columns]]
    df.columns = [tr(f"step.history.col_{c}") for c in df.columns]
    st.dataframe(df, hide_index=True, height=min(400, 38 + 35 * len(rows)), key="step_history_table")


# ------------------------------------------------------------------------------------------ drawing one trace
# Each section puts the formula and a few plain words on the left and the chart on the right.
TEXT_CHART = [2, 3]
SECTIONS = ("hidden", "probs", "loss", "grads", "update", "matrices", "batch", "history", "all")


def hidden_formula(model: Word2Vec) -> str:
    """h's formula for this model: the input word's row (skip-gram), the sum or the mean of the context rows."""
    if model.architecture == "skipgram":
        return (r"h = W_{in}^{\top} x_{center}" if getattr(model, "skipgram_input", "center") == "center"
                else r"h = W_{in}^{\top} x_{context}")
    if model.rule.hidden_is_mean:
        return r"h = \frac{1}{C}\sum_{i=1}^{C} W_{in}[a_i]"
    return r"h = \sum_{i=1}^{C} W_{in}[a_i]"



def rule_sentence(architecture: str, hidden_is_mean: bool, divide_inputs: bool) -> str:
    """The update rule in one sentence, in the session's language (English: the engine's UpdateRule.describe())."""
    return tr("step.rule." + step_lessons.rule_kind(architecture, hidden_is_mean, divide_inputs))


def overview_formulas(model: Word2Vec) -> None:
    """The chain one update computes for this model, and the rule it applies (static: no trace needed)."""
    st.latex(hidden_formula(model))
    if model.objective == "softmax":
        st.latex(r"p(w_j \mid h) = \frac{\exp(u_j\cdot h)}{\sum_{k=1}^{V}\exp(u_k\cdot h)},\qquad "
                 r"L = -\log p(w_{target} \mid h)")
    elif model.objective == "hierarchical_softmax":
        st.latex(r"p(w \mid h) = \prod_{n\in\text{path}(w)} \sigma(\theta_n\cdot h)^{1-b_n}"
                 r"\bigl(1-\sigma(\theta_n\cdot h)\bigr)^{b_n},\qquad L = -\log p(w_{target}\mid h)")
    else:
        st.latex(r"L = -\log\sigma(u_{target}\cdot h) - \sum_{i=1}^{k}\log\sigma(-u_i\cdot h)")
    st.latex(r"W \leftarrow W - \eta\,\frac{\partial L}{\partial W}\quad\text{(" + tr("step.only_rows_used") + ")}")
    rule = model.rule
    st.markdown(tr("step.rule_line", rule=rule_sentence(model.architecture, rule.hidden_is_mean, rule.divide_inputs)))
    if model.architecture == "cbow":
        st.caption(tr("step.rule_interview"))



def forward_hidden(model: Word2Vec, t, key: str) -> None:
    """The input rows of W_in and h, with the note's formula."""
    in_words = words(model, t.inputs)
    left, right = st.columns(TEXT_CHART)
    with left:
        if t.architecture == "skipgram":
            st.latex(r"h = W_{in}^{\top} x = W_{in}[" + tex_word(in_words[0]) + r"]")
            role = tr("step.role_center") if getattr(model, "skipgram_input", "center") == "center" \
                else tr("step.role_context")
            st.markdown(tr("step.hidden.skipgram", role=role, word=in_words[0], id=int(t.inputs[0])))
        else:
            terms = " + ".join(f"W_{{in}}[{tex_word(w)}]" for w in in_words)
            if t.cbow_mean:
                st.latex(r"h = \frac{1}{C}\sum_{i=1}^{C} W_{in}[a_i]")
                st.latex(r"= \frac{1}{" + str(len(in_words)) + r"}\left(" + terms + r"\right)")
                st.markdown(tr("step.hidden.cbow_mean", c=len(in_words)))
            else:
                st.latex(r"h = \sum_{i=1}^{C} W_{in}[a_i] = " + terms)
                st.markdown(tr("step.hidden.cbow_sum", c=len(in_words)))
        st.caption(tr("step.hidden.cells"))
    rows = np.vstack([np.asarray(t.in_before), np.asarray(t.hidden)[None, :]])          # (n_in + 1, d)
    labels = [f"W_in[{w}]" for w in in_words] + ["h"]
    right.vega_lite_chart(*heatmap(rows, labels, title=tr("step.hidden.chart"), y_title="",
                                          x_title=tr("step.dimension"), highlight_rows=[len(labels) - 1],
                                          value_format=".3f", colorbar_title=tr("step.value")),
                          key=f"{key}_hidden", width="stretch")
    numbers_table(rows, labels, tr("step.hidden.numbers"))


def scores_and_probs(model: Word2Vec, t, key: str) -> None:
    """Scores u_j . h and probabilities: all V (softmax), path nodes (HS), target + negatives (NS)."""
    target = words(model, [t.target])[0]
    left, right = st.columns(TEXT_CHART)
    if t.objective == "softmax":
        V = len(t.probs)
        with left:
            st.latex(r"p(w_j \mid h) = \frac{\exp(u_j \cdot h)}{\sum_{k=1}^{V} \exp(u_k \cdot h)}")
            st.latex(r"p(" + tex_word(target) + r"\mid h) = " + f"{t.probs[t.target]:.4f}")
            st.markdown(tr("step.probs.softmax", V=V, uniform=f"{1 / V:.4f}"))
            st.caption(tr("step.probs.softmax_cost"))
        ids = np.arange(V)
        note = tr("step.probs.softmax_all", V=V)
        if V > SOFTMAX_BARS_MAX:
            ids = np.argsort(-np.asarray(t.probs))[:60]
            if t.target not in ids:
                ids = np.append(ids, t.target)
            note = tr("step.probs.softmax_top", V=V)
        colors = [style.TARGET if i == t.target else style.OTHER for i in ids]
        hover = [f"{w}: u·h = {s:.4f}" for w, s in zip(words(model, ids), np.asarray(t.scores)[ids])]
        fig = step_charts.bars(words(model, ids), np.asarray(t.probs)[ids], colors=colors, hover=hover,
                          title=tr("step.probs.softmax_chart", note=note, target=target),
                          x_title=tr("step.word"), y_title="p(word | h)", height=360)
        right.plotly_chart(fig, key=f"{key}_probs")
    elif t.objective == "hierarchical_softmax":
        branch = step_lessons.branch_probabilities(t)
        with left:
            st.latex(r"p(" + tex_word(target) + r"\mid h) = \prod_{n \in \text{path}} \sigma(\theta_n \cdot h)^{1-b_n}"
                     r"\,\bigl(1-\sigma(\theta_n \cdot h)\bigr)^{b_n}")
            st.latex(r"= " + r" \times ".join(f"{q:.3f}" for q in branch) + f" = {np.exp(-t.loss):.4f}")
            st.markdown(tr("step.probs.hs", target=target, n=len(t.path)))
            st.caption(tr("step.probs.hs_cost", n=len(t.path), V=len(model.vocab)))
        labels = [f"node {n}<br>bit {b}" for n, b in zip(t.path, t.code)]
        hover = [f"node {n}, bit {b}: σ(θ·h) = {p:.4f} → {q:.4f}" for n, b, p, q in zip(t.path, t.code, t.probs, branch)]
        fig = step_charts.bars(labels, branch, colors=[style.PATH] * len(labels), hover=hover,
                          text=[f"{q:.3f}" for q in branch], y_range=[0, 1.15],
                          title=tr("step.probs.hs_chart", target=target), x_title=tr("step.probs.hs_x"),
                          y_title=tr("step.probs.hs_y"), height=340)
        right.plotly_chart(fig, key=f"{key}_probs")
    else:
        neg = words(model, t.negatives)
        with left:
            st.latex(r"\sigma(x) = \frac{1}{1+e^{-x}}")
            st.latex(r"\sigma(u_{" + tex_word(target) + r"} \cdot h) = " + f"{t.probs[0]:.4f}")
            st.markdown(tr("step.probs.ns", V=len(model.vocab), q=len(neg) + 1, target=target, k=len(neg)))
            st.caption(tr("step.probs.ns_cost", q=len(neg) + 1))
        labels = [f"{target}<br>({tr('step.probs.target')})"] + [f"{w}<br>({tr('step.probs.noise')})" for w in neg]
        colors = [style.TARGET] + [style.NEGATIVE] * len(neg)
        hover = [f"{w}: u·h = {s:.4f}" for w, s in zip([target] + neg, t.scores)]
        fig = step_charts.bars(labels, t.probs, colors=colors, hover=hover, text=[f"{p:.3f}" for p in t.probs],
                          y_range=[0, 1.15], title=tr("step.probs.ns_chart"), x_title=tr("step.probs.ns_x"),
                          y_title="σ(u · h)", height=340)
        right.plotly_chart(fig, key=f"{key}_probs")


def loss_formula(model: Word2Vec, t) -> None:
    target = tex_word(words(model, [t.target])[0])
    if t.objective == "softmax":
        st.latex(r"L = -\log p(" + target + r"\mid h) = -\log(" + f"{t.probs[t.target]:.4f}" + ") = "
                 + f"{t.loss:.4f}")
        st.caption(tr("step.loss.softmax", logV=f"{np.log(len(model.vocab)):.3f}"))
    elif t.objective == "hierarchical_softmax":
        st.latex(r"L = -\sum_{n \in \text{path}} \Bigl[(1-b_n)\log\sigma(\theta_n\cdot h) + b_n \log\bigl(1-"
                 r"\sigma(\theta_n\cdot h)\bigr)\Bigr] = -\log p(" + target + r"\mid h) = " + f"{t.loss:.4f}")
        st.caption(tr("step.loss.hs", n=len(t.path)))
    else:
        terms = objective_lessons.ns_terms(t.scores)
        st.latex(r"L = -\log\sigma(u_{" + target + r"}\cdot h) - \sum_{i=1}^{k}\log\sigma(-u_i\cdot h) = "
                 + f"{-terms['target_term']:.4f} + {-terms['negative_terms'].sum():.4f} = {t.loss:.4f}")
        st.caption(tr("step.loss.ns", q=len(t.scores), value=f"{len(t.scores) * np.log(2):.3f}"))
    st.markdown(tr("step.loss.after", before=f"{t.loss:.4f}", after=f"{t.loss_after:.4f}"))


def gradients(model: Word2Vec, t, key: str) -> None:
    """e = p - y per scored row, the gradient rows as a heatmap, and grad_hidden."""
    ids, labels = out_row_labels(model, t)
    e = np.asarray(t.probs) - np.asarray(t.labels)                                       # (k,)
    sel = t.shown_rows(12)                                   # all for HS / NS; a big softmax: the largest |e|
    left, right = st.columns(TEXT_CHART)
    with left:
        st.latex(r"e_j = p_j - y_j")
        st.latex(r"\frac{\partial L}{\partial u_j} = e_j\, h \qquad \frac{\partial L}{\partial h} = \sum_j e_j\, u_j")
        st.markdown(tr("step.grads.text"))
        if t.input_scale > 1:
            st.caption(tr("step.grads.mean", c=t.input_scale))
    rows = np.vstack([t.grad_out[sel], np.asarray(t.grad_hidden)[None, :]])             # (m + 1, d)
    lab = [f"{labels[i]} (e = {e[i]:+.3f})" for i in sel] + ["∂L/∂h"]
    title = tr("step.grads.chart")
    if len(sel) < len(ids):
        title = tr("step.grads.chart_top", m=len(sel), k=len(ids))
    right.vega_lite_chart(*heatmap(rows, lab, title=title, y_title="", x_title=tr("step.dimension"),
                                          colorbar_title=tr("step.gradient"), value_format=".3f",
                                          highlight_rows=[len(lab) - 1]), key=f"{key}_gout", width="stretch")
    numbers_table(rows, lab, tr("step.grads.numbers"))


def numbers_table(rows, labels, title: str) -> None:
    """An expander with the exact numbers of a heatmap (one row per label, one column per dimension)."""
    with st.expander(title):
        values = np.asarray(rows, dtype=np.float64)                                      # (n, d)
        df = pd.DataFrame(values.round(5), columns=[f"d{j}" for j in range(values.shape[1])])
        df.insert(0, tr("step.row"), list(labels))
        st.dataframe(df, hide_index=True, height=min(400, 40 + 36 * len(df)))


def out_row_labels(model: Word2Vec, t):
    """Labels for trace.out_rows: words (softmax, NS) or internal nodes (HS)."""
    ids = list(t.out_rows)
    if t.objective == "hierarchical_softmax":
        return ids, [f"θ node {n}" for n in ids]
    if t.objective == "negative_sampling":
        w = words(model, ids)
        return ids, [f"u[{w[0]}] {tr('step.probs.target')}"] + [f"u[{x}] {tr('step.probs.noise')}" for x in w[1:]]
    return ids, [f"u[{x}]" + (f" {tr('step.probs.target')}" if i == t.target else "")
                 for i, x in zip(ids, words(model, ids))]


def update_rows(model: Word2Vec, t, key: str) -> None:
    """The rule that ran, and the rows of W_in and W_out before and after the update with the change."""
    st.latex(r"u_j \leftarrow u_j - \eta\, e_j\, h \qquad W_{in}[a_i] \leftarrow W_{in}[a_i] - \eta\,"
             r"\frac{\partial L}{\partial h}" + (r"\cdot\frac{1}{C}" if t.input_scale > 1 else "")
             + r"\qquad \eta = " + f"{t.lr:.5f}")
    st.markdown(tr("step.rule_line", rule=rule_sentence(t.architecture, t.cbow_mean, t.divide_inputs)))
    if t.architecture == "cbow":
        st.caption(tr("step.rule_interview"))
    st.caption(tr("step.update.text"))
    sel = t.shown_rows(8)
    ch = step_lessons.row_changes(t, out_positions=sel)
    in_words = words(model, t.inputs)
    rows, labels = [], []
    before, after = tr("step.update.before"), tr("step.update.after")
    for i, w in enumerate(in_words):
        rows += [t.in_before[i], t.in_after[i]]
        labels += [f"{w} {before}", f"{w} {after}"]
    change = tr("step.update.change")
    st.plotly_chart(figures.heatmap_pair(
        dict(z=np.array(rows), rows=labels, title=tr("step.update.win"), colorbar=tr("step.value")),
        dict(z=ch["in_delta"], rows=[f"{w}: {change}" for w in in_words], title=tr("step.update.win_change"),
             colorbar=change), x_title=tr("step.dimension")), key=f"{key}_win")
    ids, labels = out_row_labels(model, t)
    rows, lab = [], []
    for i in sel:
        rows += [t.out_before[i], t.out_after[i]]
        lab += [f"{labels[i]} {before}", f"{labels[i]} {after}"]
    st.plotly_chart(figures.heatmap_pair(
        dict(z=np.array(rows), rows=lab, title=tr("step.update.wout"), colorbar=tr("step.value")),
        dict(z=ch["out_delta"], rows=[f"{labels[i]}: {change}" for i in sel],
             title=tr("step.update.wout_change"), colorbar=change), x_title=tr("step.dimension")),
        key=f"{key}_wout")


def whole_matrices(model: Word2Vec, t, key: str) -> None:
    """Small heatmaps of the whole W_in and W_out with the rows this update changed framed."""
    V = len(model.vocab)
    if V > WHOLE_MATRIX_MAX_V:
        st.caption(tr("step.matrices.too_big", max=WHOLE_MATRIX_MAX_V, V=V))
        return
    st.caption(tr("step.matrices.text"))
    vocab = model.vocab.index_to_key
    in_rows = sorted({int(i) for i in t.inputs})
    out_rows = sorted({int(i) for i in t.out_rows})
    hs = t.objective == "hierarchical_softmax"
    out_labels = [f"node {n}" for n in range(len(model.W_out))] if hs else vocab
    what = tr("step.matrices.nodes") if hs else tr("step.matrices.words")
    st.plotly_chart(figures.heatmap_pair(
        dict(z=model.W_in, rows=vocab, title=tr("step.matrices.win", V=V, d=model.vector_size), highlight=in_rows),
        dict(z=model.W_out, rows=out_labels, highlight=out_rows,
             title=tr("step.matrices.wout", n=len(model.W_out), what=what, d=model.vector_size)),
        x_title=tr("step.dimension")), key=f"{key}_whole")


def batched_update(model: Word2Vec, key: str) -> None:
    """The next center's examples as one batched update: the scores as the matrix product X Oᵀ (Ji et al. 2016)."""
    b = step_lessons.batched_update(model)
    if b is None:
        st.caption(tr("step.batch.only_sg_ns"))
        return
    context, center = words(model, b["context"]), words(model, [b["center"]])[0]
    out = [f"u[{center}] {tr('step.probs.target')}"] + [f"u[{x}] {tr('step.probs.noise')}"
                                                        for x in words(model, b["negatives"])]
    left, right = st.columns(TEXT_CHART)
    with left:
        st.markdown(tr("step.batch.text", m=len(context), k=len(b["negatives"]), center=center))
        st.latex(r"S = X\,O^{\top} \in \mathbb{R}^{m \times (1+k)},\qquad G = \sigma(S) - Y")
        st.latex(r"\Delta X = -\eta\, G\,O,\qquad \Delta O = -\eta\, G^{\top} X")
        st.caption(tr("step.batch.cost"))
    rows_in = [f"x[{w}]" for w in context]
    right.vega_lite_chart(*heatmap(b["X"], rows_in, title=tr("step.batch.x", m=len(context), d=model.vector_size),
                                   x_title=tr("step.dimension")), key=f"{key}_batch_x", width="stretch")
    right.vega_lite_chart(*heatmap(b["O"], out, title=tr("step.batch.o", n=len(out), d=model.vector_size),
                                   x_title=tr("step.dimension")), key=f"{key}_batch_o", width="stretch")
    right.vega_lite_chart(*heatmap(b["S"], rows_in, [f"u[{center}]"] + [f"u[{x}]" for x in words(model, b["negatives"])],
                                   title=tr("step.batch.s", m=len(context), n=len(out)), value_format=".2f",
                                   x_title=tr("step.batch.s_columns"),
                                   show_values=True), key=f"{key}_batch_s", width="stretch")


def section_picker(key: str) -> Optional[str]:
    """The one section of the update to draw (drawing one at a time keeps a Next click cheap)."""
    return choice(st.segmented_control, tr("step.sections.label"), SECTIONS, lambda s: tr(f"step.sections.{s}"),
                  key, default="probs", label_visibility="collapsed")


def draw_section(model: Word2Vec, t, section: Optional[str], key: str) -> None:
    """Draw the chosen section(s) of update t (the history table needs no trace)."""
    chosen = SECTIONS[:-1] if section == "all" else (section,)
    for s in chosen:
        if s == "history":
            st.subheader(tr("step.sections.history_title"))
            history_table(model)
            continue
        if t is None:
            continue
        st.subheader(tr(f"step.sections.{s}_title"))
        if s == "hidden":
            forward_hidden(model, t, key)
        elif s == "probs":
            scores_and_probs(model, t, key)
        elif s == "loss":
            loss_formula(model, t)
        elif s == "grads":
            gradients(model, t, key)
        elif s == "update":
            update_rows(model, t, key)
        elif s == "matrices":
            whole_matrices(model, t, key)
        elif s == "batch":
            batched_update(model, key)
