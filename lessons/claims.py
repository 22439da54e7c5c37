"""The claims experiments: skip-gram versus CBOW, tested fairly ("CBOW suits small data, skip-gram large
data" and its opposite; "skip-gram is friendlier to rare words").

Fair means: a budget held equal for both (train_budgeted: epochs, SGD updates = model.step_count, or
seconds); CBOW's update rule chosen (CBOW_RULES) and reported per run (model.rule.describe()); several
seeds, a Student-t interval per mean and a verdict that says "noise" when the intervals overlap; data
that cannot saturate (the HARD planted corpus, or shares of a real corpus scored on WordSim-353 /
SimLex-999, Porter-stemmed for head500, with coverage). claims_experiment runs it all, seed by seed,
reusing a cache of finished runs (run_key). It does not draw or import streamlit / bench; gensim is
imported only to stem.

    >>> claims_settings(CLAIMS_SETTINGS, "cbow", "sum", 1)["cbow_mean"]
    False
"""

from __future__ import annotations

import collections
import math
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from engine.config import SETTINGS, Config
from engine.model import Word2Vec
from engine.objectives import ARCHITECTURE_TABLE
from engine.vocab import Vocabulary
from lessons.benchmarks import PAIR_LISTS, REAL_CORPORA, load_real, word_pairs
from lessons.measures import pair_spearman
from lessons.planted import PlantedCorpus, coverage, neighbour_precision, quality_by_frequency
from lessons.six_models import ARCHITECTURES
from lessons.stats import compare_intervals

Progress = Optional[Callable[[int, int, str], Optional[bool]]]


Stop = Optional[Callable[[], bool]]


BUDGETS = ("epochs", "updates", "seconds")


CBOW_RULES = {                                     # name -> the Word2Vec settings that choose CBOW's rule
    "sum": {"cbow_mean": False, "cbow_update": "exact"},          # h = sum, exact gradient (the default)
    "mean_exact": {"cbow_mean": True, "cbow_update": "exact"},    # h = mean, exact gradient (divided by n)
    "mean_word2vec": {"cbow_mean": True, "cbow_update": "word2vec"},  # h = mean, word2vec.c's undivided update
}


# The models of the claims experiments: small and fast enough for a class on a 2-core machine.
CLAIMS_SETTINGS = dict(objective="negative_sampling", vector_size=32, window=3, negative=5, sample=1e-3,
                       min_count=2, alpha=0.025, min_alpha=1e-4, epochs=5, workers=1)


# Sizes (tokens) of the planted corpus: the default finishes in well under 30 s with 3 seeds.
PLANTED_SIZES = {"default": (10_000, 30_000, 100_000), "larger": (10_000, 50_000, 200_000, 600_000)}


REAL_SHARES = {"default": (0.05, 0.2, 0.5), "larger": (0.05, 0.2, 0.5, 1.0)}


PLANTED_METRIC = "precision@5"


PLANTED_BINS = ("rare", "middle", "frequent")


PAIR_BINS = ("rare", "frequent")


MAX_EPOCHS = int(SETTINGS["epochs"].high)   # the engine's bound


SECONDS_HEADROOM = 1.25       # seconds budget: plan this much more work than the measured speed predicts


def token_prefix(sentences: Sequence[Sequence[str]], n_tokens: int) -> List[Sequence[str]]:
    """The first n_tokens tokens of a corpus, as sentences (the last one cut): the corpus as if we had less text.

        >>> token_prefix([["a", "b", "c"], ["d", "e"]], 4)
        [['a', 'b', 'c'], ['d']]
    """
    out, left = [], int(n_tokens)
    for s in sentences:
        if left <= 0:
            break
        out.append(list(s[:left]) if len(s) > left else s)
        left -= len(s)
    return out


