"""The Hyperparameters page's controls and its background job: what to sweep, on which corpus, Run.

What it does: turns the page's widgets into a lessons.sweep.plan.SweepPlan (every value checked by the
engine's table of settings, each problem named in the user's language; a grid over one or two settings, or a
random search over several), has corpora.py build the SweepCorpus of the chosen corpus, starts the sweep in
the background, and re-opens a saved sweep's CSV.
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


from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import streamlit as st

import engine
from engine.config import SETTINGS
from lessons import benchmarks
from lessons.sweep import plan as sweep_plan
from lessons.sweep import run as sweep_run
from lessons.sweep import saved as sweep_saved
from lessons.sweep import scores as sweep_scores
from ui import pickers, state
from ui.charts.sweep import value_label
from ui.views.hyperparameters.corpora import (OWN_LISTS, PLANTED, corpus_kind, corpus_label,  # noqa: F401
                                              corpus_options, make_corpus)
from ui.choices import choice
from ui.i18n import engine_message, md_escape, t

# ---------------------------------------------------------------- this page's session-state keys
JOB = "sweep_job"              # the SweepJob of this session's latest sweep
HISTORY = "sweep_history"      # this session's earlier SweepJobs, newest first (at most MAX_HISTORY)
SHOWN = "sweep_shown"          # which sweep the results show: 0 = the latest, k = HISTORY[k - 1]
MAX_HISTORY = 8
START = "sweep_start"          # Run was pressed (set by its on_click, read once by the page)
APPLIED = "sweep_applied"      # {setting: value} the last 'apply' wrote to the sidebar (for its message)
PREFIX = "sw_"                 # widget keys of this page

NO_COLOUR = "none"             # the colour choice "no second setting"
NUMERIC_ORDER = ("window", "vector_size", "negative", "ns_exponent", "sample", "alpha", "epochs", "min_count",
                 "init_scale", "min_alpha", "max_vocab_size")
CATEGORICAL_ORDER = ("architecture", "objective", "shrink_windows", "skipgram_input", "segmenter")
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
    if len(item) > 60:                              # a pasted 5,000-digit number: its start and its length
        item = f"{item[:40]}… ({len(item):,} characters)"
    extra = dict(e.extra)
    if e.code == "not_allowed":
        return t("sweep.err.not_allowed", name=name, item=item, allowed=allowed_text(name))
    if e.code == "combination":
        return t("sweep.err.combination", name=name, item=item, detail=engine_message(str(e)))
    if e.code in ("searched", "trials"):
        return t(f"sweep.err.{e.code}", n=extra.get("n", item), low=extra.get("low", ""),
                 limit=extra.get("limit", ""), combos=extra.get("combos", ""))
    if e.code in ("too_many", "too_many_runs", "no_seeds"):
        return t(f"sweep.err.{e.code}", name=name, item=item, n=extra.get("n", item),
                 limit=extra.get("limit", sweep_plan.MAX_VALUES))
    return t(f"sweep.err.{e.code}", name=name, item=item)


# ================================================================ own lists, cache, settings
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
            col.caption(t(f"sweep.own_read_{kind}", name=md_escape(got.name), n=got.items, skipped=got.skipped))


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


RANDOM_DEFAULT = ("window", "vector_size", "negative")      # the settings a random search starts with
MODE = PREFIX + "mode"


def read_plan(container=st) -> Tuple[Optional[sweep_plan.SweepPlan], str, List[str]]:
    """Draw the sweep's controls; (plan or None, the chosen corpus, [messages of what is wrong])."""
    mode = choice(container.segmented_control, t("sweep.mode_label"), sweep_plan.MODES, lambda m: t(f"sweep.mode_{m}"),
                  MODE, default="grid", required=True, help=t("sweep.mode_help"))
    if mode == sweep_plan.RANDOM:
        return read_random_plan(container)
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
    corpus, base, seeds, strategy = corpus_and_setup(container, c6, n_seeds)
    if errors:
        return None, corpus, errors
    try:
        plan = sweep_plan.SweepPlan.make(setting, values, seeds, base, colour, colour_values, strategy)
    except sweep_plan.SweepInputError as e:
        return None, corpus, [error_text(e)]
    return plan, corpus, []


def corpus_and_setup(container, corpus_col, n_seeds: int) -> Tuple[str, dict, List[int], str]:
    """The corpus chooser and the set-up: (corpus choice, the runs' base settings, their seeds, the strategy)."""
    options = corpus_options()
    sidebar_corpus = state.current_settings()["corpus"]
    corpus = choice(corpus_col.selectbox, t("sweep.corpus_label"), options, corpus_label, PREFIX + "corpus",
                    default=sidebar_corpus if sidebar_corpus in options else options[0], help=t("sweep.corpus_help"))
    strategy = st.session_state.get(PREFIX + "strategy", sweep_plan.DEFAULT_STRATEGY)
    setup = setup_widget(container, corpus)
    base = sweep_plan.setup_base(setup, base_settings())
    first_seed = int(base.get("seed", 1))
    return corpus, base, [first_seed + i for i in range(int(n_seeds))], strategy


