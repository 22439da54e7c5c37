"""Interview experiments on the geometry of the vectors: SGNS as a factorisation of shifted PMI (Levy &
Goldberg 2014), and nearest neighbours under one-hot, count and Word2Vec vectors.

What it does not do: draw, know about Streamlit, or cache.
"""

from __future__ import annotations

from typing import Dict, List

import numpy as np

from lessons.pmi import correlation, pair_counts, pair_dots
from lessons.pmi import shifted_pmi as shifted_pmi_pairs
from lessons.interview.setup import Progress, Setup, epochs_for, reference_model, report_progress
from lessons.measures import cosine_matrix, mean_group_precision


def self_context_rate(sentences, vocab, window: int) -> float:
    """Share of (word, context) pairs in the corpus windows whose context is the word itself."""
    same = total = 0
    for s in sentences:
        ids = vocab.encode(s)
        for o in range(1, window + 1):
            same += 2 * int(np.count_nonzero(ids[:-o] == ids[o:]))
            total += 2 * max(0, len(ids) - o)
    return same / total if total else float("nan")


# ------------------------------------------------------------------------------------------ question 15
PMI_BUDGET = 1_000_000       # updates of the SGNS model of the PMI question (epochs follow from the corpus size)


def pmi_conditions(setup: Setup, budget: int = PMI_BUDGET) -> dict:
    """What decides how close SGNS gets to shifted PMI, known before training: the epochs the budget gives this
    corpus, the noise exponent (1, the theorem's), subsampling (none) and the window (full, 2 each side)."""
    return {"epochs": epochs_for(setup.capped(), 4, budget=budget), "ns_exponent": 1, "pmi_window": 2}


def shifted_pmi(setup: Setup, negative: int = 5, budget: int = PMI_BUDGET, max_points: int = 1_500,
                progress: Progress = None) -> dict:
    """Pearson correlation of W_in[w] . W_out[c] with PMI(w, c) - log k over the pairs that occur (Levy & Goldberg 2014;
    the counting and the comparison are lessons.pmi's, which the negative-sampling page draws during training).

    The model: skip-gram, negative sampling with k = negative, noise exponent 1 (the theorem's unigram
    noise), full windows of 2, no subsampling, so its training pairs are exactly the counted ones.
    """
    report_progress(progress, 0.05, "training")
    model = reference_model(setup, ns_exponent=1.0, negative=negative, budget=budget)
    report_progress(progress, 0.8, "counting")
    counted = shifted_pmi_pairs(setup.capped(), model.vocab, window=2, negative=negative)
    w, c, n, target = counted.w, counted.c, counted.n, counted.target
    dots = pair_dots(model.W_in, model.W_out, counted)                    # (pairs,)
    r = correlation(dots, target)
    keep = np.random.default_rng(setup.seed).permutation(len(dots))[:max_points]
    words = model.vocab.index_to_key
    order = np.argsort(-n)[:6]
    rows = [{"word": words[w[i]], "context": words[c[i]], "count": int(n[i]), "target": float(target[i]),
             "dot": float(dots[i])} for i in order]
    report_progress(progress, 1.0, "done")
    return {"pairs": int(len(dots)), "V": len(words), "epochs": model.epochs, "negative": negative,
            "mean_gap": float(np.mean(dots - target)), "points": {"target": target[keep].tolist(),
                                                                  "dot": dots[keep].tolist()},
            "rows": rows, "truth": {"r": r}}


# ------------------------------------------------------------------------------------------ question 17
MAX_COUNT_V = 5_000          # the count vectors are a dense (V, V) matrix: 200 MB at this size


def _neighbours(X: np.ndarray, i: int, words: List[str], topn: int = 5):
    sims = cosine_matrix(X)[i] if len(X) <= 3000 else (X @ X[i]) / (
        np.linalg.norm(X, axis=1) * np.linalg.norm(X[i]) + 1e-12)
    order = [j for j in np.argsort(-sims, kind="stable") if j != i][:topn]
    return [(words[j], float(sims[j])) for j in order]


def chance_precision(words: List[str], groups: Dict[str, str]) -> float:
    """Precision@k of a random order (what one-hot vectors give: every cosine is 0, all neighbours tie)."""
    g = [groups[w] for w in words if w in groups]
    n = len(g)
    if n < 2:
        return float("nan")
    sizes: Dict[str, int] = {}
    for x in g:
        sizes[x] = sizes.get(x, 0) + 1
    return float(sum(s * (s - 1) for s in sizes.values()) / (n * (n - 1)))


def neighbours_three_ways(setup: Setup, tie: float = 0.05, progress: Progress = None) -> dict:
    """Nearest neighbours of a word under one-hot, window-count and Word2Vec vectors, and how often each
    representation's neighbours share the word's semantic group (needs setup.groups)."""
    if not setup.groups:
        raise ValueError("this experiment needs a corpus with semantic groups (a sample corpus)")
    sentences = setup.capped()
    report_progress(progress, 0.1, "training")
    model = reference_model(setup)
    vocab = model.vocab
    words = vocab.index_to_key
    V = len(words)
    if V > MAX_COUNT_V:
        raise ValueError(f"the count vectors of this experiment are a dense V x V matrix: V = {V} is above "
                         f"{MAX_COUNT_V}; use a smaller corpus")
    w, c, n = pair_counts(sentences, vocab, window=2)
    counts = np.zeros((V, V))
    np.add.at(counts, (w, c), n)                                          # (V, V) window counts
    word = next(x for x in words if x in setup.groups)
    i = vocab.index(word)
    scores = {"one_hot": chance_precision(words, setup.groups),
              "counts": mean_group_precision(counts, words, setup.groups),
              "word2vec": mean_group_precision(model.W_in, words, setup.groups)}
    lists = {"counts": _neighbours(counts, i, words), "word2vec": _neighbours(model.W_in, i, words)}
    if abs(scores["counts"] - scores["word2vec"]) <= tie:
        best = "tie" if max(scores["counts"], scores["word2vec"]) > scores["one_hot"] + tie else "one_hot"
    else:
        best = max(scores, key=scores.get)
    report_progress(progress, 1.0, "done")
    return {"word": word, "group": setup.groups[word], "V": V, "lists": lists, "scores": scores,
            "grouped": sum(x in setup.groups for x in words), "epochs": model.epochs,
            "truth": {"best": best}}
