"""Hierarchical softmax: the Huffman tree, the codes, one word's path and its probability."""

import numpy as np
import pandas as pd
import streamlit as st

from engine import build_huffman, huffman, leaf_probabilities
from ui import pickers, step_view
from ui.charts import figures, style
from ui.charts import objectives as objective_charts
from ui.code import show_source
from ui.i18n import t
from lessons import objectives as objective_lessons
from lessons import steps as step_lessons
from lessons import tree as tree_lessons

HS = "hierarchical_softmax"
FULL_TREE_MAX_V = 300


st.title(t("hs.title"))
model = step_view.page_model()
vocab = model.vocab.index_to_key
V = len(vocab)
tree = model.tree
st.markdown(t("hs.intro", V=f"{V:,}"))
st.latex(r"p(w \mid h) = \prod_{n \in \text{path}(w)} \sigma(\theta_n \cdot h)^{1-b_n}\,"
         r"\bigl(1 - \sigma(\theta_n \cdot h)\bigr)^{b_n},\qquad \sigma(x) = \frac{1}{1+e^{-x}}")

is_hs = step_view.objective_switch(model, HS, "hs_switch", t("hs.switch_why"))
if is_hs:
    step_view.step_buttons("hs")

# ---------------------------------------------------------------------------------------------- which path
trace = step_view.current_trace(model) if is_hs else None
st.subheader(t("hs.path_title"))
follow = st.toggle(t("hs.follow"), value=True, key="hs_follow", disabled=trace is None, help=t("hs.follow_help"))
if trace is not None and follow:
    target = int(trace.target)
    hidden = np.asarray(trace.hidden)
    W_nodes = step_lessons.weights_before_step(model.W_out, trace.out_rows, trace.out_before)   # (V-1, d)
    st.caption(t("hs.step_caption", step=trace.step, inputs=t("hs.word_sep").join(step_view.words(model, trace.inputs)),
                 target=vocab[target]))
else:
    c1, c2 = st.columns(2)
    known = model.vocab.key_to_index
    in_word = pickers.word_select(c1, t("hs.input_word"), vocab, known, vocab[min(1, V - 1)], key="hs_input")
    target_word = pickers.word_select(c2, t("hs.target_word"), vocab, known, vocab[min(10, V - 1)], key="hs_target")
    target = model.vocab.key_to_index[target_word]
    hidden = model.W_in[model.vocab.key_to_index[in_word]]                               # (d,)
    W_nodes = model.W_out if is_hs else None

code, path = tree.codes[target], tree.paths[target]
rows = objective_lessons.hs_path_rows(code, path, W_nodes, hidden) if W_nodes is not None else None

left, right = st.columns([1, 1])
with left:
    st.markdown(t("hs.code_text", word=vocab[target], code="".join(map(str, code)) or t("hs.empty_code"),
                  n=len(code), nodes=", ".join(map(str, path))))
    if rows is not None:
        col_node, col_bit = t("hs.col_node"), t("hs.col_bit")
        col_branch, col_product = t("hs.col_branch"), t("hs.col_product")
        df = pd.DataFrame([{col_node: r["node"], col_bit: r["bit"], "θ·h": r["score"], "σ(θ·h)": r["sigma"],
                            col_branch: r["branch_prob"], col_product: r["product"]} for r in rows])
        st.dataframe(df, hide_index=True, key="hs_path_table",
                     column_config={c: st.column_config.NumberColumn(format="%.4f")
                                    for c in ["θ·h", "σ(θ·h)", col_branch, col_product]})
        p_target = rows[-1]["product"] if rows else 1.0
        factors = [f"{r['branch_prob']:.3f}" for r in rows]
        if len(factors) > 7:
            factors = factors[:3] + [r"\cdots"] + factors[-3:]
        st.latex(r"p(" + step_view.tex_word(vocab[target]) + r"\mid h) = " + r" \times ".join(factors)
                 + f" = {p_target:.4f}")
        st.caption(t("hs.bits_caption"))
    else:
        st.caption(t("hs.switch_to_see"))
with right:
    whole = st.toggle(t("hs.whole_tree"), value=V <= 40, disabled=V > FULL_TREE_MAX_V, key="hs_whole",
                      help=t("hs.whole_tree_help", n=FULL_TREE_MAX_V))
    nodes = tree_lessons.tree_layout(tree.children, expand=None if whole else set(path))
    node_text = {r["node"]: f"σ={r['sigma']:.2f}" for r in rows} if rows else None
    st.vega_lite_chart(*objective_charts.huffman_tree(nodes, vocab, path_nodes=path, target=target, node_text=node_text),
                       key="hs_tree", width="stretch")
    st.caption(t("hs.tree_caption"))

if rows is not None:
    p_all = leaf_probabilities(tree, W_nodes, hidden)                                    # (V,)
    c1, c2 = st.columns([1, 3])
    c1.metric(t("hs.m_sum"), f"{p_all.sum():.6f}")
    c1.caption(t("hs.sum_caption"))
    top = np.argsort(-p_all)[:40]
    colors = [style.TARGET if i == target else style.OTHER for i in top]
    c2.plotly_chart(figures.bars([vocab[i] for i in top], p_all[top], colors=colors,
                                title=t("hs.chart_top"), x_title=t("hs.word"), y_title="p(w | h)", height=300),
                    key="hs_pall")

# ---------------------------------------------------------------------------------------------- codes
st.subheader(t("hs.codes_title"))
mean_len = objective_lessons.mean_code_length(tree.lengths, model.vocab.counts)
m = st.columns(4)
m[0].metric(t("hs.m_V"), f"{V:,}")
m[1].metric("log2 V", f"{np.log2(V):.2f}")
m[2].metric(t("hs.m_mean"), f"{mean_len:.2f}")
m[3].metric(t("hs.m_longest"), f"{tree.max_length}")
st.markdown(t("hs.cost_text", mean=f"{mean_len:.1f}", V=f"{V:,}"))
left, right = st.columns([3, 2])
left.vega_lite_chart(*objective_charts.code_lengths(vocab, model.vocab.counts, tree.lengths, mean_length=mean_len),
                     key="hs_lengths", width="stretch")
with right:
    ids, cut = step_view.row_ends(V)                                     # the most frequent and the rarest words
    codes = pd.DataFrame({t("hs.word"): [vocab[i] for i in ids], t("hs.col_count"): model.vocab.counts[ids],
                          t("hs.col_code"): ["".join(map(str, tree.codes[i])) for i in ids],
                          t("hs.col_length"): tree.lengths[ids],
                          t("hs.col_path"): [" → ".join(map(str, tree.paths[i])) for i in ids]})
    st.dataframe(codes, hide_index=True, height=400, key="hs_codes")
    if cut:
        st.caption(t("hs.codes_ends", head=f"{step_view.TABLE_ENDS[0]:,}", tail=f"{step_view.TABLE_ENDS[1]:,}",
                     V=f"{V:,}"))

show_source(build_huffman, huffman.leaf_probabilities, objective_lessons.hs_path_rows)
