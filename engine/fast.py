"""The fast trainer: the same update as step.py over many examples, compiled with numba.

What it does:
1. run_examples / submit_examples apply examples start..end-1 of a chunk (examples.py) to W_in and
   W_out in place, with exactly the update rule of step.apply_example, for all six models
   (skip-gram / CBOW x full softmax / hierarchical softmax / negative sampling):
   - h = sum (or, for the CBOW mean, mean) of the input rows, accumulated in float32 as NumPy does;
   - scores = W_out[out_rows] @ h, probabilities, loss and gradients, all from the weights *before*
     this example's update;
   - W_out[out_rows] -= lr * grad_out, then W_in[id] -= lr * grad_hidden (/ n_inputs for the CBOW
     mean) for every input id; repeated rows (two equal negatives, a word twice in a CBOW window)
     accumulate, as np.add.at does;
   - if the loss or a gradient is NaN or inf, nothing is written; if the update would take a weight
     beyond float32's range, the touched rows are put back (as step.py does). Either way training
     stops *before* that example (diverged=True, n_done = examples applied), so the caller can
     raise TrainingDiverged with the last good weights.
   Precision: the dot products and the row updates are float32 arithmetic, the weights' own type
   (word2vec.c and gensim compute in float32 too; it halves the work per vector instruction); the
   probabilities, the loss and the gradient factors (probs - labels) are float64, as in
   objectives.py. step.py does everything in float64, so the two differ in the last bits of each
   update (relative 1e-7), which is what the tests' tolerance (rtol=1e-4) allows. An example whose
   row norms say a float32 sum could overflow is computed in float64 exactly as step.py does it.
   The loss of every example is summed in float64 and returned, so progress can report it honestly.
2. make_chunk_fast is a compiled twin of examples.make_chunk: the same random draws, made by NumPy
   from the same generator in the same order with the same sizes, and the same Chunk, bit for bit
   (tests compare every field); numba only does the bookkeeping between the draws (windows, the
   alias look-ups, redrawing a negative equal to its target). ExampleStream uses it when numba is
   available, for step() and train() alike.
What it does not do: choose examples, decide the learning rate or own the random generator
(examples.py does, so the fast and the step trainer see one stream), build traces (step.py), or know
about the model (model.train() calls it, and builds the next chunk in a helper thread meanwhile).

Why numba: the kernel is written as plain loops over NumPy arrays, which a student can read next to
the NumPy reference (run_examples_numpy, below), and numba compiles it to machine code on first use.
The compiled code is cached on disk (cache=True), so only the very first run pays the seconds of
compiling; warm_up() does it up front and is_warm() tells the app whether it still has to. From
vector size STATIC_MIN_D on, the kernel is compiled for the exact size (see _kernel's size_marker:
a loop over a row of 100 floats becomes seven 16-wide vector instructions with no remainder loop,
about 25% faster), so each new size compiles once (a few seconds, then cached). It needs no C
compiler on the user's machine, and nogil=True releases Python's GIL while the kernel runs, so
two threads can update the shared weights at once (Hogwild, as word2vec.c and gensim do) while
another builds the next chunk. fastmath is limited to "reassoc" and "contract" (reordering sums so
that dot products vectorise, and fused multiply-add): no flag that assumes finite numbers, so the
NaN / inf checks stay exact.

workers=1 is deterministic and follows the stream in order. Its weights equal those of calling
model.step() once per example up to float rounding (float32 here, float64 there; the tests check
rtol=1e-4 after an epoch of every model). workers=2 runs two
threads at once on consecutive slices of the stream (halves of a slice when it is large), updating
the shared weights without locks (Hogwild); the updates interleave differently on every run, so
results differ slightly from run to run (and from workers=1).

The negatives (drawn in examples.py) come from Walker's alias method (vocab.alias_table): two arrays
of V entries, `accept` (float64) and `alias` (int32). A draw picks a column uniformly and keeps it
with probability accept[column], else takes alias[column]: O(1) per draw, from the exact
count**ns_exponent distribution (each column holds the mass of at most two words, so every word's
probability is represented exactly), in 12 bytes per word (8 with a float32 threshold) that stay in
cache. word2vec.c instead fills a table of 1e8 int32 entries (400 MB) with word ids in proportion to
their probability, which rounds rare words' probabilities and falls out of every cache; gensim
binary-searches a cumulative table (O(log V) per draw).

    >>> import numpy as np
    >>> from engine import Word2Vec
    >>> m = Word2Vec(vector_size=8, epochs=1, sample=0).build_vocab([["a", "b", "c"]] * 3)
    >>> chunk = m.stream.chunk(0)
    >>> loss_sum, n_done, diverged = run_examples(m.W_in, m.W_out, chunk, 0, 4, "skipgram",
    ...                                           "negative_sampling", True, None)
    >>> n_done, diverged, bool(loss_sum > 0)
    (4, False, True)
"""

