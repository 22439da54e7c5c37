"""Hyperparameter sweeps: train every (value, seed) of one setting, score each run, summarise over seeds.

What it does:
  SWEEPABLE      the settings a sweep can vary, each with its word2vec.c and gensim defaults and what the
                 literature recommends (with a short citation), the values to start from and the plot's axis.
  parse_values   "1, 2, 5", "1..5", "0..1 step 0.25", "1e-4..1e-1 x10" -> checked values (SweepInputError
                 with a code the UI translates, naming the bad item, when a value is not allowed).
  SweepPlan      the setting, its values, an optional second setting (the colour of a 2-D sweep), the seeds,
                 the other settings and how to use the two cores; .runs() lists every training, seed-major
                 (all values with the first seed, then the second seed...), so a stopped sweep has whole curves.
  SweepCorpus    a corpus plus what can score vectors trained on it: the planted truth of a generated
                 corpus, a sample corpus's own groups and analogies, the benchmark lists (WordSim-353,
                 SimLex-999) when enough of their pairs are in the vocabulary; evaluate() scores one run and
                 always reports coverage (the share of the list the vocabulary can answer).
  run_sweep      trains the plan's runs with the fast trainer and returns one row per finished run; a
                 ResultCache keyed by (corpus, settings, seed) returns earlier runs without training.
  SweepJob       run_sweep in a background thread (the app's way), with progress, stop and a snapshot.
  summarize / verdict / best_point   mean and standard deviation over seeds, which differences exceed
                 the seed-to-seed spread, and the best value.
What it does not do: draw anything or import streamlit (ui/sweep.py does), or know the sidebar.

How the two cores are used (bench/sweep.py measures it and writes bench/SWEEP_RESULTS.md):
  "two_runs"  two trainings at once, each with workers=1 (the compiled kernel releases the GIL);
              deterministic per run (a run with workers=1 equals stepping its examples one by one);
  "workers2"  one training at a time with workers=2 (two Hogwild threads inside the run);
  "one"       one training at a time with workers=1 (for comparison).
DEFAULT_STRATEGY is "two_runs": the faster in bench/sweep.py's interleaved short sweeps on this (busy, shared)
machine (1.11x over one run at a time; workers2 1.05x), and each run stays deterministic, so a cached row is
exactly what training again would give. The gain is well below 2x because one run with workers=1 already
keeps more than one core busy (its own thread builds the next chunk while the kernel thread trains).

Staying fair to other users of the server: every run first takes free cores from one process-wide
SlotPool (as many as the machine has; a run takes `workers` of them, first come first served), so
thirty students pressing Run at once queue their runs instead of starting sixty training threads, and
SweepJob lowers the priority of its threads (nice), so the page clicks of other sessions (ordinary
priority) get the CPU first while a sweep runs (bench/SWEEP_RESULTS.md: a Next 100 click of another session
took a median 68 ms during a sweep instead of 34 ms alone; 131 ms with the sweep at ordinary priority).

    >>> parse_values("window", "1..3, 5")
    [1, 2, 3, 5]
    >>> parse_values("sample", "0, 1e-5..1e-3 x10")
    [0.0, 1e-05, 0.0001, 0.001]
    >>> parse_values("window", "2.5")
    Traceback (most recent call last):
    ...
    engine.sweep.SweepInputError: window='2.5' is not allowed: window must be an integer in [1, 100]
"""

from __future__ import annotations

import collections
import hashlib
import json
import math
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from . import fast
from .config import SETTINGS, Config
from .corpus import gensim_data_path
from .model import Word2Vec
from .update import TrainingDiverged

# ============================================================================ the settings a sweep can vary


@dataclass(frozen=True)
class Sweepable:
    """One setting a sweep can vary, and what is known about it.

    word2vec_c / gensim: their defaults (word2vec.c: the variables at the top of word2vec.c; gensim 4's
    Word2Vec signature). recommended: (low, high) for a range the literature recommends, a single value,
    or None; source: whose recommendation (the UI gives the advice in words, per language).
    axis: "linear", "log" (when every value is > 0) or "category".
    """
    name: str
    suggested: Tuple
    axis: str
    word2vec_c: Any
    gensim: Any
    recommended: Any
    source: str

    @property
    def setting(self):
        return SETTINGS[self.name]

    @property
    def categorical(self) -> bool:
        return self.setting.kind in (str, bool)

    @property
    def choices(self) -> Tuple:
        s = self.setting
        return (True, False) if s.kind is bool else tuple(s.choices)


