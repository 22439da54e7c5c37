"""The batched kernel: ns_batching="shared_negatives" (skip-gram, negative sampling), compiled with numba.

What it does: update.UpdateRule.apply_batch (the step trainer's batched update) over many examples, center
after center, in float32 (see _batch_kernel); kernel.run_examples calls it when the model's rule is batched.
What it does not do: the unbatched update (kernel.py), choose examples or negatives (examples.py: a center's
examples take the negatives of its first example here), or run threads (pipeline.py).
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is in requirements.txt; without it kernel.run_examples_numpy trains (slowly)
    from numba import njit
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - only on a machine without numba
    HAVE_NUMBA = False

from .prefetch import prefetch_row
from .sigmoid import logistic

def _add_scaled(row, a, x, d):
    """row[:d] += a * x[:d] (float32, in place; d is the kernel's compile-time size when it has one, so the loop is
    whole vector instructions); True when the row's sum is still finite (no float32 overflow). With a = 1 the
    result is row + x exactly (the product is exact and fused multiply-add rounds once)."""
    total = np.float32(0.0)
    for c in range(d):
        v = row[c] + a * x[c]
        row[c] = v
        total += v
    return math.isfinite(total)


if HAVE_NUMBA:                                      # compiled before the kernel that calls it
    _add_scaled = njit(cache=True, nogil=True, inline="always", fastmath={"contract"})(_add_scaled)


def _loss_and_gradients(S, G, labels, n, lr):
    """G[t] = -lr (sigma(S[t]) - labels[t]) for t < n, and the loss sum_t max(x_t, 0) + log(prod_t (1 + exp(-|S[t]|)))
    with x_t = -S[t] (label 1) or S[t] (label 0): one log per 512 scores (each factor is in (1, 2]).

    S, G: a center's scores and gradients as flat float32 arrays (row after row of the (m, 1+k) matrices);
    labels: float64, 1 where a score is a target's. A function of its own, with IEEE division (error_model="numpy":
    numba's default checks every division for zero, and that check keeps the loop scalar): the loop then compiles
    to vector instructions, exp included (sigmoid.exp_nonpositive): the batched kernel became ~7% faster per example.
    """
    loss = 0.0
    for start in range(0, n, 512):
        prod = 1.0
        for t in range(start, min(start + 512, n)):
            s = np.float64(S[t])
            label = labels[t]
            p, factor = logistic(s)
            loss += max(s - 2.0 * label * s, 0.0)
            prod *= factor
            G[t] = np.float32(-lr * (p - label))
        loss += math.log(prod)
    return loss


if HAVE_NUMBA:                                      # compiled before the kernel that calls it
    _loss_and_gradients = njit(cache=True, nogil=True, fastmath={"reassoc", "contract"},
                               error_model="numpy")(_loss_and_gradients)


def _target_labels(cap, k):
    """(cap (1+k),) float64: 1.0 at each row's first score (the target's), 0.0 at the k negatives'."""
    labels = np.zeros(cap * (1 + k))
    labels[::1 + k] = 1.0
    return labels


if HAVE_NUMBA:
    _target_labels = njit(cache=True, nogil=True)(_target_labels)


