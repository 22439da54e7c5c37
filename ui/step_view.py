"""Stepping the session's model from the pages, and drawing one StepTrace and what it taught.

What it does: the Next / Next 10 / Next 100 / Undo buttons (as callbacks, so the page already sees the
new state when it draws), stopping at the end of the planned training (a new round only when asked),
the step history (summary rows only, never whole traces), the lesson's numbers (this example's loss and
target probability before and after its update, the running mean of the loss, a watched pair's
probability after every update), the stepping set-up and its one-click switch to word2vec's defaults,
and the sections that draw one update: the input rows and h, the scores and probabilities, the loss,
the gradients, and the rows before and after.
What it does not do: the model's maths (the engine computes every number; here only means of the
history and one forward pass of a watched pair, through the model's own UpdateRule).

A caught error (a diverging learning rate, a stream with no examples) is kept in
st.session_state[state.STEP_ERROR] and shown by step_buttons(); the model keeps its last good weights.
Every text comes from ui/texts/<lang>/step.toml through t().
"""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd
import streamlit as st

from engine import Config, TrainingDiverged, Word2Vec
from lessons import objectives as objective_lessons
from lessons import steps as step_lessons
from ui import state
from ui.charts import figures, style
from ui.charts.lesson import heatmap
from ui.charts import step as step_charts
from ui.choices import choice
from ui.i18n import engine_message, t as tr
from ui.jobs import heavy_job, is_heavy_step
from ui.settings import APP_CONFIG

HISTORY_MAX = 5_000          # summary rows kept for the history table (the oldest are dropped)
WHOLE_MATRIX_MAX_V = 40      # draw the whole W_in / W_out when the vocabulary is at most this big
SOFTMAX_BARS_MAX = 130       # softmax: a bar for every word up to this V, else the most probable ones
RUNNING = 100                # updates in the running mean of the loss
WATCH_HORIZON = 300          # the pair watched by default: the one the next 300 examples train most often
WATCH_MAX_POINTS = 5_000     # points kept for the watched pair's curve
CHART_POINTS = 1_000         # the loss and watch charts show at most the last 1000 updates

# The two set-ups the Step page switches between (only these settings change; the rest of the sidebar stays).
# word2vec's: the engine's Config defaults, which are gensim's (alpha 0.025, W_in in +-1/d).
SETUPS: Dict[str, Dict[str, float]] = {
    "stepping": {"alpha": APP_CONFIG.alpha, "init_scale": APP_CONFIG.init_scale},
    "word2vec": {"alpha": Config().alpha, "init_scale": Config().init_scale},
}


# ------------------------------------------------------------------------------------------ page header
def page_model() -> Word2Vec:
    """This session's model for a page; shows a failed rebuild's message; stops the page if there is none."""
    model = state.get_model()
    err = st.session_state.get(state.MODEL_ERROR)
    if err:
        st.error(engine_message(err))
    if model is None:
        st.info(tr("step.no_model"))
        st.stop()
    return model


def objective_name(name: str) -> str:
    """The objective's display name in the session's language: 'negative_sampling' -> 'negative sampling' / '负采样'."""
    return tr(f"step.names.{name}")


def architecture_name(name: str) -> str:
    return tr(f"step.names.{name}")


def objective_switch(model: Word2Vec, objective: str, key: str, why: str) -> bool:
    """True when the model trains with `objective`; otherwise say which objective it uses (then `why`)
    and offer a button that switches the sidebar's objective (pages 05 and 06 share this)."""
    if model.objective == objective:
        return True
    c1, c2 = st.columns([3, 1])
    c1.info(tr("step.switch_uses", name=objective_name(model.objective)) + why)
    c2.button(tr("step.switch_to", name=objective_name(objective)), on_click=state.set_objective,
              args=(objective,), key=key, type="primary")
    return False


def words(model: Word2Vec, ids) -> List[str]:
    keys = model.vocab.index_to_key
    return [keys[int(i)] for i in ids]


def current_trace(model: Word2Vec):
    """The StepTrace of the model's latest update, or None (no step yet, or the model moved on since)."""
    t = st.session_state.get(state.LAST_TRACE)
    if t is None or t.step != model.step_count or t.objective != model.objective:
        return None
    return t


