"""How many traced step() updates per second the transparent trainer does (the app's "Next 100").

What it does: builds each of the six models on head500.noblanks.cor (gensim's test data) at
min_count 5, which gives V = 8,050 words (the issue's V ~ 8k), d = 100, window 5, negative 5, and
times `batches` batches of `batch` model.step() calls (each call returns a full StepTrace and keeps
undo history, exactly what the app does), after a short warm-up. Prints a table and writes it into
bench/results.json (key "step_speed") and the step() section of bench/RESULTS.md, leaving the rest of
those files as compare_gensim.py wrote them. Target: >= 2,000 steps/s for skip-gram negative sampling.
What it does not do: time train() (compare_gensim.py does).

    .venv/bin/python bench/step_speed.py            # about half a minute
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET = 2000  # traced steps per second, skip-gram negative sampling

MODELS = [("skipgram", "negative_sampling"), ("skipgram", "hierarchical_softmax"), ("skipgram", "softmax"),
          ("cbow", "negative_sampling"), ("cbow", "hierarchical_softmax"), ("cbow", "softmax")]


def measure(sentences, architecture, objective, *, vector_size, window, negative, min_count, batch, batches,
            seed=1):
    """steps/s of each batch of `batch` model.step() calls, after a warm-up of one batch."""
    from engine import Word2Vec

    model = Word2Vec(architecture=architecture, objective=objective, vector_size=vector_size, window=window,
                     negative=negative, min_count=min_count, epochs=1, seed=seed)
    model.build_vocab(sentences)
    model.steps(batch)  # warm-up: first chunk, Huffman tree, caches
    rates = []
    for _ in range(batches):
        t = time.perf_counter()
        model.steps(batch)
        rates.append(batch / (time.perf_counter() - t))
    return len(model.vocab), rates


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="head500.noblanks.cor", help="a file in gensim's test data")
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--only-target", action="store_true", help="only skip-gram negative sampling")
    ap.add_argument("--out-dir", default=str(BENCH))
    ap.add_argument("--engine-rev", default=None,
                    help="time engine/ as committed at this git revision (e.g. HEAD) instead of the working tree")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(BENCH))
    from compare_gensim import render_step_speed, use_engine_rev

    engine_commit = use_engine_rev(args.engine_rev)
    from engine import gensim_data_path, read_corpus

    path = gensim_data_path(args.corpus)
    if path is None:
        print(f"{args.corpus} not found: gensim (with its test data) is not installed; run `make venv`",
              file=sys.stderr)
        return 2
    sentences = list(read_corpus(path))
    settings = dict(vector_size=100, window=5, negative=5, min_count=args.min_count,
                    batch=args.batch, batches=args.batches)
    rows = []
    V = None
    for arch, obj in (MODELS[:1] if args.only_target else MODELS):
        V, rates = measure(sentences, arch, obj, **settings)
        s = {"median": statistics.median(rates), "min": min(rates), "max": max(rates), "n": len(rates)}
        row = {"model": f"{arch} {obj}", "architecture": arch, "objective": obj, "steps_per_sec": s}
        if (arch, obj) == ("skipgram", "negative_sampling"):
            row["target"] = TARGET
            row["pass"] = s["median"] >= TARGET
        rows.append(row)
        print(f"{arch:8s} {obj:22s} V={V}  {s['median']:8,.0f} steps/s  [{s['min']:,.0f}–{s['max']:,.0f}]  "
              f"Next {args.batch}: {1000 * args.batch / s['median']:.1f} ms"
              + (f"   target >= {TARGET:,}/s: {'PASS' if row['pass'] else 'FAIL'}" if "target" in row else ""),
              flush=True)
    result = {"date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M"), "corpus": args.corpus,
              "vocab_size": V, "rows": rows, **settings, "engine_rev": args.engine_rev or "working tree",
              "engine_commit": engine_commit,
              "command": ".venv/bin/python bench/step_speed.py" + (" " + " ".join(sys.argv[1:]) if argv is None and sys.argv[1:] else "")}

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jpath, mpath = out / "results.json", out / "RESULTS.md"
    data = {}
    if jpath.exists():
        try:
            data = json.loads(jpath.read_text())
        except ValueError:
            data = {}
    data["step_speed"] = result
    jpath.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    section = "<!-- step_speed -->\n" + render_step_speed(result) + "\n<!-- /step_speed -->"
    md = mpath.read_text(encoding="utf-8") if mpath.exists() else "# Benchmark results\n\n"
    if "<!-- step_speed -->" in md:
        md = re.sub(r"<!-- step_speed -->.*?<!-- /step_speed -->", lambda _: section, md, flags=re.S)
    else:
        md = md.rstrip("\n") + "\n\n" + section + "\n"
    mpath.write_text(md, encoding="utf-8")
    print(f"wrote the step() section of {mpath} and key 'step_speed' of {jpath}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
