"""Glue for the Hyperparameters page: the sweep's controls, its background job, the figure, the verdict, apply.

What it does: turns the page's widgets into an lessons.sweep.plan.SweepPlan (every value checked by the engine's
table of settings, each problem named in the user's language), builds the SweepCorpus of the chosen corpus
(sample, gensim's real corpora, this session's upload, or the Compare page's planted corpus), starts the
sweep, polls it, and draws what it found: quality, final loss, training time and words/s against the value
with error bars over seeds, the word2vec.c / gensim defaults and the literature's recommendation, a verdict,
a button that applies the best value to the sidebar, and the CSV download.
What it does not do: train or score (lessons/sweep/), or keep anything per user outside st.session_state.

How a sweep runs, and why this way: in a background thread of its own (lessons.sweep.run.SweepJob), not in the
session's script thread. While it runs, the page draws a fragment that re-runs every half second
(st.fragment(run_every=0.5)): a progress bar, the runs finished so far, and a Stop button whose click only
sets the job's stop flag (the runs finished are kept; the ones under way stop within ~0.1 s and leave no
row). Training in the script thread would make every click of the same user a hidden Stop (Streamlit
interrupts a running script to rerun it), and the page could show nothing else meanwhile. Other sessions
stay responsive because the job's threads run at a lower priority (nice +5), take cores from one
process-wide pool (lessons.sweep.run.TRAINING_SLOTS: a class pressing Run together queues its runs instead of
starting sixty threads), and the compiled kernel releases the GIL while it trains; bench/sweep.py measures
a Next 100 click of another session during a sweep (bench/SWEEP_RESULTS.md).
The result cache (one per server process, st.cache_resource) holds finished runs keyed by (corpus, every
setting, seed): a row is plain numbers computed deterministically from its key (workers=1), the same for
every user, so sharing it is safe and lets a class re-run the teacher's sweep for free.
"""

from __future__ import annotations

import io
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

import engine
from lessons.sweep import plan as sweep_plan
from lessons.sweep import run as sweep_run
from lessons.sweep import scores as sweep_scores
from engine.config import SETTINGS
from ui import settings as ui_settings
from ui import state
from ui.choices import choice
from ui.i18n import engine_message, t
from ui.settings import architecture_label, objective_label

# ---------------------------------------------------------------- this page's session-state keys
JOB = "sweep_job"              # the SweepJob of this session's latest sweep
START = "sweep_start"          # Run was pressed (set by its on_click, read once by the page)
APPLIED = "sweep_applied"      # {setting: value} the last 'apply' wrote to the sidebar (for its message)
UPLOAD_KEY = "_sweep_upload_key"  # (id of the uploaded sentences, their fingerprint) so it is hashed once
PREFIX = "sw_"                 # widget keys of this page

NO_COLOUR = "none"             # the colour choice "no second setting"
PLANTED = "planted"            # the corpus choice "the Compare page's planted corpus"
PLANTED_ARGS = dict(n_tokens=10_000, n_groups=8, group_size=10, zipf_s=1.1, seed=1)   # the Compare page's defaults
NUMERIC_ORDER = ("window", "vector_size", "negative", "ns_exponent", "sample", "alpha", "epochs", "min_count",
                 "init_scale")
CATEGORICAL_ORDER = ("architecture", "objective", "shrink_windows", "skipgram_input")
SETTING_ORDER = NUMERIC_ORDER + CATEGORICAL_ORDER
COLOUR_DEFAULTS = {"window": (2, 5), "vector_size": (20, 100), "negative": (2, 10), "ns_exponent": (0.0, 0.75),
                   "sample": (0.0, 1e-3), "alpha": (0.025, 0.25), "epochs": (5, 20), "min_count": (1, 5),
                   "init_scale": (1.0, 3.0)}
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79", "#637939")
REF_COLOURS = {"word2vec_c": "#6a3d9a", "gensim": "#b15928", "both": "#6a3d9a", "recommended": "#33a02c"}


