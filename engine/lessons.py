"""Small pure helpers that compute what the teaching pages show (and nothing the trainers use).

What it does: the numbers a page needs that are not already a field of the model or of a StepTrace:
how many examples an epoch holds (closed form), one subsampling draw over one sentence, cosine
matrices, the rows of one hierarchical-softmax path, the terms of the negative-sampling objective, how much noise mass rare words get, a layout for drawing the Huffman tree, and "undo
and show me the step before". Every function is pure NumPy (the last one calls the model's own
undo/step), so the pages hold no maths and the tests can check these against the formulas.
What it does not do: train, or change any weight (except undo_and_retrace, which only uses the
model's public undo() and step()), or draw anything.

Randomness: the windows and examples a page shows are the training stream's own (lessons_windows.py);
the one function here that draws (subsample_mask, a "try one draw" illustration) takes a `seed`.

    >>> example_counts([3], window=2, shrink=False)["skipgram_full"]
    6
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np


# ---------------------------------------------------------------------------------------------- windows
# The windows and examples of a sentence are the training stream's own (engine/lessons_windows.py reads
# them from model.stream); here only the closed-form counts the Windows page sets beside them.
def example_counts(lengths: Sequence[int], window: int, shrink: bool = True,
                   num_skips: Optional[int] = None) -> Dict[str, float]:
    """How many training examples one epoch holds, for sentences of the given lengths (no subsampling).

    Closed form, no random draw: skipgram_full (pairs with the full window), skipgram_expected (the
    mean over all draws of the reduced radius, each radius 1..window equally likely, as the stream draws
    it when `shrink`) and cbow (centers with at least one context word: every center of a sentence of
    two or more words, whatever radius is drawn).

    >>> example_counts([3], window=1, shrink=False)
    {'skipgram_full': 4, 'skipgram_expected': 4.0, 'cbow': 3}
    """
    full = cbow = 0
    expected = 0.0
    for L in lengths:
        L = int(L)
        if L < 2:
            continue
        pos = np.arange(L)                                                         # (L,)
        left, right = pos, L - 1 - pos                                             # (L,), (L,)
        cbow += L
        nf = np.minimum(left, window) + np.minimum(right, window)                  # (L,) context words
        full += int(np.minimum(nf, num_skips).sum() if num_skips is not None else nf.sum())
        radii = np.arange(1, window + 1) if shrink else np.array([window])        # (R,)
        ne = np.minimum(left[:, None], radii) + np.minimum(right[:, None], radii)  # (L, R)
        if num_skips is not None:
            ne = np.minimum(ne, num_skips)
        expected += float(ne.mean(axis=1).sum())
    return {"skipgram_full": full, "skipgram_expected": expected, "cbow": cbow}


# ---------------------------------------------------------------------------------------------- vocabulary
def subsample_mask(ids: Sequence[int], keep_prob: np.ndarray, seed: int = 0) -> np.ndarray:
    """Which tokens of one sentence one subsampling draw keeps: u < p_keep(w), u uniform, per token.

    >>> subsample_mask([0, 1], np.array([1.0, 0.0])).tolist()
    [True, False]
    """
    ids = np.asarray(ids, dtype=np.int64)                                          # (n,)
    u = np.random.default_rng(seed).random(len(ids))                               # (n,)
    return u < np.asarray(keep_prob)[ids]                                          # (n,)


def below_min_count(index_to_key: Sequence[str], counts: np.ndarray, min_count: int):
    """The words a min_count removes, from a vocabulary built with min_count=1.

    Returns (words, their total number of tokens).
    >>> below_min_count(["a", "b", "c"], np.array([5, 2, 1]), 2)
    (['c'], 1)
    """
    counts = np.asarray(counts)
    drop = np.nonzero(counts < min_count)[0]
    return [index_to_key[i] for i in drop], int(counts[drop].sum())


def expected_kept_fraction(counts: np.ndarray, keep_prob: np.ndarray) -> float:
    """Expected share of the tokens that subsampling keeps: sum(count * p_keep) / sum(count).

    >>> expected_kept_fraction(np.array([3, 1]), np.array([0.5, 1.0]))
    0.625
    """
    counts = np.asarray(counts, dtype=np.float64)
    return float((counts * np.asarray(keep_prob)).sum() / counts.sum())


def noise_mass(counts: np.ndarray, exponents: Sequence[float], rare_share: float = 0.5) -> Dict[float, float]:
    """Share of the noise distribution P_n(w) ∝ count(w)**a held by the rarest `rare_share` of the words.

    The ids are sorted by descending count, so the rare words are the last ones. With a = 1 the share
    is their share of the tokens; smaller a moves mass towards them; a = 0 gives them exactly their
    share of the types.
    >>> noise_mass(np.array([3, 1]), [1.0, 0.0])
    {1.0: 0.25, 0.0: 0.5}
    """
    counts = np.asarray(counts, dtype=np.float64)                                  # (V,)
    V = len(counts)
    n_rare = max(1, int(round(V * rare_share)))
    out = {}
    for a in exponents:
        p = counts ** a                                                            # (V,)
        out[a] = float(p[V - n_rare:].sum() / p.sum())
    return out


def mean_code_length(lengths: np.ndarray, counts: np.ndarray) -> float:
    """Average Huffman code length over the tokens of the corpus (frequency-weighted).

    This is the mean number of dot products one hierarchical-softmax update costs.
    >>> mean_code_length(np.array([1, 2, 2]), np.array([2, 1, 1]))
    1.5
    """
    counts = np.asarray(counts, dtype=np.float64)
    return float((np.asarray(lengths) * counts).sum() / counts.sum())


# ---------------------------------------------------------------------------------------------- vectors
def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of every pair of rows; a zero row has similarity 0 with everything.

    >>> cosine_matrix(np.eye(2)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    v = np.asarray(vectors, dtype=np.float64)                                      # (n, d)
    norms = np.linalg.norm(v, axis=1, keepdims=True)                               # (n, 1)
    u = np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)                 # (n, d)
    return u @ u.T                                                                 # (n, n)


def one_hot(ids: Sequence[int], vocab_size: int) -> np.ndarray:
    """One-hot rows: one_hot([1], 3) -> [[0., 1., 0.]]"""
    x = np.zeros((len(ids), vocab_size))                                           # (n, V)
    x[np.arange(len(ids)), np.asarray(ids, dtype=np.int64)] = 1.0
    return x


def row_changes(trace, out_positions=None) -> Dict[str, np.ndarray]:
    """What an update did to each row it touched, from a StepTrace: after - before, in float64.

    Keys: in_delta (n_in, d) for the W_in rows of trace.inputs, out_delta for trace.out_rows: (k, d), or
    (m, d) for the positions out_positions only (e.g. trace.shown_rows(), all a large softmax trace keeps).
    For a row that appears once these equal -lr * gradient (the trace's gradients).
    """
    pos = np.arange(len(trace.out_rows)) if out_positions is None else np.asarray(out_positions, dtype=np.int64)
    return {
        "in_delta": np.asarray(trace.in_after, np.float64) - np.asarray(trace.in_before, np.float64),
        "out_delta": np.asarray(trace.out_after[pos], np.float64) - np.asarray(trace.out_before[pos], np.float64),
    }


def weights_before_step(weights: np.ndarray, rows, rows_before) -> np.ndarray:
    """A copy of weights with the rows a step changed put back (from trace.out_rows / trace.out_before).

    With it a page can recompute any quantity "as the step saw it", before its update.
    >>> weights_before_step(np.ones((2, 1)), [1], np.zeros((1, 1))).ravel().tolist()
    [1.0, 0.0]
    """
    out = np.array(weights, copy=True)                                                 # (n, d)
    out[np.asarray(rows, dtype=np.int64)] = rows_before
    return out


# ---------------------------------------------------------------------------------------------- objectives
def log_sigmoid(x) -> np.ndarray:
    """log sigma(x), computed without overflow: log_sigmoid(0.0) -> log(0.5)"""
    return -np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))


def hs_path_rows(codes: Sequence[int], path: Sequence[int], W_nodes: np.ndarray, hidden: np.ndarray):
    """The decisions along one word's Huffman path for hidden vector h.

    Returns a list of dicts, root first: node, bit (the branch taken), score = theta_n . h,
    sigma = sigma(score), branch_prob = sigma if bit == 0 else 1 - sigma (the probability of the
    branch taken), and product (the running product: after the last node, p(word | h)).

    >>> rows = hs_path_rows([0, 1], [0, 1], np.zeros((2, 3)), np.ones(3))
    >>> [r["branch_prob"] for r in rows], rows[-1]["product"]
    ([0.5, 0.5], 0.25)
    """
    h = np.asarray(hidden, dtype=np.float64)                                       # (d,)
    rows, product = [], 1.0
    for node, bit in zip(path, codes):
        score = float(np.asarray(W_nodes[node], dtype=np.float64) @ h)
        sig = float(1.0 / (1.0 + np.exp(-score)))
        branch = sig if bit == 0 else 1.0 - sig
        product *= branch
        rows.append({"node": int(node), "bit": int(bit), "score": score, "sigma": sig,
                     "branch_prob": branch, "product": product})
    return rows


def ns_terms(scores: Sequence[float]) -> Dict[str, object]:
    """The terms of the negative-sampling objective from the scores [u_target . h, u_neg1 . h, ...].

    target_term = log sigma(u_c . h), negative_terms[i] = log sigma(-u_i . h), and
    loss = -(target_term + sum(negative_terms)).
    >>> t = ns_terms([0.0, 0.0])
    >>> round(t["loss"], 4)
    1.3863
    """
    s = np.asarray(scores, dtype=np.float64)                                       # (k+1,)
    target_term = float(log_sigmoid(s[0]))
    negative_terms = log_sigmoid(-s[1:])                                           # (k,)
    return {"target_term": target_term, "negative_terms": negative_terms,
            "loss": -(target_term + float(negative_terms.sum()))}


# ---------------------------------------------------------------------------------------------- Huffman drawing
@dataclass(frozen=True)
class TreeNode:
    """A node of a drawn Huffman tree."""
    key: str          # "n5" for internal node 5, "w3" for word 3, "c7" for the collapsed subtree of node 7
    x: float          # depth (root 0)
    y: float          # vertical position (leaves 0, 1, 2, ... top to bottom)
    parent: Optional[str]
    bit: Optional[int]  # the branch bit from the parent
    n_words: int      # words below (1 for a word)


def subtree_sizes(children: np.ndarray) -> np.ndarray:
    """Number of words under each internal node (children as in HuffmanTree: leaf w is -1-w).

    >>> subtree_sizes(np.array([[-1, 1], [-2, -3]])).tolist()
    [3, 2]
    """
    n = len(children)
    sizes = np.zeros(n, dtype=np.int64)                                            # (V-1,)
    # children always have larger ids than their parent (root is 0), so go bottom-up
    for node in range(n - 1, -1, -1):
        sizes[node] = sum(1 if c < 0 else sizes[c] for c in children[node])
    return sizes


def tree_layout(children: np.ndarray, expand: Optional[set] = None) -> List[TreeNode]:
    """Positions for drawing the tree, root on the left, leaves stacked top to bottom.

    expand: the internal nodes to open (None = all). A closed node that is not the root is drawn as
    one collapsed leaf "c<node>" standing for all the words below it; so passing the target's path
    draws that path with each side branch folded, which stays readable for any V.

    >>> [n.key for n in tree_layout(np.array([[-1, -2]]))]
    ['n0', 'w0', 'w1']
    """
    children = np.asarray(children)
    if len(children) == 0:
        return [TreeNode("w0", 0.0, 0.0, None, None, 1)]
    sizes = subtree_sizes(children)
    nodes: List[TreeNode] = []
    next_leaf = [0.0]

    def visit(node: int, depth: int, parent: Optional[str], bit: Optional[int]) -> float:
        if node < 0:                                   # a word
            y = next_leaf[0]
            next_leaf[0] += 1
            nodes.append(TreeNode(f"w{-1 - node}", float(depth), y, parent, bit, 1))
            return y
        if expand is not None and node not in expand and parent is not None:
            y = next_leaf[0]
            next_leaf[0] += 1
            nodes.append(TreeNode(f"c{node}", float(depth), y, parent, bit, int(sizes[node])))
            return y
        idx = len(nodes)
        nodes.append(None)                             # placeholder, filled once the children are placed
        ys = [visit(int(children[node, b]), depth + 1, f"n{node}", b) for b in (0, 1)]
        y = sum(ys) / 2.0
        nodes[idx] = TreeNode(f"n{node}", float(depth), y, parent, bit, int(sizes[node]))
        return y

    import sys
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * len(children) + 100))
    try:
        visit(0, 0, None, None)
    finally:
        sys.setrecursionlimit(limit)
    return nodes


# ---------------------------------------------------------------------------------------------- stepping
def undo_and_retrace(model):
    """Undo the last step() and return the trace of the step before it (None if it cannot be undone).

    The model keeps only the rows each update touched, not whole traces. To show the step that is
    now the latest one, this undoes it too and runs it again: the same example on the same weights,
    so the weights end bit-identical to a plain undo() and the trace equals the one first returned.
    """
    model.undo()
    if not model.can_undo:
        return None
    model.undo()
    return model.step()
