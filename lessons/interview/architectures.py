"""Interview experiments on CBOW against skip-gram: a smaller against a larger corpus, and rare words, on
a planted corpus over several seeds.

What it does not do: draw, know about Streamlit, or cache.
"""

from __future__ import annotations

from typing import Dict, List, Sequence

import numpy as np

from engine.config import Config
from engine.model import Word2Vec
from lessons.interview.setup import DIM, Progress, report_progress
from lessons.stats import answer, compare_intervals


# ------------------------------------------------------------------------------------------ questions 4, 5
def _planted_runs(corpus, seeds, settings: dict, progress: Progress, start: float, span: float, label: str):
    """Train skip-gram and CBOW on a planted corpus for each seed; rows of (architecture, seed, scores, time)."""
    import time

    from lessons.planted import neighbour_precision, quality_by_frequency

    rows = []
    runs = [(a, s) for s in seeds for a in ("skipgram", "cbow")]
    for n, (arch, seed) in enumerate(runs):
        report_progress(progress, start + span * n / len(runs), f"{label}, {arch}, seed {seed}")
        m = Word2Vec(**{**settings, "architecture": arch, "seed": seed})
        m.build_vocab(corpus.sentences)
        t0 = time.perf_counter()
        m.train()
        elapsed = time.perf_counter() - t0
        scores = neighbour_precision(m.wv, corpus, k=5)
        bins = quality_by_frequency(m.wv, corpus, k=5, n_bins=3)
        rows.append({"architecture": arch, "seed": seed, "precision": float(np.mean(list(scores.values()))),
                     "rare": bins[0]["precision"], "frequent": bins[-1]["precision"], "time": elapsed,
                     "updates": m.step_count})
    return rows


def _summary(rows: List[dict], value: str) -> Dict[str, dict]:
    """Per architecture: mean and standard deviation of `value` over the seeds, mean time and updates."""
    out = {}
    for arch in ("skipgram", "cbow"):
        mine = [r for r in rows if r["architecture"] == arch]
        v = np.array([r[value] for r in mine], dtype=np.float64)
        out[arch] = {"mean": float(np.nanmean(v)), "std": float(np.nanstd(v, ddof=1)) if len(v) > 1 else 0.0,
                     "time": float(np.mean([r["time"] for r in mine])),
                     "updates": float(np.mean([r["updates"] for r in mine]))}
    return out


def architecture_verdict(rows: List[dict], value: str) -> dict:
    """Which architecture scored higher on `value`, decided on quality alone with the seed-to-seed spread:
    lessons.stats.compare_intervals of the per-seed scores (95% Student-t intervals). "skipgram" or
    "cbow" when its interval lies wholly above the other's, else "either" (within noise: these seeds cannot
    tell them apart). Cost (updates, seconds) is reported beside it, never used to break a tie.

    >>> rows = [{"architecture": a, "p": x} for a, x in [("skipgram", .80), ("skipgram", .82), ("skipgram", .81),
    ...                                                   ("cbow", .60), ("cbow", .62), ("cbow", .61)]]
    >>> architecture_verdict(rows, "p")["choice"]
    'skipgram'
    >>> architecture_verdict([{**r, "p": .7 + .01 * i} for i, r in enumerate(rows)], "p")["choice"]
    'either'
    """
    per = {arch: [r[value] for r in rows if r["architecture"] == arch] for arch in ("skipgram", "cbow")}
    v = compare_intervals(per["skipgram"], per["cbow"])
    choice = answer(v, "skipgram", "cbow", "either")
    return {"choice": choice, "outcome": v["outcome"], "skipgram": v["a"], "cbow": v["b"], "gap": v["gap"]}


PLANTED = dict(n_groups=8, group_size=10, zipf_s=1.2, topic_share=0.4)


PLANTED_MODEL = dict(vector_size=DIM, window=3, sample=1e-3, alpha=0.025, min_alpha=1e-4, negative=5)


SEEDS = (1, 2, 3)


SMALL_TOKENS, LARGE_TOKENS, RARE_TOKENS = 4_000, 30_000, 8_000


def small_vs_large(seeds: Sequence[int] = SEEDS, small_tokens: int = SMALL_TOKENS, large_tokens: int = LARGE_TOKENS,
                   small_epochs: int = 20, large_epochs: int = 5, progress: Progress = None) -> dict:
    """Skip-gram versus CBOW on a small and a large planted corpus (same settings and seeds for both).

    Quality: precision@5 of the planted groups (a word's 5 nearest planted words in its own group).
    """
    from lessons.planted import planted_corpus

    out, rows, verdicts = {}, [], {}
    for i, (size, tokens, epochs) in enumerate([("small", small_tokens, small_epochs),
                                                ("large", large_tokens, large_epochs)]):
        corpus = planted_corpus(n_tokens=tokens, seed=7, **PLANTED)
        runs = _planted_runs(corpus, seeds, {**PLANTED_MODEL, "epochs": epochs}, progress, i / 2, 0.5, size)
        rows += [{"corpus": size, "tokens": corpus.n_tokens(), "epochs": epochs, **r} for r in runs]
        out[size] = _summary(runs, "precision")
        verdicts[size] = architecture_verdict(runs, "precision")
    report_progress(progress, 1.0, "done")
    return {"rows": rows, "summary": out, "seeds": list(seeds), "verdicts": verdicts, "cbow_rule": cbow_rule(),
            "truth": {"small": verdicts["small"]["choice"], "large": verdicts["large"]["choice"]}}


def rare_words(seeds: Sequence[int] = SEEDS, tokens: int = RARE_TOKENS, epochs: int = 10,
               progress: Progress = None) -> dict:
    """Skip-gram versus CBOW on the rarest third of the planted words (and on the most frequent third)."""
    from lessons.planted import planted_corpus

    corpus = planted_corpus(n_tokens=tokens, seed=11, **PLANTED)
    runs = _planted_runs(corpus, seeds, {**PLANTED_MODEL, "epochs": epochs}, progress, 0.0, 1.0, "rare")
    rare, freq = _summary(runs, "rare"), _summary(runs, "frequent")
    verdict = architecture_verdict(runs, "rare")
    report_progress(progress, 1.0, "done")
    return {"rows": runs, "rare": rare, "frequent": freq, "tokens": corpus.n_tokens(), "epochs": epochs,
            "seeds": list(seeds), "verdict": verdict, "cbow_rule": cbow_rule(), "truth": {"better": verdict["choice"]}}


def cbow_rule() -> str:
    """The name (a key of lessons.claims.CBOW_RULES: "sum", "mean_exact", "mean_word2vec") of the rule CBOW runs
    with in these experiments, read from the settings the runs use.

    >>> cbow_rule()
    'sum'
    """
    from lessons.claims import CBOW_RULES

    config = Config(**{**PLANTED_MODEL, "architecture": "cbow"})
    return next(name for name, rule in CBOW_RULES.items()
                if all(getattr(config, k) == v for k, v in rule.items()))
