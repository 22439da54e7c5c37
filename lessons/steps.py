"""What the Step page reads from an update beside its trace: the rows it changed, the weights before it,
and an undo that re-traces the previous step.

What it does not do: take a step (engine.step does) or draw.
"""

from __future__ import annotations

from typing import Dict
import numpy as np


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
