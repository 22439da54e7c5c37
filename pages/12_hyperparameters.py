"""Hyperparameters: sweep one setting (optionally a second as colour) over seeds; see quality, loss and time move."""

import streamlit as st

from ui import state
from ui import sweep as ui
from ui.i18n import engine_message, t

state.ensure_app_entry()
st.title(t("sweep.title"))
st.markdown(t("sweep.intro"))

# ---------------------------------------------------------------- what to sweep
with st.container(border=True):
    plan, corpus_name, problems = ui.read_plan()
    start_error = None
    if ui.start_requested() and plan is not None:
        try:
            ui.start(plan, ui.make_corpus(corpus_name))
        except (ValueError, KeyError) as e:
            start_error = t("sweep.corpus_error", error=engine_message(str(e)))
    job = ui.current_job()
    running = job is not None and job.running
    go_col, opt_col, info_col = st.columns([1, 0.8, 3.2], vertical_alignment="center")
    ui.strategy_widget(opt_col)
    go_col.button(t("sweep.run"), type="primary", key=ui.PREFIX + "run", icon=":material/play_arrow:",
                  disabled=plan is None or running, help=t("sweep.run_help"), on_click=ui.request_start)
    for msg in problems:
        info_col.error(msg, icon=":material/error:")
    if plan is not None:
        info_col.caption(ui.plan_caption(plan))
        note = ui.compile_note(plan)
        if note:
            info_col.caption(note)

if start_error:
    st.error(start_error, icon=":material/error:")
applied = st.session_state.pop(ui.APPLIED, None)
if applied:
    st.success(t("sweep.applied", values=", ".join(f"{k} = {ui.value_label(k, v)}" for k, v in applied.items())),
               icon=":material/check:")

# ---------------------------------------------------------------- the sweep running, or its results
METRIC_KEY = ui.PREFIX + "metric"
if job is None:
    left, right = st.columns([3, 1.1])
    left.info(t("sweep.nothing_yet"), icon=":material/tune:")
    if plan is not None:
        right.markdown(ui.reference_card(plan.setting, plan.base_settings))
    st.stop()

if running:
    ui.show_running(job, METRIC_KEY)
    st.stop()

snap = job.snapshot()
rows, plan_done, corpus = snap["rows"], job.plan, job.corpus
st.subheader(t("sweep.results_title", name=plan_done.setting, corpus=corpus.label))
st.caption(ui.status_line(snap, plan_done))
if snap["state"] == "stopped":
    st.warning(t("sweep.stopped", done=snap["done"], total=snap["total"]), icon=":material/stop_circle:")
if snap["state"] == "failed":
    st.error(t("sweep.failed", error=engine_message(snap["error"])))
failed = ui.failed_runs(rows, plan_done)
if failed:
    st.warning("\n".join(f"- {f}" for f in failed))
if plan is not None and plan != plan_done:
    st.caption(t("sweep.controls_changed"))
if not rows:
    st.stop()

verdict_box = st.container()          # the verdict first (above the fold), for the measure chosen below it
metrics = ui.available_metrics(rows, corpus)
c1, c2 = st.columns([2, 1])
metric = ui.metric_select(c1, metrics, METRIC_KEY)
if metric is None:
    c1.warning(t("sweep.no_quality"))
fmt = c2.radio(t("sweep.format_label"), ["png", "svg"], format_func=str.upper, horizontal=True,
               key=ui.PREFIX + "format", help=t("sweep.format_help"))
if metric:
    for line in ui.verdict_lines(rows, plan_done, metric):
        verdict_box.markdown(f"**{t('sweep.verdict')}** " + line)

fig_col, ref_col = st.columns([3, 1.1])
fig_col.plotly_chart(ui.figure(rows, plan_done, metric), key=ui.PREFIX + "fig", config=ui.plot_config(plan_done, fmt))
legend = ui.reference_legend(plan_done)
fig_col.caption(t("sweep.figure_caption") + (" " + legend if legend else ""))
ref_col.markdown(ui.reference_card(plan_done.setting, plan_done.base_settings))
if plan_done.colour_setting:
    ref_col.divider()
    ref_col.markdown(ui.reference_card(plan_done.colour_setting, plan_done.base_settings))

# ---------------------------------------------------------------- apply the best value, download
if metric:
    best = ui.best_values(rows, plan_done, metric)
    if best:
        to_apply, notes, missing = ui.apply_plan(best)
        a1, a2 = st.columns([1.6, 2])
        if to_apply:
            a1.button(t("sweep.apply", values=", ".join(f"{k} = {ui.value_label(k, v)}" for k, v in best.items()
                                                        if k in to_apply)),
                      key=ui.PREFIX + "apply", on_click=ui.apply_to_sidebar, args=(to_apply,),
                      icon=":material/input:", help=t("sweep.apply_help", metric=ui.metric_label(metric)))
        for n in notes:
            a2.caption(n)
        for name in missing:
            a2.info(t("sweep.apply_not_sidebar", name=name, value=ui.value_label(name, best[name])))

st.download_button(t("sweep.download_csv"), ui.csv_bytes(rows, plan_done, corpus),
                   file_name=f"sweep_{plan_done.setting}.csv", mime="text/csv", key=ui.PREFIX + "csv",
                   icon=":material/download:")
with st.expander(t("sweep.table_title", n=len(rows))):
    st.dataframe(ui.runs_table(rows, plan_done, metrics), hide_index=True, width="stretch")
st.caption(ui.settings_caption(plan_done) + " " + t("sweep.loss_note"))
