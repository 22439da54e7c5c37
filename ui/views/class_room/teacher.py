"""The Class page for the teacher: what the projector shows, and the teacher's controls beside it.

What it does: the room code (large), the join link and its QR code, how many students have joined (live);
a poll: the question, "23 of 30 answered" and the live distribution of the answers (never who answered
what); Reveal runs the question's experiment once on the teacher's corpus and settings and stores the
measured answer for every screen; "follow the teacher" sends the class to a page with this session's
set-up; Close ends the class and deletes it. Everything below the title is one st.fragment that reads the
store every TEACHER_TICK_S seconds.
What it does not do: keep anything a student sees in this process (all of it goes through the store).
"""

from __future__ import annotations

import streamlit as st

from engine import TrainingDiverged
from lessons.interview import questions
from ui import state
from ui.charts.class_room import answers_chart
from ui.choices import choice
from ui.class_room import rooms
from ui.i18n import engine_message, t
from ui.views.class_room.session import (PAGE, TEACHER_TICK_S, bar_labels, found_text, label_of, local_only,
                                         join_url, own_url, qr_png, question_text, question_title, plain_text, share, store,
                                         store_errors, show_notice, show_store_error, tx, value_text, act)
from ui.views.interview.answers import tx as iv_tx
from ui.views.interview.card import corpus_setup, facts_for, result_key, run_experiment
from ui.views.interview.reveal import found_values

# the pages a teacher can send the class to (their titles come from the navigation's texts)
FOLLOW_PAGES = {"pages/01_home.py": "nav.home", "pages/02_corpus.py": "nav.corpus", "pages/03_windows.py": "nav.windows",
                "pages/04_step.py": "nav.step", "pages/05_hierarchical_softmax.py": "nav.hs",
                "pages/06_negative_sampling.py": "nav.ns", "pages/07_embedding_space.py": "nav.embedding",
                "pages/08_explore.py": "nav.explore", "pages/09_compare.py": "nav.compare",
                "pages/12_hyperparameters.py": "nav.hyperparameters", "pages/11_interview.py": "nav.interview"}
QUESTION = "cls_question"        # widget keys of the teacher's controls
FOLLOW = "cls_follow_page"
REVEAL_FLAG = "cls_reveal_flag"


def _flag(name: str) -> None:
    st.session_state[name] = True


def start_poll(_store, code: str, key: str) -> None:
    """Open a poll on the chosen question with its texts' values on this session's corpus."""
    qid = st.session_state.get(QUESTION) or questions.QUESTION_IDS[0]
    question = questions.QUESTION_BY_ID[qid]
    setup, corpus_key, _ = corpus_setup(question)
    facts = facts_for(question, setup, corpus_key)
    rooms.start_poll(store(), code, key, qid, facts, setup.name)


def do_reveal(_store, code: str, key: str) -> None:
    """Close the poll, run its experiment once here (the teacher's corpus and settings), store the answer."""
    poll = rooms.room_state(store(), code).get("poll")
    if not poll or poll["phase"] != "open":
        return
    question = questions.QUESTION_BY_ID[poll["qid"]]
    rooms.begin_reveal(store(), code, key)
    setup, corpus_key, _ = corpus_setup(question)
    try:
        result = run_experiment(question, setup, result_key(question, corpus_key))
    except (ValueError, KeyError, TrainingDiverged) as e:
        st.error(iv_tx("failed", error=engine_message(str(e))))
        rooms.start_poll(store(), code, key, poll["qid"], poll["facts"], poll["corpus"])
        return
    rooms.reveal(store(), code, key, result["truth"], found_values(question.id, result, poll["facts"]))


def send(_store, code: str, key: str) -> None:
    page = st.session_state.get(FOLLOW) or "pages/04_step.py"
    rooms.send(store(), code, key, page, state.settings_link_params(state.current_settings()))


def header(code: str, key: str, students: int) -> None:
    """The room's code, the join link, the QR code and the live count of students."""
    url = join_url(code)
    st.markdown(f"<div style='font-size:1.1rem'>{tx('room_code')}</div>"
                f"<div style='font-size:3.6rem;font-weight:700;letter-spacing:0.08em;line-height:1.1'>"
                f"{rooms.display_code(code)}</div>", unsafe_allow_html=True)
    st.image(qr_png(url), width=220)
    st.markdown(f"{tx('join_at')}  \n`{url}`")
    host = local_only(url)
    if host:
        st.caption(tx("localhost", host=host))
    st.metric(tx("students"), tx("students_n", n=students))
    with st.popover(tx("teacher_link"), icon=":material/key:", width="stretch"):
        st.caption(tx("teacher_link_help"))
        st.code(own_url({"room": code, "teacher": key}), language=None, wrap_lines=True)
    with st.popover(tx("names"), icon=":material/badge:", width="stretch"):
        if st.toggle(tx("names_show"), key="cls_show_names", help=tx("names_help")):
            names = [n for n in store().nicknames(code) if n]
            st.markdown(", ".join(plain_text(n) for n in names) if names else tx("names_none"))


