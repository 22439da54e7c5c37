"""The classroom: how many students can one server hold? Simulated browser tabs over Streamlit's websocket.

Each "tab" is deploy.stclient.StreamlitTab: what a browser sends (a rerun BackMsg with the page and the
widget states; a button click = its trigger), what it receives (ForwardMsgs until script_finished), and
st.fragment's auto reruns. No browser is needed, so 30 tabs cost the client little and the figures are
the server's: the time from sending a click to receiving its script_finished.

Scenarios (all by default; --only picks some), written to bench/CLASSROOM_RESULTS.md:
  next      N = 1, 10, 30 tabs on the Step page, each pressing Next every 2 s (random phase) for --seconds:
            Next median / p95 server round trip, clicks/s served, server CPU per click;
  saturate  30 tabs pressing Next back to back (no pause): the most clicks/s the server gives;
  memory    server RSS per session (30 tabs after their clicks), and after the tabs close and Streamlit's
            disconnected-session TTL has passed (the bench's own server uses a 15 s TTL; default is 120 s);
  play      Play on the embedding page with 1 and 10 tabs: frames/s each tab receives;
  compile   10 tabs pressing Next every 2 s while one more tab first uses a vector size never compiled
            on this machine (Play on the embedding page): the others' Next latency before and during;
  softmax   one tab, Wikipedia sample (wikipedia_head500), full softmax, d = 300: server RSS added by
            Next 100 (x3);
  upload    (no server) memory of a 20 MB uploaded corpus as the app keeps it (text + token ids) and as lists.

    .venv/bin/python bench/classroom.py                      # one app process (streamlit run app.py)
    .venv/bin/python bench/classroom.py --deploy 2           # make serve-class N=2: 2 processes behind nginx
    .venv/bin/python bench/classroom.py --make run --only next,saturate --sessions 30   # what `make run` starts
    .venv/bin/python bench/classroom.py --make dev --only next,saturate --sessions 30   # ... `make dev` (watcher on)
    .venv/bin/python bench/classroom.py --quick              # a few seconds each, into bench/out/ only
    .venv/bin/python bench/classroom.py --only next,saturate --sessions 1,10,30

Ports: W2V_APP_PORTS (e.g. 8711-8739) or any free one. The machine's load average is written with the
figures: other work on the same 2 cores slows every figure down.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

from benchlib import ROOT, AppServer, dump_json, free_port, load_average, md_table, out_file, write_section

from deploy.stclient import ProtocolError, StreamlitTab  # noqa: E402

RESULTS = ROOT / "bench" / "CLASSROOM_RESULTS.md"
STEP_PAGE, LIVE_PAGE = "step", "embedding_space"
NEXT = dict(label="Next", key="step_next")
NEXT100 = dict(label="Next 100", key="step_next100")
PLAY = dict(label="▶ Play", key="live_play")
COMPILE_WINDOW_S = 25   # others' Next is watched this long after a new size's first use (its compile's length)
BENCH_TTL = 15          # server.disconnectedSessionTTL of the bench's own server (Streamlit's default: 120 s)
COMMON_SIZES = (32, 50, 64, 100, 128, 200, 300)   # what deploy/serve_class.sh compiles before serving


# ====================================================================== the server(s)
class Target:
    """Where the tabs connect (url) and which processes to weigh (pids)."""

    def __init__(self, url: str, pids, stop=None, label: str = ""):
        self.url, self.pids, self._stop, self.label = url, list(pids), stop, label

    def rss_mb(self) -> float:
        total = 0
        for pid in self.pids:
            try:
                total += psutil.Process(pid).memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def cpu_s(self) -> float:
        total = 0.0
        for pid in self.pids:
            try:
                t = psutil.Process(pid).cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total

    def stop(self):
        if self._stop:
            self._stop()


def own_server(ports) -> Target:
    app = AppServer(port=free_port(ports), extra_args=["--server.disconnectedSessionTTL", str(BENCH_TTL)],
                    timeout=120).start()
    return Target(app.url, [app.proc.pid], app.stop, "one app process (`streamlit run app.py`)")


class MakeServer(AppServer):
    """`make run PORT=p` (or `make dev`): the command a teacher types, with the project's .streamlit/config.toml
    as it is (make run: no file watcher; make dev: the watcher on, reload on save)."""

    def __init__(self, target: str, **kw):
        super().__init__(**kw)
        self.target = target

    def command(self) -> list:
        # -o .venv/.installed: the venv is there already (the bench runs in it); never reinstall it here
        return ["make", "-s", "-o", ".venv/.installed", self.target, f"PORT={self.port}"]

    def app_pids(self) -> list:
        """make's child: the streamlit process (the one to weigh and to stop)."""
        try:
            return [c.pid for c in psutil.Process(self.proc.pid).children(recursive=True)]
        except psutil.Error:
            return []

    def stop(self) -> None:
        if self.proc is not None:
            for pid in self.app_pids():          # make does not pass its SIGTERM on: stop its children first
                try:
                    psutil.Process(pid).terminate()
                except psutil.Error:
                    pass
        super().stop()


