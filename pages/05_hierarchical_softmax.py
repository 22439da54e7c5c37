"""Hierarchical softmax: the Huffman tree, the codes, one word's path and its probability."""

import numpy as np
import pandas as pd
import streamlit as st

from engine import build_huffman, huffman, inspect_tools, leaf_probabilities
from ui import charts, step_view
from ui.code import show_source

HS = "hierarchical_softmax"
FULL_TREE_MAX_V = 300


st.title("Hierarchical softmax")
model = step_view.page_model()
vocab = model.vocab.index_to_key
V = len(vocab)
tree = model.tree
st.markdown(
    f"A full softmax scores all V = {V} words for every update. Hierarchical softmax puts the words at the "
    "leaves of a binary tree and replaces that one V-way choice by a few **left/right decisions** along the path "
    "from the root to the word. Each internal node n has its own vector θ_n (a row of W_out, which has V − 1 rows), "
    "and goes to its bit-0 child with probability σ(θ_n · h). word2vec builds a **Huffman tree** from the counts, "
    "so frequent words are near the root and cost fewer decisions.")
st.latex(r"p(w \mid h) = \prod_{n \in \text{path}(w)} \sigma(\theta_n \cdot h)^{1-b_n}\,"
         r"\bigl(1 - \sigma(\theta_n \cdot h)\bigr)^{b_n},\qquad \sigma(x) = \frac{1}{1+e^{-x}}")

is_hs = step_view.objective_switch(
    model, HS, "hs_switch", ", so its W_out holds word vectors, not node vectors. The tree and the codes below are "
    "those of its vocabulary; switch the objective to see live node probabilities and step through updates here.")
if is_hs:
    step_view.step_buttons("hs")

# ---------------------------------------------------------------------------------------------- which path
t = step_view.current_trace(model) if is_hs else None
st.subheader("One word's path")
follow = st.toggle("follow the current step", value=True, key="hs_follow", disabled=t is None,
                   help="On: the target and h of the latest update (press Next). Off: choose the words yourself.")
if t is not None and follow:
    target = int(t.target)
    hidden = np.asarray(t.hidden)
    W_nodes = inspect_tools.weights_before_step(model.W_out, t.out_rows, t.out_before)   # (V-1, d)
    st.caption(f"Step {t.step}: inputs {', '.join(step_view.words(model, t.inputs))} → target "
               f"'{vocab[target]}'. The numbers are those the step used, before it changed the path's θ rows.")
else:
    c1, c2 = st.columns(2)
    in_word = c1.selectbox("input word (h = its row of W_in, as in skip-gram)", vocab, index=min(1, V - 1),
                           key="hs_input")
    target_word = c2.selectbox("target word (the leaf to reach)", vocab, index=min(10, V - 1), key="hs_target")
    target = model.vocab.key_to_index[target_word]
    hidden = model.W_in[model.vocab.key_to_index[in_word]]                               # (d,)
    W_nodes = model.W_out if is_hs else None

code, path = tree.codes[target], tree.paths[target]
rows = inspect_tools.hs_path_rows(code, path, W_nodes, hidden) if W_nodes is not None else None

left, right = st.columns([1, 1])
with left:
    st.markdown(f"**'{vocab[target]}'** has code **{''.join(map(str, code)) or '(empty)'}**: {len(code)} decisions "
                f"through internal nodes {', '.join(map(str, path))}.")
    if rows is not None:
        df = pd.DataFrame([{"node": r["node"], "bit": r["bit"], "θ·h": r["score"], "σ(θ·h)": r["sigma"],
                            "branch taken": r["branch_prob"], "product so far": r["product"]} for r in rows])
        st.dataframe(df, hide_index=True, key="hs_path_table",
                     column_config={c: st.column_config.NumberColumn(format="%.4f")
                                    for c in ["θ·h", "σ(θ·h)", "branch taken", "product so far"]})
        p_target = rows[-1]["product"] if rows else 1.0
        factors = [f"{r['branch_prob']:.3f}" for r in rows]
        if len(factors) > 7:
            factors = factors[:3] + [r"\cdots"] + factors[-3:]
        st.latex(r"p(" + step_view.tex_word(vocab[target]) + r"\mid h) = " + r" \times ".join(factors)
                 + f" = {p_target:.4f}")
        st.caption("Bit 0: the branch with probability σ(θ·h); bit 1: the other one, 1 − σ(θ·h). Before any "
                   "training every θ is zero, every σ is 0.5, and p(w | h) = 2^(−code length).")
    else:
        st.caption("Switch the objective to hierarchical softmax to see σ(θ_n · h) at each node.")
with right:
    whole = st.toggle("draw the whole tree", value=V <= 40, disabled=V > FULL_TREE_MAX_V, key="hs_whole",
                      help=f"Up to {FULL_TREE_MAX_V} words; otherwise only the path is opened")
    nodes = inspect_tools.tree_layout(tree.children, expand=None if whole else set(path))
    node_text = {r["node"]: f"σ={r['sigma']:.2f}" for r in rows} if rows else None
    st.plotly_chart(charts.huffman_tree(nodes, vocab, path_nodes=path, target=target, node_text=node_text),
                    key="hs_tree")
    st.caption("Root on the left, words (leaves) on the right; the green path leads to the target word, bits "
               "0/1 on the branches. Folded branches ('… n words') hold whole subtrees.")

if rows is not None:
    p_all = leaf_probabilities(tree, W_nodes, hidden)                                    # (V,)
    c1, c2 = st.columns([1, 3])
    c1.metric("Σ over all words of p(w | h)", f"{p_all.sum():.6f}")
    c1.caption("The decisions at each node split the probability between its two children, so the leaves "
               "always share exactly 1: hierarchical softmax is a proper distribution, without computing a "
               "normalising sum over V.")
    top = np.argsort(-p_all)[:40]
    colors = [charts.TARGET if i == target else charts.OTHER for i in top]
    c2.plotly_chart(charts.bars([vocab[i] for i in top], p_all[top], colors=colors,
                                title="p(w | h) of the 40 most probable words (target in red if among them)",
                                x_title="word", y_title="p(w | h)", height=300), key="hs_pall")

# ---------------------------------------------------------------------------------------------- codes
st.subheader("Codes and their cost")
mean_len = inspect_tools.mean_code_length(tree.lengths, model.vocab.counts)
m = st.columns(4)
m[0].metric("V (words)", f"{V:,}")
m[1].metric("log2 V", f"{np.log2(V):.2f}")
m[2].metric("average code length per token", f"{mean_len:.2f}")
m[3].metric("longest code", f"{tree.max_length}")
st.markdown(f"Cost of one update: about **{mean_len:.1f} dot products** (the average code length, weighted by how "
            f"often each word is a target) instead of **{V:,}** for the full softmax. Huffman coding makes the "
            "average even shorter than a balanced tree's log2 V, because the frequent words sit near the root.")
left, right = st.columns([3, 2])
left.plotly_chart(charts.code_lengths(vocab, model.vocab.counts, tree.lengths, mean_length=mean_len),
                  key="hs_lengths")
with right:
    codes = pd.DataFrame({"word": vocab, "count": model.vocab.counts,
                          "code": ["".join(map(str, c)) for c in tree.codes], "length": tree.lengths,
                          "path (internal nodes)": [" → ".join(map(str, p)) for p in tree.paths]})
    st.dataframe(codes, hide_index=True, height=400, key="hs_codes")

show_source(build_huffman, huffman.leaf_probabilities, inspect_tools.hs_path_rows)
