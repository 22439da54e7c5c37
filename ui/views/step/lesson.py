"""The Step page's lesson around one update: the set-up line, the numbers that move, the loss and a watched pair.

What it does: the stepping set-up and its one-click switch to word2vec's defaults, the example of the latest
update in one sentence, the lesson's numbers (this example's loss and target probability before and after
its update, the running mean of the loss, a watched pair's probability after every update) and their two
charts.
What it does not do: step the model (ui/stepping.py), compute the running mean or a pair's probability
(lessons.steps), or draw the update's parts (ui/views/step/sections.py).
"""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np
import streamlit as st

from engine import Config, Word2Vec
from lessons.steps import RUNNING, WATCH_HORIZON, loss_summary, running_mean
from ui import state
from ui.charts import step as step_charts
from ui.i18n import t as tr
from ui.settings import APP_CONFIG
from ui.stepping import current_trace, watch_most_repeated, watch_state, watch_this_step, words

CHART_POINTS = 1_000         # the loss and watch charts show at most the last 1000 updates

# The two set-ups the Step page switches between (only these settings change; the rest of the sidebar stays).
# word2vec's: the engine's Config defaults, which are gensim's (alpha 0.025, W_in in +-1/d).
SETUPS: Dict[str, Dict[str, float]] = {
    "stepping": {"alpha": APP_CONFIG.alpha, "init_scale": APP_CONFIG.init_scale},
    "word2vec": {"alpha": Config().alpha, "init_scale": Config().init_scale},
}


# ------------------------------------------------------------------------------------------ set-up
def setup_name(settings: dict) -> Optional[str]:
    """"stepping", "word2vec" or None (neither): which of SETUPS the sidebar's settings match."""
    for name, values in SETUPS.items():
        if all(np.isclose(float(settings[k]), v) for k, v in values.items()):
            return name
    return None


def apply_setup(name: str) -> None:
    """Callback: write the set-up's values into the sidebar's widgets (before the sidebar is drawn again)."""
    for setting, value in SETUPS[name].items():
        st.session_state[state.widget_key(setting)] = value


def setup_panel(model: Word2Vec, intro: str = "") -> None:
    """One line naming the set-up (corpus, d, alpha, init scale) under `intro`, and a popover: why, and the
    one-click switch between the stepping set-up and word2vec's defaults."""
    settings = state.current_settings()
    which = setup_name(settings)
    label = tr(f"step.setup.label_{which or 'custom'}")
    left, right = st.columns([5, 2], vertical_alignment="center")
    if intro:
        left.caption(intro)
    left.markdown(tr("step.setup.line", label=label, corpus=settings["corpus"], d=model.vector_size,
                     alpha=f"{settings['alpha']:g}", scale=f"{settings['init_scale']:g}"))
    with right.popover(tr("step.setup.why_button"), icon=":material/tune:", width="stretch"):
        st.markdown(tr("step.setup.why", alpha=f"{SETUPS['stepping']['alpha']:g}",
                       scale=f"{SETUPS['stepping']['init_scale']:g}", w2v_alpha=f"{SETUPS['word2vec']['alpha']:g}",
                       w2v_scale=f"{SETUPS['word2vec']['init_scale']:g}"))
        c1, c2 = st.columns(2)
        c1.button(tr("step.setup.use_word2vec"), key="step_setup_word2vec", on_click=apply_setup,
                  args=("word2vec",), disabled=which == "word2vec", width="stretch")
        c2.button(tr("step.setup.use_stepping"), key="step_setup_stepping", on_click=apply_setup,
                  args=("stepping",), disabled=which == "stepping", width="stretch")
        st.caption(tr("step.setup.note_loses", n=f"{model.step_count:,}") if model.step_count
                   else tr("step.setup.note"))


# ------------------------------------------------------------------------------------------ the lesson's numbers
def _f(x: float, digits: int) -> str:
    return f"{x:.{digits}f}"


