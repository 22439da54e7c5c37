"""The live class under load: simulated browser tabs on the Class page, over Streamlit's websocket protocol.

Every tab is deploy.stclient.StreamlitTab (what a browser sends and receives, st.fragment's timers included),
against `make serve-class N=2`: deploy/serve_class.sh with two app processes behind nginx, sharing one class
store (a fresh SQLite folder in bench/out/, or --store redis://...). The bench itself plays the teacher's
key holder: it creates the room and opens the poll through ui.class_room.rooms on the same store (what the
teacher's Start button does), while the teacher's own tab (the projector) watches; each student is a tab
with its own link (?room=&me=, as after joining) whose fragment looks at the store every 2 s.

Scenarios (all by default, --only picks some), written to bench/CLASS_RESULTS.md:
  poll      30 students answer one poll at random moments within 10 s (radio + Send, as a browser sends
            them): for each answer, the time from the student's click until the teacher's screen counts it
            (median, p95, max); the store's reads and writes per second (all app processes);
  many      300 students on the same deployment for --seconds: their screens' refreshes per second, answers,
            the store's reads and writes per second, how late the teacher's screen is;
  kill      30 students; after half of them answered, one app process is killed (SIGKILL); its students'
            tabs reconnect with the same link (nginx sends them to the other process; the supervisor
            restarts the dead one) and the rest answer: is any answer lost, did every student get back in.

    nice -n 10 .venv/bin/python bench/class_live.py               # all three (about 3 minutes)
    nice -n 10 .venv/bin/python bench/class_live.py --only poll --quick

Ports: W2V_APP_PORTS (e.g. 8851-8870). The machine's load average is written beside the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import re
import shutil
import signal
import statistics
import sys
import time
from pathlib import Path

from benchlib import ROOT, dump_json, free_port, load_average, md_table, out_file, write_section

from classroom import deployed, pct  # noqa: E402  (the deployment and the percentile of bench/classroom.py)
from deploy.stclient import ProtocolError, StreamlitTab  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from lessons.interview import questions  # noqa: E402
from ui.class_room import rooms  # noqa: E402
from ui.class_room import store as class_store  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.views.class_room.session import STUDENT_TICK_S  # noqa: E402

RESULTS = ROOT / "bench" / "CLASS_RESULTS.md"
PAGE = "class"
QID = "hs_sum"                       # a choice question: one radio, the answer is the choice's label
ANSWERED = re.compile(t("class_room.answered", "en").replace("{answered}", r"(\d+)").replace("{students}", r"\d+"))
ANSWER_WINDOW_S = 10.0               # students answer at random moments within this many seconds


class Projector(StreamlitTab):
    """The teacher's tab: also records when each "answered / students" metric value arrived."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []                   # (time, answered) of every metric drawn with the count of answers

    def _delta(self, msg) -> None:
        super()._delta(msg)
        el = msg.delta.new_element if msg.delta.WhichOneof("type") == "new_element" else None
        if el is not None and el.WhichOneof("type") == "metric":
            found = ANSWERED.fullmatch(el.metric.body.strip())        # "23 of 30 answered" (the tabs are English)
            if found:
                self.seen.append((time.perf_counter(), int(found.group(1))))

    def first_seen(self, count: int, after: float):
        return next((ts for ts, n in self.seen if n >= count and ts >= after), None)


def ops_total(ops_file: Path) -> tuple:
    """(reads, writes, newest time) over every app process's counts file (store.OPS_ENV)."""
    reads = writes = 0
    newest = 0.0
    for f in ops_file.parent.glob(ops_file.name + ".*"):
        if f.suffix == ".tmp":
            continue
        try:
            d = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        reads, writes, newest = reads + d.get("read", 0), writes + d.get("write", 0), max(newest, d["time"])
    return reads, writes, newest


async def open_students(url: str, code: str, store, n: int, batch: int = 10, strict: bool = True):
    """n students who joined (their id in their link), their tabs opened `batch` at a time. Not strict: a tab
    whose page does not come within its timeout is left out (the caller counts what opened)."""
    tabs = []

    async def one(i):
        me = rooms.join(store, code, f"s{i}")
        tab = StreamlitTab(url, page=PAGE, query=f"room={code}&me={me}", timeout=120)
        try:
            await tab.open()
        except (ProtocolError, OSError):
            await tab.close()
            if strict:
                raise
            return None
        tab.me = me
        return tab

    for start in range(0, n, batch):
        tabs += [tab for tab in await asyncio.gather(*(one(i) for i in range(start, min(n, start + batch)))) if tab]
    return tabs


