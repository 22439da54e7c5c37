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

    def out_rows(self, vocab_size: int) -> int:
        """How many rows W_out has: V - 1 internal nodes for the tree, else V."""
        return max(1, vocab_size - 1) if self.needs_tree else vocab_size


OBJECTIVE_TABLE = {
    o.name: o for o in (
        Objective("softmax", "full softmax", "softmax", 0, softmax_loss, _softmax_rows,
                  needs_tree=False, draws_negatives=False, rows_scored="all V"),
        Objective("hierarchical_softmax", "hierarchical softmax", "HS", 1, binary_logistic_loss, _path_rows,
                  needs_tree=True, draws_negatives=False, rows_scored="the target's Huffman path (~log2 V)"),
        Objective("negative_sampling", "negative sampling", "NS", 2, binary_logistic_loss, _sampled_rows,
                  needs_tree=False, draws_negatives=True, rows_scored="the target + k negatives"),
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