# ================================================================ names and values in words
def setting_label(name: str) -> str:
    """'window — radius of the context window' (the setting's own name first: it is what the code calls it)."""
    return f"{name} — {t(f'sweep.setting.{name}')}"


def value_label(name: Optional[str], value: Any) -> str:
    """A value as the page writes it: 'skip-gram', 'negative sampling', 'on', '1e-05', '5'."""
    if name == "architecture":
        return architecture_label(value)
    if name == "objective":
        return objective_label(value)
    if isinstance(value, bool):
        return t("sweep.on") if value else t("sweep.off")
    if value is None:
        return "—"
    return sweep_plan.format_value(value)


def values_label(name: str, values: Sequence[Any]) -> str:
    return ", ".join(value_label(name, v) for v in values)


def metric_label(key: str) -> str:
    return t(f"sweep.metric.{key}")


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
    return state.corpus_choices() + [PLANTED]


def corpus_label(name: str) -> str:
    if name == PLANTED:
        return t("sweep.corpus_planted")
    if name == state.UPLOAD_CHOICE:
        return t("sweep.corpus_upload")
    return name


def make_corpus(name: str) -> sweep_scores.SweepCorpus:
    """The SweepCorpus of a corpus choice (ValueError with a message when it cannot be read)."""
    if name == PLANTED:
        from ui.compare import get_planted
        planted = get_planted(**PLANTED_ARGS)
        return sweep_scores.SweepCorpus("planted:" + sweep_scores.tokens_key([[f"{k}={v}" for k, v in sorted(PLANTED_ARGS.items())]]),
                              corpus_label(name), planted.sentences, planted=planted, benchmarks=False)
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
                        f"{key_prefix}{name}", default=list(defaults), multi=True)
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
    if errors:
        return None, corpus, errors
    base = base_settings()
    first_seed = int(base.get("seed", 1))
    seeds = [first_seed + i for i in range(int(n_seeds))]
    try:
        plan = sweep_plan.SweepPlan.make(setting, values, seeds, base, colour, colour_values, strategy)
    except sweep_plan.SweepInputError as e:
        return None, corpus, [error_text(e)]
    return plan, corpus, []


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
    """The settings every run of the sweep shared (the sidebar's when it started)."""
    base = plan.base_settings
    others = [f"{k} {value_label(k, base[k])}" for k in state.SETTING_NAMES
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
    job = sweep_run.SweepJob(plan, corpus, cache=shared_cache()).start()
    st.session_state[JOB] = job
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
    return t("sweep.progress", done=snap["done"], total=snap["total"], what=what, seconds=f"{snap['elapsed']:.0f}")


def show_running(job: sweep_run.SweepJob, metric_key: str) -> None:
    """The progress bar, Stop and the runs finished so far, redrawn every half second while the job runs."""

    @st.fragment(run_every=0.5)
    def _poll():
        snap = job.snapshot()
        if snap["state"] != "running":
            st.rerun()               # the sweep ended: draw the whole page with its results
        st.progress(min(1.0, snap["fraction"]), text=progress_text(snap))
        st.button(t("sweep.stop"), key=PREFIX + "stop", on_click=job.stop, icon=":material/stop:",
                  help=t("sweep.stop_help"), disabled=snap["stopping"])
        if snap["rows"]:
            metrics = available_metrics(snap["rows"], job.corpus)
            metric = st.session_state.get(metric_key)
            metric = metric if metric in metrics else (metrics[0] if metrics else None)
            st.plotly_chart(figure(snap["rows"], job.plan, metric), key=PREFIX + "live_fig",
                            config=plot_config(job.plan, "png"))

    _poll()


# ================================================================ results
def available_metrics(rows: Sequence[dict], corpus: sweep_scores.SweepCorpus) -> List[str]:
    """The corpus's quality measures that have a number in at least one run (coverage allowed a score)."""
    out = []
    for key in corpus.metrics():
        if any(isinstance(r.get(key), (int, float)) and math.isfinite(r[key]) for r in rows):
            out.append(key)
    return out


def metric_select(container, metrics: Sequence[str], key: str) -> Optional[str]:
    """The quality measure to plot (the first one when the remembered choice is not offered for this sweep)."""
    if not metrics:
        return None
    return choice(container.selectbox, t("sweep.metric_label"), list(metrics), metric_label, key,
                  default=metrics[0], help=t("sweep.metric_help"))


def coverage_text(rows: Sequence[dict], metric: str) -> str:
    cov = sweep_scores.coverage_range(rows, metric)
    if cov is None:
        return ""
    lo, hi = cov
    span = f"{lo:.0%}" if abs(hi - lo) < 0.005 else f"{lo:.0%}–{hi:.0%}"
    return t(f"sweep.coverage.{metric}", span=span)


def _is_log(plan: sweep_plan.SweepPlan) -> bool:
    spec = sweep_plan.SWEEPABLE[plan.setting]
    return spec.axis == "log" and all(isinstance(v, (int, float)) and v > 0 for v in plan.values)


def _is_category(plan: sweep_plan.SweepPlan) -> bool:
    spec = sweep_plan.SWEEPABLE[plan.setting]
    return spec.categorical or (spec.axis == "log" and not _is_log(plan))


def x_of(plan: sweep_plan.SweepPlan, value: Any):
    return value_label(plan.setting, value) if _is_category(plan) else value


def reference_marks(plan: sweep_plan.SweepPlan) -> List[Tuple[str, Any, Any]]:
    """[(kind, x0, x1)] of the reference values that fall inside the swept range: word2vec.c's and gensim's
    defaults (x1 None), the recommendation (a band when it is a range)."""
    ref = sweep_plan.reference(plan.setting, plan.base_settings)
    marks = []
    if _is_category(plan):
        shown = set(plan.values)
        same = ref["word2vec_c"] == ref["gensim"]
        rec = ref["recommended"]
        if isinstance(rec, tuple):                  # a range on a category axis: the band over the values inside it
            inside = [v for v in plan.values if isinstance(v, (int, float)) and rec[0] <= v <= rec[1]]
            if inside:
                marks.append(("recommended", x_of(plan, inside[0]), x_of(plan, inside[-1])))
        for kind in ("word2vec_c", "recommended") if same else ("word2vec_c", "gensim", "recommended"):
            v = ref[kind]
            if v is not None and not isinstance(v, tuple) and v in shown:
                x = x_of(plan, v)
                kind_shown = "both" if same and kind == "word2vec_c" else kind
                marks.append((kind_shown, x, x if kind == "recommended" else None))
        return marks
    lo, hi = min(plan.values), max(plan.values)
    same = ref["word2vec_c"] == ref["gensim"]
    for kind in ("word2vec_c",) if same else ("word2vec_c", "gensim"):
        v = ref[kind]
        if isinstance(v, (int, float)) and not isinstance(v, bool) and lo <= v <= hi:
            marks.append(("both" if same else kind, v, None))
    r = ref["recommended"]
    if isinstance(r, tuple):
        a, b = max(lo, r[0]), min(hi, r[1])
        if a <= b:
            marks.append(("recommended", a, b))
    elif isinstance(r, (int, float)) and not isinstance(r, bool) and lo <= r <= hi:
        marks.append(("recommended", r, r))
    return marks


def _shape_x(plan: sweep_plan.SweepPlan, x, order: Sequence):
    """Where a shape (line, band) sits on the x axis: the position on a category axis, else the value (Plotly
    places shapes in data units, on a log axis too)."""
    if x is None:
        return None
    if _is_category(plan):
        return order.index(x)
    return x


def figure(rows: Sequence[dict], plan: sweep_plan.SweepPlan, metric: Optional[str]) -> go.Figure:
    """Quality, final loss, training time and words/s against the value: mean over seeds with ± 1 standard
    deviation as error bars, one colour per value of the second setting; reference values marked."""
    panels = ([metric] if metric else []) + ["final_loss", "time", "words_per_sec"]
    titles = []
    for key in panels:
        cov = coverage_text(rows, key) if sweep_scores.METRICS[key].quality else ""
        titles.append(metric_label(key) + (f"<br><sup>{cov}</sup>" if cov else ""))
    if not metric:
        titles = [t("sweep.no_quality_title")] + titles
        panels = [None] + panels
    fig = make_subplots(rows=2, cols=2, subplot_titles=titles, horizontal_spacing=0.11, vertical_spacing=0.2)
    colours = plan.colour_values or (None,)
    category = _is_category(plan)
    order = [x_of(plan, v) for v in plan.values]
    for p, key in enumerate(panels):
        r, c = p // 2 + 1, p % 2 + 1
        if key is None:
            continue
        summary = sweep_scores.summarize(rows, key)
        for ci, colour in enumerate(colours):
            pts = {s["value"]: s for s in summary if s["colour"] == colour and s["n"]}
            vals = [v for v in plan.values if v in pts]
            if not vals:
                continue
            name = value_label(plan.colour_setting, colour) if plan.colour_setting else plan.setting
            if plan.colour_setting:
                name = f"{plan.colour_setting} = {name}"
            fig.add_trace(go.Scatter(
                x=[x_of(plan, v) for v in vals], y=[pts[v]["mean"] for v in vals],
                error_y=dict(type="data", array=[pts[v]["std"] for v in vals], visible=True, thickness=1.5, width=5),
                mode="markers" if category else "lines+markers", name=name, legendgroup=str(colour),
                showlegend=p == 0 and plan.colour_setting is not None,
                marker=dict(color=PALETTE[ci % len(PALETTE)], size=8), line=dict(color=PALETTE[ci % len(PALETTE)]),
                customdata=[[pts[v]["std"], pts[v]["n"]] for v in vals],
                hovertemplate=(f"{plan.setting} = %{{x}}<br>%{{y:.4g}} ± %{{customdata[0]:.2g}}"
                               f"<br>{t('sweep.hover_seeds')} %{{customdata[1]}}<extra>%{{fullData.name}}</extra>")),
                row=r, col=c)
        if category:
            fig.update_xaxes(type="category", categoryorder="array", categoryarray=order,
                             range=[-0.5, len(order) - 0.5], row=r, col=c)
        elif _is_log(plan):
            fig.update_xaxes(type="log", tickvals=list(plan.values), ticktext=order, row=r, col=c)
        else:
            fig.update_xaxes(tickvals=list(plan.values), ticktext=order, row=r, col=c)
        for kind, x0, x1 in reference_marks(plan):
            a, b = _shape_x(plan, x0, order), _shape_x(plan, x1, order)
            if x1 is not None:
                if category:                                  # around the categories' points
                    a, b = a - 0.4, b + 0.4
                elif a == b:                                  # one recommended value: a narrow band around it
                    if _is_log(plan):
                        f = (max(plan.values) / min(plan.values)) ** 0.025
                        a, b = a / f, b * f
                    else:
                        half = 0.025 * ((max(plan.values) - min(plan.values)) or 1)
                        a, b = a - half, b + half
                fig.add_vrect(x0=a, x1=b, fillcolor=REF_COLOURS[kind], opacity=0.12, line_width=0, row=r, col=c)
            else:
                fig.add_vline(x=a, line_dash="dot" if kind == "gensim" else "dash",
                              line_color=REF_COLOURS[kind], line_width=1.5, row=r, col=c)
    fig.update_xaxes(title_text=plan.setting, title_standoff=4)
    if category and len(colours) > 1:
        fig.update_layout(scattermode="group", scattergap=0.6)      # the colours side by side at each category
    fig.update_layout(height=560, margin=dict(l=10, r=10, t=60, b=10), hovermode="closest",
                      legend=dict(orientation="h", yanchor="bottom", y=1.07, x=0, title_text=""),
                      showlegend=plan.colour_setting is not None)
    return fig


def reference_legend(plan: sweep_plan.SweepPlan) -> str:
    """Which line is which, for the marks that the figure shows ('' if none)."""
    kinds = list(dict.fromkeys(k for k, *_ in reference_marks(plan)))
    return " · ".join(t(f"sweep.mark.{k}") for k in kinds)


def plot_config(plan: sweep_plan.SweepPlan, fmt: str) -> dict:
    """Plotly's own export (the camera icon of the chart's toolbar) as PNG or SVG."""
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": fmt, "filename": f"sweep_{plan.setting}",
                                     "scale": 2 if fmt == "png" else 1, "width": 1100, "height": 650}}