from __future__ import annotations

import math
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Optional, Tuple

import numpy as np

try:  # numba is in requirements.txt; without it the NumPy reference below still trains (slowly)
    import numba
    from numba import njit
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - only on a machine without numba
    HAVE_NUMBA = False

from .objectives import OBJECTIVE_FUNCTIONS, output_rows

OBJECTIVE_CODES = {"softmax": 0, "hierarchical_softmax": 1, "negative_sampling": 2}
PIECE_EXAMPLES = 50_000   # a slice is split between the threads only from twice this size
FLOAT32_SAFE = 3.0e38    # float32's largest value is 3.4028e38; an update that could reach this is checked exactly
HOT_ROWS = 32            # hierarchical softmax, two workers: each thread's private copy of the top tree nodes
HOT_SYNC = 256           # ...whose updates it adds to the shared W_out every this many examples
STATIC_MIN_D = 32        # from this vector size on, the kernel is compiled for the exact size (faster loops)


# ---------------------------------------------------------------------------- the NumPy reference
def run_examples_numpy(W_in, W_out, chunk, start, end, architecture, objective, cbow_mean, tree,
                       divide_inputs=True):
    """The readable reference (and fallback without numba): apply_example's update, without traces.

    Returns (loss_sum, n_done, diverged), like run_examples with workers=1.
    """
    total = 0.0
    fn = OBJECTIVE_FUNCTIONS[objective]
    mean = architecture == "cbow" and cbow_mean
    for e in range(start, end):
        inputs = chunk.inputs(e)                                              # (n_in,)
        target = int(chunk.targets[e])
        rows_idx, labels = output_rows(objective, target, len(W_in), chunk.negatives[e], tree)  # (k,), (k,)
        in_before = W_in[inputs]                                              # (n_in, d) copy
        out_before = W_out[rows_idx]                                          # (k, d) copy
        hidden = in_before.mean(axis=0) if mean else in_before.sum(axis=0)    # (d,)
        loss, (grad_hidden, grad_out), _ = fn(hidden, out_before, labels)
        if not (np.isfinite(loss) and np.isfinite(grad_hidden).all() and np.isfinite(grad_out).all()):
            return total, e - start, True
        lr = chunk.lr[e]
        scale = len(inputs) if (mean and divide_inputs) else 1
        np.add.at(W_out, rows_idx, (-lr * grad_out).astype(W_out.dtype))     # rows may repeat
        np.add.at(W_in, inputs, np.broadcast_to((-lr / scale * grad_hidden).astype(W_in.dtype),
                                                in_before.shape))            # ids may repeat
        if not (np.isfinite(W_out[rows_idx]).all() and np.isfinite(W_in[inputs]).all()):
            W_out[rows_idx] = out_before                                      # float32 overflow: put back
            W_in[inputs] = in_before
            return total, e - start, True
        total += loss
    return total, end - start, False


# ---------------------------------------------------------------------------- the compiled kernel
# The kernel works in float32 (the weights' type; word2vec.c and gensim compute in float32 too) and
# falls back to float64 arithmetic, exactly as step.py, for an example whose row norms say a float32
# sum or update could overflow: there it copies the rows, updates, checks and puts them back if a
# weight became inf (training then stops before that example).
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
    """_update_rows32 in float64, as objectives.py and step.py compute it (c = -lr)."""
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


