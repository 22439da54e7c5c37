"""The live class's store: rooms, their members and their answers, shared by every app process.

What it does: one small interface (`Store`) with two implementations behind it:
- `SqliteStore` (the default): one SQLite database file in WAL mode, in the folder W2V_CLASS_STORE names
  (default: the user's data folder, $XDG_DATA_HOME/word2vec-class or ~/.local/share/word2vec-class). Every
  app process on the machine opens the same file, so `make serve-class` shares its rooms with nothing to
  install; a write is committed before the call returns, so a killed app process loses no answer.
- `RedisStore`, when W2V_CLASS_STORE is a redis:// (or rediss://) URL: app processes on several machines
  behind one load balancer share one Redis server. Redis's own EXPIRE drops a room's keys after ROOM_TTL_S.
`open_store()` picks one from the environment (one per process and address).

A room's record is (code, hash of the teacher key, state as JSON text, last activity); a member is a
random student id with a nickname (possibly empty); an answer is a student's prediction (JSON text) in one
poll, one per student and poll (a new answer replaces the old). `answers()` hands out the values only,
never who gave them. Every write counts as activity; a room with no activity for ROOM_TTL_S is gone
(read as missing, deleted at the next purge). `delete_room` deletes the room, its members and its answers.
`ops` counts this process's reads and writes (bench/class_live.py reports them per second).
What it does not do: decide who may do what (ui/class_room/rooms.py does) or know about Streamlit.
"""

from __future__ import annotations

import collections
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

ENV = "W2V_CLASS_STORE"
ROOM_TTL_S = 12 * 3600          # a room without activity for 12 hours is gone
DB_NAME = "class.sqlite3"


@dataclass(frozen=True)
class RoomRecord:
    code: str
    key_hash: str               # sha256 of the teacher key (the key itself is never stored)
    state: dict                 # the poll under way, where the teacher sent the class (rooms.py owns its shape)
    active: float               # time of the last write (time.time())


OPS_ENV = "W2V_CLASS_OPS_FILE"     # bench/class_live.py: each process writes its counts to <file>.<pid> (JSON)


class OpsCounter(collections.Counter):
    """Reads and writes made by this process; with W2V_CLASS_OPS_FILE set, also written (at most once a
    second) to that file's name + "." + the process id, where a benchmark adds up every app process's."""

    def __init__(self):
        super().__init__()
        self.file = os.environ.get(OPS_ENV)
        self.saved = 0.0

    def __missing__(self, key):
        return 0

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        if self.file and time.monotonic() - self.saved > 1.0:
            self.saved = time.monotonic()
            tmp = f"{self.file}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump({**self, "time": time.time()}, f)
            os.replace(tmp, f"{self.file}.{os.getpid()}")


class Store:
    """The interface both stores implement (an in-memory test double would too)."""

    def __init__(self):
        self.ops = OpsCounter()                 # "read" / "write": calls made by this process

    def create_room(self, code: str, key_hash: str, state: dict, now: float) -> bool:
        """A new room; False (nothing written) if a live room already has this code."""
        raise NotImplementedError

    def room(self, code: str, now: float) -> Optional[RoomRecord]:
        """The room, or None when there is none or it has expired."""
        raise NotImplementedError

    def set_state(self, code: str, state: dict, now: float) -> None:
        raise NotImplementedError

    def add_member(self, code: str, student: str, nickname: str, now: float) -> None:
        raise NotImplementedError

    def nickname(self, code: str, student: str) -> Optional[str]:
        """The member's nickname ("" when none was given), or None for no such member."""
        raise NotImplementedError

    def member_count(self, code: str) -> int:
        raise NotImplementedError

    def nicknames(self, code: str) -> List[str]:
        raise NotImplementedError

    def put_answer(self, code: str, poll: str, student: str, value: str, now: float) -> None:
        raise NotImplementedError

    def answer(self, code: str, poll: str, student: str) -> Optional[str]:
        raise NotImplementedError

    def answers(self, code: str, poll: str) -> List[str]:
        """Every answer of the poll (values only: never who gave which)."""
        raise NotImplementedError

    def delete_room(self, code: str) -> None:
        raise NotImplementedError

    def purge(self, now: float) -> int:
        """Delete rooms without activity for ROOM_TTL_S (with their members and answers); how many."""
        raise NotImplementedError