def reference_card(name: str, base: dict) -> str:
    """Markdown: the setting's word2vec.c and gensim defaults, the literature's advice with its source, and the
    sidebar's value now."""
    ref = sweep_plan.reference(name, base)
    rec = ref["recommended"]
    if isinstance(rec, tuple):
        rec_text = f"{value_label(name, rec[0])}–{value_label(name, rec[1])}"
    elif rec is None:
        rec_text = t("sweep.ref_none")
    else:
        rec_text = value_label(name, rec)
    sidebar = value_label(name, base[name]) if name in base else t("sweep.ref_not_in_sidebar")
    lines = [f"**{name}**",
             f"- word2vec.c: **{value_label(name, ref['word2vec_c'])}**",
             f"- gensim: **{value_label(name, ref['gensim'])}**",
             f"- {t('sweep.ref_recommended')}: **{rec_text}**",
             f"- {t('sweep.ref_sidebar')}: **{sidebar}**",
             "",
             t(f"sweep.advice.{name}"),
             "",
             f"*{t('sweep.ref_source')}: {ref['source'].replace(sweep_plan.W2V_PAGE, t('sweep.w2v_page'))}*"]
    return "\n".join(lines)


def verdict_lines(rows: Sequence[dict], plan: sweep_plan.SweepPlan, metric: str) -> List[str]:
    """One sentence per colour: the best value and which other values are clearly worse or within the spread."""
    out = []
    for v in sweep_scores.sweep_verdict(sweep_scores.summarize(rows, metric), metric):
        best = v["best"]
        prefix = (t("sweep.verdict_colour", name=plan.colour_setting,
                    value=value_label(plan.colour_setting, v["colour"])) if plan.colour_setting else "")
        head = t("sweep.verdict_best", name=plan.setting, value=value_label(plan.setting, best["value"]),
                 mean=f"{best['mean']:.3f}", std=f"{best['std']:.3f}")
        if v["seeds"] < 2:
            tail = t("sweep.verdict_one_seed")
        elif not v["clearly"] and not v["within"]:
            tail = t("sweep.verdict_alone")
        elif not v["clearly"]:
            tail = t("sweep.verdict_none_clear")
        else:
            tail = t("sweep.verdict_clearly", values=values_label(plan.setting, v["clearly"]))
            if v["within"]:
                tail += " " + t("sweep.verdict_within", values=values_label(plan.setting, v["within"]))
        out.append(prefix + head + " " + tail)
    return out


