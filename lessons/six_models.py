"""Experiments that compare models: the six models side by side, and two tests of textbook claims.

What it does:
  train_six        trains the six models (skip-gram / CBOW x softmax / hierarchical softmax / negative
                   sampling) on one corpus with one seed and collects, for each: time, the number of
                   dot products per update (V, about log2 V, k+1), the loss per epoch, benchmark scores,
                   the planted-truth score, neighbour lists, and optionally the same settings in gensim
                   with the overlap of the two neighbour lists.
  claims_experiment  (lessons/claims.py) the textbook claims, tested fairly: skip-gram versus CBOW on growing sizes of a
                   corpus (the hard planted corpus, or shares of a real one scored on WordSim-353 /
                   SimLex-999), several seeds, under one budget held equal for both: epochs, SGD updates
                   or seconds (train_budgeted); CBOW's update rule chosen (CBOW_RULES) and reported;
                   scores binned rare / frequent. Runs are cached by run_key.
  interval, verdict  mean with a Student-t interval, and "a" / "b" / "noise" (intervals overlap).
  summarize        mean, standard deviation and count over seeds.
Every long function takes progress(done, total, label) and stop() callables: progress returning False
or stop() returning True ends the work early, between two models (and inside one, between slices).
What it does not do: draw, or import streamlit. gensim is imported only if asked for and installed.

    >>> from lessons.planted import planted_corpus
    >>> c = planted_corpus(n_tokens=1000, n_groups=3, group_size=4)
    >>> rows = train_six(c.sentences, dict(vector_size=8, epochs=1), truth=c)
    >>> [r["name"] for r in rows][:2]
    ['skip-gram + full softmax', 'skip-gram + hierarchical softmax']
"""

from __future__ import annotations

import math
import time
from typing import Callable, List, Optional, Sequence

import numpy as np

from engine.model import Word2Vec
from engine.objectives import ARCHITECTURE_TABLE, OBJECTIVE_TABLE, model_name  # names and display names: one table each
from lessons.benchmarks import benchmark_scores
from lessons.planted import PlantedCorpus, coverage, neighbour_precision, quality_by_frequency

ARCHITECTURES = tuple(ARCHITECTURE_TABLE)          # ("skipgram", "cbow")


OBJECTIVES = tuple(OBJECTIVE_TABLE)                # ("softmax", "hierarchical_softmax", "negative_sampling")


SIX_MODELS = [(a, o) for a in ARCHITECTURES for o in OBJECTIVES]


Progress = Optional[Callable[[int, int, str], Optional[bool]]]


Stop = Optional[Callable[[], bool]]


def dot_products_per_update(model: Word2Vec) -> tuple:
    """(number, formula) of output-layer dot products one update computes.

    Full softmax scores every word: V. Hierarchical softmax scores the nodes on the target's Huffman
    path: on average sum_w f(w) * len(code(w)), about log2 V (targets follow the word frequencies).
    Negative sampling scores the target and k noise words: k + 1. The same for skip-gram and CBOW:
    both compute one hidden vector h per update and score it against these output rows.

        dot_products_per_update(Word2Vec(objective="negative_sampling", negative=5).build_vocab(s)) -> (6, 'k+1 = 6')
    """
    V = len(model.vocab)
    if model.objective == "softmax":
        return float(V), f"V = {V}"
    if model.objective == "negative_sampling":
        return float(model.negative + 1), f"k+1 = {model.negative + 1}"
    counts = np.asarray(model.vocab.counts, dtype=np.float64)                       # (V,)
    lengths = np.array([len(c) for c in model.tree.codes], dtype=np.float64)       # (V,)
    mean_len = float((counts * lengths).sum() / counts.sum())
    return mean_len, f"mean path {mean_len:.1f} (log2 V = {math.log2(max(V, 2)):.1f})"


def gensim_available() -> bool:
    try:
        import gensim  # noqa: F401
        return True
    except ImportError:
        return False


def gensim_kwargs(settings: dict) -> Optional[dict]:
    """Our settings in gensim's names, or None for full softmax (gensim has no full softmax).

        gensim_kwargs({"architecture": "cbow", "objective": "hierarchical_softmax"})["hs"] -> 1
    """
    s = {**Word2Vec().get_params(), **settings}
    if s["objective"] == "softmax":
        return None
    return dict(sg=1 if s["architecture"] == "skipgram" else 0,
                hs=1 if s["objective"] == "hierarchical_softmax" else 0,
                negative=s["negative"] if s["objective"] == "negative_sampling" else 0,
                vector_size=s["vector_size"], window=s["window"], min_count=s["min_count"],
                sample=s["sample"], alpha=s["alpha"], min_alpha=s["min_alpha"], epochs=s["epochs"],
                ns_exponent=s["ns_exponent"], cbow_mean=1 if s["cbow_mean"] else 0,
                shrink_windows=s["shrink_windows"], seed=s["seed"], workers=1,
                max_vocab_size=s.get("max_vocab_size"))