def _row(*args) -> Sweepable:
    return Sweepable(*args)


MIKOLOV_A = "Mikolov et al. 2013a"     # Efficient Estimation of Word Representations in Vector Space
MIKOLOV_B = "Mikolov et al. 2013b"     # Distributed Representations of Words and Phrases and their Compositionality
LEVY = "Levy, Goldberg & Dagan 2015"   # Improving Distributional Similarity with Lessons Learned from Word Embeddings
W2V_PAGE = "the word2vec project page (Mikolov 2013)"   # code.google.com/archive/p/word2vec: "Performance"

SWEEPABLE: Dict[str, Sweepable] = {r.name: r for r in (
    _row("window", (1, 2, 3, 5, 8), "linear", 5, 5, (2, 10), f"Levy & Goldberg 2014; {LEVY}; {W2V_PAGE}"),
    _row("vector_size", (10, 20, 50, 100), "log", 100, 100, (100, 300), MIKOLOV_A),
    _row("negative", (1, 2, 5, 10, 20), "linear", 5, 5, (5, 20), f"{MIKOLOV_B}; {LEVY}"),
    _row("ns_exponent", (0.0, 0.25, 0.5, 0.75, 1.0), "linear", 0.75, 0.75, 0.75, f"{MIKOLOV_B}; {LEVY}"),
    _row("sample", (0.0, 1e-5, 1e-4, 1e-3, 1e-2), "log", 1e-3, 1e-3, (1e-5, 1e-3), f"{MIKOLOV_B}; {W2V_PAGE}"),
    _row("alpha", (0.0125, 0.025, 0.05, 0.1, 0.25), "log", {"skipgram": 0.025, "cbow": 0.05}, 0.025,
         {"skipgram": 0.025, "cbow": 0.05}, W2V_PAGE),
    _row("epochs", (1, 2, 5, 10, 20), "linear", 5, 5, None, "word2vec.c; gensim 4"),
    _row("min_count", (1, 2, 3, 5, 10), "linear", 5, 5, None, "word2vec.c; gensim 4"),
    _row("architecture", ("skipgram", "cbow"), "category", "cbow", "cbow", "skipgram", f"{MIKOLOV_A}; {W2V_PAGE}"),
    _row("objective", ("hierarchical_softmax", "negative_sampling"), "category", "negative_sampling",
         "negative_sampling", None, W2V_PAGE),
    _row("init_scale", (0.5, 1.0, 3.0), "log", 0.5, 1.0, None, "word2vec.c; gensim 4"),
    _row("shrink_windows", (True, False), "category", True, True, True, LEVY),
    _row("skipgram_input", ("center", "context"), "category", "context", "context", None, "word2vec.c; gensim 4"),
)}


def reference(name: str, base: Optional[Mapping] = None) -> dict:
    """The defaults and the recommendation of a setting as values, for the settings `base` (alpha's depend
    on the architecture): {"word2vec_c", "gensim", "recommended" (value, (low, high) or None), "source"}.

        >>> reference("alpha", {"architecture": "cbow"})["word2vec_c"]
        0.05
    """
    s = SWEEPABLE[name]
    arch = (base or {}).get("architecture", "skipgram")

    def pick(v):
        return v.get(arch) if isinstance(v, dict) else v

    return {"word2vec_c": pick(s.word2vec_c), "gensim": pick(s.gensim), "recommended": pick(s.recommended),
            "source": s.source}


# ============================================================================ values: parsing and checking
MAX_VALUES = 12       # values of one setting in one sweep
MAX_RUNS = 120        # trainings in one sweep (values x colour values x seeds)
MAX_SEEDS = 5


