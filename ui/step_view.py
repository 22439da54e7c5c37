"""Stepping the session's model from the pages, and drawing one StepTrace.

What it does: the Next / Next 10 / Next 100 / Undo buttons (as callbacks, so the sidebar and the page
already see the new state when they draw), the step history (summary rows only, never whole traces),
the page header that shows a failed rebuild, and the sections that draw one update: the input rows
and h, the scores and probabilities, the loss, the gradients, and the rows before and after.
What it does not do: any maths (the engine and engine.inspect_tools compute everything shown).

A caught error (a diverging learning rate, a stream with no examples) is kept in
st.session_state[state.STEP_ERROR] and shown by step_buttons(); the model keeps its last good weights.
"""

from __future__ import annotations

from typing import List, Optional

import numpy as np
import pandas as pd
import streamlit as st

from engine import TrainingDiverged, Word2Vec
from engine import inspect_tools
from ui import charts, state
from ui.settings import objective_label

HISTORY_MAX = 5_000          # summary rows kept for the history table (the oldest are dropped)
WHOLE_MATRIX_MAX_V = 40      # draw the whole W_in / W_out when the vocabulary is at most this big
SOFTMAX_BARS_MAX = 130       # softmax: a bar for every word up to this V, else the most probable ones


# ------------------------------------------------------------------------------------------ page header
def page_model() -> Word2Vec:
    """This session's model for a page; shows a failed rebuild's message; stops the page if there is none."""
    model = state.get_model()
    err = st.session_state.get(state.MODEL_ERROR)
    if err:
        st.error(err)
    if model is None:
        st.info("There is no model yet: choose another corpus or lower min_count in the sidebar.")
        st.stop()
    return model


def objective_switch(model: Word2Vec, objective: str, key: str, why: str) -> bool:
    """True when the model trains with `objective`; otherwise say which objective it uses (then `why`)
    and offer a button that switches the sidebar's objective (pages 05 and 06 share this)."""
    if model.objective == objective:
        return True
    c1, c2 = st.columns([3, 1])
    c1.info(f"This session's model uses **{objective_label(model.objective)}**{why}")
    c2.button(f"Switch to {objective_label(objective)}", on_click=state.set_objective, args=(objective,),
              key=key, type="primary")
    return False


def words(model: Word2Vec, ids) -> List[str]:
    keys = model.vocab.index_to_key
    return [keys[int(i)] for i in ids]


def current_trace(model: Word2Vec):
    """The StepTrace of the model's latest update, or None (no step yet, or the model moved on since)."""
    t = st.session_state.get(state.LAST_TRACE)
    if t is None or t.step != model.step_count or t.objective != model.objective:
        return None
    return t


# ------------------------------------------------------------------------------------------ stepping
def summary_row(model: Word2Vec, t) -> dict:
    """One row of the history table: what was fed in, what was predicted, the loss."""
    row = {"step": t.step, "epoch": t.epoch + 1, "learning rate": round(t.lr, 6),
           "input word(s)": " ".join(words(model, t.inputs)), "target": words(model, [t.target])[0],
           "loss": round(t.loss, 5)}
    if t.objective == "negative_sampling":
        row["negatives"] = " ".join(words(model, t.negatives))
    elif t.objective == "hierarchical_softmax":
        row["code"] = "".join(str(b) for b in t.code)
    else:
        row["p(target)"] = round(float(t.probs[t.target]), 5)
    return row


def run_steps(n: int) -> None:
    """Callback: n updates of the session's model, one history row each; errors are kept for display."""
    model = st.session_state.get(state.MODEL)
    if model is None:
        return
    history = st.session_state.setdefault(state.HISTORY, [])
    st.session_state[state.STEP_ERROR] = None
    try:
        for _ in range(n):
            t = model.step()
            history.append(summary_row(model, t))
            st.session_state[state.LAST_TRACE] = t
    except TrainingDiverged as e:
        st.session_state[state.STEP_ERROR] = (
            f"Training diverged: {e} The model keeps its last good weights (step {model.step_count}). "
            "Lower alpha in the sidebar's model settings, or press Undo.")
    except (ValueError, FloatingPointError, RuntimeError) as e:
        st.session_state[state.STEP_ERROR] = f"The update could not be done: {e}"
    if len(history) > HISTORY_MAX:
        del history[: len(history) - HISTORY_MAX]


