"""The kernel's row operations: score and update the W_out rows of one example, and a thread's private copy of
the busiest rows: which rows (_private_rows) and its merge (see kernel._kernel, which inlines these when compiled).

What it does: grad_hidden = sum_j g_j W_out[row_j] (rows before the update) and W_out[row_j] += c g_j h,
in float32 (the fast path) or float64 (the exact fallback, as engine/update.py), for distinct or repeated rows.
What it does not do: anything on its own: kernel.py calls these inside the compiled loop.
"""

from __future__ import annotations

import numpy as np

try:
    from numba import njit
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - only on a machine without numba
    HAVE_NUMBA = False

HOT_ROWS = 32            # hierarchical softmax, two workers: each thread's private copy of the top tree nodes
HOT_SYNC = 256           # ...whose updates it adds to the shared W_out every this many examples
HOT_NS_ROWS = 2048       # negative sampling, two workers: the output rows of the most frequent words, private
HOT_NS_SYNC = 16384      # ...merged every this many examples (~5 ms of one thread's work)


def _private_rows(objective_code: int, workers: int) -> tuple:
    """(hot_marker, hot_rows_max, hot_sync) for the kernel: each thread's private copy of the busiest W_out rows.

    With one worker, or full softmax, none: ((), 0, 1). Hierarchical softmax with two or more workers: the top
    HOT_ROWS tree nodes, merged every HOT_SYNC examples. Every example updates the root and, most likely, the
    nodes just below it: two threads writing the same rows at every example keep stealing their cache lines
    from each other (measured: the second core then added almost nothing). Negative sampling: the output rows
    of the HOT_NS_ROWS most frequent words, merged every HOT_NS_SYNC examples. Its negatives come from the
    unigram^0.75 distribution, so a few thousand rows take a large share of the writes (34% of all row
    accesses fall on the top 512 on head500): two threads on shared weights ran 1.45x one thread without this
    copy and 1.75x with it (SG-NS; CBOW-NS 1.55x and 1.70x; the kernel alone, 21 interleaved rounds, as
    bench/hogwild_sharing.py runs it). Merging more often undoes it: every 256 or 2,048 examples cost what the
    sharing cost (an earlier attempt); private copies of W_in's top rows as well added nothing (1.72x).

    >>> _private_rows(2, 1), _private_rows(2, 2), _private_rows(1, 2), _private_rows(0, 2)
    (((), 0, 1), ((0,), 2048, 16384), ((0,), 32, 256), ((), 0, 1))
    """
    if workers > 1 and objective_code == 1:
        return (0,), HOT_ROWS, HOT_SYNC
    if workers > 1 and objective_code == 2:
        return (0,), HOT_NS_ROWS, HOT_NS_SYNC
    return (), 0, 1


def _distinct(rows, k, objective):
    """No row twice among rows[:k]: always so for a Huffman path or softmax; negatives may repeat."""
    if objective != 2:
        return True
    for j in range(1, k):
        for jj in range(j):
            if rows[jj] == rows[j]:
                return False
    return True


def _update_rows32(W_out, hot_rows, n_hot, rows, k, g, c, h, grad_hidden, d, distinct):
    """grad_hidden = sum_j g_j W_out[row_j] (rows before the update); W_out[row_j] += (c g_j) h. float32.

    A row below n_hot is read and written in hot_rows, the thread's private copy (see _kernel)."""
    for i in range(d):
        grad_hidden[i] = 0.0
    if distinct:                                 # one pass per row: read it, then update it
        for j in range(k):
            row = hot_rows[rows[j]] if (n_hot > 0 and rows[j] < n_hot) else W_out[rows[j]]
            gj = g[j]
            cg = c * gj
            for i in range(d):
                x = row[i]
                grad_hidden[i] += gj * x
                row[i] = x + cg * h[i]
    else:                                        # a repeated negative: every read before any write
        for j in range(k):
            row = hot_rows[rows[j]] if (n_hot > 0 and rows[j] < n_hot) else W_out[rows[j]]
            gj = g[j]
            for i in range(d):
                grad_hidden[i] += gj * row[i]
        for j in range(k):                       # and the repeats accumulate, as np.add.at does
            row = hot_rows[rows[j]] if (n_hot > 0 and rows[j] < n_hot) else W_out[rows[j]]
            cg = c * g[j]
            for i in range(d):
                row[i] += cg * h[i]


def _update_rows64(W_out, hot_rows, n_hot, rows, k, g, c, h, grad_hidden, d):
    """_update_rows32 in float64, as objectives.py and update.py compute it (c = -lr)."""
    for i in range(d):
        grad_hidden[i] = 0.0
    for j in range(k):                           # every read before any write (rows may repeat)
        row = hot_rows[rows[j]] if (n_hot > 0 and rows[j] < n_hot) else W_out[rows[j]]
        gj = g[j]
        for i in range(d):
            grad_hidden[i] += gj * np.float64(row[i])
    for j in range(k):
        row = hot_rows[rows[j]] if (n_hot > 0 and rows[j] < n_hot) else W_out[rows[j]]
        gj = g[j]
        for i in range(d):
            row[i] += np.float32(c * (gj * h[i]))


def _sync_hot(W_out, hot_rows, hot_base, d):
    """Add this thread's updates of the busiest rows (hot_rows - hot_base) to W_out; take the sum as the new copy."""
    for r in range(hot_rows.shape[0]):
        shared = W_out[r]
        mine = hot_rows[r]
        base = hot_base[r]
        for i in range(d):
            v = shared[i] + (mine[i] - base[i])
            shared[i] = v
            mine[i] = v
            base[i] = v


if HAVE_NUMBA:
    _inline_jit = njit(cache=True, nogil=True, fastmath={"reassoc", "contract"}, inline="always")
    _distinct = _inline_jit(_distinct)
    _update_rows32 = _inline_jit(_update_rows32)
    _update_rows64 = _inline_jit(_update_rows64)
    _sync_hot = _inline_jit(_sync_hot)