class SweepInputError(ValueError):
    """A sweep that cannot run as asked. `code` says what (the UI words it in the user's language),
    `item` is the offending piece of text or value, `setting` the setting; str() is an English message.

    codes: empty, not_a_number, bad_range, bad_step, too_many, not_allowed, combination, not_sweepable,
    same_setting, too_many_runs, no_seeds."""

    def __init__(self, code: str, message: str, item: Any = None, setting: Optional[str] = None, **extra):
        super().__init__(message)
        self.code, self.item, self.setting, self.extra = code, item, setting, extra


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^({_NUMBER})\s*\.\.\s*({_NUMBER})(?:\s*(step|\+|x|\*|×)\s*({_NUMBER}))?$", re.I)
_SEPARATORS = re.compile(r"[,;，、；]")


def _clean(x: float) -> float:
    """Round away float noise of a generated sequence: 0.30000000000000004 -> 0.3."""
    return float(f"{x:.12g}")


def _expand(name: str, item: str) -> List[Any]:
    """One piece of the values text -> values (not yet checked against the setting's range)."""
    s = SETTINGS[name]
    m = _RANGE.match(item)
    if not m:
        if ".." in item:
            raise SweepInputError("bad_range", f"{item!r} is not a range like 1..5, 0..1 step 0.25 or "
                                  "1e-4..1e-1 x10", item=item, setting=name)
        return [item]
    a, b, op, step = float(m.group(1)), float(m.group(2)), (m.group(3) or "").lower(), m.group(4)
    if b < a:
        raise SweepInputError("bad_range", f"{item!r}: the range must go upwards (from the smaller value)",
                              item=item, setting=name)
    if not op:
        if s.kind is not int or a != int(a) or b != int(b):
            raise SweepInputError("bad_range", f"{item!r}: a range without a step needs whole numbers "
                                  "(add 'step 0.25' or 'x10')", item=item, setting=name)
        values = list(range(int(a), int(b) + 1))
    elif op in ("step", "+"):
        d = float(step)
        if d <= 0:
            raise SweepInputError("bad_step", f"{item!r}: the step must be > 0", item=item, setting=name)
        n = int(math.floor((b - a) / d + 1e-9)) + 1
        if n > MAX_VALUES:
            raise SweepInputError("too_many", f"{item!r} gives {n} values; a sweep takes at most {MAX_VALUES}",
                                  item=item, setting=name, n=n, limit=MAX_VALUES)
        values = [_clean(a + i * d) for i in range(n)]
    else:
        r = float(step)
        if r <= 1 or a <= 0:
            raise SweepInputError("bad_step", f"{item!r}: a factor range needs a start > 0 and a factor > 1",
                                  item=item, setting=name)
        n = int(math.floor(math.log(b / a) / math.log(r) + 1e-9)) + 1
        if n > MAX_VALUES:
            raise SweepInputError("too_many", f"{item!r} gives {n} values; a sweep takes at most {MAX_VALUES}",
                                  item=item, setting=name, n=n, limit=MAX_VALUES)
        values = [_clean(a * r ** i) for i in range(n)]
    if len(values) > MAX_VALUES:
        raise SweepInputError("too_many", f"{item!r} gives {len(values)} values; a sweep takes at most "
                              f"{MAX_VALUES}", item=item, setting=name, n=len(values), limit=MAX_VALUES)
    return [int(v) if s.kind is int else v for v in values]


def check_value(name: str, raw: Any) -> Any:
    """One value of a setting, parsed and checked by the engine's table (SETTINGS): '3' -> 3 for window;
    SweepInputError("not_allowed", the engine's message) when the engine would refuse it."""
    if name not in SWEEPABLE:
        raise SweepInputError("not_sweepable", f"{name!r} cannot be swept (choose one of {', '.join(SWEEPABLE)})",
                              item=name, setting=name)
    try:
        return SETTINGS[name].parse(raw)
    except (TypeError, ValueError) as e:
        raise SweepInputError("not_allowed", str(e), item=raw, setting=name) from None