class ClaimsData:
    """A corpus for the claims experiments: its sizes, and how to score vectors trained on part of it.

    kind "planted": a PlantedCorpus (sizes in tokens, scored by neighbour precision@5 on the planted
    groups, binned rare / middle / frequent by count in the training text). kind "real": a real corpus
    (sizes = shares of its tokens, scored by Spearman's rho on WordSim-353 and SimLex-999, over the
    pairs whose two words the model knows, binned by the rarer word's count).
    """

    def __init__(self, key: str, kind: str, sentences: Sequence[Sequence[str]], truth: Optional[PlantedCorpus] = None,
                 stemmed: bool = False):
        self.key, self.kind, self.sentences, self.truth, self.stemmed = key, kind, sentences, truth, stemmed
        self.n_tokens = sum(len(s) for s in sentences)

    @classmethod
    def planted(cls, corpus: PlantedCorpus) -> "ClaimsData":
        key = "planted:" + ",".join(f"{k}={v}" for k, v in sorted(corpus.settings.items()))
        return cls(key, "planted", corpus.sentences, truth=corpus)

    @classmethod
    def real(cls, name: str, sentences: Optional[Sequence[Sequence[str]]] = None) -> "ClaimsData":
        """head500 (stemmed Wikipedia) or lee (news); sentences: the corpus already read (else read here)."""
        return cls(f"real:{name}", "real", load_real(name) if sentences is None else sentences,
                   stemmed=REAL_CORPORA[name][1])

    @property
    def metrics(self) -> Tuple[str, ...]:
        return (PLANTED_METRIC,) if self.kind == "planted" else tuple(PAIR_LISTS)

    @property
    def bins(self) -> Tuple[str, ...]:
        return PLANTED_BINS if self.kind == "planted" else PAIR_BINS

    def subset(self, size: int) -> List[Sequence[str]]:
        return token_prefix(self.sentences, size)

    def score(self, kv, sentences: Sequence[Sequence[str]]) -> dict:
        """{"scores": {metric: value}, "bins": {metric: {bin: value}}, "coverage": {metric: share known},
        "used": {metric: words or pairs scored}} of vectors trained on `sentences`."""
        if self.kind == "planted":
            scores = neighbour_precision(kv, self.truth, k=5)
            bins = quality_by_frequency(kv, self.truth, sentences, k=5, n_bins=len(PLANTED_BINS))
            m = PLANTED_METRIC
            return {"scores": {m: float(np.mean(list(scores.values()))) if scores else float("nan")},
                    "bins": {m: {b["bin"]: b["precision"] for b in bins}},
                    "coverage": {m: coverage(kv, self.truth)}, "used": {m: len(scores)}}
        counts = collections.Counter(w for s in sentences for w in s)
        out = {"scores": {}, "bins": {}, "coverage": {}, "used": {}}
        for name, fname in PAIR_LISTS.items():
            pairs = word_pairs(fname, self.stemmed)
            known = [(a, b, h) for a, b, h in pairs if a in kv.key_to_index and b in kv.key_to_index]
            out["coverage"][name] = len(known) / len(pairs) if pairs else 0.0
            out["used"][name] = len(known)
            out["scores"][name] = pair_spearman(kv, known)
            # rare versus frequent: the known pairs cut in two halves by the count of their rarer word
            order = sorted(known, key=lambda p: (min(counts[p[0]], counts[p[1]]), p[0], p[1]))
            half = len(order) // 2
            out["bins"][name] = {"rare": pair_spearman(kv, order[:half]),
                                 "frequent": pair_spearman(kv, order[half:])}
        return out


def cbow_updates_per_epoch(sentences, settings: dict) -> float:
    """Expected CBOW updates in one epoch: one per kept centre word, i.e. sum_w count(w) * keep_prob(w).

    (Subsampling draws which tokens are kept, so the real count varies a little around this.)
    """
    cfg = Config(**{k: v for k, v in settings.items() if k in Config.__dataclass_fields__})
    vocab = Vocabulary.build(sentences, cfg.min_count, cfg.max_vocab_size)
    keep = vocab.keep_probabilities(cfg.sample)
    return float((np.asarray(vocab.counts, dtype=np.float64) * keep).sum())


