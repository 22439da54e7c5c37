"""How a sweep scores its runs and summarises them over seeds (see sweep.py for the sweep itself).

What it does: SweepCorpus bundles a corpus with what can score vectors trained on it (planted truth, a
sample corpus's groups and analogies, WordSim-353 / SimLex-999 when enough pairs are known);
evaluate() scores one run with its coverage; summarize / verdict / best_point give the mean and
spread over seeds, which differences exceed the seed-to-seed spread, and the best value.
What it does not do: train.
"""

from __future__ import annotations

import functools
import hashlib
import math
import operator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from engine.corpus import gensim_data_path
from lessons.benchmarks import BENCHMARK_LISTS, BENCHMARKS, word_pair_score
from lessons.measures import MIN_PAIRS, group_precision

GROUP_K = 5             # group precision@k (capped at the group's known size - 1)


@dataclass(frozen=True)
class Metric:
    """A number each run reports. coverage: the key of its coverage (None for time, loss...)."""
    key: str
    higher_is_better: bool
    coverage: Optional[str] = None
    quality: bool = True


METRICS: Dict[str, Metric] = {m.key: m for m in (
    Metric("planted", True, "planted_coverage"),
    Metric("groups", True, "groups_coverage"),
    Metric("analogies", True, "analogies_coverage"),
    Metric("wordsim353", True, "wordsim353_coverage"),
    Metric("simlex999", True, "simlex999_coverage"),
    Metric("google", True, "google_coverage"),
    Metric("own_pairs", True, "own_pairs_coverage"),
    Metric("own_analogies", True, "own_analogies_coverage"),
    Metric("final_loss", False, quality=False),
    Metric("time", False, quality=False),
    Metric("words_per_sec", True, quality=False),
)}


@dataclass(frozen=True)
class SweepCorpus:
    """The sentences of a sweep and what can score vectors trained on them.

    key: the corpus's identity in the result cache ("sample:royalty", "upload:<sha1 of the tokens>"...);
    groups: {word: group} of a sample corpus; analogies: its analogy list; planted: a PlantedCorpus
    (lessons.planted) whose truth scores the run; benchmarks: score WordSim-353 / SimLex-999 too.
    """
    key: str
    label: str
    sentences: Sequence
    groups: Optional[Mapping[str, str]] = None
    analogies: Optional[Path] = None
    planted: Any = None
    benchmarks: bool = True
    own_pairs: Optional[Path] = None        # the user's word pairs with scores (gensim's format: w1 w2 score)
    own_analogies: Optional[Path] = None    # the user's analogies (gensim's / Google's format, ': section' lines)
    measures: Tuple[str, ...] = ()          # a sweep re-opened from its CSV: no sentences, the file's measures
    segmented: Optional[Mapping[str, Sequence]] = None   # {segmenter: the sentences cut that way} (segmenter sweeps)

    def sentences_for(self, segmenter: Optional[str]) -> Sequence:
        """The sentences a run trains on: cut with `segmenter` when the sweep varies it, else as given.
        ValueError when this corpus cannot be cut again (a planted corpus, a sweep re-opened from a file)."""
        if segmenter is None:
            return self.sentences
        if not self.segmented or segmenter not in self.segmented:
            raise ValueError(f"the corpus {self.label} cannot be cut again with segmenter={segmenter!r}")
        return self.segmented[segmenter]

    def metrics(self) -> List[str]:
        """The quality measures this corpus can have, best first (see _metrics); a re-opened sweep's are its file's."""
        return list(self.measures) if self.measures else self._metrics()

    def _metrics(self) -> List[str]:
        """The quality measures this corpus can have, best first: its planted truth, its own groups and
        analogies, then the benchmark lists installed (whether their coverage allows a score is per run)."""
        out = []
        if self.planted is not None:
            out.append("planted")
        if self.groups:
            out.append("groups")
        if self.analogies is not None:
            out.append("analogies")
        if self.own_pairs is not None:
            out.append("own_pairs")
        if self.own_analogies is not None:
            out.append("own_analogies")
        if self.benchmarks:
            out += [k for k, f in BENCHMARK_LISTS.items() if gensim_data_path(f) is not None]
            if gensim_data_path(BENCHMARKS["google"][1]) is not None:
                out.append("google")
        return out


