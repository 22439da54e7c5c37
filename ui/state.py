"""Per-user state and the shared sidebar: which corpus, which settings, and this session's model.

Everything mutable (the model, its step history) lives in st.session_state, one per browser
session. Only immutable data is shared across users: a corpus read from disk is one tuple of tuples
(st.cache_resource, see load_corpus). Every session-state key the app uses is named below; widget
keys start with their page's prefix ("sb_" for the sidebar, see widget_key).
The sidebar's settings, defaults and bounds come from ui/settings.py (which reads engine.config.SETTINGS);
a value from a shared link goes through the same gate as every other value, so it is kept, clamped or
refused with a note in the sidebar, never a crash.
Uploaded corpora are this session's own (ui/uploads.py, its names re-exported here): never written into the URL
(a link with such a corpus opens elsewhere as an unknown corpus, with a note).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import streamlit as st

import engine
from engine import Word2Vec
from lessons.planted import PlantedCorpus, planted_corpus
from ui import i18n
from ui import settings as ui_settings
from ui.i18n import engine_message, t
from ui.settings import DEFAULTS, SETTING_NAMES, SIDEBAR
from ui.uploads import UPLOAD_PREFIX, UPLOADS, is_upload, on_corpus_change, upload_of, upload_sentences

# ---------------------------------------------------------------- session-state keys (one place, so pages
# never spell them differently; widget keys are each page's own, prefixed by the page)
MODEL = "model"                 # the Word2Vec of this session
MODEL_KEY = "model_key"         # (corpus, settings) it was built from
MODEL_ERROR = "model_error"     # the message of the last failed rebuild (the previous model is kept)
MODEL_ERROR_RAW = "_model_error_raw"  # that failure's engine message (English), shown in each run's language
HISTORY = "step_history"        # list of dicts, one row per step() for the history table
LAST_TRACE = "last_trace"       # the StepTrace of the latest step()
STEP_ERROR = "step_error"       # the message of the last failed step (diverged, ...); the weights are kept
STEP_WATCH = "step_watch"       # the Step page's watched (input, target) pair and its probability per update
UPLOAD_ERROR = "upload_error"   # why the last upload failed: (catalogue key, values), shown with i18n.say
UPLOAD_VOCAB = "_upload_vocab"  # ((upload, digest, segmenter), Vocabulary with min_count=1) of an uploaded corpus
UPLOAD_UNSEGMENTED = "_upload_unsegmented"  # ((upload, digest, segmenter), unsegmented?) of an upload
HS_BUILD_STEP = "hs_build_step"  # the Huffman construction's step shown on the HS page (0 .. V-1; its slider's key)
NS_PMI = "ns_pmi"               # the NS page's PMI picture: its model, counted pairs and r over training (a dict)
NS_PMI_PLAY = "ns_pmi_play"     # whether that picture's training plays (its toggle's key)
HS_BUILD_PLAY = "hs_build_play"  # whether it plays (its toggle's key)
LOADED_KV = "loaded_kv"         # KeyedVectors loaded from a word2vec file (explore / projection pages)
LOADED_KV_NAME = "loaded_kv_name"
VECTORS_UPLOAD_ERROR = "ie_upload_error"  # why the last word2vec file could not be read (import page)
QUERY_LOADED = "_query_loaded"  # the URL's settings were read (once per session)
SETTINGS_NOTES = "_settings_notes"  # ([notes], settings they describe): values of a link clamped or refused
LIVE_VIEW = "live_view"         # the LiveState of the embedding-space page (ui/views/embedding_space/live.py)
EMB_COMPARE = "emb_compare"     # (settings key, [lessons.projections.Projected]) of the PCA / t-SNE / UMAP comparison
EMB_COMPARE_ASKED = "emb_compare_asked"  # the settings key of a comparison asked for and not yet drawn (survives a rerun)
LIVE_TSNE_KV = "live_tsne_kv"   # the t-SNE layout of imported vectors (embedding-space page)
WINDOWS_LENGTHS = "_windows_lengths"  # (model key, sentence lengths after min_count) for the windows page
WINDOWS_COUNTS = "_windows_counts"    # {(model key, window, shrink, num_skips): (skip-gram, CBOW) examples per epoch}
WINDOWS_VIEWS = "_windows_views"      # ((model key, widgets, sentence), {architecture: view}): windows page
HOME_TRAIN_REQUESTED = "home_train_requested"  # the home page's Train button was pressed
EXPLORE_BENCH = "explore_bench"  # (vectors key, benchmark scores) of the explore page
CMP_SIX = "cmp_six"             # results of the compare page's runs: {"key", "rows", "done"}
CMP_GROWTH = "cmp_growth"
CMP_RARE = "cmp_rare"

SIDEBAR_PREFIX = ui_settings.SIDEBAR_PREFIX
KEPT_URL_PARAMS = ("iq", "presenter", "room", "teacher", "me")   # not settings, but they must survive the rewrite
                                                                # (the interview's progress; the live class's room,
                                                                # teacher key and student id)
GENSIM_CHOICES = {"lee_background": "lee_background.cor", "wikipedia_head500": "head500.noblanks.cor"}

Corpus = Tuple[Tuple[str, ...], ...]


widget_key = ui_settings.widget_key


def upload_limit_bytes() -> int:
    """The largest upload, in bytes: server.maxUploadSize (.streamlit/config.toml) in megabytes of 10^6 bytes.

    The one place the limit is read. Streamlit's uploader in the browser refuses a file above
    maxUploadSize * 1,000,000 bytes (it counts 1024-byte units only on Windows), the server a little
    above maxUploadSize MiB; the app checks the browser's (stricter) number so both say the same.
    """
    return int(st.get_option("server.maxUploadSize")) * 1000 * 1000


def upload_limit_mb() -> float:
    """The upload limit in MB (10^6 bytes), for messages: 25."""
    mb = upload_limit_bytes() / 1e6
    return int(mb) if mb == int(mb) else mb


def corpus_choices() -> List[str]:
    """Names offered in the corpus select box: our samples, gensim's real corpora if installed, the uploads."""
    names = list(engine.sample_corpora())
    names += [k for k, f in GENSIM_CHOICES.items() if engine.gensim_data_path(f) is not None]
    names += list(st.session_state.get(UPLOADS) or {})
    return names


