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
HOT_NS_FLOATS = 1 << 20  # negative sampling, two workers: the most frequent words' output rows, private, up to
                         # this many floats (4 MiB; d = 100: 10,485 rows)
HOT_NS_SYNC = 65536      # ...merged every this many examples and at the end of each slice (pipeline.slice_examples)


def _private_rows(objective_code: int, workers: int, d: int) -> tuple:
    """(hot_marker, hot_rows_max, hot_sync) for the kernel: each thread's private copy of the busiest W_out rows.

    With one worker, or full softmax, none: ((), 0, 1). Hierarchical softmax with two or more workers: the top
    HOT_ROWS tree nodes, merged every HOT_SYNC examples. Every example updates the root and, most likely, the
    nodes just below it: two threads writing the same rows at every example keep stealing their cache lines
    from each other (measured: the second core then added almost nothing). Negative sampling: the output rows
    of the most frequent words, as many as HOT_NS_FLOATS floats hold (d = 100: 10,485 rows, all of head500's
    7,978), merged every HOT_NS_SYNC examples and at the end of each slice. Its negatives come from the
    unigram^0.75 distribution, so the top rows take most of the writes, and a row both threads write must
    travel between their caches at every turn. Measured on head500, the kernel alone, two threads on shared
    weights over one thread (9 interleaved rounds, bench/hogwild_sharing.py's way): 1.44x without private
    rows, 1.78x with the top 2,048 merged every 16,384 examples, 1.92x with all of them merged once a slice
    (two threads on separate copies: 1.87-1.99x). At times the host makes every shared line costly: then shared
    W_out alone doubled the CPU per example (shared W_in cost nothing), even with the top 2,048 private.
    Merging more often undoes it: every 256 or 2,048 examples cost what the sharing cost (an earlier attempt).

    >>> _private_rows(2, 1, 100), _private_rows(2, 2, 100), _private_rows(1, 2, 100), _private_rows(0, 2, 100)
    (((), 0, 1), ((0,), 10485, 65536), ((0,), 32, 256), ((), 0, 1))
    """
    if workers > 1 and objective_code == 1:
        return (0,), HOT_ROWS, HOT_SYNC
    if workers > 1 and objective_code == 2:
        return (0,), max(1, HOT_NS_FLOATS // max(1, int(d))), HOT_NS_SYNC
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
