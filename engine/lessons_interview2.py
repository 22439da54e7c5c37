"""Interview prep, part 2: the live experiments behind questions 10-17 (pure functions over the engine API).

What it does: as part 1 (lessons_interview.py), each function runs the engine on the corpus and
returns a dict with the measured answer under "truth" and the evidence a page shows. Here: what one
update does to sigma(u . h), the gradient on an orthogonal negative, the 3/4 power, subsampling,
one matrix instead of two (a small trainer of its own with W_out tied to W_in, using the same
objective function as the engine), SGNS as a factorisation of shifted PMI, a learning rate 100x too
large, and nearest neighbours under one-hot, count and Word2Vec vectors.
What it does not do: draw, know about Streamlit, or cache.

    >>> from engine.lessons_interview import Setup
    >>> s = Setup((("a", "b", "a", "c"), ("a", "b")), "demo")
    >>> round(noise_shares(s)["truth"]["e0"], 4)     # uniform noise: 1 / V
    33.3333
"""

from __future__ import annotations

import math
from typing import Dict, List

import numpy as np

from .lessons_interview import (DIM, Progress, Setup, _report, _warm_model, cosine_matrix, epochs_for,
                                reference_model, vocabulary)
from .model import Word2Vec
from .objectives import binary_logistic_loss, sigmoid
from .update import TrainingDiverged
from .vocab import Vocabulary, alias_draw, alias_table


# ------------------------------------------------------------------------------------------ question 10
def _direction(before: np.ndarray, after: np.ndarray) -> str:
    """'up' if every value rose, 'down' if every one fell, 'same' if none moved, else 'mixed'."""
    diff = np.asarray(after, dtype=np.float64) - np.asarray(before, dtype=np.float64)
    if np.all(diff > 0):
        return "up"
    if np.all(diff < 0):
        return "down"
    return "same" if np.all(diff == 0) else "mixed"


def sigma_after_step(setup: Setup, negative: int = 5) -> dict:
    """sigma(u . h) of the target and of each negative before and after one update (re-scored on the same example)."""
    m = _warm_model(setup, negative=negative)
    t = m.step()
    words = m.vocab.index_to_key
    rows = [{"word": words[int(r)], "role": "target" if i == 0 else "negative",
             "before": float(t.probs[i]), "after": float(t.probs_after[i])} for i, r in enumerate(t.out_rows)]
    return {"centre": words[int(t.inputs[0])], "rows": rows, "lr": t.lr, "loss": t.loss, "loss_after": t.loss_after,
            "truth": {"target": _direction([t.target_prob], [t.target_prob_after]),
                      "negatives": _direction(t.probs[1:], t.probs_after[1:])}}


# ------------------------------------------------------------------------------------------ question 11
def orthogonal_negative(setup: Setup) -> dict:
    """The loss gradient on a negative whose output vector u is orthogonal to h: dL/du = sigma(u . h) h = 0.5 h.

    h is a real hidden vector (the next update of a warmed-up model); u is a random vector with its
    component along h removed, scored with the engine's own objective function.
    """
    m = _warm_model(setup)
    t = m.step()
    h = np.asarray(t.hidden, dtype=np.float64)                           # (d,)
    rng = np.random.default_rng(setup.seed)
    u = rng.normal(size=h.shape)                                          # (d,)
    u -= (u @ h) / (h @ h) * h                                            # remove the part along h
    u *= np.linalg.norm(h) / np.linalg.norm(u)
    rows = np.stack([np.asarray(m.W_out[t.target], dtype=np.float64), u])  # (2, d): target, the negative
    loss, (grad_h, grad_rows), probs = binary_logistic_loss(h, rows, np.array([1.0, 0.0]))
    coef = float(grad_rows[1] @ h / (h @ h))                              # dL/du = coef * h
    residual = float(np.linalg.norm(grad_rows[1] - coef * h))
    return {"dot": float(u @ h), "sigma": float(probs[1]), "coef": coef, "residual": residual,
            "term": float(np.logaddexp(0.0, u @ h)), "h_norm": float(np.linalg.norm(h)),
            "truth": {"sigma": float(probs[1]), "coef": coef}}


