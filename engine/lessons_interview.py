"""Interview prep, part 1: the live experiments behind questions 1-9 (pure functions over the engine API).

What it does: each function answers one classic Word2Vec interview question by running the engine
on a corpus (a sample corpus or the user's own) and returns a plain dict: the measured answer
(under "truth") and the evidence a page shows (tables as lists of dicts, numbers). Nothing here is a
stored answer: change the corpus and the numbers change with it. Part 2 (lessons_interview2.py) holds
questions 10-17, part 3 (lessons_interview3.py) the question table and the scoring.
What it does not do: draw, know about Streamlit, or cache (the page keeps results per session).

Shared conventions: `Setup` says which corpus (and, for sample corpora, its semantic groups);
trained models use vector_size < 32 so that every experiment shares one compiled kernel; a long
experiment takes progress(fraction, label) and calls it between runs; a label is words from a small
fixed set ("training", "counting", "done", "small", "large", "rare", "tied", "two", "skipgram", "cbow")
and "seed N" / "alpha = X", joined by ", " (the page translates them).

    >>> s = Setup((("the", "cat", "sat", "on", "the", "mat"), ("the", "dog", "sat")), "demo")
    >>> examples_per_sentence(s)["truth"]
    {'cbow': 6, 'skipgram': 18}
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .lessons_windows import epoch_examples, sentence_view
from .model import Word2Vec
from .vocab import Vocabulary

Progress = Optional[Callable[[float, str], None]]
DIM = 24                      # vector size of the trained models (below kernel.STATIC_MIN_D: one shared kernel)
MAX_TOKENS = 50_000           # experiments that train read at most this many tokens of a large corpus
UPDATE_BUDGET = 300_000       # about this many updates per trained model (epochs are chosen to fit)


@dataclass(frozen=True)
class Setup:
    """The corpus an experiment runs on: its sentences (token sequences, read only), its name, its groups if known."""
    sentences: Sequence[Sequence[str]]
    name: str = "corpus"
    groups: Optional[Dict[str, str]] = field(default=None, hash=False, compare=False)   # word -> group
    seed: int = 1

    def capped(self, max_tokens: int = MAX_TOKENS) -> List[Sequence[str]]:
        """The first sentences, up to about max_tokens tokens (all of a small corpus)."""
        out, n = [], 0
        for s in self.sentences:
            if n >= max_tokens:
                break
            out.append(s)
            n += len(s)
        return out


def _report(progress: Progress, fraction: float, label: str = "") -> None:
    if progress is not None:
        progress(float(min(1.0, max(0.0, fraction))), label)


def vocabulary(setup: Setup) -> Vocabulary:
    """The corpus's vocabulary (min_count 1): what the question texts quote (V, the most frequent word)."""
    return Vocabulary.build(setup.sentences, 1)


def corpus_facts(setup: Setup) -> dict:
    """The numbers an interviewer would tell the candidate: V, tokens, the most frequent and the rarest word."""
    v = vocabulary(setup)
    T = v.retained_words
    return {"V": len(v), "T": T, "top": v.index_to_key[0], "top_count": int(v.counts[0]),
            "top_share": float(v.counts[0] / T), "rare": v.index_to_key[-1], "rare_count": int(v.counts[-1]),
            "log2V": math.log2(max(2, len(v)))}


def epochs_for(sentences: Sequence[Sequence[str]], per_token: float, budget: int = UPDATE_BUDGET,
               low: int = 2, high: int = 400) -> int:
    """Epochs so that a model makes about `budget` updates (per_token updates per token and epoch).

    >>> epochs_for([["a"] * 100], per_token=4, budget=4000)
    10
    """
    tokens = max(1, sum(len(s) for s in sentences))
    return int(min(high, max(low, round(budget / (tokens * per_token)))))


