"""The example stream's inner loops, compiled with numba when it is there (plain Python otherwise).

What it does: the bookkeeping between the random draws of examples.make_chunk, as plain loops over
NumPy arrays: which tokens survive subsampling and where their sentence starts and ends, the
learning rate of each kept token, the (reduced) context window of each center and num_skips' picks,
the layout of the examples (skip-gram pairs or CBOW windows), and the alias-table look-ups of the
negatives. There is one copy of each: make_chunk calls these functions, compiled by numba when it
is installed (about 5x faster than the vectorised NumPy it replaced) and interpreted otherwise; the
tests check that the compiled and the interpreted versions (`f.py_func`) build identical chunks.
What it does not do: draw random numbers (make_chunk draws them all, from the one generator, in a
fixed order) or know about the model.

    >>> import numpy as np
    >>> ids = np.array([5, 7, 9], dtype=np.int32)
    >>> start, end = np.zeros(3, np.int32), np.full(3, 3, np.int32)
    >>> center, targets, ptr, inputs, lr = windows(ids, np.ones(3, np.int32), start, end, 1,
    ...                                             np.zeros((1, 1)), -1, np.zeros(3), False)
    >>> [(int(inputs[e]), int(targets[e])) for e in range(len(targets))]   # (center, context) pairs
    [(5, 7), (7, 5), (7, 9), (9, 7)]
"""

from __future__ import annotations

import numpy as np

try:  # numba is in requirements.txt; without it these loops run as plain Python (slowly)
    from numba import njit
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - only on a machine without numba
    HAVE_NUMBA = False


def subsample(ids, lengths, u, keep_prob, use_keep):
    """Kept ids, their positions before subsampling, and the [start, end) of their sentence among the kept."""
    n0 = ids.shape[0]
    kept = np.empty(n0, dtype=np.int32)        # (n,) after trimming
    pos0 = np.empty(n0, dtype=np.int64)
    start = np.empty(n0, dtype=np.int32)
    end = np.empty(n0, dtype=np.int32)
    n = 0
    p = 0
    for sentence in range(lengths.shape[0]):
        first = n
        for _ in range(lengths[sentence]):
            if (not use_keep) or u[p] < keep_prob[ids[p]]:
                kept[n] = ids[p]
                pos0[n] = p
                n += 1
            p += 1
        for i in range(first, n):
            start[i] = first
            end[i] = n
    return kept[:n], pos0[:n], start[:n], end[:n]


def token_lr(pos0, offset, denominator, alpha, min_alpha):
    """examples.learning_rate of each kept token, rounded exactly as NumPy does it."""
    out = np.empty(pos0.shape[0], dtype=np.float64)
    for i in range(pos0.shape[0]):
        progress = np.float64(offset + pos0[i]) / np.float64(denominator)
        progress = min(max(progress, 0.0), 1.0)
        out[i] = alpha - (alpha - min_alpha) * progress
    return out


def valid_offsets(i, window, radius, start, end, keys, num_skips, valid):
    """valid[c] for the 2W offsets -window..-1, 1..window of center i (num_skips < 0: no limit)."""
    count = 0
    for c in range(2 * window):
        off = c - window if c < window else c - window + 1
        j = i + off
        valid[c] = abs(off) <= radius[i] and j >= start[i] and j < end[i]
        if valid[c]:
            count += 1
    if num_skips >= 0 and count > num_skips:
        # keep the num_skips smallest keys (ties: the leftmost), as a stable argsort ranks them
        keep = np.zeros(2 * window, dtype=np.bool_)
        for c in range(2 * window):
            if valid[c]:
                rank = 0
                for c2 in range(2 * window):
                    if valid[c2] and (keys[i, c2] < keys[i, c] or (keys[i, c2] == keys[i, c] and c2 < c)):
                        rank += 1
                keep[c] = rank < num_skips
        for c in range(2 * window):
            valid[c] = keep[c]
        count = num_skips
    return count


