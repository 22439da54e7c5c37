"""Interview experiments on what one vector per word can and cannot hold, and on the choices that shape it:
a word with two senses (polysemy), the window size and the kind of similarity (Levy & Goldberg 2014),
hierarchical softmax against negative sampling by word frequency, and vector length against frequency
with what a larger dimension buys.

Each experiment returns the result protocol of the interview questions: "truth" (the measured answer per
field), "found" (the values of the question's "found" text), "rows" (the evidence table, column ids from
interview.col.*) and its details. The first three run on generated corpora with a planted truth (the
sidebar's corpus cannot tell a word's senses, parts of speech or topics); the last on the sidebar's corpus.
Every decision between two options is lessons.stats.compare_intervals over seeds ("within noise" when the
95% intervals overlap); the others follow a rule stated in the question's `rule` text (and here).
What it does not do: draw, know about Streamlit, or cache.

    >>> sense_pair({"a1": 50, "a2": 9, "b1": 45, "b2": 80}, ["a1", "a2"], ["b1", "b2"])
    ('a1', 'b1')
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import numpy as np

from engine.keyed_vectors import spearman
from engine.model import Word2Vec
from lessons.interview.architectures import PLANTED_MODEL
from lessons.interview.setup import DIM, Progress, Setup, epochs_for, reference_model, report_progress
from lessons.measures import cosine_matrix, mean_group_precision
from lessons.stats import answer, compare_intervals, interval


def _mean_sd(values: Sequence[float]) -> Tuple[float, float]:
    i = interval(values)
    return i["mean"], (0.0 if i["n"] < 2 else i["std"])


def _train(sentences, seed: int, **settings) -> Word2Vec:
    m = Word2Vec(**{**settings, "seed": seed})
    m.build_vocab(sentences)
    m.train()
    return m


# ------------------------------------------------------------------------------------------ polysemy
POLY = dict(n_groups=8, group_size=10, zipf_s=1.0, topic_share=0.5)    # the planted corpus of the polysemy question
POLY_TOKENS, POLY_EPOCHS, POLY_SEEDS = 20_000, 10, (1, 2, 3)
SENSES = ("animal", "sport")            # the two groups whose words share one token
TOKEN = "bat"                           # the shared token: an animal and a club


def sense_pair(counts: Dict[str, int], group_a: Sequence[str], group_b: Sequence[str], ratio: float = 1.25
               ) -> Tuple[str, str]:
    """A word of each group with about the same count (the larger at most `ratio` times the smaller), the most
    frequent such pair: so neither sense outweighs the other (a frequent sense pulls the vector its way)."""
    pairs = [(min(counts[a], counts[b]), a, b) for a in group_a for b in group_b
             if max(counts[a], counts[b]) <= ratio * max(1, min(counts[a], counts[b]))]
    if not pairs:
        raise ValueError("no pair of words of about the same frequency in the two groups")
    _, a, b = max(pairs)
    return a, b


def polysemy_corpus(tokens: int = POLY_TOKENS):
    """(planted corpus, sentences with both sense words replaced by TOKEN, word a, word b)."""
    from lessons.planted import planted_corpus

    corpus = planted_corpus(n_tokens=tokens, seed=5, **POLY)
    a, b = sense_pair(corpus.counts(), corpus.groups[SENSES[0]], corpus.groups[SENSES[1]])
    sentences = [[TOKEN if w in (a, b) else w for w in s] for s in corpus.sentences]
    return corpus, sentences, a, b


def polysemy_facts(setup: Setup = None, tokens: int = POLY_TOKENS) -> dict:
    """The polysemy question's text values: the token, the two words it replaces, their groups and counts."""
    corpus, _, a, b = polysemy_corpus(tokens)
    counts = corpus.counts()
    return {"token": TOKEN, "word_a": a, "word_b": b, "group_a": SENSES[0], "group_b": SENSES[1],
            "count_a": counts[a], "count_b": counts[b], "poly_tokens": corpus.n_tokens(),
            "groups": len(corpus.groups), "seeds": len(POLY_SEEDS), "epochs": POLY_EPOCHS, "vector_size": DIM}