def make_server(target: str, ports) -> Target:
    app = MakeServer(target, port=free_port(ports), timeout=180).start()
    pids = app.app_pids()
    label = ("`make run`: one app process, the project's config (file watcher off)" if target == "run" else
             "`make dev`: one app process with the file watcher on and reload on save")
    return Target(app.url, pids, app.stop, label)


def deployed(n: int, port: int, first_app_port: int) -> Target:
    """deploy/serve_class.sh with n app processes behind nginx on `port`; stopped with its own stop command."""
    run_dir = Path(out_file("classroom_deploy"))
    env = dict(os.environ, W2V_CLASS_DIR=str(run_dir), W2V_CLASS_TTL=str(BENCH_TTL), W2V_CLASS_BIND="127.0.0.1")
    script = ROOT / "deploy" / "serve_class.sh"
    subprocess.run([str(script), "start", str(n), str(port), str(first_app_port)], check=True, env=env, cwd=ROOT)
    pids = [int(p.read_text()) for p in sorted(run_dir.glob("app-*.pid"))]

    def stop():
        subprocess.run([str(script), "stop"], env=env, cwd=ROOT, check=False)

    return Target(f"http://127.0.0.1:{port}", pids, stop, f"{n} app processes behind nginx (`make serve-class N={n}`)")


# ====================================================================== figures
def pct(values, q: float):
    """The q-quantile (nearest rank) of values, or None.

    >>> pct([1, 2, 3, 4], 0.5), pct([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)
    (2, 10)
    """
    v = sorted(values)
    if not v:
        return None
    return v[min(len(v) - 1, max(0, int(round(q * len(v) + 0.5)) - 1))]


def ms(x) -> str:
    return "—" if x is None else f"{1000 * x:.0f}"


async def open_tabs(url: str, n: int, page: str, query: str = "", stagger: float = 0.05):
    tabs = []
    for _ in range(n):
        tab = StreamlitTab(url, page=page, query=query, timeout=300)
        await tab.open()
        tabs.append(tab)
        await asyncio.sleep(stagger)
    return tabs


async def close_tabs(tabs):
    await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)


async def click_loop(tab, button: dict, period: float, until: float, out: list, errors: list, phase: float):
    """Press the button every `period` s (the first after `phase` s) until `until`; record round trips."""
    nxt = time.perf_counter() + phase
    while True:
        now = time.perf_counter()
        if nxt > now:
            await asyncio.sleep(nxt - now)
        if time.perf_counter() >= until:
            return
        try:
            r = await tab.click(**button)
            out.append((time.perf_counter(), r.seconds))
            if not r.ok:
                errors.append(r.exceptions or [f"status {r.status}"])
        except ProtocolError as e:
            errors.append(str(e))
            return
        nxt += period
        if period == 0:
            nxt = time.perf_counter()


async def clicking(target: Target, n: int, seconds: float, period: float, tabs=None) -> dict:
    own = tabs is None
    if own:
        tabs = await open_tabs(target.url, n, STEP_PAGE)
        for tab in tabs:                       # one click each first: the history table and charts exist
            await tab.click(**NEXT)
    samples, errors = [], []
    cpu0, t0 = target.cpu_s(), time.perf_counter()
    until = t0 + seconds
    await asyncio.gather(*(click_loop(t, NEXT, period, until, samples, errors, random.uniform(0, period or 0.01))
                           for t in tabs))
    wall = time.perf_counter() - t0
    cpu = target.cpu_s() - cpu0
    rss = target.rss_mb()
    if own:
        await close_tabs(tabs)
    times = [s for _, s in samples]
    return {"sessions": n, "period_s": period, "clicks": len(times), "wall_s": wall,
            "median_s": statistics.median(times) if times else None, "p95_s": pct(times, 0.95),
            "max_s": max(times) if times else None, "clicks_per_s": len(times) / wall,
            "server_cpu_per_click_s": cpu / max(1, len(times)), "server_rss_mb": rss,
            "errors": [str(e) for e in errors[:5]], "n_errors": len(errors), "load1": load_average()}


