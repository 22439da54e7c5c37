"""THE settings of a Word2Vec model: one dataclass with commented defaults, and one table of bounds.

What it does: names every hyperparameter, gives it a default (`Config`), and describes each one once
in `SETTINGS` (its type, its allowed range or choices, and the range a teaching UI offers). Everything
that checks a setting reads that table: `Config.validate()` (the engine), the app's sidebar widgets
and its URL / JSON parser (`coerce_setting`), so a value that the engine refuses can never reach it
from a shared link, and a message always names the setting, the value and the allowed range.
What it does not do: hold any state of training (the model's job), or decide how an update is made
(update.py reads the settings and decides that once).

The names follow the lecture note (skip_window = window, num_skips) where gensim's differ; the
README has the full mapping to gensim and word2vec.c.

    >>> Config(window=3).validate().window
    3
    >>> Config(window=0).validate()
    Traceback (most recent call last):
    ...
    ValueError: window=0 is not allowed: window must be an integer in [1, 100]
    >>> coerce_setting("vector_size", "50")
    50
    >>> coerce_setting("alpha", "fast")
    Traceback (most recent call last):
    ...
    ValueError: alpha='fast' is not allowed: alpha must be a number > 0
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any, Optional, Tuple

ARCHITECTURES = ("skipgram", "cbow")
OBJECTIVES = ("softmax", "hierarchical_softmax", "negative_sampling")
CBOW_UPDATES = ("exact", "word2vec")
SKIPGRAM_INPUTS = ("center", "context")
SIGMOIDS = ("exact", "word2vec")
NS_BATCHINGS = ("none", "shared_negatives")


@dataclass
class Config:
    architecture: str = "skipgram"        # "skipgram": center -> each context word; "cbow": context -> center
    objective: str = "negative_sampling"  # "softmax" (all V), "hierarchical_softmax" (Huffman path), "negative_sampling"
    vector_size: int = 50                 # d, the length of every word vector
    window: int = 2                       # radius of the context window (the note's skip_window); CBOW's c <= 2*window
    negative: int = 5                     # k noise words per example (negative sampling only)
    ns_exponent: float = 0.75             # P_n(w) ∝ count(w)**ns_exponent; 0 = uniform, 1 = unigram
    sample: float = 1e-3                  # subsampling threshold s; 0 disables subsampling
    min_count: int = 1                    # words seen fewer times are dropped from the vocabulary
    max_vocab_size: Optional[int] = None  # keep only the most frequent words (None = no cap)
    alpha: float = 0.025                  # initial learning rate
    min_alpha: float = 1e-4               # learning rate at the very end of the planned training (linear decay)
    epochs: int = 5                       # passes over the corpus that train() plans
    cbow_mean: bool = False               # CBOW: h = sum of the context vectors, the note's h = Σ W(a_i) (True: their
                                          # mean, as word2vec.c and gensim; see cbow_update for its gradient)
    shrink_windows: bool = True           # draw the radius uniformly from 1..window per center, as word2vec.c
    num_skips: Optional[int] = None       # skip-gram: use this many of the window's context words per center (None = all)
    seed: int = 1                         # the only source of randomness: np.random.default_rng(seed)
    workers: int = 1                      # training threads of train(), each building and training its own chunks:
                                          # 1: deterministic, the same updates as step(); 2 or more: Hogwild
    chunk_words: int = 10_000             # sentences are processed in chunks of about this many tokens
    undo_depth: int = 100                 # how many step() updates undo() can reverse
    cbow_update: str = "exact"            # CBOW mean: "exact" divides each context row's update by the
                                          # number of context words (the true gradient of the mean);
                                          # "word2vec" does not, as word2vec.c and gensim (larger steps)
    init_scale: float = 1.0               # W_in starts uniform in [-init_scale/d, init_scale/d): 1 = gensim 4's range
                                          # (W_out starts at zero); the app steps with 3 so learning shows sooner
    skipgram_input: str = "center"        # skip-gram: whose W_in row is h. "center": the center word's, predicting
                                          # each context word (the textbook direction); "context": each context
                                          # word's, predicting the center, in word2vec.c's and gensim's order
    sigmoid: str = "exact"                # HS and NS: "exact" computes sigma(s) = 1 / (1 + exp(-s)); "word2vec" reads
                                          # word2vec.c's table (1000 entries over [-6, 6)) and follows its rules beyond
                                          # |s| = 6 (NS: sigma = 0 or 1; HS: the node is skipped). Not for softmax
    ns_batching: str = "none"             # skip-gram NS: "none" updates after every example; "shared_negatives"
                                          # makes the examples of one center one update (Ji et al. 2016, pWord2Vec):
                                          # they share the first example's negatives and are all scored with the
                                          # weights before it, so their scores are one small matrix product

    def validate(self) -> "Config":
        """Raise TypeError / ValueError naming the setting, its value and the allowed range; else return self."""
        for f in fields(self):
            setattr(self, f.name, SETTINGS[f.name].check(getattr(self, f.name)))
        # the rules that tie two settings together
        if self.min_alpha > self.alpha:
            raise ValueError(f"min_alpha={self.min_alpha!r} is not allowed: min_alpha must be a number in "
                             f"[0, alpha] = [0, {self.alpha!r}]")
        if self.objective == "negative_sampling" and self.negative < 1:
            raise ValueError(f"negative={self.negative!r} is not allowed: negative must be an integer >= 1 "
                             "with objective='negative_sampling'")
        if self.sigmoid != "exact" and self.objective == "softmax":
            raise ValueError(f"sigmoid={self.sigmoid!r} is not allowed with objective='softmax': word2vec.c's "
                             "sigmoid table only replaces the sigmoid of hierarchical softmax and negative "
                             "sampling (full softmax has none); use sigmoid='exact'")
        if self.ns_batching != "none" and (self.architecture, self.objective, self.sigmoid) != (
                "skipgram", "negative_sampling", "exact"):
            raise ValueError(f"ns_batching={self.ns_batching!r} is not allowed with architecture="
                             f"{self.architecture!r}, objective={self.objective!r}, sigmoid={self.sigmoid!r}: shared "
                             "negatives batch the examples of one center in skip-gram with negative sampling "
                             "(and sigmoid='exact'); use ns_batching='none'")
        if self.num_skips is not None and not (1 <= self.num_skips <= 2 * self.window):
            raise ValueError(f"num_skips={self.num_skips!r} is not allowed: num_skips must be None or an "
                             f"integer in [1, 2*window] = [1, {2 * self.window}]")
        return self

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Config":
        """A Config from a dict; keys that are not settings are ignored (see unknown_keys)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    def replace(self, **changes) -> "Config":
        """A validated copy with some settings changed."""
        return Config(**{**self.to_dict(), **changes}).validate()


