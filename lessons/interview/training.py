"""Interview experiments on training: subsampling's keep probability, one matrix instead of two (a small
trainer with W_out tied to W_in, using the engine's objective), a learning rate 100x too large, and
word2vec.c's numerics (its sigmoid table against the exact sigmoid).

What it does not do: draw, know about Streamlit, or cache.
"""

from __future__ import annotations

import math
from typing import Dict, List, Sequence

import numpy as np

from engine.model import Word2Vec
from engine.objectives import EXP_TABLE_SIZE, MAX_EXP, sigmoid
from engine.update import TrainingDiverged
from engine.vocab import Vocabulary
from lessons.interview.geometry import self_context_rate
from lessons.interview.setup import (
    DIM,
    Progress,
    Setup,
    epochs_for,
    report_progress,
    small_trainer_model,
    walk_examples,
)
from lessons.measures import mean_group_precision
from lessons.stats import answer, compare_intervals


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
    m = small_trainer_model(setup, max_updates, vector_size, negative)
    W_in = m.W_in.astype(np.float64)                                       # (V, d) the same start for both runs
    W_out = W_in if tied else np.zeros_like(W_in)                          # one matrix, or two
    losses = []
    for inputs, target, negatives, lr in walk_examples(m, max_updates, alpha):
        # THE update rule (update.py); with W_out the same array as W_in, both roles write one matrix
        losses.append(m.rule.apply(W_in, W_out, inputs, target, negatives, lr).loss)
        if progress is not None and len(losses) % 1_000 == 0:
            progress(len(losses) / max_updates, "tied" if tied else "two")
    done = len(losses)
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
    self_rate = self_context_rate(sentences, vocab, window=2)
    words = vocab.index_to_key[:8]
    rows = [{"word": w, "tied": float(one["self_sigma"][i]), "two": float(two["self_sigma"][i])}
            for i, w in enumerate(words)]
    if not one["finite"]:
        outcome = "diverges"
    elif one["loss"] > 1.1 * two["loss"] and one["self_best"] >= two["self_best"] + 0.1:
        outcome = "self"
    else:
        outcome = "nothing"
    report_progress(progress, 1.0, "done")
    return {"updates": one["updates"], "loss_tied": one["loss"], "loss_two": two["loss"],
            "self_best_tied": one["self_best"], "self_best_two": two["self_best"],
            "min_self_sigma_tied": float(one["self_sigma"].min()), "mean_self_sigma_two": float(two["self_sigma"].mean()),
            "self_rate": self_rate, "rows": rows, "V": len(vocab), "truth": {"breaks": outcome}}


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
    report_progress(progress, 0.3, f"alpha = {base * factor:g}")
    rows.append(run(base * factor))
    ladder = []
    alpha = base * factor
    for i in range(max_rungs):
        if (ladder or rows)[-1]["diverged"]:
            break
        alpha *= 10.0
        report_progress(progress, 0.4 + 0.6 * i / max_rungs, f"alpha = {alpha:g}")
        ladder.append(run(alpha))
    ok, big = rows
    if big["diverged"] or big["loss"] > 1.1 * ok["loss"]:
        outcome = "worse"
    elif big["loss"] < 0.9 * ok["loss"]:
        outcome = "better"
    else:
        outcome = "same"
    caught = next((r for r in rows + ladder if r["diverged"]), None)
    report_progress(progress, 1.0, "done")
    return {"epochs": epochs, "rows": rows + ladder, "caught": caught, "truth": {"outcome": outcome}}


# ------------------------------------------------------------------------------------------ word2vec.c's numerics
NUMERICS_SEEDS = (1, 2, 3)


def word2vec_numerics(setup: Setup, seeds: Sequence[int] = NUMERICS_SEEDS, factor: float = 100.0,
                      progress: Progress = None) -> dict:
    """The exact sigmoid against word2vec.c's table (sigmoid="word2vec": 1000 entries over [-6, 6], sigma
    taken as 1 or 0 beyond for negative sampling): skip-gram NS at word2vec's alpha 0.025 over seeds, group
    precision (the loss when the corpus has no groups), decided with the interval test; then both at alpha
    `factor` times larger: which of them stops with an overflow (this engine's divergence check)?"""
    sentences = setup.capped()
    epochs = epochs_for(sentences, 4, budget=100_000, low=2, high=100)
    base = dict(vector_size=DIM, window=2, sample=0.0, alpha=0.025, min_alpha=1e-4, epochs=epochs)
    quality: Dict[str, List[float]] = {"exact": [], "word2vec": []}
    rows = []
    runs = [(s, sig) for s in seeds for sig in ("exact", "word2vec")]
    for n, (seed, sig) in enumerate(runs):
        report_progress(progress, 0.8 * n / len(runs), f"seed {seed}")
        m = Word2Vec(**base, seed=seed, sigmoid=sig)
        m.build_vocab(sentences)
        m.train()
        q = (mean_group_precision(m.W_in, m.vocab.index_to_key, setup.groups) if setup.groups
             else -m.epoch_losses()[-1])
        quality[sig].append(q)
        rows.append({"sigmoid": sig, "seed": seed, "quality": q})
    v = compare_intervals(quality["word2vec"], quality["exact"])
    report_progress(progress, 0.85, f"alpha = {0.025 * factor:g}")
    stopped = {}
    for sig in ("exact", "word2vec"):
        m = Word2Vec(**{**base, "alpha": 0.025 * factor, "min_alpha": 1e-4}, seed=seeds[0], sigmoid=sig)
        m.build_vocab(sentences)
        try:
            m.train()
            stopped[sig] = False
        except TrainingDiverged:
            stopped[sig] = True
        rows.append({"sigmoid": sig, "alpha": 0.025 * factor, "diverged": stopped[sig],
                     "max_weight": float(np.abs(m.W_in).max())})
    report_progress(progress, 1.0, "done")
    diverged = ("both" if all(stopped.values()) else "neither" if not any(stopped.values())
                else next(s for s, x in stopped.items() if x))
    return {"rows": rows, "verdict": v,
            "found": {"exact": v["b"]["mean"], "exact_half": v["b"]["half"], "table": v["a"]["mean"],
                      "table_half": v["a"]["half"], "seeds": len(seeds), "epochs": epochs,
                      "big": 0.025 * factor, "measure": "groups" if setup.groups else "loss"},
            "truth": {"quality": answer(v, "table_better", "table_worse", "same"),
                      "overflow": diverged}}


def numerics_facts(setup: Setup) -> dict:
    return {"max_exp": MAX_EXP, "table_size": EXP_TABLE_SIZE, "big": 2.5}
