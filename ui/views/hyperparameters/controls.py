"""The Hyperparameters page's controls and its background job: what to sweep, on which corpus, Run.

What it does: turns the page's widgets into a lessons.sweep.plan.SweepPlan (every value checked by the
engine's table of settings, each problem named in the user's language), builds the SweepCorpus of the
chosen corpus (sample, gensim's real corpora, this session's upload, or the Compare page's planted corpus),
and starts the sweep in the background.
What it does not do: train or score (lessons/sweep/), or keep anything per user outside st.session_state.

How a sweep runs, and why this way: in a background thread of its own (lessons.sweep.run.SweepJob), not in the
session's script thread. While it runs, the page draws a fragment that re-runs every half second
(st.fragment(run_every=0.5), ui/views/hyperparameters/results.py): a progress bar, the runs finished so far,
and a Stop button whose click only sets the job's stop flag (the runs finished are kept; the ones under way
stop within ~0.1 s and leave no row). Training in the script thread would make every click of the same user a
hidden Stop (Streamlit interrupts a running script to rerun it), and the page could show nothing else
meanwhile. Other sessions stay responsive because the job's threads run at a lower priority (nice +5), take
cores from one process-wide pool (lessons.sweep.run.TRAINING_SLOTS: a class pressing Run together queues its
runs instead of starting sixty threads), and the compiled kernel releases the GIL while it trains;
bench/sweep.py measures a Next 100 click of another session during a sweep (bench/SWEEP_RESULTS.md).
The result cache (one per server process, st.cache_resource) holds finished runs keyed by (corpus, every
setting, seed): a row is plain numbers computed deterministically from its key (workers=1), the same for
every user, so sharing it is safe and lets a class re-run the teacher's sweep for free.
"""

from __future__ import annotations

import dataclasses

from typing import Any, List, Optional, Sequence, Tuple

import streamlit as st

import engine
from engine.config import SETTINGS
from lessons import benchmarks
from lessons.planted import COMPARE_PLANTED
from lessons.sweep import plan as sweep_plan
from lessons.sweep import run as sweep_run
from lessons.sweep import scores as sweep_scores
from ui import pickers, state
from ui.charts.sweep import value_label
from ui.choices import choice
from ui.i18n import engine_message, t

# ---------------------------------------------------------------- this page's session-state keys
JOB = "sweep_job"              # the SweepJob of this session's latest sweep
HISTORY = "sweep_history"      # this session's earlier SweepJobs, newest first (at most MAX_HISTORY)
SHOWN = "sweep_shown"          # which sweep the results show: 0 = the latest, k = HISTORY[k - 1]
MAX_HISTORY = 8
START = "sweep_start"          # Run was pressed (set by its on_click, read once by the page)
APPLIED = "sweep_applied"      # {setting: value} the last 'apply' wrote to the sidebar (for its message)
UPLOAD_KEY = "_sweep_upload_key"  # (id of the uploaded sentences, their fingerprint) so it is hashed once
PREFIX = "sw_"                 # widget keys of this page

NO_COLOUR = "none"             # the colour choice "no second setting"
PLANTED = "planted"            # the corpus choice "the Compare page's planted corpus"
NUMERIC_ORDER = ("window", "vector_size", "negative", "ns_exponent", "sample", "alpha", "epochs", "min_count",
                 "init_scale", "min_alpha", "max_vocab_size")
CATEGORICAL_ORDER = ("architecture", "objective", "shrink_windows", "skipgram_input")
SETTING_ORDER = NUMERIC_ORDER + CATEGORICAL_ORDER
COLOUR_DEFAULTS = {"window": (2, 5), "vector_size": (20, 100), "negative": (2, 10), "ns_exponent": (0.0, 0.75),
                   "sample": (0.0, 1e-3), "alpha": (0.025, 0.25), "epochs": (5, 20), "min_count": (1, 5),
                   "init_scale": (1.0, 3.0), "min_alpha": (0.0, 1e-4), "max_vocab_size": (1_000, 20_000)}


# ================================================================ names and values in words
def setting_label(name: str) -> str:
    """'window — radius of the context window' (the setting's own name first: it is what the code calls it)."""
    return f"{name} — {t(f'sweep.setting.{name}')}"


