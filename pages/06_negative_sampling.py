"""Negative sampling: the noise distribution P_n(w) ∝ f(w)^alpha and the k + 1 terms of one update."""

import numpy as np
import pandas as pd
import streamlit as st

from engine import Vocabulary, alias_table, binary_logistic_loss, inspect_tools
from ui import charts, step_view
from ui.code import show_source
from ui.settings import ui_range

NS = "negative_sampling"
ALL_BARS_MAX_V = 150


st.title("Negative sampling")
model = step_view.page_model()
vocab = model.vocab.index_to_key
V = len(vocab)
st.markdown(
    f"A full softmax needs all V = {V} output vectors for every update. Negative sampling asks a cheaper "
    "question instead: *is this word a real context word of h, or noise?* It raises σ(u · h) for the true "
    "target and lowers it for **k noise words** (the negatives) drawn at random from a noise distribution P_n, "
    "so one update touches only k + 1 output rows.")
st.latex(r"L = -\log\sigma(u_{c}\cdot h) \;-\; \sum_{i=1}^{k}\log\sigma(-u_{i}\cdot h),\qquad w_i \sim P_n(w) = "
         r"\frac{f(w)^{\alpha}}{\sum_{v} f(v)^{\alpha}}")

is_ns = step_view.objective_switch(
    model, NS, "ns_switch", ". The noise distribution below is that of its vocabulary; switch the objective to "
    "draw negatives and step through updates here.")
if is_ns:
    step_view.step_buttons("ns")
t = step_view.current_trace(model) if is_ns else None

# ---------------------------------------------------------------------------------------------- P_n
st.subheader("The noise distribution")
left, right = st.columns([2, 5])
with left:
    alpha = st.slider("exponent α (ns_exponent)", *ui_range("ns_exponent"), float(model.ns_exponent), 0.05,
                      key="ns_alpha",
                      help="0: every word equally likely; 1: as often as in the text; word2vec uses 0.75")
    st.markdown(
        "With **α = 1** noise words are drawn as often as they occur, so nearly every negative would be *the*, "
        "*a*, *is*. With **α = 0** every word is equally likely, and rare words would be drawn far more often "
        "than they occur. **α = 0.75**, found by Mikolov et al. to work best, sits between: the frequent words "
        "lose some mass and the rare ones gain it.")
    shares = inspect_tools.noise_mass(model.vocab.counts, [1.0, alpha, 0.0])
    st.markdown(f"The rarer half of the vocabulary receives **{shares[1.0]:.1%}** of the draws at α = 1, "
                f"**{shares[alpha]:.1%}** at α = {alpha:g} and **{shares[0.0]:.1%}** at α = 0.")
    if is_ns and abs(alpha - model.ns_exponent) > 1e-9:
        st.caption(f"The model draws its negatives with its own ns_exponent = {model.ns_exponent:g} (sidebar).")
curves = {}
slider_name = f"α = {alpha:g} (slider)"
curves[slider_name] = model.vocab.noise_distribution(alpha)                             # (V,)
for a, label in [(1.0, "α = 1 (unigram, as in the text)"), (0.75, "α = 0.75 (word2vec)"), (0.0, "α = 0 (uniform)")]:
    curves[label] = model.vocab.noise_distribution(a)                                   # (V,)
marks = {int(i): vocab[int(i)] for i in t.negatives} if t is not None else None
show = None
if V > ALL_BARS_MAX_V:
    keep = set(range(50)) | set(range(V - 30, V))
    if t is not None:
        keep |= set(int(i) for i in t.negatives) | {int(t.target)}
    show = sorted(keep)
with right:
    st.plotly_chart(charts.noise_distribution(vocab, curves, slider_name, marks=marks,
                                              target=int(t.target) if t is not None else None, show=show),
                    key="ns_pn")
    note = "Bars: the slider's α. Lines: the three marked exponents."
    if show is not None:
        note += f" Shown: the 50 most frequent and the 30 rarest of the {V} words"
        note += ", plus this step's words." if t is not None else "."
    if t is not None:
        note += " ▼ marks the negatives drawn for the current step (red bar: its target)."
    st.caption(note)

examples = list(range(min(5, V))) + list(range(max(5, V - 5), V))
table = pd.DataFrame({"word": [vocab[i] for i in examples], "count": model.vocab.counts[examples],
                      "P at α = 1": curves["α = 1 (unigram, as in the text)"][examples],
                      f"P_n at α = {alpha:g}": curves[slider_name][examples]})
table["gain (×)"] = table[f"P_n at α = {alpha:g}"] / table["P at α = 1"]
st.dataframe(table, hide_index=True, key="ns_gain_table",
             column_config={c: st.column_config.NumberColumn(format="%.5f")
                            for c in ["P at α = 1", f"P_n at α = {alpha:g}"]} |
             {"gain (×)": st.column_config.NumberColumn(format="%.2f")})
st.caption("The five most frequent and the five rarest words: with α < 1 the rare ones are drawn several times "
           "more often than they occur, the frequent ones less. Drawing uses an alias table: each draw costs O(1).")

# ---------------------------------------------------------------------------------------------- one update
st.subheader("The objective of the current step")
if t is None:
    st.info("Press **Next** (with negative sampling as the objective) to draw the negatives of an update and see "
            "each term of its objective.")
else:
    terms = inspect_tools.ns_terms(t.scores)
    words_ = step_view.words(model, t.out_rows)
    df = pd.DataFrame({
        "word": words_, "role": ["target (label 1)"] + ["negative (label 0)"] * len(t.negatives),
        "u·h": np.asarray(t.scores), "σ(u·h)": np.asarray(t.probs),
        "term": ["log σ(u_c·h)"] + ["log σ(−u_i·h)"] * len(t.negatives),
        "value": np.concatenate([[terms["target_term"]], terms["negative_terms"]])})
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"Step {t.step}: input {', '.join(step_view.words(model, t.inputs))} → target "
                    f"**{vocab[t.target]}**, with k = {len(t.negatives)} negatives "
                    f"({', '.join(step_view.words(model, t.negatives))}).")
        st.dataframe(df, hide_index=True, key="ns_terms_table",
                     column_config={c: st.column_config.NumberColumn(format="%.4f") for c in ["u·h", "σ(u·h)", "value"]})
        st.caption("A negative equal to the target is redrawn; the same noise word may come twice. Each term is "
                   "a log-probability (≤ 0): the loss is near 0 when σ(u_c·h) ≈ 1 and every σ(u_i·h) ≈ 0.")
    with right:
        st.latex(r"L = -(" + f"{terms['target_term']:.4f}" + r") - (" + f"{terms['negative_terms'].sum():.4f}"
                 + f") = {terms['loss']:.4f}")
        st.caption("The target's term, then the sum of the k negatives' terms (the table lists each one).")
        m = st.columns(2)
        m[0].metric("dot products this update", f"{len(t.scores)}")
        m[1].metric("full softmax would need", f"{V:,}")
        st.markdown(f"k + 1 = {len(t.scores)} dot products instead of V = {V:,}: the saving grows with the "
                    "vocabulary (millions of words in real corpora), while k stays 5–20.")
        st.plotly_chart(charts.bars([f"{w}<br>({'target' if i == 0 else 'noise'})" for i, w in enumerate(words_)],
                                    df["value"], colors=[charts.TARGET] + [charts.NEGATIVE] * len(t.negatives),
                                    title="Each term of the objective (closer to 0 is better)",
                                    x_title="output word", y_title="log σ(±u·h)", height=300), key="ns_terms_bars")

show_source(Vocabulary.noise_distribution, alias_table, binary_logistic_loss, inspect_tools.ns_terms)
