"""Per-user state and the shared sidebar: which corpus, which settings, and this session's model.

Everything mutable (the model, its step history) lives in st.session_state, one per browser
session. Only immutable data is shared across users: a corpus read from disk is one list that
nobody modifies (st.cache_resource, see load_corpus).
Widget keys start with "sb_" (the sidebar); session keys are the constants below.
"""

from __future__ import annotations

import json
import threading
from typing import List, Optional

import streamlit as st

import engine
from engine import Word2Vec

# session-state keys (one place, so pages never spell them differently)
MODEL = "model"                 # the Word2Vec of this session
MODEL_KEY = "model_key"         # (corpus, settings) it was built from
MODEL_ERROR = "model_error"     # the message of the last failed rebuild (the previous model is kept)
HISTORY = "step_history"        # list of dicts, one row per step() for the history table
LAST_TRACE = "last_trace"       # the StepTrace of the latest step()
STEP_ERROR = "step_error"       # the message of the last failed step (diverged, ...); the weights are kept
UPLOAD_SENTENCES = "upload_sentences"
UPLOAD_NAME = "upload_name"
UPLOAD_ERROR = "upload_error"
LOADED_KV = "loaded_kv"         # KeyedVectors loaded from a word2vec file (explore / projection pages)
LOADED_KV_NAME = "loaded_kv_name"

UPLOAD_CHOICE = "uploaded file"
GENSIM_CHOICES = {"lee_background": "lee_background.cor", "wikipedia_head500": "head500.noblanks.cor"}

ARCH_LABELS = {"skipgram": "skip-gram", "cbow": "CBOW"}
OBJ_LABELS = {"softmax": "full softmax", "hierarchical_softmax": "hierarchical softmax",
              "negative_sampling": "negative sampling"}

# defaults chosen for the small sample corpora (sample=0: with a few thousand tokens, subsampling
# throws away most pairs; see sample_corpora/README.md)
DEFAULTS = dict(corpus="royalty", architecture="skipgram", objective="negative_sampling", vector_size=20,
                window=2, negative=5, ns_exponent=0.75, sample=0.0, min_count=1, alpha=0.025, epochs=20,
                seed=1)
SETTING_NAMES = [k for k in DEFAULTS if k != "corpus"]


def corpus_choices() -> List[str]:
    """Names offered in the corpus select box: our samples, gensim's real corpora if installed, an upload."""
    names = list(engine.sample_corpora())
    names += [k for k, f in GENSIM_CHOICES.items() if engine.gensim_data_path(f) is not None]
    if st.session_state.get(UPLOAD_SENTENCES):
        names.append(UPLOAD_CHOICE)
    return names


@st.cache_resource(show_spinner="Reading the corpus...")
def load_corpus(name: str) -> List[List[str]]:
    """Sentences of a sample or gensim corpus: ONE list shared by every session, never modified.

    st.cache_resource (not cache_data, which hands each call its own copy) so that a classroom of
    sessions on the Wikipedia sample holds one copy of its 336,000 tokens, not one per session. This
    is safe because nothing writes to it: the engine only reads sentences.
    """
    samples = engine.sample_corpora()
    if name in samples:
        return list(engine.read_corpus(samples[name]))
    if name in GENSIM_CHOICES:
        path = engine.gensim_data_path(GENSIM_CHOICES[name])
        if path is None:
            raise ValueError(f"{name} needs gensim's test data, and gensim is not installed")
        return list(engine.read_corpus(path))
    raise ValueError(f"unknown corpus {name!r}")


def current_sentences() -> List[List[str]]:
    name = current_settings()["corpus"]
    if name == UPLOAD_CHOICE:
        return st.session_state.get(UPLOAD_SENTENCES) or []
    return load_corpus(name)


def _init_from_query():
    """On a session's first run, take settings from the URL (?architecture=cbow&window=3...)."""
    if st.session_state.get("_query_loaded"):
        return
    st.session_state["_query_loaded"] = True
    q = st.query_params
    for name, default in DEFAULTS.items():
        if name in q:
            raw = q[name]
            try:
                value = type(default)(raw) if not isinstance(default, str) else raw
            except ValueError:
                continue
            st.session_state["sb_" + name] = value


def current_settings() -> dict:
    """The sidebar's values (defaults before the sidebar has been drawn)."""
    return {k: st.session_state.get("sb_" + k, v) for k, v in DEFAULTS.items()}


