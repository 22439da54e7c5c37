"""Corpus glue for the pages: what each corpus is for, uploads, and cached vocabularies.

What it does: describes the corpora offered in the sidebar, turns an uploaded file into sentences
(UTF-8, UTF-16, GBK/GB18030 or Big5, detected and named in the upload's name; a clear message for
an empty, binary, undecodable or too large file, and the previous corpus and model are kept), and
builds the full vocabulary (min_count=1) of the chosen corpus once per corpus.
What it does not do: count or filter words itself (engine.Vocabulary and engine.inspect_tools do).
"""

from __future__ import annotations

import hashlib
from typing import List, Optional

import streamlit as st

import engine
from ui import state

UPLOAD_KEY = "corpus_upload"       # widget key of the file uploader on the corpus page

NOTES = {
    "tiny": "27 short 'quick brown fox' sentences, 21 words. Small enough to watch the whole W_in and W_out "
            "change on the Step page, and for a full softmax over V to be readable.",
    "royalty": "About 2,700 tokens, 121 words. Shows king − man + woman ≈ queen: royal words share royal "
               "contexts, male and female words share he/his or she/her contexts.",
    "capitals": "About 2,200 tokens, 108 words. Ten countries, their capitals and languages; "
                "paris − france + germany ≈ berlin.",
    "fruits_animals_verbs": "About 2,700 tokens, 107 words. Fruits, animals, verbs and colours that "
                            "separate into four clusters.",
    "lee_background": "Lee news corpus from gensim's test data: about 60,000 tokens of real news text, "
                      "7,400 words. Real text: Zipf's law, rare words, stop words.",
    "wikipedia_head500": "Wikipedia sample from gensim's test data (stemmed): about 336,000 tokens, 28,000 "
                         "words. Large: use negative sampling or hierarchical softmax for stepping.",
    state.UPLOAD_CHOICE: "The text file you uploaded on this page.",
}


def upload_limit_mb():
    """The upload limit in MB (server.maxUploadSize in .streamlit/config.toml; read by ui.state)."""
    return state.upload_limit_mb()


def accept_upload(name: str, data: bytes) -> Optional[str]:
    """Turn an uploaded file into this session's corpus. Returns an error message, or None on success.

    On an error nothing changes: the previous corpus and model stay.
    """
    limit = upload_limit_mb()
    if len(data) > state.upload_limit_bytes():
        return (f"{name} is {len(data) / 1e6:.1f} MB; the upload limit is {limit} MB "
                "(server.maxUploadSize in .streamlit/config.toml). Use a smaller part of the text.")
    try:
        sentences, encoding = engine.decode_corpus_bytes(data, name=name)
    except ValueError as e:
        return f"Could not use {name}: {e}."
    if not sentences:
        return f"Could not use {name}: it holds no words."
    digest = hashlib.sha1(data).hexdigest()[:10]
    st.session_state[state.UPLOAD_SENTENCES] = sentences
    decoded = "" if encoding == "utf-8" else f", decoded as {engine.encoding_label(encoding)}"
    st.session_state[state.UPLOAD_NAME] = f"{name} ({digest}{decoded})"   # shown on the corpus page
    st.session_state["sb_corpus"] = state.UPLOAD_CHOICE
    return None


def on_upload() -> None:
    """Callback of the file uploader: runs before the page (and the sidebar) are drawn."""
    f = st.session_state.get(UPLOAD_KEY)
    if f is None:
        return
    st.session_state[state.UPLOAD_ERROR] = accept_upload(f.name, f.getvalue())


@st.cache_data(show_spinner="Counting the words...")
def _full_vocabulary_cached(name: str) -> engine.Vocabulary:
    return engine.Vocabulary.build(state.load_corpus(name), min_count=1)


def full_vocabulary(name: str) -> engine.Vocabulary:
    """The vocabulary of a corpus with min_count=1 (cached per built-in corpus, per upload otherwise)."""
    if name != state.UPLOAD_CHOICE:
        return _full_vocabulary_cached(name)
    key = ("_upload_vocab", st.session_state.get(state.UPLOAD_NAME))
    cached = st.session_state.get(state.UPLOAD_VOCAB)
    if cached is None or cached[0] != key:
        cached = (key, engine.Vocabulary.build(st.session_state.get(state.UPLOAD_SENTENCES) or [], min_count=1))
        st.session_state[state.UPLOAD_VOCAB] = cached
    return cached[1]


def sentences_of(name: str) -> List[List[str]]:
    if name == state.UPLOAD_CHOICE:
        return st.session_state.get(state.UPLOAD_SENTENCES) or []
    return state.load_corpus(name)