def reference_model(setup: Setup, objective: str = "negative_sampling", ns_exponent: float = 0.75,
                    vector_size: int = DIM, budget: int = UPDATE_BUDGET, seed: Optional[int] = None,
                    **changes) -> Word2Vec:
    """A skip-gram model trained on (at most MAX_TOKENS of) the corpus: full windows of 2, no subsampling.

    Full windows and no subsampling keep it comparable with window counts (question 15); epochs are
    chosen for about `budget` updates, so a tiny corpus gets many epochs and a large one few.
    """
    sentences = setup.capped()
    kwargs = dict(architecture="skipgram", objective=objective, vector_size=vector_size, window=2,
                  shrink_windows=False, sample=0.0, negative=5, ns_exponent=ns_exponent, alpha=0.025,
                  min_alpha=1e-4, epochs=epochs_for(sentences, 4, budget=budget), seed=setup.seed if seed is None else seed)
    kwargs.update(changes)
    model = Word2Vec(**kwargs)
    model.build_vocab(sentences)
    model.train()
    return model


def cosine_matrix(X: np.ndarray) -> np.ndarray:
    """(n, n) cosines of the rows of X (a zero row has cosine 0 with everything).

    >>> cosine_matrix(np.eye(2)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)                   # (n, 1)
    Xn = X / np.where(norms > 0, norms, 1.0)                           # (n, d)
    return Xn @ Xn.T


def three_words(setup: Setup, vocab: Vocabulary) -> Tuple[str, str, str]:
    """Two words of one group and one of another (sample corpora), else the three most frequent words."""
    groups = setup.groups or {}
    by_group: Dict[str, List[str]] = {}
    for w in vocab.index_to_key:                                       # most frequent first
        if w in groups:
            by_group.setdefault(groups[w], []).append(w)
    pairs = [g for g, ws in by_group.items() if len(ws) >= 2]
    if pairs and len(by_group) >= 2:
        g = pairs[0]
        other = next(ws[0] for h, ws in by_group.items() if h != g)
        return by_group[g][0], by_group[g][1], other
    words = vocab.index_to_key
    return words[0], words[1 % len(words)], words[2 % len(words)]


# ------------------------------------------------------------------------------------------ question 1
def one_hot_vs_dense(setup: Setup, progress: Progress = None) -> dict:
    """Cosines of three words as one-hot vectors (rows of the V x V identity) and as trained vectors."""
    vocab = vocabulary(setup)
    a, b, c = three_words(setup, vocab)
    ids = [vocab.index(w) for w in (a, b, c)]
    one_hot = np.zeros((3, len(vocab)))                                # (3, V): rows of the V x V identity
    one_hot[np.arange(3), ids] = 1.0
    cos_1h = cosine_matrix(one_hot)
    _report(progress, 0.1, "training")
    model = reference_model(setup)
    cos_dense = cosine_matrix(model.W_in[[model.vocab.index(w) for w in (a, b, c)]])
    _report(progress, 1.0, "done")
    rows = [{"pair": f"{x} · {y}", "one_hot": float(cos_1h[i, j]), "dense": float(cos_dense[i, j])}
            for (i, x), (j, y) in [((0, a), (1, b)), ((0, a), (2, c)), ((1, b), (2, c))]]
    closer = "yes" if cos_dense[0, 1] > cos_dense[0, 2] else "no"
    return {"words": [a, b, c], "V": len(vocab), "rows": rows, "epochs": model.epochs,
            "truth": {"cos": float(cos_1h[0, 1]), "closer": closer}}


# ------------------------------------------------------------------------------------------ question 2
def pick_sentence(setup: Setup, low: int = 5, high: int = 12) -> Tuple[str, ...]:
    """The corpus's first sentence of low..high words (else its longest, cut to high words)."""
    for s in setup.sentences:
        if low <= len(s) <= high:
            return tuple(s)
    longest = max(setup.sentences, key=len)
    return tuple(longest[:high])


