"""Summaries over seeds and the verdicts built on them, each with a distinct name.

interval: the mean and Student-t confidence interval of a set of scores; compare_intervals: which of two
sets of scores is higher when their intervals do not overlap, else "noise".
What it does not do: train or score (see lessons.measures for the measures themselves).

    >>> compare_intervals([0.80, 0.82, 0.81], [0.60, 0.62, 0.61])["outcome"]
    'a'
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np


def interval(values: Sequence[float], level: float = 0.95) -> dict:
    """Mean and Student-t confidence interval of values (NaNs left out): mean, lo, hi, half, n, min, max.

    With fewer than two values the interval is unknown (lo = hi = NaN, half = NaN).

        >>> r = interval([0.5, 0.6, 0.7]); round(r["mean"], 3), round(r["half"], 3)
        (0.6, 0.248)
    """
    v = np.array([x for x in values if x is not None and not math.isnan(x)], dtype=np.float64)
    n = len(v)
    if n == 0:
        return {"mean": math.nan, "lo": math.nan, "hi": math.nan, "half": math.nan, "n": 0, "min": math.nan,
                "max": math.nan, "std": math.nan}
    mean, half, std = float(v.mean()), math.nan, math.nan
    if n >= 2:
        from scipy.stats import t as student_t
        std = float(v.std(ddof=1))
        half = float(student_t.ppf(0.5 + level / 2, n - 1) * std / math.sqrt(n))
    return {"mean": mean, "lo": mean - half, "hi": mean + half, "half": half, "n": n, "min": float(v.min()),
            "max": float(v.max()), "std": std}


def compare_intervals(a: Sequence[float], b: Sequence[float], level: float = 0.95) -> dict:
    """Compare two sets of scores (higher is better) by their confidence intervals.

    outcome: "a" or "b" (its interval lies wholly above the other's), "noise" (the intervals overlap:
    the runs cannot tell them apart), "unknown" (fewer than two scores on a side: no interval), or
    "unscored" (a side has no score at all, e.g. too few benchmark pairs were known: NaN).
    Also: the two intervals ("a", "b") and gap = mean(a) - mean(b).

        >>> compare_intervals([0.80, 0.82, 0.81], [0.60, 0.62, 0.61])["outcome"]
        'a'
        >>> compare_intervals([0.80, 0.70, 0.90], [0.75, 0.85, 0.65])["outcome"]
        'noise'
    """
    ia, ib = interval(a, level), interval(b, level)
    if ia["n"] == 0 or ib["n"] == 0:
        outcome = "unscored"
    elif ia["n"] < 2 or ib["n"] < 2:
        outcome = "unknown"
    elif ia["lo"] > ib["hi"]:
        outcome = "a"
    elif ib["lo"] > ia["hi"]:
        outcome = "b"
    else:
        outcome = "noise"
    return {"outcome": outcome, "a": ia, "b": ib, "gap": ia["mean"] - ib["mean"]}


def answer(verdict: dict, if_a: str, if_b: str, otherwise: str) -> str:
    """A comparison's answer in a question's own words: `if_a` when a's interval lies wholly above b's, `if_b`
    when b's does, else `otherwise` (within noise, or no interval to judge by).

    >>> answer(compare_intervals([0.80, 0.82, 0.81], [0.60, 0.62, 0.61]), "skipgram", "cbow", "either")
    'skipgram'
    """
    return {"a": if_a, "b": if_b}.get(verdict["outcome"], otherwise)

