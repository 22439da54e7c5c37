"""The compiled kernel: the model's update rule (engine/update.py) over many examples, with numba.

What it does:
1. run_examples applies examples start..end-1 of a chunk (engine/examples.py) to W_in and
   W_out in place, with exactly the update rule of update.UpdateRule.apply, for all six models
   (skip-gram / CBOW x full softmax / hierarchical softmax / negative sampling); the rule's
   choices reach the kernel as rule.kernel_flags (objective code, h is the mean, divide the inputs,
   read sigma from word2vec.c's table: objectives.SIGMOID_TABLE as float32, word2vec.c's `real`):
   - h = sum (or, for the CBOW mean, mean) of the input rows, accumulated in float32 as NumPy does;
   - scores = W_out[out_rows] @ h, probabilities, loss and gradients, all from the weights *before*
     this example's update;
   - W_out[out_rows] -= lr * grad_out, then W_in[id] -= lr * grad_hidden (/ n_inputs for the exact
     CBOW mean) for every input id; repeated rows (two equal negatives, a word twice in a CBOW
     window) accumulate, as np.add.at does;
   - if the loss or a gradient is NaN or inf, nothing is written; if the update would take a weight
     beyond float32's range, the touched rows are put back (as update.py does). Either way training
     stops *before* that example (diverged=True, n_done = examples applied), so the caller can
     raise TrainingDiverged with the last good weights.
   Precision: the dot products and the row updates are float32 arithmetic, the weights' own type
   (word2vec.c and gensim compute in float32 too; it halves the work per vector instruction); the
   probabilities, the loss and the gradient factors (probs - labels) are float64, as in
   objectives.py. update.py does everything in float64, so the two differ in the last bits of each
   update (relative 1e-7), which is what the tests' tolerance (rtol=1e-4) allows. An example whose
   row norms say a float32 sum could overflow is computed in float64 exactly as update.py does it, and so
   is every example with the table (a step function: float32's last bits would soon read other entries).
   The loss of every example is summed in float64 and returned, so progress can report it honestly.
2. run_examples_numpy is the readable reference (and the fallback without numba): a loop over
   UpdateRule.apply itself, the transparent trainer's own update.
What it does not do: choose examples, decide the learning rate or own the random generator
(examples.py does, so the fast and the step trainer see one stream), build traces (step.py), run
the threads of a whole training (pipeline.py), or compile up front (warmup.py).

Why numba: plain loops over NumPy arrays that a student can read beside the update rule, compiled
to machine code on first use and cached on disk (cache=True: in engine/fast/__pycache__/, beside this
file); from vector size STATIC_MIN_D on, one kernel per exact size (size_marker, below: a row of 100
floats becomes seven 16-wide vector instructions, ~25% faster). nogil=True lets several threads update
the shared weights at once (Hogwild, as word2vec.c and gensim; workers >= 2: results vary slightly from
run to run), each between building its own chunks. fastmath is only "reassoc" and "contract" (vectorised
sums, fused multiply-add), so the NaN / inf checks stay exact. workers=1 is deterministic and follows
the stream in order.

    >>> import numpy as np
    >>> from engine import Word2Vec
    >>> m = Word2Vec(vector_size=8, epochs=1, sample=0).build_vocab([["a", "b", "c"]] * 3)
    >>> chunk = m.stream.chunk(0)
    >>> loss_sum, n_done, diverged = run_examples(m.W_in, m.W_out, chunk, 0, 4, m.rule, None)
    >>> n_done, diverged, bool(loss_sum > 0)
    (4, False, True)
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

try:  # numba is in requirements.txt; without it the NumPy reference below still trains (slowly)
    from numba import njit
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - only on a machine without numba
    HAVE_NUMBA = False

from .batched import _batch_compiled
from .rows import _distinct, _private_rows, _sync_hot, _update_rows32, _update_rows64
from .sigmoid import logistic
from ..objectives import EXP_TABLE_STEP, MAX_EXP, SIGMOID_TABLE
from ..update import TrainingDiverged, UpdateRule

FLOAT32_SAFE = 3.0e38    # float32's largest value is 3.4028e38; an update that could reach this is checked exactly
STATIC_MIN_D = 32        # from this vector size on, the kernel is compiled for the exact size (faster loops)
MAX_STATIC_D = 1000      # numba's tuples (the size marker) stay short below this; larger sizes use the generic kernel
MAX_STATIC_NEGATIVE = 20 # the batched kernel is compiled for the exact k up to this many negatives (_negatives_marker)
TABLE32 = SIGMOID_TABLE.astype(np.float32)   # word2vec.c's table in its `real` type (the same values), for the kernel
DEFERRED_SIZES: set = set()  # sizes whose own kernel compiles in another process: the any-size one serves them meanwhile (ui/compiling.py)


# ---------------------------------------------------------------------------- the NumPy reference
def run_examples_numpy(W_in, W_out, chunk, start, end, rule: UpdateRule, tree):
    """The readable reference (and fallback without numba): rule.apply over examples start..end-1 (or, with
    ns_batching, rule.apply_batch over their centers).

    Returns (loss_sum, n_done, diverged), like run_examples with workers=1.
    """
    total = 0.0
    if rule.batched:
        e = start
        while e < end:
            b = min(end, chunk.batch_end(e))
            inputs = chunk.input_ids[chunk.input_ptr[e]:chunk.input_ptr[b]]
            try:
                u = rule.apply_batch(W_in, W_out, inputs, chunk.targets[e:b], chunk.negatives[e], float(chunk.lr[e]))
            except TrainingDiverged:
                return total, e - start, True
            total += u.loss
            e = b
        return total, end - start, False
    for e in range(start, end):
        try:
            u = rule.apply(W_in, W_out, chunk.inputs(e), int(chunk.targets[e]), chunk.negatives[e],
                           float(chunk.lr[e]), tree)
        except TrainingDiverged:
            return total, e - start, True
        total += u.loss
    return total, end - start, False


# ---------------------------------------------------------------------------- the compiled kernel
# The kernel works in float32 (the weights' type; word2vec.c and gensim compute in float32 too) and
# falls back to float64 arithmetic, exactly as update.py, for an example whose row norms say a float32
# sum or update could overflow: there it copies the rows, updates, checks and puts them back if a
# weight became inf (training then stops before that example).
def _kernel(W_in, W_out, targets, input_ptr, input_ids, negatives, lrs, start, end, objective, mean,
            path_array, code_array, lengths, flag, divide, use_table, table, hot_rows_max, hot_sync,
            size_marker, hot_marker):
    """Apply examples start..end-1; returns (loss_sum, n_done, diverged).

    objective: 0 softmax, 1 hierarchical softmax, 2 negative sampling. divide: for the CBOW mean,
    divide the input rows' update by n_in (the exact gradient) or not (word2vec.c's rule). use_table: HS
    and NS read sigma from table (TABLE32) with word2vec.c's rules, as objectives.table_logistic_loss.
    flag (1,) int32 is shared by the slices of one train() call: a diverging example sets it and
    every example checks it first.
    size_marker: () for any vector size, or a tuple of d zeros (see static_size): numba compiles a
    kernel for each argument type, and a tuple's type holds its length, so that kernel knows d at
    compile time (each loop over a row becomes a few full-width vector instructions, with no
    remainder loop) and is cached on disk like any other.
    hot_marker: () or (0,): with (0,) (two workers, hierarchical softmax or negative sampling; see
    _private_rows), W_out's rows 0..n_hot-1, n_hot = min(hot_rows_max, rows of W_out) (the most visited
    rows: the Huffman tree's top nodes, or the most frequent words' output rows, as ids go by decreasing
    count) live in this thread's private copy while it runs; every hot_sync examples and at the end it
    adds its updates of them to W_out and takes the sum back. Each thread so sees the other's updates
    of those rows up to hot_sync examples late (Hogwild is lock-free and racy anyway). The marker is
    a compile-time constant, so with () n_hot is 0 when compiled and every `n_hot > 0 and ...` test
    disappears from the compiled code. The row of id r is fetched with a one-line expression
    written out at every use: as a small helper function numba compiled it about 2x slower.
    """
    d = len(size_marker) if len(size_marker) > 0 else W_in.shape[1]
    n_hot = min(hot_rows_max, W_out.shape[0]) if len(hot_marker) > 0 else 0
    since_sync = 0                               # examples applied since the last merge of the private rows
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
    table_lo, table_hi = np.float64(table[0]), np.float64(table[2 * MAX_EXP * EXP_TABLE_STEP])
    loss_sum = 0.0
    n_done = 0
    diverged = False
    for e in range(start, end):
        if flag[0] != 0:
            break
        if n_hot > 0:
            if since_sync >= hot_sync:
                _sync_hot(W_out, hot_rows, hot_base, d)
                since_sync = 0
            since_sync += 1
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
        # example is redone in float64, as update.py does it. With the table always: a lookup is a step, so
        # float32's last-bit differences from step() would soon read neighbouring entries (tested: rtol 1e-4).
        out_norm, h_norm, in_norm = math.sqrt(out_sq), math.sqrt(h_sq), math.sqrt(in_sq)
        careful = use_table or not (out_norm * h_norm < FLOAT32_SAFE
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
                if use_table:                                   # word2vec.c's table: see table_logistic_loss
                    p = (np.float64(table[int((s + MAX_EXP) * EXP_TABLE_STEP)]) if -MAX_EXP <= s <= MAX_EXP
                         else (1.0 if s > 0 else 0.0))
                    q = min(max(p, table_lo), table_hi)         # loss: -log of the clamped table value
                    prod *= q if labels[j] > 0.5 else 1.0 - q  # each factor >= ~0.0025: a log every 64
                    if j % 64 == 63:
                        loss -= math.log(prod)
                        prod = 1.0
                    skip = objective == 1 and not (-MAX_EXP < s < MAX_EXP)  # HS: word2vec.c skips the node
                    g[j] = 0.0 if skip else p - labels[j]
                    continue
                p, factor = logistic(s)                         # sigmoid(s), 1 + exp(-|s|) in (1, 2]
                x = -s if labels[j] > 0.5 else s
                loss += max(x, 0.0)
                prod *= factor
                if j % 512 == 511:
                    loss += math.log(prod)
                    prod = 1.0
                g[j] = p - labels[j]
            loss += -math.log(prod) if use_table else math.log(prod)
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

        # the exact update, as update.py: float64, and the rows copied first if it might overflow
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
            if bad:                               # float32 overflow: put the rows back, as update.py does
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
    _kernel_compiled = _fast_jit(_kernel)
else:  # pragma: no cover
    _kernel_compiled = None


# ---------------------------------------------------------------------------- calling the kernel
_EMPTY_PATHS = np.zeros((1, 1), dtype=np.int32)
_EMPTY_CODES = np.zeros((1, 1), dtype=np.int8)
_EMPTY_LENGTHS = np.zeros(1, dtype=np.int32)
def static_size(d: int) -> int:
    """The kernel's compile-time vector size for d: d itself from STATIC_MIN_D on, else 0 (any size).

    >>> static_size(100), static_size(8), static_size(5000)
    (100, 0, 0)
    """
    return int(d) if STATIC_MIN_D <= d <= MAX_STATIC_D else 0


def _size_marker(d: int) -> tuple:
    """The kernel's size_marker argument: (0,) * static_size(d).

    >>> _size_marker(8), len(_size_marker(40))
    ((), 40)
    """
    return () if int(d) in DEFERRED_SIZES else (0,) * static_size(d)


def _negatives_marker(k: int, size_marker: tuple) -> tuple:
    """The batched kernel's negatives_marker: k zeros when it is compiled for an exact vector size and
    1 <= k <= MAX_STATIC_NEGATIVE, else () (k read at run time). Each (size, k) is a kernel of its own, compiled on
    its first use (a few seconds; warm_up compiles the default k).

    >>> _negatives_marker(5, (0,) * 100), _negatives_marker(5, ()), _negatives_marker(50, (0,) * 100)
    ((0, 0, 0, 0, 0), (), ())
    """
    return (0,) * int(k) if (len(size_marker) > 0 and 1 <= k <= MAX_STATIC_NEGATIVE) else ()


def _tree_arrays(tree):
    if tree is None:
        return _EMPTY_PATHS, _EMPTY_CODES, _EMPTY_LENGTHS
    return (np.ascontiguousarray(tree.path_array, dtype=np.int32),
            np.ascontiguousarray(tree.code_array, dtype=np.int8),
            np.ascontiguousarray(tree.lengths, dtype=np.int32))


def run_examples(W_in, W_out, chunk, start, end, rule: UpdateRule, tree, workers=1,
                 flag: Optional[np.ndarray] = None):
    """Apply examples start..end-1 of chunk in order, in the calling thread. Returns (loss_sum, n_done, diverged).
    With ns_batching (rule.batched) start and end must be at a center's boundary (Chunk.batch_end), and
    each center is one update (_batch_kernel).

    Exactly rule.apply's update for each example (see the module docstring); stops before the first
    example whose loss or gradients are NaN/inf, or whose update overflows float32. The kernel holds
    no GIL, so several threads may call this at once on the same weights (Hogwild; pipeline.py does):
    workers is how many do (with more than one, each keeps a private copy of the busiest W_out rows
    with hierarchical softmax or negative sampling, _private_rows). flag: (1,) int32 shared by the calls
    that must stop together: a diverging example sets it, and every example checks it first.
    """
    if not HAVE_NUMBA:  # pragma: no cover
        return run_examples_numpy(W_in, W_out, chunk, start, end, rule, tree)
    if end <= start:
        return 0.0, 0, False
    flag = np.zeros(1, dtype=np.int32) if flag is None else flag
    if rule.batched:
        size_marker = _size_marker(W_in.shape[1])
        s, n, dv = _batch_compiled(W_in, W_out, chunk.targets, chunk.input_ptr, chunk.input_ids, chunk.negatives,
                                   chunk.lr, chunk.center_pos, start, end, flag, size_marker,
                                   _negatives_marker(chunk.negatives.shape[1], size_marker))
        return float(s), int(n), bool(dv)
    paths, codes, lengths = _tree_arrays(tree)
    code, mean, divide, use_table = rule.kernel_flags
    hot_marker, hot_rows_max, hot_sync = _private_rows(code, workers, W_in.shape[1])
    s, n, dv = _kernel_compiled(W_in, W_out, chunk.targets, chunk.input_ptr, chunk.input_ids,
                                chunk.negatives, chunk.lr, start, end, code, mean, paths, codes, lengths,
                                flag, divide, use_table, TABLE32, hot_rows_max, hot_sync,
                                _size_marker(W_in.shape[1]), hot_marker)
    return float(s), int(n), bool(dv)