def _kernel(W_in, W_out, targets, input_ptr, input_ids, negatives, lrs, start, end, objective, mean,
            path_array, code_array, lengths, flag, divide, size_marker, hot_marker):
    """Apply examples start..end-1; returns (loss_sum, n_done, diverged).

    objective: 0 softmax, 1 hierarchical softmax, 2 negative sampling. divide: for the CBOW mean,
    divide the input rows' update by n_in (the exact gradient) or not (word2vec.c's rule).
    flag (1,) int32 is shared by the slices of one train() call: a diverging example sets it and
    every example checks it first.
    size_marker: () for any vector size, or a tuple of d zeros (see static_size): numba compiles a
    kernel for each argument type, and a tuple's type holds its length, so that kernel knows d at
    compile time (each loop over a row becomes a few full-width vector instructions, with no
    remainder loop) and is cached on disk like any other.
    hot_marker: () or HOT_ROWS zeros (two workers, hierarchical softmax; see _hot_marker). With n_hot
    rows, W_out's rows 0..n_hot-1 (the Huffman tree's most visited nodes: node ids go by decreasing
    count, the root is 0) live in this thread's private copy while it runs; every HOT_SYNC examples
    and at the end it adds its updates of them to W_out and takes the sum back. Each thread so sees
    the other's updates of those rows up to HOT_SYNC examples late (Hogwild is lock-free and racy
    anyway). n_hot is a compile-time constant too, so with () every `n_hot > 0 and ...` test
    disappears from the compiled code. The row of id r is fetched with a one-line expression
    written out at every use: as a small helper function numba compiled it about 2x slower.
    """
    d = len(size_marker) if len(size_marker) > 0 else W_in.shape[1]
    n_hot = min(len(hot_marker), W_out.shape[0])
    hot_rows = W_out[:n_hot].copy()              # (n_hot, d) this thread's copy of the busiest rows
    hot_base = hot_rows.copy()                   # (n_hot, d) those rows as they were at the last sync
    V_out = W_out.shape[0]
    k_max = V_out if objective == 0 else (path_array.shape[1] if objective == 1 else 1 + negatives.shape[1])
    h32 = np.zeros(d, dtype=np.float32)          # (d,) h as NumPy computes it (float32 sum / mean)
    h = np.zeros(d, dtype=np.float64)            # (d,) h in float64, for the exact fallback
    grad_hidden = np.zeros(d, dtype=np.float64)  # (d,)
    grad32 = np.zeros(d, dtype=np.float32)       # (d,)
    rows = np.zeros(k_max, dtype=np.int64)       # (k,) W_out rows scored
    labels = np.zeros(k_max, dtype=np.float64)   # (k,)
    scores = np.zeros(k_max, dtype=np.float64)   # (k,)
    g = np.zeros(k_max, dtype=np.float64)        # (k,) d loss / d scores = probs - labels
    g32 = np.zeros(k_max, dtype=np.float32)      # (k,)
    delta_in = np.zeros(d, dtype=np.float32)     # (d,) the float32 update of each input row
    out_before = np.zeros((0, d), dtype=np.float32)  # copies of the touched rows, made only when an
    in_before = np.zeros((0, d), dtype=np.float32)   # update might overflow float32
    loss_sum = 0.0
    n_done = 0
    diverged = False
    for e in range(start, end):
        if flag[0] != 0:
            break
        if n_hot > 0 and n_done > 0 and n_done % HOT_SYNC == 0:
            _sync_hot(W_out, hot_rows, hot_base, d)
        target = targets[e]
        p0 = input_ptr[e]
        n_in = input_ptr[e + 1] - p0

        # hidden vector: float32 sum of the input rows (row by row, as NumPy reduces axis 0), then / n
        in_sq = 0.0                               # largest squared norm of an input row (overflow guard)
        first = W_in[input_ids[p0]]
        for i in range(d):
            x = first[i]
            h32[i] = x
            in_sq += np.float64(x) * np.float64(x)
        for a in range(1, n_in):
            r = W_in[input_ids[p0 + a]]
            sq = 0.0
            for i in range(d):
                x = r[i]
                h32[i] += x
                sq += np.float64(x) * np.float64(x)
            in_sq = max(in_sq, sq)
        if mean and n_in > 1:
            n32 = np.float32(n_in)
            for i in range(d):
                h32[i] = h32[i] / n32
        h_sq = 0.0
        for i in range(d):
            h_sq += np.float64(h32[i]) * np.float64(h32[i])

        # the rows scored and their labels
        if objective == 2:                        # negative sampling: target (1), then the negatives (0)
            k = 1 + negatives.shape[1]
            rows[0] = target
            labels[0] = 1.0
            for j in range(1, k):
                rows[j] = negatives[e, j - 1]
                labels[j] = 0.0
        elif objective == 1:                      # hierarchical softmax: the path, label = 1 - code bit
            k = lengths[target]
            for j in range(k):
                rows[j] = path_array[target, j]
                labels[j] = 1.0 - code_array[target, j]
        else:                                     # softmax: every row, one-hot label
            k = V_out
            for j in range(k):
                rows[j] = j
                labels[j] = 0.0
            labels[target] = 1.0

        # scores = W_out[rows] @ h in float32, each row's squared norm alongside
        out_sq = 0.0
        for j in range(k):
            row = hot_rows[rows[j]] if (n_hot > 0 and rows[j] < n_hot) else W_out[rows[j]]
            s32 = np.float32(0.0)
            q32 = np.float32(0.0)
            for i in range(d):
                x = row[i]
                s32 += x * h32[i]
                q32 += x * x
            scores[j] = np.float64(s32)
            out_sq = max(out_sq, np.float64(q32))
        lr = lrs[e]
        scale = np.float64(n_in) if (mean and divide) else 1.0
        # |score| <= |row| |h|, |g| <= 1 and |grad_hidden_i| <= k max|row|: unless these bounds say a
        # float32 sum or weight could overflow (or a norm is inf or NaN), float32 is safe. Else the
        # example is redone in float64, as step.py does it.
        out_norm, h_norm, in_norm = math.sqrt(out_sq), math.sqrt(h_sq), math.sqrt(in_sq)
        careful = not (out_norm * h_norm < FLOAT32_SAFE
                       and out_norm + k * lr * h_norm < FLOAT32_SAFE
                       and in_norm + n_in * (lr / scale) * k * out_norm < FLOAT32_SAFE)
        if careful:
            for i in range(d):
                h[i] = np.float64(h32[i])
            out_sq = 0.0
            for j in range(k):
                row = hot_rows[rows[j]] if (n_hot > 0 and rows[j] < n_hot) else W_out[rows[j]]
                s = 0.0
                sq = 0.0
                for i in range(d):
                    x = np.float64(row[i])
                    s += x * h[i]
                    sq += x * x
                scores[j] = s
                out_sq = max(out_sq, sq)

        # loss and d loss / d scores = probs - labels, in float64, from the weights before the update
        loss = 0.0
        if objective == 0:
            m = scores[0]
            for j in range(1, k):
                m = max(m, scores[j])
            z = 0.0
            for j in range(k):
                z += math.exp(scores[j] - m)
            log_z = m + math.log(z)
            loss = -(scores[target] - log_z)
            for j in range(k):
                g[j] = math.exp(scores[j] - log_z) - labels[j]
        else:
            # loss = sum_j log(1 + exp(x_j)), x_j = -s_j for label 1, s_j for label 0
            #      = sum_j max(x_j, 0) + log(prod_j (1 + exp(-|s_j|)))   (one log per example)
            prod = 1.0
            for j in range(k):
                s = scores[j]
                ex = math.exp(-abs(s))                          # in (0, 1]: no overflow
                p = 1.0 / (1.0 + ex) if s >= 0 else ex / (1.0 + ex)  # sigmoid(s)
                x = -s if labels[j] > 0.5 else s
                loss += max(x, 0.0)
                prod *= 1.0 + ex                                # each factor in (1, 2]
                if j % 512 == 511:
                    loss += math.log(prod)
                    prod = 1.0
                g[j] = p - labels[j]
            loss += math.log(prod)
        # NaN or inf anywhere (in h, a scored row or the loss) means: write nothing. With finite
        # rows, h, scores, g and grad_hidden are finite too (|g| <= 1, float64 has room to spare).
        if not (h_sq < math.inf and out_sq < math.inf and abs(loss) < math.inf):
            flag[0] = 1
            diverged = True
            break

        if not careful:
            # W_out[row_j] -= lr g_j h and grad_hidden = sum_j g_j W_out[row_j] (before), in float32
            for j in range(k):
                g32[j] = np.float32(g[j])
            _update_rows32(W_out, hot_rows, n_hot, rows, k, g32, np.float32(-lr), h32, grad32, d,
                           _distinct(rows, k, objective))
            # W_in[id] -= lr * grad_hidden (/ n_in for the CBOW mean), every input id (repeats accumulate)
            c_in = np.float32(-lr / scale)
            for i in range(d):
                delta_in[i] = c_in * grad32[i]
            for a in range(n_in):
                r = W_in[input_ids[p0 + a]]
                for i in range(d):
                    r[i] += delta_in[i]
            loss_sum += loss
            n_done += 1
            continue

        # the exact update, as step.py: float64, and the rows copied first if it might overflow
        risky = (math.sqrt(out_sq) + k * lr * h_norm >= FLOAT32_SAFE
                 or in_norm + n_in * (lr / scale) * k * math.sqrt(out_sq) >= FLOAT32_SAFE)
        if risky:
            out_before = np.empty((k, d), dtype=np.float32)
            in_before = np.empty((n_in, d), dtype=np.float32)
            for j in range(k):
                out_before[j] = hot_rows[rows[j]] if (n_hot > 0 and rows[j] < n_hot) else W_out[rows[j]]
            for a in range(n_in):
                in_before[a] = W_in[input_ids[p0 + a]]
        _update_rows64(W_out, hot_rows, n_hot, rows, k, g, -lr, h, grad_hidden, d)
        c_in64 = -lr / scale
        for i in range(d):
            delta_in[i] = np.float32(c_in64 * grad_hidden[i])
        for a in range(n_in):
            r = W_in[input_ids[p0 + a]]
            for i in range(d):
                r[i] += delta_in[i]
        if risky:
            bad = False
            for j in range(k):
                row = hot_rows[rows[j]] if (n_hot > 0 and rows[j] < n_hot) else W_out[rows[j]]
                for i in range(d):
                    if not math.isfinite(row[i]):
                        bad = True
            for a in range(n_in):
                r = W_in[input_ids[p0 + a]]
                for i in range(d):
                    if not math.isfinite(r[i]):
                        bad = True
            if bad:                               # float32 overflow: put the rows back, as step.py does
                for j in range(k):
                    row = hot_rows[rows[j]] if (n_hot > 0 and rows[j] < n_hot) else W_out[rows[j]]
                    row[:] = out_before[j]
                for a in range(n_in):
                    W_in[input_ids[p0 + a]] = in_before[a]
                flag[0] = 1
                diverged = True
                break
        loss_sum += loss
        n_done += 1
    if n_hot > 0:
        _sync_hot(W_out, hot_rows, hot_base, d)
    return loss_sum, n_done, diverged


