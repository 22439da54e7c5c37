"""Interview experiments beyond Word2Vec itself: fastText and unseen words, count vectors factorised by SVD,
NCE against negative sampling, and tying the two matrices through a learned map (as a language model does).

Each function runs on the corpus (Setup) and returns a dict: "truth" (the measured answer, one value per
field of its question), "found" (the values its reveal text quotes), "rows" (its evidence table: keys are
interview.col.* ids) and the numbers behind them.
What it does not do: draw, know about Streamlit, or cache. fastText is gensim's (the field's
implementation: this engine has no subword model); PPMI + SVD uses scikit-learn's TruncatedSVD.
"""

from __future__ import annotations

import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from engine.objectives import sigmoid
from engine.vocab import Vocabulary
from lessons.interview.geometry import MAX_COUNT_V
from lessons.pmi import pair_counts
from lessons.interview.setup import (
    DIM,
    Progress,
    Setup,
    epochs_for,
    reference_model,
    report_progress,
    small_trainer_model,
    vocabulary,
    walk_examples,
)
from lessons.measures import mean_group_precision
from lessons.stats import answer, compare_intervals

SEEDS = (1, 2, 3)


# ------------------------------------------------------------------------------------------ fastText
def char_ngrams(word: str, min_n: int = 3, max_n: int = 5) -> List[str]:
    """fastText's character n-grams of a word: substrings of "<word>" of length min_n..max_n
    (Bojanowski et al. 2017; gensim's FastText uses the same boundary marks and defaults).

    >>> char_ngrams("king", 3, 4)
    ['<ki', 'kin', 'ing', 'ng>', '<kin', 'king', 'ing>']
    """
    marked = f"<{word}>"
    return [marked[i:i + n] for n in range(min_n, max_n + 1) for i in range(len(marked) - n + 1)]


def unseen_variant(setup: Setup, vocab: Optional[Vocabulary] = None) -> Tuple[str, str]:
    """(a word of the corpus, a form of it the corpus never has): the word with "s" (Latin script) or "们"
    (Chinese) appended. The word: the most frequent grouped word (when the corpus has groups), else the most
    frequent word of at least 4 letters (2 for Chinese). vocab: the corpus's vocabulary, when the caller has it."""
    vocab = vocabulary(setup) if vocab is None else vocab
    known = vocab.key_to_index

    def long_enough(w: str) -> bool:
        return any(ch.isalpha() for ch in w) and len(w) >= (4 if w.isascii() else 2)

    grouped = [w for w in vocab.index_to_key if setup.groups and w in setup.groups and long_enough(w)]
    for w in grouped + [w for w in vocab.index_to_key if long_enough(w)]:
        for suffix in (("s", "es", "x") if w.isascii() else ("们", "者")):
            if w + suffix not in known:
                return w, w + suffix
    w = vocab.index_to_key[0]
    return w, w + "_new"


def fasttext_oov(setup: Setup, progress: Progress = None, min_n: int = 3, max_n: int = 5) -> dict:
    """A word the corpus never has: Word2Vec (this engine) has no vector for it; gensim's FastText, trained on
    the same sentences with the same settings, builds one from its character n-grams. Is the word it was
    formed from among that vector's 5 nearest neighbours?"""
    from gensim.models import FastText

    vocab = vocabulary(setup)                  # min_count 1: every word any Word2Vec of this corpus can have a row for
    base, unseen = unseen_variant(setup, vocab)
    w2v_has = unseen in vocab.key_to_index
    sentences = [list(s) for s in setup.capped(20_000)]
    epochs = epochs_for(sentences, 4, budget=200_000, low=2, high=50)
    report_progress(progress, 0.1, "training")
    ft = FastText(sentences=sentences, vector_size=DIM, window=2, min_count=1, epochs=epochs, sg=1, negative=5,
                  sample=0, seed=setup.seed, workers=1, min_n=min_n, max_n=max_n)
    report_progress(progress, 0.9, "done")
    near = ft.wv.most_similar(unseen, topn=len(ft.wv))                    # every word, nearest first
    ranked = [w for w, _ in near]
    rank = ranked.index(base) + 1 if base in ranked else len(ranked)
    trained = {g for w in ft.wv.index_to_key for g in char_ngrams(w, min_n, max_n)}
    grams = char_ngrams(unseen, min_n, max_n)
    shared = [g for g in grams if g in trained]
    rows = [{"word": w, "cosine": float(c), "same": w == base} for w, c in near[:5]]
    return {"base": base, "unseen": unseen, "rows": rows, "rank": rank, "ngrams": grams, "shared": shared,
            "found": {"base": base, "unseen": unseen, "rank": rank, "n_grams": len(grams), "n_shared": len(shared),
                      "shared": ", ".join(shared[:12]), "cos_base": float(ft.wv.similarity(unseen, base)),
                      "epochs": epochs, "min_n": min_n, "max_n": max_n},
            "truth": {"w2v": "yes" if w2v_has else "no", "fasttext": "yes" if unseen in ft.wv else "no",
                      "close": "yes" if rank <= 5 else "no"}}


