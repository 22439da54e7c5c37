"""Stepping the session's model from the pages: the model a page teaches on, Next / Undo, and a watched pair.

What it does: the model a page draws (a failed rebuild's message shown; the page stops when there is
none), the Next / Next 10 / Next 100 / Undo buttons (as callbacks, so the page already sees the new state
when it draws), stopping at the end of the planned training (a new round only when asked), the step
history (summary rows only, never whole traces), the pair whose probability the Step page watches after
every update, and the top of the two objective pages (hierarchical softmax, negative sampling): their
title, formula, one-click switch to their objective and step buttons. Used by Home, Windows, Step and the
two objective pages.
What it does not do: the model's maths (the engine computes every number; lessons.steps the running mean
and a pair's probability), or draw an update (ui/views/step/ does).

A caught error (a diverging learning rate, a stream with no examples) is kept in
st.session_state[state.STEP_ERROR] and shown by step_buttons(); the model keeps its last good weights.
Every text comes from ui/texts/<lang>/step.toml through t().
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import List, Optional, Tuple

import streamlit as st

from engine import TrainingDiverged, Word2Vec
from lessons import steps as step_lessons
from ui import state
from ui.i18n import engine_message, t as tr
from ui.jobs import heavy_job, is_heavy_step

HISTORY_MAX = 5_000          # summary rows kept for the history table (the oldest are dropped)
WATCH_MAX_POINTS = 5_000     # points kept for the watched pair's curve


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
    c1, c2 = st.columns([2, 1])             # room for "Switch to hierarchical softmax" at 1280 px (was cut at [3, 1])
    lost = tr("step.switch_loses", n=f"{model.step_count:,}") if model.step_count else ""
    c1.info(tr("step.switch_uses", name=objective_name(model.objective)) + why + lost)
    c2.button(tr("step.switch_to", name=objective_name(objective)), on_click=_switch,
              args=(objective, model.step_count), key=key, type="primary", width="stretch")
    return False


SWITCHED = "step_switched"      # (objective, updates of the model it replaced): said once after a switch


def _switch(objective: str, lost_updates: int) -> None:
    state.set_objective(objective)
    st.session_state[SWITCHED] = (objective, lost_updates)


def switched_note() -> None:
    """After a switch of objective: say that a new model was built, and what the old one had done (once)."""
    switched = st.session_state.pop(SWITCHED, None)
    if switched:
        objective, lost = switched
        st.info(tr("step.switched", name=objective_name(objective), n=f"{lost:,}"), icon=":material/swap_horiz:")



def objective_page(area: str, objective: str, formula: str):
    """The top of an objective's page (area "hs" or "ns"): its title, this session's model, the intro and the
    formula, then either the switch to `objective` (when the model trains with another) or the step buttons.
    Returns (model, the latest update's trace when the model trains with `objective`, else None)."""
    st.title(tr(f"{area}.title"))
    model = page_model()
    st.markdown(tr(f"{area}.intro", V=f"{len(model.vocab):,}"))
    st.latex(formula)
    if not objective_switch(model, objective, f"{area}_switch", tr(f"{area}.switch_why")):
        return model, None
    switched_note()
    step_buttons(area)
    return model, current_trace(model)


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
        cols[4].markdown(tr("step.position", n=f"{model.step_count:,}", epoch=min(model.epoch + 1, model.planned_epochs),
                            epochs=model.planned_epochs, undo=model.can_undo))
    if done:
        c1, c2 = st.columns([3, 1])
        key = "step.complete_one" if model.planned_epochs == 1 else "step.complete"
        c1.success(tr(key, epochs=model.planned_epochs, n=f"{model.step_count:,}"), icon=":material/flag:")
        c2.button(tr("step.new_round"), key=f"{prefix}_new_round", on_click=run_steps, args=(1, True),
                  help=tr("step.new_round_help", epochs=model.epochs), width="stretch")
    err = st.session_state.get(state.STEP_ERROR)
    if err:
        st.error(err)


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
        found = step_lessons.most_repeated_pair(model)
        if found is not None:
            pair, ahead = found
    w = {"model": model, "pair": pair, "ahead": ahead, "steps": [], "probs": [], "hits": []}
    if pair is not None:
        w["steps"].append(model.step_count)
        w["probs"].append(step_lessons.pair_probability(model, *pair))
    st.session_state[state.STEP_WATCH] = w
    return w


def watch_record(model: Word2Vec, w: dict, t) -> None:
    """After update t: the watched pair's probability now, and whether t trained that very pair."""
    if w.get("pair") is None:
        return
    source, target = w["pair"]
    w["steps"].append(t.step)
    w["probs"].append(step_lessons.pair_probability(model, source, target))
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
        w["steps"], w["probs"] = [model.step_count], [step_lessons.pair_probability(model, *w["pair"])]


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


def tex_word(w: str) -> str:
    return r"\text{" + w.replace("'", "’") + "}"