def examples_per_sentence(setup: Setup, window: int = 2) -> dict:
    """Training examples CBOW and skip-gram make from one sentence of the corpus (full windows, no subsampling).

    Both counts come from the example stream of a model built on that sentence alone.
    """
    sentence = list(pick_sentence(setup))
    counts, per_centre = {}, {}
    for arch in ("cbow", "skipgram"):
        m = Word2Vec(architecture=arch, window=window, shrink_windows=False, sample=0.0, vector_size=4)
        m.build_vocab([sentence])
        counts[arch] = epoch_examples(m.replay_stream())
        view = sentence_view(m.replay_stream(), 0)
        per_centre[arch] = [len(w.used) for w in view.windows]
    rows = [{"position": i + 1, "word": w, "context": per_centre["skipgram"][i]}
            for i, w in enumerate(sentence)]
    return {"sentence": sentence, "n": len(sentence), "window": window, "rows": rows,
            "truth": {"cbow": counts["cbow"], "skipgram": counts["skipgram"]}}


# ------------------------------------------------------------------------------------------ question 3
def num_skips_pairs(sentence: Sequence[str], window: int = 2, num_skips: int = 2, seed: int = 1) -> dict:
    """The (centre, context) pairs a skip-gram stream with skip_window=window, num_skips makes from one sentence."""
    sentence = list(sentence)
    m = Word2Vec(num_skips=num_skips, window=window, shrink_windows=False, sample=0.0, vector_size=4, seed=seed)
    m.build_vocab([sentence])
    n = epoch_examples(m.replay_stream())
    view = sentence_view(m.replay_stream(), 0)
    words = m.vocab.index_to_key
    pairs = [{"centre": words[inputs[0]], "context": words[target]} for inputs, target in view.examples]
    return {"sentence": sentence, "n": len(sentence), "window": window, "num_skips": num_skips,
            "pairs": pairs, "chunk_examples": int(m.stream.chunk(0).n_examples), "truth": {"pairs": int(n)}}


# ------------------------------------------------------------------------------------------ questions 4, 5
def _planted_runs(corpus, seeds, settings: dict, progress: Progress, start: float, span: float, label: str):
    """Train skip-gram and CBOW on a planted corpus for each seed; rows of (architecture, seed, scores, time)."""
    import time

    from .synthetic import neighbour_precision, quality_by_frequency

    rows = []
    runs = [(a, s) for s in seeds for a in ("skipgram", "cbow")]
    for n, (arch, seed) in enumerate(runs):
        _report(progress, start + span * n / len(runs), f"{label}, {arch}, seed {seed}")
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


def verdict(summary: Dict[str, dict], tie: float = 0.03, cheaper: float = 1.2) -> str:
    """Which architecture suits: the clearly better one; at equal quality (within `tie`) the one that
    needs clearly fewer updates for the same epochs (each update scores k+1 output rows); else "either".
    Updates, not seconds: they do not depend on how busy the machine is.

    >>> verdict({"skipgram": {"mean": 0.9, "updates": 4e4}, "cbow": {"mean": 0.8, "updates": 1e4}})
    'skipgram'
    >>> verdict({"skipgram": {"mean": 0.9, "updates": 4e4}, "cbow": {"mean": 0.89, "updates": 1e4}})
    'cbow'
    """
    sg, cb = summary["skipgram"], summary["cbow"]
    if abs(sg["mean"] - cb["mean"]) > tie:
        return "skipgram" if sg["mean"] > cb["mean"] else "cbow"
    if sg["updates"] > cheaper * cb["updates"]:
        return "cbow"
    if cb["updates"] > cheaper * sg["updates"]:
        return "skipgram"
    return "either"


PLANTED = dict(n_groups=8, group_size=10, zipf_s=1.2, topic_share=0.4)
PLANTED_MODEL = dict(vector_size=DIM, window=3, sample=1e-3, alpha=0.025, min_alpha=1e-4, negative=5)


SEEDS = (1, 2, 3)
SMALL_TOKENS, LARGE_TOKENS, RARE_TOKENS = 4_000, 30_000, 8_000