def fasttext_facts(setup: Setup) -> dict:
    """The question text's values: the word and its unseen form (nothing trained)."""
    base, unseen = unseen_variant(setup)
    return {"base": base, "unseen": unseen}


def svd_facts(setup: Setup) -> dict:
    return {"dim": DIM}


# ------------------------------------------------------------------------------------------ PPMI + SVD
def ppmi_svd_vectors(setup: Setup, dim: int = DIM, window: int = 2, seed: int = 1) -> np.ndarray:
    """Count-based vectors (Levy, Goldberg & Dagan 2015): the positive PMI of the window co-occurrence
    counts, factorised by truncated SVD, rows U_d * sqrt(S_d). (V, dim), rows in the vocabulary's order."""
    return svd_rows(ppmi_matrix(setup, window), dim, seed)


def ppmi_matrix(setup: Setup, window: int = 2):
    """The (V, V) sparse positive-PMI matrix of the window co-occurrence counts, rows and columns in the
    vocabulary's order (ValueError above MAX_COUNT_V words)."""
    from scipy.sparse import csr_matrix

    vocab = vocabulary(setup)
    V = len(vocab)
    if V > MAX_COUNT_V:
        raise ValueError(f"the PPMI matrix of this experiment is V x V: V = {V} is above {MAX_COUNT_V}; "
                         "choose a smaller corpus or a larger min_count")
    w, c, n = pair_counts(setup.capped(), vocab, window=window)
    D = n.sum()
    row = np.bincount(w, weights=n, minlength=V)                          # #(w)
    col = np.bincount(c, weights=n, minlength=V)                          # #(c)
    ppmi = np.maximum(np.log(n * D / (row[w] * col[c])), 0.0)             # (pairs,)
    return csr_matrix((ppmi, (w, c)), shape=(V, V))                       # (V, V)


def svd_rows(M, dim: int = DIM, seed: int = 1) -> np.ndarray:
    """Truncated SVD of M (randomised, seeded): rows U_d * sqrt(S_d), (V, min(dim, V - 1))."""
    from sklearn.decomposition import TruncatedSVD

    k = max(1, min(dim, M.shape[0] - 1))
    svd = TruncatedSVD(n_components=k, random_state=seed, n_iter=10)
    US = svd.fit_transform(M)                                             # (V, k) = U * S
    return US / np.sqrt(np.maximum(svd.singular_values_, 1e-12))          # U * sqrt(S)


def sgns_vs_svd(setup: Setup, seeds: Sequence[int] = SEEDS, progress: Progress = None) -> dict:
    """Skip-gram with negative sampling against PPMI + truncated SVD, the same corpus, window and dimension:
    group precision@5 of the corpus's groups over seeds, decided with the interval test."""
    words = vocabulary(setup).index_to_key
    t0 = time.perf_counter()
    M = ppmi_matrix(setup)                     # the counts are the same for every seed: counted once
    counting = time.perf_counter() - t0
    rows, scores = [], {"sgns": [], "svd": []}
    for i, seed in enumerate(seeds):
        report_progress(progress, i / len(seeds), f"seed {seed}")
        t0 = time.perf_counter()
        model = reference_model(setup, seed=seed)
        t1 = time.perf_counter()
        X = svd_rows(M, seed=seed)
        t2 = time.perf_counter()
        for name, vectors, seconds in (("sgns", model.W_in, t1 - t0), ("svd", X, counting + t2 - t1)):
            p = mean_group_precision(vectors, list(model.vocab.index_to_key) if name == "sgns" else words,
                                     setup.groups)
            scores[name].append(p)
            rows.append({"method": name, "seed": seed, "precision": p, "time": seconds})
    report_progress(progress, 1.0, "done")
    v = compare_intervals(scores["sgns"], scores["svd"])
    choice = answer(v, "sgns", "svd", "either")
    return {"rows": rows, "verdict": v,
            "found": {"sgns": v["a"]["mean"], "sgns_half": v["a"]["half"], "svd": v["b"]["mean"],
                      "svd_half": v["b"]["half"], "seeds": len(seeds), "dim": DIM},
            "truth": {"better": choice}}