def undo_step() -> None:
    """Callback: rewind the last update (the engine keeps the rows of the last 100 updates)."""
    model = st.session_state.get(state.MODEL)
    st.session_state[state.STEP_ERROR] = None
    if model is None or not model.can_undo:
        st.session_state[state.STEP_ERROR] = "Nothing to undo: the last 100 updates made with Next can be undone."
        return
    undone = model.step_count
    st.session_state[state.LAST_TRACE] = inspect_tools.undo_and_retrace(model)
    history = st.session_state.get(state.HISTORY) or []
    if history and history[-1]["step"] == undone:
        history.pop()


def step_buttons(prefix: str) -> None:
    """The Next / Next 10 / Next 100 / Undo row, with the model's position and the last error."""
    model = st.session_state.get(state.MODEL)
    cols = st.columns([1, 1, 1, 1, 3])
    cols[0].button("Next", key=f"{prefix}_next", on_click=run_steps, args=(1,), type="primary",
                   icon=":material/play_arrow:", help="One SGD update on the next training example",
                   width="stretch")
    cols[1].button("Next 10", key=f"{prefix}_next10", on_click=run_steps, args=(10,), width="stretch",
                   icon=":material/fast_forward:")
    cols[2].button("Next 100", key=f"{prefix}_next100", on_click=run_steps, args=(100,), width="stretch",
                   icon=":material/skip_next:")
    cols[3].button("Undo", key=f"{prefix}_undo", on_click=undo_step, width="stretch", icon=":material/undo:",
                   disabled=model is None or not model.can_undo,
                   help="Rewind the last update (the last 100 can be undone)")
    if model is not None:
        cols[4].markdown(
            f"**{model.step_count}** updates done · epoch **{model.epoch + 1}** of {model.planned_epochs} · "
            f"{model.can_undo} can be undone")
    err = st.session_state.get(state.STEP_ERROR)
    if err:
        st.error(err)


def history_table(model: Word2Vec, last: int = 200) -> None:
    history = st.session_state.get(state.HISTORY) or []
    if not history:
        st.caption("No steps yet: the history fills as you press Next.")
        return
    rows = history[-last:][::-1]
    df = pd.DataFrame(rows)
    st.dataframe(df, hide_index=True, height=min(400, 38 + 35 * len(rows)), key="step_history_table")
    if len(history) > 1:
        tail = history[-last:]
        fig = charts.line([r["step"] for r in tail], {"loss of the update": [r["loss"] for r in tail]},
                          title="Loss of each update (it is noisy: each step sees a different example)",
                          x_title="step", y_title="loss", height=260)
        st.plotly_chart(fig, key="step_history_loss")


# ------------------------------------------------------------------------------------------ drawing one trace
# Each section puts the formula and a few plain words on the left and the chart on the right.
TEXT_CHART = [2, 3]


def tex_word(w: str) -> str:
    return r"\text{" + w.replace("'", "’") + "}"


def overview_formulas(model: Word2Vec) -> None:
    """The chain one update computes for this model, before any step has been taken."""
    if model.architecture == "skipgram":
        st.latex(r"h = W_{in}^{\top} x_{center}" if getattr(model, "skipgram_input", "center") == "center"
                 else r"h = W_{in}^{\top} x_{context}")
    else:
        st.latex(r"h = \frac{1}{C}\sum_{i=1}^{C} W_{in}[a_i]")
    if model.objective == "softmax":
        st.latex(r"p(w_j \mid h) = \frac{\exp(u_j\cdot h)}{\sum_{k=1}^{V}\exp(u_k\cdot h)},\qquad "
                 r"L = -\log p(w_{target} \mid h)")
    elif model.objective == "hierarchical_softmax":
        st.latex(r"p(w \mid h) = \prod_{n\in\text{path}(w)} \sigma(\theta_n\cdot h)^{1-b_n}"
                 r"\bigl(1-\sigma(\theta_n\cdot h)\bigr)^{b_n},\qquad L = -\log p(w_{target}\mid h)")
    else:
        st.latex(r"L = -\log\sigma(u_{target}\cdot h) - \sum_{i=1}^{k}\log\sigma(-u_i\cdot h)")
    st.latex(r"W \leftarrow W - \eta\,\frac{\partial L}{\partial W}\quad\text{(only the rows used above)}")