def allowed_text(name: str) -> str:
    """What a value of the setting must be, in the user's language: 'an integer in [1, 100]'."""
    s = SETTINGS[name]
    if s.kind is str:
        return t("sweep.allowed_choice", choices=", ".join(s.choices))
    if s.kind is bool:
        return t("sweep.allowed_bool")
    noun = t("sweep.allowed_int") if s.kind is int else t("sweep.allowed_number")
    if s.low is not None and s.high is not None:
        return t("sweep.allowed_range", noun=noun, low=f"{s.low:g}", high=f"{s.high:g}",
                 open="(" if s.low_open else "[")
    if s.low is not None:
        return t("sweep.allowed_above" if s.low_open else "sweep.allowed_at_least", noun=noun, low=f"{s.low:g}")
    return noun


def error_text(e: sweep_plan.SweepInputError) -> str:
    """A SweepInputError in the user's language, naming the offending item and what is allowed."""
    name = e.setting or ""
    item = e.item if isinstance(e.item, str) else sweep_plan.format_value(e.item) if e.item is not None else ""
    extra = dict(e.extra)
    if e.code == "not_allowed":
        return t("sweep.err.not_allowed", name=name, item=item, allowed=allowed_text(name))
    if e.code == "combination":
        return t("sweep.err.combination", name=name, item=item, detail=engine_message(str(e)))
    if e.code in ("too_many", "too_many_runs", "no_seeds"):
        return t(f"sweep.err.{e.code}", name=name, item=item, n=extra.get("n", item),
                 limit=extra.get("limit", sweep_plan.MAX_VALUES))
    return t(f"sweep.err.{e.code}", name=name, item=item)


# ================================================================ corpus, cache, settings
def corpus_options() -> List[str]:
    return state.corpus_choices() + [PLANTED] + list(state.folder_corpora())


def corpus_label(name: str) -> str:
    if name == PLANTED:
        return t("sweep.corpus_planted")
    if name == state.UPLOAD_CHOICE:
        return t("sweep.corpus_upload")
    return name


OWN_LISTS = "sweep_own_lists"   # {kind: lessons.benchmarks.UserList} the user's own quality lists


def make_corpus(name: str) -> sweep_scores.SweepCorpus:
    """The SweepCorpus of a corpus choice with the user's own quality lists (ValueError with a message when it
    cannot be read)."""
    corpus = _corpus_of(name)
    own = st.session_state.get(OWN_LISTS) or {}
    if not own:
        return corpus
    digests = ",".join(f"{k}={own[k].digest}" for k in sorted(own))
    groups = own["groups"].groups if "groups" in own else corpus.groups
    return dataclasses.replace(corpus, key=f"{corpus.key}|own:{digests}", groups=groups,
                               own_pairs=own["pairs"].path if "pairs" in own else None,
                               own_analogies=own["analogies"].path if "analogies" in own else None)


def own_lists_widget(container) -> None:
    """Upload your own word pairs, analogies or groups (gensim's formats): read, checked, said; kept per session."""
    own = st.session_state.setdefault(OWN_LISTS, {})
    with container.expander(t("sweep.own_title", n=len(own)), icon=":material/playlist_add_check:"):
        st.caption(t("sweep.own_help"))
        cols = st.columns(3)
        for col, kind in zip(cols, benchmarks.USER_LIST_KINDS):
            up = pickers.file_uploader(col, t(f"sweep.own_{kind}"), type=["txt", "tsv", "csv"],
                                       key=f"{PREFIX}own_{kind}", help=t(f"sweep.own_{kind}_help"))
            if up is None:
                own.pop(kind, None)
                continue
            if kind not in own or own[kind].name != up.name:
                try:
                    own[kind] = benchmarks.read_user_list(kind, up.name, up.getvalue())
                except ValueError as e:
                    own.pop(kind, None)
                    col.error(t("sweep.own_error", error=engine_message(str(e))), icon=":material/error:")
                    continue
            got = own[kind]
            col.caption(t(f"sweep.own_read_{kind}", name=got.name, n=got.items, skipped=got.skipped))


