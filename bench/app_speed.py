"""How fast the Step page redraws after Next, and how much memory one session holds, on the sample corpora.

What it does:
  1. Next-click time in Streamlit's AppTest (server side: the callback that runs model.step(), the whole
     page script with its charts, the element tree): for every sample corpus and each objective
     (skip-gram, plus CBOW on royalty), a few warm-up clicks, then `--clicks` timed clicks of Next; also
     Next 100 and Undo.
  2. Next-click time in a real browser (when /usr/bin/chromium exists): `streamlit run app.py` on a free
     port (devtools.app_server), headless Chromium through Playwright (devtools.browser); the time from the click until the page shows the new
     update count and Streamlit reports the run finished (server + websocket + browser drawing).
  3. Memory of one session: after Next 100 (the undo history full, 100 history rows), the deep
     size of everything in that session's st.session_state (model, weights, undo history, example
     chunks, last trace, history rows), not counting the corpus, which every session shares.
Prints the tables and writes them to bench/APP_RESULTS.md.
What it does not do: time train() (compare_gensim.py) or traced step() alone (step_speed.py).

    .venv/bin/python bench/app_speed.py             # about a minute
    .venv/bin/python bench/app_speed.py --quick     # one corpus and objective, 2 clicks, into bench/out/
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import types
from collections import deque
from pathlib import Path

import numpy as np

from benchlib import BENCH, ROOT, AppServer, have_chromium, launch_chromium, machine_line, out_file

CORPORA = ["tiny", "royalty", "capitals", "fruits_animals_verbs"]
OBJECTIVES = ["negative_sampling", "hierarchical_softmax", "softmax"]


# ---------------------------------------------------------------------------------------------- AppTest
def open_step_page(**session):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in session.items():
        at.session_state[k] = v
    at.run()
    at.switch_page("pages/04_step.py")
    at.run()
    return at


def click(at, key: str) -> float:
    t = time.perf_counter()
    at.button(key=key).click().run()
    dt = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return dt


def apptest_times(corpus: str, architecture: str, objective: str, clicks: int) -> dict:
    at = open_step_page(sb_corpus=corpus, sb_architecture=architecture, sb_objective=objective)
    for _ in range(3):
        click(at, "step_next")                                     # warm-up
    nxt = [click(at, "step_next") for _ in range(clicks)]
    n100 = [click(at, "step_next100") for _ in range(3)]
    undo = [click(at, "step_undo") for _ in range(5)]
    V = len(at.session_state["model"].vocab)
    return {"V": V, "next": nxt, "next100": n100, "undo": undo}


# ---------------------------------------------------------------------------------------------- memory
def deep_size(root, exclude_ids=frozenset()) -> int:
    """Bytes reachable from root (numpy data included, each object once), skipping exclude_ids."""
    seen, total, stack = set(), 0, [root]
    skip_types = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)
    while stack:
        o = stack.pop()
        if id(o) in seen or id(o) in exclude_ids or isinstance(o, skip_types):
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, np.ndarray):
            if o.base is not None:
                stack.append(o.base)
            continue
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset, deque)):
            stack.extend(o)
        if hasattr(o, "__dict__"):
            stack.append(vars(o))
        for slot in getattr(type(o), "__slots__", ()):
            if hasattr(o, slot):
                stack.append(getattr(o, slot))
    return total


def session_memory(corpus: str, objective: str) -> dict:
    from ui import state

    at = open_step_page(sb_corpus=corpus, sb_objective=objective)
    click(at, "step_next100")                                      # fills the 100-deep undo history
    shared = state.load_corpus(corpus)                             # one list for all sessions
    exclude = set()
    stack = [shared]
    while stack:                                                   # ids of the shared corpus and its strings
        o = stack.pop()
        exclude.add(id(o))
        if isinstance(o, list):
            stack.extend(o)
    values = {k: at.session_state[k] for k in (state.MODEL, state.LAST_TRACE, state.HISTORY)}
    model = values[state.MODEL]
    return {"V": len(model.vocab), "d": model.vector_size, "can_undo": model.can_undo,
            "weights": model.W_in.nbytes + model.W_out.nbytes,
            "session": deep_size(values, frozenset(exclude)),
            "corpus_shared": deep_size(shared)}


# ---------------------------------------------------------------------------------------------- browser
SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
                  && !document.querySelector('[data-testid="stSkeleton"]')
                  && document.body.innerText.includes(%r)"""

# One click measured inside the page: from the click to (a) the new update count on screen, (b) the run
# finished with every element drawn and two more animation frames painted.
CLICK_JS = """async (n) => {
  const t0 = performance.now();
  const btn = [...document.querySelectorAll('[data-testid="stBaseButton-primary"]')]
      .find(b => b.textContent.includes('Next'));
  btn.click();
  const until = (ok) => new Promise(res => { const f = () => ok() ? res() : setTimeout(f, 5); f(); });
  await until(() => document.body.textContent.includes(n + ' updates done'));
  const shown = performance.now() - t0;
  await until(() => !document.querySelector('[data-testid="stStatusWidget"]')
                    && !document.querySelector('[data-testid="stSkeleton"]'));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [shown, performance.now() - t0];
}"""