def parse_values(name: str, text: str) -> List[Any]:
    """The values written in `text`, checked, without repeats; numbers sorted upwards, choices in the order given.

    Pieces are separated by commas (or semicolons); a piece is a value, several values separated by
    spaces, or a range: a..b (whole numbers), a..b step s, a..b x m (a factor: 1e-4..1e-1 x10).
    """
    if name not in SWEEPABLE:
        check_value(name, None)
    items = []
    for piece in _SEPARATORS.split(text or ""):
        piece = piece.strip()
        if not piece:
            continue
        items.extend([piece] if ".." in piece else piece.split())
    if not items:
        raise SweepInputError("empty", f"no values given for {name}", setting=name)
    values: List[Any] = []
    for item in items:
        for raw in _expand(name, item):
            values.append(check_value(name, raw))
    return unique_values(name, values)


def unique_values(name: str, values: Sequence[Any]) -> List[Any]:
    """Values without repeats (numbers sorted), at most MAX_VALUES of them (SweepInputError otherwise)."""
    out = list(dict.fromkeys(values))
    if not SWEEPABLE[name].categorical:
        out.sort()
    if not out:
        raise SweepInputError("empty", f"no values given for {name}", setting=name)
    if len(out) > MAX_VALUES:
        raise SweepInputError("too_many", f"{len(out)} values of {name}; a sweep takes at most {MAX_VALUES}",
                              item=len(out), setting=name, n=len(out), limit=MAX_VALUES)
    return out