def corpus_label(name: str, lang: Optional[str] = None) -> str:
    """How the corpus select box names a corpus: its own name, or "uploaded file: <name>" in the page's language."""
    if is_upload(name):
        return f"{t('sidebar.upload_choice', lang)}: {name[len(UPLOAD_PREFIX):]}"
    return name


def load_corpus(name: str, segmenter: str = ui_settings.DEFAULT_SEGMENTER) -> Corpus:
    """Sentences of a sample or gensim corpus: ONE tuple of tuples shared by every session.

    st.cache_resource (not cache_data, which hands each call its own copy) so that a classroom of
    sessions on the Wikipedia sample holds one copy of its 336,000 tokens, not one per session.
    Tuples, so that no session can change what the others read (the engine only reads sentences).
    segmenter: how Chinese text is cut (engine.segment); English text reads the same with any of them.
    (The cache is keyed by both arguments always, so load_corpus("tiny") is the app's own copy.)
    """
    return _load_corpus(name, segmenter)


@st.cache_resource(show_spinner=False)
def _load_corpus(name: str, segmenter: str) -> Corpus:
    samples = engine.sample_corpora()
    if name in samples:
        path = samples[name]
    elif name in GENSIM_CHOICES:
        path = engine.gensim_data_path(GENSIM_CHOICES[name])
        if path is None:
            raise ValueError(f"{name} needs gensim's test data, and gensim is not installed")
    else:
        raise ValueError(f"unknown corpus {name!r}")
    return tuple(tuple(sentence) for sentence in engine.read_corpus(path, segmenter=segmenter))


