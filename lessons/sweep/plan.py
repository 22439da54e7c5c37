"""What a hyperparameter sweep can vary, and how its values are read (see sweep.py for the sweep itself).

What it does: SWEEPABLE lists the settings a sweep can vary, each with its word2vec.c and gensim defaults
and what the literature recommends (with a short citation); parse_values reads "1, 2, 5", "1..5",
"0..1 step 0.25", "1e-4..1e-1 x10" into values checked against engine.config.SETTINGS.
What it does not do: train or score anything.

    >>> parse_values("window", "1..3, 5")
    [1, 2, 3, 5]
    >>> parse_values("sample", "0, 1e-5..1e-3 x10")
    [0.0, 1e-05, 0.0001, 0.001]
    >>> parse_values("window", "2.5")
    Traceback (most recent call last):
    ...
    lessons.sweep.plan.SweepInputError: window='2.5' is not allowed: window must be an integer in [1, 100]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from engine.config import SETTINGS, Config, Setting, short_repr
from engine.segment import SEGMENTERS

# Settings of the corpus rather than of the model: a sweep may vary them too (each run then trains on the
# corpus cut its way; Word2Vec never sees them). segmenter: how Chinese text is cut into words (engine.segment).
# ("auto" is left out: it cuts Chinese lines into words, as "words" does.)
CORPUS_SETTINGS = {"segmenter": Setting("segmenter", str, choices=tuple(s for s in SEGMENTERS if s != "auto"))}


def setting_of(name: str) -> Setting:
    """The table entry of a sweepable setting: the engine's (engine.config.SETTINGS) or a corpus setting's."""
    return CORPUS_SETTINGS[name] if name in CORPUS_SETTINGS else SETTINGS[name]


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
        return setting_of(self.name)

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


MIKOLOV_LIST = "Mikolov, word2vec-toolkit mailing list (2013)"   # his post comparing skip-gram and CBOW
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
    _row("architecture", ("skipgram", "cbow"), "category", "cbow", "cbow", "skipgram", f"{MIKOLOV_LIST}; {W2V_PAGE}"),
    _row("objective", ("hierarchical_softmax", "negative_sampling"), "category", "negative_sampling",
         "negative_sampling", None, W2V_PAGE),
    _row("init_scale", (0.5, 1.0, 3.0), "log", 0.5, 1.0, None, "word2vec.c; gensim 4"),
    _row("min_alpha", (0.0, 1e-4, 1e-3), "log", {"skipgram": 0.025e-4, "cbow": 0.05e-4}, 1e-4, None,
         "word2vec.c (its alpha x 1e-4); gensim 4"),
    _row("max_vocab_size", (1_000, 5_000, 20_000), "log", None, None, None, "word2vec.c; gensim 4"),
    _row("shrink_windows", (True, False), "category", True, True, True, LEVY),
    _row("skipgram_input", ("center", "context"), "category", "context", "context", None, "word2vec.c; gensim 4"),
    # word2vec.c and gensim split text at whitespace only: Chinese must come cut into words (jieba, or characters)
    _row("segmenter", ("words", "characters", "spaces"), "category", "spaces", "spaces", None,
         "word2vec.c; gensim 4; jieba"),
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

    codes: empty, not_a_number, not_finite, bad_range, bad_step, too_many, not_allowed, combination, not_sweepable,
    same_setting, too_many_runs, no_seeds, searched, trials (the last two: random search)."""

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
    s = setting_of(name)
    m = _RANGE.match(item)
    if not m:
        if ".." in item:
            raise SweepInputError("bad_range", f"{item!r} is not a range like 1..5, 0..1 step 0.25 or "
                                  "1e-4..1e-1 x10", item=item, setting=name)
        return [item]
    a, b, op, step = float(m.group(1)), float(m.group(2)), (m.group(3) or "").lower(), m.group(4)
    step = float(step) if step is not None else None
    if not all(math.isfinite(x) for x in (a, b) + ((step,) if step is not None else ())):
        raise SweepInputError("not_finite", f"{short_repr(item)}: a number beyond about 1.8e308 (a float's largest) "
                              "is infinite; give finite numbers", item=item, setting=name)
    if b < a:
        raise SweepInputError("bad_range", f"{item!r}: the range must go upwards (from the smaller value)",
                              item=item, setting=name)
    # how many values the range holds is counted BEFORE any list is built: 1..1e12 is refused, not allocated
    if not op:
        if s.kind is not int or a != int(a) or b != int(b):
            raise SweepInputError("bad_range", f"{item!r}: a range without a step needs whole numbers "
                                  "(add 'step 0.25' or 'x10')", item=item, setting=name)
        count = int(b) - int(a) + 1
    elif op in ("step", "+"):
        if step <= 0:
            raise SweepInputError("bad_step", f"{item!r}: the step must be > 0", item=item, setting=name)
        count = (b - a) / step + 1                       # may be inf (a step of 1e-320): refused below
    else:
        if step <= 1 or a <= 0:
            raise SweepInputError("bad_step", f"{item!r}: a factor range needs a start > 0 and a factor > 1",
                                  item=item, setting=name)
        count = (math.log(b) - math.log(a)) / math.log(step) + 1   # log(b) - log(a): b / a may overflow
    if not count <= MAX_VALUES + 1e-9:
        n = f"{count:,.0f}" if math.isfinite(count) else "too many"
        raise SweepInputError("too_many", f"{short_repr(item)} gives {n} values; a sweep takes at most {MAX_VALUES}",
                              item=item, setting=name, n=n, limit=MAX_VALUES)
    n = int(math.floor(count + 1e-9))
    if not op:
        values = list(range(int(a), int(b) + 1))
    elif op in ("step", "+"):
        values = [_clean(a + i * step) for i in range(n)]
    else:
        values = [_clean(a * step ** i) for i in range(n)]
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
        return setting_of(name).parse(raw)
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

    @property
    def model_kwargs(self) -> dict:
        """The Word2Vec arguments (the settings without the corpus's, such as segmenter)."""
        return {k: v for k, v in self.settings if k not in CORPUS_SETTINGS}

    @property
    def segmenter(self) -> Optional[str]:
        """The segmenter this run's corpus is cut with, when the sweep varies it (None: the corpus as given)."""
        return dict(self.settings).get("segmenter")


