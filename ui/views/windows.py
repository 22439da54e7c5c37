"""The Context windows page: one sentence's windows and examples from the model's own stream.

What it does: replays the session model's example stream (Word2Vec.replay_stream) with the page's
window settings, for skip-gram and for CBOW, and reads one sentence's windows and examples from it
(lessons.windows.sentence_view), so that with the model's own settings the page shows exactly
the examples the model trains on; counts the examples of one epoch (epoch_examples); turns example
ids into words and groups them by centre. Results are kept per model and settings in the session
(state.WINDOWS_LENGTHS / WINDOWS_COUNTS / WINDOWS_VIEWS), so moving the centre slider costs nothing.
Draws the page's parts in order: the window settings, the grid of one sentence's windows, one centre's
window, the examples of both architectures, and the examples of one epoch.
What it does not do: draw its own random numbers (the stream's are used).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import pandas as pd
import streamlit as st

from lessons import windows as window_lessons
from lessons.windows import SentenceView
from lessons.windows import epoch_examples
from lessons.windows import sentence_view
from ui import state
from ui.charts.lesson import window_grid
from ui.choices import choice
from ui.i18n import current_language, t
from ui.settings import architecture_label, ui_range

ARCHITECTURES = ("skipgram", "cbow")
MAX_COUNTS_KEPT = 16        # (window, shrink, num_skips) combinations whose epoch counts a session keeps
MAX_SHOWN = 24          # words of a line drawn at once (a Wikipedia "line" is a whole article)


@dataclass(frozen=True)
class WindowSettings:
    """The page's widgets: what differs from the model's own settings changes the replayed stream."""
    window: int
    shrink: bool
    num_skips: Optional[int]

    def changes(self, architecture: str) -> dict:
        return dict(window=self.window, shrink_windows=self.shrink, num_skips=self.num_skips,
                    architecture=architecture)


def models_own(model) -> WindowSettings:
    return WindowSettings(int(model.window), bool(model.shrink_windows), model.num_skips)


def is_models_own(model, ws: WindowSettings) -> bool:
    """True when these settings are the model's: the page then shows exactly what the model trains on."""
    return ws == models_own(model)


def sentence_lengths(model) -> List[int]:
    """Each sentence's number of words in the vocabulary (after min_count), once per model."""
    key = st.session_state.get(state.MODEL_KEY)
    cached = st.session_state.get(state.WINDOWS_LENGTHS)
    if cached is None or cached[0] != key:
        cached = (key, [len(model.vocab.encode(s)) for s in model.sentences])
        st.session_state[state.WINDOWS_LENGTHS] = cached
    return cached[1]


def views(model, ws: WindowSettings, sentence: int) -> Dict[str, Optional[SentenceView]]:
    """{architecture: the sentence's SentenceView in the stream a model of that architecture with these
    window settings (and everything else the model's, its seed included) trains on}."""
    key = (st.session_state.get(state.MODEL_KEY), ws, sentence)
    cached = st.session_state.get(state.WINDOWS_VIEWS)
    if cached is None or cached[0] != key:
        cached = (key, {a: sentence_view(model.replay_stream(**ws.changes(a)), sentence) for a in ARCHITECTURES})
        st.session_state[state.WINDOWS_VIEWS] = cached
    return cached[1]


def epoch_counts(model, ws: WindowSettings) -> Dict[str, int]:
    """{architecture: training examples in the first epoch of that stream} (kept per model and settings)."""
    model_key = st.session_state.get(state.MODEL_KEY)
    store = st.session_state.get(state.WINDOWS_COUNTS)
    if store is None or store[0] != model_key:
        store = (model_key, {})
        st.session_state[state.WINDOWS_COUNTS] = store
    counts = store[1]
    if ws not in counts:
        if len(counts) >= MAX_COUNTS_KEPT:
            counts.pop(next(iter(counts)))
        counts[ws] = {a: epoch_examples(model.replay_stream(**ws.changes(a))) for a in ARCHITECTURES}
    return counts[ws]