if HAVE_NUMBA:
    _fast_jit = njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
    _inline_jit = njit(cache=True, nogil=True, fastmath={"reassoc", "contract"}, inline="always")
    _distinct = _inline_jit(_distinct)
    _update_rows32 = _inline_jit(_update_rows32)
    _update_rows64 = _inline_jit(_update_rows64)
    _sync_hot = _inline_jit(_sync_hot)
    _kernel_compiled = _fast_jit(_kernel)
else:  # pragma: no cover
    _kernel_compiled = None


# ---------------------------------------------------------------------------- calling the kernel
_EMPTY_PATHS = np.zeros((1, 1), dtype=np.int32)
_EMPTY_CODES = np.zeros((1, 1), dtype=np.int8)
_EMPTY_LENGTHS = np.zeros(1, dtype=np.int32)
_pool: Optional[ThreadPoolExecutor] = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="word2vec-fast")
        return _pool


_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.005


@contextmanager
def quick_gil_handoff(interval: float = 0.0005):
    """Lower Python's thread switch interval (default 5 ms) while training, then put it back.

    The kernel threads hold no GIL while they compute, but they need it for a moment to start and to
    return; if the thread building the next chunk holds it, they would wait up to the whole interval.
    Nested and concurrent uses share one setting; the last one out restores the old interval.
    """
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, interval))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


