"""The Class page (pages/13_class.py) with AppTest: a teacher and students in one process, then students in
other processes sharing the same SQLite file (and the same against Redis where redis-server is installed):
joining, the live count, a poll ("2 of 3 answered", the distribution, nobody named), the reveal on every
screen, follow the teacher, closing; the teacher key recovered by the teacher's own link only; a student
process that is restarted finds its answer again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import kept_choice, run_app, vega_charts
from tests.ui.test_class_store import redis_url  # noqa: F401  (the fixture, for the Redis run)
from ui.class_room import rooms
from ui.class_room import store as class_store
from ui.i18n import t

PAGE = "pages/13_class.py"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.slow)])
def spec(request, tmp_path, monkeypatch, clear_streamlit_caches):
    """W2V_CLASS_STORE for this test: a fresh SQLite folder, or a fresh Redis database."""
    if request.param == "sqlite":
        value = str(tmp_path / "class")
    else:
        value = request.getfixturevalue("redis_url")
        import redis
        redis.Redis.from_url(value).flushdb()
    monkeypatch.setenv(class_store.ENV, value)
    return value


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [h.value for h in at.subheader] + [m.label + " " + m.value for m in at.metric]
                    + [c.value for c in at.caption] + [x.value for x in at.info] + [x.value for x in at.success]
                    + [x.value for x in at.error] + [x.value for x in at.warning])


def button(at, key):
    found = [b for b in at.button if b.key == key]
    assert found, (key, [b.key for b in at.button])
    return found[0]


def teacher(**session):
    at = run_app(PAGE, sb_corpus="tiny", **session)
    button(at, "cls_start").click()
    _ok(at.run())
    assert "teacher" in at.query_params and "room" in at.query_params
    return at


def student(code: str, nickname: str = "", lang: str = "en"):
    at = run_app(PAGE, query={"room": code, "lang": lang})
    at.text_input(key="cls_nickname").input(nickname)
    button(at, "FormSubmitter:cls_join_form-" + t("class_room.join", lang)).click()
    _ok(at.run())
    assert at.query_params.get("me"), "the student id is in the link"
    return at


def start_poll(at, qid: str):
    kept_choice(at.selectbox, "cls_question").set_value(qid)
    _ok(at.run())
    button(at, "cls_start_poll").click()
    _ok(at.run())


def answer(at, values: dict, poll_id: str):
    for name, value in values.items():
        key = f"cls_{poll_id}_{name}"
        if isinstance(value, str):
            kept_choice(at.radio, key).set_value(value)
        else:
            at.number_input(key=key).set_value(value)
    _ok(at.run())
    button(at, f"cls_send_{poll_id}").click()
    _ok(at.run())
    assert t("class_room.saved") in texts(at)


def code_of(at) -> str:
    return at.query_params["room"]


def poll_id(code: str) -> str:
    return rooms.room_state(class_store.open_store(), code)["poll"]["id"]


def chart_counts(at) -> dict:
    """{bar label: count} of the first answers chart on the page."""
    charts = [table for table, _, spec in vega_charts(at) if table is not None and "count" in table.columns]
    assert charts, "no answers chart"
    return dict(zip(charts[0]["label"], charts[0]["count"]))


def test_a_class_in_one_process(spec):
    prof = teacher(sb_window=5)
    code = code_of(prof)
    ana, bo, cy = student(code, "Ana"), student(code), student(code, "Cy")
    assert t("class_room.waiting") in texts(ana)
    assert "Ana" in texts(ana) and t("class_room.anonymous") in texts(bo)
    _ok(prof.run())
    assert t("class_room.students_n", n=3) in texts(prof)                     # the live count

    start_poll(prof, "hs_sum")
    pid = poll_id(code)
    for s in (ana, bo, cy):
        _ok(s.run())
        assert t("interview.hs_sum.title") in texts(s)
    answer(ana, {"sum": "less"}, pid)
    answer(ana, {"sum": "one"}, pid)                                           # the last one counts
    answer(bo, {"sum": "more"}, pid)
    _ok(prof.run())
    shown = texts(prof)
    assert t("class_room.answered", answered=2, students=3) in shown
    counts = chart_counts(prof)
    assert counts[t("interview.hs_sum.c_one")] == 1 and counts[t("interview.hs_sum.c_more")] == 1
    assert sum(counts.values()) == 2
    assert "Ana" not in shown and "Cy" not in shown                           # nobody named on the projector
    prof.toggle(key="cls_show_names").set_value(True)                         # ... unless the teacher asks
    _ok(prof.run())
    assert "Ana, Cy" in texts(prof)
    prof.toggle(key="cls_show_names").set_value(False)

    button(prof, "cls_reveal").click()
    _ok(prof.run())
    shown = texts(prof)
    assert t("class_room.right_label", right=1, answered=2) + " 50%" in shown      # the experiment measured "one"
    _ok(ana.run()), _ok(bo.run()), _ok(cy.run())
    assert t("class_room.you_right") in texts(ana) and t("class_room.you_wrong") in texts(bo)
    assert t("class_room.no_answer") in texts(cy)
    assert t("class_room.class_share", right=1, answered=2) + " 50%" in texts(cy)
    mine = [table for table, _, _ in vega_charts(bo) if table is not None and "you" in table.columns][0]
    assert list(mine.loc[mine["you"] != "", "label"]) == [t("interview.hs_sum.c_more")]   # own prediction marked

    # follow the teacher: the teacher's set-up (window 5 on tiny) comes along
    kept_choice(prof.selectbox, "cls_follow_page").set_value("pages/04_step.py")
    button(prof, "cls_send").click()
    _ok(prof.run())
    _ok(bo.run())
    assert t("class_room.follow_note", page=t("nav.step")) in texts(bo)
    follow = [b for b in bo.button if (b.key or "").startswith("cls_follow_")][0]
    follow.click()
    _ok(bo.run())
    assert bo.session_state["sb_window"] == 5 and bo.session_state["sb_corpus"] == "tiny"
    assert any(t("step.title") in x.value for x in bo.title)
    assert bo.query_params["room"] == code and bo.query_params["me"]      # still in the class

    button(prof, "cls_close").click()
    _ok(prof.run())
    assert class_store.open_store().room(code, rooms.now()) is None
    _ok(ana.run())                 # a whole run (a reload) says the room is gone; a refresh says "ended"
    assert t("class_room.no_room", code=rooms.display_code(code)) in texts(ana)
    assert not [r for r in ana.main.radio] and t("class_room.waiting") not in texts(ana)


def test_the_teacher_key_is_recovered_by_the_teachers_link_only(spec):
    prof = teacher()
    code, key = code_of(prof), prof.query_params["teacher"]
    again = _ok(run_app(PAGE, query={"room": code, "teacher": key}))       # a reload or a second tab
    assert any(rooms.display_code(code) in x.value for x in again.title)
    assert [b for b in again.button if b.key == "cls_start_poll"]
    forged = _ok(run_app(PAGE, query={"room": code, "teacher": key[:-2] + "xx"}))
    assert t("class_room.not_teacher", code=rooms.display_code(code)) in texts(forged)
    assert not [b for b in forged.button if b.key in ("cls_start_poll", "cls_close", "cls_send")]
    nosy = student(code, "Nosy")
    assert not [b for b in nosy.button if b.key in ("cls_start_poll", "cls_close", "cls_send", "cls_reveal")]


def test_bad_codes_say_what_is_wrong(spec):
    at = run_app(PAGE)
    at.text_input(key="cls_code").input("O0I1AB")
    button(at, "FormSubmitter:cls_join_form-" + t("class_room.join")).click()
    _ok(at.run())
    assert t("class_room.bad_code", code="O0I1AB") in texts(at)
    at.text_input(key="cls_code").input("ZZZ-ZZZ")
    button(at, "FormSubmitter:cls_join_form-" + t("class_room.join")).click()
    _ok(at.run())
    assert t("class_room.no_room", code="ZZZ-ZZZ") in texts(at)


def test_the_page_in_chinese(spec):
    prof = teacher(lang="zh")
    code = code_of(prof)
    s = student(code, "李", lang="zh")
    start_poll(prof, "huffman")
    _ok(s.run())
    assert t("interview.huffman.title", "zh") in texts(s) and t("class_room.send_answer", "zh") in [b.label for b in s.button]


STUDENT = """
import json, os, sys
sys.path.insert(0, {root!r})
from tests.conftest import run_app, kept_choice
page, code, me, choice = sys.argv[1:5]
at = run_app(page, query={{"room": code, "me": me}} if me else {{"room": code}})
if not me:
    at.text_input(key="cls_nickname").input("far away")
    [b for b in at.button if b.key.startswith("FormSubmitter:cls_join_form")][0].click()
    at.run()
    me = at.query_params["me"]
