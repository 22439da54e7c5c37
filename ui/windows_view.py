"""Glue for the Context windows page: one sentence's windows and examples from the model's own stream.

What it does: replays the session model's example stream (Word2Vec.replay_stream) with the page's
window settings, for skip-gram and for CBOW, and reads one sentence's windows and examples from it
(lessons.windows.sentence_view), so that with the model's own settings the page shows exactly
the examples the model trains on; counts the examples of one epoch (epoch_examples); turns example
ids into words and groups them by centre. Results are kept per model and settings in the session
(state.WINDOWS_LENGTHS / WINDOWS_COUNTS / WINDOWS_VIEWS), so moving the centre slider costs nothing.
What it does not do: draw its own random numbers (the stream's are used) or draw anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import streamlit as st

from lessons.windows import SentenceView
from lessons.windows import epoch_examples
from lessons.windows import sentence_view
from ui import state

ARCHITECTURES = ("skipgram", "cbow")
MAX_COUNTS_KEPT = 16        # (window, shrink, num_skips) combinations whose epoch counts a session keeps


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