def small_vs_large(seeds: Sequence[int] = SEEDS, small_tokens: int = SMALL_TOKENS, large_tokens: int = LARGE_TOKENS,
                   small_epochs: int = 20, large_epochs: int = 5, progress: Progress = None) -> dict:
    """Skip-gram versus CBOW on a small and a large planted corpus (same settings and seeds for both).

    Quality: precision@5 of the planted groups (a word's 5 nearest planted words in its own group).
    """
    from .synthetic import planted_corpus

    out, rows = {}, []
    for i, (size, tokens, epochs) in enumerate([("small", small_tokens, small_epochs),
                                                ("large", large_tokens, large_epochs)]):
        corpus = planted_corpus(n_tokens=tokens, seed=7, **PLANTED)
        runs = _planted_runs(corpus, seeds, {**PLANTED_MODEL, "epochs": epochs}, progress, i / 2, 0.5, size)
        rows += [{"corpus": size, "tokens": corpus.n_tokens(), "epochs": epochs, **r} for r in runs]
        out[size] = _summary(runs, "precision")
    _report(progress, 1.0, "done")
    return {"rows": rows, "summary": out, "seeds": list(seeds),
            "truth": {"small": verdict(out["small"]), "large": verdict(out["large"])}}


def rare_words(seeds: Sequence[int] = SEEDS, tokens: int = RARE_TOKENS, epochs: int = 10,
               progress: Progress = None) -> dict:
    """Skip-gram versus CBOW on the rarest third of the planted words (and on the most frequent third)."""
    from .synthetic import planted_corpus

    corpus = planted_corpus(n_tokens=tokens, seed=11, **PLANTED)
    runs = _planted_runs(corpus, seeds, {**PLANTED_MODEL, "epochs": epochs}, progress, 0.0, 1.0, "rare")
    rare, freq = _summary(runs, "rare"), _summary(runs, "frequent")
    sg, cb = rare["skipgram"]["mean"], rare["cbow"]["mean"]
    better = "either" if abs(sg - cb) <= 0.03 else ("skipgram" if sg > cb else "cbow")
    _report(progress, 1.0, "done")
    return {"rows": runs, "rare": rare, "frequent": freq, "tokens": corpus.n_tokens(), "epochs": epochs,
            "seeds": list(seeds), "truth": {"better": better}}


# ------------------------------------------------------------------------------------------ question 6
def dot_products(setup: Setup, hs_steps: int = 200, negative: int = 5) -> dict:
    """Output dot products of one update, counted on real steps: full softmax, hierarchical softmax, k negatives."""
    measured, mean_code = {}, None
    for objective, n_steps in (("softmax", 3), ("hierarchical_softmax", hs_steps), ("negative_sampling", 3)):
        m = Word2Vec(objective=objective, vector_size=8, negative=negative, sample=0.0, window=2,
                     seed=setup.seed, undo_depth=0)
        m.build_vocab(setup.sentences)
        measured[objective] = float(np.mean([len(m.step().scores) for _ in range(n_steps)]))
        if objective == "hierarchical_softmax":
            counts = m.vocab.counts.astype(np.float64)                  # (V,)
            mean_code = float((counts * m.tree.lengths).sum() / counts.sum())
    V = int(measured["softmax"])
    return {"V": V, "log2V": math.log2(max(2, V)), "mean_code": mean_code,
            "hs_steps": hs_steps, "negative": negative,
            "million": {"softmax": 1_000_000, "hierarchical_softmax": math.log2(1_000_000),
                        "negative_sampling": negative + 1},
            "truth": {"softmax": measured["softmax"], "hs": measured["hierarchical_softmax"],
                      "ns": measured["negative_sampling"]}}