def examples_by_centre(view: SentenceView, architecture: str) -> List[List[Tuple[Tuple[int, ...], int]]]:
    """The view's examples grouped by centre position (skip-gram: one per used context word; CBOW: one
    per centre with a context). Examples are listed centre by centre in the stream, so the groups are
    consecutive slices of view.examples.

    >>> from lessons.windows import CenterWindow
    >>> v = SentenceView(0, (4, 5), [CenterWindow(0, 1, (1,), (1,), (1,)), CenterWindow(1, 1, (0,), (0,), (0,))],
    ...                  [((4,), 5), ((5,), 4)], [(), ()], [0.1, 0.1], 0)
    >>> examples_by_centre(v, "skipgram")
    [[((4,), 5)], [((5,), 4)]]
    """
    sizes = [len(w.used) if architecture == "skipgram" else int(bool(w.used)) for w in view.windows]
    if sum(sizes) != len(view.examples):                       # never expected; keep every example visible
        return [list(view.examples)] + [[] for _ in view.windows[1:]]
    out, start = [], 0
    for n in sizes:
        out.append(list(view.examples[start:start + n]))
        start += n
    return out


def words(model, ids) -> List[str]:
    return [model.vocab.index_to_key[int(i)] for i in ids]


# ---------------------------------------------------------------- what the page draws, in order
def window_settings(model, lengths: Sequence[int]) -> Tuple[int, WindowSettings]:
    """The sentence and the window settings to show (they start at the model's own); says whether they are
    the model's (the page then shows exactly what it trains on). Returns (sentence index, settings)."""
    st.subheader(t("windows.one_sentence"))
    lang = current_language()
    cols = st.columns(4)
    n_sent = len(model.sentences)
    first_long = next((i for i, L in enumerate(lengths) if L >= 6), 0)
    idx = cols[0].number_input(t("windows.sentence", n=f"{n_sent:,}"), 1, n_sent, first_long + 1,
                               key="windows_sentence") - 1
    window = cols[1].slider(t("windows.window"), *ui_range("window"), int(model.window), key="windows_window",
                            help=t("windows.window_help"))
    shrink = cols[2].toggle(t("windows.shrink"), value=bool(model.shrink_windows), key="windows_shrink",
                            help=t("windows.shrink_help"))
    skips_options = [None] + list(range(1, 2 * window + 1))
    own_skips = model.num_skips if model.num_skips in skips_options else None
    num_skips = choice(cols[3].selectbox, t("windows.num_skips"), skips_options,
                       lambda x, lang=lang: t("windows.all", lang) if x is None else str(x), "windows_skips",
                       default=own_skips, help=t("windows.num_skips_help"))
    ws = WindowSettings(int(window), bool(shrink), num_skips)
    arch = architecture_label(model.architecture)
    if is_models_own(model, ws):
        st.success(t("windows.exactly", arch=arch), icon=":material/check_circle:")
    else:
        st.info(t("windows.would", arch=arch), icon=":material/science:")
    return idx, ws


def sentence_grid(tokens: Sequence[str], view: SentenceView, window: int, longest: int) -> Tuple[int, int]:
    """One row per centre of the sentence's words (at most MAX_SHOWN at once: a slider picks where a long line
    starts) with its legend. Returns (start, end): the positions of the words shown."""
    if window >= longest:
        st.warning(t("windows.too_wide", window=window, longest=longest))
    start, end = 0, len(tokens)
    if len(tokens) > MAX_SHOWN:
        start = st.slider(t("windows.long_line", n=f"{len(tokens):,}", shown=MAX_SHOWN), 1,
                          len(tokens) - MAX_SHOWN + 1, 1, key="windows_start") - 1
        end = start + MAX_SHOWN
    shown = tokens[start:end]
    left, right = st.columns([3, 2])
    with left:
        st.vega_lite_chart(*window_grid(shown, window_lessons.clip_windows(view.windows, start, end)),
                           key="windows_grid", width="stretch")
    with right:
        legend = [("#ff7f0e", t("windows.legend_center")), ("#1f77b4", t("windows.legend_used")),
                  ("#c6dbef", t("windows.legend_not_picked")), ("#e0e0e0", t("windows.legend_cut"))]
        st.markdown("<br>".join(f"<span style='background:{c};padding:0 10px;border:1px solid #ccc'>&nbsp;</span> "
                                f"{text}" for c, text in legend), unsafe_allow_html=True)
        st.markdown(t("windows.grid_text", window=window))
        st.caption(t("windows.grid_caption"))
    return start, end


