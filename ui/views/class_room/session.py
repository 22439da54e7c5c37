"""The Class page's shared pieces: its texts, who this browser is (from its link), the store, links and QR code.

What it does: reads the link's room code, teacher key and student id (?room=, ?teacher=, ?me=: the URL is
where they live, so a reload or a second tab of the same link is the same person), opens the store, builds
the students' join link and its QR code (segno), and names a poll's question, fields and values in the
session's language (the Interview page's texts).
What it does not do: decide who may do what (ui/class_room/rooms.py) or draw a whole screen (teacher.py,
student.py).
"""

from __future__ import annotations

import io
import os
import sqlite3
from typing import Optional
from urllib.parse import urlencode, urlsplit

import streamlit as st

from lessons.interview import questions
from ui.class_room import rooms
from ui.class_room.store import Store, describe, open_store
from ui.i18n import t
from ui.views.interview.answers import qtext, shown_facts
from ui.views.interview.card import field_label, show_value

PAGE = "pages/13_class.py"
URL_ENV = "W2V_CLASS_URL"          # the address students use, when the teacher's browser shows another (localhost)
TEACHER_TICK_S = 1.0               # the projector's live view: how often it reads the store
STUDENT_TICK_S = 2.0               # a student's screen: how often it looks for a new poll, a reveal, a page


def tx(key: str, **values) -> str:
    return t(f"class_room.{key}", **values)


def store() -> Store:
    return open_store()


def store_errors() -> tuple:
    """The exceptions a store raises when it cannot be reached (SQLite's, the OS's, Redis's)."""
    errors = (sqlite3.Error, OSError)
    try:
        import redis
        errors += (redis.exceptions.RedisError,)
    except ImportError:  # pragma: no cover - redis is in requirements.txt
        pass
    return errors


def show_store_error(error: Exception) -> None:
    st.error(tx("store_down", where=describe(), error=error), icon=":material/cloud_off:")


def link_room() -> Optional[str]:
    return rooms.normalise_code(st.query_params.get("room"))


def link_value(name: str) -> Optional[str]:
    value = st.query_params.get(name)
    return value if isinstance(value, str) and value else None


def join_url(code: str) -> str:
    """What students open: the Class page's address (W2V_CLASS_URL if set) with ?room=CODE."""
    base = os.environ.get(URL_ENV) or st.context.url or "http://localhost:8501/class"
    return f"{base.rstrip('/')}?{urlencode({'room': code})}"


def own_url(params: dict) -> str:
    return f"{(st.context.url or 'http://localhost:8501/class').rstrip('/')}?{urlencode(params)}"


def local_only(url: str) -> Optional[str]:
    """The host of a link only this computer can open (localhost, 127.x), or None."""
    host = urlsplit(url).hostname or ""
    return host if host in ("localhost", "::1") or host.startswith("127.") else None


@st.cache_data(max_entries=64, show_spinner=False)
def qr_png(url: str) -> bytes:
    """The link as a QR code (PNG; error correction M, a quiet zone of 4 modules, as the standard asks)."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=10, border=4)
    return out.getvalue()


# ------------------------------------------------------------------------------------------ a poll's texts
def question_title(qid: str) -> str:
    return f"{questions.number(qid)}. {qtext(qid, 'title')}"


def question_text(poll: dict) -> str:
    return qtext(poll["qid"], "ask", **shown_facts(poll["facts"]))


def label_of(poll: dict, field: questions.Field) -> str:
    return field_label(questions.QUESTION_BY_ID[poll["qid"]], field, shown_facts(poll["facts"]))


def value_text(poll: dict, field: questions.Field, value) -> str:
    return show_value(field, value, questions.QUESTION_BY_ID[poll["qid"]], shown_facts(poll["facts"]))


def bar_labels(poll: dict, field: questions.Field, bars: list) -> list:
    if field.kind == "choice":
        return [value_text(poll, field, b["value"]) for b in bars]
    return [b["label"] for b in bars]


def found_text(poll: dict) -> Optional[str]:
    """The question's "found" sentence with the reveal's values, or None if they do not fill it."""
    try:
        return qtext(poll["qid"], "found", **shown_facts(poll["result"]["found"]))
    except (KeyError, ValueError, TypeError, IndexError):
        return None


def plain_text(text: str) -> str:
    r"""A student's nickname as Markdown shows it: as typed, never a link, an image or formatting.

    >>> print(plain_text("![x](y) *hi*"))
    \!\[x\]\(y\) \*hi\*
    """
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~$" else c for c in text)


def share(right: int, answered: int) -> str:
    return f"{100 * right / answered:.0f}%" if answered else "–"


NOTICE = "cls_notice"              # a message from a callback (shown on the next run, in its language)


def act(fn, *args) -> None:
    """Run a room action from a button's callback; a refused or failed one leaves a notice instead of a traceback."""
    try:
        fn(*args)
    except rooms.RoomGone:
        st.session_state[NOTICE] = ("closed", {})
    except rooms.NotAllowed:
        st.session_state[NOTICE] = ("not_teacher", {"code": rooms.display_code(args[1]) if len(args) > 1 else ""})
    except ValueError:
        st.session_state[NOTICE] = ("poll_closed", {})
    except store_errors() as e:
        st.session_state[NOTICE] = ("store_down", {"where": describe(), "error": str(e)})


def show_notice() -> None:
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.warning(tx(notice[0], **notice[1]), icon=":material/info:")