def browser_times(configs, clicks: int) -> dict:
    from playwright.sync_api import sync_playwright

    out = {}
    with AppServer() as app, sync_playwright() as p:
        url = app.url
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.goto(url + "/")                                   # the first run of a fresh server
            page.wait_for_function(SETTLED % "Corpus and vocabulary", timeout=60_000)
            for corpus, objective in configs:
                page.goto(f"{url}/step?corpus={corpus}&objective={objective}")
                page.wait_for_function(SETTLED % "0 updates done", timeout=60_000)
                page.wait_for_timeout(1_000)
                shown, done = [], []
                for n in range(1, clicks + 3):
                    a, b = page.evaluate(CLICK_JS, n)
                    if n > 2:                                      # two warm-up clicks
                        shown.append(a / 1000)
                        done.append(b / 1000)
                    page.wait_for_timeout(200)
                out[(corpus, objective)] = (shown, done)
        finally:
            browser.close()
    return out


# ---------------------------------------------------------------------------------------------- report
def ms(xs) -> str:
    return f"{1000 * statistics.median(xs):.0f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clicks", type=int, default=12)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--quick", action="store_true",
                    help="check that it runs: one corpus and objective, 2 clicks, into bench/out/APP_RESULTS_quick.md")
    ap.add_argument("--out", default=None, help="default bench/APP_RESULTS.md")
    args = ap.parse_args(argv)
    corpora, objectives = (CORPORA[:1], OBJECTIVES[:1]) if args.quick else (CORPORA, OBJECTIVES)
    if args.quick:
        args.clicks = min(args.clicks, 2)
    args.out = args.out or str(out_file("APP_RESULTS_quick.md") if args.quick else BENCH / "APP_RESULTS.md")
    os.chdir(ROOT)
    import logging
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    lines = ["# App speed and memory (bench/app_speed.py)", "",
             f"{machine_line()} (other jobs on the "
             "machine slow the browser figures down) · defaults of the sidebar (d = 20, window 2, negative 5, "
             "sample 0)", ""]

    print("Next click in AppTest (server side)...")
    rows = ["| corpus | model | V | Next (ms, median) | Next (ms, max) | Next 100 (ms) | Undo (ms) |",
            "|---|---|---:|---:|---:|---:|---:|"]
    configs = [(c, "skipgram", o) for c in corpora for o in objectives]
    if not args.quick:
        configs += [("royalty", "cbow", o) for o in objectives]
    worst = 0.0
    for corpus, arch, obj in configs:
        r = apptest_times(corpus, arch, obj, args.clicks)
        worst = max(worst, statistics.median(r["next"]))
        row = (f"| {corpus} | {arch}, {obj.replace('_', ' ')} | {r['V']} | {ms(r['next'])} | "
               f"{1000 * max(r['next']):.0f} | {ms(r['next100'])} | {ms(r['undo'])} |")
        rows.append(row)
        print(row)
    lines += ["## Next click, server side (AppTest)", "",
              "Time of `at.button('step_next').click().run()`: the Next callback (one `model.step()`), the whole "
              "Step page script with all its charts, and Streamlit's element tree. Medians of "
              f"{args.clicks} clicks after 3 warm-up clicks.", ""] + rows + [""]

    if have_chromium() and not args.no_browser:
        print("Next click in headless Chromium...")
        bconf = [("tiny", "softmax"), ("royalty", "negative_sampling"), ("royalty", "softmax"),
                 ("capitals", "hierarchical_softmax")][:1 if args.quick else None]
        res = browser_times(bconf, args.clicks)
        brows = ["| corpus | objective (skip-gram) | new count on screen (ms, median) | run finished and painted "
                 "(ms, median) | painted, slowest (ms) |", "|---|---|---:|---:|---:|"]
        for (corpus, obj), (shown, done) in res.items():
            row = (f"| {corpus} | {obj.replace('_', ' ')} | {ms(shown)} | {ms(done)} | "
                   f"{1000 * max(done):.0f} |")
            brows.append(row)
            print(row)
        lines += ["## Next click in a real browser", "",
                  "Headless Chromium (Playwright, software rendering) on `streamlit run app.py`, timed inside the "
                  "page: from the click until the new update count is on screen, and until Streamlit reports the "
                  "run finished with every chart drawn and painted (websocket round trip and browser drawing "
                  f"included). Medians of {args.clicks} clicks after 2 warm-up clicks.", ""] + brows + [""]
    else:
        lines += ["## Next click in a real browser", "", "Not measured: /usr/bin/chromium is not installed.", ""]

    print("Memory of one session after Next 100...")
    mrows = ["| corpus | objective (skip-gram) | V | weights W_in + W_out (KB) | whole session (KB) | "
             "shared corpus (KB, once for all sessions) |", "|---|---|---:|---:|---:|---:|"]
    for corpus in corpora:
        for obj in objectives:
            m = session_memory(corpus, obj)
            row = (f"| {corpus} | {obj.replace('_', ' ')} | {m['V']} | {m['weights'] / 1024:.0f} | "
                   f"{m['session'] / 1024:.0f} | {m['corpus_shared'] / 1024:.0f} |")
            mrows.append(row)
            print(row)
    lines += ["## Memory of one session", "",
              "After Next 100 (the undo history holds its 100 updates; 100 history rows): the deep size of "
              "the session's model (weights, vocabulary, Huffman tree, noise table, example chunks, undo rows), its "
              "last StepTrace and its history rows. The corpus itself is one list shared by every session "
              "(st.cache_resource), shown separately. Full softmax keeps the most: each undo state holds all V "
              "rows of W_out that the update touched.", ""] + mrows + [""]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(f"worst median Next click (AppTest): {1000 * worst:.0f} ms; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