def _corpus_of(name: str) -> sweep_scores.SweepCorpus:
    """The SweepCorpus of a corpus choice (ValueError with a message when it cannot be read)."""
    if name == PLANTED:
        planted = state.get_planted(**COMPARE_PLANTED)
        key = sweep_scores.tokens_key([[f"{k}={v}" for k, v in sorted(COMPARE_PLANTED.items())]])
        return sweep_scores.SweepCorpus("planted:" + key, corpus_label(name), planted.sentences, planted=planted,
                                        benchmarks=False)
    if name == state.UPLOAD_CHOICE:
        sentences = st.session_state.get(state.UPLOAD_SENTENCES)
        if not sentences:
            raise ValueError(t("sweep.no_upload"))
        known = st.session_state.get(UPLOAD_KEY)
        if not known or known[0] != id(sentences):
            known = (id(sentences), sweep_scores.tokens_key(sentences))
            st.session_state[UPLOAD_KEY] = known
        label = f"{corpus_label(name)} {st.session_state.get(state.UPLOAD_NAME) or ''}".strip()
        return sweep_scores.SweepCorpus(f"upload:{known[1]}", label, sentences)
    folder = state.folder_corpora()
    if name in folder:                       # streamed from disk by the engine: never loaded whole
        path = folder[name]
        info = path.stat()
        return sweep_scores.SweepCorpus(f"folder:{path.name}:{info.st_size}:{int(info.st_mtime)}", name,
                                        engine.read_corpus(path))
    sentences = state.load_corpus(name)
    if name in engine.sample_corpora():
        return sweep_scores.SweepCorpus(f"sample:{name}", name, sentences, groups=engine.sample_groups(name) or None,
                              analogies=engine.sample_analogies(name))
    return sweep_scores.SweepCorpus(f"gensim:{name}", name, sentences)


@st.cache_resource
def shared_cache() -> sweep_run.ResultCache:
    """Finished runs, shared by the sessions of this server process (see the module docstring)."""
    return sweep_run.ResultCache(maxsize=5000)


def base_settings() -> dict:
    """The sidebar's model settings (the swept ones are overridden per run)."""
    return state.model_kwargs(state.current_settings())


# ================================================================ controls
def values_widget(name: str, container, key_prefix: str, defaults: Sequence[Any], label: str) -> Tuple[list, str]:
    """The values of `name`: a multiselect for a choice setting, a text box otherwise.
    Returns (values, error message or '')."""
    spec = sweep_plan.SWEEPABLE[name]
    if spec.categorical:
        chosen = choice(container.multiselect, label, list(spec.choices), lambda v: value_label(name, v),
                        f"{key_prefix}{name}", default=list(defaults), multi=True,
                        placeholder=t("sweep.choose_values"))
        if not chosen:
            return [], t("sweep.err.empty", name=name, item="")
        return list(chosen), ""
    text = container.text_input(label, sweep_plan.values_text(defaults), key=f"{key_prefix}{name}",
                                help=t("sweep.values_help"))
    try:
        return sweep_plan.parse_values(name, text), ""
    except sweep_plan.SweepInputError as e:
        return [], error_text(e)


def categorical_defaults(name: str) -> tuple:
    return sweep_plan.SWEEPABLE[name].suggested


