"""The live class's store and rules (ui/class_room/): the same tests against SQLite (a file in WAL mode) and
Redis (a redis-server started on a free port for the test; Debian's package `redis-server`, which .ci/run
installs). Codes, the teacher key, one answer per student and poll, the tally that never says who answered
what, expiry after 12 h without activity, closing deletes everything, and a second process sees every write.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.app_server import free_port
from ui.class_room import rooms
from ui.class_room import store as class_store
from ui.class_room.store import ROOM_TTL_S, RedisStore, SqliteStore

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server of our own on a free port (no persistence), stopped after the module."""
    if REDIS_SERVER is None:
        pytest.skip("this machine has no redis-server (Debian package redis-server; .ci/run installs it)")
    pytest.importorskip("redis", reason="the python package redis (requirements.txt) is not installed")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)
    import redis
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not answer")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(params=["sqlite", "redis"])
def store_spec(request, tmp_path):
    """W2V_CLASS_STORE for each kind of store: a fresh folder, or a fresh Redis database."""
    if request.param == "sqlite":
        return str(tmp_path / "class")
    url = request.getfixturevalue("redis_url")
    import redis
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def store(store_spec):
    return class_store.open_store(store_spec)


def test_open_store_picks_the_kind_from_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(class_store.ENV, str(tmp_path / "here"))
    s = class_store.open_store()
    assert isinstance(s, SqliteStore) and s.path == tmp_path / "here" / "class.sqlite3"
    assert isinstance(class_store.open_store("redis://127.0.0.1:1/0"), RedisStore)   # no connection until used
    monkeypatch.delenv(class_store.ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert class_store.describe() == str(tmp_path / "data" / "word2vec-class" / "class.sqlite3")


def test_sqlite_file_is_in_wal_mode(tmp_path):
    s = SqliteStore(tmp_path)
    rooms.create(s)
    assert sqlite3.connect(s.path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_codes_are_easy_to_read_aloud_and_hard_to_guess():
    codes = {rooms.new_code() for _ in range(2000)}
    assert len(codes) == 2000                                     # 32**6 codes: no repeat in 2000
    letters = set("".join(codes))
    assert not letters & set("0O1I") and letters <= set(rooms.ALPHABET)
    assert len(rooms.ALPHABET) ** rooms.CODE_LENGTH > 10**9
    assert rooms.normalise_code("abc def") == "ABCDEF" and rooms.normalise_code("ABCDE") is None


def test_only_the_teacher_key_runs_the_class(store):
    code, key = rooms.create(store)
    assert rooms.is_teacher(store, code, key)
    assert not rooms.is_teacher(store, code, "wrong") and not rooms.is_teacher(store, code, None)
    assert key not in json.dumps(store.room(code, time.time()).__dict__)     # only its hash is stored
    other_code, other_key = rooms.create(store)
    for action, args in [(rooms.start_poll, ("hs_sum", {}, "tiny")), (rooms.begin_reveal, ()),
                         (rooms.reveal, ({"sum": "one"}, {})), (rooms.send, ("pages/04_step.py", {})),
                         (rooms.end_poll, ()), (rooms.close, ())]:
        with pytest.raises(rooms.NotAllowed):
            action(store, code, other_key, *args)                  # another room's key opens nothing here
    assert store.room(code, time.time()) is not None


def test_a_poll_takes_one_answer_per_student_and_the_tally_names_nobody(store):
    code, key = rooms.create(store)
    ana = rooms.join(store, code, "Ana")
    bo = rooms.join(store, code, "")
    cy = rooms.join(store, code, "  Cy\x00 ")
    assert rooms.member_nickname(store, code, cy) == "Cy" and rooms.member_nickname(store, code, bo) == ""
    assert rooms.member_nickname(store, code, "stranger") is None
    poll = rooms.start_poll(store, code, key, "hs_sum", {}, "tiny")
    rooms.answer(store, code, ana, poll, {"sum": "less"})
    rooms.answer(store, code, ana, poll, {"sum": "one"})          # the last one counts
    rooms.answer(store, code, bo, poll, {"sum": "more"})
    with pytest.raises(ValueError):
        rooms.answer(store, code, cy, poll, {"sum": "seven"})      # not a choice of the question
    with pytest.raises(rooms.NotAllowed):
        rooms.answer(store, code, "stranger", poll, {"sum": "one"})
    tally = rooms.tally(store, code)
    assert (tally["students"], tally["answered"]) == (3, 2)
    assert {b["value"]: b["count"] for b in tally["bars"]["sum"]} == {"one": 1, "less": 0, "more": 1, "depends": 0}
    text = json.dumps(tally)
    assert ana not in text and "Ana" not in text and bo not in text  # no student id, no name
    assert sorted(store.answers(code, poll)) == sorted([json.dumps({"sum": "one"}), json.dumps({"sum": "more"})])
    rooms.begin_reveal(store, code, key)
    with pytest.raises(ValueError):
        rooms.answer(store, code, cy, poll, {"sum": "one"})        # closed while the experiment runs
    rooms.reveal(store, code, key, {"sum": "one"}, {"V": 5})
    tally = rooms.tally(store, code)
    assert tally["right"] == 1 and tally["poll"]["result"]["truth"] == {"sum": "one"}
    assert rooms.my_answer(store, code, ana, poll) == {"sum": "one"}


def test_number_answers_are_binned_and_the_measured_bar_found(store):
    code, key = rooms.create(store)
    poll = rooms.start_poll(store, code, key, "huffman", {}, "tiny")
    values = [1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 30]
    for v in values:
        rooms.answer(store, code, rooms.join(store, code), poll, {"top": v, "rare": 6, "average": "shorter"})
    bars = rooms.tally(store, code)["bars"]["top"]
    assert len(bars) == rooms.NUMBER_BINS and sum(b["count"] for b in bars) == len(values)
    assert bars[0]["low"] == 1 and bars[-1]["high"] == 30 and bars[-1]["count"] == 1
    field = rooms.questions.QUESTION_BY_ID["huffman"].fields[0]
    assert rooms.bar_of(field, bars, 30) == len(bars) - 1 and rooms.bar_of(field, bars, 1) == 0


def test_closing_deletes_the_room_its_names_and_answers(store):
    code, key = rooms.create(store)
    student = rooms.join(store, code, "Ana")
    poll = rooms.start_poll(store, code, key, "hs_sum", {}, "tiny")
    rooms.answer(store, code, student, poll, {"sum": "one"})
    rooms.close(store, code, key)
    assert store.room(code, time.time()) is None
    assert store.nickname(code, student) is None and store.answers(code, poll) == [] and store.member_count(code) == 0
    with pytest.raises(rooms.RoomGone):
        rooms.join(store, code, "late")
    if isinstance(store, SqliteStore):
        db = sqlite3.connect(store.path)
        assert [db.execute(f"SELECT COUNT(*) FROM {t} WHERE code = ?", (code,)).fetchone()[0]
                for t in ("rooms", "members", "answers")] == [0, 0, 0]
    else:
        assert store.r.keys(f"w2v:*{code}*") == []


def test_a_room_expires_after_12_hours_without_activity(store, monkeypatch):
    code, key = rooms.create(store)
    student = rooms.join(store, code)
    t0 = time.time()
    assert store.room(code, t0 + ROOM_TTL_S - 60) is not None
    assert store.room(code, t0 + ROOM_TTL_S + 60) is None           # read as gone at once
    if isinstance(store, SqliteStore):
        assert store.purge(t0 + ROOM_TTL_S + 60) == 1 and store.nickname(code, student) is None
    else:
        assert 0 < store.r.ttl(f"w2v:room:{code}") <= ROOM_TTL_S     # Redis deletes the keys itself
        assert 0 < store.r.ttl(f"w2v:members:{code}") <= ROOM_TTL_S
    monkeypatch.setattr(rooms, "now", lambda: t0 + 2 * ROOM_TTL_S)
    with pytest.raises(rooms.RoomGone):
        rooms.join(store, code)


def test_activity_keeps_a_room(store, monkeypatch):
    code, key = rooms.create(store)
    later = time.time() + ROOM_TTL_S - 60
    monkeypatch.setattr(rooms, "now", lambda: later)
    rooms.join(store, code)                                          # a write is activity
    assert store.room(code, later + ROOM_TTL_S - 120) is not None


WRITER = """
import sys
sys.path.insert(0, {root!r})
from ui.class_room import rooms, store
s = store.open_store({spec!r})
code, poll = sys.argv[1], sys.argv[2]
for i in range(int(sys.argv[3])):
    rooms.answer(s, code, rooms.join(s, code, f"p{{i}}"), poll, {{"sum": "one"}})
"""


def test_another_process_sees_every_write(store, store_spec, tmp_path):
    """Two writer processes and this one share the store: every answer is there (SQLite file or Redis)."""
    code, key = rooms.create(store)
    poll = rooms.start_poll(store, code, key, "hs_sum", {}, "tiny")
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT), spec=store_spec))
    procs = [subprocess.Popen([sys.executable, str(script), code, poll, "15"]) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    tally = rooms.tally(store, code)
    assert (tally["students"], tally["answered"]) == (30, 30)
    assert store.ops["read"] > 0 and store.ops["write"] > 0