# ------------------------------------------------------------------------------------------ question 12
def noise_shares(setup: Setup, draws: int = 200_000) -> dict:
    """Share of the most frequent word among negatives at exponent 1, 0.75 and 0: P_n(w) ∝ count(w)^e.

    Each share is read off Vocabulary.noise_distribution and checked with draws from its alias table
    (the sampler training uses). Shares are in percent.
    """
    v = vocabulary(setup)
    rng = np.random.default_rng(setup.seed)
    rows, truth = [], {}
    for key, e in (("e1", 1.0), ("e075", 0.75), ("e0", 0.0)):
        p = v.noise_distribution(e)                                        # (V,)
        accept, alias = alias_table(p)
        drawn = alias_draw(accept, alias, rng, draws)
        share = float(np.mean(drawn == 0))
        truth[key] = 100.0 * float(p[0])
        rows.append({"exponent": e, "share": 100.0 * float(p[0]), "drawn": 100.0 * share,
                     "rare_half": 100.0 * float(p[len(p) // 2:].sum())})
    return {"top": v.index_to_key[0], "count": int(v.counts[0]), "T": v.retained_words, "V": len(v),
            "draws": draws, "rows": rows, "truth": truth}


# ------------------------------------------------------------------------------------------ question 13
def keep_probability(setup: Setup, sample: float = 1e-3, epochs: int = 20) -> dict:
    """Keep probability of the most frequent word at `sample`: word2vec.c's formula, the paper's, and the stream's.

    word2vec.c (and gensim): keep = (sqrt(f / (s T)) + 1) * s T / f. The paper (Mikolov et al. 2013b):
    discard with probability 1 - sqrt(t / f), f the word's relative frequency. The measured share is the
    top word's kept occurrences over `epochs` epochs of a real subsampled stream.
    """
    sentences = setup.capped()
    v = Vocabulary.build(sentences, 1)
    T, c = v.retained_words, int(v.counts[0])
    f = c / T
    keep_c = float(v.keep_probabilities(sample)[0])
    keep_paper = float(min(1.0, math.sqrt(sample / f)))
    m = Word2Vec(sample=sample, epochs=epochs, vector_size=4, seed=setup.seed)
    m.build_vocab(sentences)
    stream, seq, kept = m.replay_stream(), 0, 0
    while (chunk := stream.chunk(seq)) is not None:
        kept += int(np.count_nonzero(chunk.tokens == 0))
        seq += 1
    measured = kept / (c * epochs)
    rows = [{"formula": "word2vec.c", "keep": keep_c},
            {"formula": "paper", "keep": keep_paper},
            {"formula": "stream", "keep": measured}]
    relation = "c_more" if keep_c > keep_paper + 1e-12 else ("paper_more" if keep_paper > keep_c + 1e-12 else "same")
    return {"top": v.index_to_key[0], "count": c, "T": T, "f": f, "sample": sample, "threshold": sample * T,
            "epochs": epochs, "rows": rows, "keep_c": keep_c, "keep_paper": keep_paper, "measured": measured,
            "truth": {"keep": 100.0 * keep_c, "relation": relation}}


# ------------------------------------------------------------------------------------------ question 14
def train_tied(setup: Setup, tied: bool, max_updates: int = 6_000, negative: int = 5,
               vector_size: int = 16, alpha: float = 0.25, progress: Progress = None) -> dict:
    """Skip-gram with negative sampling, one update at a time, with W_out tied to W_in (tied=True) or not.

    The same example stream (the engine's: replay_stream) and the same update rule (model.rule.apply)
    as the engine; tied=True uses ONE matrix W for both roles, so the
    score of word w as its own context is W[w] . W[w] = |W[w]|^2 >= 0 and sigma of it >= 1/2.
    """
    sentences = setup.capped(5_000)
    epochs = epochs_for(sentences, 4, budget=max_updates, low=1, high=200)
    m = Word2Vec(vector_size=vector_size, window=2, shrink_windows=False, sample=0.0, negative=negative,
                 epochs=epochs, seed=setup.seed)
    m.build_vocab(sentences)
    W_in = m.W_in.astype(np.float64)                                       # (V, d) the same start for both runs
    W_out = W_in if tied else np.zeros_like(W_in)                          # one matrix, or two
    stream, seq, done, losses = m.replay_stream(), 0, 0, []
    while done < max_updates and (chunk := stream.chunk(seq)) is not None:
        for e in range(chunk.n_examples):
            if done >= max_updates:
                break
            lr = alpha * (1.0 - done / max_updates) + 1e-4 * done / max_updates
            # THE update rule (update.py); with W_out the same array as W_in, both roles write one matrix
            update = m.rule.apply(W_in, W_out, chunk.inputs(e), int(chunk.targets[e]), chunk.negatives[e], lr)
            losses.append(update.loss)
            done += 1
        seq += 1
        if progress is not None:
            progress(done / max_updates, "tied" if tied else "two")
    scores = W_in @ W_out.T                                                # (V, V) word . context
    V = len(scores)
    tail = losses[-max(1, len(losses) // 5):]
    return {"updates": done, "loss": float(np.mean(tail)), "finite": bool(np.isfinite(W_in).all()),
            "self_best": float(np.mean(np.argmax(scores, axis=1) == np.arange(V))),
            "self_sigma": sigmoid(np.diag(scores).copy()), "vocab": m.vocab}


def tied_matrices(setup: Setup, max_updates: int = 6_000, progress: Progress = None) -> dict:
    """One matrix against two, same stream and updates: the loss, and how often a word's best context is itself."""
    def part(start):
        return None if progress is None else (lambda f, label: progress(start + f / 2, label))
    two = train_tied(setup, False, max_updates, progress=part(0.0))
    one = train_tied(setup, True, max_updates, progress=part(0.5))
    vocab = one["vocab"]
    sentences = setup.capped(5_000)
    self_rate = _self_context_rate(sentences, vocab, window=2)
    words = vocab.index_to_key[:8]
    rows = [{"word": w, "tied": float(one["self_sigma"][i]), "two": float(two["self_sigma"][i])}
            for i, w in enumerate(words)]
    if not one["finite"]:
        outcome = "diverges"
    elif one["loss"] > 1.1 * two["loss"] and one["self_best"] >= two["self_best"] + 0.1:
        outcome = "self"
    else:
        outcome = "nothing"
    _report(progress, 1.0, "done")
    return {"updates": one["updates"], "loss_tied": one["loss"], "loss_two": two["loss"],
            "self_best_tied": one["self_best"], "self_best_two": two["self_best"],
            "min_self_sigma_tied": float(one["self_sigma"].min()), "mean_self_sigma_two": float(two["self_sigma"].mean()),
            "self_rate": self_rate, "rows": rows, "V": len(vocab), "truth": {"breaks": outcome}}


def _self_context_rate(sentences, vocab, window: int) -> float:
    """Share of (word, context) pairs in the corpus windows whose context is the word itself."""
    same = total = 0
    for s in sentences:
        ids = vocab.encode(s)
        for o in range(1, window + 1):
            same += 2 * int(np.count_nonzero(ids[:-o] == ids[o:]))
            total += 2 * max(0, len(ids) - o)
    return same / total if total else float("nan")


# ------------------------------------------------------------------------------------------ question 15
def pair_counts(sentences, vocab, window: int):
    """Symmetric window co-occurrence counts as sparse (word ids, context ids, counts)."""
    V = len(vocab)
    keys = []
    for s in sentences:
        ids = vocab.encode(s).astype(np.int64)
        for o in range(1, window + 1):
            keys.append(ids[:-o] * V + ids[o:])
            keys.append(ids[o:] * V + ids[:-o])
    keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    uniq, counts = np.unique(keys, return_counts=True)
    return uniq // V, uniq % V, counts.astype(np.float64)


def shifted_pmi(setup: Setup, negative: int = 5, budget: int = 1_000_000, max_points: int = 1_500,
                progress: Progress = None) -> dict:
    """Pearson correlation of W_in[w] . W_out[c] with PMI(w, c) - log k over the pairs that occur (Levy & Goldberg 2014).

    The model: skip-gram, negative sampling with k = negative, noise exponent 1 (the theorem's unigram
    noise), full windows of 2, no subsampling, so its training pairs are exactly the counted ones.
    """
    _report(progress, 0.05, "training")
    model = reference_model(setup, ns_exponent=1.0, negative=negative, budget=budget)
    _report(progress, 0.8, "counting")
    w, c, n = pair_counts(setup.capped(), model.vocab, window=2)
    D = n.sum()
    row = np.bincount(w, weights=n, minlength=len(model.vocab))           # #(w)
    col = np.bincount(c, weights=n, minlength=len(model.vocab))           # #(c)
    pmi = np.log(n * D / (row[w] * col[c]))                               # (pairs,)
    target = pmi - math.log(negative)
    dots = np.einsum("ij,ij->i", model.W_in[w].astype(np.float64), model.W_out[c].astype(np.float64))
    r = float(np.corrcoef(dots, target)[0, 1]) if len(dots) > 2 else float("nan")
    keep = np.random.default_rng(setup.seed).permutation(len(dots))[:max_points]
    words = model.vocab.index_to_key
    order = np.argsort(-n)[:6]
    rows = [{"word": words[w[i]], "context": words[c[i]], "count": int(n[i]), "target": float(target[i]),
             "dot": float(dots[i])} for i in order]
    _report(progress, 1.0, "done")
    return {"pairs": int(len(dots)), "V": len(words), "epochs": model.epochs, "negative": negative,
            "mean_gap": float(np.mean(dots - target)), "points": {"target": target[keep].tolist(),
                                                                  "dot": dots[keep].tolist()},
            "rows": rows, "truth": {"r": r}}


# ------------------------------------------------------------------------------------------ question 16
def learning_rate_too_large(setup: Setup, base: float = 0.025, factor: float = 100.0, max_rungs: int = 6,
                            progress: Progress = None) -> dict:
    """The same model trained with alpha = base and alpha = factor * base; then alpha raised 10x at a time
    until the engine reports divergence (TrainingDiverged), checking the weights it keeps are finite."""
    sentences = setup.capped()
    epochs = epochs_for(sentences, 4, budget=100_000, low=2, high=100)

    def run(alpha):
        m = Word2Vec(vector_size=DIM, alpha=alpha, min_alpha=min(1e-4, alpha), epochs=epochs, sample=0.0,
                     seed=setup.seed)
        m.build_vocab(sentences)
        try:
            m.train()
            return {"alpha": alpha, "diverged": False, "loss": m.epoch_losses()[-1], "at": None,
                    "max_weight": float(np.abs(m.W_in).max()), "finite": bool(np.isfinite(m.W_in).all())}
        except TrainingDiverged:
            return {"alpha": alpha, "diverged": True, "loss": float("nan"), "at": m.step_count + 1,
                    "max_weight": float(np.abs(m.W_in).max()),
                    "finite": bool(np.isfinite(m.W_in).all() and np.isfinite(m.W_out).all())}

    rows = [run(base)]
    _report(progress, 0.3, f"alpha = {base * factor:g}")
    rows.append(run(base * factor))
    ladder = []
    alpha = base * factor
    for i in range(max_rungs):
        if (ladder or rows)[-1]["diverged"]:
            break
        alpha *= 10.0
        _report(progress, 0.4 + 0.6 * i / max_rungs, f"alpha = {alpha:g}")
        ladder.append(run(alpha))
    ok, big = rows
    if big["diverged"] or big["loss"] > 1.1 * ok["loss"]:
        outcome = "worse"
    elif big["loss"] < 0.9 * ok["loss"]:
        outcome = "better"
    else:
        outcome = "same"
    caught = next((r for r in rows + ladder if r["diverged"]), None)
    _report(progress, 1.0, "done")
    return {"epochs": epochs, "rows": rows + ladder, "caught": caught, "truth": {"outcome": outcome}}


# ------------------------------------------------------------------------------------------ question 17
MAX_COUNT_V = 5_000          # the count vectors are a dense (V, V) matrix: 200 MB at this size
def _neighbours(X: np.ndarray, i: int, words: List[str], topn: int = 5):
    sims = cosine_matrix(X)[i] if len(X) <= 3000 else (X @ X[i]) / (
        np.linalg.norm(X, axis=1) * np.linalg.norm(X[i]) + 1e-12)
    order = [j for j in np.argsort(-sims, kind="stable") if j != i][:topn]
    return [(words[j], float(sims[j])) for j in order]


def group_precision(X: np.ndarray, words: List[str], groups: Dict[str, str], k: int = 5) -> float:
    """Mean share of a grouped word's k nearest grouped words that are in its own group (cosine)."""
    ids = [i for i, w in enumerate(words) if w in groups]
    if len(ids) < 2:
        return float("nan")
    S = cosine_matrix(np.asarray(X, dtype=np.float64)[ids])               # (n, n)
    np.fill_diagonal(S, -np.inf)
    g = np.array([groups[words[i]] for i in ids])
    kk = min(k, len(ids) - 1)
    top = np.argsort(-S, axis=1, kind="stable")[:, :kk]                   # (n, kk)
    return float(np.mean(g[top] == g[:, None]))


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
    _report(progress, 0.1, "training")
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
              "counts": group_precision(counts, words, setup.groups),
              "word2vec": group_precision(model.W_in, words, setup.groups)}
    lists = {"counts": _neighbours(counts, i, words), "word2vec": _neighbours(model.W_in, i, words)}
    if abs(scores["counts"] - scores["word2vec"]) <= tie:
        best = "tie" if max(scores["counts"], scores["word2vec"]) > scores["one_hot"] + tie else "one_hot"
    else:
        best = max(scores, key=scores.get)
    _report(progress, 1.0, "done")
    return {"word": word, "group": setup.groups[word], "V": V, "lists": lists, "scores": scores,
            "grouped": sum(x in setup.groups for x in words), "epochs": model.epochs,
            "truth": {"best": best}}
