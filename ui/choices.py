"""Choice widgets whose labels change (a ✓ appended, the other language) without losing or breaking their value.

What it does: `choice(widget, label, options, format_func, key)` draws a selectbox, radio or segmented
control that holds one of `options` (stable ids) and returns it. The value lives in session state under
`key` (code may set it there, e.g. a Next button's callback); the widget itself is keyed by `key` plus a
digest of this run's labels.
Why: Streamlit's browser side sends a choice widget's value back as its *label*. When the labels change
between two runs (an answered question gains " ✓", the language switches), a real browser sends the old
label, which is no option any more: Streamlit hands the raw string to callbacks (a TypeError in the
interview's Next, issue 21) and resets the widget to its first option. AppTest does not show this. With
the labels' digest in the widget's key, new labels make a new widget that starts from the kept value, and
the old label is never read.
What it does not do: widgets whose options are their labels (nothing to keep apart), or the sidebar's
settings (ui.state re-assigns them before every run, which sends the new labels to the browser).
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Sequence

import streamlit as st

_MISSING = object()


def labels_digest(labels: Sequence[str]) -> str:
    """A short digest of a widget's labels, for its key.

    >>> labels_digest(["1. One-hot", "2. Examples"]) == labels_digest(["1. One-hot", "2. Examples"])
    True
    >>> labels_digest(["1. One-hot"]) == labels_digest(["1. One-hot ✓"])
    False
    """
    return hashlib.blake2b("\x1f".join(labels).encode("utf-8"), digest_size=4).hexdigest()


def widget_key(key: str, labels: Sequence[str]) -> str:
    """The key of the widget that shows `labels` for the value kept under `key`."""
    return f"{key}@{labels_digest(labels)}"


def choice(widget: Callable, label: str, options: Sequence, format_func: Callable[[Any], str], key: str,
           default: Any = None, in_form: bool = False, multi: bool = False, **kwargs) -> Any:
    """Draw `widget` (e.g. st.selectbox, container.radio, st.segmented_control) over `options` and return the
    chosen option: the kept one, or `default` while none is kept or when the kept one is no longer an
    option; None where the user emptied the widget (a segmented control, a radio with nothing chosen).

    key: where the value is kept in st.session_state (set it there to change the choice from code).
    in_form: the widget is inside st.form, where only the submit button may have a callback; the value the
    browser sent with this run's labels is then read before drawing.
    multi: the widget holds a list of options (st.multiselect); the kept list loses the values that are
    no longer options.
    Other keyword arguments go to the widget (horizontal, label_visibility, help, ...); not index / default:
    the kept value is the widget's value.
    """
    options = list(options)
    names = [str(format_func(o)) for o in options]
    by_value = dict(zip(map(_hashable, options), names))
    wkey = widget_key(key, names)
    ss = st.session_state
    valid = (lambda v: isinstance(v, list) and all(_is_option(x, options) for x in v)) if multi else \
        (lambda v: v is None or _is_option(v, options))
    if in_form:
        sent = ss.get(wkey, _MISSING)
        if sent is not _MISSING and valid(sent):
            ss[key] = sent
    kept = ss.get(key, _MISSING)
    if multi and isinstance(kept, (list, tuple)):
        kept = [x for x in kept if _is_option(x, options)]
    if kept is _MISSING or not valid(kept):
        kept = list(default or []) if multi else (default if _is_option(default, options) else None)
    if ss.get(key, _MISSING) != kept:
        ss[key] = kept                      # readers of the kept value find it before any change
    if ss.get(wkey, _MISSING) != kept:
        ss[wkey] = kept

    def changed():
        value = ss.get(wkey)
        if valid(value):
            ss[key] = value                 # a label from other runs is no option: it changes nothing

    callbacks = {} if in_form else {"on_change": changed}
    widget(label, options, format_func=lambda o: by_value.get(_hashable(o), str(o)), key=wkey, **callbacks,
           **kwargs)
    value = ss.get(wkey)
    return value if valid(value) else kept


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _is_option(value: Any, options: Sequence) -> bool:
    return value is not None and value is not _MISSING and any(value == o and type(value) is type(o)
                                                               for o in options)
