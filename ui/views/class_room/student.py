"""The Class page for a student: join, wait, predict, see the result, follow the teacher.

What it does: a join form (the room code, an optional nickname); once joined (the student id is written into
the link, so a reload, or a restarted server, finds the same student), a screen that looks at the store every
STUDENT_TICK_S seconds: "waiting for the teacher", the open poll's question with one prediction (sent again,
the last one counts), then the measured answer with this student's prediction marked and the class's share
right, and "the teacher is on ... - follow" with one click there (the teacher's set-up applied).
What it does not do: show any other student's name or answer (only counts, from rooms.tally).
"""

from __future__ import annotations

import streamlit as st

from lessons.interview import questions
from ui import state
from ui.charts.class_room import answers_chart
from ui.choices import choice
from ui.class_room import rooms
from ui.i18n import t
from ui.views.class_room.session import (STUDENT_TICK_S, act, bar_labels, found_text, label_of, question_text,
                                         question_title, plain_text, share, show_notice, show_store_error, store, store_errors,
                                         tx, value_text)
from ui.views.class_room.teacher import FOLLOW_PAGES

FOLLOW_FLAG = "cls_follow_flag"
JOIN_FLAG = "cls_join_flag"
SEND_FLAG = "cls_send_flag"
NAME = "cls_name"                  # (room, student id, nickname) this session has read
MINE = "cls_mine"                  # {poll id: this student's answer or None} as last read or sent


def _flag(name: str) -> None:
    st.session_state[name] = True


def _follow(follow: dict) -> None:
    """Follow's callback (before any widget is drawn): the teacher's set-up into this session's sidebar."""
    state.apply_link_settings(follow["query"])
    st.session_state[FOLLOW_FLAG] = True


def join_form(code: str = "") -> None:
    """The room code (filled in from the link) and an optional nickname; Join writes the student id into the link."""
    st.subheader(tx("join_title"))
    with st.form("cls_join_form", border=True):
        typed = st.text_input(tx("code_label"), value=rooms.display_code(code) if code else "", max_chars=9,
                              help=tx("code_help"), key="cls_code")
        nickname = st.text_input(tx("nickname"), max_chars=rooms.NICKNAME_MAX, help=tx("nickname_help"),
                                 key="cls_nickname")
        clicked = st.form_submit_button(tx("join"), type="primary", icon=":material/login:", on_click=_flag,
                                        args=(JOIN_FLAG,))
    if not (st.session_state.pop(JOIN_FLAG, False) or clicked):
        return
    room = rooms.normalise_code(typed)
    if room is None:
        st.error(tx("bad_code", code=typed.strip()), icon=":material/error:")
        return
    try:
        student = rooms.join(store(), room, nickname)
    except rooms.RoomGone:
        st.error(tx("no_room", code=rooms.display_code(room)), icon=":material/search_off:")
        return
    except store_errors() as e:
        show_store_error(e)
        return
    st.query_params["room"] = room
    st.query_params["me"] = student
    st.rerun()


def prediction(poll: dict, me: str, code: str) -> None:
    """The poll's fields as widgets (keyed by the poll), and Send: the last prediction sent counts."""
    question = questions.QUESTION_BY_ID[poll["qid"]]
    kept = st.session_state.setdefault(MINE, {})          # read once per poll: only this student writes it
    if poll["id"] not in kept:
        kept[poll["id"]] = rooms.my_answer(store(), code, me, poll["id"])
    mine = kept[poll["id"]]
    values = {}
    for field in question.fields:
        wkey = f"cls_{poll['id']}_{field.name}"
        if wkey not in st.session_state and mine is not None:
            st.session_state[wkey] = mine.get(field.name)
        if field.kind == "choice":
            values[field.name] = choice(st.radio, label_of(poll, field), field.choices,
                                        lambda c, f=field: value_text(poll, f, c), wkey)
        else:
            step = int(field.step) if field.integer else float(field.step)
            low = int(field.low) if field.integer else float(field.low)
            high = int(field.high) if field.integer else float(field.high)
            values[field.name] = st.number_input(label_of(poll, field), low, high, value=None, step=step, key=wkey,
                                                 format="%d" if field.integer else "%.2f")
    st.button(tx("send_answer"), key=f"cls_send_{poll['id']}", type="primary", icon=":material/send:",
              width="stretch", on_click=_flag, args=(SEND_FLAG,))
    if st.session_state.pop(SEND_FLAG, False):
        missing = questions.complete(question, values)
        if missing:
            names = ", ".join(label_of(poll, f) for f in question.fields if f.name in missing)
            st.warning(t("interview.missing", fields=names), icon=":material/edit:")
        else:
            act(rooms.answer, store(), code, me, poll["id"], values)
            show_notice()
            mine = kept[poll["id"]] = rooms.my_answer(store(), code, me, poll["id"])
    if mine is not None:
        st.success(tx("saved"), icon=":material/check:")