def train_budgeted(sentences, settings: dict, budget: str, amount: float, target_updates: Optional[int] = None,
                   words_per_sec: Optional[float] = None, stop: Stop = None,
                   progress: Optional[Callable[[float], Optional[bool]]] = None) -> Tuple[Word2Vec, dict]:
    """Train one model under a budget; returns (model, facts about the run).

    budget "epochs": `amount` epochs. "updates": exactly `target_updates` SGD updates (model.step_count);
    when target_updates is None the model trains `amount` epochs (skip-gram sets the target this way),
    else the epochs are planned so the stream has a little more than the target and train() stops at
    it (max_examples); the learning rate then decays over the planned epochs and ends near min_alpha.
    "seconds": a deadline of `amount` seconds of training; the epochs are planned from words_per_sec
    (measured on a short probe when None) with SECONDS_HEADROOM, so the deadline, not the plan, ends it.
    stop(): the user's Stop (then facts["stopped"] is True). progress(fraction of the run) may return
    False to stop too. Facts: budget, epochs_planned, passes (words processed / corpus tokens), updates,
    seconds, words_per_sec (corpus tokens x passes / seconds), updates_per_sec, lr_end, ended_by ("plan", "updates", "deadline", "stop"),
    rule (model.rule.describe()).
    """
    if budget not in BUDGETS:
        raise ValueError(f"budget={budget!r} is not allowed: budget must be one of {', '.join(BUDGETS)}")
    n_tokens = max(1, sum(len(s) for s in sentences))
    epochs, max_examples, deadline_s = int(amount), None, None
    if budget == "updates" and target_updates is not None:
        per_epoch = max(1.0, cbow_updates_per_epoch(sentences, settings)
                        if settings.get("architecture") == "cbow" else _updates_per_epoch(sentences, settings))
        epochs = min(MAX_EPOCHS, max(1, math.ceil(target_updates * 1.02 / per_epoch)))
        max_examples = int(target_updates)
    elif budget == "seconds":
        deadline_s = float(amount)
        if words_per_sec is None:
            words_per_sec = probe_words_per_sec(sentences, settings)
        epochs = min(MAX_EPOCHS, max(1, math.ceil(SECONDS_HEADROOM * deadline_s * words_per_sec / n_tokens)))
    model = Word2Vec(**{**settings, "epochs": epochs})
    model.build_vocab(sentences)
    user_stopped = {"v": False}
    t0 = time.perf_counter()

    def should_stop():
        if stop is not None and stop():
            user_stopped["v"] = True
            return True
        return deadline_s is not None and time.perf_counter() - t0 >= deadline_s

    def report(fraction, info):
        if progress is None:
            return None
        f = min(1.0, (time.perf_counter() - t0) / deadline_s) if deadline_s else (
            min(1.0, model.step_count / max_examples) if max_examples else fraction)
        if progress(f) is False:
            user_stopped["v"] = True
            return False
        return None

    info = model.train(progress=report, stop=should_stop, max_examples=max_examples, report_every=0.2)
    passes = epochs * model.progress_fraction()
    if max_examples is not None and model.step_count < max_examples and not user_stopped["v"]:
        # the stream ran out just before the target (subsampling kept fewer tokens than expected):
        # one more round for the few missing updates (its learning rate restarts at alpha)
        info = model.train(progress=report, stop=should_stop, max_examples=max_examples - model.step_count)
        passes += epochs * model.progress_fraction()
    seconds = time.perf_counter() - t0
    if user_stopped["v"]:
        ended = "stop"
    elif deadline_s is not None and not model.training_complete:
        ended = "deadline"
    elif max_examples is not None and model.step_count >= max_examples:
        ended = "updates"
    else:
        ended = "plan"
    facts = {"budget": budget, "epochs_planned": epochs, "passes": passes, "updates": model.step_count,
             "seconds": seconds, "words_per_sec": passes * n_tokens / seconds if seconds > 0 else 0.0,
             "updates_per_sec": model.step_count / seconds if seconds > 0 else 0.0, "lr_end": float(info["lr"]),
             "ended_by": ended, "stopped": ended == "stop", "rule": model.rule.describe(),
             "vocab": len(model.vocab)}
    return model, facts


def _updates_per_epoch(sentences, settings: dict) -> float:
    """Expected skip-gram updates per epoch: kept tokens x mean context size (window+1 if windows shrink)."""
    w = int(settings.get("window", Config().window))
    mean_context = (w + 1) if settings.get("shrink_windows", True) else 2 * w
    if settings.get("num_skips"):
        mean_context = min(mean_context, int(settings["num_skips"]))
    return cbow_updates_per_epoch(sentences, settings) * mean_context


def probe_words_per_sec(sentences, settings: dict, seconds: float = 0.25) -> float:
    """Words per second of this set-up on this machine, from a short throwaway training run."""
    model = Word2Vec(**{**settings, "epochs": 1})
    model.build_vocab(sentences)
    t0 = time.perf_counter()
    info = model.train(stop=lambda: time.perf_counter() - t0 >= seconds)
    return max(1.0, info["words_per_sec"])


def claims_settings(base: dict, architecture: str, cbow_rule: str, seed: int) -> dict:
    """The Word2Vec settings of one run: base + architecture + CBOW's rule (CBOW only) + seed."""
    if cbow_rule not in CBOW_RULES:
        raise ValueError(f"cbow_rule={cbow_rule!r} is not allowed: cbow_rule must be one of {', '.join(CBOW_RULES)}")
    s = {**base, "architecture": architecture, "seed": int(seed)}
    if architecture == "cbow":
        s.update(CBOW_RULES[cbow_rule])
    return s


def run_key(data: ClaimsData, size: int, arch: str, seed: int, base: dict, budget: str, amount,
            cbow_rule: str) -> tuple:
    """The cache key of one run: everything its result depends on (CBOW's rule only for CBOW)."""
    return (data.key, int(size), arch, int(seed), tuple(sorted(base.items())), budget, float(amount),
            cbow_rule if arch == "cbow" else "")