# ================================================================ apply
def best_values(rows: Sequence[dict], plan: sweep_plan.SweepPlan, metric: str) -> Optional[dict]:
    """{setting: value} of the best point (with the colour setting's value for a 2-D sweep), or None."""
    best = sweep_scores.best_point(sweep_scores.summarize(rows, metric), metric)
    if best is None:
        return None
    out = {plan.setting: best["value"]}
    if plan.colour_setting:
        out[plan.colour_setting] = best["colour"]
    return out


def apply_plan(values: Dict[str, Any]) -> Tuple[Dict[str, Any], List[str], List[str]]:
    """What 'apply' would write: ({sidebar setting: value it will take}, [notes on values the sidebar changes],
    [settings that are not in the sidebar])."""
    now = state.current_settings()
    applied, notes, missing = {}, [], []
    for name, value in values.items():
        if name not in state.SETTING_NAMES:
            missing.append(name)
            continue
        used, _ = ui_settings.sidebar_value(name, value, now[name])
        applied[name] = used
        if used != value:
            notes.append(t("sweep.apply_clamped", name=name, value=value_label(name, value),
                           used=value_label(name, used)))
    return applied, notes, missing


def apply_to_sidebar(values: Dict[str, Any]) -> None:
    """on_click: write the values into the sidebar's widgets (they re-validate them on the next run)."""
    for name, value in values.items():
        st.session_state[state.widget_key(name)] = value
    st.session_state[APPLIED] = dict(values)