def read_plan(container=st) -> Tuple[Optional[sweep_plan.SweepPlan], str, List[str]]:
    """Draw the sweep's controls; (plan or None, the chosen corpus, [messages of what is wrong])."""
    c1, c2, c3 = container.columns([1.4, 1.3, 0.9])
    setting = choice(c1.selectbox, t("sweep.setting_label"), SETTING_ORDER, setting_label, PREFIX + "setting",
                     default=SETTING_ORDER[0])
    spec = sweep_plan.SWEEPABLE[setting]
    values, err = values_widget(setting, c2, PREFIX + "values_", spec.suggested, t("sweep.values_label"))
    n_seeds = c3.slider(t("sweep.seeds_label"), 1, sweep_plan.MAX_SEEDS, 3, key=PREFIX + "seeds",
                        help=t("sweep.seeds_help"))
    c4, c5, c6 = container.columns([1.4, 1.3, 0.9])
    colour_options = [NO_COLOUR] + [n for n in SETTING_ORDER if n != setting]
    colour = choice(c4.selectbox, t("sweep.colour_label"), colour_options,      # the first setting may take its name
                    lambda n: t("sweep.no_colour") if n == NO_COLOUR else setting_label(n), PREFIX + "colour",
                    default=NO_COLOUR, help=t("sweep.colour_help"))
    colour = None if colour == NO_COLOUR else colour
    colour_values: list = []
    errors = [err] if err else []
    if colour is not None:
        defaults = categorical_defaults(colour) if sweep_plan.SWEEPABLE[colour].categorical else COLOUR_DEFAULTS[colour]
        colour_values, cerr = values_widget(colour, c5, PREFIX + "cvalues_", defaults,
                                            t("sweep.colour_values_label", name=colour))
        if cerr:
            errors.append(cerr)
    options = corpus_options()
    sidebar_corpus = state.current_settings()["corpus"]
    corpus = choice(c6.selectbox, t("sweep.corpus_label"), options, corpus_label, PREFIX + "corpus",
                    default=sidebar_corpus if sidebar_corpus in options else options[0], help=t("sweep.corpus_help"))
    strategy = st.session_state.get(PREFIX + "strategy", sweep_plan.DEFAULT_STRATEGY)
    setup = setup_widget(container, corpus)
    if errors:
        return None, corpus, errors
    base = sweep_plan.setup_base(setup, base_settings())
    first_seed = int(base.get("seed", 1))
    seeds = [first_seed + i for i in range(int(n_seeds))]
    try:
        plan = sweep_plan.SweepPlan.make(setting, values, seeds, base, colour, colour_values, strategy)
    except sweep_plan.SweepInputError as e:
        return None, corpus, [error_text(e)]
    return plan, corpus, []


def corpus_kind(name: str) -> str:
    """"sample", "planted", "upload" or "real" (gensim's Lee and head500 texts)."""
    if name == PLANTED:
        return "planted"
    if name == state.UPLOAD_CHOICE:
        return "upload"
    if name.startswith(state.FOLDER_PREFIX):
        return "real"
    return "sample" if name in engine.sample_corpora() else "real"


def setup_widget(container, corpus: str) -> str:
    """Which set-up the runs start from: the app's teaching set-up (the sidebar) or word2vec.c's / gensim's
    defaults ("practice"); each kind of corpus keeps its own choice, real text and uploads start on practice."""
    kind = corpus_kind(corpus)
    setup = choice(container.segmented_control, t("sweep.setup_label"), sweep_plan.SETUPS,
                   lambda s: t(f"sweep.setup_{s}"), f"{PREFIX}setup_{kind}",
                   default=sweep_plan.default_setup(kind), required=True, help=t("sweep.setup_help"))
    container.caption(t(f"sweep.setup_{setup}_caption", **{k: value_label(k, v) for k, v in sweep_plan.PRACTICE.items()}))
    return setup


def strategy_widget(container) -> str:
    """How to use the two cores (a radio in a popover; the default is the faster one measured by bench/sweep.py)."""
    with container.popover(t("sweep.more_options"), icon=":material/memory:"):
        return choice(st.radio, t("sweep.strategy_label"), sweep_plan.STRATEGIES, lambda s: t(f"sweep.strategy.{s}"),
                      PREFIX + "strategy", default=sweep_plan.DEFAULT_STRATEGY, help=t("sweep.strategy_help"))


def plan_caption(plan: sweep_plan.SweepPlan) -> str:
    """'15 trainings: 5 values x 3 seeds, seeds 1, 2, 3; the other settings from the sidebar.'"""
    n = len(plan.runs())
    shape = (t("sweep.shape_2d", values=len(plan.values), colours=len(plan.colour_values), seeds=len(plan.seeds))
             if plan.colour_setting else t("sweep.shape_1d", values=len(plan.values), seeds=len(plan.seeds)))
    return t("sweep.plan_caption", n=n, shape=shape, seeds=", ".join(map(str, plan.seeds)))


def settings_caption(plan: sweep_plan.SweepPlan) -> str:
    """The settings every run of the sweep shared (the set-up's when it started)."""
    base = plan.base_settings
    # the two settings with an everyday name are named in the session's language; the others by their parameter
    others = [f"{t('sweep.caption_name.' + k) if k in ('architecture', 'objective') else k} {value_label(k, base[k])}"
              for k in state.SETTING_NAMES
              if k in base and k not in (plan.setting, plan.colour_setting, "seed")]
    return t("sweep.settings_caption", others=", ".join(others))


