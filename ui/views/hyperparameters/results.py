"""The Hyperparameters page's results: the sweep running (live), then its figure, verdict, apply and download.

What it does: while the job runs, a fragment redrawn every half second (progress, Stop, the figure so far);
then the figure with the reference values, a verdict per colour (the best value and which others are
clearly worse or within the seed-to-seed spread), a button that applies the best value to the sidebar,
the CSV download and the table of runs.
What it does not do: run or summarise the sweep (lessons/sweep/), or keep anything outside st.session_state.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import pandas as pd
import streamlit as st

from lessons.sweep import plan as sweep_plan
from lessons.sweep import run as sweep_run
from lessons.sweep import saved as sweep_saved
from lessons.sweep import scores as sweep_scores
from ui import settings as ui_settings
from ui import state, uploads
from ui.charts import sweep as sweep_charts
from ui.charts.sweep import metric_label, trial_text, value_label, values_label
from ui.choices import choice
from ui.i18n import engine_message, t
from ui.views.hyperparameters.controls import (APPLIED, HISTORY, PREFIX, SHOWN, progress_text, settings_caption,
                                               sweep_name)

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
            st.plotly_chart(sweep_charts.figure(snap["rows"], job.plan, metric), key=PREFIX + "live_fig",
                            config=sweep_charts.plot_config(job.plan, "png"))

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



def reference_card(name: str, base: dict) -> str:
    """Markdown: the setting's word2vec.c and gensim defaults, the literature's advice with its source, and the
    sidebar's value now (read at drawing time: after Apply it is the applied value)."""
    ref = sweep_plan.reference(name, base)
    now = state.current_settings()                       # the model's settings and the corpus's (segmenter)
    rec = ref["recommended"]
    if isinstance(rec, tuple):
        rec_text = f"{value_label(name, rec[0])}–{value_label(name, rec[1])}"
    elif rec is None:
        rec_text = t("sweep.ref_none")
    else:
        rec_text = value_label(name, rec)
    sidebar = value_label(name, now[name]) if name in now else t("sweep.ref_not_in_sidebar")
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
    if plan.is_random:
        return random_verdict_lines(rows, plan, metric)
    out = []
    for v in sweep_scores.sweep_verdict(sweep_scores.summarize(rows, metric), metric):
        best = v["best"]
        prefix = (t("sweep.verdict_colour", name=plan.colour_setting,
                    value=value_label(plan.colour_setting, v["colour"])) if plan.colour_setting else "")
        head = t("sweep.verdict_best", name=plan.setting, value=value_label(plan.setting, best["value"]),
                 mean=f"{best['mean']:.3f}", std=f"{best['std']:.3f}")
        out.append(prefix + head + " " + verdict_tail(v, lambda values: values_label(plan.setting, values)))
    return out


def verdict_tail(v: dict, label: Callable) -> str:
    """What a verdict says after the best value: one seed, nothing else, none clearly worse, or the values
    (label(values) names them) clearly worse and those within the seed-to-seed spread."""
    if v["seeds"] < 2:
        return t("sweep.verdict_one_seed")
    if not v["clearly"] and not v["within"]:
        return t("sweep.verdict_alone")
    if not v["clearly"]:
        return t("sweep.verdict_none_clear")
    tail = t("sweep.verdict_clearly", values=label(v["clearly"]))
    if v["within"]:
        tail += " " + t("sweep.verdict_within", values=label(v["within"]))
    return tail


def random_verdict_lines(rows: Sequence[dict], plan: sweep_plan.SweepPlan, metric: str) -> List[str]:
    """A random search's verdict: the best trial (its settings, mean ± sd over seeds), the trials clearly worse and
    those within the seed-to-seed spread, and what a random search cannot know (the combinations not drawn)."""
    out = []
    for v in sweep_scores.sweep_verdict(sweep_scores.summarize(rows, metric), metric):
        best = v["best"]
        head = t("sweep.verdict_trial", k=best["value"], settings=trial_text(plan, best["value"]),
                 mean=f"{best['mean']:.3f}", std=f"{best['std']:.3f}")
        out.append(head + " " + verdict_tail(v, trial_numbers) + " " + t("sweep.random_note", trials=len(plan.trials), combos=plan.combinations))
    return out


def trial_numbers(ks: Sequence[int]) -> str:
    return ", ".join(f"#{k}" for k in sorted(ks))