def describe_example(model: Word2Vec, t) -> None:
    """One sentence in words: which example this step trained on."""
    ctx = words(model, t.context)
    center = words(model, [t.center])[0]
    target = words(model, [t.target])[0]
    if t.architecture == "skipgram" and getattr(model, "skipgram_input", "center") == "center":
        st.markdown(f"**This step's example (skip-gram):** the center word **{center}** predicts one of its "
                    f"context words, **{target}**. (Window around *{center}*: {', '.join(ctx)}.)")
    elif t.architecture == "skipgram":
        source = words(model, t.inputs)[0]
        st.markdown(f"**This step's example (skip-gram, word2vec.c's order):** the context word **{source}** "
                    f"predicts the center word **{target}**. (Window around *{center}*: {', '.join(ctx)}.)")
    else:
        st.markdown(f"**This step's example (CBOW):** the context words **{', '.join(ctx)}** together "
                    f"predict the center word **{target}**.")
    st.caption(f"Step {t.step}, epoch {t.epoch + 1}, learning rate η = {t.lr:.5f} "
               "(it decays linearly to min_alpha over the planned epochs).")


def forward_hidden(model: Word2Vec, t, key: str) -> None:
    """The input rows of W_in and h, with the note's formula."""
    in_words = words(model, t.inputs)
    left, right = st.columns(TEXT_CHART)
    with left:
        if t.architecture == "skipgram":
            st.latex(r"h = W_{in}^{\top} x = W_{in}[" + tex_word(in_words[0]) + r"]")
            role = "center" if getattr(model, "skipgram_input", "center") == "center" else "context"
            st.markdown(f"x is the one-hot vector of the {role} word *{in_words[0]}* (a 1 at its id "
                        f"{int(t.inputs[0])}, 0 elsewhere), so multiplying by W_in just picks its row: "
                        "the hidden layer **is** the word's input vector.")
        else:
            terms = " + ".join(f"W_{{in}}[{tex_word(w)}]" for w in in_words)
            if t.input_scale > 1:
                st.latex(r"h = \frac{1}{C}\sum_{i=1}^{C} W_{in}[a_i]")
                st.latex(r"= \frac{1}{" + str(len(in_words)) + r"}\left(" + terms + r"\right)")
                st.markdown(f"CBOW: h is the **mean** of the C = {len(in_words)} context words' input vectors.")
            else:
                st.latex(r"h = \sum_{i=1}^{C} W_{in}[a_i] = " + terms)
                st.markdown("CBOW with cbow_mean off: h is the **sum** of the context words' input vectors.")
        st.caption("Each cell is one of the d numbers of a vector (d = vector_size); red is positive, blue negative.")
    rows = np.vstack([np.asarray(t.in_before), np.asarray(t.hidden)[None, :]])          # (n_in + 1, d)
    labels = [f"W_in[{w}]" for w in in_words] + ["h"]
    right.plotly_chart(charts.heatmap(rows, labels, title="Input rows of W_in and the hidden vector h (framed)",
                                      y_title="", highlight_rows=[len(labels) - 1], value_format=".3f"),
                       key=f"{key}_hidden")
    numbers_table(rows, labels, "The numbers: input rows and h")