def landing(cosines: Dict[str, float], senses: Sequence[str]) -> str:
    """Where a vector lands, from its cosine to each group's centroid: "between" when the two sense groups'
    centroids are the two nearest, "one" when only one of them is the nearest, "neither" when another group's
    centroid is the nearest.

    >>> landing({"x": .8, "y": .7, "z": .2}, ("x", "y")), landing({"x": .8, "z": .7, "y": .2}, ("x", "y"))
    ('between', 'one')
    >>> landing({"z": .9, "x": .8, "y": .7}, ("x", "y"))
    'neither'
    """
    order = sorted(cosines, key=cosines.get, reverse=True)
    if set(order[:2]) == set(senses):
        return "between"
    return "one" if order[0] in senses else "neither"


def polysemy(seeds: Sequence[int] = POLY_SEEDS, tokens: int = POLY_TOKENS, epochs: int = POLY_EPOCHS,
             progress: Progress = None) -> dict:
    """One token for two senses: every occurrence of a word of group SENSES[0] and of one of SENSES[1] (of
    about the same count) becomes TOKEN. After skip-gram with negative sampling (per seed), the cosine of
    TOKEN's vector to each group's centroid (the mean of its remaining words' unit vectors); the answer is
    `landing` of the cosines averaged over seeds. For scale: a planted word's cosine to the centroid of the
    other words of its own group ("typical")."""
    corpus, sentences, a, b = polysemy_corpus(tokens)
    names = list(corpus.groups)
    per_seed: Dict[str, List[float]] = {g: [] for g in names}
    typical, near = [], {}
    for n, seed in enumerate(seeds):
        report_progress(progress, n / len(seeds), f"training, seed {seed}")
        m = _train(sentences, seed, **{**PLANTED_MODEL, "epochs": epochs})
        U = np.asarray(m.wv.normed(), dtype=np.float64)                          # (V, d) unit rows
        unit = {g: U[[m.vocab.key_to_index[w] for w in corpus.groups[g] if w in m.vocab.key_to_index]]
                for g in names}
        centroids = np.stack([unit[g].mean(axis=0) for g in names])              # (G, d)
        cos = cosine_matrix(np.vstack([U[m.vocab.key_to_index[TOKEN]], centroids]))[0, 1:]
        for g, c in zip(names, cos):
            per_seed[g].append(float(c))
        loo = np.vstack([(r.sum(axis=0) - r) / (len(r) - 1) for r in unit.values()])   # each word's own group
        words = np.vstack(list(unit.values()))                                   # without the word itself
        both = cosine_matrix(np.vstack([words, loo]))
        typical.append(float(np.mean(np.diag(both[:len(words), len(words):]))))
        planted = [w for w in corpus.planted_words if w in m.vocab.key_to_index]
        sims = cosine_matrix(np.vstack([U[m.vocab.key_to_index[TOKEN]], U[[m.vocab.key_to_index[w] for w in planted]]]))
        for w, s in zip(planted, sims[0, 1:]):
            near[w] = near.get(w, 0.0) + float(s) / len(seeds)
    mean = {g: _mean_sd(v)[0] for g, v in per_seed.items()}
    answer = landing(mean, SENSES)
    others = [g for g in names if g not in SENSES]
    best_other = max(others, key=mean.get)
    neighbours = sorted(near, key=near.get, reverse=True)[:5]
    rows = [{"group": g, "sense": {SENSES[0]: "sense_1", SENSES[1]: "sense_2"}.get(g, "other_group"),
             "cosine": mean[g], "std": _mean_sd(per_seed[g])[1]} for g in sorted(names, key=mean.get, reverse=True)]
    report_progress(progress, 1.0, "done")
    found = {"token": TOKEN, "word_a": a, "word_b": b, "group_a": SENSES[0], "group_b": SENSES[1],
             "cos_a": mean[SENSES[0]], "cos_b": mean[SENSES[1]], "other": best_other, "cos_other": mean[best_other],
             "typical": _mean_sd(typical)[0], "neighbours": ", ".join(f"{w} ({near[w]:.2f})" for w in neighbours),
             "seeds": len(seeds)}
    return {"truth": {"lands": answer}, "found": found, "rows": rows, "cosines": per_seed, "typical": typical,
            "neighbours": neighbours, "seeds": list(seeds), "tokens": corpus.n_tokens(), "epochs": epochs}


