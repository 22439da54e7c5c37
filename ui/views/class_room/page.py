"""The Class page: who this browser is decides what it shows.

What it does: with the link's teacher key for the link's room, the teacher's projector (teacher.py); with a
student id the room knows, the student's screen (student.py); with only ?room=CODE, the join form with the
code filled in; with nothing, "Start a class" and the join form. Start creates a room and writes its code
and the teacher key into this browser's link (only this browser has it).
What it does not do: draw the screens themselves.
"""

from __future__ import annotations

import streamlit as st

from ui import presenter, state
from ui.class_room import rooms
from ui.views.class_room.session import (act, link_room, link_value, show_notice, show_store_error, store, store_errors,
                                         tx)
from ui.views.class_room.student import join_form, student_view
from ui.views.class_room.teacher import teacher_view


def start_class() -> None:
    """Create a room; its code and the teacher key go into this browser's link (a button's callback)."""
    code, key = rooms.create(store())
    st.query_params["room"] = code
    st.query_params["teacher"] = key
    st.query_params.pop("me", None)


def page() -> None:
    state.ensure_app_entry()
    code = link_room()
    teacher_key = link_value("teacher")
    me = link_value("me")
    try:
        is_teacher = rooms.is_teacher(store(), code, teacher_key)
    except store_errors() as e:
        st.title(tx("title"))
        show_store_error(e)
        return
    if is_teacher:
        st.title(f"{tx('title')} {rooms.display_code(code)}")
        teacher_view(code, teacher_key)
        return
    st.title(tx("title"))
    show_notice()
    if code and store().room(code, rooms.now()) is None:
        st.info(tx("no_room", code=rooms.display_code(code)), icon=":material/search_off:")
        code = me = None
    elif code and teacher_key:
        st.warning(tx("not_teacher", code=rooms.display_code(code)), icon=":material/key_off:")
    if code and me:
        student_view(code, me)
        return
    if not code:
        presenter.intro(tx("intro"))
    join_form(code or "")
    if not code:
        st.divider()
        st.button(tx("start"), key="cls_start", icon=":material/co_present:", help=tx("start_help"),
                  on_click=act, args=(start_class,))
