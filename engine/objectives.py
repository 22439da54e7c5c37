"""The three output layers as pure functions: (hidden, rows, labels) -> (loss, grads, probs).

What it does: given the hidden vector h (d,), the output rows that are scored (k, d) and their
labels (k,), return the loss, the exact gradients (grad_hidden (d,), grad_rows (k, d)) and the
probabilities. Each forward sits beside its backward. All maths is in float64.
What it does not do: choose the rows (that is `output_rows`, below) or change any weight (only the
trainers write weights: update.py's rule, which step.py applies, and the compiled fast/kernel.py).

The three objectives
- softmax: rows = all V output vectors, labels one-hot at the target.
      p = softmax(rows @ h),  loss = -log p[target]
- hierarchical softmax: rows = the vectors theta_n of the internal nodes on the target's Huffman
  path, label_n = 1 - code bit (see huffman.py). negative sampling: rows = the target's output vector
  (label 1) and the k noise words' (label 0). Both are independent binary decisions:
      p = sigmoid(rows @ h),  loss = -sum(labels * log p + (1 - labels) * log(1 - p))
In all three cases the gradient with respect to the scores is simply (p - labels):
      grad_rows = outer(p - labels, h),   grad_hidden = rows.T @ (p - labels).
word2vec.c's sigmoid (the setting sigmoid="word2vec"; "exact" is the default): HS and NS read sigma
from word2vec.c's table, SIGMOID_TABLE, with its rules beyond +-MAX_EXP (`table_logistic_loss`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Tuple

import numpy as np


def softmax(scores: np.ndarray) -> np.ndarray:
    """Numerically stable softmax.

    >>> softmax(np.array([0., 0.]))
    array([0.5, 0.5])
    """
    z = scores - scores.max()                                  # (k,)
    e = np.exp(z)                                              # (k,)
    return e / e.sum()                                         # (k,)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow.

    >>> sigmoid(np.array([0., 1000., -1000.]))
    array([0.5, 1. , 0. ])
    """
    out = np.empty_like(x, dtype=np.float64)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def softmax_loss(hidden: np.ndarray, rows: np.ndarray, labels: np.ndarray):
    """Full softmax with cross-entropy. Returns (loss, (grad_hidden (d,), grad_rows (k, d)), probs (k,))."""
    h = np.asarray(hidden, dtype=np.float64)                   # (d,)
    R = np.asarray(rows, dtype=np.float64)                     # (k, d)
    y = np.asarray(labels, dtype=np.float64)                   # (k,) one-hot
    scores = R @ h                                             # (k,)
    # forward: log p = scores - logsumexp(scores)
    m = scores.max()
    log_z = m + np.log(np.exp(scores - m).sum())
    probs = np.exp(scores - log_z)                             # (k,)
    loss = float(-(y * (scores - log_z)).sum())
    # backward: d loss / d scores = p - y
    g = probs - y                                              # (k,)
    grad_hidden = R.T @ g                                      # (d,)
    grad_rows = np.outer(g, h)                                 # (k, d)
    return loss, (grad_hidden, grad_rows), probs


def binary_logistic_loss(hidden: np.ndarray, rows: np.ndarray, labels: np.ndarray):
    """Independent sigmoid decisions (HS path nodes, or NS target + negatives).

    Returns (loss, (grad_hidden (d,), grad_rows (k, d)), probs (k,)).
    """
    h = np.asarray(hidden, dtype=np.float64)                   # (d,)
    R = np.asarray(rows, dtype=np.float64)                     # (k, d)
    y = np.asarray(labels, dtype=np.float64)                   # (k,) in {0, 1}
    scores = R @ h                                             # (k,)
    # forward: -log sigmoid(s) = logaddexp(0, -s) for label 1; -log(1 - sigmoid(s)) = logaddexp(0, s) for 0
    probs = sigmoid(scores)                                    # (k,)
    loss = float(np.logaddexp(0.0, np.where(y > 0.5, -scores, scores)).sum())
    # backward: d loss / d scores = p - y
    g = probs - y                                              # (k,)
    grad_hidden = R.T @ g                                      # (d,)
    grad_rows = np.outer(g, h)                                 # (k, d)
    return loss, (grad_hidden, grad_rows), probs


# ---------------------------------------------------------------------------- word2vec.c's sigmoid table
MAX_EXP = 6                 # word2vec.c: scores are looked up only in [-MAX_EXP, MAX_EXP]
EXP_TABLE_SIZE = 1000       # word2vec.c: entries of the table
EXP_TABLE_STEP = EXP_TABLE_SIZE // MAX_EXP // 2   # 83: word2vec.c's EXP_TABLE_SIZE / MAX_EXP / 2, C integer division