# ------------------------------------------------------------------------------------------ question 7
def huffman_codes(setup: Setup, band: float = 0.25) -> dict:
    """Code lengths in the model's Huffman tree: the most frequent word, the rarest, and the average."""
    m = Word2Vec(objective="hierarchical_softmax", vector_size=4, sample=0.0)
    m.build_vocab(setup.sentences)
    tree, counts = m.tree, m.vocab.counts.astype(np.float64)
    lengths = np.asarray(tree.lengths)                                  # (V,)
    V = len(lengths)
    weighted = float((counts * lengths).sum() / counts.sum())
    log2V = math.log2(V)
    side = "shorter" if weighted < log2V - band else ("longer" if weighted > log2V + band else "about")
    words = m.vocab.index_to_key
    show = sorted(set(range(min(5, V))) | set(range(max(0, V - 3), V)))
    rows = [{"word": words[i], "count": int(counts[i]), "code": "".join(map(str, tree.codes[i])),
             "length": int(lengths[i])} for i in show]
    return {"V": V, "log2V": log2V, "weighted": weighted, "plain_mean": float(lengths.mean()),
            "max": int(lengths.max()), "top": words[0], "rare": words[-1], "rows": rows, "band": band,
            "truth": {"top": int(lengths[0]), "rare": int(lengths[-1]), "average": side}}


# ------------------------------------------------------------------------------------------ question 8
def hs_probability_sum(setup: Setup, trials: int = 5, vector_size: int = 16) -> dict:
    """Sum of p(w | h) over the vocabulary under hierarchical softmax, for random node vectors and random h."""
    from .huffman import leaf_probabilities

    m = Word2Vec(objective="hierarchical_softmax", vector_size=vector_size, sample=0.0, seed=setup.seed)
    m.build_vocab(setup.capped())
    rng = np.random.default_rng(setup.seed)
    sums, rows = [], []
    for i in range(trials):
        W_nodes = rng.normal(0.0, 1.0, size=m.W_out.shape)                # (V-1, d) random, not trained
        h = rng.normal(0.0, 1.0, size=vector_size)                        # (d,)
        p = leaf_probabilities(m.tree, W_nodes, h)                        # (V,)
        sums.append(float(p.sum()))
        top = int(np.argmax(p))
        rows.append({"trial": i + 1, "sum": float(p.sum()), "largest": m.vocab.index_to_key[top],
                     "p_largest": float(p[top]), "p_smallest": float(p.min())})
    err = max(abs(s - 1.0) for s in sums)
    answer = "one" if err < 1e-9 else ("less" if np.mean(sums) < 1 else "more")
    return {"V": len(m.vocab), "rows": rows, "max_error": err, "truth": {"sum": answer}}


# ------------------------------------------------------------------------------------------ question 9
def _warm_model(setup: Setup, architecture: str = "skipgram", warm_steps: int = 300, negative: int = 5) -> Word2Vec:
    """A negative-sampling model after warm_steps transparent updates (W_out starts at zero, so the very
    first update cannot move W_in: grad_h = W_out[rows].T (p - y) = 0)."""
    m = Word2Vec(architecture=architecture, objective="negative_sampling", vector_size=16, negative=negative,
                 sample=0.0, window=2, alpha=0.025, seed=setup.seed, undo_depth=0)
    m.build_vocab(setup.capped(5_000))
    for _ in range(warm_steps):
        m.step()
    return m


def ns_rows_changed(setup: Setup, negative: int = 5) -> dict:
    """Rows of W_out and of W_in that one negative-sampling update changes (diff of the weights around step())."""
    out = {}
    for arch in ("skipgram", "cbow"):
        m = _warm_model(setup, arch, negative=negative)
        w_in, w_out = m.W_in.copy(), m.W_out.copy()
        t = m.step()
        words = m.vocab.index_to_key
        changed_out = np.flatnonzero(np.any(m.W_out != w_out, axis=1))
        changed_in = np.flatnonzero(np.any(m.W_in != w_in, axis=1))
        out[arch] = {"out": int(len(changed_out)), "in": int(len(changed_in)),
                     "inputs": [words[i] for i in t.inputs], "target": words[t.target],
                     "negatives": [words[i] for i in t.negatives],
                     "distinct_negatives": len(set(t.negatives) - {t.target}),
                     "out_words": [words[i] for i in changed_out], "in_words": [words[i] for i in changed_in],
                     "V": len(words)}
    sg = out["skipgram"]
    return {**out, "negative": negative, "truth": {"out": sg["out"], "in": sg["in"]}}