def static_size(d: int) -> int:
    """The kernel's compile-time vector size for d: d itself from STATIC_MIN_D on, else 0 (any size).

    static_size(100) -> 100; static_size(8) -> 0
    """
    return int(d) if d >= STATIC_MIN_D else 0


def _size_marker(d: int) -> tuple:
    """The kernel's size_marker argument: (0,) * static_size(d). _size_marker(8) -> ()"""
    return (0,) * static_size(d)


def _hot_marker(objective_code: int, workers: int) -> tuple:
    """The kernel's hot_marker: HOT_ROWS zeros for hierarchical softmax with two workers, else ().

    Every hierarchical-softmax example updates the root and, most likely, the nodes just below it:
    two threads writing the same rows at every example keep stealing their cache lines from each
    other (measured: the second core then added almost nothing). Negative sampling spreads its
    updates over many rows, and there a private copy measured no gain.
    """
    return (0,) * HOT_ROWS if (objective_code == 1 and workers > 1) else ()


def _tree_arrays(tree):
    if tree is None:
        return _EMPTY_PATHS, _EMPTY_CODES, _EMPTY_LENGTHS
    return (np.ascontiguousarray(tree.path_array, dtype=np.int32),
            np.ascontiguousarray(tree.code_array, dtype=np.int8),
            np.ascontiguousarray(tree.lengths, dtype=np.int32))