@st.cache_data(show_spinner=False, max_entries=4)
def _planted(n_tokens: int, n_groups: int, group_size: int, zipf_s: float, seed: int) -> PlantedCorpus:
    return planted_corpus(n_tokens=n_tokens, n_groups=n_groups, group_size=group_size, zipf_s=zipf_s, seed=seed)


def get_planted(n_tokens: int, n_groups: int, group_size: int, zipf_s: float, seed: int) -> PlantedCorpus:
    """The planted corpus for these settings (lessons.planted; cached for everyone: the same settings give the
    same text). The Compare page trains on it; the Hyperparameters page sweeps on its defaults."""
    with st.spinner(t("compare.generating")):
        return _planted(n_tokens, n_groups, group_size, zipf_s, seed)


def sentences_of(name: str, segmenter: str) -> Sequence[Sequence[str]]:
    """The sentences of a corpus of the select box, cut with segmenter."""
    if is_upload(name):
        return upload_sentences(name, segmenter)
    if name in engine.sample_corpora() or name in GENSIM_CHOICES:
        # the spinner appears only if reading takes more than half a second (a cached corpus is instant)
        with st.spinner(t("corpus.reading")):
            return load_corpus(name, segmenter)
    return load_corpus(name, segmenter)


def current_sentences() -> Sequence[Sequence[str]]:
    settings = current_settings()
    return sentences_of(settings["corpus"], settings["segmenter"])


def _init_from_query() -> List[str]:
    """On a session's first run, take settings from the URL (?architecture=cbow&window=3...).

    Every value goes through ui.settings.sidebar_values: kept, clamped into the sidebar's range or
    refused. Returns the notes (one per clamped or refused value).
    """
    if st.session_state.get(QUERY_LOADED):
        return []
    st.session_state[QUERY_LOADED] = True
    values, notes = apply_link_settings(dict(st.query_params))
    if "corpus" not in values and widget_key("corpus") not in st.session_state:
        st.session_state[widget_key("corpus")] = default_corpus(i18n.init_language())
    return [f"From the link: {n}" for n in notes]      # English, like the engine's: shown via engine_message


def apply_link_settings(params: dict) -> Tuple[dict, List[str]]:
    """A link's settings (its parameters: ?architecture=cbow&window=3...) into this session's sidebar, each
    through ui.settings.sidebar_values (kept, clamped or refused); (the values set, notes)."""
    raw = {name: params[name] for name in DEFAULTS if name in params}
    values, notes = ui_settings.sidebar_values(raw, DEFAULTS, corpus_choices())
    for name, value in values.items():
        st.session_state[widget_key(name)] = value
    return values, notes


def settings_link_params(settings: dict) -> Dict[str, str]:
    """The settings as the sidebar writes them into the URL (an upload has no name a link could carry)."""
    return {k: str(v) for k, v in settings.items() if k != "corpus" or not is_upload(v)}


CORPUS_FOR_LANGUAGE = {"zh": "chinese"}               # a session in Chinese opens on the Chinese sample corpus


def default_corpus(lang: str) -> str:
    """The corpus a new session opens on when its link names none: the sample corpus of its language.

    >>> default_corpus("zh"), default_corpus("en")
    ('chinese', 'royalty')
    """
    name = CORPUS_FOR_LANGUAGE.get(lang, DEFAULTS["corpus"])
    return name if name in engine.sample_corpora() else DEFAULTS["corpus"]


def _settle_widget_values() -> List[str]:
    """Make every sidebar value one its widget accepts, before the widgets are drawn; returns notes.

    A value written by code (a settings file, a test, an old session) passes the same gate as a link's.
    Re-assigning each value also keeps it on a run that does not draw the sidebar (Streamlit's
    documented workaround for widget state across pages).
    """
    ss = st.session_state
    notes = []
    choices = corpus_choices()
    key = widget_key("corpus")
    if ss.get(key) not in choices:
        ss[key] = DEFAULTS["corpus"] if DEFAULTS["corpus"] in choices else choices[0]
    else:
        ss[key] = ss[key]
    key = widget_key("segmenter")           # drawn on the Corpus page; kept here so it survives other pages
    ss[key], note = ui_settings.segmenter_value(ss.get(key, DEFAULTS["segmenter"]), DEFAULTS["segmenter"])
    if note:
        notes.append(note)
    for name in SETTING_NAMES:
        key = widget_key(name)
        if key not in ss:
            ss[key] = DEFAULTS[name]
            continue
        value, note = ui_settings.sidebar_value(name, ss[key], DEFAULTS[name])
        ss[key] = value
        if note:
            notes.append(note)
    return notes


