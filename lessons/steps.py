"""What the Step page reads from an update beside its trace: the rows it changed, the weights before it,
an undo that re-traces the previous step, the running mean of the loss, a pair's probability through the
model's own update rule, and the pairs the next examples of the stream will train.

What it does not do: take a step (engine.step does), keep anything per session, or draw.
"""

from __future__ import annotations

from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

RUNNING = 100                # updates in the running mean of the loss
WATCH_HORIZON = 300          # the pair watched by default: the one the next 300 examples train most often


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


# ---------------------------------------------------------------------------------------------- the running loss
def running_mean(values: Sequence[float], window: int = RUNNING) -> np.ndarray:
    """Mean of the last `window` values at each position (fewer at the start).

    >>> running_mean([4, 2, 3, 1], window=2).tolist()
    [4.0, 3.0, 2.5, 2.0]
    """
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        return x
    c = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(1, x.size + 1)
    lo = np.maximum(0, idx - window)
    return (c[idx] - c[lo]) / (idx - lo)


def loss_summary(history: Sequence[dict], window: int = RUNNING) -> Optional[dict]:
    """The running loss of the history rows: {"last": mean of the last `window` losses, "first": mean of the
    first `window`, "n": rows}; None without rows.

    >>> loss_summary([{"loss": v} for v in (4, 4, 2, 2)], window=2)
    {'last': 2.0, 'first': 4.0, 'n': 4}
    """
    if not history:
        return None
    losses = [r["loss"] for r in history]
    return {"last": float(np.mean(losses[-window:])), "first": float(np.mean(losses[:window])), "n": len(losses)}


# ---------------------------------------------------------------------------------------------- a watched pair
def pair_probability(model, source: int, target: int) -> float:
    """p(target | source) with the model's current weights, through the model's own UpdateRule.forward.

    h = W_in[source] (one input word: the centre for skip-gram, one context word for CBOW). Softmax:
    p[target]; hierarchical softmax: the product of the branch probabilities on the target's path;
    negative sampling: sigma(u_target . h) (no noise words needed: they do not change that number).
    """
    rows, labels, _, _, _, probs, _, _ = model.rule.forward(
        model.W_in, model.W_out, np.array([source], dtype=np.int32), int(target), np.zeros(0, dtype=np.int32),
        model.training_tree)
    if model.objective == "softmax":
        return float(probs[int(np.nonzero(rows == target)[0][0])])
    if model.objective == "hierarchical_softmax":
        return float(np.prod(np.where(labels > 0.5, probs, 1.0 - probs)))
    return float(probs[0])


def upcoming_pairs(model, horizon: int = WATCH_HORIZON) -> Counter:
    """How often each (input word, target) pair is trained in the model's next `horizon` examples.

    Read from the model's own example stream (its cursor: the chunks are the ones step() will use, so
    nothing about training changes). CBOW counts each context word with the centre.
    """
    counts: Counter = Counter()
    cursor = model.cursor
    pos = cursor.next_position()
    seen = 0
    while pos is not None and seen < horizon:
        chunk, e = pos
        end = min(chunk.n_examples, e + horizon - seen)
        for i in range(e, end):
            target = int(chunk.targets[i])
            for source in set(int(a) for a in chunk.inputs(i)):
                counts[(source, target)] += 1
        seen += end - e
        pos = cursor.after(chunk, end)
    return counts


def most_repeated_pair(model, horizon: int = WATCH_HORIZON) -> Optional[Tuple[Tuple[int, int], int]]:
    """((source, target), count): the pair the next `horizon` examples train most often; ties go to the
    rarer input word, then the rarer target (ids are sorted by frequency, so the larger id). None at the end."""
    counts = upcoming_pairs(model, horizon)
    if not counts:
        return None
    best = max(counts, key=lambda p: (counts[p], p[0], p[1]))
    return best, counts[best]


# ---------------------------------------------------------------------------------------------- one update in words
def branch_probabilities(trace) -> List[float]:
    """Hierarchical softmax: the probability of the branch taken at each path node of a StepTrace (sigma for
    bit 0, 1 - sigma for bit 1); their product is p(target | h).

    >>> from types import SimpleNamespace
    >>> branch_probabilities(SimpleNamespace(probs=[0.75, 0.25], code=(0, 1)))
    [0.75, 0.75]
    """
    return [float(p) if b == 0 else float(1 - p) for p, b in zip(trace.probs, trace.code)]


def rule_kind(architecture: str, hidden_is_mean: bool, divide_inputs: bool) -> str:
    """Which update rule a model applies: skipgram, cbow_sum, cbow_mean_exact or cbow_mean_word2vec.

    >>> rule_kind("cbow", hidden_is_mean=True, divide_inputs=False)
    'cbow_mean_word2vec'
    """
    if architecture == "skipgram":
        return "skipgram"
    if not hidden_is_mean:
        return "cbow_sum"
    return "cbow_mean_exact" if divide_inputs else "cbow_mean_word2vec"


def batched_update(model) -> Optional[dict]:
    """The next center's examples as one batched update (ns_batching="shared_negatives"; Ji et al. 2016),
    computed on copies of the rows it reads (the model is not changed), in word2vec.c's roles, the ones
    pWord2Vec batches: each context word's input row predicts the center, all with the k negatives of the
    center's first example. None unless the model is skip-gram with negative sampling (or nothing is left).

    Keys: center, context (m words' ids), negatives (k,), lr, X (m, d) = W_in[context], O (1 + k, d) =
    W_out[[center] + negatives], S (m, 1 + k) = X @ O.T (one matrix product), G (m, 1 + k) = sigma(S) - Y,
    losses (m,), grad_X (m, d) = G @ O, grad_O (1 + k, d) = G.T @ X.
    """
    from engine.config import Config
    from engine.update import UpdateRule

    if model.architecture != "skipgram" or model.objective != "negative_sampling" or model.vocab is None:
        return None
    position = model.cursor.next_position()
    if position is None:
        return None
    chunk, e = position
    end = chunk.batch_end(e)
    center = int(chunk.tokens[chunk.center_pos[e]])
    if model.skipgram_input == "context":
        context = chunk.input_ids[chunk.input_ptr[e]:chunk.input_ptr[end]]            # (m,)
    else:
        context = chunk.targets[e:end]                                                 # (m,)
    negatives = np.asarray(chunk.negatives[e], dtype=np.int64)                         # (k,)
    m, k = len(context), len(negatives)
    W_in = np.asarray(model.W_in[context], dtype=np.float64)                          # (m, d) local copies:
    W_out = np.asarray(model.W_out[np.concatenate([[center], negatives])], dtype=np.float64)  # (1 + k, d)
    rule = UpdateRule.from_config(Config(ns_batching="shared_negatives", skipgram_input="context"))
    u = rule.apply_batch(W_in, W_out, np.arange(m), np.zeros(m, dtype=np.int64), 1 + np.arange(k),
                         float(chunk.lr[e]))
    O = np.vstack([u.T[:1], u.N])                                                      # (1 + k, d)
    return {"center": center, "context": [int(x) for x in context], "negatives": [int(x) for x in negatives],
            "lr": float(chunk.lr[e]), "X": u.X, "O": O, "S": u.scores, "G": u.G, "losses": u.losses,
            "grad_X": u.grad_X, "grad_O": u.G.T @ u.X}