def _sigmoid_table() -> np.ndarray:
    """word2vec.c's expTable, computed as its C code does in its `real` type (float32): x = (i / 1000 * 2 - 1) * 6
    in float32, exp in double stored as float32, then e / (e + 1) in float32; returned as float64 (exactly those
    values), read-only."""
    x = (np.arange(EXP_TABLE_SIZE, dtype=np.float32) / np.float32(EXP_TABLE_SIZE) * np.float32(2) - np.float32(1)
         ) * np.float32(MAX_EXP)                                  # (1000,) -6 .. 5.988
    e = np.exp(x.astype(np.float64)).astype(np.float32)           # (1000,)
    table = (e / (e + np.float32(1))).astype(np.float64)          # (1000,) sigmoid(x), float32 values
    table.setflags(write=False)
    return table


# THE table, computed once. Its values are word2vec.c's float32 numbers: the step trainer reads them as float64,
# the compiled kernel as float32 (fast.kernel.TABLE32), so both use the same sigma. A score s in
# [-MAX_EXP, MAX_EXP] reads entry int((s + MAX_EXP) * EXP_TABLE_STEP), in 0..996: the C integer division makes
# the step 83, not 83.3, so the last three entries are never read and sigma(0) reads entry 498 (sigmoid(-0.024)).
SIGMOID_TABLE = _sigmoid_table()
TABLE_ENDS = (float(SIGMOID_TABLE[0]), float(SIGMOID_TABLE[2 * MAX_EXP * EXP_TABLE_STEP]))  # ~0.00247, ~0.99741


def table_logistic_loss(hidden: np.ndarray, rows: np.ndarray, labels: np.ndarray, beyond: str = "clamp"):
    """binary_logistic_loss with word2vec.c's sigma. Returns (loss, (grad_hidden, grad_rows), probs).

    probs: SIGMOID_TABLE[int((s + MAX_EXP) * EXP_TABLE_STEP)] for a score s in [-MAX_EXP, MAX_EXP]; 1 above,
    0 below. The gradient factor of each score is probs - labels, as word2vec.c's g = (label - f) * alpha,
    except with beyond="skip" (hierarchical softmax: word2vec.c `continue`s at s <= -MAX_EXP or s >= MAX_EXP):
    such a node adds nothing to either gradient. beyond="clamp" is negative sampling's rule (f > MAX_EXP:
    g = (label - 1) * alpha; f < -MAX_EXP: g = label * alpha).
    loss: word2vec.c computes none; here -sum log(the table's probability of each label), with probs clamped
    to the ends of the table that the scores can read (TABLE_ENDS), so every term is finite (at most ~6.0).

    >>> loss, (gh, gr), p = table_logistic_loss(np.array([1.0]), np.array([[0.0], [7.0], [-7.0]]),
    ...                                         np.array([1.0, 0.0, 1.0]), beyond="skip")
    >>> np.round(p, 4).tolist(), (gr[:, 0] != 0).tolist(), round(loss, 3)   # sigma(0) reads entry 498: 0.494
    ([0.494, 1.0, 0.0], [True, False, False], 12.662)
    """
    h = np.asarray(hidden, dtype=np.float64)                   # (d,)
    R = np.asarray(rows, dtype=np.float64)                     # (k, d)
    y = np.asarray(labels, dtype=np.float64)                   # (k,) in {0, 1}
    scores = R @ h                                             # (k,)
    inside = (scores >= -MAX_EXP) & (scores <= MAX_EXP)        # (k,) read from the table
    index = ((np.where(inside, scores, 0.0) + MAX_EXP) * EXP_TABLE_STEP).astype(np.int64)  # (k,) in 0..996
    probs = np.where(inside, SIGMOID_TABLE[index], np.where(scores > 0, 1.0, 0.0))        # (k,)
    probs = np.where(np.isnan(scores), np.nan, probs)          # NaN stays NaN: the trainers stop on it
    clamped = np.clip(probs, *TABLE_ENDS)                      # (k,)
    loss = float(-np.log(np.where(y > 0.5, clamped, 1.0 - clamped)).sum())
    g = probs - y                                              # (k,) d "loss" / d scores, word2vec.c's rule
    if beyond == "skip":
        g = np.where((scores > -MAX_EXP) & (scores < MAX_EXP), g, 0.0)
    grad_hidden = R.T @ g                                      # (d,)
    grad_rows = np.outer(g, h)                                 # (k, d)
    return loss, (grad_hidden, grad_rows), probs