# ------------------------------------------------------------------------------------------ stepping
def summary_row(model: Word2Vec, t) -> dict:
    """One row of the history table: what was fed in, what was predicted, the loss before and after.

    Column names are stable keys (the table's headers are translated when it is drawn)."""
    row = {"step": t.step, "epoch": t.epoch + 1, "lr": round(t.lr, 6),
           "inputs": " ".join(words(model, t.inputs)), "target": words(model, [t.target])[0],
           "loss": round(t.loss, 5), "loss_after": round(t.loss_after, 5),
           "p_target": round(t.target_prob, 5), "p_target_after": round(t.target_prob_after, 5)}
    if t.objective == "negative_sampling":
        row["negatives"] = " ".join(words(model, t.negatives))
    elif t.objective == "hierarchical_softmax":
        row["code"] = "".join(str(b) for b in t.code)
    return row


def run_steps(n: int, new_round: bool = False) -> None:
    """Callback: up to n updates of the session's model, one history row each; errors are kept for display.

    Stops at the end of the planned training (model.training_complete): a new round (the learning rate
    starting again at alpha) begins only with new_round=True, i.e. when the user pressed "Start a new round".
    """
    model = st.session_state.get(state.MODEL)
    if model is None:
        return
    history = st.session_state.setdefault(state.HISTORY, [])
    st.session_state[state.STEP_ERROR] = None
    watch = watch_state(model)
    # full softmax over a large vocabulary touches all V rows of W_out per update: one server-wide slot
    slot = heavy_job("softmax_step") if is_heavy_step(model.objective, len(model.vocab)) else nullcontext()
    try:
        with slot:
            for i in range(n):
                if model.training_complete and not (new_round and i == 0):
                    break
                t = model.step()
                history.append(summary_row(model, t))
                st.session_state[state.LAST_TRACE] = t
                watch_record(model, watch, t)
    except TrainingDiverged as e:
        st.session_state[state.STEP_ERROR] = tr("step.error_diverged", error=engine_message(str(e)),
                                                step=model.step_count)
    except (ValueError, FloatingPointError, RuntimeError) as e:
        st.session_state[state.STEP_ERROR] = tr("step.error_update", error=engine_message(str(e)))
    if len(history) > HISTORY_MAX:
        del history[: len(history) - HISTORY_MAX]


def undo_step() -> None:
    """Callback: rewind the last update (the engine keeps the rows of the last 100 updates)."""
    model = st.session_state.get(state.MODEL)
    st.session_state[state.STEP_ERROR] = None
    if model is None or not model.can_undo:
        st.session_state[state.STEP_ERROR] = tr("step.error_undo")
        return
    undone = model.step_count
    st.session_state[state.LAST_TRACE] = step_lessons.undo_and_retrace(model)
    history = st.session_state.get(state.HISTORY) or []
    if history and history[-1]["step"] == undone:
        history.pop()
    watch_trim(model)


def step_buttons(prefix: str) -> None:
    """The Next / Next 10 / Next 100 / Undo row, with the model's position, the last error, and, once the
    planned epochs are done, the notice that training is complete with a "Start a new round" button."""
    model = st.session_state.get(state.MODEL)
    done = model is not None and model.training_complete
    cols = st.columns([1, 1, 1.15, 1, 3])
    cols[0].button(tr("step.next"), key=f"{prefix}_next", on_click=run_steps, args=(1,), type="primary",
                   icon=":material/play_arrow:", help=tr("step.next_help"), width="stretch", disabled=done)
    cols[1].button(tr("step.next10"), key=f"{prefix}_next10", on_click=run_steps, args=(10,), width="stretch",
                   icon=":material/fast_forward:", disabled=done)
    cols[2].button(tr("step.next100"), key=f"{prefix}_next100", on_click=run_steps, args=(100,), width="stretch",
                   icon=":material/skip_next:", disabled=done)
    cols[3].button(tr("step.undo"), key=f"{prefix}_undo", on_click=undo_step, width="stretch",
                   icon=":material/undo:", disabled=model is None or not model.can_undo, help=tr("step.undo_help"))
    if model is not None:
        cols[4].markdown(tr("step.position", n=model.step_count, epoch=min(model.epoch + 1, model.planned_epochs),
                            epochs=model.planned_epochs, undo=model.can_undo))
    if done:
        c1, c2 = st.columns([3, 1])
        key = "step.complete_one" if model.planned_epochs == 1 else "step.complete"
        c1.success(tr(key, epochs=model.planned_epochs, n=model.step_count), icon=":material/flag:")
        c2.button(tr("step.new_round"), key=f"{prefix}_new_round", on_click=run_steps, args=(1, True),
                  help=tr("step.new_round_help", epochs=model.epochs), width="stretch")
    err = st.session_state.get(state.STEP_ERROR)
    if err:
        st.error(err)


