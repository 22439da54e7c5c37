"""Glue for the import and export page: vectors and settings to bytes for download, uploads to KeyedVectors.

What it does: writes word2vec text / binary files and the Embedding Projector's vectors.tsv and
metadata.tsv into memory (through the engine's writers), the settings as JSON with a share link, and
reads an uploaded word2vec file into the session (a bad file gives a message and keeps what was loaded).
What it does not do: parse or format the files itself (engine.keyed_vectors does).
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Optional, Tuple
from urllib.parse import urlencode

import numpy as np
import streamlit as st

from engine import KeyedVectors, parse_word2vec_bytes
from ui import settings as ui_settings
from ui import state
from ui.i18n import say, t


def export_vectors(model, matrix: str = "W_in") -> KeyedVectors:
    """The vectors to export: W_in (what word2vec and gensim save) or W_in + W_out (same words, counts kept)."""
    if matrix == "sum":
        if model.objective == "hierarchical_softmax":
            raise ValueError("with hierarchical softmax W_out belongs to the tree's nodes, not to words; "
                             "export W_in instead")
        vecs = (model.W_in + model.W_out).astype(np.float32)                # (V, d)
    else:
        vecs = np.array(model.W_in, dtype=np.float32)                       # (V, d) a copy
    return KeyedVectors(model.vocab.index_to_key, vecs, model.vocab.counts)


def _via_files(write, *suffixes) -> Tuple[bytes, ...]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, f"out{i}{s}") for i, s in enumerate(suffixes)]
        write(*paths)
        out = []
        for p in paths:
            with open(p, "rb") as f:
                out.append(f.read())
        return tuple(out)


def word2vec_bytes(kv: KeyedVectors, binary: bool) -> bytes:
    """The word2vec file (text or binary) that kv.save_word2vec_format writes, as bytes.

    >>> kv = KeyedVectors(["king", "queen", "man"], np.eye(3, dtype=np.float32))
    >>> word2vec_bytes(kv, binary=False).splitlines()[0]      # header: number of words, dimensions
    b'3 3'
    """
    return _via_files(lambda p: kv.save_word2vec_format(p, binary=binary), ".bin" if binary else ".txt")[0]


def projector_bytes(kv: KeyedVectors) -> Tuple[bytes, bytes]:
    """(vectors.tsv, metadata.tsv) for projector.tensorflow.org: numbers, and one word per line in the same order."""
    return _via_files(kv.save_projector_tsv, ".tsv", ".tsv")


def share_query(settings: dict) -> str:
    """The URL query that reproduces these sidebar settings (an uploaded corpus cannot travel in a link)."""
    return urlencode({k: str(v) for k, v in settings.items() if not (k == "corpus" and v == state.UPLOAD_CHOICE)})


def settings_json(settings: dict, model) -> str:
    """The sidebar settings plus every Word2Vec argument of the model, and a share query, as JSON text."""
    doc = {"app_settings": settings, "share_query": "?" + share_query(settings)}
    if model is not None:
        doc["word2vec_arguments"] = model.get_params()
        doc["vocabulary_size"] = len(model.vocab)
        doc["updates_done"] = model.step_count
    return json.dumps(doc, indent=2, sort_keys=False, default=str)


def parse_settings_json(data: bytes, current: Optional[dict] = None) -> Tuple[Optional[dict], Optional[str], list]:
    """Sidebar settings from a settings JSON (ours, or a plain {name: value} dict).

    Returns (settings, None, notes) or (None, message, notes). Each value goes through the same gate as
    a link's (ui.settings.sidebar_values): kept, clamped into the sidebar's range, or refused; `notes`
    names each setting that was clamped or refused, its value and why. `current`: the values a refused
    setting keeps (the sidebar's, by default).
    """
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        return None, t("export.json_not_settings", detail=e), []
    if not isinstance(doc, dict):
        return None, t("export.json_not_object"), []
    src = doc.get("app_settings", doc)
    if not isinstance(src, dict):
        return None, t("export.json_app_settings"), []
    current = state.current_settings() if current is None else current
    out, notes = ui_settings.sidebar_values(src, current, state.corpus_choices())
    if not out:
        known = ", ".join(ui_settings.DEFAULTS)
        return None, t("export.json_no_setting", known=known), notes
    return out, None, notes


def apply_settings(settings: dict) -> None:
    """Put settings into the sidebar's widgets. Call from a button's on_click (before the widgets are drawn).

    The values pass the sidebar's gate once more, so nothing a widget would refuse reaches it.
    """
    values, _ = ui_settings.sidebar_values(settings, state.current_settings(), state.corpus_choices())
    for name, value in values.items():
        st.session_state[state.widget_key(name)] = value


def load_vectors_upload(data: bytes, name: str, max_words: Optional[int] = None) -> Optional[tuple]:
    """Parse an uploaded word2vec file into the session (LOADED_KV). Returns an error message, or None on success.

    The message is a (catalogue key, values) pair, shown with ui.i18n.say in the page's language (a value
    named "error" is the engine's English message). On error nothing changes: vectors loaded before stay loaded.
    """
    if len(data) > state.upload_limit_bytes():
        return ("export.vectors_too_large", {"name": name, "size": f"{len(data) / 1e6:.1f}",
                                             "limit": state.upload_limit_mb()})
    try:
        kv = parse_word2vec_bytes(data, name=name, max_words=max_words)
    except ValueError as e:
        return ("export.vectors_unreadable", {"name": name, "error": str(e).rstrip(".")})
    except Exception as e:  # an upload can be anything; never show a traceback
        return ("export.vectors_crashed", {"name": name, "kind": type(e).__name__, "detail": str(e)})
    st.session_state[state.LOADED_KV] = kv
    st.session_state[state.LOADED_KV_NAME] = name
    return None


def on_vectors_upload(uploader_key: str, max_words_key: str, error_key: str) -> None:
    """on_change callback of the vectors uploader: read the file into the session, or record why not.

    Runs before the page is drawn, so every part of the page already sees the new vectors.
    """
    up = st.session_state.get(uploader_key)
    if up is None:
        st.session_state[error_key] = None
        return
    had = st.session_state.get(state.LOADED_KV) is not None
    err = load_vectors_upload(up.getvalue(), up.name, int(st.session_state.get(max_words_key) or 0) or None)
    st.session_state[error_key] = (err, "export.vectors_kept" if had else "export.vectors_none") if err else None


def upload_error_text(stored) -> str:
    """The message kept by on_vectors_upload, in the page's language ('' for none)."""
    if not stored:
        return ""
    err, after = stored
    return say(err) + t("common.sentence_sep") + t(after)
