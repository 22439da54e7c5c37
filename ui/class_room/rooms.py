"""The live class's rules: room codes, the teacher key, polls, answers, the tally, the reveal, "follow me".

What it does: a teacher creates a room (a code easy to read aloud, a secret key); students join with an
optional nickname and get a random student id; the teacher (and only the holder of the key) starts a poll
from a predict-then-run question (lessons.interview.questions: the interview's questions, the claims among
them), reveals its measured answer, sends the class to a page with a set-up, or closes the room (which deletes
it). A student answers the open poll (one answer per student and poll: the last counts). `tally` counts
students and answers and builds each field's distribution, never saying who answered what.
What it does not do: run the experiment (the page asks lessons.interview for it and hands the measured
answer to `reveal`), draw, or know about Streamlit. All shared state goes through a ui.class_room.store.Store.

    >>> normalise_code(" abc-def "), display_code("ABCDEF")
    ('ABCDEF', 'ABC-DEF')
    >>> normalise_code("AB0DEF") is None      # 0 / O / 1 / I are never in a code
    True
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
from typing import List, Optional, Sequence, Tuple

from lessons.interview import questions
from ui.class_room.store import Store, now

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"   # 32 symbols: no 0 / O, no 1 / I (read aloud without doubt)
CODE_LENGTH = 6                                 # 32**6 = 1.07e9 codes: guessing a live one takes ~10**8 tries
NICKNAME_MAX = 24
NUMBER_BINS = 8                                 # a number field's distribution: at most this many bars
PHASES = ("open", "running", "revealed")        # a poll: taking answers, its experiment running, answer shown


class NotAllowed(PermissionError):
    """An action needs the teacher key (or a member's id) and did not get a valid one."""


class RoomGone(LookupError):
    """No such room: never created, closed, or expired after ROOM_TTL_S without activity."""


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """ABCDEF -> ABC-DEF (two halves read aloud)."""
    return f"{code[:3]}-{code[3:]}"


def normalise_code(text) -> Optional[str]:
    """A typed code (any case, spaces, dashes) -> the code, or None if it cannot be one."""
    if not isinstance(text, str):
        return None
    code = "".join(c for c in text.upper() if c not in " -_")
    return code if len(code) == CODE_LENGTH and all(c in ALPHABET for c in code) else None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def clean_nickname(text) -> str:
    """A nickname as stored: printable, trimmed, at most NICKNAME_MAX characters ("" when none)."""
    text = "".join(c for c in str(text or "") if c.isprintable()).strip()
    return text[:NICKNAME_MAX]


# ------------------------------------------------------------------------------------------ the teacher
def create(store: Store) -> Tuple[str, str]:
    """A new room: (code, teacher key). The key is shown to the teacher's browser only; the store keeps its hash."""
    key = secrets.token_urlsafe(18)
    for _ in range(20):
        code = new_code()
        if store.create_room(code, hash_key(key), {"poll": None, "follow": None}, now()):
            return code, key
    raise RuntimeError("no free room code after 20 tries")


def room_state(store: Store, code: str) -> dict:
    record = store.room(code, now())
    if record is None:
        raise RoomGone(code)
    return record.state


def is_teacher(store: Store, code: str, key) -> bool:
    record = store.room(code, now()) if code else None
    return bool(record and isinstance(key, str) and key and hmac.compare_digest(record.key_hash, hash_key(key)))


def _teacher_state(store: Store, code: str, key) -> dict:
    if not is_teacher(store, code, key):
        raise NotAllowed("only the teacher key can do this")
    return room_state(store, code)


def start_poll(store: Store, code: str, key: str, qid: str, facts: dict, corpus: str) -> str:
    """Open a poll on question qid (its question text's values `facts`, the corpus it runs on); its id."""
    if qid not in questions.QUESTION_BY_ID:
        raise ValueError(f"no question {qid!r}")
    state = _teacher_state(store, code, key)
    poll = {"id": secrets.token_hex(4), "qid": qid, "facts": plain(facts), "corpus": corpus, "phase": "open",
            "result": None}
    store.set_state(code, {**state, "poll": poll}, now())
    return poll["id"]


def begin_reveal(store: Store, code: str, key: str) -> dict:
    """Close the poll to answers while its experiment runs; the poll."""
    state = _teacher_state(store, code, key)
    poll = state.get("poll")
    if not poll:
        raise ValueError("no poll to reveal")
    poll = {**poll, "phase": "running"}
    store.set_state(code, {**state, "poll": poll}, now())
    return poll


def reveal(store: Store, code: str, key: str, truth: dict, found: dict) -> None:
    """Show the measured answer (truth: field -> value) and the values of the question's "found" sentence."""
    state = _teacher_state(store, code, key)
    poll = state.get("poll")
    if not poll:
        raise ValueError("no poll to reveal")
    poll = {**poll, "phase": "revealed", "result": {"truth": plain(truth), "found": plain(found)}}
    store.set_state(code, {**state, "poll": poll}, now())


def end_poll(store: Store, code: str, key: str) -> None:
    state = _teacher_state(store, code, key)
    store.set_state(code, {**state, "poll": None}, now())


def send(store: Store, code: str, key: str, page: Optional[str], query: Optional[dict]) -> None:
    """Send the class to a page (a pages/ file) with a set-up (the sidebar's link parameters); None: stop."""
    state = _teacher_state(store, code, key)
    follow = {"page": page, "query": {str(k): str(v) for k, v in (query or {}).items()},
              "id": secrets.token_hex(4)} if page else None
    store.set_state(code, {**state, "follow": follow}, now())


def close(store: Store, code: str, key: str) -> None:
    """End the class: the room, its members and their answers are deleted."""
    _teacher_state(store, code, key)
    store.delete_room(code)


# ------------------------------------------------------------------------------------------ students
def join(store: Store, code: str, nickname="") -> str:
    """A new member of the room; their student id (random, kept in their link so a reload keeps it)."""
    room_state(store, code)
    student = secrets.token_urlsafe(12)
    store.add_member(code, student, clean_nickname(nickname), now())
    return student


def member_nickname(store: Store, code: str, student) -> Optional[str]:
    """The member's nickname ("" if none), or None if `student` is not a member of the room."""
    if not isinstance(student, str) or not student:
        return None
    return store.nickname(code, student)


def answer(store: Store, code: str, student: str, poll_id: str, prediction: dict) -> None:
    """Record a member's prediction for the open poll (replacing their earlier one)."""
    state = room_state(store, code)
    poll = state.get("poll")
    if not poll or poll["id"] != poll_id or poll["phase"] != "open":
        raise ValueError("this poll takes no answers now")
    if member_nickname(store, code, student) is None:
        raise NotAllowed("not a member of this room")
    question = questions.QUESTION_BY_ID[poll["qid"]]
    missing = questions.complete(question, prediction)
    if missing:
        raise ValueError(f"missing or impossible: {', '.join(missing)}")
    value = {f.name: prediction[f.name] for f in question.fields}
    store.put_answer(code, poll_id, student, json.dumps(value), now())


def my_answer(store: Store, code: str, student: str, poll_id: str) -> Optional[dict]:
    raw = store.answer(code, poll_id, student) if student else None
    return json.loads(raw) if raw else None


# ------------------------------------------------------------------------------------------ the tally
def bins(field: questions.Field, values: Sequence[float]) -> List[Tuple[str, float, float]]:
    """A number field's bars: (label, low, high), one per distinct value when there are few, else
    NUMBER_BINS equal bins over the answers' range (the last one closed).

    >>> [b[0] for b in bins(questions.Field("n", "number", integer=True), [3, 5, 3])]
    ['3', '5']
    """
    distinct = sorted(set(values))
    fmt = (lambda x: f"{x:.0f}") if field.integer else (lambda x: f"{x:.3g}")
    if len(distinct) <= NUMBER_BINS:
        return [(fmt(v), v, v) for v in distinct]
    lo, hi = distinct[0], distinct[-1]
    width = (hi - lo) / NUMBER_BINS
    return [(f"{fmt(lo + i * width)}–{fmt(lo + (i + 1) * width)}", lo + i * width, lo + (i + 1) * width)
            for i in range(NUMBER_BINS)]


def distribution(field: questions.Field, values: Sequence) -> List[dict]:
    """One field's answers as bars: [{"label", "count", "value"(choice) / "low","high"(number)}], in order."""
    if field.kind == "choice":
        counts = {c: 0 for c in field.choices}
        for v in values:
            if v in counts:
                counts[v] += 1
        return [{"label": c, "count": n, "value": c} for c, n in counts.items()]
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    bars = [{"label": lab, "count": 0, "low": lo, "high": hi} for lab, lo, hi in bins(field, numbers)]
    for v in numbers:
        bars[bar_of(field, bars, v)]["count"] += 1
    return bars


def bar_of(field: questions.Field, bars: List[dict], value) -> Optional[int]:
    """Which bar a value falls in (a prediction, the measured answer), or None."""
    if value is None:
        return None
    if field.kind == "choice":
        return next((i for i, b in enumerate(bars) if b["value"] == value), None)
    for i, b in enumerate(bars):
        if b["low"] <= float(value) <= b["high"] and (b["low"] == b["high"] or float(value) < b["high"]
                                                      or i == len(bars) - 1):
            return i
    return None


def tally(store: Store, code: str) -> dict:
    """{"students", "answered", "poll", "bars": {field: bars}, "right": n right (after the reveal) or None}."""
    state = room_state(store, code)
    out = {"students": store.member_count(code), "answered": 0, "poll": state.get("poll"), "bars": {},
           "right": None, "follow": state.get("follow")}
    poll = state.get("poll")
    if not poll:
        return out
    given = [json.loads(v) for v in store.answers(code, poll["id"])]
    question = questions.QUESTION_BY_ID[poll["qid"]]
    out["answered"] = len(given)
    out["bars"] = {f.name: distribution(f, [g.get(f.name) for g in given]) for f in question.fields}
    if poll.get("result"):
        out["right"] = sum(questions.score(question, g, poll["result"])["right"] for g in given)
    return out


def plain(value):
    """A value as JSON can hold it: NumPy numbers and arrays become Python's, anything else its text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if hasattr(value, "tolist"):                              # NumPy scalars and arrays
        return plain(value.tolist())
    return str(value)