def scores_and_probs(model: Word2Vec, t, key: str) -> None:
    """Scores u_j . h and probabilities: all V (softmax), path nodes (HS), target + negatives (NS)."""
    target = words(model, [t.target])[0]
    left, right = st.columns(TEXT_CHART)
    if t.objective == "softmax":
        V = len(t.probs)
        with left:
            st.latex(r"p(w_j \mid h) = \frac{\exp(u_j \cdot h)}{\sum_{k=1}^{V} \exp(u_k \cdot h)}")
            st.latex(r"p(" + tex_word(target) + r"\mid h) = " + f"{t.probs[t.target]:.4f}")
            st.markdown(f"**Full softmax.** Every word j has an output vector u_j (a row of W_out). Its score "
                        f"u_j · h says how well it fits; softmax turns the {V} scores into probabilities that "
                        f"sum to 1. Uniform would be 1/V = {1 / V:.4f}.")
            st.caption("Training pushes the red bar up and all the others down, so every one of the V output "
                       "rows is touched by this single update: the cost is V dot products.")
        ids = np.arange(V)
        note = f"all {V} words, most frequent first"
        if V > SOFTMAX_BARS_MAX:
            ids = np.argsort(-np.asarray(t.probs))[:60]
            if t.target not in ids:
                ids = np.append(ids, t.target)
            note = f"the 60 most probable of the {V} words, and the target"
        colors = [charts.TARGET if i == t.target else charts.OTHER for i in ids]
        hover = [f"{w}: score u·h = {s:.4f}" for w, s in zip(words(model, ids), np.asarray(t.scores)[ids])]
        fig = charts.bars(words(model, ids), np.asarray(t.probs)[ids], colors=colors, hover=hover,
                          title=f"p(word | h) for {note}; the target '{target}' in red",
                          x_title="word", y_title="p(word | h)", height=360)
        right.plotly_chart(fig, key=f"{key}_probs")
    elif t.objective == "hierarchical_softmax":
        with left:
            st.latex(r"p(" + tex_word(target) + r"\mid h) = \prod_{n \in \text{path}} \sigma(\theta_n \cdot h)^{1-b_n}"
                     r"\,\bigl(1-\sigma(\theta_n \cdot h)\bigr)^{b_n}")
            st.latex(r"= " + r" \times ".join(f"{q:.3f}" for q in _branch(t)) + f" = {np.exp(-t.loss):.4f}")
            st.markdown(f"**Hierarchical softmax.** The words are the leaves of a binary (Huffman) tree. To reach "
                        f"*{target}* the model makes {len(t.path)} left/right decisions; at internal node n it "
                        "goes to bit 0 with probability σ(θ_n · h) and to bit 1 with 1 − σ(θ_n · h).")
            st.caption(f"{len(t.path)} dot products instead of {len(model.vocab)}. The Hierarchical softmax page "
                       "draws the whole tree.")
        labels = [f"node {n}<br>bit {b}" for n, b in zip(t.path, t.code)]
        branch = _branch(t)
        hover = [f"node {n}, bit {b}: σ(θ·h) = {p:.4f}, branch taken {q:.4f}"
                 for n, b, p, q in zip(t.path, t.code, t.probs, branch)]
        fig = charts.bars(labels, branch, colors=[charts.PATH] * len(labels), hover=hover,
                          text=[f"{q:.3f}" for q in branch], y_range=[0, 1.15],
                          title=f"Probability of the branch taken at each node on the path to '{target}'",
                          x_title="internal node on the path (root first) and the bit of the code",
                          y_title="probability of the branch", height=340)
        right.plotly_chart(fig, key=f"{key}_probs")
    else:
        neg = words(model, t.negatives)
        with left:
            st.latex(r"\sigma(x) = \frac{1}{1+e^{-x}}\qquad \sigma(u_{" + tex_word(target) + r"} \cdot h) = "
                     + f"{t.probs[0]:.4f}")
            st.markdown(f"**Negative sampling.** Instead of a softmax over all {len(model.vocab)} words, the model "
                        f"answers {len(neg) + 1} yes/no questions: *is this a real context word?* Yes for the "
                        f"target *{target}* (label 1), no for k = {len(neg)} noise words drawn from P_n (label 0).")
            st.caption(f"Training pushes the red bar towards 1 and the grey ones towards 0, touching only "
                       f"these {len(neg) + 1} output rows: k + 1 dot products instead of V.")
        labels = [f"{target}<br>(target)"] + [f"{w}<br>(noise)" for w in neg]
        colors = [charts.TARGET] + [charts.NEGATIVE] * len(neg)
        hover = [f"{w}: score u·h = {s:.4f}" for w, s in zip([target] + neg, t.scores)]
        fig = charts.bars(labels, t.probs, colors=colors, hover=hover, text=[f"{p:.3f}" for p in t.probs],
                          y_range=[0, 1.15], title="σ(u · h) for the target and each negative",
                          x_title="output word (label 1 for the target, 0 for the noise words)",
                          y_title="σ(u · h)", height=340)
        right.plotly_chart(fig, key=f"{key}_probs")


def _branch(t) -> List[float]:
    """HS: the probability of the branch taken at each path node (sigma for bit 0, 1 - sigma for bit 1)."""
    return [float(p) if b == 0 else float(1 - p) for p, b in zip(t.probs, t.code)]