def current_settings() -> dict:
    """The sidebar's values (defaults before the sidebar has been drawn), each one its widget accepts."""
    ss = st.session_state
    out = {"corpus": ss.get(widget_key("corpus"), DEFAULTS["corpus"]),
           "segmenter": ui_settings.segmenter_value(ss.get(widget_key("segmenter"), DEFAULTS["segmenter"]),
                                                    DEFAULTS["segmenter"])[0]}
    for name in SETTING_NAMES:
        out[name] = ui_settings.sidebar_value(name, ss.get(widget_key(name), DEFAULTS[name]), DEFAULTS[name])[0]
    return out


def set_objective(name: str) -> None:
    """Switch the sidebar's objective (an on_click callback: runs before the sidebar is drawn)."""
    st.session_state[widget_key("objective")] = name


def _draw_setting(row: ui_settings.SidebarSetting, container, disabled: bool = False) -> None:
    """One sidebar widget from its row: bounds from engine.config.SETTINGS, value from session state."""
    key = widget_key(row.name)
    shown = {"format_func": row.format_func} if row.format_func else {}
    if row.help:
        shown["help"] = row.help
    if row.widget == "toggle":
        container.toggle(row.label, key=key, disabled=disabled, **shown)
    elif row.widget == "radio":
        container.radio(row.label, row.choices, key=key, horizontal=True, disabled=disabled, **shown)
    elif row.widget == "selectbox":
        container.selectbox(row.label, row.choices, key=key, **shown)
    elif row.widget == "select_slider":
        container.select_slider(row.label, row.choices, key=key, **shown)
    elif row.widget == "slider":
        container.slider(row.label, row.low, row.high, step=row.step, key=key, disabled=disabled, **shown)
    else:
        container.number_input(row.label, row.low, row.high, key=key, **shown,
                               **({"format": row.format} if row.format else {}))


def _show_notes(notes: List[str], settings: dict) -> None:
    """Keep this run's notes with the settings they describe; show the kept ones while those settings hold."""
    if notes:
        st.session_state[SETTINGS_NOTES] = (notes, settings)
    kept = st.session_state.get(SETTINGS_NOTES)
    if kept and kept[1] == settings:
        st.sidebar.warning(t("sidebar.notes_title") + "\n"
                           + "\n".join(f"- {engine_message(n)}" for n in kept[0]), icon=":material/tune:")


def sidebar() -> dict:
    """Draw the shared sidebar (language, corpus + model settings) and return the settings."""
    notes = _init_from_query()
    notes += _settle_widget_values()
    sb = st.sidebar
    i18n.language_switch(sb)
    lang = i18n.current_language()
    sb.selectbox(t("sidebar.corpus"), corpus_choices(), key=widget_key("corpus"), help=t("sidebar.corpus_help"),
                 format_func=lambda n: corpus_label(n, lang), on_change=on_corpus_change)
    rows = ui_settings.SIDEBAR_BY_NAME
    _draw_setting(rows["architecture"], sb)
    _draw_setting(rows["objective"], sb)
    with sb.expander(t("sidebar.model_settings"), expanded=False):
        now = current_settings()
        off = {"negative": now["objective"] != "negative_sampling",
               "cbow_mean": now["architecture"] != "cbow",
               "cbow_update": now["architecture"] != "cbow" or not now["cbow_mean"]}
        for row in SIDEBAR[2:]:
            _draw_setting(row, st, disabled=off.get(row.name, False))
    settings = current_settings()
    _show_notes(notes, settings)
    query = settings_link_params(settings)
    query[i18n.LANG_KEY] = i18n.current_language()
    for k in KEPT_URL_PARAMS:                     # a page's own parameters (the interview's progress code)
        if k in st.query_params:
            query[k] = st.query_params[k]
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)
    room = st.query_params.get("room")
    if room:                                      # a member of a live class: one click back to it
        who = {k: st.query_params[k] for k in ("room", "teacher", "me") if k in st.query_params}
        sb.page_link("pages/13_class.py", label=t("class_room.back", code=f"{room[:3]}-{room[3:6]}"),
                     icon=":material/groups:", query_params=who)
    model = get_model()
    err = st.session_state.get(MODEL_ERROR)
    if err:
        sb.error(err)
    if model is not None:
        # (no update count here: a Next click re-runs only the Step page's fragment, which cannot redraw the
        # sidebar, so a count would go stale; the pages show it)
        sb.caption(t("sidebar.model_caption", V=f"{len(model.vocab):,}", epochs=model.planned_epochs))
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


