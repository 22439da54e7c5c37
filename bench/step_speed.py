"""How many traced step() updates per second the transparent trainer does (the app's "Next 100").

What it does: builds each of the six models on head500.noblanks.cor (gensim's test data) at
min_count 5, which gives V = 8,050 words (the issue's V ~ 8k), d = 100, window 5, negative 5, and
times `batches` batches of `batch` model.step() calls (each call returns a full StepTrace and keeps
undo history, exactly what the app does), after a short warm-up. Prints a table, writes the raw
figures to bench/out/step_speed.json and the table into the step() section of bench/RESULTS.md,
leaving the rest of that file as the other scripts wrote it (--render-only: the section again from the
JSON). Target: >= 2,000 steps/s for skip-gram negative sampling.
What it does not do: time train() (compare_gensim.py does).

    .venv/bin/python bench/step_speed.py            # about half a minute
    .venv/bin/python bench/step_speed.py --only-target --batches 2 --out-dir /tmp/w2v_step   # a quick check
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchlib import (BENCH, OUT, command_line, dump_json, gensim_file, load_json, md_table, now_utc, spread,
                      use_engine_rev, write_section)

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


def render_step_speed(ss: dict) -> str:
    """The step() section of RESULTS.md."""
    L = ["## step() speed (traced updates per second)", ""]
    L.append(f"`{ss.get('command', 'bench/step_speed.py')}`, {ss['date']} (UTC), engine {ss.get('engine_commit')}: corpus {ss['corpus']}, V = {ss['vocab_size']}, "
             f"d = {ss['vector_size']}, window {ss['window']}, negative {ss['negative']}; "
             f"{ss['batches']} batches of {ss['batch']} `model.step()` calls (each returns a full StepTrace, "
             "with undo kept), median batch. Target: >= 2,000/s for skip-gram negative sampling.")
    L.append("")
    rows = []
    for r in ss["rows"]:
        target = ""
        if r.get("target") is not None:
            target = f">= {r['target']:,}/s {'PASS' if r['pass'] else '**FAIL**'}"
        rows.append([r["model"], f"{r['steps_per_sec']['median']:,.0f} [{r['steps_per_sec']['min']:,.0f}–"
                                 f"{r['steps_per_sec']['max']:,.0f}]",
                     f"{100_000 / r['steps_per_sec']['median']:.1f}", target])
    L += md_table(["model", "steps/s median [min–max]", "'Next 100' ms", "target"], rows, "lrrl")
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="head500.noblanks.cor", help="a file in gensim's test data")
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--only-target", action="store_true", help="only skip-gram negative sampling")
    ap.add_argument("--out-dir", default=None,
                    help="put step_speed.json and RESULTS.md here (default: bench/out/, bench/RESULTS.md)")
    ap.add_argument("--render-only", action="store_true", help="rewrite the section from step_speed.json")
    ap.add_argument("--engine-rev", default=None,
                    help="time engine/ as committed at this git revision (e.g. HEAD) instead of the working tree")
    args = ap.parse_args(argv)
    out = Path(args.out_dir) if args.out_dir else None
    jpath = out / "step_speed.json" if out else OUT / "step_speed.json"
    mpath = out / "RESULTS.md" if out else BENCH / "RESULTS.md"
    if args.render_only:
        result = load_json(jpath)
        if result is None:
            ap.error(f"{jpath} is missing: run this script first (raw results are not in git)")
        write_section(mpath, "step_speed", render_step_speed(result))
        print(f"rewrote the step() section of {mpath} from {jpath}")
        return 0

    engine_commit = use_engine_rev(args.engine_rev)
    from engine import read_corpus

    sentences = list(read_corpus(gensim_file(args.corpus)))
    settings = dict(vector_size=100, window=5, negative=5, min_count=args.min_count,
                    batch=args.batch, batches=args.batches)
    rows = []
    V = None
    for arch, obj in (MODELS[:1] if args.only_target else MODELS):
        V, rates = measure(sentences, arch, obj, **settings)
        s = spread(rates)
        row = {"model": f"{arch} {obj}", "architecture": arch, "objective": obj, "steps_per_sec": s}
        if (arch, obj) == ("skipgram", "negative_sampling"):
            row["target"] = TARGET
            row["pass"] = s["median"] >= TARGET
        rows.append(row)
        print(f"{arch:8s} {obj:22s} V={V}  {s['median']:8,.0f} steps/s  [{s['min']:,.0f}–{s['max']:,.0f}]  "
              f"Next {args.batch}: {1000 * args.batch / s['median']:.1f} ms"
              + (f"   target >= {TARGET:,}/s: {'PASS' if row['pass'] else 'FAIL'}" if "target" in row else ""),
              flush=True)
    result = {"date": now_utc(), "corpus": args.corpus,
              "vocab_size": V, "rows": rows, **settings, "engine_rev": args.engine_rev or "working tree",
              "engine_commit": engine_commit,
              "command": command_line(".venv/bin/python bench/step_speed.py") if argv is None
              else ".venv/bin/python bench/step_speed.py"}
    dump_json(jpath, result)
    write_section(mpath, "step_speed", render_step_speed(result))
    print(f"wrote the step() section of {mpath} and {jpath}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