# ------------------------------------------------------------------------------------------ the running loss
def running_mean(values: Sequence[float], window: int = RUNNING) -> np.ndarray:
    """Mean of the last `window` values at each position (fewer at the start).

    >>> running_mean([4, 2, 3, 1], window=2).tolist()
    [4.0, 3.0, 2.5, 2.0]
    """
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        return x
    c = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(1, x.size + 1)
    lo = np.maximum(0, idx - window)
    return (c[idx] - c[lo]) / (idx - lo)


def loss_summary(history: Sequence[dict], window: int = RUNNING) -> Optional[dict]:
    """The running loss of the history rows: {"last": mean of the last `window` losses, "first": mean of the
    first `window`, "n": rows}; None without rows.

    >>> loss_summary([{"loss": v} for v in (4, 4, 2, 2)], window=2)
    {'last': 2.0, 'first': 4.0, 'n': 4}
    """
    if not history:
        return None
    losses = [r["loss"] for r in history]
    return {"last": float(np.mean(losses[-window:])), "first": float(np.mean(losses[:window])), "n": len(losses)}


# ------------------------------------------------------------------------------------------ a watched pair
def pair_probability(model: Word2Vec, source: int, target: int) -> float:
    """p(target | source) with the model's current weights, through the model's own UpdateRule.forward.

    h = W_in[source] (one input word: the centre for skip-gram, one context word for CBOW). Softmax:
    p[target]; hierarchical softmax: the product of the branch probabilities on the target's path;
    negative sampling: sigma(u_target . h) (no noise words needed: they do not change that number).
    """
    rows, labels, _, _, _, probs, _, _ = model.rule.forward(
        model.W_in, model.W_out, np.array([source], dtype=np.int32), int(target), np.zeros(0, dtype=np.int32),
        model.training_tree)
    if model.objective == "softmax":
        return float(probs[int(np.nonzero(rows == target)[0][0])])
    if model.objective == "hierarchical_softmax":
        return float(np.prod(np.where(labels > 0.5, probs, 1.0 - probs)))
    return float(probs[0])


def upcoming_pairs(model: Word2Vec, horizon: int = WATCH_HORIZON) -> Counter:
    """How often each (input word, target) pair is trained in the model's next `horizon` examples.

    Read from the model's own example stream (its cursor: the chunks are the ones step() will use, so
    nothing about training changes). CBOW counts each context word with the centre.
    """
    counts: Counter = Counter()
    cursor = model.cursor
    pos = cursor.next_position()
    seen = 0
    while pos is not None and seen < horizon:
        chunk, e = pos
        end = min(chunk.n_examples, e + horizon - seen)
        for i in range(e, end):
            target = int(chunk.targets[i])
            for source in set(int(a) for a in chunk.inputs(i)):
                counts[(source, target)] += 1
        seen += end - e
        pos = cursor.after(chunk, end)
    return counts


def most_repeated_pair(model: Word2Vec, horizon: int = WATCH_HORIZON) -> Optional[Tuple[Tuple[int, int], int]]:
    """((source, target), count): the pair the next `horizon` examples train most often; ties go to the
    rarer input word, then the rarer target (ids are sorted by frequency, so the larger id). None at the end."""
    counts = upcoming_pairs(model, horizon)
    if not counts:
        return None
    best = max(counts, key=lambda p: (counts[p], p[0], p[1]))
    return best, counts[best]


def watch_state(model: Word2Vec) -> dict:
    """This session's watched pair for this model; a new model starts watching its most repeated pair."""
    w = st.session_state.get(state.STEP_WATCH)
    if w is None or w.get("model") is not model:
        w = start_watch(model)
    return w


def start_watch(model: Word2Vec, pair: Optional[Tuple[int, int]] = None) -> dict:
    """Watch `pair` (ids) from now on, or the most repeated pair ahead; the curve starts at the current step."""
    ahead = None
    if pair is None:
        found = most_repeated_pair(model)
        if found is not None:
            pair, ahead = found
    w = {"model": model, "pair": pair, "ahead": ahead, "steps": [], "probs": [], "hits": []}
    if pair is not None:
        w["steps"].append(model.step_count)
        w["probs"].append(pair_probability(model, *pair))
    st.session_state[state.STEP_WATCH] = w
    return w


