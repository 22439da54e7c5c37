"""Word pickers that stay light in the browser for any vocabulary size.

What it does: `word_select` (one word) and `words_multiselect` (several) list the most frequent words of
the vocabulary and the rarest ones (the two ends a lesson points at), plus whatever is chosen now; any
other word of the vocabulary can be typed in (Streamlit's accept_new_options). A typed word that is not in
the vocabulary is refused with a message naming it, and the last good choice is kept.
Why: a selectbox holding all 7,381 words of the Lee corpus costs the browser ~0.15 s at every visit of
the page (the options are sent and laid out each time); the HS page has two (0.35 s of its ~0.9 s in
headless Chromium, bench/CLASSROOM_RESULTS.md), Home a multiselect of 5,000.
`file_uploader` is st.file_uploader with its own texts in the session's language: Streamlit writes "Upload" and
"25MB per file • TXT" in English and has no parameter for them, so in Chinese a style block for this one
widget (by its key's class, st-key-<key>) draws the translated button text and limit (with the same file
types) in their place.
What it does not do: decide which words a page starts with (the page passes its default).
"""

from __future__ import annotations

import json
from typing import Dict, List, Optional, Sequence

import streamlit as st

from ui.i18n import current_language, md_escape, t

MOST_FREQUENT = 500          # the picker lists the first this many words of the vocabulary (ordered by count) ...
RAREST = 100                 # ... and its last this many


def options(vocab: Sequence[str], chosen: Sequence[str] = (), most: int = MOST_FREQUENT,
            rarest: int = RAREST, known: Optional[Dict[str, int]] = None) -> List[str]:
    """The words a picker lists: the `most` first (most frequent) and the `rarest` last of `vocab`, and the
    words `chosen` now that are in neither (in vocabulary order); all of vocab when it is that small.
    known: word -> position in vocab, when the caller has it (else built here when needed).

    >>> options([f"w{i}" for i in range(10)], ["w5"], most=3, rarest=2)
    ['w0', 'w1', 'w2', 'w5', 'w8', 'w9']
    >>> options(["a", "b"], most=3, rarest=2)
    ['a', 'b']
    """
    n = len(vocab)
    if n <= most + rarest:
        return list(vocab)
    ends = list(vocab[:most]) + list(vocab[n - rarest:])
    listed = set(ends)
    index = known if known is not None else ({w: i for i, w in enumerate(vocab)} if chosen else {})
    extra = sorted({w for w in chosen if w not in listed and w in index}, key=index.__getitem__)
    return list(vocab[:most]) + extra + list(vocab[n - rarest:])


def _refused_key(key: str) -> str:
    return f"_{key}_refused"


def _last_key(key: str) -> str:
    return f"_{key}_last_good"


def _check_one(key: str, known: Dict[str, int]) -> None:
    """on_change of word_select: a typed word outside the vocabulary goes back to the last good word."""
    value = st.session_state.get(key)
    if value is not None and value not in known:
        st.session_state[_refused_key(key)] = [str(value)]
        st.session_state[key] = st.session_state.get(_last_key(key))


def _check_many(key: str, known: Dict[str, int]) -> None:
    """on_change of words_multiselect: typed words outside the vocabulary are dropped, the others kept."""
    values = list(st.session_state.get(key) or [])
    unknown = [str(v) for v in values if v not in known]
    if unknown:
        st.session_state[_refused_key(key)] = unknown
        st.session_state[key] = [v for v in values if v in known]


def _help(vocab: Sequence[str]) -> Optional[str]:
    """How to reach a word that is not listed (None when every word is listed)."""
    if len(vocab) <= MOST_FREQUENT + RAREST:
        return None
    return t("pickers.help", most=MOST_FREQUENT, rarest=RAREST)


def _say_refused(container, key: str) -> None:
    refused = st.session_state.pop(_refused_key(key), None)
    if refused:
        container.warning(t("pickers.unknown", words=md_escape(", ".join(f"“{w}”" for w in refused))))