from ui.class_room import rooms, store
poll = rooms.room_state(store.open_store(), code)["poll"]
if poll and choice:
    kept_choice(at.radio, f"cls_{{poll['id']}}_sum").set_value(choice)
    at.run()
    [b for b in at.button if b.key == f"cls_send_{{poll['id']}}"][0].click()
    at.run()
out = [m.value for m in at.markdown] + [h.value for h in at.subheader] + [c.value for c in at.caption] + [x.value for x in at.success]
out += [x.value for x in at.error] + [x.value for x in at.info]
print(json.dumps({{"me": me, "texts": out, "exceptions": [e.value for e in at.exception]}}))
"""


def other_process(tmp_path, code: str, me: str = "", choice: str = "") -> dict:
    script = tmp_path / "student.py"
    script.write_text(STUDENT.format(root=str(ROOT)))
    out = subprocess.run([sys.executable, str(script), PAGE, code, me, choice], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert not result["exceptions"], result["exceptions"]
    return result


@pytest.mark.slow
def test_students_in_other_processes_share_the_store(spec, tmp_path):
    """Two student processes join and answer; this process's teacher sees both; after the reveal a new
    process (the same student's link: a restarted app process) finds its answer and the result."""
    prof = teacher()
    code = code_of(prof)
    start_poll(prof, "hs_sum")
    first = other_process(tmp_path, code, choice="one")
    second = other_process(tmp_path, code, choice="less")
    assert t("class_room.saved") in " ".join(first["texts"])
    _ok(prof.run())
    assert t("class_room.answered", answered=2, students=2) in texts(prof)
    button(prof, "cls_reveal").click()
    _ok(prof.run())
    again = other_process(tmp_path, code, me=first["me"])                   # the same student, a new process
    shown = " ".join(again["texts"])
    assert t("class_room.you_right") in shown and t("class_room.mine", value=t("interview.hs_sum.c_one")) in shown
    shown = " ".join(other_process(tmp_path, code, me=second["me"])["texts"])
    assert t("class_room.you_wrong") in shown


def test_a_closed_rooms_links_say_so(spec):
    store = class_store.open_store()
    code, key = rooms.create(store)
    me = rooms.join(store, code, "Ana")
    rooms.close(store, code, key)
    for query in ({"room": code, "teacher": key}, {"room": code, "me": me}):
        at = _ok(run_app(PAGE, query=query))
        assert t("class_room.no_room", code=rooms.display_code(code)) in texts(at)
        assert not [b for b in at.button if b.key in ("cls_start_poll", "cls_close")]
        assert t("class_room.waiting") not in texts(at)