async def send_answer(tab: StreamlitTab, label: str, timeout: float = 30.0) -> float:
    """Choose `label` on the poll's radio and press Send (one rerun of the fragment, as a browser sends it).

    The tab's 2 s refresh timer pauses meanwhile, so that the run whose end is awaited (and timed) is the
    click's own, not a refresh queued beside it (deploy.stclient's rerun() returns at the first fragment
    run that ends)."""
    radio = [w for w in tab.widgets.values() if w.kind == "radio"][-1]
    send = [w for w in tab.widgets.values() if w.kind == "button" and "cls_send_" in w.id][-1]
    states = [WidgetState(id=radio.id, string_value=label), WidgetState(id=send.id, trigger_value=True)]
    timers = list(tab._timers)
    tab.stop_timers()
    t0 = time.perf_counter()
    try:
        await asyncio.wait_for(tab.rerun(states, fragment_id=send.fragment_id), timeout)
    except asyncio.TimeoutError:
        raise ProtocolError(f"Send was not answered within {timeout:.0f} s") from None
    finally:
        for fid in timers:
            tab._start_timer(fid, STUDENT_TICK_S)
    return t0


def sees_poll(tab: StreamlitTab) -> bool:
    """The poll's radio and its Send button are on the tab's screen."""
    kinds = [(w.kind, w.id) for w in tab.widgets.values()]
    return any(k == "radio" for k, _ in kinds) and any(k == "button" and "cls_send_" in i for k, i in kinds)