MODES = ("grid", "random")
RANDOM = "random"       # a random search's `setting`: its runs are numbered trials, each with its own settings
MIN_SEARCHED, MAX_SEARCHED = 2, 5     # settings a random search draws
MAX_TRIALS = 40


@dataclass(frozen=True)
class SweepPlan:
    """What to train: `setting` over `values` (and `colour_setting` over `colour_values`: a 2-D sweep), each
    with every seed of `seeds`; `base` holds every other Word2Vec argument (seed and workers are set here).

    A random search (mode "random", made by SweepPlan.random): setting is RANDOM, values the trial numbers
    1..N, and trials[k - 1] the settings trial k draws (one value of each of `searched`)."""
    setting: str
    values: Tuple
    seeds: Tuple[int, ...]
    base: Tuple[Tuple[str, Any], ...]
    colour_setting: Optional[str] = None
    colour_values: Tuple = ()
    strategy: str = DEFAULT_STRATEGY
    mode: str = "grid"
    searched: Tuple[str, ...] = ()
    trials: Tuple[Tuple[Tuple[str, Any], ...], ...] = ()
    space: Tuple[Tuple[str, Tuple], ...] = ()          # random: ((setting, the values drawn from), ...)

    @property
    def is_random(self) -> bool:
        return self.mode == RANDOM

    @property
    def combinations(self) -> int:
        """How many combinations a random search drew its trials from (the product of its value counts)."""
        return math.prod(len(v) for _, v in self.space)

    def trial(self, k: int) -> dict:
        """The settings trial k (1..N) of a random search draws."""
        return dict(self.trials[int(k) - 1])

    @classmethod
    def random(cls, space: Mapping[str, Sequence], n_trials: int, seeds: Sequence[int], base: Mapping,
               rng: np.random.Generator, strategy: str = DEFAULT_STRATEGY,
               trials: Optional[Sequence[Mapping]] = None) -> "SweepPlan":
        """A random search: n_trials distinct combinations drawn uniformly (without repeats) from the values of
        `space` ({setting: values}, MIN_SEARCHED..MAX_SEARCHED settings), each trained with every seed. The draw
        comes from `rng` only, so the same generator state gives the same trials (Bergstra & Bengio 2012: random
        search over several settings finds good ones with fewer trainings than a grid). `trials` (instead of a
        draw): the trials of a saved search. SweepInputError names what cannot run."""
        names = list(space)
        if not MIN_SEARCHED <= len(names) <= MAX_SEARCHED:
            raise SweepInputError("searched", f"a random search draws {MIN_SEARCHED} to {MAX_SEARCHED} settings, "
                                  f"got {len(names)}", item=len(names), n=len(names), low=MIN_SEARCHED,
                                  limit=MAX_SEARCHED)
        values = {n: unique_values(n, [check_value(n, v) for v in space[n]]) for n in names}
        combos = math.prod(len(v) for v in values.values())
        if trials is None:
            n_trials = int(n_trials)
            if not 1 <= n_trials <= min(MAX_TRIALS, combos):
                raise SweepInputError("trials", f"{n_trials} trials: between 1 and {min(MAX_TRIALS, combos)} (the "
                                      f"values give {combos} combinations)", item=n_trials, n=n_trials,
                                      limit=min(MAX_TRIALS, combos), combos=combos)
            picks = rng.choice(combos, size=n_trials, replace=False)          # (n_trials,) distinct combinations
            trials = []
            for p in picks:
                p, trial = int(p), []
                for n in names:                                       # mixed radix: one digit per setting
                    p, i = divmod(p, len(values[n]))
                    trial.append((n, values[n][i]))
                trials.append(tuple(trial))
        else:
            trials = [tuple((n, check_value(n, dict(tr)[n])) for n in names) for tr in trials]
        grid = cls.make(names[0], values[names[0]], seeds, base, strategy=strategy)   # checks seeds and strategy
        n = len(trials) * len(grid.seeds)
        if n > MAX_RUNS:
            raise SweepInputError("too_many_runs", f"{n} trainings; a sweep does at most {MAX_RUNS}",
                                  item=n, n=n, limit=MAX_RUNS)
        plan = cls(RANDOM, tuple(range(1, len(trials) + 1)), grid.seeds, grid.base, strategy=strategy,
                   mode=RANDOM, searched=tuple(names), trials=tuple(trials),
                   space=tuple((n, tuple(values[n])) for n in names))
        for run in plan.runs()[:len(trials)]:
            try:
                Config(**run.model_kwargs).validate()
            except (TypeError, ValueError) as e:
                raise SweepInputError("combination", str(e), item=run.value, setting=RANDOM) from None
        return plan

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
                Config(**run.model_kwargs).validate()
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
        if self.is_random:
            for seed in self.seeds:
                for k, trial in enumerate(self.trials, 1):
                    kw = {**self.base_settings, **dict(trial), "seed": seed, "workers": run_workers(self.strategy)}
                    out.append(Run(len(out), k, None, seed, tuple(sorted(kw.items()))))
            return out
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