def format_value(value: Any) -> str:
    """How a value is written in tables and labels: 5, 0.75, 1e-05, cbow, True."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def values_text(values: Sequence[Any]) -> str:
    """The text parse_values reads back: values_text([1, 2, 5]) -> '1, 2, 5'."""
    return ", ".join(format_value(v) for v in values)


# ============================================================================ the plan
STRATEGIES = ("two_runs", "workers2", "one")
# The faster way to use two cores for a sweep of small runs, measured by bench/sweep.py on this machine
# (bench/SWEEP_RESULTS.md: interleaved short sweeps): two runs at once with workers=1 each.
DEFAULT_STRATEGY = "two_runs"


def run_workers(strategy: str) -> int:
    """workers of each training: 2 for "workers2", else 1."""
    return 2 if strategy == "workers2" else 1


@dataclass(frozen=True)
class Run:
    """One training of a sweep: its place in the plan, the swept value(s), the seed and every setting."""
    index: int
    value: Any
    colour: Any
    seed: int
    settings: Tuple[Tuple[str, Any], ...]

    @property
    def kwargs(self) -> dict:
        return dict(self.settings)


@dataclass(frozen=True)
class SweepPlan:
    """What to train: `setting` over `values` (and `colour_setting` over `colour_values`: a 2-D sweep), each
    with every seed of `seeds`; `base` holds every other Word2Vec argument (seed and workers are set here)."""
    setting: str
    values: Tuple
    seeds: Tuple[int, ...]
    base: Tuple[Tuple[str, Any], ...]
    colour_setting: Optional[str] = None
    colour_values: Tuple = ()
    strategy: str = DEFAULT_STRATEGY

    @classmethod
    def make(cls, setting: str, values: Sequence, seeds: Sequence[int], base: Mapping,
             colour_setting: Optional[str] = None, colour_values: Sequence = (),
             strategy: str = DEFAULT_STRATEGY) -> "SweepPlan":
        """A checked plan (SweepInputError naming the problem): values and seeds allowed by the engine, every
        combination a valid Config, at most MAX_RUNS trainings."""
        if setting not in SWEEPABLE:
            check_value(setting, None)
        values = unique_values(setting, [check_value(setting, v) for v in values])
        if colour_setting:
            if colour_setting == setting:
                raise SweepInputError("same_setting", "the second setting must differ from the first",
                                      setting=colour_setting)
            colour_values = unique_values(colour_setting, [check_value(colour_setting, v) for v in colour_values])
        else:
            colour_setting, colour_values = None, ()
        seeds = tuple(dict.fromkeys(int(SETTINGS["seed"].check(s)) for s in seeds))
        if not 1 <= len(seeds) <= MAX_SEEDS:
            raise SweepInputError("no_seeds", f"a sweep needs 1 to {MAX_SEEDS} seeds, got {len(seeds)}",
                                  item=len(seeds), limit=MAX_SEEDS)
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy={strategy!r} is not allowed: strategy must be one of {STRATEGIES}")
        n = len(values) * max(1, len(colour_values)) * len(seeds)
        if n > MAX_RUNS:
            raise SweepInputError("too_many_runs", f"{n} trainings; a sweep does at most {MAX_RUNS}",
                                  item=n, n=n, limit=MAX_RUNS)
        known = {f for f in Config.__dataclass_fields__}
        base = {k: v for k, v in dict(base).items() if k in known and k not in ("seed", "workers")}
        plan = cls(setting, tuple(values), seeds, tuple(sorted(base.items())), colour_setting,
                   tuple(colour_values), strategy)
        for run in plan.runs():
            if run.seed != seeds[0]:
                break
            try:
                Config(**run.kwargs).validate()
            except (TypeError, ValueError) as e:
                raise SweepInputError("combination", str(e), item=run.value, setting=setting,
                                      colour=run.colour) from None
        return plan

    @property
    def base_settings(self) -> dict:
        return dict(self.base)

    def runs(self) -> List[Run]:
        """Every training, seed-major: all (value, colour) with the first seed, then the second seed..."""
        out = []
        colours = self.colour_values or (None,)
        for seed in self.seeds:
            for value in self.values:
                for colour in colours:
                    kw = {**self.base_settings, self.setting: value, "seed": seed,
                          "workers": run_workers(self.strategy)}
                    if self.colour_setting:
                        kw[self.colour_setting] = colour
                    out.append(Run(len(out), value, colour, seed, tuple(sorted(kw.items()))))
        return out


# ============================================================================ the corpus and its scores
MIN_PAIRS = 20          # a benchmark list is scored only when at least this many of its pairs are known
GROUP_K = 5             # group precision@k (capped at the group's known size - 1)
BENCHMARK_LISTS = {"wordsim353": "wordsim353.tsv", "simlex999": "simlex999.txt"}


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
    Metric("final_loss", False, quality=False),
    Metric("time", False, quality=False),
    Metric("words_per_sec", True, quality=False),
)}


@dataclass(frozen=True)
class SweepCorpus:
    """The sentences of a sweep and what can score vectors trained on them.

    key: the corpus's identity in the result cache ("sample:royalty", "upload:<sha1 of the tokens>"...);
    groups: {word: group} of a sample corpus; analogies: its analogy list; planted: a PlantedCorpus
    (engine.synthetic) whose truth scores the run; benchmarks: score WordSim-353 / SimLex-999 too.
    """
    key: str
    label: str
    sentences: Sequence
    groups: Optional[Mapping[str, str]] = None
    analogies: Optional[Path] = None
    planted: Any = None
    benchmarks: bool = True

    def metrics(self) -> List[str]:
        """The quality measures this corpus can have, best first: its planted truth, its own groups and
        analogies, then the benchmark lists installed (whether their coverage allows a score is per run)."""
        out = []
        if self.planted is not None:
            out.append("planted")
        if self.groups:
            out.append("groups")
        if self.analogies is not None:
            out.append("analogies")
        if self.benchmarks:
            out += [k for k, f in BENCHMARK_LISTS.items() if gensim_data_path(f) is not None]
        return out


def tokens_key(sentences: Sequence[Sequence[str]]) -> str:
    """A short fingerprint of a corpus's tokens (for uploads: same text, same cache entries)."""
    h = hashlib.sha1()
    for s in sentences:
        h.update("\x1f".join(s).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()[:16]


def group_precision(kv, groups: Mapping[str, str], k: int = GROUP_K) -> Tuple[float, float]:
    """(precision, coverage) of a sample corpus's groups: for each grouped word in the vocabulary, the share of
    its k nearest neighbours (kv.most_similar, over the whole vocabulary) that are in its own group, k capped at
    the number of other known words of that group; the mean over words. coverage: the share of grouped words
    in the vocabulary. (nan, coverage) when no group has two known words."""
    known = [w for w in groups if w in kv.key_to_index]
    size = collections.Counter(groups[w] for w in known)
    scores = []
    for w in known:
        kk = min(k, size[groups[w]] - 1)
        if kk < 1:
            continue
        near = kv.most_similar(w, topn=kk)
        scores.append(sum(groups.get(x) == groups[w] for x, _ in near) / kk)
    cov = len(known) / len(groups) if groups else 0.0
    return (float(np.mean(scores)) if scores else float("nan")), cov


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
            from .synthetic import coverage, neighbour_precision
            scores = neighbour_precision(kv, corpus.planted, k=GROUP_K)
            out["planted"] = float(np.mean(list(scores.values()))) if scores else float("nan")
            out["planted_coverage"] = coverage(kv, corpus.planted)
        elif key == "groups":
            out["groups"], out["groups_coverage"] = group_precision(kv, corpus.groups)
        elif key == "analogies":
            acc, sections = kv.evaluate_word_analogies(corpus.analogies)
            total = sections[-1]
            asked = total["correct"] + total["incorrect"]
            out["analogies"] = float(acc) if asked else float("nan")
            out["analogies_coverage"] = asked / max(1, asked + total.get("skipped", 0))
        else:
            path = gensim_data_path(BENCHMARK_LISTS[key])
            _, rho, oov = kv.evaluate_word_pairs(path)
            used = sum(sim is not None for *_, sim in kv.word_pair_details(path))
            out[key] = float(rho) if used >= MIN_PAIRS else float("nan")
            out[f"{key}_coverage"] = 1.0 - float(oov)
            out[f"{key}_pairs"] = used
    return out


# ============================================================================ cache and shared cores
class ResultCache:
    """Finished runs by (corpus key, every setting incl. seed and workers), least recently used dropped.

    Rows are plain numbers and strings; get() hands out a copy marked cached=True, so no caller can
    change what another one reads. Thread-safe. hits / misses count lookups (the tests read them).
    """
    VERSION = 1      # bump when evaluate() or a row's fields change, so old rows are not reused

    def __init__(self, maxsize: int = 2000):
        self.maxsize = maxsize
        self._rows: "collections.OrderedDict[str, dict]" = collections.OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @classmethod
    def key(cls, corpus_key: str, run: Run) -> str:
        return json.dumps([cls.VERSION, corpus_key, run.settings], default=str)

    def get(self, corpus_key: str, run: Run) -> Optional[dict]:
        k = self.key(corpus_key, run)
        with self._lock:
            row = self._rows.get(k)
            if row is None:
                self.misses += 1
                return None
            self._rows.move_to_end(k)
            self.hits += 1
            return {**row, "cached": True}

    def put(self, corpus_key: str, run: Run, row: dict) -> None:
        k = self.key(corpus_key, run)
        with self._lock:
            self._rows[k] = {key: v for key, v in row.items() if key not in ("cached", "index")}
            self._rows.move_to_end(k)
            while len(self._rows) > self.maxsize:
                self._rows.popitem(last=False)

    def __len__(self) -> int:
        return len(self._rows)


class SlotPool:
    """The machine's cores as slots that training runs take, first come first served.

    acquire(k) waits until k slots are free and it is first in the queue (or stop() turns True: then it
    returns False). One pool per process (TRAINING_SLOTS) keeps every sweep of every session together
    at no more runs than cores.
    """

    def __init__(self, n: int):
        self.n = max(1, int(n))
        self.free = self.n
        self._cv = threading.Condition()
        self._queue: collections.deque = collections.deque()

    def acquire(self, k: int = 1, stop: Optional[Callable[[], bool]] = None, poll: float = 0.1,
                on_wait: Optional[Callable[[], Any]] = None) -> bool:
        """Take k slots (waiting for them; on_wait() is called once if it has to wait); False if stop() ended
        the wait."""
        k = max(1, min(int(k), self.n))
        ticket = object()
        with self._cv:
            self._queue.append(ticket)
            try:
                waited = False
                while not (self._queue[0] is ticket and self.free >= k):
                    if stop is not None and stop():
                        return False
                    if not waited and on_wait is not None:
                        waited = True
                        on_wait()
                    self._cv.wait(poll)
                self.free -= k
                return True
            finally:
                self._queue.remove(ticket)
                self._cv.notify_all()

    def release(self, k: int = 1) -> None:
        k = max(1, min(int(k), self.n))
        with self._cv:
            self.free = min(self.n, self.free + k)
            self._cv.notify_all()

    @property
    def waiting(self) -> int:
        return len(self._queue)

    @contextmanager
    def slots(self, k: int = 1, stop: Optional[Callable[[], bool]] = None, on_wait: Optional[Callable[[], Any]] = None):
        """with pool.slots(2, stop) as got: ... (got is False when stop() ended the wait)."""
        got = self.acquire(k, stop, on_wait=on_wait)
        try:
            yield got
        finally:
            if got:
                self.release(k)


TRAINING_SLOTS = SlotPool(os.cpu_count() or 2)
_COMPILE_LOCK = threading.Lock()


def lower_thread_priority(increment: int) -> bool:
    """Raise the nice value of the calling thread by `increment` (Linux: per thread; threads it starts
    inherit it). Returns False where that is not possible. Never lowers it again: call it only in a
    thread of your own."""
    if increment <= 0 or not hasattr(os, "setpriority"):
        return False
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + increment))
        return True
    except (OSError, AttributeError):
        return False