# ------------------------------------------------------------------------------------------ NCE and NS
def train_nce_or_ns(setup: Setup, objective: str, max_updates: int = 30_000, negative: int = 5,
                    alpha: float = 0.05) -> dict:
    """Skip-gram on the engine's example stream (the same pairs and noise draws for both), with
    noise-contrastive estimation ("nce": the logit of a word is u.h - log(k P_n(w)), Gutmann & Hyvarinen 2010,
    Mnih & Teh 2012) or negative sampling ("ns": the logit is u.h, Mikolov et al. 2013b). A small trainer of
    its own (the engine has no NCE): per example, g = sigma(logit) - label on the target and the k noise
    words, u -= lr g h, h -= lr sum g u."""
    if objective not in ("nce", "ns"):
        raise ValueError(f"objective must be 'nce' or 'ns', got {objective!r}")
    m = small_trainer_model(setup, max_updates, DIM, negative)
    W_in = m.W_in.astype(np.float64)                                       # (V, d)
    W_out = np.zeros_like(W_in)                                            # (V, d)
    shift = np.log(negative * m.noise) if objective == "nce" else np.zeros(len(W_in))   # (V,) log(k P_n(w))
    done = 0
    for inputs, target, negatives, lr in walk_examples(m, max_updates, alpha):
        centre, rows, labels = _centre_rows_labels(inputs, target, negatives)
        h = W_in[centre].copy()                                            # (d,)
        g = sigmoid(W_out[rows] @ h - shift[rows]) - labels                # (k+1,)
        grad_h = g @ W_out[rows]                                           # (d,)
        for j, r in enumerate(rows):                                       # a noise word may come twice
            W_out[r] -= lr * g[j] * h
        W_in[centre] -= lr * grad_h
        done += 1
    return {"W_in": W_in, "W_out": W_out, "vocab": m.vocab, "updates": done, "noise": m.noise}


def _centre_rows_labels(inputs, target: int, negatives) -> Tuple[int, np.ndarray, np.ndarray]:
    """A skip-gram example as a small trainer uses it: the centre's id, the scored rows (target first, then
    the negatives) and their labels (1, 0, ..., 0)."""
    rows = np.concatenate([[target], negatives]).astype(np.int64)          # (k+1,)
    labels = np.zeros(len(rows))
    labels[0] = 1.0
    return int(inputs[0]), rows, labels


def log_partition(W_in: np.ndarray, W_out: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """log Z(c) = log sum_w exp(u_w . h_c) for each centre: 0 when exp(score) is a normalised probability."""
    S = W_in[centres] @ W_out.T                                            # (n, V)
    top = S.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(S - top).sum(axis=1, keepdims=True)))[:, 0]


def nce_vs_ns(setup: Setup, max_updates: int = 30_000, progress: Progress = None) -> dict:
    """Train with NCE and with negative sampling on the same stream; is exp(u.h) a normalised p(w | c)?
    Measured by log Z over the most frequent centres; and the quality of both (group precision when the
    corpus has groups)."""
    out, rows = {}, []
    for i, name in enumerate(("nce", "ns")):
        report_progress(progress, i / 2, "training")
        r = train_nce_or_ns(setup, name, max_updates)
        centres = np.arange(min(50, len(r["W_in"])))
        logz = log_partition(r["W_in"], r["W_out"], centres)
        quality = (mean_group_precision(r["W_in"], r["vocab"].index_to_key, setup.groups)
                   if setup.groups else float("nan"))
        out[name] = {"logz": float(np.mean(np.abs(logz))), "z": float(np.exp(np.median(logz))), "quality": quality}
        rows.append({"objective": name, "log_z": float(np.mean(np.abs(logz))), "z_median": out[name]["z"],
                     "precision": quality})
    report_progress(progress, 1.0, "done")
    normalised = [name for name in ("nce", "ns") if out[name]["logz"] < NORMALISED_LOG_Z]
    truth = "both" if len(normalised) == 2 else (normalised[0] if normalised else "neither")
    return {"rows": rows, "scores": out, "updates": max_updates,
            "found": {"nce_logz": out["nce"]["logz"], "ns_logz": out["ns"]["logz"], "nce_z": out["nce"]["z"],
                      "ns_z": out["ns"]["z"], "updates": max_updates, "limit": NORMALISED_LOG_Z},
            "truth": {"normalised": truth}}


