"""The transparent trainer: one SGD update on one training example, returned as a StepTrace.

What it does: for example e of a chunk, apply the model's update rule (update.py: build h from the
input rows, score the output rows with the objective, a pure function, then write
    W_out[out_rows] -= lr * grad_out
    W_in[id]        -= lr * grad_hidden (/ len(inputs) for the exact CBOW mean), for every id in inputs)
and record everything about it in a StepTrace. Everything in the trace is computed from the
weights *before* the update. If the loss or a gradient is NaN or inf, nothing is written and
TrainingDiverged is raised: the weights stay the last good ones.
A full-softmax trace over a large vocabulary is kept small (StepTrace.compact, called by Word2Vec.step):
its (V, d) gradient is the rank-one outer(p - y, h), kept as those two vectors (RankOneRows), and W_out
before/after are kept for the rows a page shows (KeptRows: the target and the largest |p - y|), so a
session that presses Next 100 on a 28,000-word vocabulary holds kilobytes per trace, not 130 MB.
What it does not do: decide which example comes next (examples.py), decide how the update is made
(update.py), or train fast (the fast/ package).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .update import TrainingDiverged, UpdateRule  # noqa: F401  (TrainingDiverged: re-exported)


TRACE_FULL_MAX = 250_000    # a trace keeps every scored row while k * d is at most this (2 MB as float64)
TRACE_ROWS_KEPT = 32        # else W_out before/after only for this many rows (StepTrace.shown_rows)


def _ro(a) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


class RankOneRows:
    """A read-only (k, d) matrix outer(g, h) kept as its two factors; rows are computed when indexed.

    The full-softmax gradient d loss / d W_out = outer(p - y, h) is exactly this, bit for bit.

    >>> m = RankOneRows(np.array([1.0, -2.0]), np.array([0.5, 3.0]))
    >>> m.shape, m[1].tolist(), m[[0, 1]].shape, np.asarray(m).tolist()
    ((2, 2), [-1.0, -6.0], (2, 2), [[0.5, 3.0], [-1.0, -6.0]])
    """

    ndim = 2
    dtype = np.dtype(np.float64)

    def __init__(self, g, h):
        self.g = _ro(np.asarray(g, dtype=np.float64))                # (k,)
        self.h = _ro(np.asarray(h, dtype=np.float64))                # (d,)
        self.shape = (len(self.g), len(self.h))

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, idx) -> np.ndarray:
        g = self.g[idx]
        return g * self.h if np.ndim(g) == 0 else np.outer(g, self.h)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        full = np.outer(self.g, self.h)                                # (k, d)
        return full if dtype is None else full.astype(dtype)

    @property
    def nbytes(self) -> int:
        return self.g.nbytes + self.h.nbytes


class KeptRows:
    """A read-only (k, d) matrix of which only some rows were kept (the ones a page shows).

    Indexing a kept row (or an array of kept rows) returns it; any other row raises IndexError naming
    the kept ones, rather than a silently wrong value.

    >>> r = KeptRows(np.arange(8.0).reshape(4, 2), [2, 0])
    >>> r[2].tolist(), r[[0, 2]].tolist(), r.shape
    ([4.0, 5.0], [[0.0, 1.0], [4.0, 5.0]], (4, 2))
    """

    ndim = 2

    def __init__(self, full: np.ndarray, keep):
        self.kept = np.array(sorted(int(i) for i in keep), dtype=np.int64)   # (m,) positions kept
        self.values = _ro(np.asarray(full)[self.kept])                       # (m, d)
        self.shape = tuple(np.shape(full))
        self.dtype = self.values.dtype
        self._where = {int(i): n for n, i in enumerate(self.kept)}

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, idx) -> np.ndarray:
        wanted = np.atleast_1d(np.arange(self.shape[0])[idx])
        missing = [int(i) for i in wanted if int(i) not in self._where]
        if missing:
            raise IndexError(f"rows {missing[:5]} of this trace's {self.shape} matrix were not kept: a large "
                             f"full-softmax trace keeps rows {self.kept.tolist()} (StepTrace.shown_rows)")
        out = self.values[[self._where[int(i)] for i in wanted]]
        return out[0] if np.ndim(idx) == 0 and not isinstance(idx, slice) else out

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"only rows {self.kept.tolist()} of this {self.shape} matrix were kept; index them")

    @property
    def nbytes(self) -> int:
        return self.values.nbytes + self.kept.nbytes


@dataclass(frozen=True)
class StepTrace:
    """Everything about one update. Arrays are read-only copies; all from the weights before the update."""
    step: int                  # global update number (1 for the first update)
    epoch: int                 # epoch the example belongs to (0-based)
    lr: float                  # learning rate of this update
    center: int                # id of the center word
    context: tuple             # ids in the (reduced) window around the center
    inputs: np.ndarray         # (n_in,) ids whose W_in rows make h: [center] (skip-gram) or the context (CBOW)
    target: int                # id being predicted
    hidden: np.ndarray         # (d,) h = W_in[inputs].sum(0), or .mean(0) for the CBOW mean
    out_rows: np.ndarray       # (k,) W_out rows scored: all V, the Huffman path, or target + negatives
    labels: np.ndarray         # (k,) one-hot (softmax) or 0/1 decisions (HS, NS)
    scores: np.ndarray         # (k,) W_out[out_rows] @ hidden
    probs: np.ndarray          # (k,) softmax(scores) or sigmoid(scores)
    loss: float                # cross-entropy of this example
    grad_hidden: np.ndarray    # (d,) d loss / d h
    grad_out: np.ndarray       # (k, d) d loss / d W_out[out_rows]
    negatives: tuple           # NS: the noise words, else ()
    path: tuple                # HS: internal node ids root first, else ()
    code: tuple                # HS: the code bits root first, else ()
    objective: str = ""        # "softmax", "hierarchical_softmax" or "negative_sampling"
    architecture: str = ""     # "skipgram" or "cbow"
    in_before: np.ndarray = None   # (n_in, d) W_in[inputs] before the update
    in_after: np.ndarray = None    # (n_in, d) W_in[inputs] after the update
    out_before: np.ndarray = None  # (k, d) W_out[out_rows] before the update
    out_after: np.ndarray = None   # (k, d) W_out[out_rows] after the update
    cbow_mean: bool = True         # CBOW: h was the mean (True) or the sum (False) of the inputs
    divide_inputs: bool = True     # CBOW mean: the input rows' update was divided by n_in (exact gradient)
    rule: str = ""                 # the update rule that ran, in one sentence (UpdateRule.describe)
    loss_after: float = float("nan")   # the same example's loss, re-scored with the weights after the update
    probs_after: np.ndarray = None     # (k,) its probabilities after the update

    @property
    def target_prob(self) -> float:
        """p(target | context) before the update: softmax's p[target], or the product of the binary
        decisions that lead to it (HS path), or sigma(u_target . h) (negative sampling)."""
        return _target_prob(self.objective, self.labels, self.probs, self.target, self.out_rows)

    @property
    def target_prob_after(self) -> float:
        """The same probability after the update (re-scored on the same example)."""
        return _target_prob(self.objective, self.labels, self.probs_after, self.target, self.out_rows)

    @property
    def grad_inputs(self) -> np.ndarray:
        """(d,) what each input row's update is made of (W_in[id] -= lr * grad_inputs): grad_hidden,
        divided by n_in for the CBOW mean with the exact update (then it is d loss / d W_in[id])."""
        return self.grad_hidden / self.input_scale

    @property
    def input_scale(self) -> int:
        return len(self.inputs) if (self.architecture == "cbow" and self.cbow_mean and self.divide_inputs) else 1

    def shown_rows(self, max_rows: int = 12) -> np.ndarray:
        """Positions in out_rows worth drawing: all of them for HS / NS (or a small softmax), else the
        target's and the max_rows - 1 others with the largest |p - y| (the rows the update moves most),
        in order. A prefix of a longer list: shown_rows(8) is inside shown_rows(32).

        >>> t = StepTrace(1, 0, 0.1, 0, (), np.array([0]), 2, np.zeros(1), np.arange(4), np.array([0, 0, 1, 0.]),
        ...               np.zeros(4), np.array([.1, .5, .3, .1]), 1.2, np.zeros(1), np.zeros((4, 1)), (), (), (),
        ...               objective="softmax")
        >>> t.shown_rows(2).tolist()
        [1, 2]
        """
        k = len(self.out_rows)
        if self.objective != "softmax" or k <= max_rows:
            return np.arange(k)
        e = np.abs(np.asarray(self.probs) - np.asarray(self.labels))                    # (k,)
        order = np.argsort(-e, kind="stable")
        top = order[order != self.target][: max_rows - 1]
        return np.sort(np.concatenate([[self.target], top])).astype(np.int64)

    @property
    def kept_rows(self) -> np.ndarray:
        """Positions whose out_before / out_after this trace holds (all, unless compacted)."""
        kept = getattr(self.out_before, "kept", None)
        return np.arange(len(self.out_rows)) if kept is None else kept

    def compact(self, max_elements: int = TRACE_FULL_MAX, rows_kept: int = TRACE_ROWS_KEPT) -> "StepTrace":
        """This trace, small: for a full softmax with more than max_elements scored entries (k * d), the
        gradient as its two factors and W_out before/after for shown_rows(rows_kept) only; else itself."""
        if self.objective != "softmax" or self.out_before is None or np.size(self.out_before) <= max_elements:
            return self
        keep = self.shown_rows(rows_kept)
        return replace(self, grad_out=RankOneRows(np.asarray(self.probs) - np.asarray(self.labels), self.hidden),
                       out_before=KeptRows(self.out_before, keep), out_after=KeptRows(self.out_after, keep))


def _target_prob(objective, labels, probs, target, rows) -> float:
    if probs is None:
        return float("nan")
    if objective == "softmax":
        return float(probs[int(np.nonzero(rows == target)[0][0])])
    if objective == "hierarchical_softmax":
        return float(np.prod(np.where(labels > 0.5, probs, 1.0 - probs)))
    return float(probs[0])                                           # negative sampling: the target's row comes first


def apply_example(W_in: np.ndarray, W_out: np.ndarray, chunk, e: int, *, step: int, rule: UpdateRule,
                  tree=None) -> StepTrace:
    """One SGD update on example e of chunk (rule.apply, in place); returns its StepTrace."""
    inputs = chunk.inputs(e)                                         # (n_in,)
    target = int(chunk.targets[e])
    negatives = chunk.negatives[e]                                   # (k,) or (0,)
    u = rule.apply(W_in, W_out, inputs, target, negatives, float(chunk.lr[e]), tree, step=step)
    _, _, _, loss_after, _, probs_after, _, _ = rule.forward(W_in, W_out, inputs, target, negatives, tree)
    hs = rule.objective.needs_tree
    return StepTrace(
        step=step, epoch=chunk.epoch, lr=float(chunk.lr[e]), center=int(chunk.tokens[chunk.center_pos[e]]),
        context=tuple(int(x) for x in chunk.context(e)), inputs=_ro(inputs), target=target,
        hidden=_ro(u.hidden), out_rows=_ro(u.rows), labels=_ro(u.labels), scores=_ro(u.scores),
        probs=_ro(u.probs), loss=u.loss, grad_hidden=_ro(u.grad_hidden), grad_out=_ro(u.grad_rows),
        negatives=tuple(int(x) for x in negatives), path=tuple(int(x) for x in u.rows) if hs else (),
        code=tuple(int(x) for x in tree.codes[target]) if hs else (),
        objective=rule.objective.name, architecture=rule.architecture,
        in_before=_ro(u.in_before), in_after=_ro(W_in[inputs]),
        out_before=_ro(u.out_before), out_after=_ro(W_out[u.rows]), cbow_mean=rule.hidden_is_mean,
        divide_inputs=rule.divide_inputs, rule=rule.describe(), loss_after=float(loss_after),
        probs_after=_ro(probs_after))


@dataclass(frozen=True)
class BatchTrace:
    """One batched update (ns_batching="shared_negatives"): the m examples of one center, sharing k negatives,
    as one update. Arrays are read-only copies, all from the weights before the update (update.BatchUpdate).

    The scores are one small matrix product: S[:, 1:] = X @ N.T (m x d times d x k), and the updates two more:
    grad_X = G[:, :1] * T + G[:, 1:] @ N and grad_N = G[:, 1:].T @ X (Ji et al. 2016's HogBatch / pWord2Vec)."""
    step: int                  # update number of the batch's first example (the batch counts m updates)
    epoch: int
    lr: float
    center: int                # id of the center word
    context: tuple             # ids in its (reduced) window
    inputs: np.ndarray         # (m,) W_in row of each example (skip-gram roles: the center m times, or each context word)
    targets: np.ndarray        # (m,) each example's target
    negatives: tuple           # (k,) the shared noise words
    X: np.ndarray              # (m, d) W_in[inputs] before
    T: np.ndarray              # (m, d) W_out[targets] before
    N: np.ndarray              # (k, d) W_out[negatives] before
    scores: np.ndarray         # (m, 1+k)
    probs: np.ndarray          # (m, 1+k)
    labels: np.ndarray         # (m, 1+k)
    losses: np.ndarray         # (m,)
    loss: float                # sum over the m examples
    G: np.ndarray              # (m, 1+k) probs - labels
    grad_X: np.ndarray         # (m, d)
    grad_N: np.ndarray         # (k, d)
    out_rows: np.ndarray       # (m + k,) targets then negatives: the W_out rows written
    out_before: np.ndarray     # (m + k, d) those rows before
    in_before: np.ndarray      # (m, d) = X
    objective: str = "negative_sampling"
    architecture: str = "skipgram"
    rule: str = ""

    def compact(self) -> "BatchTrace":
        return self


def apply_batch(W_in: np.ndarray, W_out: np.ndarray, chunk, e: int, end: int, *, step: int,
                rule: UpdateRule) -> BatchTrace:
    """The examples e..end-1 of chunk (one center's) as one batched update (rule.apply_batch, in place)."""
    lr = float(chunk.lr[e])
    inputs = chunk.input_ids[chunk.input_ptr[e]:chunk.input_ptr[end]]               # (m,) one input per example
    targets = chunk.targets[e:end]                                                   # (m,)
    negatives = chunk.negatives[e]                                                   # (k,) the first example's
    u = rule.apply_batch(W_in, W_out, inputs, targets, negatives, lr, step=step)
    out_rows = np.concatenate([u.targets, u.negatives])                              # (m + k,)
    return BatchTrace(
        step=step, epoch=chunk.epoch, lr=lr, center=int(chunk.tokens[chunk.center_pos[e]]),
        context=tuple(int(x) for x in chunk.context(e)), inputs=_ro(u.inputs), targets=_ro(u.targets),
        negatives=tuple(int(x) for x in negatives), X=_ro(u.X), T=_ro(u.T), N=_ro(u.N), scores=_ro(u.scores),
        probs=_ro(u.probs), labels=_ro(u.labels), losses=_ro(u.losses), loss=u.loss, G=_ro(u.G),
        grad_X=_ro(u.grad_X), grad_N=_ro(u.grad_N), out_rows=_ro(out_rows),
        out_before=_ro(np.concatenate([u.T, u.N])), in_before=_ro(u.X), rule=rule.describe())