# ============================================================================ running
Progress = Optional[Callable[[float, str], Any]]


def train_one(run: Run, corpus: SweepCorpus, stop: Optional[Callable[[], bool]] = None,
              progress: Optional[Callable[[float], Any]] = None) -> Optional[dict]:
    """Train one run with the fast trainer and score it: the row, or None if stop() ended it part-way.

    A run the engine refuses (ValueError: e.g. min_count leaves no word) or that diverges returns a row
    with status "error" and the message in "error" (the sweep goes on).
    """
    kw = run.kwargs
    row = {"index": run.index, "value": run.value, "colour": run.colour, "seed": run.seed, "status": "ok",
           "error": "", "cached": False}
    try:
        t0 = time.perf_counter()
        model = Word2Vec(**kw)
        model.build_vocab(corpus.sentences)
        row["build_time"] = time.perf_counter() - t0

        def report(fraction, info):
            if progress is not None:
                progress(fraction)

        t1 = time.perf_counter()
        info = model.train(progress=report, stop=stop, report_every=0.2)
        row["time"] = time.perf_counter() - t1
    except TrainingDiverged as e:
        return {**row, "status": "error", "error": str(e)}
    except ValueError as e:
        return {**row, "status": "error", "error": str(e)}
    if info.get("stopped"):
        return None
    losses = model.epoch_losses()
    row.update(words_per_sec=float(info["words_per_sec"]), examples=int(model.step_count), V=len(model.vocab),
               final_loss=float(losses[-1]) if losses else float("nan"))
    row.update(evaluate(model.wv, corpus))
    return row


