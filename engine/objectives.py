"""The three output layers as pure functions: (hidden, rows, labels) -> (loss, grads, probs).

What it does: given the hidden vector h (d,), the output rows that are scored (k, d) and their
labels (k,), return the loss, the exact gradients (grad_hidden (d,), grad_rows (k, d)) and the
probabilities. Each forward sits beside its backward. All maths is in float64.
What it does not do: choose the rows (that is `output_rows`, below) or change any weight (only the
trainer in step.py / fast.py writes weights).

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

from typing import Tuple

import numpy as np


def softmax(scores: np.ndarray) -> np.ndarray:
    """Numerically stable softmax: softmax(np.array([0., 0.])) -> [0.5, 0.5]"""
    z = scores - scores.max()                                  # (k,)
    e = np.exp(z)                                              # (k,)
    return e / e.sum()                                         # (k,)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow: sigmoid(np.array([0.])) -> [0.5]"""
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


OBJECTIVE_FUNCTIONS = {
    "softmax": softmax_loss,
    "hierarchical_softmax": binary_logistic_loss,
    "negative_sampling": binary_logistic_loss,
}


def output_rows(objective: str, target: int, vocab_size: int, negatives=(), tree=None
                ) -> Tuple[np.ndarray, np.ndarray]:
    """Which W_out rows an example scores, and their labels.

    output_rows("negative_sampling", 3, 10, negatives=[7, 1]) -> ([3, 7, 1], [1., 0., 0.])
    output_rows("softmax", 1, 3) -> ([0, 1, 2], [0., 1., 0.])
    """
    if objective == "softmax":
        rows = np.arange(vocab_size, dtype=np.int32)           # (V,)
        labels = np.zeros(vocab_size)                          # (V,)
        labels[target] = 1.0
    elif objective == "hierarchical_softmax":
        rows = np.asarray(tree.paths[target], dtype=np.int32)  # (L,) internal nodes, root first
        labels = 1.0 - np.asarray(tree.codes[target], dtype=np.float64)  # (L,)
    elif objective == "negative_sampling":
        rows = np.concatenate([[target], np.asarray(negatives, dtype=np.int32)]).astype(np.int32)  # (k+1,)
        labels = np.zeros(len(rows))                           # (k+1,)
        labels[0] = 1.0
    else:
        raise ValueError(f"objective={objective!r} is not one of softmax, hierarchical_softmax, negative_sampling")
    return rows, labels
