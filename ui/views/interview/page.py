"""The Interview prep page: predict, then run. A walkthrough of every question, or a timed mock interview.

What it does: the header with the mode switch and the score, then either the walkthrough (a question
picker with Previous / Next) or the mock interview (a few questions drawn at random against a clock, and
its summary). Each question is a card (ui/views/interview/card.py).
What it does not do: compute anything itself (lessons.interview does), or change another page's state.
"""

from __future__ import annotations

import secrets
import time

import streamlit as st

from lessons.interview import questions
from ui import glossary, state
from ui.choices import choice
from ui.views.interview.answers import (MOCK, MOCK_SEED, MODE, PICK, all_answers, progress_header, qtext,
                                        restore_from_link, session_value, tx)
from ui.views.interview.card import question_card


def _move(delta: int) -> None:
    """Previous / Next: the kept question index (an int; the chooser's labels never reach it)."""
    current = st.session_state.get(PICK, 0)
    st.session_state[PICK] = ((current if isinstance(current, int) else 0) + delta) % len(questions.QUESTIONS)


def walkthrough() -> None:
    answers = all_answers()

    def label(i):
        qid = questions.QUESTION_IDS[i]
        a = answers.get(qid)
        mark = "" if a is None else (" ✓" if a["ok"] else " ✗")
        return f"{i + 1}. {qtext(qid, 'title')}{mark}"

    c1, c2, c3 = st.columns([6, 1.5, 1.3], vertical_alignment="bottom")
    labels = [label(i) for i in range(len(questions.QUESTIONS))]      # computed here, in the session's language
    pick = choice(c1.selectbox, tx("pick"), range(len(questions.QUESTIONS)), labels.__getitem__, PICK, default=0,
                  label_visibility="collapsed")
    c2.button(tx("prev"), on_click=_move, args=(-1,), key="iv_prev", icon=":material/arrow_back:",
              use_container_width=True)
    c3.button(tx("next"), on_click=_move, args=(1,), key="iv_next", icon=":material/arrow_forward:",
              use_container_width=True)
    question_card(questions.QUESTION_IDS[pick], "walk", answers)


# ------------------------------------------------------------------------------------------ mock interview
def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def start_mock() -> None:
    seed = session_value(MOCK_SEED, secrets.randbelow(2**31))
    st.session_state[MOCK_SEED] = seed + 1
    st.session_state[MOCK] = {"seed": seed, "questions": questions.mock_questions(seed), "start": time.time(),
                              "limit": questions.MOCK_SECONDS, "index": 0, "answers": {}, "done": False,
                              "timeout": False, "end": None}


def _finish_mock(timeout: bool = False) -> None:
    mock = st.session_state[MOCK]
    if not mock["done"]:
        mock.update(done=True, timeout=timeout, end=time.time())


def _next_mock() -> None:
    mock = st.session_state[MOCK]
    if mock["index"] + 1 >= len(mock["questions"]):
        _finish_mock()
    else:
        mock["index"] += 1


def _clock_body() -> None:
    mock = st.session_state.get(MOCK)
    if not mock or mock["done"]:
        return
    left = mock["limit"] - (time.time() - mock["start"])
    if left <= 0:
        _finish_mock(timeout=True)
        st.rerun(scope="app")
    st.markdown(f"### :material/timer: {tx('mock.left', time=_clock(left))}")


def mock_interview() -> None:
    mock = st.session_state.get(MOCK)
    if mock is None:
        st.markdown(tx("mock.intro", minutes=questions.MOCK_SECONDS // 60))
        st.button(tx("mock.start"), on_click=start_mock, type="primary", key="iv_mock_start",
                  icon=":material/timer:")
        return
    if mock["done"]:
        mock_summary(mock)
        return
    c1, c2 = st.columns([3, 2], vertical_alignment="center")
    with c1:
        st.fragment(run_every=1)(_clock_body)()
    qid = mock["questions"][mock["index"]]
    c2.caption(tx("mock.of", i=mock["index"] + 1, n=len(mock["questions"])))
    question_card(qid, "mock", mock["answers"])
    if qid in mock["answers"]:
        last = mock["index"] + 1 >= len(mock["questions"])
        st.button(tx("mock.finish" if last else "mock.next"), on_click=_next_mock, type="primary",
                  key=f"iv_mock_next_{mock['index']}", icon=":material/arrow_forward:")


def mock_summary(mock: dict) -> None:
    import pandas as pd

    st.subheader(tx("mock.summary"))
    if mock["timeout"]:
        st.warning(tx("mock.timeout"), icon=":material/timer_off:")
    right = sum(bool(mock["answers"].get(q, {}).get("ok")) for q in mock["questions"])
    used = min(mock["limit"], (mock["end"] or time.time()) - mock["start"])
    st.markdown(tx("mock.score", right=right, n=len(mock["questions"]), time=_clock(used)))
    rows = []
    for qid in mock["questions"]:
        a = mock["answers"].get(qid)
        verdict = tx("not_answered") if a is None else (tx("mark_right") if a["ok"] else tx("mark_wrong"))
        rows.append({tx("mock.col_question"): f"{questions.number(qid)}. {qtext(qid, 'title')}",
                     tx("mock.col_result"): verdict})
    st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True, key="iv_mock_table")
    st.button(tx("mock.again"), on_click=start_mock, type="primary", key="iv_mock_again", icon=":material/timer:")


def page() -> None:
    """The whole page: header, mode switch, then the walkthrough or the mock interview."""
    state.ensure_app_entry()
    restore_from_link()
    st.title(tx("title"))
    st.caption(tx("intro"))
    left, right = st.columns([2, 3], vertical_alignment="center")
    modes = {"walk": tx("mode_walk"), "mock": tx("mode_mock")}
    mode = choice(left.segmented_control, tx("mode_label"), list(modes), modes.get, MODE, default="walk",
                  label_visibility="collapsed")
    progress_header(right)
    glossary.panel()
    if mode == "mock":
        mock_interview()
    else:
        walkthrough()