def _ensure_compiled(vector_size: int, workers: int) -> None:
    with _COMPILE_LOCK:
        if not fast.is_warm(vector_size, workers):
            fast.warm_up(vector_size, workers)


def run_sweep(plan: SweepPlan, corpus: SweepCorpus, cache: Optional[ResultCache] = None,
              progress: Progress = None, stop: Optional[Callable[[], bool]] = None,
              out: Optional[list] = None, slots: Optional[SlotPool] = TRAINING_SLOTS) -> List[dict]:
    """Train every run of the plan (those in the cache are taken from it) and return their rows.

    Rows are appended to `out` (returned) as soon as each run finishes, so a caller that stops keeps the
    finished ones; a run interrupted by stop() leaves no row. progress(fraction of the whole sweep, label)
    is called from the sweep's threads; label is one of "cached", "compiling", "waiting", "training".
    Each run takes `workers` slots of `slots` while it trains (None: no limit).
    """
    runs = plan.runs()
    rows = [] if out is None else out
    lock = threading.Lock()
    part = {}                       # run index -> fraction done of the runs in progress
    finished = [0]
    n = len(runs)
    workers = run_workers(plan.strategy)
    stopped = (lambda: False) if stop is None else stop

    def report(label: str):
        if progress is not None:
            with lock:
                fraction = (finished[0] + sum(part.values())) / max(1, n)
            progress(min(1.0, fraction), label)

    def one(run: Run):
        if stopped():
            return
        row = cache.get(corpus.key, run) if cache is not None else None
        if row is None:
            d = int(run.kwargs["vector_size"])
            if fast.static_size(d) and not fast.is_warm(d, workers):
                report(f"compiling:{d}")
                _ensure_compiled(d, workers)
            with (slots.slots(workers, stopped, on_wait=lambda: report("waiting")) if slots is not None
                  else _no_slot()) as got:
                if not got or stopped():
                    return
                with lock:
                    part[run.index] = 0.0

                def on_progress(f, i=run.index):
                    with lock:
                        part[i] = f
                    report("training")

                row = train_one(run, corpus, stopped, on_progress)
            if row is None:                              # stopped part-way: nothing kept
                with lock:
                    part.pop(run.index, None)
                return
            if cache is not None:
                cache.put(corpus.key, run, row)
        row = {**row, "index": run.index}
        with lock:
            part.pop(run.index, None)
            finished[0] += 1
            rows.append(row)
        report("cached" if row.get("cached") else "training")

    if plan.strategy == "two_runs" and n > 1:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="sweep-run") as pool:
            for f in [pool.submit(one, r) for r in runs]:
                f.result()
    else:
        for r in runs:
            one(r)
    return rows


