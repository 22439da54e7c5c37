"""How fluid is the live embedding-space view, and how long does t-SNE of 1,000 words take?

Measures, and writes bench/LIVE_RESULTS.md:
  1. server work per frame (train 1,000 updates, stable PCA, hover neighbours, chart data), no browser;
  2. frames per second a real browser receives while training continues between frames: the app runs
     with `streamlit run` (devtools.app_server), headless Chromium (devtools.browser) opens the live page on each
     sample corpus, presses Play and counts how often the "updates" number changes over 8 seconds;
  3. t-SNE of 1,000 word vectors (d = 50), from PCA and from the previous layout.
Quality bar (issue 5): >= 5 frames/s on the sample corpora; t-SNE of 1,000 words < 5 s on 2 cores.
The machine's load average is recorded with the figures: other work on the same cores slows everything.

    .venv/bin/python bench/live_view.py            # all three
    .venv/bin/python bench/live_view.py --no-browser
    .venv/bin/python bench/live_view.py --quick    # one corpus, 3 s, one t-SNE run, into bench/out/
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from pathlib import Path

import numpy as np

from benchlib import BENCH, ROOT, AppServer, have_chromium, launch_chromium, load_average, out_file

from engine import Word2Vec, read_corpus, sample_corpora  # noqa: E402
from engine.projection import init_from_previous, tsne  # noqa: E402
from lessons.planted import planted_corpus

CORPORA = ["tiny", "royalty", "capitals", "fruits_animals_verbs"]
SETTINGS = dict(architecture="skipgram", objective="negative_sampling", vector_size=20, window=2, negative=5,
                sample=0.0, min_count=1, alpha=0.025, epochs=20, seed=1)   # the sidebar's defaults
PER_FRAME = 1000


def server_frame_ms(corpus: str, frames: int = 40) -> float:
    """Median milliseconds of the Python work of one frame (what the page's fragment does, minus Streamlit)."""
    from ui.views.embedding_space import live as lv
    from ui.charts import embedding as embedding_charts
    model = Word2Vec(**SETTINGS).build_vocab(list(read_corpus(sample_corpora()[corpus])))
    live = lv.LiveState(model=model)
    n = min(len(model.vocab), 150)
    words = model.vocab.index_to_key[:n]
    counts = model.vocab.counts[:n]
    times = []
    for _ in range(frames):
        t0 = time.perf_counter()
        lv.train_frame(live, PER_FRAME)
        X = model.W_in
        coords = live.projector.project(X[:n])
        hover = lv.hover_texts(model.vocab.index_to_key, counts, X, slice(0, n))
        trails = {w: np.array([live.projector.transform(s.W_in[i:i + 1])[0] for s in live.snapshots])
                  for i, w in enumerate(words[:3])}
        embedding_charts.projection_vega(words, coords, hover, counts, 40, trails)
        embedding_charts.loss_vega(live)
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times)


