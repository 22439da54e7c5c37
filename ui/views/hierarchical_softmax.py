"""The hierarchical softmax page: one word's path through the Huffman tree and its probability, then the codes.

What it does: the path section (the latest update's target and hidden layer as the step saw them, or a
word pair chosen by hand; the table of the branches taken, their product, the tree with the path, and
p(w | h) of every word summing to one) and the codes section (mean code length against log2 V, code
length against count, the codes of the most frequent and the rarest words).
What it does not do: build the tree or its probabilities (the engine and lessons/ do).
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
import pandas as pd
import streamlit as st

from engine import Word2Vec, leaf_probabilities
from lessons import objectives as objective_lessons
from lessons import steps as step_lessons
from lessons import tree as tree_lessons
from ui import pickers
from ui.charts import figures, style
from ui.charts import objectives as objective_charts
from ui.i18n import t
from ui.stepping import tex_word, words

HS = "hierarchical_softmax"
FULL_TREE_MAX_V = 300
TABLE_ENDS = (600, 400)      # a whole-vocabulary table shows its first 600 and last 400 rows
# two formulas, each one unbreakable group
FORMULA = (r"{p(w \mid h) = \prod_{n \in \text{path}(w)} \sigma(\theta_n \cdot h)^{1-b_n}\,"
           r"\bigl(1 - \sigma(\theta_n \cdot h)\bigr)^{b_n}}", r"{\sigma(x) = \frac{1}{1+e^{-x}}}")


def row_ends(n: int, head: int = TABLE_ENDS[0], tail: int = TABLE_ENDS[1]) -> Tuple[np.ndarray, bool]:
    """(the ids of the first `head` and last `tail` of n rows, whether rows were left out). A table of every
    word of a 7,000-word corpus is ~1.2 MB for the browser to decode and lay out at each visit (the HS
    page's codes took it over 1 s); its two ends (the most frequent words, the rarest) are what it teaches.

    >>> ids, cut = row_ends(7, head=2, tail=1)
    >>> ids.tolist(), cut
    ([0, 1, 6], True)
    """
    if n <= head + tail:
        return np.arange(n), False
    return np.concatenate([np.arange(head), np.arange(n - tail, n)]), True


def path_section(model: Word2Vec, trace) -> None:
    """Which path: the latest update's (trace, when following it) or a pair chosen by hand; its branches,
    their product, the tree and every word's probability."""
    vocab = model.vocab.index_to_key
    V = len(vocab)
    tree = model.tree
    is_hs = model.objective == HS
    st.subheader(t("hs.path_title"))
    follow = st.toggle(t("hs.follow"), value=True, key="hs_follow", disabled=trace is None, help=t("hs.follow_help"))
    if trace is not None and follow:
        target = int(trace.target)
        hidden = np.asarray(trace.hidden)
        W_nodes = step_lessons.weights_before_step(model.W_out, trace.out_rows, trace.out_before)   # (V-1, d)
        st.caption(t("hs.step_caption", step=trace.step, inputs=t("hs.word_sep").join(words(model, trace.inputs)),
                     target=vocab[target]))
    else:
        c1, c2 = st.columns(2)
        known = model.vocab.key_to_index
        in_word = pickers.word_select(c1, t("hs.input_word"), vocab, known, vocab[min(1, V - 1)], key="hs_input")
        target_word = pickers.word_select(c2, t("hs.target_word"), vocab, known, vocab[min(10, V - 1)],
                                          key="hs_target")
        target = model.vocab.key_to_index[target_word]
        hidden = model.W_in[model.vocab.key_to_index[in_word]]                               # (d,)
        W_nodes = model.W_out if is_hs else None

    code, path = tree.codes[target], tree.paths[target]
    rows = objective_lessons.hs_path_rows(code, path, W_nodes, hidden) if W_nodes is not None else None
    left, right = st.columns([1, 1])
    with left:
        path_table(vocab[target], code, path, rows)
    with right:
        whole = st.toggle(t("hs.whole_tree"), value=V <= 40, disabled=V > FULL_TREE_MAX_V, key="hs_whole",
                          help=t("hs.whole_tree_help", n=FULL_TREE_MAX_V))
        nodes = tree_lessons.tree_layout(tree.children, expand=None if whole else set(path))
        node_text = {r["node"]: f"σ={r['sigma']:.2f}" for r in rows} if rows else None
        st.vega_lite_chart(*objective_charts.huffman_tree(nodes, vocab, path_nodes=path, target=target,
                                                          node_text=node_text), key="hs_tree", width="stretch")
        st.caption(t("hs.tree_caption"))
    if rows is not None:
        every_word(vocab, tree, W_nodes, hidden, target)


def path_table(word: str, code, path, rows: Optional[list]) -> None:
    """The target's code and path, and (with the tree's weights) the branches taken and their product."""
    st.markdown(t("hs.code_text", word=word, code="".join(map(str, code)) or t("hs.empty_code"),
                  n=len(code), nodes=", ".join(map(str, path))))
    if rows is None:
        st.caption(t("hs.switch_to_see"))
        return
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
    st.latex(r"p(" + tex_word(word) + r"\mid h) = " + r" \times ".join(factors) + f" = {p_target:.4f}")
    st.caption(t("hs.bits_caption"))


def every_word(vocab, tree, W_nodes: np.ndarray, hidden: np.ndarray, target: int) -> None:
    """p(w | h) of every word: they sum to one; the most probable ones as bars, the target in red."""
    p_all = leaf_probabilities(tree, W_nodes, hidden)                                    # (V,)
    c1, c2 = st.columns([1, 3])
    c1.metric(t("hs.m_sum"), f"{p_all.sum():.6f}")
    c1.caption(t("hs.sum_caption"))
    top = np.argsort(-p_all)[:40]
    colors = [style.TARGET if i == target else style.OTHER for i in top]
    c2.plotly_chart(figures.bars([vocab[i] for i in top], p_all[top], colors=colors,
                                 title=t("hs.chart_top"), x_title=t("hs.word"), y_title="p(w | h)", height=300),
                    key="hs_pall")


def codes_section(model: Word2Vec) -> None:
    """The codes: mean length against log2 V, length against count, and the table of the two ends."""
    vocab = model.vocab.index_to_key
    V = len(vocab)
    tree = model.tree
    st.subheader(t("hs.codes_title"))
    mean_len = objective_lessons.mean_code_length(tree.lengths, model.vocab.counts)
    m = st.columns(4)
    m[0].metric(t("hs.m_V"), f"{V:,}")
    m[1].metric("log2 V", f"{np.log2(V):.2f}")
    m[2].metric(t("hs.m_mean"), f"{mean_len:.2f}", help=t("hs.m_mean_help"))
    m[3].metric(t("hs.m_longest"), f"{tree.max_length}")
    st.markdown(t("hs.cost_text", mean=f"{mean_len:.1f}", V=f"{V:,}"))
    # the chart, then the table under it on the page's whole width (beside the chart, its path column was cut
    # at 'path (intern...')
    st.vega_lite_chart(*objective_charts.code_lengths(vocab, model.vocab.counts, tree.lengths, mean_length=mean_len),
                       key="hs_lengths", width="stretch")
    ids, cut = row_ends(V)                                               # the most frequent and the rarest words
    codes = pd.DataFrame({t("hs.word"): [vocab[i] for i in ids], t("hs.col_count"): model.vocab.counts[ids],
                          t("hs.col_code"): ["".join(map(str, tree.codes[i])) for i in ids],
                          t("hs.col_length"): tree.lengths[ids],
                          t("hs.col_path"): ["→".join(map(str, tree.paths[i])) for i in ids]})
    st.dataframe(codes, hide_index=True, height=400, key="hs_codes", width="stretch")
    if cut:
        st.caption(t("hs.codes_ends", head=f"{TABLE_ENDS[0]:,}", tail=f"{TABLE_ENDS[1]:,}", V=f"{V:,}"))
