"""The hierarchical softmax page: one word's path through the Huffman tree and its probability, then the codes.

What it does: the path section (the latest update's target and hidden layer as the step saw them, or a
word pair chosen by hand; the table of the branches taken, their product, the tree with the path, and
p(w | h) of every word summing to one) and the build section (the tree's construction as the engine made it, one merge at a time: the two rarest nodes
join, the new node's count, the queue after; forward / back / play / jump; at the end the finished tree with
the path); and the codes section (mean code length against log2 V, code
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
from ui import pickers, state
from ui.charts import figures, style
from ui.charts import objectives as objective_charts
from ui.i18n import t
from ui.stepping import tex_word, words

HS = "hierarchical_softmax"
FULL_TREE_MAX_V = 300
FOREST_MAX_V = 40            # the whole forest is drawn at every merge up to this many words; beyond, the new subtree
QUEUE_ROWS = 12              # the queue table of a large vocabulary: its first rows (the next merges)
PLAY_EVERY_S = 1.2           # seconds per merge while playing
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


def path_section(model: Word2Vec, trace) -> int:
    """Which path: the latest update's (trace, when following it) or a pair chosen by hand; its branches,
    their product, the tree and every word's probability. Returns the target word's id."""
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
    return target


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


# ---------------------------------------------------------------- how the tree is built, one merge at a time
def _name(vocab, tree, counts, node: int) -> str:
    return vocab[-1 - node] if node < 0 else t("hs.build_node", id=node)


def _goto(V: int, where) -> None:
    """Button callback: move the build step (an int, or 'first' / 'last' / +1 / -1), kept in 0..V-1."""
    now = int(st.session_state.get(state.HS_BUILD_STEP, 0))
    step = {"first": 0, "last": V - 1}.get(where, now + where if isinstance(where, int) else now)
    st.session_state[state.HS_BUILD_STEP] = int(min(max(step, 0), V - 1))
    if where in ("first", "last", -1):
        st.session_state[state.HS_BUILD_PLAY] = False


def build_section(model: Word2Vec, target: int) -> None:
    """The construction of the tree as the engine's builder made it (model.tree.merges), one merge at a time;
    the last step is the finished tree the model trains with, the target's path lit."""
    V = len(model.vocab)
    st.subheader(t("hs.build_title"))
    st.markdown(t("hs.build_intro"))
    if V < 2:
        st.info(t("hs.build_one_word"))
        return
    step = int(st.session_state.get(state.HS_BUILD_STEP, 0))
    st.session_state[state.HS_BUILD_STEP] = min(max(step, 0), V - 1)     # a smaller vocabulary since
    playing = bool(st.session_state.get(state.HS_BUILD_PLAY, False))

    @st.fragment(run_every=PLAY_EVERY_S if playing else None)
    def merges() -> None:
        if st.session_state.get(state.HS_BUILD_PLAY) and st.session_state[state.HS_BUILD_STEP] < V - 1:
            st.session_state[state.HS_BUILD_STEP] += 1
        elif st.session_state.get(state.HS_BUILD_PLAY):
            st.session_state[state.HS_BUILD_PLAY] = False            # the end: stop playing
        if bool(st.session_state.get(state.HS_BUILD_PLAY)) != playing:
            st.rerun(scope="app")                                    # a new run_every (play started or stopped)
        b = st.columns(4)              # four buttons a row: with the toggle beside them their labels were cut at 1024 px
        # Streamlit's material icons: the U+23EE / U+23ED glyphs drew missing-glyph boxes in Linux Chromium
        for col, (name, where, icon) in zip(b, (("first", "first", "first_page"), ("back", -1, "chevron_left"),
                                                ("forward", 1, "chevron_right"), ("last", "last", "last_page"))):
            col.button(t(f"hs.build_{name}_label"), key=f"hs_build_{name}", on_click=_goto, args=(V, where),
                       icon=f":material/{icon}:", help=t(f"hs.build_{name}"), width="stretch")
        st.toggle(t("hs.build_play"), key=state.HS_BUILD_PLAY, help=t("hs.build_play_help", s=PLAY_EVERY_S))
        st.slider(t("hs.build_step", n=f"{V - 1:,}"), 0, V - 1, key=state.HS_BUILD_STEP, help=t("hs.build_step_help"))
        merge_picture(model, target, int(st.session_state[state.HS_BUILD_STEP]))

    merges()