async def wait_for_poll(tabs, seconds: float = 20.0, strict: bool = True) -> float:
    """Until every student's fragment has drawn the poll (seconds waited); ProtocolError after `seconds` if
    strict, else the tabs that have it go on."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        if all(sees_poll(tab) for tab in tabs):
            return time.perf_counter() - t0
        await asyncio.sleep(0.2)
    missing = [tab for tab in tabs if not sees_poll(tab)]
    if strict:
        raise ProtocolError(f"{len(missing)} students never saw the poll; one has "
                            f"{sorted((w.kind, w.id[-30:]) for w in missing[0].widgets.values())}")
    return time.perf_counter() - t0


def labels():
    q = questions.QUESTION_BY_ID[QID]
    return [t(f"interview.{QID}.c_{c}", "en") for c in q.fields[0].choices], list(q.fields[0].choices)


async def answer_all(tabs, projector, window: float, errors: list):
    """Each tab answers once at a random moment within `window` s; [(click time, answered rank, choice)]."""
    names, choices = labels()
    done = []

    async def one(tab):
        await asyncio.sleep(random.uniform(0, window))
        k = random.randrange(len(names))
        try:
            t0 = await send_answer(tab, names[k])
        except (ProtocolError, IndexError) as e:
            errors.append(f"{type(e).__name__}: {e}")
            return
        done.append((t0, time.perf_counter(), tab, choices[k]))

    await asyncio.gather(*(one(tab) for tab in tabs))
    return done


def latencies(done, projector) -> list:
    """For each answer (ordered by when its run finished), from its click until the teacher's screen counted
    that many answers."""
    out = []
    for rank, (t0, _, _, _) in enumerate(sorted(done, key=lambda d: d[1]), start=1):
        seen = projector.first_seen(rank, t0)
        out.append(None if seen is None else seen - t0)
    return out


async def setup_room(url: str, store):
    code, key = rooms.create(store)
    projector = Projector(url, page=PAGE, query=f"room={code}&teacher={key}", timeout=120)
    await projector.open()
    return code, key, projector


def open_poll(store, code: str, key: str) -> str:
    return rooms.start_poll(store, code, key, QID, {"V": 21}, "tiny")


async def poll_scenario(url: str, store, ops_file: Path, n: int) -> dict:
    code, key, projector = await setup_room(url, store)
    tabs = await open_students(url, code, store, n)
    open_poll(store, code, key)
    await wait_for_poll(tabs)
    errors = []
    r0, w0, t0 = ops_total(ops_file)
    done = await answer_all(tabs, projector, ANSWER_WINDOW_S, errors)
    await asyncio.sleep(3.0)                           # the last answers reach the projector
    r1, w1, t1 = ops_total(ops_file)
    lat = latencies(done, projector)
    ok = [x for x in lat if x is not None]
    stored = len(store.answers(code, rooms.room_state(store, code)["poll"]["id"]))
    per_process = collections.Counter(tab.upstream or "?" for tab in tabs)
    await asyncio.gather(*(tab.close() for tab in tabs + [projector]), return_exceptions=True)
    rooms.close(store, code, key)
    span = max(1e-9, t1 - t0)
    return {"students": n, "answers_sent": len(done), "answers_stored": stored, "seen_by_teacher": len(ok),
            "median_s": statistics.median(ok) if ok else None, "p95_s": pct(ok, 0.95), "max_s": max(ok) if ok else None,
            "store_reads_per_s": (r1 - r0) / span, "store_writes_per_s": (w1 - w0) / span,
            "tabs_per_process": sorted(per_process.values(), reverse=True), "errors": errors[:3],
            "load1": load_average()}


async def many_scenario(url: str, store, ops_file: Path, n: int, seconds: float) -> dict:
    code, key, projector = await setup_room(url, store)
    t_open = time.perf_counter()
    tabs = await open_students(url, code, store, n, strict=False)
    open_s = time.perf_counter() - t_open
    open_poll(store, code, key)
    poll_seen_s = await wait_for_poll(tabs, 60, strict=False)
    seeing = [tab for tab in tabs if sees_poll(tab)]
    runs0 = sum(tab.fragment_runs for tab in tabs)
    r0, w0, t0 = ops_total(ops_file)
    start = time.perf_counter()
    errors = []
    done = await answer_all(seeing, projector, seconds, errors)
    await asyncio.sleep(3.0)
    wall = time.perf_counter() - start
    r1, w1, t1 = ops_total(ops_file)
    lat = [x for x in latencies(done, projector) if x is not None]
    runs = sum(tab.fragment_runs for tab in tabs) - runs0
    stored = len(store.answers(code, rooms.room_state(store, code)["poll"]["id"]))
    await asyncio.gather(*(tab.close() for tab in tabs + [projector]), return_exceptions=True)
    rooms.close(store, code, key)
    span = max(1e-9, t1 - t0)
    return {"students": n, "opened": len(tabs), "open_all_s": open_s, "poll_seen_s": poll_seen_s, "saw_poll": len(seeing),
            "seconds": wall, "refreshes_per_s": runs / wall, "refreshes_expected_per_s": n / STUDENT_TICK_S,
            "answers_sent": len(done), "answers_stored": stored, "teacher_median_s": statistics.median(lat) if lat else None,
            "teacher_p95_s": pct(lat, 0.95), "store_reads_per_s": (r1 - r0) / span,
            "store_writes_per_s": (w1 - w0) / span, "errors": errors[:3], "n_errors": len(errors),
            "load1": load_average()}


async def kill_scenario(url: str, store, target, n: int) -> dict:
    code, key, projector = await setup_room(url, store)
    tabs = await open_students(url, code, store, n)
    pid = open_poll(store, code, key)
    await wait_for_poll(tabs)
    names, choices = labels()
    first = tabs[: n // 2]
    sent = {}
    for tab in first:
        k = random.randrange(len(names))
        await send_answer(tab, names[k])
        sent[tab.me] = choices[k]
    # the app process serving most students (not the teacher's, so the projector keeps counting) dies
    by_process = collections.Counter(tab.upstream for tab in tabs if tab.upstream != projector.upstream)
    victim_addr = (by_process.most_common(1) or [(tabs[0].upstream, 0)])[0][0]
    port = int(victim_addr.rsplit(":", 1)[1])
    victim = next(p for p in target.pids if any(c.laddr.port == port for c in _listening(p)))
    os.kill(victim, signal.SIGKILL)
    killed_at = time.perf_counter()
    hit = [tab for tab in tabs if tab.upstream == victim_addr]
    await asyncio.sleep(1.0)
    # their tabs reconnect as a browser does: the same link (room + student id), the process's cookie
    back, rejoin_s = [], []
    for tab in hit:
        await tab.close()
        again = StreamlitTab(url, page=PAGE, query=tab.query, timeout=120,
                             cookies=f"w2v_class={victim_addr}")
        t0 = time.perf_counter()
        await again.open()
        rejoin_s.append(time.perf_counter() - t0)
        again.me = tab.me
        back.append(again)
        tabs[tabs.index(tab)] = again
    await wait_for_poll(tabs)
    saved = t("class_room.saved", "en")
    kept_screens = sum(any(saved in a for a in tab.alerts) for tab in back if tab.me in sent)
    for tab in tabs:
        if tab.me not in sent:
            k = random.randrange(len(names))
            await send_answer(tab, names[k])
            sent[tab.me] = choices[k]
    stored = {me: (rooms.my_answer(store, code, me, pid) or {}).get("sum") for me in sent}
    lost = sum(stored[me] != sent[me] for me in sent)
    await asyncio.gather(*(tab.close() for tab in tabs + [projector]), return_exceptions=True)
    rooms.close(store, code, key)
    return {"students": n, "answered_before_kill": len(first), "students_on_killed_process": len(hit),
            "rejoined": len(back), "rejoin_median_s": statistics.median(rejoin_s) if rejoin_s else None,
            "rejoined_seeing_their_answer": kept_screens,
            "rejoined_who_had_answered": sum(tab.me in dict(list(sent.items())[:len(first)]) for tab in back),
            "answers_sent": len(sent), "answers_stored": sum(v is not None for v in stored.values()), "lost": lost,
            "seconds_after_kill": time.perf_counter() - killed_at, "load1": load_average()}


def _listening(pid: int):
    import psutil
    try:
        return [c for c in psutil.Process(pid).net_connections(kind="tcp") if c.status == "LISTEN"]
    except psutil.Error:
        return []


def ms(x) -> str:
    return "—" if x is None else f"{1000 * x:.0f}"


def report(res: dict, label: str, cmd: str) -> str:
    lines = [f"{label}; {time.strftime('%Y-%m-%d %H:%M')} UTC; {os.cpu_count()} CPUs shared with other work; "
             f"`{cmd}`", ""]
    if "poll" in res:
        lines += ["**A poll, 30 students** (each answers once at a random moment within 10 s; from the click to "
                  "the teacher's screen counting it; the teacher's screen reads the store every 1 s; one row per "
                  "round):", ""]
        lines += md_table(["students", "answers sent / stored / seen", "median ms", "p95 ms", "max ms",
                           "store reads/s", "store writes/s", "tabs per process", "load (1 min)"],
                          [[p["students"], f"{p['answers_sent']} / {p['answers_stored']} / {p['seen_by_teacher']}",
                            ms(p["median_s"]), ms(p["p95_s"]), ms(p["max_s"]), f"{p['store_reads_per_s']:.0f}",
                            f"{p['store_writes_per_s']:.1f}", p["tabs_per_process"], f"{p['load1']:.1f}"]
                           for p in res["poll"]], "rrrrrrrlr")
        lines.append("")
    if "many" in res:
        m = res["many"][0]
        lines += [f"**{m['students']} students** (each screen refreshes every 2 s; each answers once within "
                  f"{m['seconds'] - 3:.0f} s; from the click to the teacher's screen counting it):", ""]
        lines += md_table(["students (tabs that opened)", "all tabs open (s)", "saw the poll (within s)", "refreshes/s (asked)",
                           "answers sent / stored", "teacher median ms",
                           "teacher p95 ms", "store reads/s", "store writes/s", "errors", "load (1 min)"],
                          [[m["students"] if m["opened"] == m["students"] else f"{m['opened']} of {m['students']}",
                            f"{m['open_all_s']:.0f}", f"{m['saw_poll']} ({m['poll_seen_s']:.0f})",
                            f"{m['refreshes_per_s']:.0f} ({m['refreshes_expected_per_s']:.0f})",
                            f"{m['answers_sent']} / {m['answers_stored']}", ms(m["teacher_median_s"]),
                            ms(m["teacher_p95_s"]), f"{m['store_reads_per_s']:.0f}", f"{m['store_writes_per_s']:.1f}",
                            m["n_errors"], f"{m['load1']:.1f}"] for m in res["many"]], "rrrrrrrrrrr")
        lines.append("")
    if "kill" in res:
        k = res["kill"]
        lines += ["**An app process killed mid-poll** (SIGKILL after half the class answered; its students' tabs "
                  "reconnect with their link):", ""]
        lines += md_table(["students", "on the killed process", "rejoined (median s)", "rejoined and saw their answer",
                           "answers sent / stored", "lost", "load (1 min)"],
                          [[k["students"], k["students_on_killed_process"],
                            f"{k['rejoined']} ({k['rejoin_median_s'] or 0:.1f})",
                            f"{k['rejoined_seeing_their_answer']} of {k['rejoined_who_had_answered']}",
                            f"{k['answers_sent']} / {k['answers_stored']}", k["lost"], f"{k['load1']:.1f}"]],
                          "rrrrrrr")
    return "\n".join(lines)


async def run_all(args, target, store, ops_file: Path) -> dict:
    res = {}
    only = set(args.only.split(",")) if args.only else {"poll", "many", "kill"}
    for _ in range(args.rounds):                       # rounds one after the other: the load changes between them
        if "poll" in only:
            res.setdefault("poll", []).append(await poll_scenario(target.url, store, ops_file, 30))
            print("poll:", res["poll"][-1], flush=True)
        if "many" in only:
            res.setdefault("many", []).append(await many_scenario(target.url, store, ops_file, args.many, args.seconds))
            print("many:", res["many"][-1], flush=True)
    if "kill" in only:
        res["kill"] = await kill_scenario(target.url, store, target, 30)
        print("kill:", res["kill"], flush=True)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="comma list of: poll,many,kill")
    ap.add_argument("--many", type=int, default=300, help="students in the 'many' scenario")
    ap.add_argument("--seconds", type=float, default=20.0, help="length of the 'many' scenario")
    ap.add_argument("--store", default="", help="W2V_CLASS_STORE for the app processes (default: a fresh folder)")
    ap.add_argument("--rounds", type=int, default=2, help="rounds of 'poll' and 'many' (one row each)")
    ap.add_argument("--quick", action="store_true", help="fewer students, results only into bench/out/")
    args = ap.parse_args()
    if args.quick:
        args.many, args.seconds, args.rounds = 60, 8.0, 1
    spec = args.store or str(out_file("class_store"))
    if not args.store:
        shutil.rmtree(spec, ignore_errors=True)
    ops_file = out_file("class_ops") / "ops"
    shutil.rmtree(ops_file.parent, ignore_errors=True)
    ops_file.parent.mkdir(parents=True)
    os.environ.update({class_store.ENV: spec, class_store.OPS_ENV: str(ops_file), "W2V_CLASS_WARM": "0"})
    ports = None
    if os.environ.get("W2V_APP_PORTS"):
        lo, _, hi = os.environ["W2V_APP_PORTS"].partition("-")
        ports = range(int(lo), int(hi or lo) + 1)
    port = free_port(ports)
    first = free_port([p for p in (ports or range(20000, 20100)) if p not in (port,)])
    if free_port([first + 1]) != first + 1:
        sys.exit(f"port {first + 1} is taken: give W2V_APP_PORTS a range with room")
    store = class_store.open_store(spec)
    target = deployed(2, port, first)
    try:
        res = asyncio.run(run_all(args, target, store, ops_file))
    finally:
        target.stop()
    kind = "Redis" if spec.startswith("redis") else "SQLite"
    label = f"2 app processes behind nginx (`make serve-class N=2`), {kind} store"
    cmd = "nice -n 10 .venv/bin/python bench/class_live.py " + " ".join(sys.argv[1:])
    text = report(res, label, cmd.strip())
    dump_json(out_file(f"class_live{'_quick' if args.quick else ''}.json"), res)
    print(text)
    if not args.quick:
        write_section(RESULTS, kind.lower(), f"## {label}\n\n{text}",
                      title="# The live class under load (bench/class_live.py)")


if __name__ == "__main__":
    main()
