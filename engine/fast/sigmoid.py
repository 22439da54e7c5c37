"""The compiled kernels' sigma: sigma(s) and its loss factor from an exp written out, to double precision.

What it does: logistic(s) = (sigma(s), 1 + exp(-|s|)) for a float64 score s, as objectives.sigmoid computes sigma
(no overflow for any s); the kernels sum the loss as max(x, 0) + log(prod of the factors) (one log per example).
exp_nonpositive(x) = exp(x) for x <= 0, relative error below 5e-16 (about 2 units in the last place of
float64; tests/engine/test_fast.py checks it against NumPy's exp over [-708, 0]). Range reduction as in libm's
exp (Cody and Waite): x = r - n ln 2 with n = round(-x / ln 2) and |r| <= ln 2 / 2, ln 2 split into a high and a
low part so that r is exact to a few bits; exp(r) by its Taylor series to r^12 / 12! (the first term left out is
below 2^-53 of exp(r)), then times 2^-n read from a table of powers of two.
Why not math.exp: numba compiles it to a call of glibc's exp, opaque to the compiler: ~5.3 ns per value in a
compiled loop over 3M values here, against ~1-1.5 ns for this one, which the compiler inlines and schedules with
the code around it. In the batched kernel (scores first, then this over all of them) it made an example 3-18%
cheaper (median of interleaved rounds on head500, the kernel alone as bench/hogwild_sharing.py runs it); in the
unbatched kernel it changed nothing measurable (0.97-1.03x), and is there so that both compute sigma alike.
What it does not do: positive x (the kernels never need it: they exponentiate -|s|), or word2vec.c's table
(objectives.SIGMOID_TABLE, which the kernel reads when the model asks for it).

    >>> import math
    >>> [round(v, 6) for v in logistic(0.0) + logistic(-2.0)]     # sigma(0), 1 + e^0, sigma(-2), 1 + e^-2
    [0.5, 2.0, 0.119203, 1.135335]
    >>> all(abs(exp_nonpositive(x) - math.exp(x)) <= 5e-16 * math.exp(x) for x in (0.0, -0.3, -1.0, -17.5, -700.0))
    True
"""

from __future__ import annotations

import math

import numpy as np

try:
    from numba import njit
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - only on a machine without numba
    HAVE_NUMBA = False

LOG2E = 1.4426950408889634                 # 1 / ln 2
LN2_HI = 6.93147180369123816490e-01        # ln 2 = LN2_HI + LN2_LO; LN2_HI has its last 32 bits zero (fdlibm's),
LN2_LO = 1.90821492927058770002e-10        # so n * LN2_HI is exact for |n| < 2^21
LOWEST = -740.0                            # exp(-740) ~ 4e-322, the last few subnormal steps: below it, that value
POW2_NEG = np.ldexp(1.0, -np.arange(1075))  # (1075,) 2^-n for n = 0..1074
TAYLOR = tuple(1.0 / math.factorial(i) for i in range(13))   # 1 / i!, i = 0..12


def exp_nonpositive(x):
    """exp(x) for x <= 0 (for x < LOWEST, about exp(LOWEST): a value far below anything the kernels add it to)."""
    x = max(x, LOWEST)
    n = math.floor(-x * LOG2E + 0.5)               # exp(x) = 2^-n exp(r)
    r = (x + n * LN2_HI) + n * LN2_LO               # |r| <= ln 2 / 2 (+ rounding)
    p = TAYLOR[12]
    for i in range(11, -1, -1):                     # Horner: sum_i r^i / i!
        p = p * r + TAYLOR[i]
    return p * POW2_NEG[int(n)]


if HAVE_NUMBA:                              # compiled before logistic, which calls it
    exp_nonpositive = njit(cache=True, nogil=True, inline="always", fastmath={"contract"})(exp_nonpositive)


def logistic(s):
    """(sigma(s), 1 + exp(-|s|)): q = exp(-|s|) is in (0, 1], so sigma(s) = 1 / (1 + q) for s >= 0 and q / (1 + q)
    below, without overflow; log(1 + q) is the loss of a score on its right side (-log sigma(|s|))."""
    q = exp_nonpositive(-abs(s))
    return (1.0 if s >= 0 else q) / (1.0 + q), 1.0 + q


if HAVE_NUMBA:
    logistic = njit(cache=True, nogil=True, inline="always", fastmath={"contract"})(logistic)