# ------------------------------------------------------------------------------------------ SQLite
SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (code TEXT PRIMARY KEY, key_hash TEXT NOT NULL, state TEXT NOT NULL,
                                  active REAL NOT NULL);
CREATE TABLE IF NOT EXISTS members (code TEXT NOT NULL, student TEXT NOT NULL, nickname TEXT NOT NULL,
                                    PRIMARY KEY (code, student));
CREATE TABLE IF NOT EXISTS answers (code TEXT NOT NULL, poll TEXT NOT NULL, student TEXT NOT NULL,
                                    value TEXT NOT NULL, PRIMARY KEY (code, poll, student));
"""


def default_folder() -> Path:
    """$XDG_DATA_HOME/word2vec-class, else ~/.local/share/word2vec-class (the user's data folder)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "word2vec-class"


class SqliteStore(Store):
    """The rooms in <folder>/class.sqlite3 (WAL mode: readers never wait for the writer; one connection per
    thread, since Streamlit runs each session's script in a thread of its own)."""

    def __init__(self, folder):
        super().__init__()
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)   # autocommit; BEGIN when needed
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")     # WAL + NORMAL: a committed write survives a killed process
            db.execute("PRAGMA busy_timeout=10000")
            db.executescript(SCHEMA)
            self._local.db = db
        return db

    def _read(self, sql: str, args=()) -> list:
        self.ops["read"] += 1
        return self._db().execute(sql, args).fetchall()

    def _write(self, statements) -> None:
        self.ops["write"] += 1
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            for sql, args in statements:
                db.execute(sql, args)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @staticmethod
    def _touch(code: str, now: float):
        return "UPDATE rooms SET active = ? WHERE code = ?", (now, code)

    def create_room(self, code, key_hash, state, now):
        self.purge(now)
        if self.room(code, now) is not None:
            return False
        self._write([("INSERT OR REPLACE INTO rooms VALUES (?, ?, ?, ?)", (code, key_hash, json.dumps(state), now))])
        return True

    def room(self, code, now):
        rows = self._read("SELECT key_hash, state, active FROM rooms WHERE code = ?", (code,))
        if not rows or rows[0][2] < now - ROOM_TTL_S:
            return None
        return RoomRecord(code, rows[0][0], json.loads(rows[0][1]), rows[0][2])

    def set_state(self, code, state, now):
        self._write([("UPDATE rooms SET state = ?, active = ? WHERE code = ?", (json.dumps(state), now, code))])

    def add_member(self, code, student, nickname, now):
        self._write([("INSERT OR REPLACE INTO members VALUES (?, ?, ?)", (code, student, nickname)),
                     self._touch(code, now)])

    def nickname(self, code, student):
        rows = self._read("SELECT nickname FROM members WHERE code = ? AND student = ?", (code, student))
        return rows[0][0] if rows else None

    def member_count(self, code):
        return self._read("SELECT COUNT(*) FROM members WHERE code = ?", (code,))[0][0]

    def nicknames(self, code):
        return [r[0] for r in self._read("SELECT nickname FROM members WHERE code = ? ORDER BY nickname", (code,))]

    def put_answer(self, code, poll, student, value, now):
        self._write([("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", (code, poll, student, value)),
                     self._touch(code, now)])

    def answer(self, code, poll, student):
        rows = self._read("SELECT value FROM answers WHERE code = ? AND poll = ? AND student = ?", (code, poll, student))
        return rows[0][0] if rows else None

    def answers(self, code, poll):
        return [r[0] for r in self._read("SELECT value FROM answers WHERE code = ? AND poll = ?", (code, poll))]

    def delete_room(self, code):
        self._write([(f"DELETE FROM {table} WHERE code = ?", (code,)) for table in ("answers", "members", "rooms")])

    def purge(self, now):
        old = [r[0] for r in self._read("SELECT code FROM rooms WHERE active < ?", (now - ROOM_TTL_S,))]
        for code in old:
            self.delete_room(code)
        return len(old)