# ------------------------------------------------------------------------------------------ window and similarity
WINDOWS = (1, 8)                         # small and large, full windows (shrink_windows off)
KIND_TOKENS, KIND_EPOCHS, KIND_SEEDS, KIND_K = 15_000, 5, (1, 2, 3), 5


def kind_corpus(tokens: int = KIND_TOKENS):
    from lessons.planted import syntax_topic_corpus

    return syntax_topic_corpus(n_tokens=tokens, seed=3)


def _example(c) -> List[str]:
    """A short sentence of the corpus whose content words all share one topic (no noise word in it)."""
    pure = [x for x in c.sentences[:100] if len({c.topic_of[w] for w in x if w in c.topic_of}) == 1]
    return min(pure or c.sentences[:1], key=len)


def window_facts(setup: Setup = None, tokens: int = KIND_TOKENS) -> dict:
    """The window question's text values: the two windows, the corpus's shape and a short sentence of it."""
    c = kind_corpus(tokens)
    topics = sorted(set(c.topic_of.values()), key=list(c.topic_of.values()).index)
    return {"w_small": WINDOWS[0], "w_large": WINDOWS[1], "kind_tokens": c.n_tokens(), "seeds": len(KIND_SEEDS),
            "topics": "/".join(topics), "n_topics": len(topics), "content": len(c.pos_of),
            "per_slot": c.settings["per_slot"], "example": " ".join(_example(c)), "top_k": KIND_K,
            "vector_size": DIM}


def kind_verdict(pos_shares: Sequence[float], topic_shares: Sequence[float]) -> dict:
    """Which kind of neighbour dominates, by the 95% intervals over seeds: "syntactic" (same part of speech)
    when the part-of-speech share's interval lies wholly above the topic share's, "topical" when the other way,
    "either" (within noise) when they overlap.

    >>> kind_verdict([1.0, 0.98, 0.99], [0.4, 0.42, 0.41])["choice"], kind_verdict([.5, .6, .7], [.55, .6, .65])["choice"]
    ('syntactic', 'either')
    """
    v = compare_intervals(pos_shares, topic_shares)
    return {"choice": answer(v, "syntactic", "topical", "either"), **v}


def window_kind(seeds: Sequence[int] = KIND_SEEDS, tokens: int = KIND_TOKENS, epochs: int = KIND_EPOCHS,
                windows: Sequence[int] = WINDOWS, k: int = KIND_K, probe: str = "animal_noun1",
                progress: Progress = None) -> dict:
    """Skip-gram with negative sampling at a small and a large window (full windows, no subsampling) on the
    syntax-and-topic corpus; for every content word, the share of its k nearest content words with its part
    of speech and the share with its topic (lessons.measures.group_precision with each truth as the groups).
    Per window, the dominating kind is kind_verdict of the per-seed mean shares."""
    corpus = kind_corpus(tokens)
    settings = dict(vector_size=DIM, shrink_windows=False, sample=0.0, negative=5, alpha=0.025, min_alpha=1e-4,
                    epochs=epochs)
    runs = [(w, s) for w in windows for s in seeds]
    shares, lists, rows = {w: {"pos": [], "topic": []} for w in windows}, {}, []
    for n, (window, seed) in enumerate(runs):
        report_progress(progress, n / len(runs), f"training, seed {seed}")
        m = _train(corpus.sentences, seed, window=window, **settings)
        words, W = m.vocab.index_to_key, m.W_in
        pos = mean_group_precision(W, words, corpus.pos_of, k)
        topic = mean_group_precision(W, words, corpus.topic_of, k)
        shares[window]["pos"].append(pos)
        shares[window]["topic"].append(topic)
        rows.append({"window": window, "seed": seed, "same_pos": pos, "same_topic": topic})
        if seed == seeds[0]:
            content = [w for w in words if w in corpus.pos_of]
            X = W[[m.vocab.key_to_index[w] for w in content]]
            sims = cosine_matrix(X)[content.index(probe)]
            order = [j for j in np.argsort(-sims, kind="stable") if content[j] != probe][:k]
            lists[window] = [content[j] for j in order]
    verdicts = {w: kind_verdict(shares[w]["pos"], shares[w]["topic"]) for w in windows}
    small, large = windows[0], windows[-1]
    n = len(corpus.pos_of)                                              # chance: a random word's share
    found = {"probe": probe, "w_small": small, "w_large": large, "top_k": k,
             "chance_pos": (n / len(set(corpus.pos_of.values())) - 1) / (n - 1),
             "chance_topic": (n / len(set(corpus.topic_of.values())) - 1) / (n - 1),
             "small_list": ", ".join(lists[small]), "large_list": ", ".join(lists[large])}
    for name, w in (("small", small), ("large", large)):
        found[f"pos_{name}"], found[f"pos_{name}_sd"] = _mean_sd(shares[w]["pos"])
        found[f"topic_{name}"], found[f"topic_{name}_sd"] = _mean_sd(shares[w]["topic"])
    report_progress(progress, 1.0, "done")
    return {"truth": {"small": verdicts[small]["choice"], "large": verdicts[large]["choice"]}, "found": found,
            "rows": rows, "shares": shares, "verdicts": verdicts, "neighbours": lists, "seeds": list(seeds),
            "tokens": corpus.n_tokens(), "epochs": epochs}