@contextmanager
def _no_slot():
    yield True


# ============================================================================ the background job
class SweepJob:
    """run_sweep in a thread of its own, at a lower priority (nice), with a Stop that keeps finished runs.

    The app keeps one per session (in st.session_state) and polls snapshot() while it runs. The thread
    touches nothing but this object.
    """

    def __init__(self, plan: SweepPlan, corpus: SweepCorpus, cache: Optional[ResultCache] = None,
                 slots: Optional[SlotPool] = TRAINING_SLOTS, nice: int = 5):
        self.plan, self.corpus, self.cache, self.slots, self.nice = plan, corpus, cache, slots, nice
        self.total = len(plan.runs())
        self.rows: List[dict] = []
        self.fraction = 0.0
        self.label = "starting"
        self.state = "new"          # new -> running -> done | stopped | failed
        self.error = ""
        self.started = self.finished = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> "SweepJob":
        self.state = "running"
        self.started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="sweep", daemon=True)
        self._thread.start()
        return self

    def _progress(self, fraction: float, label: str) -> None:
        with self._lock:
            self.fraction, self.label = max(self.fraction, fraction), label

    def _run(self) -> None:
        lower_thread_priority(self.nice)
        try:
            run_sweep(self.plan, self.corpus, self.cache, self._progress, self._stop.is_set, self.rows, self.slots)
            state = "stopped" if self._stop.is_set() and len(self.rows) < self.total else "done"
        except Exception as e:  # noqa: BLE001 - shown on the page; the finished rows are kept
            state, self.error = "failed", f"{type(e).__name__}: {e}"
        with self._lock:
            self.finished = time.perf_counter()
            self.state = state

    def stop(self) -> None:
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        return self.state == "running"

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Wait for the thread to end; True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.perf_counter()) - self.started

    def snapshot(self) -> dict:
        """{state, fraction, label, done, total, rows (a copy, in plan order), elapsed, error}."""
        with self._lock:
            rows = sorted(list(self.rows), key=lambda r: r["index"])
            return {"state": self.state, "fraction": self.fraction, "label": self.label, "done": len(rows),
                    "total": self.total, "rows": rows, "elapsed": self.elapsed, "error": self.error,
                    "stopping": self._stop.is_set() and self.state == "running"}


# ============================================================================ summaries
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


def verdict(summary: Sequence[dict], metric: str) -> List[dict]:
    """For each colour (one entry for a 1-D sweep): the best value and, for every other value, whether the
    gap to the best exceeds the seed-to-seed spread (the two standard deviations added).

    Returns [{colour, best (summary entry), clearly (values clearly worse), within (values inside the
    spread), seeds (fewest seeds behind a point)}]; with one seed there is no spread to compare against, so
    both lists stay empty.

        >>> s = [{"value": 1, "colour": None, "mean": 0.5, "std": 0.05, "n": 3},
        ...      {"value": 2, "colour": None, "mean": 0.8, "std": 0.05, "n": 3},
        ...      {"value": 3, "colour": None, "mean": 0.78, "std": 0.05, "n": 3}]
        >>> v = verdict(s, "groups")[0]
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