async def memory_and_expiry(target: Target, n: int, clicks: int) -> dict:
    one = await open_tabs(target.url, 1, STEP_PAGE)
    for _ in range(3):
        await one[0].click(**NEXT)
    base = target.rss_mb()
    tabs = await open_tabs(target.url, n - 1, STEP_PAGE)
    for _ in range(clicks):
        await asyncio.gather(*(t.click(**NEXT) for t in tabs))
    full = target.rss_mb()
    await close_tabs(tabs + one)
    await asyncio.sleep(BENCH_TTL + 3)
    probe = await open_tabs(target.url, 1, STEP_PAGE)     # touching the session store expires the old ones
    await close_tabs(probe)
    await asyncio.sleep(3)
    after = target.rss_mb()
    return {"sessions": n, "clicks_each": clicks, "rss_one_tab_mb": base, "rss_all_tabs_mb": full,
            "per_session_mb": (full - base) / max(1, n - 1), "rss_after_close_mb": after, "ttl_s": BENCH_TTL}


PLAY_WARMUP_S = 8.0     # Play's first seconds: every tab's pace settles (ui/pacing.py keeps a pace 5 s)


async def play(target: Target, n: int, seconds: float) -> dict:
    query = "corpus=royalty&epochs=500"                   # training outlasts the measurement
    tabs = await open_tabs(target.url, n, LIVE_PAGE, query)
    await asyncio.gather(*(t.click(**PLAY) for t in tabs))
    await asyncio.sleep(PLAY_WARMUP_S)
    counts0 = [t.fragment_runs for t in tabs]
    early0, full0 = sum(t.early_runs for t in tabs), sum(t.full_runs for t in tabs)
    cpu0, t0 = target.cpu_s(), time.perf_counter()
    await asyncio.sleep(seconds)
    wall = time.perf_counter() - t0
    fps = [(t.fragment_runs - c) / wall for t, c in zip(tabs, counts0)]
    early = sum(t.early_runs for t in tabs) - early0
    full = sum(t.full_runs for t in tabs) - full0
    cpu = target.cpu_s() - cpu0
    processes = collections.Counter(t.upstream or "one process" for t in tabs)
    await close_tabs(tabs)
    frames = sum(fps) * wall
    return {"sessions": n, "fps_median": statistics.median(fps), "fps_min": min(fps), "fps_total": sum(fps),
            "early_per_s": early / wall, "full_runs_per_s": full / wall, "seconds": wall,
            "tabs_per_process": sorted(processes.values(), reverse=True),
            "server_cpu_per_frame_s": cpu / max(1, frames), "load1": load_average()}


def new_size() -> int:
    """A vector size this bench has not used before on this machine (numba compiles each size once)."""
    used_file = out_file("classroom_sizes_used.json")
    used = set(json.loads(used_file.read_text()) if used_file.exists() else [])
    choices = [d for d in range(33, 300) if d not in used and d not in COMMON_SIZES]
    d = random.choice(choices)
    used_file.write_text(json.dumps(sorted(used | {d})))
    return d


async def compile_stall(target: Target, n: int, before_s: float) -> dict:
    tabs = await open_tabs(target.url, n, STEP_PAGE)
    for tab in tabs:
        await tab.click(**NEXT)
    d = new_size()
    newcomer = await open_tabs(target.url, 1, LIVE_PAGE, f"corpus=royalty&epochs=500&vector_size={d}")
    samples, errors = [], []
    t0 = time.perf_counter()
    mark = {}

    async def first_use():
        await asyncio.sleep(before_s)
        mark["start"] = time.perf_counter()
        r = await newcomer[0].click(**PLAY)
        mark["play_click_s"] = r.seconds
        while newcomer[0].fragment_runs < 1 and time.perf_counter() - mark["start"] < 120:
            await asyncio.sleep(0.05)
        mark["end"] = time.perf_counter()

    until = t0 + before_s + 60
    user = asyncio.create_task(first_use())
    loops = asyncio.gather(*(click_loop(t, NEXT, 2.0, until, samples, errors, random.uniform(0, 2)) for t in tabs))
    await user
    # the window: until the newcomer's first frame, and at least WINDOW_S (a background compile runs that long)
    mark["window_end"] = max(mark["end"], mark["start"] + COMPILE_WINDOW_S)
    stop_at = mark["window_end"] + 2.0
    while time.perf_counter() < stop_at:
        await asyncio.sleep(0.1)
    loops.cancel()
    try:
        await loops
    except (asyncio.CancelledError, Exception):
        pass
    await close_tabs(tabs + newcomer)
    before = [s for t, s in samples if t - s < mark["start"]]
    during = [s for t, s in samples if t >= mark["start"] and t - s <= mark["window_end"]]
    return {"sessions": n, "vector_size": d, "first_frame_s": mark["end"] - mark["start"],
            "play_click_s": mark.get("play_click_s"),
            "before_median_s": statistics.median(before) if before else None, "before_p95_s": pct(before, 0.95),
            "during_median_s": statistics.median(during) if during else None, "during_max_s": max(during) if during else None,
            "during_clicks": len(during), "n_errors": len(errors)}