def watch_record(model: Word2Vec, w: dict, t) -> None:
    """After update t: the watched pair's probability now, and whether t trained that very pair."""
    if w.get("pair") is None:
        return
    source, target = w["pair"]
    w["steps"].append(t.step)
    w["probs"].append(pair_probability(model, source, target))
    if t.target == target and source in (int(i) for i in t.inputs):
        w["hits"].append(t.step)
    if len(w["steps"]) > WATCH_MAX_POINTS:
        del w["steps"][0], w["probs"][0]


def watch_trim(model: Word2Vec) -> None:
    """After an undo: forget the watched points of the updates undone (re-score now if none is left)."""
    w = st.session_state.get(state.STEP_WATCH)
    if w is None or w.get("model") is not model or w.get("pair") is None:
        return
    keep = [i for i, s in enumerate(w["steps"]) if s <= model.step_count]
    w["steps"] = [w["steps"][i] for i in keep]
    w["probs"] = [w["probs"][i] for i in keep]
    w["hits"] = [s for s in w["hits"] if s <= model.step_count]
    if not w["steps"]:
        w["steps"], w["probs"] = [model.step_count], [pair_probability(model, *w["pair"])]


def watch_this_step() -> None:
    """Callback: watch the pair of the latest update (its first input word and its target)."""
    model = st.session_state.get(state.MODEL)
    t = st.session_state.get(state.LAST_TRACE)
    if model is not None and t is not None:
        start_watch(model, (int(t.inputs[0]), int(t.target)))