def one_centre(tokens: Sequence[str], view: SentenceView, window: int, start: int, end: int) -> None:
    """A centre chosen on a slider, its window drawn in the sentence: used, not picked, cut off."""
    st.subheader(t("windows.examples_title") if end - start == len(tokens) else
                 t("windows.examples_title_part", first=start + 1, last=end))
    positions = list(range(start, end))
    center = choice(st.select_slider, t("windows.center"), positions, lambda i: f"{i + 1}: {tokens[i]}",
                    "windows_center", default=positions[min(2, len(positions) - 1)])
    w = view.windows[center]
    spans = []
    for j in positions:
        word = html.escape(tokens[j])
        if j == center:
            spans.append(f"<span style='background:#ff7f0e;color:white;padding:2px 6px;border-radius:4px'>{word}</span>")
        elif j in w.used:
            spans.append(f"<span style='background:#1f77b4;color:white;padding:2px 6px;border-radius:4px'>{word}</span>")
        elif j in w.reduced:
            spans.append(f"<span style='background:#c6dbef;padding:2px 6px;border-radius:4px'>{word}</span>")
        elif j in w.full:
            spans.append(f"<span style='background:#e0e0e0;padding:2px 6px;border-radius:4px'>{word}</span>")
        else:
            spans.append(f"<span>{word}</span>")
    st.markdown("<div style='font-size:1.25rem;line-height:2.2'>" + " ".join(spans) + "</div>",
                unsafe_allow_html=True)
    st.caption(t("windows.center_caption", word=tokens[center], window=window, radius=w.radius))


def example_tables(model, views: Dict[str, Optional[SentenceView]], own: bool, start: int, end: int) -> None:
    """The examples of the shown centres in the skip-gram and the CBOW stream, as words, in training order."""
    arch = model.architecture
    other = "cbow" if arch == "skipgram" else "skipgram"
    view = views[arch]

    def pairs(a: str):
        v = views[a]
        if v is None:
            return []
        groups = examples_by_centre(v, a)[start:end] if v.tokens == view.tokens else examples_by_centre(v, a)
        return [(words(model, inputs), words(model, [target])[0]) for g in groups for inputs, target in g]

    sep = t("windows.word_sep")
    for col, a, (c_in, c_target) in zip(st.columns(2), ("skipgram", "cbow"),
                                        (("col_sg_input", "col_sg_target"), ("col_cbow_inputs", "col_cbow_target"))):
        rows = pairs(a)
        with col:
            st.markdown(t("windows.sg_head" if a == "skipgram" else "windows.cbow_head", n=len(rows)))
            st.dataframe(pd.DataFrame({t(f"windows.{c_in}"): [sep.join(p[0]) for p in rows],
                                       t(f"windows.{c_target}"): [p[1] for p in rows]}),
                         hide_index=True, height=min(400, 40 + 35 * len(rows)),
                         key="windows_sg" if a == "skipgram" else "windows_cbow")
    whose = t("windows.tables_own" if own else "windows.tables_would", arch=architecture_label(arch),
              other=architecture_label(other))
    other_view = views[other]
    if other_view is not None and other_view.tokens != view.tokens:
        whose += " " + t("windows.tables_other_draw", other=architecture_label(other))
    st.caption(whose + " " + t("windows.roles_caption"))


def epoch_section(model, ws: WindowSettings, lengths: Sequence[int]) -> None:
    """The examples of one epoch in both streams, against the count without reduced windows and the expected one."""
    st.subheader(t("windows.counts_title"))
    counts = epoch_counts(model, ws)
    analytic = window_lessons.example_counts(lengths, ws.window, shrink=ws.shrink, num_skips=ws.num_skips)
    m = st.columns(4)
    m[0].metric(t("windows.m_tokens"), f"{sum(lengths):,}")
    m[1].metric(t("windows.m_sg"), f"{counts['skipgram']:,}")
    m[2].metric(t("windows.m_sg_full"), f"{analytic['skipgram_full']:,}")
    m[3].metric(t("windows.m_cbow"), f"{counts['cbow']:,}")
    st.markdown(t("windows.counts_text", expected=f"{analytic['skipgram_expected']:,.0f}",
                  full=f"{analytic['skipgram_full']:,}", cbow=f"{counts['cbow']:,}", inputs=2 * ws.window))
    if float(model.sample) > 0:
        st.caption(t("windows.counts_sample"))