async def softmax_memory(target: Target, rounds: int) -> dict:
    """One tab: the page's first run (model built), one Next, then Next 100 `rounds` times; server RSS each time."""
    query = "corpus=wikipedia_head500&objective=softmax&vector_size=300"
    tab = (await open_tabs(target.url, 1, STEP_PAGE, query))[0]
    tab.timeout = 1800
    rss = [target.rss_mb()]
    secs = [(await tab.click(**NEXT)).seconds]
    rss.append(target.rss_mb())
    for _ in range(rounds):
        secs.append((await tab.click(**NEXT100)).seconds)
        rss.append(target.rss_mb())
    await close_tabs([tab])
    return {"rss_mb": rss, "added_by_first_next_mb": rss[1] - rss[0], "added_by_next100_mb": rss[-1] - rss[1],
            "rounds": rounds, "seconds": secs}


PAGES = ["home", "corpus", "windows", "step", "hierarchical_softmax", "negative_sampling", "embedding_space",
         "explore", "compare", "import_export"]


async def pages_server(target: Target, corpus: str) -> dict:
    """Server round trip of each page: its first visit in a new session, then a second visit (navigation)."""
    tab = (await open_tabs(target.url, 1, "home", f"corpus={corpus}"))[0]
    first, again = {}, {}
    for page in PAGES:
        first[page] = (await tab.goto(page)).seconds
    for page in PAGES:
        again[page] = (await tab.goto(page)).seconds
    await close_tabs([tab])
    return {"first": first, "again": again}


def pages_browser(url: str, corpus: str, width: int = 1280, height: int = 720) -> dict:
    """Headless Chromium: click each page's link in the navigation; seconds until its title is shown and
    the run has finished (no stale element, no running indicator). First visit, then a second visit."""
    from playwright.sync_api import sync_playwright

    from benchlib import launch_chromium

    done_js = """(title) => {
      const h = document.querySelector('h1');
      return !!h && h.textContent.trim().startsWith(title) && !document.querySelector('[data-stale="true"]')
        && !document.querySelector('[data-testid="stStatusWidget"]') && !document.querySelector('[data-testid="stSkeleton"]');
    }"""
    out = {"first": {}, "again": {}, "titles": {}}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        tab = browser.new_page(viewport={"width": width, "height": height})
        t0 = time.perf_counter()
        tab.goto(f"{url}/?corpus={corpus}")
        tab.wait_for_selector("h1", timeout=120_000)
        tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
        out["app_open_s"] = time.perf_counter() - t0
        # opening the app is one sample of ~1 s of noise on this machine: two more, each a new browser
        # context (its own cache and cookies: a new student) and so a new session
        out["app_opens_s"] = [out["app_open_s"]]
        for _ in range(2):
            context = browser.new_context(viewport={"width": width, "height": height})
            other = context.new_page()
            t0 = time.perf_counter()
            other.goto(f"{url}/?corpus={corpus}")
            other.wait_for_selector("h1", timeout=120_000)
            other.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                    timeout=120_000)
            out["app_opens_s"].append(time.perf_counter() - t0)
            context.close()
        out["titles"]["current"] = tab.locator("h1").first.inner_text().strip()
        links = tab.locator('[data-testid="stSidebarNav"] a')
        names = [links.nth(i).inner_text().strip() for i in range(links.count())]
        out["names"] = names
        for rnd in ("first", "again"):
            for i, name in enumerate(names):
                if rnd == "first" and i == 0:
                    continue                      # the home page: opened above
                link = tab.locator('[data-testid="stSidebarNav"] a').nth(i)
                t0 = time.perf_counter()
                link.click()
                try:
                    # the new page's title: the h1 that replaces the old one
                    tab.wait_for_function(
                        "(old) => { const h = document.querySelector('h1'); return h && h.textContent.trim() !== old; }",
                        arg=out["titles"].get("current", ""), timeout=60_000)
                    title = tab.locator("h1").first.inner_text().strip()
                    tab.wait_for_function(done_js, arg=title[:20], timeout=60_000, polling=50)
                    out[rnd][name] = time.perf_counter() - t0
                    out["titles"]["current"] = title
                except Exception as e:          # a page that never finishes: recorded, not fatal
                    out[rnd][name] = None
                    out.setdefault("errors", []).append(f"{name}: {type(e).__name__}")
        browser.close()
    out["titles"].pop("current", None)
    return out