def poll_panel(code: str, key: str, tally: dict) -> None:
    """The question, the count of answers, one chart per field; after the reveal, the measured answer."""
    poll = tally["poll"]
    question = questions.QUESTION_BY_ID[poll["qid"]]
    st.subheader(question_title(poll["qid"]))
    st.markdown(question_text(poll))
    st.caption(tx("corpus_note", corpus=poll["corpus"]))
    answered, students = tally["answered"], tally["students"]
    result = poll.get("result")
    c1, c2 = st.columns([3, 2], vertical_alignment="center")
    c1.metric(tx("answers"), tx("answered", answered=answered, students=students))
    if result:
        c2.metric(tx("right_label", right=tally["right"], answered=answered), share(tally["right"], answered))
    elif poll["phase"] == "open":
        c2.button(tx("reveal"), key="cls_reveal", type="primary", icon=":material/science:", help=tx("reveal_help"),
                  on_click=_flag, args=(REVEAL_FLAG,), width="stretch")
    else:
        c2.info(tx("running", corpus=poll["corpus"]), icon=":material/hourglass_top:")
    for field in question.fields:
        bars = tally["bars"][field.name]
        measured = rooms.bar_of(field, bars, result["truth"].get(field.name)) if result else None
        title = label_of(poll, field)
        if result:
            title += f"  ({tx('measured')}: {value_text(poll, field, result['truth'].get(field.name))})"
        if bars:
            st.vega_lite_chart(*answers_chart(bars, bar_labels(poll, field, bars), title, tx("chart_count"),
                                              measured=measured, height=300 if len(question.fields) == 1 else 190),
                               width="stretch", key=f"cls_chart_{poll['id']}_{field.name}")
        else:
            st.caption(f"{title}: {tx('no_answers')}")
    if result:
        found = found_text(poll)
        if found:
            st.markdown(f"**{iv_tx('found')}** {found}")


def controls(code: str, key: str, tally: dict) -> None:
    """Start a poll, send the class to a page, close the class."""
    ids = list(questions.QUESTION_IDS)
    choice(st.selectbox, tx("pick_question"), ids, question_title, QUESTION, default=ids[0], help=tx("pick_help"))
    st.button(tx("start_poll"), key="cls_start_poll", type="primary" if not tally["poll"] else "secondary",
              icon=":material/how_to_vote:", on_click=act, args=(start_poll, store(), code, key),
              width="stretch")
    if tally["poll"]:
        st.button(tx("end_poll"), key="cls_end_poll", icon=":material/stop_circle:", width="stretch",
                  on_click=act, args=(rooms.end_poll, store(), code, key))
    with st.popover(tx("send_title"), icon=":material/directions_walk:", width="stretch"):
        choice(st.selectbox, tx("send_page"), list(FOLLOW_PAGES), lambda p: t(FOLLOW_PAGES[p]), FOLLOW,
               default="pages/04_step.py")
        st.button(tx("send"), key="cls_send", on_click=act, args=(send, store(), code, key), help=tx("send_help"))
        if tally["follow"]:
            st.caption(tx("sent", page=t(FOLLOW_PAGES.get(tally["follow"]["page"], "nav.home"))))
            st.button(tx("unsend"), key="cls_unsend", on_click=act,
                      args=(rooms.send, store(), code, key, None, None))
    with st.popover(tx("close"), icon=":material/logout:", width="stretch"):
        st.caption(tx("close_help"))
        st.button(tx("close_confirm"), key="cls_close", type="primary", on_click=act,
                  args=(rooms.close, store(), code, key))


def live(code: str, key: str) -> None:
    """The projector below the title: refreshed every TEACHER_TICK_S seconds from the store."""
    if st.session_state.pop(REVEAL_FLAG, False):     # Reveal was pressed: run it before reading the tally
        act(do_reveal, store(), code, key)
    try:
        tally = rooms.tally(store(), code)
    except rooms.RoomGone:
        st.info(tx("closed"), icon=":material/door_front:")
        for name in ("room", "teacher"):
            st.query_params.pop(name, None)
        st.page_link(PAGE, label=tx("start"), icon=":material/add:")
        return
    except store_errors() as e:
        show_store_error(e)
        return
    show_notice()
    left, right = st.columns([3, 1.15], gap="large")
    with right:
        header(code, key, tally["students"])
        controls(code, key, tally)
    with left:
        if tally["poll"]:
            poll_panel(code, key, tally)
        else:
            st.markdown(f"<div style='font-size:3rem;font-weight:600'>{tx('students_n', n=tally['students'])}</div>",
                        unsafe_allow_html=True)
            st.markdown(tx("intro"))


def teacher_view(code: str, key: str) -> None:
    st.fragment(run_every=TEACHER_TICK_S)(live)(code, key)