# ================================================================ apply
def best_values(rows: Sequence[dict], plan: sweep_plan.SweepPlan, metric: str) -> Optional[dict]:
    """{setting: value} of the best point (with the colour setting's value for a 2-D sweep), or None."""
    best = sweep_scores.best_point(sweep_scores.summarize(rows, metric), metric)
    if best is None:
        return None
    if plan.is_random:
        return plan.trial(best["value"])
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
        if name == "segmenter":                          # the Corpus page's choice, kept with the sidebar's
            applied[name] = ui_settings.segmenter_value(value, now[name])[0]
            continue
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
        line = ({t("sweep.trial"): f"#{r['value']}", **{k: value_label(k, v) for k, v in plan.trial(r["value"]).items()}}
                if plan.is_random else {plan.setting: value_label(plan.setting, r["value"])})
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
    """The sweep as CSV (lessons.sweep.saved.to_csv: the page re-opens it)."""
    return sweep_saved.to_csv(rows, plan, corpus.label)


def status_line(snap: dict, plan: sweep_plan.SweepPlan) -> str:
    cached = sum(bool(r.get("cached")) for r in snap["rows"])
    return t("sweep.status", done=snap["done"], total=snap["total"], cached=cached, seconds=f"{snap['elapsed']:.1f}",
             strategy=t(f"sweep.strategy.{plan.strategy}"))


def failed_runs(rows: Sequence[dict], plan: sweep_plan.SweepPlan) -> List[str]:
    out = []
    for r in sorted(rows, key=lambda r: r["index"]):
        if r.get("status") in ("error", "blown"):
            what = (f"#{r['value']} ({trial_text(plan, r['value'])})" if plan.is_random
                    else f"{plan.setting} = {value_label(plan.setting, r['value'])}")
            if plan.colour_setting:
                what += f", {plan.colour_setting} = {value_label(plan.colour_setting, r['colour'])}"
            key = "sweep.failed_run" if r.get("status") == "error" else "sweep.blown_run"
            out.append(t(key, what=what, seed=r["seed"], error=engine_message(r.get("error", ""))))
    return out


# ================================================================ what the page draws, in order
METRIC_KEY = PREFIX + "metric"


def applied_message() -> None:
    """What the last 'apply' wrote to the sidebar (once)."""
    applied = st.session_state.pop(APPLIED, None)
    if applied:
        st.success(t("sweep.applied", values=", ".join(f"{k} = {value_label(k, v)}" for k, v in applied.items())),
                   icon=":material/check:")


def job_section(job: Optional[sweep_run.SweepJob], plan: Optional[sweep_plan.SweepPlan]) -> None:
    """The sweep running (redrawn live), or its results; before any sweep, the reference card of the setting
    chosen (plan: what the controls describe now, None when they describe nothing valid)."""
    if job is None:
        left, right = st.columns([3, 1.1])
        left.info(t("sweep.nothing_yet"), icon=":material/tune:")
        if plan is not None:
            right.markdown("\n\n---\n\n".join(reference_card(n, plan.base_settings) for n in carded(plan)))
        return
    if job.running:
        show_running(job, METRIC_KEY)
        return
    job = history_picker(job)
    snap = job.snapshot()
    rows, plan_done, corpus = snap["rows"], job.plan, job.corpus
    st.subheader(t("sweep.results_title_random", settings=", ".join(plan_done.searched), corpus=corpus.label)
                 if plan_done.is_random else t("sweep.results_title", name=plan_done.setting, corpus=corpus.label))
    st.caption(t("sweep.reopened", name=job.source, n=snap["done"]) if job.source else status_line(snap, plan_done))
    if snap["state"] == "stopped":
        st.warning(t("sweep.stopped", done=snap["done"], total=snap["total"]), icon=":material/stop_circle:")
    if snap["state"] == "failed":
        st.error(t("sweep.failed", error=engine_message(snap["error"])))
    failed = failed_runs(rows, plan_done)
    if failed:
        st.warning("\n".join(f"- {f}" for f in failed))
    if plan is not None and not same_runs(plan, plan_done):
        st.caption(t("sweep.controls_changed"))
    if rows:
        results(rows, plan_done, corpus, stopped=snap["state"] == "stopped")


def history_picker(latest: sweep_run.SweepJob) -> sweep_run.SweepJob:
    """With earlier sweeps in this session, a chooser of the one to show (the latest first); returns it."""
    earlier = st.session_state.get(HISTORY) or []
    if not earlier:
        return latest
    jobs = [latest] + earlier

    def label(i: int) -> str:
        job = jobs[i]
        name = t("sweep.history_latest") if i == 0 else t("sweep.history_earlier", k=i)
        return f"{name}: {sweep_name(job.plan)} · {job.corpus.label} · {len(job.plan.runs())} runs"

    shown = choice(st.selectbox, t("sweep.history_label"), list(range(len(jobs))), label, SHOWN, default=0,
                   help=t("sweep.history_help"))
    return jobs[shown]