# ============================================================================ the set-up a sweep runs on
SETUPS = ("teaching", "practice")
# word2vec.c's and gensim 4's defaults (Mikolov et al.'s released tool: -alpha 0.025 for skip-gram, -min-count 5,
# -sample 1e-3, -size 100, -window 5, -negative 5, -iter 5; gensim's init: W_in uniform in +-0.5/d, i.e.
# init_scale 1 here), for real text. The teaching set-up is the sidebar's (the app's: alpha 0.25, init_scale 3,
# min_count 1, sample 0, d = 20), made to show learning within a few hundred updates on a tiny corpus.
PRACTICE = dict(alpha=0.025, min_alpha=1e-4, min_count=5, sample=1e-3, vector_size=100, window=5, negative=5,
                ns_exponent=0.75, epochs=5, init_scale=1.0, shrink_windows=True)


def setup_base(setup: str, sidebar: Mapping) -> dict:
    """The settings every run of a sweep starts from. "teaching": the sidebar's; "practice": word2vec.c's and
    gensim's defaults (PRACTICE) over the sidebar's other choices (architecture, objective, seed, CBOW's rule).

    >>> setup_base("practice", {"alpha": 0.25, "min_count": 1, "architecture": "cbow"})["alpha"]
    0.025
    >>> setup_base("teaching", {"alpha": 0.25})["alpha"]
    0.25
    """
    if setup not in SETUPS:
        raise SweepInputError("not_allowed", f"setup={setup!r} is not one of {', '.join(SETUPS)}", item=setup,
                              setting="setup")
    return dict(sidebar) if setup == "teaching" else {**sidebar, **PRACTICE}


def default_setup(corpus_kind: str) -> str:
    """The set-up a corpus starts with: "teaching" for the app's small sample and planted corpora (made for
    it), "practice" for real text (gensim's Lee and head500 corpora, an upload)."""
    return "teaching" if corpus_kind in ("sample", "planted") else "practice"