NORMALISED_LOG_Z = 0.5       # |log Z| below this: sum_w exp(u_w . h) within a factor 1.65 of 1


# ------------------------------------------------------------------------------------------ tying through a map
def train_mapped(setup: Setup, max_updates: int = 6_000, negative: int = 5, alpha: float = 0.25) -> dict:
    """One matrix W for words and contexts, as in the tied model, but the centre goes through a learned d x d
    map A first (h = A W[centre], A starts as the identity): a language model's hidden layer in miniature
    (Press & Wolf 2017 tie the input and output embeddings of a network that computes h). A small trainer
    over the engine's example stream: the self-score is W[w] . A W[w], which A can make negative."""
    m = small_trainer_model(setup, max_updates, 16, negative)
    W = m.W_in.astype(np.float64)                                          # (V, d) words and contexts
    A = np.eye(W.shape[1])                                                 # (d, d)
    losses = []
    for inputs, target, negatives, lr in walk_examples(m, max_updates, alpha):
        centre, rows, labels = _centre_rows_labels(inputs, target, negatives)
        x = W[centre].copy()                                               # (d,)
        h = A @ x                                                          # (d,)
        p = sigmoid(W[rows] @ h)                                           # (k+1,)
        losses.append(float(-np.sum(np.log(np.where(labels > 0, p, 1 - p) + 1e-12))))
        g = p - labels                                                     # (k+1,)
        grad_h = g @ W[rows]                                               # (d,)
        for j, r in enumerate(rows):
            W[r] -= lr * g[j] * h
        W[centre] -= lr * (A.T @ grad_h)
        A -= lr * np.outer(grad_h, x)
    done = len(losses)
    scores = (W @ A.T) @ W.T                                               # (V, V) [w, c] = (A W[w]) . W[c]
    V = len(W)
    tail = losses[-max(1, len(losses) // 5):]
    return {"updates": done, "loss": float(np.mean(tail)),
            "self_best": float(np.mean(np.argmax(scores, axis=1) == np.arange(V))),
            "self_sigma": sigmoid(np.diag(scores).copy())}


def tying_with_a_map(setup: Setup, max_updates: int = 6_000, progress: Progress = None) -> dict:
    """Tied (W' = W), tied through a learned map (h = A W[w]) and two matrices, the same stream and updates:
    does the map remove the tied model's self-prediction?"""
    from lessons.interview.training import train_tied

    report_progress(progress, 0.0, "two")
    two = train_tied(setup, False, max_updates)
    report_progress(progress, 0.33, "tied")
    tied = train_tied(setup, True, max_updates)
    report_progress(progress, 0.66, "tied")
    mapped = train_mapped(setup, max_updates)
    report_progress(progress, 1.0, "done")
    runs: Dict[str, dict] = {"two": two, "tied": tied, "mapped": mapped}
    rows = [{"model": name, "loss": r["loss"], "self_best": 100.0 * r["self_best"],
             "self_sigma": float(np.mean(r["self_sigma"]))} for name, r in runs.items()]
    fixed = mapped["self_best"] <= two["self_best"] + 0.1 and mapped["loss"] <= 1.1 * two["loss"]
    return {"rows": rows, "updates": mapped["updates"],
            "found": {"updates": mapped["updates"], **{f"loss_{n}": r["loss"] for n, r in runs.items()},
                      **{f"self_{n}": 100.0 * r["self_best"] for n, r in runs.items()}},
            "truth": {"mapped": "fixes" if fixed else "still"}}