def result(poll: dict, me: str, code: str, tally: dict) -> None:
    """The measured answer, this student's prediction marked on the class's answers, the class's share right."""
    question = questions.QUESTION_BY_ID[poll["qid"]]
    mine = rooms.my_answer(store(), code, me, poll["id"])
    res = poll["result"]
    st.markdown(f"#### {tx('result')}")
    if mine is None:
        st.info(tx("no_answer"), icon=":material/info:")
    else:
        ok = questions.score(question, mine, res)["right"]
        (st.success if ok else st.error)(tx("you_right" if ok else "you_wrong"),
                                         icon=":material/check_circle:" if ok else ":material/cancel:")
    st.metric(tx("class_share", right=tally["right"], answered=tally["answered"]),
              share(tally["right"], tally["answered"]))
    for field in question.fields:
        bars = tally["bars"][field.name]
        truth = res["truth"].get(field.name)
        said = tx("measured_is", value=value_text(poll, field, truth))
        if mine is not None:
            said += " · " + tx("mine", value=value_text(poll, field, mine.get(field.name)))
        st.markdown(f"**{label_of(poll, field)}**  \n{said}")
        if bars:
            st.vega_lite_chart(*answers_chart(bars, bar_labels(poll, field, bars), "", tx("chart_count"),
                                              measured=rooms.bar_of(field, bars, truth),
                                              mine=rooms.bar_of(field, bars, (mine or {}).get(field.name)),
                                              you=tx("chart_you"), height=max(120, 42 * len(bars)), phone=True),
                               width="stretch", key=f"cls_result_{poll['id']}_{field.name}")
    found = found_text(poll)
    if found:
        st.markdown(f"**{t('interview.found')}** {found}")


def follow_box(follow: dict) -> None:
    """The teacher is on a page: one click applies the teacher's set-up and goes there (room and id kept)."""
    name = t(FOLLOW_PAGES.get(follow["page"], "nav.home"))
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    c1.info(tx("follow_note", page=name), icon=":material/directions_walk:")
    c2.button(tx("follow"), key=f"cls_follow_{follow['id']}", type="primary", icon=":material/arrow_forward:",
              on_click=_follow, args=(follow,), width="stretch")
    if st.session_state.pop(FOLLOW_FLAG, False) and follow["page"] in FOLLOW_PAGES:
        keep = {k: st.query_params[k] for k in ("room", "me", "lang", "presenter") if k in st.query_params}
        st.switch_page(follow["page"], query_params={**follow["query"], **keep})


def _nickname(code: str, me: str):
    """The student's nickname, read from the store once per session (it never changes), or None if unknown."""
    kept = st.session_state.get(NAME)
    if kept and kept[:2] == (code, me):
        return kept[2]
    name = rooms.member_nickname(store(), code, me)
    if name is not None:
        st.session_state[NAME] = (code, me, name)
    return name


def live(code: str, me: str) -> None:
    """A student's screen after joining, refreshed every STUDENT_TICK_S seconds from the store: one read of the
    room while waiting (and their own answer while a poll is open); the class's tally only after a reveal."""
    try:
        room = rooms.room_state(store(), code)
        name = _nickname(code, me)
        revealed = (room.get("poll") or {}).get("phase") == "revealed"
        tally = rooms.tally(store(), code) if revealed else None
    except rooms.RoomGone:
        st.info(tx("closed"), icon=":material/door_front:")
        for key in ("room", "me"):
            st.query_params.pop(key, None)
        return
    except store_errors() as e:
        show_store_error(e)
        return
    if name is None:                                   # an id this room does not know (e.g. from an older class)
        st.query_params.pop("me", None)
        st.rerun(scope="app")
    st.caption(tx("joined_as", code=rooms.display_code(code), name=plain_text(name) if name else tx("anonymous")))
    if room.get("follow"):
        follow_box(room["follow"])
    poll = room.get("poll")
    if not poll:
        st.markdown(f"### :material/hourglass_empty: {tx('waiting')}")
        return
    st.subheader(question_title(poll["qid"]))
    st.markdown(question_text(poll))
    if poll["phase"] == "open":
        prediction(poll, me, code)
    elif poll["phase"] == "running":
        st.info(tx("running", corpus=poll["corpus"]), icon=":material/hourglass_top:")
    else:
        result(poll, me, code, tally)


def student_view(code: str, me: str) -> None:
    st.fragment(run_every=STUDENT_TICK_S)(live)(code, me)