def read_random_plan(container) -> Tuple[Optional[sweep_plan.SweepPlan], str, List[str]]:
    """The controls of a random search: the settings to draw (2-5, by their code names: the chips stay short) with
    their values, trials, seeds, corpus."""
    c1, c2, c3, c4 = container.columns([2.2, 0.8, 0.8, 1.1])
    searched = choice(c1.multiselect, t("sweep.searched_label"), SETTING_ORDER, str, PREFIX + "searched",
                      default=list(RANDOM_DEFAULT), multi=True, help=t("sweep.searched_help"),
                      placeholder=t("sweep.choose_values"))
    n_trials = c2.number_input(t("sweep.trials_label"), 1, sweep_plan.MAX_TRIALS, 8, key=PREFIX + "trials",
                               help=t("sweep.trials_help"))
    n_seeds = c3.slider(t("sweep.seeds_label"), 1, sweep_plan.MAX_SEEDS, 2, key=PREFIX + "rseeds",
                        help=t("sweep.seeds_help"))
    space, errors = {}, []
    cols = container.columns(max(1, len(searched)))
    for col, name in zip(cols, searched):
        values, err = values_widget(name, col, PREFIX + "rvalues_", sweep_plan.SWEEPABLE[name].suggested,
                                    t("sweep.rvalues_label", name=name))
        space[name] = values
        if err:
            errors.append(err)
    corpus, base, seeds, strategy = corpus_and_setup(container, c4, n_seeds)
    if errors:
        return None, corpus, errors
    try:                                   # the draw comes from the sidebar's seed: the same settings, the same trials
        plan = sweep_plan.SweepPlan.random(space, n_trials, seeds, base, np.random.default_rng(seeds[0]), strategy)
    except sweep_plan.SweepInputError as e:
        return None, corpus, [error_text(e)]
    return plan, corpus, []


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
    if plan.is_random:
        return t("sweep.plan_caption", n=n, shape=random_shape(plan), seeds=", ".join(map(str, plan.seeds)))
    shape = (t("sweep.shape_2d", values=len(plan.values), colours=len(plan.colour_values), seeds=len(plan.seeds))
             if plan.colour_setting else t("sweep.shape_1d", values=len(plan.values), seeds=len(plan.seeds)))
    return t("sweep.plan_caption", n=n, shape=shape, seeds=", ".join(map(str, plan.seeds)))


def random_shape(plan: sweep_plan.SweepPlan) -> str:
    """'8 trials x 2 seeds, drawn from 45 combinations of window, vector_size, negative'."""
    return t("sweep.shape_random", trials=len(plan.trials), seeds=len(plan.seeds), combos=plan.combinations,
             settings=", ".join(plan.searched))


def sweep_name(plan: sweep_plan.SweepPlan) -> str:
    """What a sweep varies, in words: 'window', or 'random search over window, vector_size, negative'."""
    return t("sweep.random_name", settings=", ".join(plan.searched)) if plan.is_random else plan.setting


def settings_caption(plan: sweep_plan.SweepPlan) -> str:
    """The settings every run of the sweep shared (the set-up's when it started)."""
    base = plan.base_settings
    varied = (plan.setting, plan.colour_setting, "seed", *plan.searched)
    # the two settings with an everyday name are named in the session's language; the others by their parameter
    others = [f"{t('sweep.caption_name.' + k) if k in ('architecture', 'objective') else k} {value_label(k, base[k])}"
              for k in state.SETTING_NAMES if k in base and k not in varied]
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
    return make_latest(sweep_run.SweepJob(plan, corpus, cache=shared_cache()).start())


def make_latest(job: sweep_run.SweepJob) -> sweep_run.SweepJob:
    """Show `job` as this session's latest sweep; the previous one (stopped if it still runs) joins the history."""
    old = current_job()
    if old is not None and old.running:
        old.stop()
    if old is not None and old.snapshot()["rows"]:            # kept: the session's earlier sweeps can be re-opened
        history = st.session_state.setdefault(HISTORY, [])
        history.insert(0, old)
        del history[MAX_HISTORY:]
    st.session_state[JOB] = job
    st.session_state.pop(SHOWN, None)
    return job


REOPENED = "sweep_reopened"    # the file_id of the last CSV re-opened (read once, not at every rerun)


def saved_error_text(e: sweep_saved.SavedSweepError) -> str:
    """What is wrong with a file that is not a sweep's CSV, in the user's language."""
    return t(f"sweep.saved.{e.code}", line=e.line or "", column=e.column, item=e.extra.get("item", ""),
             detail=engine_message(str(e.extra.get("detail", ""))), size=f"{e.extra.get('size', 0):,}",
             limit=f"{e.extra.get('limit', 0):,}")


def reopen_widget(container, running: bool) -> None:
    """Upload a sweep's CSV (as this page downloads it): shown again as the latest sweep, the one shown before
    kept in the history; a file that is not one of ours is refused by name and the sweep shown is kept."""
    with container.expander(t("sweep.reopen_title"), icon=":material/upload_file:"):
        up = pickers.file_uploader(st, t("sweep.reopen_label"), type=["csv"], key=PREFIX + "reopen",
                                   disabled=running, help=t("sweep.reopen_help"))
        if up is None:
            st.session_state.pop(REOPENED, None)
            return
        if st.session_state.get(REOPENED) == up.file_id:
            return
        try:
            saved = sweep_saved.from_csv(up.getvalue())
        except sweep_saved.SavedSweepError as e:
            st.error(t("sweep.saved_error", name=up.name, problem=saved_error_text(e)), icon=":material/error:")
            return
        st.session_state[REOPENED] = up.file_id
        corpus = sweep_scores.SweepCorpus(f"saved:{saved.corpus_label}", saved.corpus_label, (),
                                          benchmarks=False, measures=saved.measures)
        make_latest(sweep_run.SweepJob.from_rows(saved.plan, corpus, saved.rows, source=up.name))


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
                start(plan, make_corpus(corpus_name, plan))
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
        reopen_widget(st, running)
    if start_error:
        st.error(start_error, icon=":material/error:")
    return plan, current_job()