def tokens_key(sentences: Sequence[Sequence[str]]) -> str:
    """A short fingerprint of a corpus's tokens (for uploads: same text, same cache entries)."""
    h = hashlib.sha1()
    for s in sentences:
        h.update("\x1f".join(s).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()[:16]


def groups_score(kv, groups: Mapping[str, str], k: int = GROUP_K) -> Tuple[float, float]:
    """(precision, coverage) of a sample corpus's groups: lessons.measures.mean_group_precision (the mean over
    the grouped words in the vocabulary of the share of their k nearest grouped words in their own group).
    coverage: the share of grouped words in the vocabulary. (nan, coverage) when no group has two known words."""
    _, precision, cov = _groups_items(kv, groups, k)
    return precision, cov


def _groups_items(kv, groups: Mapping[str, str], k: int = GROUP_K) -> Tuple[Dict[str, float], float, float]:
    """({grouped word: its precision@k}, their mean (nan when none), coverage): lessons.measures.group_precision
    over the vocabulary, computed once for the score and the per-item scores."""
    known = [w for w in groups if w in kv.key_to_index]
    cov = len(known) / len(groups) if groups else 0.0
    per_word = group_precision(kv.vectors, kv.index_to_key, groups, k)
    return per_word, (float(np.mean(list(per_word.values()))) if per_word else float("nan")), cov


def evaluate(kv, corpus: SweepCorpus) -> dict:
    """Every quality measure of corpus.metrics() for trained vectors, each with its coverage (0..1).

    planted: neighbour precision@5 against the planted groups; groups: group_precision; analogies:
    3CosAdd accuracy on the corpus's list (coverage: questions whose four words are known); wordsim353 /
    simlex999: Spearman correlation with the human ratings over the known pairs (nan when fewer than
    MIN_PAIRS pairs are known; coverage = 1 - OOV share, *_pairs = pairs scored).
    """
    out: Dict[str, float] = {}
    for key in corpus.metrics():
        if key == "planted":
            from lessons.planted import coverage, neighbour_precision
            scores = neighbour_precision(kv, corpus.planted, k=GROUP_K)
            out["planted"] = float(np.mean(list(scores.values()))) if scores else float("nan")
            out["planted_coverage"] = coverage(kv, corpus.planted)
            out["planted_items"] = scores
        elif key == "groups":
            out["groups_items"], out["groups"], out["groups_coverage"] = _groups_items(kv, corpus.groups)
        elif key in ("analogies", "own_analogies", "google"):
            path = {"analogies": corpus.analogies, "own_analogies": corpus.own_analogies,
                    "google": gensim_data_path(BENCHMARKS["google"][1])}[key]
            details = kv.word_analogy_details(path)
            asked = sum(d[5] is not None for d in details)
            right = sum(d[5] is True for d in details)
            out[key] = right / asked if asked else float("nan")
            out[f"{key}_coverage"] = asked / max(1, len(details))
            out[f"{key}_items"] = analogy_items(details)
        else:
            path = corpus.own_pairs if key == "own_pairs" else gensim_data_path(BENCHMARK_LISTS[key])
            rho, oov, details = word_pair_score(kv, path)
            used = len(details)
            out[key] = float(rho) if used >= MIN_PAIRS else float("nan")
            out[f"{key}_coverage"] = 1.0 - float(oov)
            out[f"{key}_pairs"] = used
            out[f"{key}_items"] = {f"{a}\t{b}": (human, float(sim)) for a, b, human, sim in details}
    return out


ITEM_METRICS = ("planted", "groups", "wordsim353", "simlex999", "own_pairs",   # scored per item: comparable on
                "analogies", "own_analogies", "google")                        # the items every run covers
ANALOGY_METRICS = ("analogies", "own_analogies", "google")


def analogy_items(details: Sequence[tuple]) -> Tuple[int, int]:
    """A run's answers to an analogy file, compactly: (asked, right) as bit masks over the questions' places in
    the file (Google's file has 19,544 questions; a cached run keeps two integers, not a dict of them).

    >>> analogy_items([("s", "a", "b", "c", "d", True), ("s", "a", "b", "e", "f", None), ("s", "b", "a", "d", "c", False)])
    (5, 1)
    """
    asked = right = 0
    for i, d in enumerate(details):
        if d[5] is not None:
            asked |= 1 << i
            if d[5]:
                right |= 1 << i
    return asked, right


def on_common_items(rows: Sequence[dict]) -> List[dict]:
    """The rows with each per-item quality measure re-scored on the items EVERY finished run covers: the
    planted or grouped words all their vocabularies hold, the benchmark pairs all know (a larger min_count
    drops words, and a run scored on 87 easy pairs must not be compared with one scored on 253), the analogy
    questions all can ask. Adds <metric>_common (how many items) and keeps the run's own score as
    <metric>_own. Rows are copies; runs that did not finish ("error", "blown") are left as they are.

    >>> rows = [{"status": "ok", "groups": .5, "groups_items": {"a": 1.0, "b": 0.0}},
    ...         {"status": "ok", "groups": 1.0, "groups_items": {"a": 1.0}}]
    >>> [(r["groups"], r["groups_common"]) for r in on_common_items(rows)]
    [(1.0, 1), (1.0, 1)]
    """
    out = [dict(r) for r in rows]
    done = [r for r in out if r.get("status", "ok") == "ok"]
    for metric in ITEM_METRICS:
        items = [r.get(f"{metric}_items") for r in done]
        if not done or any(i is None for i in items):
            continue
        if metric in ANALOGY_METRICS:                 # (asked, right) bit masks: the questions all runs ask
            common_mask = functools.reduce(operator.and_, (asked for asked, _ in items))
            n = common_mask.bit_count()
            for r, (_, right) in zip(done, items):
                r[f"{metric}_own"] = r.get(metric)
                r[f"{metric}_common"] = n
                r[metric] = (right & common_mask).bit_count() / n if n else float("nan")
            continue
        common = set(items[0]).intersection(*items[1:])
        for r, own in zip(done, items):
            r[f"{metric}_own"] = r.get(metric)
            r[f"{metric}_common"] = len(common)
            r[metric] = _score_on(metric, [own[k] for k in sorted(common)])
    return out


def _score_on(metric: str, values: list) -> float:
    """A measure on a list of items: the mean precision of words, or Spearman's rho of (human, cosine) pairs."""
    if metric in ("planted", "groups"):
        return float(np.mean(values)) if values else float("nan")
    if len(values) < MIN_PAIRS:
        return float("nan")
    from engine.keyed_vectors import spearman

    return float(spearman([h for h, _ in values], [c for _, c in values]))


def summarize(rows: Sequence[dict], metric: str) -> List[dict]:
    """Per (value, colour): mean, standard deviation over seeds (ddof=1; 0 for one seed) and n of `metric`,
    over the rows that have a number for it; in the order the values first appear.

        >>> summarize([{"value": 1, "colour": None, "time": 2.0}, {"value": 1, "colour": None, "time": 4.0}], "time")
        [{'value': 1, 'colour': None, 'mean': 3.0, 'std': 1.4142135623730951, 'n': 2}]
    """
    groups: Dict[tuple, List[float]] = {}
    for r in rows:
        groups.setdefault((r["value"], r["colour"]), [])
        x = r.get(metric)
        if r.get("status", "ok") == "ok" and isinstance(x, (int, float)) and math.isfinite(x):
            groups[(r["value"], r["colour"])].append(float(x))
    out = []
    for (value, colour), xs in groups.items():
        v = np.array(xs, dtype=np.float64)
        out.append({"value": value, "colour": colour, "mean": float(v.mean()) if len(v) else float("nan"),
                    "std": float(v.std(ddof=1)) if len(v) > 1 else 0.0, "n": int(len(v))})
    return out


def coverage_range(rows: Sequence[dict], metric: str) -> Optional[Tuple[float, float]]:
    """(lowest, highest) coverage of a quality measure over the runs, or None if it has none."""
    key = METRICS[metric].coverage if metric in METRICS else None
    vals = [r[key] for r in rows if key and isinstance(r.get(key), (int, float))]
    return (min(vals), max(vals)) if vals else None


def best_point(summary: Sequence[dict], metric: str) -> Optional[dict]:
    """The summary entry with the best mean (highest, or lowest for time and loss); None if none has a number."""
    pts = [s for s in summary if s["n"] and math.isfinite(s["mean"])]
    if not pts:
        return None
    sign = 1 if METRICS[metric].higher_is_better else -1
    return max(pts, key=lambda s: sign * s["mean"])


def sweep_verdict(summary: Sequence[dict], metric: str) -> List[dict]:
    """For each colour (one entry for a 1-D sweep): the best value and, for every other value, whether the
    gap to the best exceeds the seed-to-seed spread (the two standard deviations added).

    Returns [{colour, best (summary entry), clearly (values clearly worse), within (values inside the
    spread), seeds (fewest seeds behind a point)}]; with one seed there is no spread to compare against, so
    both lists stay empty.

        >>> s = [{"value": 1, "colour": None, "mean": 0.5, "std": 0.05, "n": 3},
        ...      {"value": 2, "colour": None, "mean": 0.8, "std": 0.05, "n": 3},
        ...      {"value": 3, "colour": None, "mean": 0.78, "std": 0.05, "n": 3}]
        >>> v = sweep_verdict(s, "groups")[0]
        >>> v["best"]["value"], v["clearly"], v["within"]
        (2, [1], [3])
    """
    out = []
    colours = list(dict.fromkeys(s["colour"] for s in summary))
    sign = 1 if METRICS[metric].higher_is_better else -1
    for c in colours:
        pts = [s for s in summary if s["colour"] == c and s["n"] and math.isfinite(s["mean"])]
        if not pts:
            continue
        best = max(pts, key=lambda s: sign * s["mean"])
        seeds = min(s["n"] for s in pts)
        clearly, within = [], []
        for s in pts:
            if s is best or seeds < 2:
                continue
            gap = sign * (best["mean"] - s["mean"])
            (clearly if gap > best["std"] + s["std"] else within).append(s["value"])
        out.append({"colour": c, "best": best, "clearly": clearly, "within": within, "seeds": seeds})
    return out