def get_model() -> Optional[Word2Vec]:
    """This session's model, rebuilt when the corpus or a setting changed.

    A rebuild that fails (empty corpus, everything below min_count, ...) records its message in
    MODEL_ERROR and keeps the previous model. (It first calls ensure_app_entry(), so every page
    that asks for the model is drawn inside app.py's navigation and sidebar.)
    """
    ensure_app_entry()
    settings = current_settings()
    upload = upload_of(settings["corpus"])
    key = json.dumps(settings, sort_keys=True) + f"|upload={upload.digest if upload else ''}"
    ss = st.session_state
    if ss.get(MODEL_KEY) != key:
        try:
            sentences = current_sentences()
            model = Word2Vec(**model_kwargs(settings))
            model.build_vocab(sentences)
        except (ValueError, KeyError) as e:
            ss[MODEL_ERROR_RAW] = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
            ss[MODEL_KEY] = key
        else:
            ss[MODEL] = model
            ss[MODEL_KEY] = key
            ss[MODEL_ERROR_RAW] = None
            ss[HISTORY] = []
            ss[LAST_TRACE] = None
            ss[STEP_ERROR] = None
    raw = ss.get(MODEL_ERROR_RAW)      # written in this run's language (the switch may have changed it)
    ss[MODEL_ERROR] = t("sidebar.model_error", error=engine_message(raw).rstrip(".")) if raw else None
    return ss.get(MODEL)


def reset_model():
    """Forget the model so the next get_model() builds it again from scratch (same settings)."""
    st.session_state[MODEL_KEY] = None


def word(model: Word2Vec, i: int) -> str:
    return model.vocab.index_to_key[int(i)]


def corpus_file_stem(corpus: str) -> str:
    """The corpus's name as a file name part: an upload's own file name (without its extension), every
    character that is not a letter, digit, '-' or '.' replaced by '_' (no spaces in a downloaded file's name).

    >>> corpus_file_stem("royalty")
    'royalty'
    """
    import re

    name = corpus
    if is_upload(corpus):
        name = "upload_" + (corpus[len(UPLOAD_PREFIX):].rsplit(".", 1)[0] or "file")
    return re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("_") or "corpus"


CORPORA_DIR_ENV = "W2V_CORPORA_DIR"       # a folder of large corpora the server's owner offers (an allow-list)
FOLDER_PREFIX = "folder:"
FOLDER_SUFFIXES = (".txt", ".cor", ".text")


def folder_corpora() -> Dict[str, Path]:
    """{"folder:<file name>": path} of the text files in the folder named by W2V_CORPORA_DIR (not its
    subfolders; only those files: the allow-list), or {} when it is not set or not a folder. Such corpora are
    streamed from disk by the engine (never loaded whole), for sweeps on hundreds of MB."""
    folder = os.environ.get(CORPORA_DIR_ENV, "").strip()
    if not folder or not Path(folder).is_dir():
        return {}
    return {FOLDER_PREFIX + p.name: p for p in sorted(Path(folder).iterdir())
            if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES}