def neighbour_overlap(kv_a, kv_b, words: Sequence[str], topn: int = 10) -> float:
    """Mean share of common words in the topn neighbour lists of two sets of vectors (NaN if no word is known to both).

    Works with our KeyedVectors and gensim's (both have most_similar(word, topn=...)).
    """
    shares = []
    for w in words:
        if w in kv_a.key_to_index and w in kv_b.key_to_index:
            a = {x for x, _ in kv_a.most_similar(w, topn=topn)}
            b = {x for x, _ in kv_b.most_similar(w, topn=topn)}
            shares.append(len(a & b) / max(1, min(topn, len(a))))
    return float(np.mean(shares)) if shares else float("nan")


def _train_gensim(sentences, settings: dict, words: Sequence[str], topn: int) -> Optional[dict]:
    kwargs = gensim_kwargs(settings)
    if kwargs is None:
        return None
    import logging

    from gensim.models import Word2Vec as GensimWord2Vec
    logging.getLogger("gensim").setLevel(logging.WARNING)
    t0 = time.perf_counter()
    g = GensimWord2Vec(sentences=sentences, **kwargs)
    return {"time": time.perf_counter() - t0, "wv": g.wv,
            "neighbours": {w: g.wv.most_similar(w, topn=topn) for w in words if w in g.wv.key_to_index}}


def _default_words(model: Word2Vec, truth: Optional[PlantedCorpus], n: int = 20) -> List[str]:
    if truth is not None:
        return [w for w in truth.planted_words if w in model.vocab.key_to_index][:n]
    return list(model.vocab.index_to_key[:n])


def train_six(sentences, settings: dict, words: Sequence[str] = (), topn: int = 10,
              truth: Optional[PlantedCorpus] = None, benchmarks: bool = False, with_gensim: bool = False,
              models: Sequence[tuple] = tuple(SIX_MODELS), progress: Progress = None, stop: Stop = None,
              out: Optional[list] = None) -> List[dict]:
    """Train each (architecture, objective) in `models` with the same settings, corpus and seed.

    settings: Word2Vec arguments (architecture and objective are overridden per model).
    words: the words whose neighbour lists are kept (default: 20 frequent / planted words); the
    gensim overlap is measured on the same words.
    progress(done_models + fraction_of_current, total_models, label) is called often.
    Returns one dict per model trained (fewer if stopped): name, architecture, objective, time,
    examples, updates_per_sec, dots, dots_formula, V, epoch_losses, final_loss, neighbours,
    missing (chosen words not in the vocabulary), planted (precision@5) and planted_bins (rare vs
    frequent) when truth is given, benchmarks (when asked for), gensim ({time, overlap, neighbours}
    or None), stopped, wv (the trained vectors).
    out: a list to append each model's result to as soon as it is done (so a caller that is
    interrupted keeps the finished ones); it is also returned.
    """
    if iter(sentences) is sentences:
        sentences = list(sentences)
    results = [] if out is None else out
    total = len(models)
    for i, (arch, obj) in enumerate(models):
        if stop is not None and stop():
            break
        label = model_name(arch, obj)
        model = Word2Vec(**{**settings, "architecture": arch, "objective": obj})
        model.build_vocab(sentences)

        def report(fraction, info, i=i, label=label):
            keep_going = progress(i + fraction, total, label) if progress is not None else None
            return False if keep_going is False else None

        t0 = time.perf_counter()
        info = model.train(progress=report, stop=stop, report_every=0.2)
        elapsed = time.perf_counter() - t0
        chosen = list(words) or _default_words(model, truth)
        dots, formula = dot_products_per_update(model)
        row = {
            "name": label, "architecture": arch, "objective": obj, "time": elapsed,
            "examples": model.step_count, "updates_per_sec": model.step_count / elapsed if elapsed > 0 else 0.0,
            "dots": dots, "dots_formula": formula, "V": len(model.vocab),
            "epoch_losses": model.epoch_losses(), "final_loss": (model.epoch_losses() or [float("nan")])[-1],
            "neighbours": {w: model.wv.most_similar(w, topn=topn) for w in chosen if w in model.wv},
            "missing": [w for w in chosen if w not in model.wv],
            "stopped": bool(info.get("stopped")), "gensim": None, "wv": model.wv,
        }
        if truth is not None:
            scores = neighbour_precision(model.wv, truth, k=5)
            row["planted"] = float(np.mean(list(scores.values()))) if scores else float("nan")
            row["planted_bins"] = quality_by_frequency(model.wv, truth, sentences, k=5)
            row["coverage"] = coverage(model.wv, truth)
        if benchmarks:
            row["benchmarks"] = benchmark_scores(model.wv)
        if info.get("stopped"):
            results.append(row)
            break
        if with_gensim and gensim_available():
            g = _train_gensim(sentences, model.get_params(), chosen, topn)
            if g is not None:
                g["overlap"] = neighbour_overlap(model.wv, g["wv"], chosen, topn)
                row["gensim"] = g
        results.append(row)
        if progress is not None and progress(i + 1, total, label) is False:
            break
    return results