def compile_note(plan: sweep_plan.SweepPlan) -> str:
    """A note when some vector sizes of the sweep still need their kernel compiled ('' otherwise)."""
    sizes = {int(r.kwargs["vector_size"]) for r in plan.runs()}
    todo = sorted(d for d in sizes if engine.fast.static_size(d)
                  and not engine.fast.is_warm(d, sweep_plan.run_workers(plan.strategy)))
    return t("sweep.compile_note", sizes=", ".join(map(str, todo))) if todo else ""


# ================================================================ the job
def request_start() -> None:
    """on_click of Run: remember the click in session state (a callback's effect survives a rerun that
    Streamlit may insert before the page sees the button's value, e.g. a deep link's first run)."""
    st.session_state[START] = True


def start_requested() -> bool:
    """Was Run pressed since the last run? (Forgets the press.)"""
    return bool(st.session_state.pop(START, False))


def current_job() -> Optional[sweep_run.SweepJob]:
    return st.session_state.get(JOB)


def start(plan: sweep_plan.SweepPlan, corpus: sweep_scores.SweepCorpus) -> sweep_run.SweepJob:
    """Start a sweep in the background (stopping this session's previous one, if it still runs)."""
    old = current_job()
    if old is not None and old.running:
        old.stop()
    if old is not None and old.snapshot()["rows"]:            # kept: the session's earlier sweeps can be re-opened
        history = st.session_state.setdefault(HISTORY, [])
        history.insert(0, old)
        del history[MAX_HISTORY:]
    job = sweep_run.SweepJob(plan, corpus, cache=shared_cache()).start()
    st.session_state[JOB] = job
    st.session_state.pop(SHOWN, None)
    return job


def progress_text(snap: dict) -> str:
    label = snap["label"]
    if snap["stopping"]:
        what = t("sweep.progress_stopping")
    elif label.startswith("compiling:"):
        what = t("sweep.progress_compiling", d=label.split(":", 1)[1])
    elif label == "waiting":
        what = t("sweep.progress_waiting")
    else:
        what = t("sweep.progress_training")
    text = t("sweep.progress", done=snap["done"], total=snap["total"], what=what, seconds=f"{snap['elapsed']:.0f}")
    left = remaining_seconds(snap)
    return text + (" · " + t("sweep.progress_left", seconds=f"{left:.0f}") if left is not None else "")


def remaining_seconds(snap: dict) -> Optional[float]:
    """About how long the sweep still takes: the time per finished run so far times the runs left (None before
    the first run finishes, or once none is left).

    >>> remaining_seconds({"done": 2, "total": 6, "elapsed": 10.0}), remaining_seconds({"done": 0, "total": 6, "elapsed": 3.0})
    (20.0, None)
    """
    done, total = snap["done"], snap["total"]
    if done <= 0 or done >= total:
        return None
    return snap["elapsed"] / done * (total - done)


# ================================================================ what the page draws first
def controls_box() -> Tuple[Optional[sweep_plan.SweepPlan], Optional[sweep_run.SweepJob]]:
    """What to sweep, in a box: the controls, Run (starting the sweep asked for at the last click), strategy,
    and what is wrong or how many trainings it takes; a corpus that cannot be read is said under the box.
    Returns (the plan the controls describe, or None; this session's latest job, or None)."""
    start_error = None
    with st.container(border=True):
        plan, corpus_name, problems = read_plan()
        if start_requested() and plan is not None:
            try:
                start(plan, make_corpus(corpus_name))
            except (ValueError, KeyError) as e:
                start_error = t("sweep.corpus_error", error=engine_message(str(e)))
        job = current_job()
        running = job is not None and job.running
        go_col, opt_col, info_col = st.columns([1, 0.8, 3.2], vertical_alignment="center")
        strategy_widget(opt_col)
        go_col.button(t("sweep.run"), type="primary", key=PREFIX + "run", icon=":material/play_arrow:",
                      disabled=plan is None or running, help=t("sweep.run_help"), on_click=request_start)
        for msg in problems:
            info_col.error(msg, icon=":material/error:")
        if plan is not None:
            info_col.caption(plan_caption(plan))
            note = compile_note(plan)
            if note:
                info_col.caption(note)
        own_lists_widget(st)
    if start_error:
        st.error(start_error, icon=":material/error:")
    return plan, job
