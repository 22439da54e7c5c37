"""This session's uploaded corpora: each kept by its file name, with its own segmentation, to switch between.

What it does: an Upload holds a file's decoded text, its sentences as cut with its segmenter (cut again when
that changes), its codec, size and digest; keep_upload / remove_upload keep at most MAX_UPLOADS of them
(MAX_UPLOADS_BYTES together) in st.session_state under the corpus choices "upload:<file name>", which the
sidebar offers (ui/state.py re-exports these names); choosing one again brings its segmenter back.
What it does not do: read or decode files (ui/views/corpus.py, engine), or put an upload in a link: an upload is
this browser tab's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

import streamlit as st

import engine
from ui.settings import DEFAULTS, widget_key

UPLOADS = "uploads"             # this session's uploaded corpora: {corpus choice "upload:<file name>": Upload}
UPLOAD_LAST = "upload_last"     # the corpus choice of the last upload accepted (for the Corpus page's message)
UPLOAD_PREFIX = "upload:"       # an uploaded corpus's choice: "upload:<its file name>" (never put in a link)
MAX_UPLOADS = 4                 # uploaded corpora one session keeps (a fifth is refused until one is removed)
MAX_UPLOADS_BYTES = 60_000_000  # and their files' bytes together (each file also within server.maxUploadSize)


@dataclass
class Upload:
    """One uploaded corpus of this session: its file's name, size and digest, the decoded text (cut again when
    its segmenter changes), the codec it was read with, and its sentences as cut with `segmenter`."""
    name: str
    sentences: Sequence                 # an engine.EncodedCorpus (or any list of token lists)
    segmenter: str = "words"
    text: Optional[str] = None
    encoding: str = "utf-8"
    size: int = 0
    digest: str = ""

    @property
    def choice(self) -> str:
        return upload_choice(self.name)


def upload_choice(file_name: str) -> str:
    """The corpus choice of an uploaded file: upload_choice("my notes.txt") -> 'upload:my notes.txt'."""
    return UPLOAD_PREFIX + file_name


def is_upload(name: Optional[str]) -> bool:
    """Whether a corpus choice is one of this session's uploads."""
    return isinstance(name, str) and name.startswith(UPLOAD_PREFIX)


def uploads() -> Dict[str, "Upload"]:
    """This session's uploaded corpora by corpus choice, oldest first."""
    return st.session_state.setdefault(UPLOADS, {})


def upload_of(name: str) -> Optional["Upload"]:
    return (st.session_state.get(UPLOADS) or {}).get(name)


def keep_upload(upload: "Upload") -> Optional[Tuple[str, dict]]:
    """Keep an upload in this session (replacing one of the same file name) and make it the sidebar's corpus,
    with its segmenter. Returns an error message (catalogue key, values) instead when MAX_UPLOADS corpora are
    kept already or their bytes would pass MAX_UPLOADS_BYTES; nothing changes then."""
    kept = uploads()
    others = {k: u for k, u in kept.items() if k != upload.choice}
    if len(others) >= MAX_UPLOADS:
        return ("corpus.upload_too_many", {"name": upload.name, "limit": MAX_UPLOADS})
    total = sum(u.size for u in others.values()) + upload.size
    if total > MAX_UPLOADS_BYTES:
        return ("corpus.upload_total", {"name": upload.name, "total": f"{total / 1e6:.1f}",
                                        "limit": f"{MAX_UPLOADS_BYTES / 1e6:g}"})
    kept.pop(upload.choice, None)                       # a new version of a file goes last, like a new file
    kept[upload.choice] = upload
    st.session_state[UPLOAD_LAST] = upload.choice
    st.session_state[widget_key("corpus")] = upload.choice
    st.session_state[widget_key("segmenter")] = upload.segmenter
    return None


def remove_upload(name: str) -> None:
    """Forget an uploaded corpus (a button's callback); the sidebar falls back to the default corpus if it was
    the one chosen."""
    uploads().pop(name, None)
    if st.session_state.get(UPLOAD_LAST) == name:
        st.session_state.pop(UPLOAD_LAST, None)
    if st.session_state.get(widget_key("corpus")) == name:
        st.session_state[widget_key("corpus")] = DEFAULTS["corpus"]


def on_corpus_change() -> None:
    """The sidebar's corpus changed: an upload comes back cut as it was (its own segmenter), not as the last
    corpus was cut."""
    upload = upload_of(st.session_state.get(widget_key("corpus")))
    if upload is not None:
        st.session_state[widget_key("segmenter")] = upload.segmenter


def upload_sentences(name: str, segmenter: str) -> Sequence:
    """An uploaded corpus cut with segmenter (cut again from its text when that changes; the upload keeps the new
    cut and its segmenter). [] for an unknown upload."""
    upload = upload_of(name)
    if upload is None:
        return []
    if upload.text is not None and upload.segmenter != segmenter:
        upload.sentences, upload.segmenter = engine.encode_text(upload.text, segmenter), segmenter
    return upload.sentences