def loss_formula(model: Word2Vec, t) -> None:
    target = tex_word(words(model, [t.target])[0])
    if t.objective == "softmax":
        st.latex(r"L = -\log p(" + target + r"\mid h) = -\log(" + f"{t.probs[t.target]:.4f}" + ") = "
                 + f"{t.loss:.4f}")
        st.caption(f"Before training every word is equally likely, so L ≈ log V = {np.log(len(model.vocab)):.3f}.")
    elif t.objective == "hierarchical_softmax":
        st.latex(r"L = -\sum_{n \in \text{path}} \Bigl[(1-b_n)\log\sigma(\theta_n\cdot h) + b_n \log\bigl(1-"
                 r"\sigma(\theta_n\cdot h)\bigr)\Bigr] = -\log p(" + target + r"\mid h) = " + f"{t.loss:.4f}")
        st.caption(f"Before training every node says 0.5, so L = (code length) × log 2 = {len(t.path)} × 0.693.")
    else:
        terms = inspect_tools.ns_terms(t.scores)
        st.latex(r"L = -\log\sigma(u_{" + target + r"}\cdot h) - \sum_{i=1}^{k}\log\sigma(-u_i\cdot h) = "
                 + f"{-terms['target_term']:.4f} + {-terms['negative_terms'].sum():.4f} = {t.loss:.4f}")
        st.caption(f"Before training every σ is 0.5, so L = (k + 1) × log 2 = {len(t.scores)} × 0.693 = "
                   f"{len(t.scores) * np.log(2):.3f}. The Negative sampling page lists every term.")


def gradients(model: Word2Vec, t, key: str) -> None:
    """e = p - y per scored row, the gradient rows as a heatmap, and grad_hidden."""
    ids, labels = out_row_labels(model, t)
    e = np.asarray(t.probs) - np.asarray(t.labels)                                       # (k,)
    sel = _out_selection(t)
    left, right = st.columns(TEXT_CHART)
    with left:
        st.latex(r"e_j = p_j - y_j")
        st.latex(r"\frac{\partial L}{\partial u_j} = e_j\, h \qquad \frac{\partial L}{\partial h} = \sum_j e_j\, u_j")
        st.markdown("For all three output layers the error of a scored row is simply **e = prediction − label**: "
                    "negative for the word that should be predicted (its score must go up), positive for the "
                    "others. Each output row's gradient is e times h; the gradient that flows back to h is the "
                    "sum of the output rows weighted by their e.")
        if t.input_scale > 1:
            st.caption(f"CBOW with the mean: each of the {t.input_scale} input rows receives ∂L/∂h divided by "
                       f"{t.input_scale}.")
    rows = np.vstack([np.asarray(t.grad_out)[sel], np.asarray(t.grad_hidden)[None, :]])  # (m + 1, d)
    lab = [f"{labels[i]} (e = {e[i]:+.3f})" for i in sel] + ["∂L/∂h"]
    title = "∂L/∂u_j = e_j h for each output row scored, and ∂L/∂h (framed)"
    if len(sel) < len(ids):
        title = f"∂L/∂u_j for the {len(sel)} output rows with the largest |e| (of {len(ids)}), and ∂L/∂h (framed)"
    right.plotly_chart(charts.heatmap(rows, lab, title=title, y_title="", colorbar_title="gradient",
                                      value_format=".3f", highlight_rows=[len(lab) - 1]), key=f"{key}_gout")
    numbers_table(rows, lab, "The numbers: gradients")


def numbers_table(rows, labels, title: str) -> None:
    """An expander with the exact numbers of a heatmap (one row per label, one column per dimension)."""
    with st.expander(title):
        values = np.asarray(rows, dtype=np.float64)                                      # (n, d)
        df = pd.DataFrame(values.round(5), columns=[f"d{j}" for j in range(values.shape[1])])
        df.insert(0, "row", list(labels))
        st.dataframe(df, hide_index=True, height=min(400, 40 + 36 * len(df)))