# ====================================================================== chart building (no server)
def chart_costs(repeats: int = 20) -> dict:
    """ms to build the Step page's biggest Plotly figure (ui.charts.figures.heatmap_pair, as after a Next on the default
    set-up) three ways: as today (make_subplots + update_* calls), the same figure from one dict in one
    go.Figure(...) call (what st.plotly_chart validates anyway), and as a plain dict handed to JSON (no Plotly
    objects: the cost floor, as the Vega-Lite specs in ui/charts/embedding.py are)."""
    import json as _json

    import numpy as np
    import plotly.graph_objects as go

    from ui.charts import figures

    rng = np.random.default_rng(0)
    left = {"z": rng.normal(size=(6, 20)), "rows": [f"w{i}" for i in range(6)], "title": "before", "colorbar": "value"}
    right = {"z": rng.normal(size=(6, 20)), "rows": [f"w{i}" for i in range(6)], "title": "after", "colorbar": "value"}

    def best(fn):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(1000 * (time.perf_counter() - t0))
        return statistics.median(times)

    spec = figures.heatmap_pair(left, right).to_dict()
    today = best(lambda: figures.heatmap_pair(left, right))
    one_dict = best(lambda: go.Figure(spec))
    floor = best(lambda: _json.dumps(spec, default=lambda a: a.tolist()))
    unvalidated = best(lambda: go.Figure(spec, _validate=False))   # plotly's private switch: no validation
    return {"today_ms": today, "one_dict_ms": one_dict, "unvalidated_ms": unvalidated, "json_only_ms": floor}


# ====================================================================== the upload (no server)
UPLOAD_CHILD = r"""
import gc, json, os, sys, tracemalloc
sys.path.insert(0, sys.argv[1])
import engine
data = open(sys.argv[2], "rb").read()
gc.collect(); tracemalloc.start()
# what ui/views/corpus.accept_upload keeps for the session: the decoded text (to cut it again with another
# segmenter) and its sentences as an EncodedCorpus (token ids)
text, enc = engine.decode_text(data, name="big.txt")
corpus = engine.encode_text(text, "auto")
gc.collect()
held_mb, held_peak_mb = (x / 2**20 for x in tracemalloc.get_traced_memory())
# for comparison: the same sentences as lists of words (what the app held before)
tracemalloc.reset_peak()
base = tracemalloc.get_traced_memory()[0]
lists = engine.sentences_from_text(text, "auto")
lists_mb = (tracemalloc.get_traced_memory()[0] - base) / 2**20
assert len(lists) == len(corpus)
print(json.dumps({"file_mb": len(data) / 2**20, "tokens": corpus.n_tokens, "distinct": len(corpus.words),
                  "lists_mb": lists_mb, "held_mb": held_mb, "held_peak_mb": held_peak_mb,
                  "ids_mb": corpus.nbytes / 2**20}))
"""


def upload_memory(mb: float) -> dict:
    """A ~mb MB corpus made of gensim's Lee and Wikipedia samples (repeated), read as an upload would be."""
    from engine import gensim_data_path

    parts = [Path(gensim_data_path(f)).read_bytes() for f in ("lee_background.cor", "head500.noblanks.cor")]
    blob = b"\n".join(parts)
    path = out_file("classroom_upload.txt")
    with open(path, "wb") as f:
        size = 0
        while size < mb * 1e6:
            f.write(blob)
            size += len(blob)
    proc = subprocess.run([sys.executable, "-c", UPLOAD_CHILD, str(ROOT), str(path)], capture_output=True,
                          text=True, timeout=900)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ====================================================================== the report
