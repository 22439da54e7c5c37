"""The Import and export page: vectors and settings to bytes for download, uploads to KeyedVectors.

What it does: writes word2vec text / binary files and the Embedding Projector's vectors.tsv and
metadata.tsv into memory (through the engine's writers), the settings as JSON with a share link, and
reads an uploaded word2vec file into the session (a bad file gives a message and keeps what was loaded);
draws the page's four parts in order: export the vectors, share the settings, import vectors, load
settings.
What it does not do: parse or format the files itself (engine.keyed_vectors does).
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Optional, Tuple
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st

from engine import KeyedVectors, decode_text, parse_word2vec_bytes
from ui import pickers
from ui import settings as ui_settings
from ui import state, uploads
from ui.choices import choice
from ui.i18n import engine_message, md_escape, say, t
from ui.source import choose_source


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
    return urlencode({k: str(v) for k, v in settings.items() if not (k == "corpus" and uploads.is_upload(v))})


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
    try:                # UTF-8 with or without Notepad's byte-order mark (UTF-16 with one: named by decode_text)
        doc = json.loads(decode_text(data, "settings JSON")[0] if data else "", parse_int=_json_int)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        return None, t("export.json_not_settings", detail=md_escape(str(e))), []
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


def _json_int(text: str):
    """A JSON integer; one of more than 100 digits stays text, so the settings gate names it (int() of 5,000
    digits would raise a message about sys.set_int_max_str_digits)."""
    return int(text) if len(text) <= 100 else text


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


# ---------------------------------------------------------------- what the page draws, in order
def export_section(model, loaded, settings: dict) -> None:
    """Download the session's model (W_in, or W_in + W_out) or the imported vectors in four formats."""
    st.header(t("export.export"))
    src = choose_source("export", "ie_source", model, loaded)
    if src is None:
        st.warning(t("export.nothing"))
        return
    if src == "model":
        if model.step_count == 0:
            st.warning(t("export.untrained"))
        else:
            st.caption(t("export.after", steps=f"{model.step_count:,}", share=f"{model.progress_fraction():.0%}",
                         epochs=model.planned_epochs))
        options = ["W_in"] if model.objective == "hierarchical_softmax" else ["W_in", "sum"]
        matrix = choice(st.radio, t("export.matrix"), options,
                        {"W_in": t("export.matrix_in"), "sum": "W_in + W_out"}.get, "ie_matrix", default="W_in",
                        horizontal=True)
        kv = export_vectors(model, matrix)
        stem = (f"word2vec_{state.corpus_file_stem(settings['corpus'])}_{settings['architecture']}_"
                f"{settings['objective']}_d{model.vector_size}")
    else:
        kv = loaded
        stem = "imported_vectors"
    st.caption(t("export.size", V=f"{len(kv):,}", d=kv.vector_size))

    c1, c2 = st.columns(2)              # two by two: four in a row cut 'word2vec 二进制格式（...' at 1280 px
    c3, c4 = st.columns(2)
    c1.download_button(t("export.dl_txt"), lambda: word2vec_bytes(kv, binary=False), f"{stem}.txt",
                       "text/plain", key="ie_dl_txt", on_click="ignore", help=t("export.dl_txt_help"))
    c2.download_button(t("export.dl_bin"), lambda: word2vec_bytes(kv, binary=True), f"{stem}.bin",
                       "application/octet-stream", key="ie_dl_bin", on_click="ignore", help=t("export.dl_bin_help"))
    c3.download_button(t("export.dl_vec"), lambda: projector_bytes(kv)[0], "vectors.tsv",
                       "text/tab-separated-values", key="ie_dl_vec", on_click="ignore")
    c4.download_button(t("export.dl_meta"), lambda: projector_bytes(kv)[1], "metadata.tsv",
                       "text/tab-separated-values", key="ie_dl_meta", on_click="ignore")
    with st.expander(t("export.how_to_open")):
        st.markdown(t("export.in_gensim"))
        st.code(f'from gensim.models import KeyedVectors\n'
                f'kv = KeyedVectors.load_word2vec_format("{stem}.txt", binary=False)   # .bin: binary=True\n'
                f'kv.most_similar("{kv.index_to_key[0]}")', language="python", wrap_lines=True)
        st.markdown(t("export.in_projector"))


def share_section(model, settings: dict) -> None:
    """The link that reproduces the sidebar's settings, and the settings as a JSON file."""
    st.subheader(t("export.settings"))
    query = share_query(settings)
    base = (st.context.url or "http://localhost:8501/").split("?")[0]
    st.markdown(t("export.link_text"))
    st.code(f"{base}?{query}", language=None, wrap_lines=True)     # whole on the screen (a projector), never cut
    if uploads.is_upload(settings["corpus"]):
        st.caption(t("export.link_upload"))
    st.download_button(t("export.dl_json"), lambda: settings_json(settings, model), "word2vec_settings.json",
                       "application/json", key="ie_dl_json", on_click="ignore")


def _forget_vectors() -> None:
    st.session_state[state.LOADED_KV] = None
    st.session_state[state.LOADED_KV_NAME] = None
    st.session_state.pop(state.VECTORS_UPLOAD_ERROR, None)


def import_section() -> None:
    """Upload a word2vec file (read in the uploader's callback, before the page is drawn) and what was loaded."""
    st.header(t("export.import"))
    st.markdown(t("export.import_text", limit=state.upload_limit_mb()))
    st.number_input(t("export.max_words"), 0, 10_000_000, 0, step=10_000, key="ie_max_words")
    pickers.file_uploader(st, t("export.upload"), key="ie_upload", on_change=on_vectors_upload,
                          args=("ie_upload", "ie_max_words", state.VECTORS_UPLOAD_ERROR))
    if st.session_state.get(state.VECTORS_UPLOAD_ERROR):
        st.error(upload_error_text(st.session_state[state.VECTORS_UPLOAD_ERROR]))
    loaded = st.session_state.get(state.LOADED_KV)
    if loaded is None:
        return
    st.success(t("export.loaded", name=md_escape(st.session_state.get(state.LOADED_KV_NAME)), V=f"{len(loaded):,}",
                 d=loaded.vector_size, words=md_escape(t("export.word_sep").join(loaded.index_to_key[:12]))))
    st.dataframe(pd.DataFrame({t("export.col_word"): loaded.index_to_key[:5],
                               **{t("export.col_dim", j=j): loaded.vectors[:5, j]
                                  for j in range(min(6, loaded.vector_size))}}),
                 hide_index=True)
    st.button(t("export.forget"), key="ie_forget", on_click=_forget_vectors)


def load_settings_section() -> None:
    """Read a settings JSON file, say what it would change, and apply it to the sidebar on request."""
    st.subheader(t("export.load_settings"))
    js = pickers.file_uploader(st, t("export.settings_upload"), type=["json"], key="ie_settings_upload")
    if js is None:
        return
    parsed, err, notes = parse_settings_json(js.getvalue())
    for note in notes:
        st.warning(engine_message(note))
    if err:
        st.error(err + t("common.sentence_sep") + t("export.nothing_changed"))
    else:
        st.write(parsed)
        st.button(t("export.apply"), key="ie_apply", on_click=apply_settings, args=(parsed,),
                  help=t("export.apply_help"))