def _batch_kernel(W_in, W_out, targets, input_ptr, input_ids, negatives, lrs, center_pos, start, end, flag,
                  size_marker, negatives_marker):
    """ns_batching="shared_negatives" (skip-gram, negative sampling): update.UpdateRule.apply_batch in float32,
    center after center over examples start..end-1 (both at a center's boundary). Returns (loss_sum, n_done,
    diverged).

    For the m examples of a center: copy their input rows X (m, d), target rows T (m, d) and the k shared
    negatives' rows N (k, d) (the first example's negatives); scores X_i . T_i and the m x k product X N^T;
    G = sigma(scores) - labels (float64, as objectives.py); then every row moves by its summed gradient,
    computed from those copies: W_in[in_i] -= lr (G_i0 T_i + sum_j G_ij N_j), W_out[t_i] -= lr G_i0 X_i,
    W_out[n_j] -= lr sum_i G_ij X_i. Reading the k negative rows once for m examples instead of m times
    (and drawing them once) is where the speed comes from (Ji et al. 2016). A NaN or inf loss writes
    nothing; a written row whose sum is not finite (float32 overflow) puts every row of the center back;
    either way training stops before that center (flag set, diverged=True).
    size_marker and negatives_marker: () or tuples of d and of k zeros (kernel._size_marker, kernel._negatives_marker):
    their lengths are compile-time constants of the kernel compiled for them. With k known, the input rows' update
    keeps its sum over the k + 1 output rows in vector registers (one pass over each row instead of k + 2:
    ~1.1-1.2x per example); with it unknown that loop would not vectorise, and the update goes through `acc`.
    """
    d = len(size_marker) if len(size_marker) > 0 else W_in.shape[1]
    k = len(negatives_marker) if len(negatives_marker) > 0 else negatives.shape[1]
    cap = 64
    X = np.zeros((cap, d), dtype=np.float32)        # (m, d) the input rows before the update
    T = np.zeros((cap, d), dtype=np.float32)        # (m, d) the target rows before
    S = np.zeros((cap, 1 + k), dtype=np.float32)    # (m, 1+k) the scores
    labels = _target_labels(cap, k)                 # (m (1+k),) 1 at each row's target score, as S.reshape(-1)
    G = np.zeros((cap, 1 + k), dtype=np.float32)    # (m, 1+k) -lr * (sigma(scores) - labels)
    N = np.zeros((k, d), dtype=np.float32)          # (k, d) the shared negatives' rows before
    acc = np.zeros(d, dtype=np.float32)             # (d,) one row's update
    D = np.zeros((k, d), dtype=np.float32)          # (k, d) the negatives' updates (k known when compiled)
    loss_sum = 0.0
    n_done = 0
    diverged = False
    e = start
    next_end = start                                # the end of the center at e, once known
    while e < end:
        if flag[0] != 0:
            break
        if next_end <= e:                               # the center's end, unless the prefetch below found it
            next_end = e + 1
            while next_end < end and center_pos[next_end] == center_pos[e]:
                next_end += 1
        e1 = next_end
        m = e1 - e
        if m > cap:
            cap = 2 * m
            X = np.zeros((cap, d), dtype=np.float32)
            T = np.zeros((cap, d), dtype=np.float32)
            S = np.zeros((cap, 1 + k), dtype=np.float32)
            labels = _target_labels(cap, k)
            G = np.zeros((cap, 1 + k), dtype=np.float32)
        lr = lrs[e]
        for i in range(m):
            xi = W_in[input_ids[input_ptr[e + i]]]
            ti = W_out[targets[e + i]]
            for c in range(d):
                X[i, c] = xi[c]
                T[i, c] = ti[c]
        if e1 < end:                                    # the next center's rows start loading meanwhile
            f = e1
            while f < end and center_pos[f] == center_pos[e1]:
                prefetch_row(W_in, input_ids[input_ptr[f]])
                prefetch_row(W_out, targets[f])
                f += 1
            next_end = f                                # the next center's end, for the next iteration
            for j in range(k):
                prefetch_row(W_out, negatives[e1, j])
        for j in range(k):
            nj = W_out[negatives[e, j]]
            for c in range(d):
                N[j, c] = nj[c]
        # scores S = [X_i . T_i | X N^T] (m, 1+k), each dot in float32 as the weights; then sigma, the loss and G in
        # float64 over all m(1+k) scores in one flat loop (_loss_and_gradients)
        for i in range(m):
            s32 = np.float32(0.0)
            for c in range(d):
                s32 += X[i, c] * T[i, c]
            S[i, 0] = s32
            for j in range(k):
                s32 = np.float32(0.0)
                for c in range(d):
                    s32 += X[i, c] * N[j, c]
                S[i, 1 + j] = s32
        loss = _loss_and_gradients(S.reshape(S.size), G.reshape(G.size), labels, m * (1 + k), lr)
        if not math.isfinite(loss):
            flag[0] = 1
            diverged = True
            break
        bad = False
        for i in range(m):                              # W_in[in_i] += -lr * (G_i0 T_i + sum_j G_ij N_j)
            g0 = G[i, 0]
            if len(negatives_marker) > 0:               # k known when compiled: the sum over j stays in registers,
                row = W_in[input_ids[input_ptr[e + i]]]  # and the negatives' updates D gather in the same pass
                total = np.float32(0.0)
                for c in range(d):
                    v = g0 * T[i, c]
                    xi = X[i, c]
                    for j in range(k):
                        gij = G[i, 1 + j]
                        v += gij * N[j, c]
                        D[j, c] += gij * xi
                    x = row[c] + v
                    row[c] = x
                    total += x
                bad = not math.isfinite(total) or bad
                continue
            for c in range(d):
                acc[c] = g0 * T[i, c]
            for j in range(k):
                gj = G[i, 1 + j]
                for c in range(d):
                    acc[c] += gj * N[j, c]
            bad = not _add_scaled(W_in[input_ids[input_ptr[e + i]]], np.float32(1.0), acc, d) or bad
        for i in range(m):                              # W_out[t_i] += -lr * G_i0 X_i
            bad = not _add_scaled(W_out[targets[e + i]], G[i, 0], X[i], d) or bad
        for j in range(k):                              # W_out[n_j] += -lr * sum_i G_ij X_i
            if len(negatives_marker) > 0:               # summed above, in D
                bad = not _add_scaled(W_out[negatives[e, j]], np.float32(1.0), D[j], d) or bad
                for c in range(d):
                    D[j, c] = 0.0
                continue
            gj = G[0, 1 + j]
            for c in range(d):
                acc[c] = gj * X[0, c]
            for i in range(1, m):
                gj = G[i, 1 + j]
                for c in range(d):
                    acc[c] += gj * X[i, c]
            bad = not _add_scaled(W_out[negatives[e, j]], np.float32(1.0), acc, d) or bad
        if bad:                                         # float32 overflow: put the center's rows back
            for i in range(m):
                W_in[input_ids[input_ptr[e + i]]] = X[i]
                W_out[targets[e + i]] = T[i]
            for j in range(k):
                W_out[negatives[e, j]] = N[j]
            flag[0] = 1
            diverged = True
            break
        loss_sum += loss
        n_done += m
        e = e1
    return loss_sum, n_done, diverged


if HAVE_NUMBA:
    _batch_compiled = njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})(_batch_kernel)
else:  # pragma: no cover
    _batch_compiled = None