def sidebar() -> dict:
    """Draw the shared sidebar (corpus + model settings) and return the settings."""
    _init_from_query()
    _keep_widget_state()
    sb = st.sidebar
    choices = corpus_choices()
    if st.session_state.get("sb_corpus") not in choices:
        st.session_state["sb_corpus"] = DEFAULTS["corpus"] if DEFAULTS["corpus"] in choices else choices[0]
    sb.selectbox("Corpus", choices, key="sb_corpus", help="Upload your own text on the Corpus page.")
    sb.radio("Architecture", list(ARCH_LABELS), format_func=ARCH_LABELS.get, key="sb_architecture",
             horizontal=True, index=list(ARCH_LABELS).index(DEFAULTS["architecture"]))
    sb.selectbox("Objective (output layer)", list(OBJ_LABELS), format_func=OBJ_LABELS.get, key="sb_objective",
                 index=list(OBJ_LABELS).index(DEFAULTS["objective"]))
    with sb.expander("Model settings", expanded=False):
        st.slider("vector_size (d)", 2, 300, DEFAULTS["vector_size"], key="sb_vector_size")
        st.slider("window (radius)", 1, 10, DEFAULTS["window"], key="sb_window")
        st.slider("negative (k)", 1, 20, DEFAULTS["negative"], key="sb_negative",
                  disabled=current_settings()["objective"] != "negative_sampling")
        st.slider("ns_exponent", 0.0, 1.0, DEFAULTS["ns_exponent"], 0.05, key="sb_ns_exponent")
        st.select_slider("sample (subsampling)", [0.0, 1e-5, 1e-4, 1e-3, 1e-2], DEFAULTS["sample"],
                         key="sb_sample", format_func=lambda x: "off" if x == 0 else f"{x:g}")
        st.number_input("min_count", 1, 1000, DEFAULTS["min_count"], key="sb_min_count")
        st.number_input("alpha (learning rate)", 1e-4, 100.0, DEFAULTS["alpha"], format="%.4f", key="sb_alpha")
        st.number_input("epochs", 1, 500, DEFAULTS["epochs"], key="sb_epochs")
        st.number_input("seed", 0, 2**31 - 1, DEFAULTS["seed"], key="sb_seed")
    settings = current_settings()
    st.query_params.from_dict({k: str(v) for k, v in settings.items() if k != "corpus" or v != UPLOAD_CHOICE})
    model = get_model()
    err = st.session_state.get(MODEL_ERROR)
    if err:
        sb.error(err)
    if model is not None:
        sb.caption(f"V = {len(model.vocab)} words, {model.step_count} updates so far, "
                   f"epoch {model.epoch + 1} of {model.planned_epochs}")
    return settings


def model_kwargs(settings: dict) -> dict:
    return {k: settings[k] for k in SETTING_NAMES}


_RUN = threading.local()  # per script-runner thread: did the current run start in app.py?


def mark_app_entry(entered: bool) -> None:
    """app.py calls this with True before page.run() and False after it."""
    _RUN.via_app = entered


def ensure_app_entry() -> None:
    """Make sure this run went through app.py (its navigation, its sidebar); rerun it if it did not.

    Streamlit runs the very first script run of a server process in its old "pages/ folder" mode
    until app.py has called st.navigation once. A first visitor who opens a deep link (/step) would get
    the page without app.py: no sidebar settings, old page names. When a page runs without app.py
    and that mode is still on, we switch it off and rerun, which then goes through app.py to the
    same page. A run that came through app.py is never rerun (a rerun would drop a button's click).
    """
    if getattr(_RUN, "via_app", False):
        return
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _keep_widget_state() -> None:
    """Re-assign the sidebar's widget values, so Streamlit does not drop them on a run that did not draw
    the sidebar (its documented workaround for widget state across pages)."""
    for name in DEFAULTS:
        key = "sb_" + name
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def get_model() -> Optional[Word2Vec]:
    """This session's model, rebuilt when the corpus or a setting changed.

    A rebuild that fails (empty corpus, everything below min_count, ...) records its message in
    MODEL_ERROR and keeps the previous model. (It first calls ensure_app_entry(), so every page
    that asks for the model is drawn inside app.py's navigation and sidebar.)
    """
    ensure_app_entry()
    settings = current_settings()
    key = json.dumps(settings, sort_keys=True) + f"|upload={st.session_state.get(UPLOAD_NAME)}"
    if st.session_state.get(MODEL_KEY) != key:
        try:
            sentences = current_sentences()
            model = Word2Vec(**model_kwargs(settings))
            model.build_vocab(sentences)
        except (ValueError, KeyError) as e:
            st.session_state[MODEL_ERROR] = f"Could not build the model: {e}. The previous model is kept."
            st.session_state[MODEL_KEY] = key
            return st.session_state.get(MODEL)
        st.session_state[MODEL] = model
        st.session_state[MODEL_KEY] = key
        st.session_state[MODEL_ERROR] = None
        st.session_state[HISTORY] = []
        st.session_state[LAST_TRACE] = None
        st.session_state[STEP_ERROR] = None
    return st.session_state.get(MODEL)


def reset_model():
    """Forget the model so the next get_model() builds it again from scratch (same settings)."""
    st.session_state[MODEL_KEY] = None


def word(model: Word2Vec, i: int) -> str:
    return model.vocab.index_to_key[int(i)]