# ---------------------------------------------------------------------------- the objective table
def _softmax_rows(target, vocab_size, negatives=(), tree=None):
    rows = np.arange(vocab_size, dtype=np.int32)               # (V,)
    labels = np.zeros(vocab_size)                              # (V,) one-hot at the target
    labels[target] = 1.0
    return rows, labels


def _path_rows(target, vocab_size, negatives=(), tree=None):
    rows = np.asarray(tree.paths[target], dtype=np.int32)      # (L,) internal nodes, root first
    labels = 1.0 - np.asarray(tree.codes[target], dtype=np.float64)  # (L,) label = 1 - code bit
    return rows, labels


def _sampled_rows(target, vocab_size, negatives=(), tree=None):
    rows = np.concatenate([[target], np.asarray(negatives, dtype=np.int32)]).astype(np.int32)  # (k+1,)
    labels = np.zeros(len(rows))                               # (k+1,) 1 for the target, 0 for the negatives
    labels[0] = 1.0
    return rows, labels


@dataclass(frozen=True)
class Objective:
    """Everything the engine and the app need to know about one output layer, in one place."""
    name: str              # the setting's value: "softmax", "hierarchical_softmax", "negative_sampling"
    label: str             # display name
    short: str             # short display name (charts, tables)
    code: int              # the compiled kernel's number for it
    loss: Callable         # (hidden, rows, labels) -> (loss, (grad_hidden, grad_rows), probs)
    rows: Callable         # (target, vocab_size, negatives, tree) -> (rows, labels)
    needs_tree: bool       # trains on the Huffman tree (W_out holds V-1 internal nodes)
    draws_negatives: bool  # the example stream draws `negative` noise words per example
    rows_scored: str       # how many W_out rows one update scores, in words
    beyond_table: str      # sigmoid="word2vec", a score beyond +-MAX_EXP: "skip" the row (HS) or "clamp"
                           # sigma to 0 / 1 (NS), as word2vec.c; "" = no sigmoid (softmax: refused)

    def out_rows(self, vocab_size: int) -> int:
        """How many rows W_out has: V - 1 internal nodes for the tree, else V."""
        return max(1, vocab_size - 1) if self.needs_tree else vocab_size


OBJECTIVE_TABLE = {
    o.name: o for o in (
        Objective("softmax", "full softmax", "softmax", 0, softmax_loss, _softmax_rows,
                  needs_tree=False, draws_negatives=False, rows_scored="all V", beyond_table=""),
        Objective("hierarchical_softmax", "hierarchical softmax", "HS", 1, binary_logistic_loss, _path_rows,
                  needs_tree=True, draws_negatives=False, rows_scored="the target's Huffman path (~log2 V)",
                  beyond_table="skip"),
        Objective("negative_sampling", "negative sampling", "NS", 2, binary_logistic_loss, _sampled_rows,
                  needs_tree=False, draws_negatives=True, rows_scored="the target + k negatives",
                  beyond_table="clamp"),
    )
}


@dataclass(frozen=True)
class Architecture:
    """One architecture: which words make h and which word is predicted."""
    name: str        # the setting's value: "skipgram" or "cbow"
    label: str       # display name
    predicts: str    # in words


ARCHITECTURE_TABLE = {
    a.name: a for a in (
        Architecture("skipgram", "skip-gram", "each context word from the center word"),
        Architecture("cbow", "CBOW", "the center word from its context words"),
    )
}


def objective(name: str) -> Objective:
    """The table's entry for an objective name, or ValueError naming the choices."""
    try:
        return OBJECTIVE_TABLE[name]
    except (KeyError, TypeError):
        raise ValueError(f"objective={name!r} is not allowed: objective must be one of "
                         f"{tuple(OBJECTIVE_TABLE)}") from None


def model_name(architecture: str, objective_name: str) -> str:
    """model_name("cbow", "negative_sampling") -> 'CBOW + negative sampling'"""
    return f"{ARCHITECTURE_TABLE[architecture].label} + {OBJECTIVE_TABLE[objective_name].label}"


# the loss function of each objective (kept for callers of the old name)
OBJECTIVE_FUNCTIONS = {name: o.loss for name, o in OBJECTIVE_TABLE.items()}


def output_rows(objective_name: str, target: int, vocab_size: int, negatives=(), tree=None
                ) -> Tuple[np.ndarray, np.ndarray]:
    """Which W_out rows an example scores, and their labels.

    >>> output_rows("negative_sampling", 3, 10, negatives=[7, 1])
    (array([3, 7, 1], dtype=int32), array([1., 0., 0.]))
    >>> output_rows("softmax", 1, 3)
    (array([0, 1, 2], dtype=int32), array([0., 1., 0.]))
    """
    return objective(objective_name).rows(target, vocab_size, negatives, tree)