# ================================================================ tables and files
def runs_table(rows: Sequence[dict], plan: sweep_plan.SweepPlan, metrics: Sequence[str]) -> pd.DataFrame:
    """One line per finished run, in plan order: the value(s), seed, the scores and their coverage, loss, time."""
    out = []
    for r in sorted(rows, key=lambda r: r["index"]):
        line = {plan.setting: value_label(plan.setting, r["value"])}
        if plan.colour_setting:
            line[plan.colour_setting] = value_label(plan.colour_setting, r["colour"])
        line["seed"] = r["seed"]
        for m in metrics:
            line[m] = _num(r.get(m), 4)
            cov = sweep_scores.METRICS[m].coverage
            if cov:
                line[cov] = _num(r.get(cov), 3)
        line.update(final_loss=_num(r.get("final_loss"), 4), time_s=_num(r.get("time"), 3),
                    words_per_sec=_num(r.get("words_per_sec"), 0), V=r.get("V"), updates=r.get("examples"),
                    cached=bool(r.get("cached")), error=r.get("error", ""))
        out.append(line)
    return pd.DataFrame(out)


def _num(x, digits):
    if not isinstance(x, (int, float)) or isinstance(x, bool) or not math.isfinite(x):
        return None
    return round(float(x), digits) if digits else int(round(x))