def claims_experiment(data: ClaimsData, sizes: Sequence[int], seeds: Sequence[int], base: dict, budget: str,
                      amount: float, cbow_rule: str = "sum", cache: Optional[dict] = None,
                      progress: Progress = None, stop: Stop = None, out: Optional[list] = None) -> List[dict]:
    """Skip-gram versus CBOW on growing sizes of a corpus, for several seeds, under one budget.

    Runs are done seed by seed (so a Stop leaves whole curves), and within a size skip-gram first (under
    the "updates" budget CBOW gets exactly as many updates as skip-gram made in `amount` epochs at the
    same size and seed). Each run's row: size, share, architecture, seed, the facts of train_budgeted
    and the scores of data.score. cache: {run_key: row}; rows found there are reused, new ones stored
    (the caller keeps it, e.g. in session state). out: a list each row is appended to as soon as it is
    done. progress(done, total, label) after each run and during it; returning False stops.
    """
    sizes = sorted(int(s) for s in sizes)
    runs = [(seed, size, arch) for seed in seeds for size in sizes for arch in ARCHITECTURES]
    rows = [] if out is None else out
    cache = {} if cache is None else cache
    speed: Dict[tuple, float] = {}         # seconds budget: words/s per (architecture, size), probed once
    halt = {"v": False}

    def inner_stop():
        return halt["v"] or (stop is not None and stop())

    for n, (seed, size, arch) in enumerate(runs):
        label = f"{ARCHITECTURE_TABLE[arch].label}, {size:,} tokens, seed {seed}"
        if inner_stop() or (progress is not None and progress(n, len(runs), label) is False):
            break
        key = run_key(data, size, arch, seed, base, budget, amount, cbow_rule)
        row = cache.get(key)
        if row is None:
            sentences = data.subset(size)
            settings = claims_settings(base, arch, cbow_rule, seed)
            target = None
            if budget == "updates" and arch == "cbow":
                sg = cache.get(run_key(data, size, "skipgram", seed, base, budget, amount, cbow_rule))
                if sg is None:        # skip-gram was not run (or stopped): nothing to match
                    continue
                target = sg["updates"]

            def run_progress(f, n=n, label=label):
                if progress is not None and progress(n + min(f, 0.999), len(runs), label) is False:
                    halt["v"] = True
                    return False
                return None

            try:
                if budget == "seconds" and (arch, size) not in speed:
                    speed[(arch, size)] = probe_words_per_sec(sentences, settings)
                model, facts = train_budgeted(sentences, settings, budget, amount, target_updates=target,
                                              words_per_sec=speed.get((arch, size)), stop=inner_stop,
                                              progress=run_progress)
            except ValueError as e:  # e.g. a tiny share left no training example
                rows.append({"size": size, "architecture": arch, "seed": seed, "error": str(e)})
                continue
            if facts["stopped"]:
                break
            tokens = sum(len(s) for s in sentences)
            row = {"data": data.key, "size": size, "tokens": tokens, "share": tokens / max(1, data.n_tokens),
                   "architecture": arch, "seed": int(seed), "cbow_rule": cbow_rule if arch == "cbow" else "",
                   "amount": amount, **facts, **data.score(model.wv, sentences)}
            cache[key] = row
        rows.append(row)
    if progress is not None:
        progress(len(rows), len(runs), "done")
    return rows


def claims_values(rows: Sequence[dict], metric: str, bin_name: Optional[str] = None) -> Dict[tuple, List[float]]:
    """{(size, architecture): [score per seed]} of the runs (a bin's score when bin_name is given)."""
    out: Dict[tuple, List[float]] = {}
    for r in (r for r in rows if "error" not in r):
        v = r["bins"][metric].get(bin_name, math.nan) if bin_name else r["scores"][metric]
        out.setdefault((r["size"], r["architecture"]), []).append(v)
    return out


def claims_summary(rows: Sequence[dict], metric: str, bin_name: Optional[str] = None) -> List[dict]:
    """Per size: the interval of each architecture and the verdict (a = skip-gram, b = CBOW)."""
    vals = claims_values(rows, metric, bin_name)
    out = []
    for size in sorted({s for s, _ in vals}):
        v = compare_intervals(vals.get((size, "skipgram"), []), vals.get((size, "cbow"), []))
        out.append({"size": size, "skipgram": v["a"], "cbow": v["b"], "outcome": v["outcome"], "gap": v["gap"]})
    return out
