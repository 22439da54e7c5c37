"""The sidebar's settings: which ones it offers, their widgets, and the one gate every outside value passes.

What it does: the app's defaults are a `Config` with the app's overrides (APP_CONFIG); each sidebar
setting has one row here (its label and widget kind) while its bounds come from the engine's table
`engine.config.SETTINGS` (ui_low / ui_high, else low / high). `sidebar_value()` is the one gate for any
value that does not come from a widget (a shared link, a settings JSON, session state written by code):
a value inside the sidebar's range is kept, a finite number outside it is clamped (with a note), and
anything else (wrong type, garbage, inf, nan) is refused (with a note) and the fallback kept. It never
raises. Display names come from the engine's ARCHITECTURE_TABLE and OBJECTIVE_TABLE (in English; in
another language from the catalogue, ui/texts/<lang>/sidebar.toml, as are the labels and help texts).
The notes are written in English, like the engine's messages, and shown through ui.i18n.engine_message.
What it does not do: draw widgets or touch st.session_state (ui/state.py does), or know which corpora
exist (ui/state.corpus_choices).

    >>> sidebar_value("vector_size", "1000", 20)
    (300, "vector_size=1000 is above the sidebar's maximum 300; using 300")
    >>> sidebar_value("window", "abc", 2)
    (2, "window='abc' is not a number; keeping 2")
    >>> sidebar_value("alpha", "0.05", 0.025)
    (0.05, None)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional, Sequence, Tuple

from engine.config import SETTINGS, Config, short_repr
from engine.objectives import ARCHITECTURE_TABLE, OBJECTIVE_TABLE
from ui.i18n import DEFAULT as DEFAULT_LANGUAGE
from ui.i18n import current_language, t

# The app's defaults: the engine's Config with the overrides that suit the small sample corpora
# (sample=0: with a few thousand tokens subsampling throws away most pairs; see sample_corpora/README.md).
# The stepping set-up (see the Step page): with W_out at zero and W_in at gensim's tiny scale, the first
# hundreds of updates barely move any probability, so a student pressing Next sees nothing learn. A
# larger learning rate (0.25) and initial range (init_scale 3: W_in in [-3/d, 3/d)) make the running loss
# fall by 10-20% within 300 steps on the sample corpora while full training still finds king - man +
# woman = queen (measured: /bench and the README).
APP_OVERRIDES = dict(vector_size=20, sample=0.0, epochs=20, alpha=0.25, init_scale=3.0)
APP_CONFIG = Config(**APP_OVERRIDES).validate()
DEFAULT_CORPUS = "royalty"
# How a corpus's Chinese (Han) text is cut into tokens (engine.segment): jieba's words, single characters,
# or only at spaces (text already separated). Part of the corpus: set on the Corpus page, kept in the URL.
SEGMENTER_CHOICES = ("words", "characters", "spaces")
DEFAULT_SEGMENTER = "words"
SAMPLE_CHOICES = (0.0, 1e-5, 1e-4, 1e-3, 1e-2)       # the sidebar's subsampling steps


def architecture_label(name: str, lang: Optional[str] = None) -> str:
    """'skipgram' -> 'skip-gram' (the engine's ARCHITECTURE_TABLE; the catalogue's name in another language)."""
    if (lang or current_language()) == DEFAULT_LANGUAGE:
        return ARCHITECTURE_TABLE[name].label
    return t(f"sidebar.arch_{name}", lang)


def objective_label(name: str, lang: Optional[str] = None) -> str:
    """'negative_sampling' -> 'negative sampling' (the engine's OBJECTIVE_TABLE; 负采样 in Chinese)."""
    if (lang or current_language()) == DEFAULT_LANGUAGE:
        return OBJECTIVE_TABLE[name].label
    return t(f"sidebar.obj_{name}", lang)


def sample_label(value: float, lang: Optional[str] = None) -> str:
    return t("sidebar.sample_off", lang) if value == 0 else f"{value:g}"


def cbow_update_label(value: str, lang: Optional[str] = None) -> str:
    return t(f"sidebar.cbow_update_{value}", lang)


@dataclass(frozen=True)
class SidebarSetting:
    """One setting of the sidebar: how it is drawn. Its type and bounds are the engine's (SETTINGS)."""
    name: str
    widget: str                       # "radio", "selectbox", "slider", "select_slider" or "number_input"
    step: Optional[float] = None
    options: Tuple = ()               # select_slider: the fixed choices
    format: Optional[str] = None      # number_input's printf format

    @property
    def label(self) -> str:
        return t(f"sidebar.label_{self.name}")

    @property
    def setting(self):
        return SETTINGS[self.name]

    @property
    def low(self):
        s = self.setting
        lo = s.ui_low if s.ui_low is not None else s.low
        return None if lo is None else s.kind(lo)

    @property
    def high(self):
        s = self.setting
        hi = s.ui_high if s.ui_high is not None else s.high
        return None if hi is None else s.kind(hi)

    @property
    def default(self):
        return getattr(APP_CONFIG, self.name)

    @property
    def format_func(self):
        """How a choice widget names its values (the engine's display names, in this run's language), or None."""
        label = {"architecture": architecture_label, "objective": objective_label, "sample": sample_label,
                 "cbow_update": cbow_update_label}.get(self.name)
        if label is None:
            return None
        lang = current_language()      # fixed now: a widget may call its format_func outside the run (AppTest)
        return lambda value: label(value, lang)

    @property
    def help(self) -> Optional[str]:
        return t(f"sidebar.help_{self.name}")

    @property
    def choices(self) -> Tuple:
        """The values a choice widget offers (the engine's choices for text settings)."""
        return self.options or self.setting.choices


SIDEBAR = (                          # labels and help: ui/texts/<lang>/sidebar.toml, label_<name> / help_<name>
    SidebarSetting("architecture", "radio"),
    SidebarSetting("objective", "selectbox"),
    SidebarSetting("vector_size", "slider"),
    SidebarSetting("window", "slider"),
    SidebarSetting("negative", "slider"),
    SidebarSetting("ns_exponent", "slider", step=0.05),
    SidebarSetting("sample", "select_slider", options=SAMPLE_CHOICES),
    SidebarSetting("min_count", "number_input"),
    SidebarSetting("alpha", "number_input", format="%.4f"),
    SidebarSetting("epochs", "number_input"),
    SidebarSetting("seed", "number_input"),
    SidebarSetting("init_scale", "number_input", format="%.2f"),
    SidebarSetting("cbow_mean", "toggle"),
    SidebarSetting("cbow_update", "radio"),
)
SIDEBAR_BY_NAME = {row.name: row for row in SIDEBAR}
SETTING_NAMES = tuple(SIDEBAR_BY_NAME)                       # the model settings of the sidebar, in order
SIDEBAR_PREFIX = "sb_"            # the sidebar's widget keys: "sb_<setting>"


def widget_key(name: str) -> str:
    """The sidebar widget's session key of a setting: widget_key("window") -> 'sb_window'."""
    return SIDEBAR_PREFIX + name


DEFAULTS = {"corpus": DEFAULT_CORPUS, "segmenter": DEFAULT_SEGMENTER, **{row.name: row.default for row in SIDEBAR}}


def ui_range(name: str) -> tuple:
    """(lowest, highest) value the sidebar offers for a numeric setting: ui_range("window") -> (1, 10).

    For page widgets that start at the model's value of a sidebar setting, so both offer the same range."""
    row = SIDEBAR_BY_NAME[name]
    return row.low, row.high


def _fmt(value) -> str:
    """A value as the notes print it: 300, 0.0001, 2147483647, 'cbow'."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(value) if value.bit_length() < 14_000 else short_repr(value)   # str() of 4,300+ digits raises
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    return short_repr(value, 200)


def _finite_number(raw) -> Optional[float]:
    """raw as a finite number (int or float), or None: '1e3' -> 1000.0, 'nan' / '1e999' / 'abc' / True -> None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return raw if math.isfinite(raw) else None
    if isinstance(raw, str):
        try:
            x = float(raw.strip())
        except ValueError:
            return None
        return x if math.isfinite(x) else None
    return None


def _shown(raw, quote_text: bool = False, limit: int = 40) -> str:
    """How a raw value is named in a note: numbers as written (1000, -5), anything else quoted ('abc'; all
    text with quote_text); cut to about `limit` characters (a link or a file can hold anything)."""
    if isinstance(raw, str) and not quote_text and _finite_number(raw) is not None:
        text = raw.strip()
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        text = _fmt(raw)
    else:
        text = short_repr(raw) if isinstance(raw, int) and raw.bit_length() >= 14_000 else repr(raw)
    return text if len(text) <= limit else f"{text[:limit - 10]}… ({len(text):,} characters)"


def _nearest_choice(value: float, choices: Sequence[float]) -> float:
    """The choice nearest to value on a log scale (0 only for 0): 0.005 -> 0.01 of (0, 1e-5, ..., 1e-2)."""
    positive = [c for c in choices if c > 0]
    if value <= 0 or not positive:
        return min(choices)
    return min(positive, key=lambda c: abs(math.log10(c) - math.log10(value)))


def sidebar_value(name: str, raw: Any, fallback: Any) -> Tuple[Any, Optional[str]]:
    """(a value the sidebar's widget accepts, a note or None) for a raw value of the setting `name`.

    raw: text from a link, a JSON value, or a Python value. Inside the sidebar's range: kept (text parsed,
    ints given as 3.0 become 3), no note. A finite number outside it: clamped to the nearest bound, with a
    note. A value off the sidebar's steps (sample): the nearest step, with a note. Anything else: refused,
    `fallback` returned, with a note. Never raises.
    """
    value, note, _ = _gate(name, raw, fallback)
    return value, note


def _gate(name: str, raw: Any, fallback: Any) -> Tuple[Any, Optional[str], bool]:
    """sidebar_value's (value, note) and whether raw was refused (the fallback is returned)."""
    row = SIDEBAR_BY_NAME[name]
    s = row.setting
    shown = f"{name}={_shown(raw)}"
    if s.kind is bool:
        try:
            return s.parse(raw), None, False
        except (TypeError, ValueError):
            return fallback, f"{name}={_shown(raw, quote_text=True)} is not true or false; keeping {_fmt(fallback)}", True
    if s.kind is str:
        shown = f"{name}={_shown(raw, quote_text=True)}"
        if isinstance(raw, str) and raw.strip() in s.choices:
            return raw.strip(), None, False
        return fallback, f"{shown} is not one of {', '.join(map(repr, s.choices))}; keeping {_fmt(fallback)}", True
    try:
        value = s.parse(raw)                      # the engine's own reading: type and allowed range
    except (TypeError, ValueError, ArithmeticError):
        value = None
    if value is None:                              # outside the allowed range, or not a number of this type
        value = _finite_number(raw)
        if value is None:
            what = "a finite number" if _is_number_text(raw) else "a number"
            return fallback, f"{shown} is not {what}; keeping {_fmt(fallback)}", True
        if s.kind is int and value != int(value):
            return fallback, f"{shown} is not an integer; keeping {_fmt(fallback)}", True
    if row.low is not None and value < row.low:
        return row.low, f"{shown} is below the sidebar's minimum {_fmt(row.low)}; using {_fmt(row.low)}", False
    if row.high is not None and value > row.high:
        return row.high, f"{shown} is above the sidebar's maximum {_fmt(row.high)}; using {_fmt(row.high)}", False
    value = s.kind(value)                          # inside the range now: 3.0 -> 3 for an integer setting
    if row.options and value not in row.options:
        near = _nearest_choice(value, row.options)
        steps = ", ".join("off" if c == 0 else f"{c:g}" for c in row.options)   # notes stay English
        return near, f"{shown} is not one of the sidebar's steps ({steps}); using {_fmt(near)}", False
    return value, None, False


def _is_number_text(raw) -> bool:
    """True for text or floats that are numbers but not finite ('nan', 'inf', '1e999')."""
    try:
        return not math.isfinite(float(raw.strip() if isinstance(raw, str) else raw))
    except (TypeError, ValueError, OverflowError):
        return False


def corpus_value(raw: Any, choices: Sequence[str], fallback: str) -> Tuple[str, Optional[str]]:
    """(a corpus the sidebar offers, a note or None): an unknown name is refused and the fallback kept."""
    if isinstance(raw, str) and raw in choices:
        return raw, None
    return fallback, (f"corpus={_shown(raw, quote_text=True)} is not available here (choices: {', '.join(choices)}); "
                      f"keeping {fallback}")


def segmenter_value(raw: Any, fallback: str) -> Tuple[str, Optional[str]]:
    """(one of SEGMENTER_CHOICES, a note or None): anything else is refused and the fallback kept.

    >>> segmenter_value("characters", "words")
    ('characters', None)
    >>> segmenter_value("jieba", "words")
    ('words', "segmenter='jieba' is not one of 'words', 'characters', 'spaces'; keeping 'words'")
    """
    if isinstance(raw, str) and raw.strip() in SEGMENTER_CHOICES:
        return raw.strip(), None
    return fallback, (f"segmenter={_shown(raw, quote_text=True)} is not one of "
                      f"{', '.join(map(repr, SEGMENTER_CHOICES))}; keeping {fallback!r}")


def sidebar_values(raw: dict, current: dict, corpus_choices: Sequence[str]) -> Tuple[dict, list]:
    """Every sidebar setting found in `raw` (a link's parameters, a JSON object), through sidebar_value().

    Returns ({name: valid value} for the names present and not refused, [notes]); `current` gives the
    values a refused setting keeps (named in its note). Names that are not sidebar settings are ignored.
    """
    values, notes = {}, []
    if "corpus" in raw:
        value, note = corpus_value(raw["corpus"], corpus_choices, current.get("corpus", DEFAULT_CORPUS))
        if note:
            notes.append(note)
        else:
            values["corpus"] = value
    if "segmenter" in raw:
        value, note = segmenter_value(raw["segmenter"], current.get("segmenter", DEFAULT_SEGMENTER))
        if note:
            notes.append(note)
        else:
            values["segmenter"] = value
    for name in SETTING_NAMES:
        if name in raw:
            value, note, refused = _gate(name, raw[name], current.get(name, DEFAULTS[name]))
            if note:
                notes.append(note)
            if not refused:
                values[name] = value
    return values, notes
