"""Corpus glue for the pages: what each corpus is for, uploads, segmentation and cached vocabularies.

What it does: describes the corpora offered in the sidebar (texts in ui/texts/<lang>/corpus.toml,
note_<name>), turns an uploaded file into sentences (UTF-8, UTF-16, GBK/GB18030 or Big5, detected;
the encoding is kept for the page to name; a clear message for an empty, binary, undecodable or too
large file, and the previous corpus and model are kept), cuts Chinese text with the session's
segmenter (words / characters / spaces, ui.settings.SEGMENTER_CHOICES), builds the full vocabulary
(min_count=1) of the chosen corpus once per corpus and segmenter, and says whether a corpus looks
like Chinese that was not cut into words (engine.looks_unsegmented).
What it does not do: count or filter words itself (engine.Vocabulary and lessons.corpus do).
"""

from __future__ import annotations

import hashlib
from typing import List, Optional, Tuple

import streamlit as st

import engine
from ui import state
from ui.i18n import t

UPLOAD_KEY = "corpus_upload"       # widget key of the file uploader on the corpus page
NOTED = ("tiny", "royalty", "capitals", "fruits_animals_verbs", "chinese", "lee_background", "wikipedia_head500")

Message = Tuple[str, dict]         # (catalogue key, values): shown with ui.i18n.say in the page's language


def note(name: str) -> str:
    """What a corpus is for, in the page's language ('' for a corpus without a note)."""
    if name == state.UPLOAD_CHOICE:
        return t("corpus.note_upload")
    return t(f"corpus.note_{name}") if name in NOTED else ""


def upload_limit_mb():
    """The upload limit in MB (server.maxUploadSize in .streamlit/config.toml; read by ui.state)."""
    return state.upload_limit_mb()


def accept_upload(name: str, data: bytes, segmenter: str = "words") -> Optional[Message]:
    """Turn an uploaded file into this session's corpus. Returns an error message, or None on success.

    On an error nothing changes: the previous corpus and model stay. The message is a (key, values)
    pair; a value named "error" is the engine's English message (translated when shown).
    """
    if len(data) > state.upload_limit_bytes():
        return ("corpus.upload_too_large", {"name": name, "size": f"{len(data) / 1e6:.1f}",
                                            "limit": upload_limit_mb()})
    try:
        text, encoding = engine.decode_text(data, name=name)
        sentences = engine.encode_text(text, segmenter)          # token ids: ~0.7x the file, not ~9x as lists
    except ValueError as e:
        return ("corpus.upload_failed", {"name": name, "error": str(e)})
    if not sentences:
        return ("corpus.upload_no_words", {"name": name})
    digest = hashlib.sha1(data).hexdigest()[:10]
    ss = st.session_state
    ss[state.UPLOAD_TEXT] = text
    ss[state.UPLOAD_SENTENCES] = sentences
    ss[state.UPLOAD_SEGMENTER] = segmenter
    ss[state.UPLOAD_ENCODING] = encoding
    ss[state.UPLOAD_NAME] = f"{name} ({digest})"          # shown on the corpus page
    ss[state.widget_key("corpus")] = state.UPLOAD_CHOICE
    return None


def on_upload() -> None:
    """Callback of the file uploader: runs before the page (and the sidebar) are drawn."""
    f = st.session_state.get(UPLOAD_KEY)
    if f is None:
        return
    st.session_state[state.UPLOAD_ERROR] = accept_upload(f.name, f.getvalue(), state.current_settings()["segmenter"])


def encoding_label(encoding: str) -> str:
    """The name of a codec as people know it: 'gbk' -> 'GBK' (engine.encoding_label)."""
    return engine.encoding_label(encoding)


@st.cache_data(show_spinner=False)
def _full_vocabulary_cached(name: str, segmenter: str) -> engine.Vocabulary:
    return engine.Vocabulary.build(state.load_corpus(name, segmenter), min_count=1)


@st.cache_data(show_spinner=False)
def _unsegmented_cached(name: str, segmenter: str) -> bool:
    return engine.looks_unsegmented(state.load_corpus(name, segmenter))


def _upload_cached(slot: str, segmenter: str, build):
    """A value computed once per uploaded file and segmenter, kept in this session (slot: its state key)."""
    key = (st.session_state.get(state.UPLOAD_NAME), segmenter)
    cached = st.session_state.get(slot)
    if cached is None or cached[0] != key:
        cached = (key, build(state.upload_sentences(segmenter)))
        st.session_state[slot] = cached
    return cached[1]


def full_vocabulary(name: str, segmenter: str = "words") -> engine.Vocabulary:
    """The vocabulary of a corpus with min_count=1 (cached per built-in corpus, per upload otherwise)."""
    with st.spinner(t("corpus.counting")):
        if name != state.UPLOAD_CHOICE:
            return _full_vocabulary_cached(name, segmenter)
        return _upload_cached(state.UPLOAD_VOCAB, segmenter, lambda s: engine.Vocabulary.build(s, min_count=1))


def looks_unsegmented(name: str, segmenter: str) -> bool:
    """Whether the corpus, cut with segmenter, looks like Chinese that was not cut into words."""
    if name != state.UPLOAD_CHOICE:
        return _unsegmented_cached(name, segmenter)
    return _upload_cached(state.UPLOAD_UNSEGMENTED, segmenter, engine.looks_unsegmented)


def set_segmenter(segmenter: str) -> None:
    """Callback of the 'cut into words' button: the corpus is read again with this segmenter."""
    st.session_state[state.widget_key("segmenter")] = segmenter


def sentences_of(name: str, segmenter: str = "words") -> List[List[str]]:
    return state.sentences_of(name, segmenter)
