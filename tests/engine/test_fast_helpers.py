"""The compiled kernels' helpers (engine/fast/sigmoid.py, engine/fast/prefetch.py) against NumPy.

The kernels' own results are checked against the step trainer in test_fast.py and test_batching.py; here the
pieces: the written-out exp to double precision, sigma without overflow, and a prefetch that changes nothing.
"""

import numpy as np
import pytest
from numba import njit

from engine.fast.prefetch import prefetch_row
from engine.fast.sigmoid import LOWEST, exp_nonpositive, logistic
from engine.objectives import sigmoid


@njit
def _exp_all(xs):
    out = np.empty_like(xs)
    for i in range(xs.shape[0]):
        out[i] = exp_nonpositive(xs[i])
    return out


@njit
def _logistic_all(s):
    p = np.empty_like(s)
    factor = np.empty_like(s)
    for i in range(s.shape[0]):
        p[i], factor[i] = logistic(s[i])
    return p, factor


def test_exp_nonpositive_is_numpy_s_exp_to_two_units_in_the_last_place():
    rng = np.random.default_rng(0)
    xs = -np.concatenate([rng.uniform(0, 1, 200_000), rng.uniform(0, 60, 200_000), rng.uniform(0, 708, 200_000),
                          np.log(2) * np.arange(0, 1000) / 2, [0.0, 5e-324, 1e-300, 1e-17, 0.5 * np.log(2)]])
    got, want = _exp_all(xs), np.exp(xs)
    assert got[-5] == 1.0                                       # exp(0) exactly
    np.testing.assert_array_less(np.abs(got - want), 5e-16 * want)


def test_exp_nonpositive_far_below_stays_tiny_and_never_negative_or_nan():
    got = _exp_all(np.array([LOWEST, -745.0, -1e4, -np.inf]))
    assert np.all(got >= 0) and np.all(got < 1e-320)


def test_logistic_is_objectives_sigmoid_and_its_loss_factor_without_overflow():
    s = np.concatenate([np.linspace(-40, 40, 8001), [-1e300, -750.0, 750.0, 1e300, 0.0]])
    p, factor = _logistic_all(s)
    np.testing.assert_allclose(p, sigmoid(s), rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(factor, 1.0 + np.exp(-np.abs(s)), rtol=1e-15)   # the kernels sum log(prod factors)
    assert p[-1] == 0.5 and factor[-1] == 2.0 and np.all((p >= 0) & (p <= 1))


@njit
def _prefetch_every_row_then_sum(W):
    for r in range(W.shape[0]):
        prefetch_row(W, r)
    return W.sum()


@pytest.mark.parametrize("d", [1, 3, 16, 100, 101])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_prefetch_row_reads_nothing_wrong_and_changes_nothing(d, dtype):
    W = np.random.default_rng(d).standard_normal((7, d)).astype(dtype)
    before = W.copy()
    assert _prefetch_every_row_then_sum(W) == pytest.approx(float(before.sum()), rel=1e-5)
    np.testing.assert_array_equal(W, before)


def test_prefetch_row_compiles_to_prefetch_instructions_one_per_line():
    W = np.zeros((4, 100), dtype=np.float32)
    _prefetch_every_row_then_sum(W)
    asm = _prefetch_every_row_then_sum.inspect_asm(_prefetch_every_row_then_sum.signatures[-1])
    assert "prefetcht0" in asm or "prfm" in asm                 # x86-64 or ARM