# ------------------------------------------------------------------------------------------ Redis
class RedisStore(Store):
    """The rooms in a Redis server: w2v:room:<code> (a hash: key_hash, state, active), w2v:members:<code> (a
    hash: student -> nickname), w2v:polls:<code> (a set of poll ids), w2v:answers:<code>:<poll> (a hash:
    student -> answer). Every write refreshes EXPIRE ROOM_TTL_S on all of a room's keys."""

    PREFIX = "w2v"

    def __init__(self, url: str):
        super().__init__()
        import redis                                    # only a Redis deployment needs the client

        self.url = url
        self.r = redis.Redis.from_url(url, decode_responses=True, socket_timeout=10)

    def _k(self, *parts) -> str:
        return ":".join((self.PREFIX,) + parts)

    def _room_keys(self, code: str) -> List[str]:
        polls = self.r.smembers(self._k("polls", code))
        return ([self._k("room", code), self._k("members", code), self._k("polls", code)]
                + [self._k("answers", code, p) for p in polls])

    def _expire_all(self, pipe, code: str, extra=()) -> None:
        for key in set(self._room_keys(code)) | set(extra):
            pipe.expire(key, ROOM_TTL_S)

    def create_room(self, code, key_hash, state, now):
        self.ops["write"] += 1
        created = self.r.hsetnx(self._k("room", code), "key_hash", key_hash)
        if not created:
            return False
        pipe = self.r.pipeline()
        pipe.hset(self._k("room", code), mapping={"state": json.dumps(state), "active": now})
        pipe.expire(self._k("room", code), ROOM_TTL_S)
        pipe.execute()
        return True

    def room(self, code, now):
        self.ops["read"] += 1
        h = self.r.hgetall(self._k("room", code))
        if not h or "state" not in h or float(h["active"]) < now - ROOM_TTL_S:
            return None
        return RoomRecord(code, h["key_hash"], json.loads(h["state"]), float(h["active"]))

    def set_state(self, code, state, now):
        self.ops["write"] += 1
        pipe = self.r.pipeline()
        pipe.hset(self._k("room", code), mapping={"state": json.dumps(state), "active": now})
        self._expire_all(pipe, code)
        pipe.execute()

    def add_member(self, code, student, nickname, now):
        self.ops["write"] += 1
        pipe = self.r.pipeline()
        pipe.hset(self._k("members", code), student, nickname)
        pipe.hset(self._k("room", code), "active", now)
        self._expire_all(pipe, code, [self._k("members", code)])
        pipe.execute()

    def nickname(self, code, student):
        self.ops["read"] += 1
        return self.r.hget(self._k("members", code), student)

    def member_count(self, code):
        self.ops["read"] += 1
        return int(self.r.hlen(self._k("members", code)))

    def nicknames(self, code):
        self.ops["read"] += 1
        return sorted(self.r.hvals(self._k("members", code)))

    def put_answer(self, code, poll, student, value, now):
        self.ops["write"] += 1
        pipe = self.r.pipeline()
        pipe.sadd(self._k("polls", code), poll)
        pipe.hset(self._k("answers", code, poll), student, value)
        pipe.hset(self._k("room", code), "active", now)
        self._expire_all(pipe, code, [self._k("polls", code), self._k("answers", code, poll)])
        pipe.execute()

    def answer(self, code, poll, student):
        self.ops["read"] += 1
        return self.r.hget(self._k("answers", code, poll), student)

    def answers(self, code, poll):
        self.ops["read"] += 1
        return list(self.r.hvals(self._k("answers", code, poll)))

    def delete_room(self, code):
        self.ops["write"] += 1
        self.r.delete(*self._room_keys(code))

    def purge(self, now):
        return 0                                        # Redis expires the keys itself


# ------------------------------------------------------------------------------------------ which one
_STORES: dict = {}
_LOCK = threading.Lock()


def describe(spec: Optional[str] = None) -> str:
    """Where the store is, for the README and error messages: a redis URL or the SQLite file's path."""
    spec = os.environ.get(ENV, "") if spec is None else spec
    if spec.startswith(("redis://", "rediss://", "unix://")):
        return spec
    return str(Path(spec or default_folder()) / DB_NAME)


def open_store(spec: Optional[str] = None) -> Store:
    """The store W2V_CLASS_STORE names (a folder for SQLite, or a redis:// URL; default: the user's data
    folder), one per process and address: a process's sessions share its connections' bookkeeping."""
    spec = os.environ.get(ENV, "") if spec is None else spec
    with _LOCK:
        if spec not in _STORES:
            if spec.startswith(("redis://", "rediss://", "unix://")):
                _STORES[spec] = RedisStore(spec)
            else:
                _STORES[spec] = SqliteStore(spec or default_folder())
        return _STORES[spec]


def now() -> float:
    return time.time()