# ------------------------------------------------------------------------------------------ HS against NS
HSNS_TOKENS, HSNS_EPOCHS, HSNS_SEEDS = 40_000, 5, (1, 2, 3, 4, 5)


def hsns_facts(setup: Setup = None) -> dict:
    from lessons.planted import HARD

    return {"hsns_tokens": HSNS_TOKENS, "seeds": len(HSNS_SEEDS), "epochs": HSNS_EPOCHS, "vector_size": DIM,
            "groups": HARD["n_groups"], "group_size": HARD["group_size"], "zipf": HARD["zipf_s"]}


def objective_verdict(hs: Sequence[float], ns: Sequence[float]) -> str:
    """"hs" or "ns" when its per-seed interval lies wholly above the other's, else "either" (within noise).

    >>> objective_verdict([.7, .72, .71], [.3, .35, .32]), objective_verdict([.7, .6, .8], [.65, .75, .7])
    ('hs', 'either')
    """
    return answer(compare_intervals(hs, ns), "hs", "ns", "either")


def hs_vs_ns(seeds: Sequence[int] = HSNS_SEEDS, tokens: int = HSNS_TOKENS, epochs: int = HSNS_EPOCHS,
             progress: Progress = None) -> dict:
    """Skip-gram with hierarchical softmax against negative sampling (otherwise the same settings and seeds) on
    the hard Zipf planted corpus (lessons.planted.HARD); precision@5 on the rarest and on the most frequent
    third of the planted words (quality_by_frequency), each decided by objective_verdict over the seeds."""
    from lessons.planted import hard_planted, quality_by_frequency

    corpus = hard_planted(tokens, seed=11)
    objectives = (("hs", "hierarchical_softmax"), ("ns", "negative_sampling"))
    runs = [(short, objective, seed) for seed in seeds for short, objective in objectives]
    scores = {short: {"rare": [], "frequent": []} for short, _ in objectives}
    rows, bins = [], None
    for n, (short, objective, seed) in enumerate(runs):
        report_progress(progress, n / len(runs), f"training, seed {seed}")
        m = _train(corpus.sentences, seed, **{**PLANTED_MODEL, "objective": objective, "epochs": epochs})
        bins = quality_by_frequency(m.wv, corpus, k=5, n_bins=3)
        scores[short]["rare"].append(bins[0]["precision"])
        scores[short]["frequent"].append(bins[-1]["precision"])
        rows.append({"objective": objective, "seed": seed, "rare": bins[0]["precision"],
                     "frequent": bins[-1]["precision"], "updates": m.step_count})
    truth = {part: objective_verdict(scores["hs"][part], scores["ns"][part]) for part in ("rare", "frequent")}
    found = {"rare_max": bins[0]["max_count"], "frequent_min": bins[-1]["min_count"]}
    for short in ("hs", "ns"):
        for part, tag in (("rare", "rare"), ("frequent", "freq")):
            found[f"{short}_{tag}"], found[f"{short}_{tag}_sd"] = _mean_sd(scores[short][part])
    report_progress(progress, 1.0, "done")
    return {"truth": truth, "found": found, "rows": rows, "scores": scores, "seeds": list(seeds),
            "tokens": corpus.n_tokens(), "epochs": epochs}