def windows(ids, radius, start, end, window, keys, num_skips, lr_token, cbow):
    """The examples of a chunk: (center_pos, targets, input_ptr, input_ids, lr), as make_chunk lays them out."""
    n = ids.shape[0]
    valid = np.zeros(2 * window, dtype=np.bool_)
    # the (reduced) window of center i is [lo, i) and (i, hi): count first, to size the arrays
    total = 0
    n_centers = 0
    for i in range(n):
        if num_skips >= 0:
            c = valid_offsets(i, window, radius, start, end, keys, num_skips, valid)
        else:
            c = min(end[i], i + radius[i] + 1) - max(start[i], i - radius[i]) - 1
        total += c
        if c > 0:
            n_centers += 1
    E = n_centers if cbow else total
    center_pos = np.empty(E, dtype=np.int32)
    targets = np.empty(E, dtype=np.int32)
    input_ptr = np.empty(E + 1, dtype=np.int64)
    input_ids = np.empty(total, dtype=np.int32)
    lr = np.empty(E, dtype=np.float64)
    input_ptr[0] = 0
    e = 0
    q = 0
    for i in range(n):
        lo = max(start[i], i - radius[i])
        hi = min(end[i], i + radius[i] + 1)
        if hi - lo <= 1:
            continue
        if num_skips >= 0:
            valid_offsets(i, window, radius, start, end, keys, num_skips, valid)
        for j in range(lo, hi):
            if j == i:
                continue
            if num_skips >= 0 and not valid[j - i + window if j < i else j - i + window - 1]:
                continue
            if cbow:
                input_ids[q] = ids[j]          # the context words, left to right
                q += 1
            else:                              # skip-gram: one example per (center, context word)
                center_pos[e] = i
                targets[e] = ids[j]
                input_ids[e] = ids[i]
                lr[e] = lr_token[i]
                e += 1
                input_ptr[e] = e
        if cbow:
            center_pos[e] = i
            targets[e] = ids[i]
            lr[e] = lr_token[i]
            e += 1
            input_ptr[e] = q
    return center_pos, targets, input_ptr, input_ids, lr


def alias_pick(column, coin, accept, alias, targets, out, positions):
    """Finish vocab.alias_draw for the slots `positions` of out (E*k,), from its two draws per slot:
    column if coin < accept[column], else alias[column]. Returns the slots (ascending) whose draw
    equals their example's target, to be drawn again."""
    k = out.shape[0] // max(1, targets.shape[0])
    choice = np.empty(2, dtype=np.int64)
    again = np.empty(positions.shape[0], dtype=np.int64)
    m = 0
    for t in range(positions.shape[0]):
        c = column[t]
        choice[0] = alias[c]
        choice[1] = c
        w = choice[np.int64(coin[t] < accept[c])]
        p = positions[t]
        out[p] = w
        if w == targets[p // k]:
            again[m] = p
            m += 1
    return again[:m]


def alias_pick_all(column, coin, accept, alias, targets, out):
    """_alias_pick for every slot of out (E, k), in row-major order."""
    E, k = out.shape
    # choice[coin < accept]: a select through memory. Written as `c if coin < accept[c] else
    # alias[c]`, the compiler makes it a branch that the CPU mispredicts half the time (5x slower).
    choice = np.empty(2, dtype=np.int64)
    m = 0
    for e in range(E):
        target = targets[e]
        for j in range(k):
            c = column[e, j]
            choice[0] = alias[c]
            choice[1] = c
            w = choice[np.int64(coin[e, j] < accept[c])]
            out[e, j] = w
            m += w == target
    again = np.empty(m, dtype=np.int64)
    if m:
        m = 0
        for e in range(E):
            for j in range(k):
                if out[e, j] == targets[e]:
                    again[m] = e * k + j
                    m += 1
    return again


if HAVE_NUMBA:
    _jit = njit(cache=True, nogil=True)
    subsample = _jit(subsample)
    token_lr = _jit(token_lr)
    valid_offsets = _jit(valid_offsets)
    windows = _jit(windows)
    alias_pick = _jit(alias_pick)
    alias_pick_all = _jit(alias_pick_all)


class _Loops:
    """The loops as one namespace, compiled (COMPILED) or as plain Python (INTERPRETED)."""

    def __init__(self, compiled: bool):
        for name in ("subsample", "token_lr", "valid_offsets", "windows", "alias_pick", "alias_pick_all"):
            f = globals()[name]
            setattr(self, name, f if compiled or not HAVE_NUMBA else f.py_func)


COMPILED = _Loops(compiled=True)
INTERPRETED = _Loops(compiled=False)
DISPATCHERS = [subsample, token_lr, windows, alias_pick, alias_pick_all] if HAVE_NUMBA else []