def watch_most_repeated() -> None:
    """Callback: watch the pair the next examples train most often."""
    model = st.session_state.get(state.MODEL)
    if model is not None:
        start_watch(model)


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
        st.caption(tr("step.setup.note"))


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
            delta = tr("step.m.running_delta", change=f"{change:+.3f}", pct=f"{change / summary['first']:+.0%}",
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


# ------------------------------------------------------------------------------------------ history
HISTORY_COLUMNS = ("step", "epoch", "lr", "inputs", "target", "loss", "loss_after", "p_target", "p_target_after",
                   "negatives", "code")


def history_table(model: Word2Vec, last: int = 200) -> None:
    history = st.session_state.get(state.HISTORY) or []
    if not history:
        st.caption(tr("step.history.empty"))
        return
    st.caption(tr("step.history.caption", n=last))
    rows = history[-last:][::-1]
    df = pd.DataFrame(rows)
    df = df[[c for c in HISTORY_COLUMNS if c in df.columns]]
    df.columns = [tr(f"step.history.col_{c}") for c in df.columns]
    st.dataframe(df, hide_index=True, height=min(400, 38 + 35 * len(rows)), key="step_history_table")


# ------------------------------------------------------------------------------------------ drawing one trace
# Each section puts the formula and a few plain words on the left and the chart on the right.
TEXT_CHART = [2, 3]
SECTIONS = ("hidden", "probs", "loss", "grads", "update", "matrices", "history", "all")


TABLE_ENDS = (600, 400)      # a whole-vocabulary table shows its first 600 and last 400 rows


def row_ends(n: int, head: int = TABLE_ENDS[0], tail: int = TABLE_ENDS[1]) -> Tuple[np.ndarray, bool]:
    """(the ids of the first `head` and last `tail` of n rows, whether rows were left out). A table of every
    word of a 7,000-word corpus is ~1.2 MB for the browser to decode and lay out at each visit (the HS
    page's codes took it over 1 s); its two ends (the most frequent words, the rarest) are what it teaches.

    >>> ids, cut = row_ends(7, head=2, tail=1)
    >>> ids.tolist(), cut
    ([0, 1, 6], True)
    """
    if n <= head + tail:
        return np.arange(n), False
    return np.concatenate([np.arange(head), np.arange(n - tail, n)]), True


def tex_word(w: str) -> str:
    return r"\text{" + w.replace("'", "’") + "}"


def hidden_formula(model: Word2Vec) -> str:
    """h's formula for this model: the input word's row (skip-gram), the sum or the mean of the context rows."""
    if model.architecture == "skipgram":
        return (r"h = W_{in}^{\top} x_{center}" if getattr(model, "skipgram_input", "center") == "center"
                else r"h = W_{in}^{\top} x_{context}")
    if model.rule.hidden_is_mean:
        return r"h = \frac{1}{C}\sum_{i=1}^{C} W_{in}[a_i]"
    return r"h = \sum_{i=1}^{C} W_{in}[a_i]"


def rule_kind(architecture: str, hidden_is_mean: bool, divide_inputs: bool) -> str:
    """The key of an update rule's sentence: skipgram, cbow_sum, cbow_mean_exact or cbow_mean_word2vec."""
    if architecture == "skipgram":
        return "skipgram"
    if not hidden_is_mean:
        return "cbow_sum"
    return "cbow_mean_exact" if divide_inputs else "cbow_mean_word2vec"


def rule_sentence(architecture: str, hidden_is_mean: bool, divide_inputs: bool) -> str:
    """The update rule in one sentence, in the session's language (English: the engine's UpdateRule.describe())."""
    return tr("step.rule." + rule_kind(architecture, hidden_is_mean, divide_inputs))


def overview_formulas(model: Word2Vec) -> None:
    """The chain one update computes for this model, and the rule it applies (static: no trace needed)."""
    st.latex(hidden_formula(model))
    if model.objective == "softmax":
        st.latex(r"p(w_j \mid h) = \frac{\exp(u_j\cdot h)}{\sum_{k=1}^{V}\exp(u_k\cdot h)},\qquad "
                 r"L = -\log p(w_{target} \mid h)")
    elif model.objective == "hierarchical_softmax":
        st.latex(r"p(w \mid h) = \prod_{n\in\text{path}(w)} \sigma(\theta_n\cdot h)^{1-b_n}"
                 r"\bigl(1-\sigma(\theta_n\cdot h)\bigr)^{b_n},\qquad L = -\log p(w_{target}\mid h)")
    else:
        st.latex(r"L = -\log\sigma(u_{target}\cdot h) - \sum_{i=1}^{k}\log\sigma(-u_i\cdot h)")
    st.latex(r"W \leftarrow W - \eta\,\frac{\partial L}{\partial W}\quad\text{(" + tr("step.only_rows_used") + ")}")
    rule = model.rule
    st.markdown(tr("step.rule_line", rule=rule_sentence(model.architecture, rule.hidden_is_mean, rule.divide_inputs)))
    if model.architecture == "cbow":
        st.caption(tr("step.rule_interview"))


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


def forward_hidden(model: Word2Vec, t, key: str) -> None:
    """The input rows of W_in and h, with the note's formula."""
    in_words = words(model, t.inputs)
    left, right = st.columns(TEXT_CHART)
    with left:
        if t.architecture == "skipgram":
            st.latex(r"h = W_{in}^{\top} x = W_{in}[" + tex_word(in_words[0]) + r"]")
            role = tr("step.role_center") if getattr(model, "skipgram_input", "center") == "center" \
                else tr("step.role_context")
            st.markdown(tr("step.hidden.skipgram", role=role, word=in_words[0], id=int(t.inputs[0])))
        else:
            terms = " + ".join(f"W_{{in}}[{tex_word(w)}]" for w in in_words)
            if t.cbow_mean:
                st.latex(r"h = \frac{1}{C}\sum_{i=1}^{C} W_{in}[a_i]")
                st.latex(r"= \frac{1}{" + str(len(in_words)) + r"}\left(" + terms + r"\right)")
                st.markdown(tr("step.hidden.cbow_mean", c=len(in_words)))
            else:
                st.latex(r"h = \sum_{i=1}^{C} W_{in}[a_i] = " + terms)
                st.markdown(tr("step.hidden.cbow_sum", c=len(in_words)))
        st.caption(tr("step.hidden.cells"))
    rows = np.vstack([np.asarray(t.in_before), np.asarray(t.hidden)[None, :]])          # (n_in + 1, d)
    labels = [f"W_in[{w}]" for w in in_words] + ["h"]
    right.vega_lite_chart(*heatmap(rows, labels, title=tr("step.hidden.chart"), y_title="",
                                          x_title=tr("step.dimension"), highlight_rows=[len(labels) - 1],
                                          value_format=".3f", colorbar_title=tr("step.value")),
                          key=f"{key}_hidden", width="stretch")
    numbers_table(rows, labels, tr("step.hidden.numbers"))


def scores_and_probs(model: Word2Vec, t, key: str) -> None:
    """Scores u_j . h and probabilities: all V (softmax), path nodes (HS), target + negatives (NS)."""
    target = words(model, [t.target])[0]
    left, right = st.columns(TEXT_CHART)
    if t.objective == "softmax":
        V = len(t.probs)
        with left:
            st.latex(r"p(w_j \mid h) = \frac{\exp(u_j \cdot h)}{\sum_{k=1}^{V} \exp(u_k \cdot h)}")
            st.latex(r"p(" + tex_word(target) + r"\mid h) = " + f"{t.probs[t.target]:.4f}")
            st.markdown(tr("step.probs.softmax", V=V, uniform=f"{1 / V:.4f}"))
            st.caption(tr("step.probs.softmax_cost"))
        ids = np.arange(V)
        note = tr("step.probs.softmax_all", V=V)
        if V > SOFTMAX_BARS_MAX:
            ids = np.argsort(-np.asarray(t.probs))[:60]
            if t.target not in ids:
                ids = np.append(ids, t.target)
            note = tr("step.probs.softmax_top", V=V)
        colors = [style.TARGET if i == t.target else style.OTHER for i in ids]
        hover = [f"{w}: u·h = {s:.4f}" for w, s in zip(words(model, ids), np.asarray(t.scores)[ids])]
        fig = step_charts.bars(words(model, ids), np.asarray(t.probs)[ids], colors=colors, hover=hover,
                          title=tr("step.probs.softmax_chart", note=note, target=target),
                          x_title=tr("step.word"), y_title="p(word | h)", height=360)
        right.plotly_chart(fig, key=f"{key}_probs")
    elif t.objective == "hierarchical_softmax":
        with left:
            st.latex(r"p(" + tex_word(target) + r"\mid h) = \prod_{n \in \text{path}} \sigma(\theta_n \cdot h)^{1-b_n}"
                     r"\,\bigl(1-\sigma(\theta_n \cdot h)\bigr)^{b_n}")
            st.latex(r"= " + r" \times ".join(f"{q:.3f}" for q in _branch(t)) + f" = {np.exp(-t.loss):.4f}")
            st.markdown(tr("step.probs.hs", target=target, n=len(t.path)))
            st.caption(tr("step.probs.hs_cost", n=len(t.path), V=len(model.vocab)))
        labels = [f"node {n}<br>bit {b}" for n, b in zip(t.path, t.code)]
        branch = _branch(t)
        hover = [f"node {n}, bit {b}: σ(θ·h) = {p:.4f} → {q:.4f}" for n, b, p, q in zip(t.path, t.code, t.probs, branch)]
        fig = step_charts.bars(labels, branch, colors=[style.PATH] * len(labels), hover=hover,
                          text=[f"{q:.3f}" for q in branch], y_range=[0, 1.15],
                          title=tr("step.probs.hs_chart", target=target), x_title=tr("step.probs.hs_x"),
                          y_title=tr("step.probs.hs_y"), height=340)
        right.plotly_chart(fig, key=f"{key}_probs")
    else:
        neg = words(model, t.negatives)
        with left:
            st.latex(r"\sigma(x) = \frac{1}{1+e^{-x}}")
            st.latex(r"\sigma(u_{" + tex_word(target) + r"} \cdot h) = " + f"{t.probs[0]:.4f}")
            st.markdown(tr("step.probs.ns", V=len(model.vocab), q=len(neg) + 1, target=target, k=len(neg)))
            st.caption(tr("step.probs.ns_cost", q=len(neg) + 1))
        labels = [f"{target}<br>({tr('step.probs.target')})"] + [f"{w}<br>({tr('step.probs.noise')})" for w in neg]
        colors = [style.TARGET] + [style.NEGATIVE] * len(neg)
        hover = [f"{w}: u·h = {s:.4f}" for w, s in zip([target] + neg, t.scores)]
        fig = step_charts.bars(labels, t.probs, colors=colors, hover=hover, text=[f"{p:.3f}" for p in t.probs],
                          y_range=[0, 1.15], title=tr("step.probs.ns_chart"), x_title=tr("step.probs.ns_x"),
                          y_title="σ(u · h)", height=340)
        right.plotly_chart(fig, key=f"{key}_probs")


def _branch(t) -> List[float]:
    """HS: the probability of the branch taken at each path node (sigma for bit 0, 1 - sigma for bit 1)."""
    return [float(p) if b == 0 else float(1 - p) for p, b in zip(t.probs, t.code)]


def loss_formula(model: Word2Vec, t) -> None:
    target = tex_word(words(model, [t.target])[0])
    if t.objective == "softmax":
        st.latex(r"L = -\log p(" + target + r"\mid h) = -\log(" + f"{t.probs[t.target]:.4f}" + ") = "
                 + f"{t.loss:.4f}")
        st.caption(tr("step.loss.softmax", logV=f"{np.log(len(model.vocab)):.3f}"))
    elif t.objective == "hierarchical_softmax":
        st.latex(r"L = -\sum_{n \in \text{path}} \Bigl[(1-b_n)\log\sigma(\theta_n\cdot h) + b_n \log\bigl(1-"
                 r"\sigma(\theta_n\cdot h)\bigr)\Bigr] = -\log p(" + target + r"\mid h) = " + f"{t.loss:.4f}")
        st.caption(tr("step.loss.hs", n=len(t.path)))
    else:
        terms = objective_lessons.ns_terms(t.scores)
        st.latex(r"L = -\log\sigma(u_{" + target + r"}\cdot h) - \sum_{i=1}^{k}\log\sigma(-u_i\cdot h) = "
                 + f"{-terms['target_term']:.4f} + {-terms['negative_terms'].sum():.4f} = {t.loss:.4f}")
        st.caption(tr("step.loss.ns", q=len(t.scores), value=f"{len(t.scores) * np.log(2):.3f}"))
    st.markdown(tr("step.loss.after", before=f"{t.loss:.4f}", after=f"{t.loss_after:.4f}"))


def gradients(model: Word2Vec, t, key: str) -> None:
    """e = p - y per scored row, the gradient rows as a heatmap, and grad_hidden."""
    ids, labels = out_row_labels(model, t)
    e = np.asarray(t.probs) - np.asarray(t.labels)                                       # (k,)
    sel = t.shown_rows(12)                                   # all for HS / NS; a big softmax: the largest |e|
    left, right = st.columns(TEXT_CHART)
    with left:
        st.latex(r"e_j = p_j - y_j")
        st.latex(r"\frac{\partial L}{\partial u_j} = e_j\, h \qquad \frac{\partial L}{\partial h} = \sum_j e_j\, u_j")
        st.markdown(tr("step.grads.text"))
        if t.input_scale > 1:
            st.caption(tr("step.grads.mean", c=t.input_scale))
    rows = np.vstack([t.grad_out[sel], np.asarray(t.grad_hidden)[None, :]])             # (m + 1, d)
    lab = [f"{labels[i]} (e = {e[i]:+.3f})" for i in sel] + ["∂L/∂h"]
    title = tr("step.grads.chart")
    if len(sel) < len(ids):
        title = tr("step.grads.chart_top", m=len(sel), k=len(ids))
    right.vega_lite_chart(*heatmap(rows, lab, title=title, y_title="", x_title=tr("step.dimension"),
                                          colorbar_title=tr("step.gradient"), value_format=".3f",
                                          highlight_rows=[len(lab) - 1]), key=f"{key}_gout", width="stretch")
    numbers_table(rows, lab, tr("step.grads.numbers"))


def numbers_table(rows, labels, title: str) -> None:
    """An expander with the exact numbers of a heatmap (one row per label, one column per dimension)."""
    with st.expander(title):
        values = np.asarray(rows, dtype=np.float64)                                      # (n, d)
        df = pd.DataFrame(values.round(5), columns=[f"d{j}" for j in range(values.shape[1])])
        df.insert(0, tr("step.row"), list(labels))
        st.dataframe(df, hide_index=True, height=min(400, 40 + 36 * len(df)))


def out_row_labels(model: Word2Vec, t):
    """Labels for trace.out_rows: words (softmax, NS) or internal nodes (HS)."""
    ids = list(t.out_rows)
    if t.objective == "hierarchical_softmax":
        return ids, [f"θ node {n}" for n in ids]
    if t.objective == "negative_sampling":
        w = words(model, ids)
        return ids, [f"u[{w[0]}] {tr('step.probs.target')}"] + [f"u[{x}] {tr('step.probs.noise')}" for x in w[1:]]
    return ids, [f"u[{x}]" + (f" {tr('step.probs.target')}" if i == t.target else "")
                 for i, x in zip(ids, words(model, ids))]


def update_rows(model: Word2Vec, t, key: str) -> None:
    """The rule that ran, and the rows of W_in and W_out before and after the update with the change."""
    st.latex(r"u_j \leftarrow u_j - \eta\, e_j\, h \qquad W_{in}[a_i] \leftarrow W_{in}[a_i] - \eta\,"
             r"\frac{\partial L}{\partial h}" + (r"\cdot\frac{1}{C}" if t.input_scale > 1 else "")
             + r"\qquad \eta = " + f"{t.lr:.5f}")
    st.markdown(tr("step.rule_line", rule=rule_sentence(t.architecture, t.cbow_mean, t.divide_inputs)))
    if t.architecture == "cbow":
        st.caption(tr("step.rule_interview"))
    st.caption(tr("step.update.text"))
    sel = t.shown_rows(8)
    ch = step_lessons.row_changes(t, out_positions=sel)
    in_words = words(model, t.inputs)
    rows, labels = [], []
    before, after = tr("step.update.before"), tr("step.update.after")
    for i, w in enumerate(in_words):
        rows += [t.in_before[i], t.in_after[i]]
        labels += [f"{w} {before}", f"{w} {after}"]
    change = tr("step.update.change")
    st.plotly_chart(figures.heatmap_pair(
        dict(z=np.array(rows), rows=labels, title=tr("step.update.win"), colorbar=tr("step.value")),
        dict(z=ch["in_delta"], rows=[f"{w}: {change}" for w in in_words], title=tr("step.update.win_change"),
             colorbar=change), x_title=tr("step.dimension")), key=f"{key}_win")
    ids, labels = out_row_labels(model, t)
    rows, lab = [], []
    for i in sel:
        rows += [t.out_before[i], t.out_after[i]]
        lab += [f"{labels[i]} {before}", f"{labels[i]} {after}"]
    st.plotly_chart(figures.heatmap_pair(
        dict(z=np.array(rows), rows=lab, title=tr("step.update.wout"), colorbar=tr("step.value")),
        dict(z=ch["out_delta"], rows=[f"{labels[i]}: {change}" for i in sel],
             title=tr("step.update.wout_change"), colorbar=change), x_title=tr("step.dimension")),
        key=f"{key}_wout")


def whole_matrices(model: Word2Vec, t, key: str) -> None:
    """Small heatmaps of the whole W_in and W_out with the rows this update changed framed."""
    V = len(model.vocab)
    if V > WHOLE_MATRIX_MAX_V:
        st.caption(tr("step.matrices.too_big", max=WHOLE_MATRIX_MAX_V, V=V))
        return
    st.caption(tr("step.matrices.text"))
    vocab = model.vocab.index_to_key
    in_rows = sorted({int(i) for i in t.inputs})
    out_rows = sorted({int(i) for i in t.out_rows})
    hs = t.objective == "hierarchical_softmax"
    out_labels = [f"node {n}" for n in range(len(model.W_out))] if hs else vocab
    what = tr("step.matrices.nodes") if hs else tr("step.matrices.words")
    st.plotly_chart(figures.heatmap_pair(
        dict(z=model.W_in, rows=vocab, title=tr("step.matrices.win", V=V, d=model.vector_size), highlight=in_rows),
        dict(z=model.W_out, rows=out_labels, highlight=out_rows,
             title=tr("step.matrices.wout", n=len(model.W_out), what=what, d=model.vector_size)),
        x_title=tr("step.dimension")), key=f"{key}_whole")


def section_picker(key: str) -> Optional[str]:
    """The one section of the update to draw (drawing one at a time keeps a Next click cheap)."""
    return choice(st.segmented_control, tr("step.sections.label"), SECTIONS, lambda s: tr(f"step.sections.{s}"),
                  key, default="probs", label_visibility="collapsed")


def draw_section(model: Word2Vec, t, section: Optional[str], key: str) -> None:
    """Draw the chosen section(s) of update t (the history table needs no trace)."""
    chosen = SECTIONS[:-1] if section == "all" else (section,)
    for s in chosen:
        if s == "history":
            st.subheader(tr("step.sections.history_title"))
            history_table(model)
            continue
        if t is None:
            continue
        st.subheader(tr(f"step.sections.{s}_title"))
        if s == "hidden":
            forward_hidden(model, t, key)
        elif s == "probs":
            scores_and_probs(model, t, key)
        elif s == "loss":
            loss_formula(model, t)
        elif s == "grads":
            gradients(model, t, key)
        elif s == "update":
            update_rows(model, t, key)
        elif s == "matrices":
            whole_matrices(model, t, key)