def browser_fps(corpora, seconds: float = 8.0, extra_args=()) -> dict:
    """{corpus: (frames/s seen by the browser, frames/s the page reports, browser busy ms per frame)}."""
    from playwright.sync_api import expect, sync_playwright
    out = {}
    with AppServer(extra_args=extra_args) as app, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for corpus in corpora:
                page = browser.new_page(viewport={"width": 1400, "height": 2400})
                # tiny has 130 tokens: 500 epochs so that training outlasts the measurement
                epochs = 500 if corpus == "tiny" else SETTINGS["epochs"]
                page.goto(f"{app.url}/?corpus={corpus}&epochs={epochs}")
                expect(page.locator("h1").first).to_be_visible(timeout=60_000)
                page.get_by_role("link", name="Embedding space (live)").first.click()
                play = page.get_by_role("button", name=re.compile("Play"))
                expect(play).to_be_visible(timeout=60_000)
                time.sleep(1.0)
                page.evaluate("() => { window.__busy = []; new PerformanceObserver(l => { for (const e of "
                              "l.getEntries()) window.__busy.push(e.duration); }).observe({entryTypes: ['longtask']}); }")
                play.click()
                time.sleep(2.0)                                        # warm-up frames
                # count changes of the "updates" number inside the page (no polling from outside)
                page.evaluate("""() => { window.__busy = []; window.__frames = 0;
                    const el = document.querySelector('.w2v-metric[data-metric="0"]');
                    let last = el ? el.innerText : null;
                    new MutationObserver(() => { const e = document.querySelector('.w2v-metric[data-metric="0"]');
                        if (e && e.innerText !== last) { last = e.innerText; window.__frames += 1; } })
                      .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
                time.sleep(seconds)
                changes = page.evaluate("() => window.__frames")
                busy = sum(page.evaluate("() => window.__busy"))
                reported = page.locator('.w2v-metric[data-metric="3"]').first.inner_text()
                fps = changes / seconds
                out[corpus] = (fps, reported, busy / max(changes, 1))
                pause = page.get_by_role("button", name=re.compile("Pause"))
                if pause.count():
                    pause.click()
                else:
                    out[corpus] = (fps, reported + " (training ended during the measurement)", busy / max(changes, 1))
                page.close()
        finally:
            browser.close()
    return out


def tsne_seconds(repeats: int = 3) -> dict:
    """Seconds for t-SNE of the 1,000 most frequent words of a trained model (d = 50)."""
    corpus = planted_corpus(n_tokens=200_000, n_groups=50, group_size=20, seed=1)
    model = Word2Vec(**{**SETTINGS, "vector_size": 50, "epochs": 3}).build_vocab(corpus.sentences)
    model.train()
    X = model.W_in[:1000]                                              # (1000, 50)
    words = model.vocab.index_to_key[:1000]
    tsne(X[:50], perplexity=10)                                        # import scikit-learn once
    pca_t, prev_t = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        Y = tsne(X, seed=0, perplexity=30)
        pca_t.append(time.perf_counter() - t0)
        init = init_from_previous(words, {w: tuple(Y[i]) for i, w in enumerate(words)}, X)
        t0 = time.perf_counter()
        tsne(X, seed=0, perplexity=30, init=init)
        prev_t.append(time.perf_counter() - t0)
    return {"n": len(X), "d": X.shape[1], "pca": statistics.median(pca_t), "previous": statistics.median(prev_t)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--quick", action="store_true",
                    help="check that it runs: one corpus, 3 s, one t-SNE run, into bench/out/LIVE_RESULTS_quick.md")
    ap.add_argument("--out", default=None, help="default bench/LIVE_RESULTS.md")
    args = ap.parse_args()
    corpora = CORPORA[:1] if args.quick else CORPORA
    out = Path(args.out) if args.out else (out_file("LIVE_RESULTS_quick.md") if args.quick
                                           else BENCH / "LIVE_RESULTS.md")
    seconds, repeats = (3.0, 1) if args.quick else (8.0, 3)
    load_before = load_average()
    lines = ["# Live view and t-SNE timings", "",
             f"Machine: {os.cpu_count()} cores; load average at start {load_before:.2f} "
             "(other processes on the same cores slow every figure below). Written by `bench/live_view.py`.", ""]

    print("server work per frame ...", flush=True)
    lines += ["## Server work per frame (no browser)", "",
              f"Train {PER_FRAME:,} updates, stable PCA of up to 150 words, hover neighbours, 3 trails, chart data.", "",
              "| corpus | V | median ms per frame |", "|---|---:|---:|"]
    for c in corpora:
        ms = server_frame_ms(c, frames=5 if args.quick else 40)
        V = len(Word2Vec(**SETTINGS).build_vocab(list(read_corpus(sample_corpora()[c]))).vocab)
        print(f"  {c}: {ms:.1f} ms")
        lines.append(f"| {c} | {V} | {ms:.1f} |")

    if not args.no_browser and have_chromium():
        lines += ["", "## Frames per second in a real browser", "",
                  "Headless Chromium on the same machine, page asks for 10 pictures a second, "
                  f"{PER_FRAME:,} updates per frame, {seconds:.0f} s after a 2 s warm-up. *Seen* = how often the browser's "
                  "update counter changed; *reported* = the page's own figure (server side, last 20 frames); "
                  "*busy* = the browser's long tasks (drawing) per frame.", "",
                  "Streamlit runs Python's full garbage collector after every script run, fragment runs "
                  "included (`runner.postScriptGC`, default true). With numba, scikit-learn, pandas and Plotly "
                  "loaded that takes about 0.1 s of CPU per frame (measured with cProfile on the server), more "
                  "than everything the page itself does."]
        variants = [("as configured in .streamlit/config.toml", ())]
        if "postScriptGC" not in (ROOT / ".streamlit" / "config.toml").read_text():
            variants.append(("with --runner.postScriptGC false", ("--runner.postScriptGC", "false")))
        lines[-1] += (" Both settings are measured:" if len(variants) > 1 else
                      " .streamlit/config.toml turns it off (`postScriptGC = false`):")
        lines.append("")
        for title, extra in variants:
            print(f"browser frames per second, {title} ...", flush=True)
            res = browser_fps(corpora, seconds=seconds, extra_args=extra)
            lines += [f"**{title}**", "",
                      "| corpus | frames/s seen | frames/s reported | browser busy ms/frame | >= 5 |",
                      "|---|---:|---:|---:|:---:|"]
            for c, (fps, reported, busy) in res.items():
                print(f"  {c}: {fps:.1f} frames/s (page says {reported}), browser busy {busy:.0f} ms/frame")
                lines.append(f"| {c} | {fps:.1f} | {reported} | {busy:.0f} | {'yes' if fps >= 5 else 'no'} |")
            lines.append("")
    else:
        lines += ["", "(browser frames per second: skipped, no /usr/bin/chromium or --no-browser)"]

    print("t-SNE of 1,000 words ...", flush=True)
    t = tsne_seconds(repeats=repeats)
    lines += ["", "## t-SNE of 1,000 words", "",
              f"{t['n']} words × {t['d']} dimensions, perplexity 30, 500 iterations, scikit-learn Barnes-Hut, "
              "cosine distance; " + (f"median of {repeats} runs." if repeats > 1 else "one run."), "",
              "| start | seconds | < 5 s |", "|---|---:|:---:|",
              f"| PCA | {t['pca']:.2f} | {'yes' if t['pca'] < 5 else 'no'} |",
              f"| previous layout | {t['previous']:.2f} | {'yes' if t['previous'] < 5 else 'no'} |"]
    print(f"  PCA start {t['pca']:.2f} s, previous layout {t['previous']:.2f} s")
    lines += ["", f"Load average at the end: {load_average():.2f}.", ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