def csv_bytes(rows: Sequence[dict], plan: sweep_plan.SweepPlan, corpus: sweep_scores.SweepCorpus) -> bytes:
    """The sweep as CSV: one line per run with every number the engine measured, the corpus and every setting."""
    out = []
    base = plan.base_settings
    for r in sorted(rows, key=lambda r: r["index"]):
        line = {"corpus": corpus.label, "swept": plan.setting, "value": r["value"],
                "colour_setting": plan.colour_setting or "", "colour_value": "" if r["colour"] is None else r["colour"],
                "seed": r["seed"]}
        line.update({k: v for k, v in r.items() if k not in ("index", "value", "colour", "seed")})
        line.update({f"setting_{k}": v for k, v in base.items() if k not in (plan.setting, plan.colour_setting)})
        line["strategy"] = plan.strategy
        out.append(line)
    buf = io.StringIO()
    pd.DataFrame(out).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def status_line(snap: dict, plan: sweep_plan.SweepPlan) -> str:
    cached = sum(bool(r.get("cached")) for r in snap["rows"])
    return t("sweep.status", done=snap["done"], total=snap["total"], cached=cached, seconds=f"{snap['elapsed']:.1f}",
             strategy=t(f"sweep.strategy.{plan.strategy}"))


def failed_runs(rows: Sequence[dict], plan: sweep_plan.SweepPlan) -> List[str]:
    out = []
    for r in sorted(rows, key=lambda r: r["index"]):
        if r.get("status") == "error":
            what = f"{plan.setting} = {value_label(plan.setting, r['value'])}"
            if plan.colour_setting:
                what += f", {plan.colour_setting} = {value_label(plan.colour_setting, r['colour'])}"
            out.append(t("sweep.failed_run", what=what, seed=r["seed"], error=engine_message(r.get("error", ""))))
    return out