def out_row_labels(model: Word2Vec, t):
    """Labels for trace.out_rows: words (softmax, NS) or internal nodes (HS)."""
    ids = list(t.out_rows)
    if t.objective == "hierarchical_softmax":
        return ids, [f"θ node {n}" for n in ids]
    if t.objective == "negative_sampling":
        w = words(model, ids)
        return ids, [f"u[{w[0]}] target"] + [f"u[{x}] noise" for x in w[1:]]
    return ids, [f"u[{x}]" + (" target" if i == t.target else "") for i, x in zip(ids, words(model, ids))]


def _out_selection(t, max_rows: int = 12) -> np.ndarray:
    """Which scored rows to draw: all for HS / NS, the target and the largest |e| for a big softmax."""
    k = len(t.out_rows)
    if t.objective != "softmax" or k <= max_rows:
        return np.arange(k)
    e = np.abs(np.asarray(t.probs) - np.asarray(t.labels))                               # (k,)
    top = [i for i in np.argsort(-e) if i != t.target][: max_rows - 1]
    return np.array([t.target] + sorted(top))


def update_rows(model: Word2Vec, t, key: str) -> None:
    """Rows of W_in and W_out before and after the update, and the change."""
    st.latex(r"u_j \leftarrow u_j - \eta\, e_j\, h \qquad W_{in}[a_i] \leftarrow W_{in}[a_i] - \eta\,"
             r"\frac{\partial L}{\partial h}" + (r"\cdot\frac{1}{C}" if t.input_scale > 1 else "")
             + r"\qquad \eta = " + f"{t.lr:.5f}")
    st.caption("Plain gradient descent: each touched row moves a small step (η) against its gradient. Before "
               "and after look almost the same, so the right-hand charts show the change on its own scale. "
               "W_out starts at zero (as in word2vec.c): in the very first updates ∂L/∂h = Σ e_j u_j is zero, "
               "so only W_out moves.")
    ch = inspect_tools.row_changes(t)
    in_words = words(model, t.inputs)
    rows, labels = [], []
    for i, w in enumerate(in_words):
        rows += [t.in_before[i], t.in_after[i]]
        labels += [f"{w} before", f"{w} after"]
    st.plotly_chart(charts.heatmap_pair(
        dict(z=np.array(rows), rows=labels, title="W_in rows (input vectors) before and after", colorbar="value"),
        dict(z=ch["in_delta"], rows=[f"{w}: change" for w in in_words], title="Change of the W_in rows (after − before)",
             colorbar="change")), key=f"{key}_win")
    ids, labels = out_row_labels(model, t)
    sel = _out_selection(t, max_rows=8)
    rows, lab = [], []
    for i in sel:
        rows += [t.out_before[i], t.out_after[i]]
        lab += [f"{labels[i]} before", f"{labels[i]} after"]
    st.plotly_chart(charts.heatmap_pair(
        dict(z=np.array(rows), rows=lab, title="W_out rows (output vectors) before and after", colorbar="value"),
        dict(z=ch["out_delta"][sel], rows=[labels[i] + ": change" for i in sel],
             title="Change of the W_out rows (after − before)", colorbar="change")), key=f"{key}_wout")


def whole_matrices(model: Word2Vec, t, key: str) -> None:
    """Small heatmaps of the whole W_in and W_out with the rows this update changed framed."""
    V = len(model.vocab)
    if V > WHOLE_MATRIX_MAX_V:
        st.caption(f"The whole matrices are drawn when V ≤ {WHOLE_MATRIX_MAX_V}: choose the 'tiny' corpus in the "
                   f"sidebar (this vocabulary has V = {V}).")
        return
    st.caption("As in wevi: the whole model after this update. The framed rows are the ones the update changed; "
               "every other row is exactly as it was.")
    vocab = model.vocab.index_to_key
    in_rows = sorted({int(i) for i in t.inputs})
    out_rows = sorted({int(i) for i in t.out_rows})
    hs = t.objective == "hierarchical_softmax"
    out_labels = [f"node {n}" for n in range(len(model.W_out))] if hs else vocab
    st.plotly_chart(charts.heatmap_pair(
        dict(z=model.W_in, rows=vocab, title=f"W_in: {V} words × {model.vector_size} dimensions", highlight=in_rows),
        dict(z=model.W_out, rows=out_labels, highlight=out_rows,
             title=f"W_out: {len(model.W_out)} {'internal nodes' if hs else 'words'} × {model.vector_size}")),
        key=f"{key}_whole")