def results(rows: Sequence[dict], plan: sweep_plan.SweepPlan, corpus: sweep_scores.SweepCorpus,
            stopped: bool = False) -> None:
    """The verdict (above the fold), the measure and the figure's format, the figure with the reference cards,
    apply the best value, the CSV and the table of runs."""
    verdict_box = st.container()          # the verdict first (above the fold), for the measure chosen below it
    rows = sweep_scores.on_common_items(rows)          # every run scored on the items every run covers
    metrics = available_metrics(rows, corpus)
    c1, c2 = st.columns([2, 1])
    metric = metric_select(c1, metrics, METRIC_KEY)
    if metric is None:
        c1.warning(t("sweep.no_quality"))
    fmt = c2.radio(t("sweep.format_label"), ["png", "svg"], format_func=str.upper, horizontal=True,
                   key=PREFIX + "format", help=t("sweep.format_help"))
    if metric:
        for line in verdict_lines(rows, plan, metric):
            verdict_box.markdown(f"**{t('sweep.verdict')}** " + line)
        common = next((r.get(f"{metric}_common") for r in rows if r.get(f"{metric}_common") is not None), None)
        if common is not None:
            verdict_box.caption(t("sweep.common_items", n=common, metric=metric_label(metric)))

    fig_col, ref_col = st.columns([3, 1.1])
    fig_col.plotly_chart(sweep_charts.figure(rows, plan, metric), key=PREFIX + "fig",
                         config=sweep_charts.plot_config(plan, fmt))
    legend = sweep_charts.reference_legend(plan)
    fig_col.caption(t("sweep.figure_caption") + (" " + legend if legend else ""))
    for i, name in enumerate(carded(plan)):
        if i:
            ref_col.divider()
        ref_col.markdown(reference_card(name, plan.base_settings))
    if metric:
        apply_best(rows, plan, metric, stopped)
    st.download_button(t("sweep.download_csv"), csv_bytes(rows, plan, corpus),
                       file_name=f"sweep_{plan.setting}_{corpus_stem(corpus)}.csv", mime="text/csv",
                       key=PREFIX + "csv",
                       icon=":material/download:")
    with st.expander(t("sweep.table_title", n=len(rows))):
        st.dataframe(runs_table(rows, plan, metrics), hide_index=True, width="stretch")
    st.caption(settings_caption(plan) + " " + t("sweep.loss_note"))


def carded(plan: sweep_plan.SweepPlan) -> List[str]:
    """The settings whose reference card the page shows: the swept one(s), or those a random search draws."""
    if plan.is_random:
        return list(plan.searched)
    return [plan.setting] + ([plan.colour_setting] if plan.colour_setting else [])


def same_runs(a: sweep_plan.SweepPlan, b: sweep_plan.SweepPlan) -> bool:
    """Whether two plans train the same runs (a swept setting's value in the base does not matter: Apply writes
    the best value to the sidebar, which changes the base but not one run)."""
    return [(r.settings, r.seed) for r in a.runs()] == [(r.settings, r.seed) for r in b.runs()]


def apply_best(rows: Sequence[dict], plan: sweep_plan.SweepPlan, metric: str, stopped: bool = False) -> None:
    """A button that writes the best value(s) into the sidebar, with what the sidebar would change or lacks."""
    best = best_values(rows, plan, metric)
    if not best:
        return
    to_apply, notes, missing = apply_plan(best)
    a1, a2 = st.columns([1.6, 2])
    if to_apply:
        a1.button(t("sweep.apply_short"), key=PREFIX + "apply", on_click=apply_to_sidebar, args=(to_apply,),
                  icon=":material/input:", help=t("sweep.apply_help", metric=metric_label(metric)),
                  use_container_width=True)
        a1.caption(", ".join(f"{k} = {value_label(k, v)}" for k, v in best.items() if k in to_apply))
        seeds = min((s["n"] for s in sweep_scores.summarize(rows, metric)), default=0)
        if seeds < 2 or stopped:                       # a best value without a spread to judge it by
            a2.warning(t("sweep.apply_caution", seeds=seeds) if seeds < 2 else t("sweep.apply_stopped"),
                       icon=":material/warning:")
    for n in notes:
        a2.caption(n)
    for name in missing:
        a2.info(t("sweep.apply_not_sidebar", name=name, value=value_label(name, best[name])))


def corpus_stem(corpus: sweep_scores.SweepCorpus) -> str:
    """The swept corpus as a file name part ("royalty", "upload_my_text", "lee_background")."""
    kind, _, name = corpus.key.partition(":")
    name = name.split("|")[0]                           # the key's other parts: segmenter, own lists
    return state.corpus_file_stem(uploads.upload_choice(name) if kind == "upload" else corpus.label if kind == "planted"
                                  else name)