def merge_picture(model: Word2Vec, target: int, step: int) -> None:
    """What merge `step` did (its text), the forest or the new subtree, and the queue after it."""
    vocab, tree, counts = model.vocab.index_to_key, model.tree, model.vocab.counts
    V = len(vocab)
    ms = tree_lessons.merge_step(tree, counts, step)
    if step == 0:
        st.markdown(t("hs.build_start", V=f"{V:,}"))
    else:
        (a, b), (ca, cb) = ms.joined, ms.joined_counts
        st.markdown(t("hs.build_merge", step=f"{step:,}", n=f"{V - 1:,}", a=_name(vocab, tree, counts, a), ca=f"{ca:,}",
                      b=_name(vocab, tree, counts, b), cb=f"{cb:,}", node=ms.new_node, c=f"{ms.new_count:,}",
                      left=f"{len(ms.queue):,}"))
    left, right = st.columns(2)              # room for the queue's four columns at 1024 px (zh: 250 px)
    labels = [f"{w} ({c:,})" for w, c in zip(vocab, counts)]
    node_text = None
    with left:
        if step == V - 1:                                            # the finished tree: the one the model trains with
            path = tree.paths[target]
            whole = V <= FULL_TREE_MAX_V
            nodes = tree_lessons.tree_layout(tree.children, expand=None if whole else set(path))
            st.vega_lite_chart(*objective_charts.huffman_tree(nodes, labels, path_nodes=path, target=target),
                               key="hs_build_tree", width="stretch")
            st.caption(t("hs.build_done", word=vocab[target]))
        else:
            joined = [n for n in ms.joined if n < 0]
            inner = [n for n in ms.joined if n >= 0] + ([ms.new_node] if ms.new_node is not None else [])
            if V <= FOREST_MAX_V:
                nodes = tree_lessons.forest_layout(tree.children, ms.queue)
            else:                                                    # the new subtree, opened near its top
                root = ms.new_node if ms.new_node is not None else int(ms.queue[0])
                nodes = tree_lessons.tree_layout(tree.children, tree_lessons.near_nodes(tree.children, root, 4),
                                                 root=root)
            node_text = {n: f"{c:,}" for n, c in enumerate(tree.node_counts)}
            st.vega_lite_chart(*objective_charts.huffman_tree(
                nodes, labels, path_nodes=inner, hot_words=[-1 - n for n in joined], node_text=node_text,
                all_text=True, path_name=t("hs.build_new"), target_name=t("hs.build_joined_word")),
                key="hs_build_forest", width="stretch")
            st.caption(t("hs.build_forest_caption") if V <= FOREST_MAX_V else t("hs.build_subtree_caption"))
    with right:
        shown = ms.queue if len(ms.queue) <= 2 * QUEUE_ROWS or V <= FOREST_MAX_V else ms.queue[:QUEUE_ROWS]
        mark = {ms.new_node: t("hs.build_is_new")} if ms.new_node is not None else {}
        for i, n in enumerate(ms.queue[:2]):
            if len(ms.queue) > 1:
                mark[int(n)] = mark.get(int(n), "") + ("; " if int(n) in mark else "") + t("hs.build_is_next")
        queue = pd.DataFrame({t("hs.build_col_pos"): np.arange(1, len(shown) + 1),
                              t("hs.build_col_node"): [_name(vocab, tree, counts, int(n)) for n in shown],
                              t("hs.col_count"): ms.queue_counts[:len(shown)],
                              t("hs.build_col_note"): [mark.get(int(n), "") for n in shown]})
        st.markdown(t("hs.build_queue", n=f"{len(ms.queue):,}"))
        st.dataframe(queue, hide_index=True, key="hs_build_queue", height=min(420, 36 + 35 * len(shown)))
        if len(shown) < len(ms.queue):
            st.caption(t("hs.build_queue_more", n=f"{len(ms.queue) - len(shown):,}"))