def _pieces(start: int, end: int, workers: int):
    """Split start..end for the threads: whole slices of up to 2 * PIECE_EXAMPLES examples (train()
    keeps several slices queued, so two threads already work on two slices at once), halves of a
    larger one. Each piece needs the GIL for a moment to start and to finish, so fewer is better."""
    n = end - start
    n_pieces = min(max(1, workers), max(1, n // PIECE_EXAMPLES))
    if n_pieces == 1:
        return [(start, end)]
    bounds = np.linspace(start, end, n_pieces + 1).astype(np.int64)
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


class Job:
    """Examples being applied in the background; result() waits and returns (loss_sum, n_done, diverged)."""

    def __init__(self, futures, done=None):
        self._futures = futures
        self._done = done

    def result(self) -> Tuple[float, int, bool]:
        if self._done is not None:
            return self._done
        loss_sum, n_done, diverged = 0.0, 0, False
        for f in self._futures:
            s, n, dv = f.result()
            loss_sum += s
            n_done += n
            diverged = diverged or dv
        self._done = (loss_sum, n_done, diverged)
        return self._done


def submit_examples(W_in, W_out, chunk, start, end, architecture, objective, cbow_mean, tree,
                    workers=1, executor: Optional[ThreadPoolExecutor] = None,
                    flag: Optional[np.ndarray] = None, divide_inputs: bool = True) -> Job:
    """Start applying examples start..end-1 of chunk in background threads; returns a Job.

    The caller may do other work (model.train() builds the next chunk) and then call job.result().
    workers=1: one piece. workers=2: pieces of the range for two threads, Hogwild (results vary from
    run to run; on divergence n_done counts the examples applied by all pieces, which are then not
    necessarily the first n_done). executor: where the pieces run (default: a shared pool of two
    threads; give a one-thread executor to keep several submitted jobs in order). flag: (1,) int32
    shared by jobs that must stop together: a diverging example sets it, and every example checks it.
    """
    if not HAVE_NUMBA:  # pragma: no cover
        return Job([], run_examples_numpy(W_in, W_out, chunk, start, end, architecture, objective,
                                          cbow_mean, tree, divide_inputs))
    if end <= start:
        return Job([], (0.0, 0, False))
    paths, codes, lengths = _tree_arrays(tree)
    args = (W_in, W_out, chunk.targets, chunk.input_ptr, chunk.input_ids, chunk.negatives, chunk.lr)
    mean = architecture == "cbow" and bool(cbow_mean)
    code = OBJECTIVE_CODES[objective]
    if flag is None:
        flag = np.zeros(1, dtype=np.int32)
    pool = executor if executor is not None else _executor()
    futures = [pool.submit(_kernel_compiled, *args, a, b, code, mean, paths, codes, lengths, flag,
                           bool(divide_inputs), _size_marker(W_in.shape[1]),
                           _hot_marker(code, workers))
               for a, b in _pieces(start, end, workers)]
    return Job(futures)


def run_examples(W_in, W_out, chunk, start, end, architecture, objective, cbow_mean, tree, workers=1,
                 divide_inputs=True):
    """Apply examples start..end-1 of chunk in order. Returns (loss_sum, n_done, diverged).

    Exactly step.apply_example's update for each example (see the module docstring); stops before
    the first example whose loss or gradients are NaN/inf, or whose update overflows float32.
    workers=1 runs in the calling thread and is deterministic; workers=2 uses two Hogwild threads.
    """
    if not HAVE_NUMBA:  # pragma: no cover
        return run_examples_numpy(W_in, W_out, chunk, start, end, architecture, objective, cbow_mean, tree,
                                  divide_inputs)
    if workers > 1:
        return submit_examples(W_in, W_out, chunk, start, end, architecture, objective, cbow_mean, tree,
                               workers, divide_inputs=divide_inputs).result()
    if end <= start:
        return 0.0, 0, False
    paths, codes, lengths = _tree_arrays(tree)
    s, n, dv = _kernel_compiled(W_in, W_out, chunk.targets, chunk.input_ptr, chunk.input_ids,
                                chunk.negatives, chunk.lr, start, end, OBJECTIVE_CODES[objective],
                                architecture == "cbow" and bool(cbow_mean), paths, codes, lengths,
                                np.zeros(1, dtype=np.int32), bool(divide_inputs), _size_marker(W_in.shape[1]), ())
    return float(s), int(n), bool(dv)


# ---------------------------------------------------------------------------- the compiled example builder
# make_chunk_fast is a twin of examples.make_chunk: the same random draws from the same generator, in
# the same order and with the same sizes (NumPy makes them), and the same arrays, bit for bit (tests
# compare every field); numba only does the bookkeeping between the draws. No fastmath here: the
# learning rates must round exactly as NumPy's.
def _subsample(ids, lengths, u, keep_prob, use_keep):
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


def _token_lr(pos0, offset, denominator, alpha, min_alpha):
    """examples.learning_rate of each kept token, rounded exactly as NumPy does it."""
    out = np.empty(pos0.shape[0], dtype=np.float64)
    for i in range(pos0.shape[0]):
        progress = np.float64(offset + pos0[i]) / np.float64(denominator)
        progress = min(max(progress, 0.0), 1.0)
        out[i] = alpha - (alpha - min_alpha) * progress
    return out


def _valid_offsets(i, W, radius, start, end, keys, num_skips, valid):
    """valid[c] for the 2W offsets -W..-1, 1..W of centre i (num_skips < 0: no limit)."""
    count = 0
    for c in range(2 * W):
        off = c - W if c < W else c - W + 1
        j = i + off
        valid[c] = abs(off) <= radius[i] and j >= start[i] and j < end[i]
        if valid[c]:
            count += 1
    if num_skips >= 0 and count > num_skips:
        # keep the num_skips smallest keys (ties: the leftmost), as a stable argsort ranks them
        keep = np.zeros(2 * W, dtype=np.bool_)
        for c in range(2 * W):
            if valid[c]:
                rank = 0
                for c2 in range(2 * W):
                    if valid[c2] and (keys[i, c2] < keys[i, c] or (keys[i, c2] == keys[i, c] and c2 < c)):
                        rank += 1
                keep[c] = rank < num_skips
        for c in range(2 * W):
            valid[c] = keep[c]
        count = num_skips
    return count


def _windows(ids, radius, start, end, W, keys, num_skips, lr_token, cbow):
    """The examples of a chunk: (center_pos, targets, input_ptr, input_ids, lr), as make_chunk lays them out."""
    n = ids.shape[0]
    valid = np.zeros(2 * W, dtype=np.bool_)
    # the (reduced) window of centre i is [lo, i) and (i, hi): count first, to size the arrays
    total = 0
    n_centres = 0
    for i in range(n):
        if num_skips >= 0:
            c = _valid_offsets(i, W, radius, start, end, keys, num_skips, valid)
        else:
            c = min(end[i], i + radius[i] + 1) - max(start[i], i - radius[i]) - 1
        total += c
        if c > 0:
            n_centres += 1
    E = n_centres if cbow else total
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
            _valid_offsets(i, W, radius, start, end, keys, num_skips, valid)
        for j in range(lo, hi):
            if j == i:
                continue
            if num_skips >= 0 and not valid[j - i + W if j < i else j - i + W - 1]:
                continue
            if cbow:
                input_ids[q] = ids[j]          # the context words, left to right
                q += 1
            else:                              # skip-gram: one example per (centre, context word)
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


def _alias_pick(column, coin, accept, alias, targets, out, positions):
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


def _alias_pick_all(column, coin, accept, alias, targets, out):
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
    _subsample = _jit(_subsample)
    _token_lr = _jit(_token_lr)
    _valid_offsets = _jit(_valid_offsets)
    _windows = _jit(_windows)
    _alias_pick = _jit(_alias_pick)
    _alias_pick_all = _jit(_alias_pick_all)


def make_chunk_fast(sentences, rng, s, keep_prob, noise_accept, noise_alias, *, seq, epoch, words_before,
                    raw_words, round_epoch, round_epochs, words_per_epoch, last_in_epoch):
    """examples.make_chunk, compiled: same arguments, same draws, same Chunk (tests check every field)."""
    from .examples import Chunk, _readonly

    lengths = np.array([len(x) for x in sentences], dtype=np.int64)                  # (S,)
    ids = (np.concatenate(sentences) if len(sentences) else np.zeros(0)).astype(np.int32)  # (n0,)
    n0 = len(ids)
    # 1. subsampling: one uniform per token
    use_keep = keep_prob is not None
    u = rng.random(n0) if use_keep else np.zeros(0)                                  # (n0,)
    kp = keep_prob if use_keep else np.zeros(1)
    ids_kept, pos0, start, end = _subsample(ids, lengths, u, kp, use_keep)           # (n,) each
    n = len(ids_kept)
    # 2. dynamic window: one radius per kept token
    W = s.window
    if s.shrink_windows:
        radius = rng.integers(1, W + 1, size=n).astype(np.int32)                     # (n,)
    else:
        radius = np.full(n, W, dtype=np.int32)                                       # (n,)
    offset = (epoch - round_epoch) * words_per_epoch + words_before
    lr_token = _token_lr(pos0, offset, max(1, round_epochs * words_per_epoch),
                         float(s.alpha), float(s.min_alpha))                          # (n,)
    # 3. num_skips: one uniform key per (centre, offset)
    cbow = s.architecture != "skipgram"
    if not cbow and s.num_skips is not None and n:
        keys, num_skips = rng.random((n, 2 * W)), int(s.num_skips)                   # (n, 2W)
    else:
        keys, num_skips = np.zeros((1, 1)), -1
    center_pos, targets, input_ptr, input_ids, lr = _windows(ids_kept, radius, start, end, W, keys,
                                                             num_skips, lr_token, cbow)
    if not cbow and s.skipgram_input == "context":   # word2vec.c's order: the context word predicts the centre
        targets, input_ids = input_ids, targets
    E = len(targets)
    # 4. negatives from the alias table, redrawn (in row-major order) while equal to the target
    if s.objective == "negative_sampling":
        k, V = s.negative, len(noise_accept)
        negatives = np.empty((E, k), dtype=np.int32)                                 # (E, k)
        column = rng.integers(0, V, size=(E, k))                                     # vocab.alias_draw's draws
        coin = rng.random(size=(E, k))
        again = _alias_pick_all(column, coin, noise_accept, noise_alias, targets, negatives)
        flat = negatives.reshape(-1)                                                 # (E*k,) a view
        while len(again):
            column = rng.integers(0, V, size=len(again))
            coin = rng.random(size=len(again))
            again = _alias_pick(column, coin, noise_accept, noise_alias, targets, flat, again)
    else:
        negatives = np.zeros((E, 0), dtype=np.int32)                                 # (E, 0)
    return Chunk(
        seq=seq, epoch=epoch,
        tokens=_readonly(ids_kept), sentence_start=_readonly(start), sentence_end=_readonly(end),
        radius=_readonly(radius), center_pos=_readonly(center_pos), targets=_readonly(targets),
        input_ptr=_readonly(input_ptr), input_ids=_readonly(input_ids), negatives=_readonly(negatives),
        lr=_readonly(lr), words_before=words_before, words=n0, raw_words=raw_words,
        last_in_epoch=last_in_epoch)


# ---------------------------------------------------------------------------- compiling up front
def _dispatchers():
    return [_kernel_compiled, _subsample, _token_lr, _windows, _alias_pick, _alias_pick_all]


def _kernel_variants() -> set:
    """(vector size, hot rows) of each kernel compiled or loaded in this process; size 0 = any size."""
    return {(getattr(sig[-2], "count", 0), getattr(sig[-1], "count", 0))   # the markers' tuple lengths
            for sig in _kernel_compiled.signatures}


def _needed_variants(vector_size: Optional[int], workers: int) -> set:
    sizes = {0} | ({static_size(vector_size)} if vector_size is not None else set())
    return {(size, hot) for size in sizes for hot in ({0, HOT_ROWS} if workers > 1 else {0})}


def is_warm(vector_size: Optional[int] = None, workers: int = 1) -> bool:
    """True when every kernel that training with this vector size and number of workers runs is
    compiled (or loaded from the disk cache) in this process. From STATIC_MIN_D on, each vector size
    has its own kernel (compiled on its first use), and two workers add the hierarchical-softmax
    kernel with the private copy of the top tree nodes."""
    if not HAVE_NUMBA:
        return True
    if not all(d.signatures for d in _dispatchers()):
        return False
    return _needed_variants(vector_size, workers) <= _kernel_variants()


def warm_up(vector_size: Optional[int] = None, workers: int = 1) -> float:
    """Compile (first run ever) or load from the disk cache (later runs) every kernel; returns seconds.

    Trains tiny models of all six kinds, so the kernels see exactly the argument types of real
    training, with a vocabulary so small that some negative equals its target and is drawn again;
    with vector_size >= STATIC_MIN_D also at that size, and with workers=2 also with two workers.
    The app calls this behind a "compiling the fast trainer (first run only)..." message.
    """
    t0 = time.perf_counter()
    if HAVE_NUMBA and not is_warm(vector_size, workers):
        from .model import Word2Vec
        sizes = [4] + ([int(vector_size)] if vector_size is not None and static_size(vector_size) else [])
        for size in sizes:
            for n_workers in sorted({1, max(1, int(workers))}):
                for architecture in ("skipgram", "cbow"):
                    for objective in OBJECTIVE_CODES:
                        m = Word2Vec(architecture=architecture, objective=objective, vector_size=size, window=2,
                                     negative=20, epochs=1, sample=0, seed=0, workers=min(n_workers, 2))
                        m.build_vocab([["a", "b", "c", "a"], ["b", "c"]] * 4)
                        m.train()
        if not all(d.signatures for d in _dispatchers()):  # pragma: no cover - no redraw was needed
            _alias_pick(np.zeros(1, np.int64), np.zeros(1), np.ones(1), np.zeros(1, np.int32),
                        np.zeros(1, np.int32), np.zeros(1, np.int32), np.zeros(1, np.int64))
    return time.perf_counter() - t0