# ------------------------------------------------------------------------------------------ length and dimension
RHO_THRESHOLD = 0.3                      # |rho| below this: "no relation"
SIZES = (25, 100)                        # the small and the large vector size
NORM_SEEDS = (1, 2, 3)
NORM_BUDGET = 300_000                    # updates per model (epochs_for), as reference_model


def norm_rule(rho: float, threshold: float = RHO_THRESHOLD) -> str:
    """"longer" (frequent words have longer vectors) when rho >= threshold, "shorter" when rho <= -threshold,
    else "none".

    >>> norm_rule(0.8), norm_rule(-0.5), norm_rule(0.1)
    ('longer', 'shorter', 'none')
    """
    return "longer" if rho >= threshold else ("shorter" if rho <= -threshold else "none")


def dimension_verdict(large: Sequence[float], small: Sequence[float]) -> str:
    """Quality at the larger size against the smaller, by the 95% intervals over seeds: "higher", "lower", or
    "same" (within noise)."""
    return answer(compare_intervals(large, small), "higher", "lower", "same")


def norm_facts(setup: Setup) -> dict:
    return {"small_d": SIZES[0], "large_d": SIZES[1], "seeds": len(NORM_SEEDS), "threshold": RHO_THRESHOLD,
            "epochs": epochs_for(setup.capped(), 4, budget=NORM_BUDGET)}


def norms_and_dimension(setup: Setup, seeds: Sequence[int] = NORM_SEEDS, sizes: Sequence[int] = SIZES,
                        budget: int = NORM_BUDGET, progress: Progress = None) -> dict:
    """The sidebar's corpus, skip-gram with negative sampling as reference_model (full windows of 2, no
    subsampling, epochs for about `budget` updates) at two vector sizes over seeds.

    Length: Spearman's rho between log count and the norm of the W_in rows, per model at the small size; the
    answer is norm_rule of its mean over seeds. Dimension: quality per model, group precision@5 when the corpus
    has groups, else minus the last epoch's loss (higher is better either way); dimension_verdict of the large
    size against the small one.
    """
    small, large = sizes[0], sizes[-1]
    measure = "precision" if setup.groups else "loss"
    runs = [(d, s) for d in (small, large) for s in seeds]
    rho, quality, rows = {d: [] for d in (small, large)}, {d: [] for d in (small, large)}, []
    norms = counts = words = None
    for n, (d, seed) in enumerate(runs):
        report_progress(progress, n / len(runs), f"training, seed {seed}")
        m = reference_model(setup, vector_size=d, budget=budget, seed=seed)
        norm = np.linalg.norm(m.W_in.astype(np.float64), axis=1)                # (V,)
        r = float(spearman(np.log(m.vocab.counts.astype(np.float64)), norm))
        loss = float(m.epoch_losses()[-1])
        q = (mean_group_precision(m.W_in, m.vocab.index_to_key, setup.groups) if setup.groups else -loss)
        rho[d].append(r)
        quality[d].append(q)
        rows.append({"vector_size": d, "seed": seed, "rho": r, "quality": q, "loss": loss})
        if d == small and seed == seeds[0]:
            norms, counts, words = norm, m.vocab.counts, m.vocab.index_to_key
    r_mean, r_sd = _mean_sd(rho[small])
    order = np.argsort(counts, kind="stable")                                   # rarest first
    quarter = max(1, len(order) // 4)
    found = {"rho": r_mean, "rho_sd": r_sd, "top": words[0], "top_norm": float(norms[0]),
             "frequent_norm": float(norms[order[-quarter:]].mean()), "rare_norm": float(norms[order[:quarter]].mean()),
             "small_d": small, "large_d": large, "seeds": len(seeds)}
    for name, d in (("small", small), ("large", large)):
        found[f"q_{name}"], found[f"q_{name}_sd"] = _mean_sd(quality[d])
    report_progress(progress, 1.0, "done")
    return {"truth": {"norm": norm_rule(r_mean), "dim": dimension_verdict(quality[large], quality[small])},
            "found": found, "rows": rows, "rho": rho, "quality": quality, "measure": measure, "seeds": list(seeds)}
