"""THE update rule: how one training example changes W_in and W_out, decided once per model.

What it does: `UpdateRule.from_config(config)` makes, once, every choice of how an update is done:
  - h is the sum or the mean of the input rows (CBOW's cbow_mean; skip-gram has one input row);
  - the input rows' update is divided by their number or not (CBOW mean: the exact gradient of the
    mean, or word2vec.c's rule, which does not divide);
  - which W_out rows are scored and with which labels (the objective's entry in OBJECTIVE_TABLE);
  - HS and NS: sigma computed exactly, or read from word2vec.c's table (sigmoid="word2vec":
    objectives.table_logistic_loss, with the objective's rule beyond +-MAX_EXP).
`rule.apply(...)` then does one SGD update in float64, in place:
      W_out[rows]  -= lr * grad_rows
      W_in[id]     -= lr * grad_hidden / input_scale,  for every id in inputs (repeats accumulate)
and returns what happened (an `Update`: h, scores, probs, loss, gradients, the rows before and after).
The transparent trainer (step.py) wraps it in a StepTrace; the NumPy reference of the fast trainer
(fast.run_examples_numpy) loops over it; the compiled kernel (fast/kernel.py) reads the same rule
through `rule.kernel_flags` and is tested against it for all six models (and the table's sigmoid).
What it does not do: choose the example (examples.py), or train many examples fast (fast/kernel.py).

    >>> import numpy as np
    >>> from engine.config import Config
    >>> rule = UpdateRule.from_config(Config(architecture="cbow", cbow_mean=True, cbow_update="exact"))
    >>> rule.hidden_is_mean, rule.input_scale(4)
    (True, 4)
    >>> rule.describe()
    'h = mean of the context vectors; each context row moves by lr * grad_h / n (the exact gradient of the mean)'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np

from .objectives import OBJECTIVE_TABLE, Objective, table_logistic_loss


class TrainingDiverged(FloatingPointError):
    """The loss or a gradient became NaN or inf; the weights are the last good ones."""


def diverged_message(step: int, lr: float, loss: float = None) -> str:
    loss_text = "" if loss is None else f"loss {loss:.4g}, "
    return (f"update {step}: the loss or the weights became NaN or inf ({loss_text}learning rate {lr:.4g}); "
            "training stopped and the weights are the last good ones. Lower alpha and try again")


@dataclass(frozen=True)
class Update:
    """What one update did (arrays are the update's own; step.py copies them into a read-only trace)."""
    rows: np.ndarray         # (k,) W_out rows scored
    labels: np.ndarray       # (k,)
    hidden: np.ndarray       # (d,) h, from the weights before the update
    scores: np.ndarray       # (k,) W_out[rows] @ h
    probs: np.ndarray        # (k,)
    loss: float
    grad_hidden: np.ndarray  # (d,) d loss / d h
    grad_rows: np.ndarray    # (k, d) d loss / d W_out[rows]
    in_before: np.ndarray    # (n_in, d) W_in[inputs] before
    out_before: np.ndarray   # (k, d) W_out[rows] before


class BatchUpdate:
    """What one batched update did (ns_batching="shared_negatives"): the m examples of one center as one update.

    Example i has input row X[i] (its W_in row) and output rows [target_i, n_1..n_k] (the k negatives shared
    by all m); its scores are row i of S = [X_i . T_i | X N^T] (m, 1+k): apart from the targets' column, one
    small matrix product. Everything is from the weights before the update."""
    inputs: np.ndarray       # (m,) W_in row of each example
    targets: np.ndarray      # (m,) W_out row of each example's target
    negatives: np.ndarray    # (k,) the shared noise words
    X: np.ndarray            # (m, d) W_in[inputs] before
    T: np.ndarray            # (m, d) W_out[targets] before
    N: np.ndarray            # (k, d) W_out[negatives] before
    scores: np.ndarray       # (m, 1+k) column 0: X_i . T_i; columns 1..k: X @ N.T
    probs: np.ndarray        # (m, 1+k) sigma(scores)
    labels: np.ndarray       # (m, 1+k) 1 in column 0, else 0
    losses: np.ndarray       # (m,) each example's loss
    loss: float              # their sum
    G: np.ndarray            # (m, 1+k) probs - labels = d loss / d scores
    grad_X: np.ndarray       # (m, d) G[:, :1] * T + G[:, 1:] @ N
    grad_T: np.ndarray       # (m, d) G[:, :1] * X
    grad_N: np.ndarray       # (k, d) G[:, 1:].T @ X


@dataclass(frozen=True)
class UpdateRule:
    architecture: str        # "skipgram" or "cbow"
    objective: Objective     # the objective's table entry
    hidden_is_mean: bool     # h = mean of the input rows (CBOW with cbow_mean), else their sum
    divide_inputs: bool      # each input row moves by grad_hidden / n_in (exact gradient of the mean)
    sigmoid: str = "exact"   # "exact", or "word2vec": sigma from word2vec.c's table (HS and NS only)
    batched: bool = False    # ns_batching="shared_negatives": a center's examples are one update (apply_batch)

    @classmethod
    def from_config(cls, config) -> "UpdateRule":
        mean = config.architecture == "cbow" and bool(config.cbow_mean)
        return cls(architecture=config.architecture, objective=OBJECTIVE_TABLE[config.objective],
                   hidden_is_mean=mean, divide_inputs=mean and config.cbow_update == "exact",
                   sigmoid=config.sigmoid, batched=getattr(config, "ns_batching", "none") == "shared_negatives")

    @property
    def uses_table(self) -> bool:
        """sigma is read from word2vec.c's table (objectives.SIGMOID_TABLE)."""
        return self.sigmoid == "word2vec"

    @property
    def loss(self) -> Callable:
        """(hidden, rows, labels) -> (loss, (grad_hidden, grad_rows), probs): the objective's, or with the table."""
        if not self.uses_table:
            return self.objective.loss
        if not self.objective.beyond_table:
            raise ValueError(f"sigmoid={self.sigmoid!r} is not allowed with objective={self.objective.name!r}")
        return partial(table_logistic_loss, beyond=self.objective.beyond_table)

    def input_scale(self, n_inputs: int) -> int:
        """What grad_hidden is divided by for each input row's update: n_in for the exact mean, else 1."""
        return max(1, int(n_inputs)) if self.divide_inputs else 1

    @property
    def kernel_flags(self):
        """(objective code, h is the mean, divide the input rows' update, read sigma from the table): what the
        compiled kernel reads (the table's rule beyond +-MAX_EXP follows from the objective code)."""
        return self.objective.code, self.hidden_is_mean, self.divide_inputs, self.uses_table

    def describe(self) -> str:
        """The rule in one sentence (the Step page and the claims experiments show it)."""
        if self.batched:
            return (f"{self._describe_inputs()}; the examples of one center are one update: they share one "
                    "set of negatives and are all scored with the weights before it (Ji et al. 2016)")
        if not self.uses_table:
            return self._describe_inputs()
        beyond = ("a node beyond it is skipped" if self.objective.beyond_table == "skip"
                  else "beyond it sigma is 1 or 0")
        return (f"{self._describe_inputs()}; sigma is read from word2vec.c's table of 1000 values over "
                f"[-6, 6) ({beyond})")

    def _describe_inputs(self) -> str:
        if self.architecture == "skipgram":
            return "h = the input word's vector; that row moves by lr * grad_h"
        if not self.hidden_is_mean:
            return "h = sum of the context vectors; each context row moves by lr * grad_h (the exact gradient of the sum)"
        if self.divide_inputs:
            return ("h = mean of the context vectors; each context row moves by lr * grad_h / n "
                    "(the exact gradient of the mean)")
        return ("h = mean of the context vectors; each context row moves by lr * grad_h, not divided by n "
                "(word2vec.c's and gensim's rule)")

    def forward(self, W_in: np.ndarray, W_out: np.ndarray, inputs: np.ndarray, target: int, negatives,
                tree=None):
        """Score one example without changing anything: (rows, labels, hidden, loss, grads, probs, in_rows, out_rows).

        The Step page calls it again after an update to show the same example's loss falling.
        """
        rows, labels = self.objective.rows(target, len(W_in), negatives, tree)        # (k,), (k,)
        in_rows = W_in[inputs]                                                       # (n_in, d) copy
        out_rows = W_out[rows]                                                       # (k, d) copy
        hidden = in_rows.mean(axis=0) if self.hidden_is_mean else in_rows.sum(axis=0)  # (d,)
        loss, grads, probs = self.loss(hidden, out_rows, labels)
        return rows, labels, hidden, loss, grads, probs, in_rows, out_rows

    def apply(self, W_in: np.ndarray, W_out: np.ndarray, inputs: np.ndarray, target: int,
              negatives, lr: float, tree=None, step: int = 0) -> Update:
        """One SGD update in place (float64 maths, written in the weights' dtype); returns the Update.

        If the loss or a gradient is NaN or inf nothing is written; if the written rows overflow
        float32 they are put back. Either way TrainingDiverged is raised: the weights stay the last good ones.
        """
        rows, labels, hidden, loss, (grad_hidden, grad_rows), probs, in_before, out_before = self.forward(
            W_in, W_out, inputs, target, negatives, tree)
        if not (np.isfinite(loss) and np.isfinite(grad_hidden).all() and np.isfinite(grad_rows).all()):
            raise TrainingDiverged(diverged_message(step, lr, loss))
        dtype = W_in.dtype
        with np.errstate(over="ignore", invalid="ignore"):                           # checked just below
            out_step = (-lr * grad_rows).astype(dtype)                                 # (k, d)
            if len(rows) == len(W_out) and self.objective.name == "softmax":            # all V rows, each once
                W_out += out_step                          # the same float32 sums as add.at, ~10x faster
            else:
                np.add.at(W_out, rows, out_step)                                     # rows may repeat (negatives)
            step_in = (-lr / self.input_scale(len(inputs)) * grad_hidden).astype(dtype)  # (d,)
            np.add.at(W_in, inputs, np.broadcast_to(step_in, in_before.shape))      # ids may repeat (CBOW)
        if not (np.isfinite(W_out[rows]).all() and np.isfinite(W_in[inputs]).all()):
            W_out[rows] = out_before                                                 # float32 overflow: put back
            W_in[inputs] = in_before
            raise TrainingDiverged(diverged_message(step, lr, loss))
        scores = out_before.astype(np.float64) @ hidden.astype(np.float64)          # (k,)
        return Update(rows=rows, labels=labels, hidden=hidden, scores=scores, probs=probs, loss=float(loss),
                      grad_hidden=grad_hidden, grad_rows=grad_rows, in_before=in_before, out_before=out_before)

    def apply_batch(self, W_in: np.ndarray, W_out: np.ndarray, inputs: np.ndarray, targets: np.ndarray,
                    negatives: np.ndarray, lr: float, step: int = 0) -> BatchUpdate:
        """The m examples of one center as one update (skip-gram, negative sampling, shared negatives), in
        float64, in place: every gradient from the weights before, then
            W_in[inputs]     -= lr * grad_X,   W_out[targets] -= lr * grad_T,   W_out[negatives] -= lr * grad_N
        (repeated rows accumulate). The same checks as apply(): TrainingDiverged and nothing written (or the
        rows put back after a float32 overflow)."""
        inputs = np.asarray(inputs, dtype=np.int64)                                  # (m,)
        targets = np.asarray(targets, dtype=np.int64)                                # (m,)
        negatives = np.asarray(negatives, dtype=np.int64)                            # (k,)
        X, T, N = W_in[inputs], W_out[targets], W_out[negatives]                     # (m, d), (m, d), (k, d) copies
        X64, T64, N64 = X.astype(np.float64), T.astype(np.float64), N.astype(np.float64)
        scores = np.concatenate([(X64 * T64).sum(axis=1)[:, None], X64 @ N64.T], axis=1)   # (m, 1+k)
        labels = np.zeros_like(scores)                                               # (m, 1+k)
        labels[:, 0] = 1.0
        with np.errstate(over="ignore", invalid="ignore"):
            losses = np.logaddexp(0.0, np.where(labels > 0.5, -scores, scores)).sum(axis=1)  # (m,)
            probs = 0.5 * (1.0 + np.tanh(0.5 * scores))                             # (m, 1+k) sigma, no overflow
            G = probs - labels                                                       # (m, 1+k)
            grad_X = G[:, :1] * T64 + G[:, 1:] @ N64                                 # (m, d)
            grad_T = G[:, :1] * X64                                                  # (m, d)
            grad_N = G[:, 1:].T @ X64                                                # (k, d)
        loss = float(losses.sum())
        if not (np.isfinite(loss) and np.isfinite(grad_X).all() and np.isfinite(grad_T).all()
                and np.isfinite(grad_N).all()):
            raise TrainingDiverged(diverged_message(step, lr, loss))
        dtype = W_in.dtype
        with np.errstate(over="ignore", invalid="ignore"):
            np.add.at(W_out, targets, (-lr * grad_T).astype(dtype))
            np.add.at(W_out, negatives, (-lr * grad_N).astype(dtype))
            np.add.at(W_in, inputs, (-lr * grad_X).astype(dtype))
        if not (np.isfinite(W_out[targets]).all() and np.isfinite(W_out[negatives]).all()
                and np.isfinite(W_in[inputs]).all()):
            W_out[targets], W_out[negatives], W_in[inputs] = T, N, X                  # float32 overflow: put back
            raise TrainingDiverged(diverged_message(step, lr, loss))
        u = BatchUpdate()
        for name, value in dict(inputs=inputs, targets=targets, negatives=negatives, X=X, T=T, N=N, scores=scores,
                                probs=probs, labels=labels, losses=losses, loss=loss, G=G, grad_X=grad_X,
                                grad_T=grad_T, grad_N=grad_N).items():
            setattr(u, name, value)
        return u