def report(res: dict, target_label: str, cmd: str) -> str:
    lines = [f"{res['machine']} · {target_label} · `{cmd}`", ""]
    if res.get("next"):
        lines += ["**Next on the Step page** (default set-up: royalty, skip-gram, negative sampling, d = 20). "
                  "Each tab presses Next every 2 s (random phase); server round trip = from sending the click "
                  "to receiving script_finished. Aim: p95 < 0.5 s with 30 tabs; ≥ 40 clicks/s total.", ""]
        rows = [[r["sessions"], f"{ms(r['median_s'])} / {ms(r['p95_s'])}", f"{r['clicks_per_s']:.1f}",
                 f"{1000 * r['server_cpu_per_click_s']:.0f}", f"{r['load1']:.1f}", r["n_errors"]]
                for r in res["next"]]
        if res.get("saturate"):
            s = res["saturate"]
            rows.append([f"{s['sessions']}, no pause", f"{ms(s['median_s'])} / {ms(s['p95_s'])}",
                         f"**{s['clicks_per_s']:.1f}** (the most)", f"{1000 * s['server_cpu_per_click_s']:.0f}",
                         f"{s['load1']:.1f}", s["n_errors"]])
        lines += md_table(["sessions", "Next median / p95 (ms)", "total clicks/s", "server CPU per click (ms)",
                           "load avg", "errors"], rows, "lrrrrr") + [""]
    if res.get("play"):
        lines += ["**Play on the embedding page** (royalty, 1,000 updates a frame, the page asks for 10 frames/s). "
                  f"Frames = fragment runs each tab received per second, over {res['play'][0].get('seconds', 0):.0f} s "
                  f"after {PLAY_WARMUP_S:.0f} s of play. Aim: ≥ 5 with 10 tabs.", ""]
        lines += md_table(["sessions (per process)", "frames/s per tab (median, min)", "frames/s, all tabs",
                           "server CPU per frame (ms)", "frames dropped for a rerun, /s", "page redraws (new pace), /s",
                           "load avg"],
                          [[f"{r['sessions']} ({' + '.join(map(str, r.get('tabs_per_process', [])))})",
                            f"{r['fps_median']:.1f}, {r['fps_min']:.1f}", f"{r['fps_total']:.1f}",
                            f"{1000 * r['server_cpu_per_frame_s']:.0f}", f"{r.get('early_per_s', 0):.1f}",
                            f"{r.get('full_runs_per_s', 0):.2f}", f"{r['load1']:.1f}"] for r in res["play"]],
                          "lrrrrrr") + [""]
    if res.get("memory"):
        m = res["memory"]
        lines += [f"**Memory**: server RSS {m['rss_one_tab_mb']:.0f} MB with one tab, {m['rss_all_tabs_mb']:.0f} MB "
                  f"with {m['sessions']} tabs after {m['clicks_each']} Next each: **{m['per_session_mb']:.1f} MB per "
                  f"session**; {m['rss_after_close_mb']:.0f} MB after the tabs closed and the {m['ttl_s']} s "
                  "disconnected-session TTL passed (the bench's server; Streamlit's default TTL is 120 s).", ""]
    if res.get("compile"):
        c = res["compile"]
        lines += [f"**A new vector size** (d = {c['vector_size']}, never compiled here) first used by one tab "
                  f"(Play) while {c['sessions']} others press Next every 2 s: its first frame after "
                  f"{c['first_frame_s']:.1f} s; the others' Next before: median {ms(c['before_median_s'])} ms, "
                  f"p95 {ms(c['before_p95_s'])} ms; in the {COMPILE_WINDOW_S} s after the first use (or until its first "
                  f"frame, if later): median {ms(c['during_median_s'])} ms, slowest "
                  f"{ms(c['during_max_s'])} ms ({c['during_clicks']} clicks).", ""]
    if res.get("softmax"):
        s = res["softmax"]
        lines += [f"**Full softmax, Wikipedia sample (V ≈ 28k), d = 300**, one tab: server RSS "
                  f"{' → '.join(f'{x:.0f}' for x in s['rss_mb'])} MB (model built → Next → "
                  f"{s['rounds']} × Next 100): the first Next adds **{s['added_by_first_next_mb']:.0f} MB**, "
                  f"Next 100 then **{s['added_by_next100_mb']:+.0f} MB** (undo history capped at 32 MB). Next took "
                  f"{s['seconds'][0]:.1f} s, Next 100 {', '.join(f'{x:.0f}' for x in s['seconds'][1:])} s.", ""]
    if res.get("charts"):
        c = res["charts"]
        lines += [f"**Building one Step-page figure** (`ui.charts.figures.heatmap_pair`, 2 x 6 x 20 heatmaps, no server): "
                  f"{c['today_ms']:.0f} ms as today (make_subplots + update_* calls); {c['one_dict_ms']:.0f} ms for the "
                  f"same figure from one dict in one `go.Figure(...)`; {c['unvalidated_ms']:.0f} ms with "
                  f"`go.Figure(spec, _validate=False)` (a private Plotly switch); {c['json_only_ms']:.1f} ms as a plain dict "
                  f"to JSON (the floor; Vega-Lite specs cost this). Median of 20.", ""]
    if res.get("upload"):
        u = res["upload"]
        lines += [f"**An uploaded corpus** of {u['file_mb']:.0f} MB ({u['tokens']:,} tokens, {u['distinct']:,} "
                  f"distinct), as the app keeps it (the decoded text + an `engine.EncodedCorpus` of token ids): "
                  f"{u['held_mb']:.0f} MB ({u['held_mb'] / u['file_mb']:.1f}x the file; the token ids alone "
                  f"{u['ids_mb']:.0f} MB; peak {u['held_peak_mb']:.0f} MB while reading); the same sentences as "
                  f"lists of words (before) {u['lists_mb']:.0f} MB ({u['lists_mb'] / u['file_mb']:.1f}x).", ""]
    if res.get("pages_server"):
        ps, pb = res["pages_server"], res.get("pages_browser", {})
        lines += ["**Pages on the Lee corpus** (lee_background, default settings). Server: the page's script run "
                  "over the websocket. Browser: headless Chromium at 1280x720 clicking the page's link until its "
                  "title is shown and the run has finished (software rendering, on the same loaded cores); the home "
                  "page's first visit is opening the app (median of three new browsers). "
                  "Aim: first visit < 3 s, navigation < 1 s.", ""]
        names = pb.get("names", [])
        rows = []
        for i, page in enumerate(PAGES):
            name = names[i] if i < len(names) else page
            bf = pb.get("first", {}).get(name)
            if bf is None and i == 0 and pb.get("app_opens_s"):
                bf = statistics.median(pb["app_opens_s"])          # the home page's first visit: opening the app
            ba = pb.get("again", {}).get(name)
            f, a = ps["first"][page], ps["again"][page]
            ok = (bf or f) < 3 and (ba or a) < 1
            rows.append([page, f"{f:.2f}", f"{a:.2f}", "—" if bf is None else f"{bf:.2f}",
                         "—" if ba is None else f"{ba:.2f}", "yes" if ok else "**no**"])
        lines += md_table(["page", "server first (s)", "server again (s)", "browser first (s)", "browser again (s)",
                           "meets aim"], rows, "lrrrrc") + [""]
        if pb.get("app_opens_s"):
            opens = pb["app_opens_s"]
            lines += [f"Opening the app (home page, a new browser and session) in Chromium: median "
                      f"{statistics.median(opens):.1f} s ({', '.join(f'{x:.1f}' for x in opens)} s).", ""]
        elif pb.get("app_open_s"):
            lines += [f"Opening the app (home page, new session) in Chromium: {pb['app_open_s']:.1f} s.", ""]
    return "\n".join(lines)


