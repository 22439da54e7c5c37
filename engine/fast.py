"""The fast trainer: the same update as step.py over many examples, without building traces.

(Placeholder NumPy version; the compiled numba kernel replaces it.)
"""

from __future__ import annotations

import numpy as np

from .objectives import OBJECTIVE_FUNCTIONS, output_rows


def run_examples(W_in, W_out, chunk, start, end, architecture, objective, cbow_mean, tree, workers=1):
    """Apply examples start..end-1 of chunk in order. Returns (loss_sum, n_done, diverged)."""
    total = 0.0
    fn = OBJECTIVE_FUNCTIONS[objective]
    mean = architecture == "cbow" and cbow_mean
    for e in range(start, end):
        inputs = chunk.inputs(e)
        target = int(chunk.targets[e])
        rows_idx, labels = output_rows(objective, target, len(W_in), chunk.negatives[e], tree)
        in_rows = W_in[inputs]
        hidden = in_rows.mean(axis=0) if mean else in_rows.sum(axis=0)
        loss, (gh, go), _ = fn(hidden, W_out[rows_idx], labels)
        if not (np.isfinite(loss) and np.isfinite(gh).all() and np.isfinite(go).all()):
            return total, e - start, True
        lr = chunk.lr[e]
        scale = len(inputs) if mean else 1
        np.add.at(W_out, rows_idx, (-lr * go).astype(W_out.dtype))
        np.add.at(W_in, inputs, np.broadcast_to((-lr / scale * gh).astype(W_in.dtype), in_rows.shape))
        total += loss
    return total, end - start, False