def word_select(container, label: str, vocab: Sequence[str], known: Dict[str, int], default: str, *, key: str,
                help: Optional[str] = None) -> str:
    """One word of the vocabulary: a selectbox of `options` that also takes any vocabulary word typed in.
    known: word -> id (the vocabulary's key_to_index). Returns a word of the vocabulary."""
    if st.session_state.get(key) not in known:                 # first visit, or a vocabulary that changed
        st.session_state[key] = default
    current = st.session_state[key]
    st.session_state[_last_key(key)] = current
    value = container.selectbox(label, options(vocab, [current], known=known), key=key, help=help or _help(vocab),
                                accept_new_options=True, on_change=_check_one, args=(key, known),
                                placeholder=t("common.choose_word"))
    _say_refused(container, key)
    return value if value in known else current


def words_multiselect(container, label: str, vocab: Sequence[str], known: Dict[str, int], default: Sequence[str],
                      *, key: str, max_selections: Optional[int] = None, help: Optional[str] = None) -> List[str]:
    """Several words of the vocabulary: a multiselect of `options` that also takes vocabulary words typed in.
    Returns the chosen words that are in the vocabulary, in the order chosen."""
    current = st.session_state.get(key)
    start = default if current is None else current
    if current is None or any(w not in known for w in current):  # first visit, or a vocabulary that changed
        kept = [w for w in start if w in known]
        # another corpus: what is left of the old choice is not a comparison; the new corpus's default words are
        st.session_state[key] = kept if current is None or len(kept) >= 2 else [w for w in default if w in known]
    chosen = list(st.session_state[key])
    values = container.multiselect(label, options(vocab, chosen, known=known), key=key, help=help or _help(vocab),
                                   accept_new_options=True, max_selections=max_selections,
                                   on_change=_check_many, args=(key, known), placeholder=t("common.choose_words"))
    _say_refused(container, key)
    return [w for w in values if w in known]


# Streamlit's uploader: its button's text, and the line with the size limit and the file types (a span that cuts
# its text at "…": the session's line is written after the span's parent, where it may wrap, and the span hidden)
_UPLOAD_BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
_UPLOAD_LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] > div'


def uploader_css(key: str, limit_mb: int, types: Optional[Sequence[str]] = None) -> str:
    """CSS that writes an uploader's button and limit in the session's language ("" in English, Streamlit's own).

    >>> from ui import i18n
    >>> i18n.outside_runs("zh"); css = uploader_css("up", 25, ["txt"]); i18n.outside_runs("en")
    >>> '.st-key-up' in css and '"上传"' in css and '每个文件不超过 25 MB · TXT' in css
    True
    """
    if current_language() == "en":
        return ""
    limit = t("pickers.upload_limit", mb=limit_mb) + ("".join(f" · {x.upper()}" for x in types) if types else "")
    scope = f".st-key-{key}"
    return (f"{scope} {_UPLOAD_BUTTON} {{ font-size: 0 !important; }}"
            f"{scope} {_UPLOAD_BUTTON}::after {{ content: {json.dumps(t('pickers.upload_button'), ensure_ascii=False)};"
            f" font-size: 14px; }}"
            f"{scope} {_UPLOAD_LIMIT} > span {{ display: none !important; }}"
            f"{scope} {_UPLOAD_LIMIT}::after {{ content: {json.dumps(limit, ensure_ascii=False)}; font-size: 14px;"
            f" white-space: normal; overflow-wrap: anywhere; }}")


def file_uploader(container, label: str, *, key: str, type: Optional[Sequence[str]] = None, **kwargs):
    """st.file_uploader(label, type, key, ...) in `container`, its texts in the session's language."""
    from ui.state import upload_limit_mb

    css = uploader_css(key, upload_limit_mb(), type)
    if css:
        container.html(f"<style>{css}</style>")
    return container.file_uploader(label, type=type, key=key, **kwargs)
