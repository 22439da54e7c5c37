"""The transparent trainer: one SGD update on one training example, returned as a StepTrace.

What it does: for example e of a chunk, build h from the input rows, score the output rows, call the
objective (a pure function), then write the update
    W_out[out_rows] -= lr * grad_out
    W_in[id]        -= lr * grad_hidden (/ len(inputs) for the CBOW mean), for every id in inputs,
accumulating with np.add.at where an id repeats. Everything in the trace is computed from the
weights *before* the update. If the loss or a gradient is NaN or inf, nothing is written and
TrainingDiverged is raised: the weights stay the last good ones.
What it does not do: decide which example comes next (examples.py) or train fast (fast.py).
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from .objectives import OBJECTIVE_FUNCTIONS, output_rows


class TrainingDiverged(FloatingPointError):
    """The loss or a gradient became NaN or inf; the weights are the last good ones."""


def _ro(a) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class StepTrace:
    """Everything about one update. Arrays are read-only copies; all from the weights before the update."""
    step: int                  # global update number (1 for the first update)
    epoch: int                 # epoch the example belongs to (0-based)
    lr: float                  # learning rate of this update
    center: int                # id of the centre word
    context: tuple             # ids in the (reduced) window around the centre
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

    @property
    def grad_inputs(self) -> np.ndarray:
        """(d,) what each input row's update is made of (W_in[id] -= lr * grad_inputs): grad_hidden,
        divided by n_in for the CBOW mean with the exact update (then it is d loss / d W_in[id])."""
        return self.grad_hidden / self.input_scale

    @property
    def input_scale(self) -> int:
        cbow_mean = self.architecture == "cbow" and self.cbow_mean
        return len(self.inputs) if (cbow_mean and self.divide_inputs) else 1


def apply_example(W_in: np.ndarray, W_out: np.ndarray, chunk, e: int, *, step: int,
                  architecture: str, objective: str, cbow_mean: bool, tree=None,
                  divide_inputs: bool = True) -> StepTrace:
    """One SGD update on example e of chunk: W_in and W_out are changed in place; returns the trace.

    divide_inputs=False applies word2vec.c's CBOW rule (each context row moves by lr * grad_hidden,
    not divided by n_in); the trace's gradients stay the exact ones.
    """
    inputs = chunk.inputs(e)                                         # (n_in,)
    target = int(chunk.targets[e])
    negatives = chunk.negatives[e]                                   # (k,) or (0,)
    lr = float(chunk.lr[e])
    mean = architecture == "cbow" and cbow_mean

    rows_idx, labels = output_rows(objective, target, len(W_in), negatives, tree)  # (k,), (k,)
    in_before = W_in[inputs]                                         # (n_in, d) copy (fancy indexing)
    out_before = W_out[rows_idx]                                     # (k, d) copy
    hidden = in_before.mean(axis=0) if mean else in_before.sum(axis=0)  # (d,)
    loss, (grad_hidden, grad_out), probs = OBJECTIVE_FUNCTIONS[objective](hidden, out_before, labels)
    scores = out_before.astype(np.float64) @ hidden.astype(np.float64)  # (k,)
    def diverged():
        return TrainingDiverged(
            f"step {step}: the loss or the weights became NaN or inf (loss {loss:.4g}, learning rate "
            f"{lr:.4g}); training stopped and the weights are the last good ones. Lower alpha and try again")

    if not (np.isfinite(loss) and np.isfinite(grad_hidden).all() and np.isfinite(grad_out).all()):
        raise diverged()

    # the update (the only place the step trainer writes weights)
    dtype = W_in.dtype
    scale = len(inputs) if (mean and divide_inputs) else 1
    np.add.at(W_out, rows_idx, (-lr * grad_out).astype(dtype))       # rows may repeat (negatives)
    np.add.at(W_in, inputs, np.broadcast_to((-lr / scale * grad_hidden).astype(dtype),
                                            in_before.shape))        # ids may repeat (CBOW)
    if not (np.isfinite(W_out[rows_idx]).all() and np.isfinite(W_in[inputs]).all()):
        W_out[rows_idx] = out_before                                 # float32 overflow: put the rows back
        W_in[inputs] = in_before
        raise diverged()

    tree_path = tuple(int(x) for x in rows_idx) if objective == "hierarchical_softmax" else ()
    tree_code = tuple(int(x) for x in tree.codes[target]) if objective == "hierarchical_softmax" else ()
    return StepTrace(
        step=step, epoch=chunk.epoch, lr=lr, center=int(chunk.tokens[chunk.center_pos[e]]),
        context=tuple(int(x) for x in chunk.context(e)), inputs=_ro(inputs), target=target,
        hidden=_ro(hidden), out_rows=_ro(rows_idx), labels=_ro(labels), scores=_ro(scores),
        probs=_ro(probs), loss=float(loss), grad_hidden=_ro(grad_hidden), grad_out=_ro(grad_out),
        negatives=tuple(int(x) for x in negatives), path=tree_path, code=tree_code,
        objective=objective, architecture=architecture,
        in_before=_ro(in_before), in_after=_ro(W_in[inputs]),
        out_before=_ro(out_before), out_after=_ro(W_out[rows_idx]), cbow_mean=cbow_mean,
        divide_inputs=divide_inputs)