async def run_all(args, target: Target) -> dict:
    res = {"machine": f"{time.strftime('%Y-%m-%d')} · {os.cpu_count()} CPUs · load average "
                      f"{load_average():.1f} at the start"}
    only = set(args.only.split(",")) if args.only else {"next", "saturate", "memory", "play", "compile", "softmax",
                                                        "pages", "upload"}
    warm = await open_tabs(target.url, 1, STEP_PAGE)       # imports, caches, the first compile
    await warm[0].click(**NEXT)
    await close_tabs(warm)
    if "memory" in only:
        res["memory"] = await memory_and_expiry(target, max(args.sessions), 3 if args.quick else 10)
        print("memory:", res["memory"], flush=True)
    if "next" in only:
        res["next"] = []
        for n in args.sessions:
            r = await clicking(target, n, args.seconds, 2.0)
            print(f"next x{n}: median {ms(r['median_s'])} p95 {ms(r['p95_s'])} ms, {r['clicks_per_s']:.1f} clicks/s, "
                  f"CPU {1000 * r['server_cpu_per_click_s']:.0f} ms/click, errors {r['n_errors']} {r['errors'][:1]}",
                  flush=True)
            res["next"].append(r)
    if "saturate" in only:
        r = await clicking(target, max(args.sessions), min(args.seconds, 20), 0.0)
        print(f"saturate: {r['clicks_per_s']:.1f} clicks/s, median {ms(r['median_s'])} ms", flush=True)
        res["saturate"] = r
    if "play" in only:
        res["play"] = []
        for n in args.play_sessions:
            r = await play(target, n, 6 if args.quick else 20)
            print(f"play x{n}: {r['fps_median']:.1f} frames/s per tab (min {r['fps_min']:.1f})", flush=True)
            res["play"].append(r)
    if "compile" in only:
        res["compile"] = await compile_stall(target, args.compile_sessions, 4 if args.quick else 10)
        print("compile:", res["compile"], flush=True)
    if "softmax" in only:
        res["softmax"] = await softmax_memory(target, 1)
        print("softmax:", res["softmax"], flush=True)
    if "pages" in only:
        res["pages_server"] = await pages_server(target, "lee_background")
        print("pages (server):", res["pages_server"], flush=True)
        res["pages_browser"] = await asyncio.to_thread(pages_browser, target.url, "lee_background")
        print("pages (browser):", res["pages_browser"], flush=True)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", default="1,10,30", help="tab counts for the Next scenario")
    ap.add_argument("--play-sessions", default="1,10")
    ap.add_argument("--compile-sessions", type=int, default=5, help="tabs pressing Next while a new size compiles")
    ap.add_argument("--seconds", type=float, default=30.0, help="length of each Next measurement")
    ap.add_argument("--only", default="", help="comma list of: next,saturate,memory,play,compile,softmax,upload")
    ap.add_argument("--deploy", type=int, default=0, help="measure N app processes behind nginx (deploy/)")
    ap.add_argument("--make", choices=("run", "dev"), default="",
                    help="measure the process `make run` (or `make dev`) starts, with the project's config")
    ap.add_argument("--url", default="", help="measure a server already running here (then --pids for memory)")
    ap.add_argument("--pids", default="", help="comma list of the app processes' pids (with --url)")
    ap.add_argument("--quick", action="store_true", help="short runs, results only into bench/out/")
    ap.add_argument("--upload-mb", type=float, default=20.0)
    ap.add_argument("--section", default="", help="name of the results section (default: from the target)")
    args = ap.parse_args()
    args.sessions = [int(x) for x in args.sessions.split(",")]
    args.play_sessions = [int(x) for x in args.play_sessions.split(",")]
    if args.quick:
        args.seconds = min(args.seconds, 6.0)
    ports = None
    if os.environ.get("W2V_APP_PORTS"):
        lo, _, hi = os.environ["W2V_APP_PORTS"].partition("-")
        ports = range(int(lo), int(hi or lo) + 1)
    only = set(args.only.split(",")) if args.only else set()
    res = {}
    if not only or only - {"upload", "charts"}:
        if args.url:
            target = Target(args.url, [int(p) for p in args.pids.split(",") if p], None, f"server at {args.url}")
        elif args.make:
            target = make_server(args.make, ports)
        elif args.deploy:
            port = free_port(ports)
            first = free_port([p for p in (ports or range(20000, 20100)) if p != port])
            target = deployed(args.deploy, port, first)
        else:
            target = own_server(ports)
        try:
            res = asyncio.run(run_all(args, target))
        finally:
            target.stop()
        label = target.label
    else:
        label = "no server"
        res["machine"] = f"{time.strftime('%Y-%m-%d')} · {os.cpu_count()} CPUs · load average {load_average():.1f}"
    if not only or "charts" in only:
        res["charts"] = chart_costs()
        print("charts:", res["charts"], flush=True)
    if not only or "upload" in only:
        res["upload"] = upload_memory(3 if args.quick else args.upload_mb)
        print("upload:", res["upload"], flush=True)
    name = args.section or (f"deploy{args.deploy}" if args.deploy else f"make_{args.make}" if args.make
                            else ("url" if args.url else "one_process"))
    dump_json(out_file(f"classroom_{name}{'_quick' if args.quick else ''}.json"), res)
    cmd = ".venv/bin/python bench/classroom.py " + " ".join(sys.argv[1:])
    text = report(res, label, cmd.strip())
    print(text)
    if not args.quick:
        write_section(RESULTS, name, f"## {label}\n\n{text}", title="# The classroom: many sessions on one server "
                      "(bench/classroom.py)")


if __name__ == "__main__":
    main()