def unknown_keys(d: dict) -> list:
    """The keys of d that are not settings: unknown_keys({"window": 2, "colour": 1}) -> ['colour']"""
    return [k for k in d if k not in SETTINGS]


# ---------------------------------------------------------------------------- the one table of bounds
class SettingTypeError(TypeError, ValueError):
    """A setting of the wrong type (vector_size="50"): a TypeError, and a ValueError like every bad setting."""


@dataclass(frozen=True)
class Setting:
    """One setting: its type and allowed values (what the engine accepts), and the range a teaching UI
    offers (`ui_low`..`ui_high`, inside the allowed range; None = same as allowed)."""
    name: str
    kind: type                      # int, float, bool or str
    low: Optional[float] = None     # allowed minimum (inclusive unless low_open)
    high: Optional[float] = None    # allowed maximum (inclusive)
    choices: Tuple[str, ...] = ()   # for strings
    optional: bool = False          # None is allowed too
    low_open: bool = False          # the minimum itself is not allowed (alpha > 0)
    ui_low: Optional[float] = None
    ui_high: Optional[float] = None

    @property
    def allowed(self) -> str:
        """What the value must be, in words: 'an integer in [1, 100]'."""
        if self.kind is str:
            text = f"one of {self.choices}"
        elif self.kind is bool:
            text = "True or False"
        else:
            noun = "an integer" if self.kind is int else "a number"
            num = (lambda x: f"{int(x)}") if self.kind is int else (lambda x: f"{x:g}")   # 4294967295, not 4.29e+09
            lo = "" if self.low is None else f"{'(' if self.low_open else '['}{num(self.low)}"
            if self.low is not None and self.high is not None:
                text = f"{noun} in {lo}, {num(self.high)}]"
            elif self.low is not None:
                text = f"{noun} {'>' if self.low_open else '>='} {num(self.low)}"
            else:
                text = noun
        return ("None or " + text) if self.optional else text

    @property
    def default(self):
        return Config.__dataclass_fields__[self.name].default

    def _bad(self, value, error=None):
        error = error or ValueError
        return error(f"{self.name}={short_repr(value)} is not allowed: {self.name} must be {self.allowed}")

    def check(self, value):
        """The value, unchanged (ints given as 3.0 become 3), or TypeError / ValueError saying why not."""
        if value is None and self.optional:
            return None
        if self.kind is str:
            if not isinstance(value, str):
                raise self._bad(value, SettingTypeError)
            if value not in self.choices:
                raise self._bad(value)
            return value
        if self.kind is bool:
            if not isinstance(value, (bool,)) and not (hasattr(value, "dtype") and value.dtype == bool):
                raise self._bad(value, SettingTypeError)
            return bool(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not _is_numpy_number(value):
            raise self._bad(value, SettingTypeError)
        if self.kind is int:
            if isinstance(value, float) or _is_numpy_float(value):
                if not (math.isfinite(value) and value == int(value)):
                    raise self._bad(value, SettingTypeError)
            value = int(value)
        else:
            try:
                value = float(value)
            except OverflowError:                          # alpha=10**400: an int too large for a float
                raise self._bad(value) from None
            if not math.isfinite(value):
                raise self._bad(value)
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            raise self._bad(value)
        if self.high is not None and value > self.high:
            raise self._bad(value)
        return value

    def parse(self, text: str):
        """A value from text (a URL or a form): '3' -> 3, '1e-3' -> 0.001, 'none' -> None, 'true' -> True;
        raises ValueError naming the setting when the text is not a value of its type or out of range."""
        raw = text.strip() if isinstance(text, str) else text
        if not isinstance(raw, str):
            return self.check(raw)
        if self.optional and raw.lower() in ("", "none", "null"):
            return None
        try:
            if self.kind is int:
                number = float(raw)
                value = int(number) if math.isfinite(number) and number == int(number) else number
            elif self.kind is float:
                value = float(raw)
            elif self.kind is bool:
                if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(raw)
                value = raw.lower() in ("true", "1", "yes")
            else:
                value = raw
        except ValueError:
            raise self._bad(raw) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise self._bad(raw)                           # '1e400' or 5,000 digits: name what was written
        try:
            return self.check(value)
        except TypeError:
            raise self._bad(raw) from None

    def clamp(self, value):
        """The nearest value inside the UI range (numbers only): clamp(1000) -> 300 for vector_size."""
        lo = self.ui_low if self.ui_low is not None else self.low
        hi = self.ui_high if self.ui_high is not None else self.high
        if lo is not None and value < lo:
            value = lo
        if hi is not None and value > hi:
            value = hi
        return self.kind(value)


def check_count(name: str, value, minimum: int, must: str) -> int:
    """value, an integer >= minimum (an int or NumPy integer, not a bool): TypeError for another type,
    ValueError below minimum, each `{name}={value!r} is not allowed: {name} must be {must}`.

    >>> check_count("batch", 3, 1, "an integer >= 1")
    3
    >>> check_count("batch", 0, 1, "an integer >= 1")
    Traceback (most recent call last):
    ValueError: batch=0 is not allowed: batch must be an integer >= 1
    """
    integer = isinstance(value, int) or (_is_numpy_number(value) and value.dtype.kind in "iu")
    if isinstance(value, bool) or not integer:
        raise TypeError(f"{name}={value!r} is not allowed: {name} must be {must}")
    if value < minimum:
        raise ValueError(f"{name}={value!r} is not allowed: {name} must be {must}")
    return int(value)


def short_repr(value, limit: int = 80) -> str:
    """repr(value) cut to about `limit` characters for a message; a huge integer is described, not printed
    (repr of a 5,000-digit int raises in Python 3.11): short_repr(10**400) -> '<an integer of about 401 digits>'."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        return f"<an integer of about {int(value.bit_length() * math.log10(2)) + 1:,} digits>"
    try:
        text = repr(value)
    except ValueError:
        text = f"<a {type(value).__name__} too large to show>"
    if len(text) > limit:
        text = f"{text[:limit - 24]}…{text[-6:]} ({len(text):,} characters)"
    return text


def _is_numpy_number(value) -> bool:
    return type(value).__module__ == "numpy" and hasattr(value, "dtype") and value.dtype.kind in "iuf"


def _is_numpy_float(value) -> bool:
    return type(value).__module__ == "numpy" and hasattr(value, "dtype") and value.dtype.kind == "f"


def _table(*rows: Setting) -> dict:
    return {row.name: row for row in rows}


SETTINGS = _table(
    Setting("architecture", str, choices=ARCHITECTURES),
    Setting("objective", str, choices=OBJECTIVES),
    Setting("vector_size", int, 1, 1000, ui_low=2, ui_high=300),    # the compiled kernel's limit is 1000
    Setting("window", int, 1, 100, ui_high=10),
    Setting("negative", int, 0, 100, ui_low=1, ui_high=20),
    Setting("ns_exponent", float, -2.0, 2.0, ui_low=0.0, ui_high=1.0),
    Setting("sample", float, 0.0, 1.0, ui_high=1e-2),
    Setting("min_count", int, 1, 1_000_000_000, ui_high=1000),
    Setting("max_vocab_size", int, 1, 1_000_000_000, optional=True),
    Setting("alpha", float, 0.0, None, low_open=True, ui_low=1e-4, ui_high=100.0),  # any finite number > 0: the divergence lesson needs huge ones
    Setting("min_alpha", float, 0.0, None),
    Setting("epochs", int, 1, 10_000, ui_high=500),
    Setting("cbow_mean", bool),
    Setting("shrink_windows", bool),
    Setting("num_skips", int, 1, 200, optional=True),
    Setting("seed", int, 0, 2**32 - 1, ui_high=2**31 - 1),
    Setting("workers", int, 1, 32, ui_high=2),   # training threads; the app offers 1-2
    Setting("chunk_words", int, 1, 10_000_000),
    Setting("undo_depth", int, 0, 100_000),
    Setting("cbow_update", str, choices=CBOW_UPDATES),
    Setting("init_scale", float, 0.0, 100.0, low_open=True, ui_low=0.1, ui_high=10.0),
    Setting("skipgram_input", str, choices=SKIPGRAM_INPUTS),
    Setting("sigmoid", str, choices=SIGMOIDS),
    Setting("ns_batching", str, choices=NS_BATCHINGS),
)
assert set(SETTINGS) == {f.name for f in fields(Config)}, "every Config field has one row in SETTINGS"


def coerce_setting(name: str, raw: Any):
    """A setting's value from text or a JSON value, checked against SETTINGS (ValueError / KeyError naming it)."""
    if name not in SETTINGS:
        raise KeyError(f"{name!r} is not a setting (settings: {', '.join(SETTINGS)})")
    return SETTINGS[name].parse(raw)