def lesson_numbers(model: Word2Vec, t) -> None:
    """This example's loss and target probability before -> after its update, the running loss, the watched pair."""
    history = st.session_state.get(state.HISTORY) or []
    summary = loss_summary(history)
    w = watch_state(model)
    cols = st.columns(4)
    if t is not None:
        target = words(model, [t.target])[0]
        cols[0].metric(tr("step.m.loss"), _f(t.loss_after, 3), delta_color="inverse", help=tr("step.m.loss_help"),
                       delta=tr("step.m.from", change=f"{t.loss_after - t.loss:+.3f}", before=_f(t.loss, 3)))
        cols[1].metric(tr(f"step.m.prob_{t.objective}", target=target), _f(t.target_prob_after, 3),
                       delta=tr("step.m.from", change=f"{t.target_prob_after - t.target_prob:+.4f}",
                                before=_f(t.target_prob, 3)),
                       help=tr(f"step.m.prob_help_{t.objective}"))
    else:
        cols[0].metric(tr("step.m.loss"), "–", help=tr("step.m.loss_help"))
        cols[1].metric(tr("step.m.prob_none"), "–")
    if summary is not None:
        n = min(RUNNING, summary["n"])
        delta = None
        if summary["n"] > RUNNING:
            change = summary["last"] - summary["first"]
            delta = tr("step.m.running_delta", change=f"{change:+.3f}", pct=signed_percent(change / summary['first']),
                       n=RUNNING)
        cols[2].metric(tr("step.m.running", n=n), _f(summary["last"], 3), delta=delta, delta_color="inverse",
                       help=tr("step.m.running_help", n=RUNNING))
    else:
        cols[2].metric(tr("step.m.running", n=RUNNING), "–", help=tr("step.m.running_help", n=RUNNING))
    if w.get("pair") is not None:
        source, target = words(model, w["pair"])
        p0, p1 = w["probs"][0], w["probs"][-1]
        cols[3].metric(tr("step.m.watch", source=source, target=target), _f(p1, 3),
                       delta=f"{p1 - p0:+.3f}" if len(w["probs"]) > 1 else None,
                       help=tr("step.m.watch_help", n=len(w["hits"])))


def lesson_charts(model: Word2Vec) -> None:
    """Left: the loss of each update and its running mean. Right: the watched pair's probability."""
    history = (st.session_state.get(state.HISTORY) or [])[-CHART_POINTS - RUNNING:]
    w = watch_state(model)
    left, right = st.columns(2)
    if history:
        steps = [r["step"] for r in history]
        losses = [r["loss"] for r in history]
        running = running_mean(losses)
        cut = max(0, len(steps) - CHART_POINTS)
        left.plotly_chart(step_charts.loss_chart(
            steps[cut:], losses[cut:], running[cut:], title=tr("step.chart.loss_title", n=RUNNING),
            loss_name=tr("step.chart.loss_name"), running_name=tr("step.chart.running_name", n=RUNNING),
            x_title=tr("step.chart.step"), y_title=tr("step.chart.loss")), key="step_loss_chart")
    else:
        left.caption(tr("step.chart.loss_empty"))
    with right:
        if w.get("pair") is None:
            st.caption(tr("step.watch.none"))
        else:
            source, target = words(model, w["pair"])
            steps, probs = w["steps"][-CHART_POINTS:], w["probs"][-CHART_POINTS:]
            shown = set(steps)
            hits = [s for s in w["hits"] if s in shown]
            at = dict(zip(steps, probs))
            st.plotly_chart(step_charts.watch_chart(
                steps, probs, hits, [at[s] for s in hits],
                title=tr("step.watch.title", source=source, target=target),
                line_name=tr("step.watch.line_name"), hit_name=tr("step.watch.hit_name"),
                x_title=tr("step.chart.step"), y_title=tr(f"step.watch.y_{model.objective}")),
                key="step_watch_chart")
    if w.get("pair") is not None:
        source, target = words(model, w["pair"])
        c1, c2, c3 = st.columns([4, 2, 2], vertical_alignment="center")
        what = tr("step.watch.ahead", n=w["ahead"], horizon=WATCH_HORIZON) if w.get("ahead") else tr("step.watch.chosen")
        c1.caption(tr("step.watch.caption", source=source, target=target, what=what, hits=len(w["hits"]))
                   + (" " + tr("step.watch.cbow") if model.architecture == "cbow" else ""))
        c2.button(tr("step.watch.this_step"), key="step_watch_this", on_click=watch_this_step,
                  disabled=current_trace(model) is None, width="stretch")
        c3.button(tr("step.watch.most_repeated"), key="step_watch_auto", on_click=watch_most_repeated,
                  width="stretch")


def describe_example(model: Word2Vec, t) -> None:
    """One sentence in words: which example this step trained on."""
    ctx = ", ".join(words(model, t.context))
    center = words(model, [t.center])[0]
    target = words(model, [t.target])[0]
    if t.architecture == "skipgram" and getattr(model, "skipgram_input", "center") == "center":
        text = tr("step.example.skipgram", center=center, target=target, context=ctx)
    elif t.architecture == "skipgram":
        text = tr("step.example.skipgram_context", source=words(model, t.inputs)[0], target=target, center=center,
                  context=ctx)
    else:
        text = tr("step.example.cbow", context=ctx, target=target)
    st.markdown(text + " " + tr("step.example.where", step=t.step, epoch=t.epoch + 1, lr=f"{t.lr:.5f}"))


def signed_percent(x: float) -> str:
    """A relative change with enough digits to be honest: "-12%", "-0.6%", "+0.04%" (never "-0%").

    >>> signed_percent(-0.12), signed_percent(-0.006), signed_percent(0.0004), signed_percent(0.0)
    ('-12%', '-0.6%', '+0.04%', '0%')
    """
    p = 100.0 * x
    if p == 0:
        return "0%"
    digits = next((d for d, bound in ((0, 1.0), (1, 0.1), (2, 0.01)) if abs(p) >= bound), 3)
    return f"{p:+.{digits}f}%"
