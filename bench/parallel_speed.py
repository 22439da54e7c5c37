"""Throughput with 1 and 2 workers, the batched mode (ns_batching), and gensim: one run, interleaved rounds.

What it does: on head500 (stemmed Wikipedia, 336k tokens, from gensim's test data) with gensim's algorithm
(d = 100, window 5, k = 5, sample 1e-3, min_count 5, skipgram_input="context", CBOW mean with word2vec's
update), trains in a fresh subprocess each (bench/compare_gensim.py's child, the same timing and quality
code): SG-NS and CBOW-NS with ours at 1 and 2 workers and gensim at 1 and 2, and SG-NS with
ns_batching="shared_negatives" at 1 and 2 workers. Every round runs every case once, in an order that
alternates (A B .. B A), with its own seed; the machine's 1-minute load average is recorded before each run.
It reports words/s (median and min-max over rounds), the ratios the issue asks for (2 workers / 1 worker;
ours / gensim at the same workers; batched / gensim), Spearman on WordSim-353 and SimLex-999 (stemmed, as
the corpus) for each case, and a model of 4-16 cores from the measured CPU time per word of each part of
the pipeline (engine/fast/pipeline.py): the reading thread's (read and encode the corpus) and the training
threads' (build a chunk's examples, run the kernel over them).
Beside them, the machine's own ceiling for two threads: the 1-worker cases run twice at once, in two independent
processes that start training at the same moment (PAIRS): both corpora's words over the slower one's time.
What it does not do: measure anything but head500 (bench/compare_gensim.py covers the other configs and Lee).

    .venv/bin/python bench/parallel_speed.py            # 3 rounds, 5 epochs: README table + bench/PARALLEL_RESULTS.md
    .venv/bin/python bench/parallel_speed.py --quick    # 1 round, 1 epoch: prints, writes into bench/out/ only
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchlib import (BENCH, ROOT, benchmark_lists, dump_json, gensim_file, machine_line, now_utc, out_file,
                      run_child, snapshot_engine, spread, stemmed_lists, write_section, write_token_file)

import compare_gensim

RESULTS = BENCH / "PARALLEL_RESULTS.md"
README = ROOT / "README.md"
COMMON = dict(compare_gensim.COMMON, alpha=0.025)
# case -> (architecture, impl, workers, ns_batching)
CASES = {
    "SG-NS ours w1": ("skipgram", "ours", 1, "none"),
    "SG-NS ours w2": ("skipgram", "ours", 2, "none"),
    "SG-NS gensim w1": ("skipgram", "gensim", 1, "none"),
    "SG-NS gensim w2": ("skipgram", "gensim", 2, "none"),
    "SG-NS batched w1": ("skipgram", "ours", 1, "shared_negatives"),
    "SG-NS batched w2": ("skipgram", "ours", 2, "shared_negatives"),
    "CBOW-NS ours w1": ("cbow", "ours", 1, "none"),
    "CBOW-NS ours w2": ("cbow", "ours", 2, "none"),
    "CBOW-NS gensim w1": ("cbow", "gensim", 1, "none"),
    "CBOW-NS gensim w2": ("cbow", "gensim", 2, "none"),
}
# The machine's own ceiling for two threads: two independent 1-worker trainings in two processes that start
# training together (no shared weights, no Hogwild, no GIL; run_pair). "2 workers / 1 worker" is read against this.
PAIRS = {
    "SG-NS ours 2 processes": "SG-NS ours w1",
    "SG-NS gensim 2 processes": "SG-NS gensim w1",
    "CBOW-NS ours 2 processes": "CBOW-NS ours w1",
}
TARGETS = [  # (what, numerator case, denominator case, target)
    ("SG-NS: 2 workers / 1 worker", "SG-NS ours w2", "SG-NS ours w1", 1.8),
    ("CBOW-NS: 2 workers / 1 worker", "CBOW-NS ours w2", "CBOW-NS ours w1", 1.8),
    ("SG-NS: ours / gensim, 2 workers", "SG-NS ours w2", "SG-NS gensim w2", 2.5),
    ("CBOW-NS: ours / gensim, 2 workers", "CBOW-NS ours w2", "CBOW-NS gensim w2", 1.8),
    ("SG-NS batched: ours / gensim, 1 worker", "SG-NS batched w1", "SG-NS gensim w1", 3.0),
    ("SG-NS batched: ours / gensim, 2 workers", "SG-NS batched w2", "SG-NS gensim w2", None),
    ("SG-NS ours: 1 worker / gensim 1 worker", "SG-NS ours w1", "SG-NS gensim w1", None),
    ("machine, SG-NS ours: 2 processes / 1", "SG-NS ours 2 processes", "SG-NS ours w1", None),
    ("machine, SG-NS gensim: 2 processes / 1", "SG-NS gensim 2 processes", "SG-NS gensim w1", None),
    ("machine, CBOW-NS ours: 2 processes / 1", "CBOW-NS ours 2 processes", "CBOW-NS ours w1", None),
    ("SG-NS ours: 2 workers / 2 processes", "SG-NS ours w2", "SG-NS ours 2 processes", None),
    ("CBOW-NS ours: 2 workers / 2 processes", "CBOW-NS ours w2", "CBOW-NS ours 2 processes", None),
]
QUALITY_MARGIN = 0.03
CORES = (1, 2, 4, 8, 16)


def _case_spec(case, seed, epochs, token_file, evals, engine_root):
    arch, impl, workers, batching = CASES[PAIRS.get(case, case)]
    params = dict(COMMON, architecture=arch, objective="negative_sampling", epochs=epochs)
    if impl == "ours":
        params["ns_batching"] = batching
    return {"engine_root": engine_root, "impl": impl, "corpus_file": token_file, "params": params, "seed": seed,
            "workers": workers, "evals": evals, "label": f"{case} seed {seed}"}


def core_model(runs: list, tokens: int, epochs: int) -> list:
    """Words/s at 1-16 cores from the CPU time per word of each part, measured with one worker (median over
    rounds): every word costs r + b + k of CPU on some core, and one thread does its part r in order (it reads
    for all): W / (r + b + k), at most 1 / r. Beside it, the design before issue 26, where one thread read
    AND built every chunk: W / (r + b + k), at most 1 / (r + b). Not modelled: memory bandwidth, caches shared
    between cores, Hogwild's collisions on frequent rows (so these are ceilings; "measured" beside them)."""
    rows = []
    for arch, name in (("skipgram", "SG-NS"), ("cbow", "CBOW-NS")):
        rs = [r for r in runs if r["case"] == f"{name} ours w1" and r.get("threads")]
        if not rs:
            continue
        words = tokens * epochs
        r_ = statistics.median(x["threads"]["read_s"] for x in rs) / words
        b_ = statistics.median(x["threads"]["build_s"] for x in rs) / words
        k_ = statistics.median(x["threads"]["kernel_s"] for x in rs) / words
        total = r_ + b_ + k_
        for w in CORES:
            measured = [x["words_per_sec"] for x in runs if x["case"] == f"{name} ours w{w}"]
            rows.append({"config": name, "cores": w, "read_us": 1e6 * r_, "build_us": 1e6 * b_, "kernel_us": 1e6 * k_,
                         "now": min(w / total, 1 / r_) if r_ > 0 else w / total,
                         "before": min(w / total, 1 / (r_ + b_)),
                         "measured": statistics.median(measured) if measured else None})
    return rows


PAIR_LEAD_S = 15.0       # the two processes of a pair load, read the corpus and build the vocabulary meanwhile


def run_pair(spec: dict) -> dict:
    """Two children of the same spec (seeds seed and seed + 100), each in its own process, that start training
    at the same moment (start_at); words/s is both corpora's words over the slower one's training time (the
    time both ran), quality the first one's. start_skew_s: how far apart the two starts were."""
    start_at = time.time() + PAIR_LEAD_S
    specs = [dict(spec, start_at=start_at), dict(spec, seed=spec["seed"] + 100, start_at=start_at)]
    with ThreadPoolExecutor(2) as pool:           # each thread only waits for its subprocess
        a, b = pool.map(lambda sp: run_child(compare_gensim.__file__, sp), specs)
    a["pair_train_s"] = [a["train_s"], b["train_s"]]
    a["pair_threads"] = [a.get("threads"), b.get("threads")]
    a["start_skew_s"] = abs(a["train_start"] - b["train_start"])
    return a


def summarise(res: dict) -> dict:
    runs = res["runs"]
    by_case = {}
    for case in list(CASES) + list(PAIRS):
        rs = [r for r in runs if r["case"] == case]
        if not rs:
            continue
        q = {name: spread([r["quality"][name]["spearman"] for r in rs]) for name in ("ws353_stem", "simlex_stem")}
        by_case[case] = {"words_per_sec": spread([r["words_per_sec"] for r in rs]),
                         "load1": spread([r["load1_at_start"] for r in rs]), "quality": q, "rounds": len(rs)}
    targets = []
    for what, num, den, target in TARGETS:
        if num not in by_case or den not in by_case:
            continue
        per_round = [a["words_per_sec"] / b["words_per_sec"] for a in runs if a["case"] == num
                     for b in runs if b["case"] == den and b["round"] == a["round"]]
        ratio = by_case[num]["words_per_sec"]["median"] / by_case[den]["words_per_sec"]["median"]
        targets.append({"what": what, "ratio": ratio, "per_round": spread(per_round), "target": target,
                        "pass": None if target is None else ratio >= target})
    quality = []
    for ours, ref in (("SG-NS ours w1", "SG-NS gensim w1"), ("SG-NS ours w2", "SG-NS gensim w2"),
                      ("CBOW-NS ours w1", "CBOW-NS gensim w1"), ("CBOW-NS ours w2", "CBOW-NS gensim w2"),
                      ("SG-NS batched w1", "SG-NS gensim w1"), ("SG-NS batched w2", "SG-NS gensim w2"),
                      ("SG-NS batched w1", "SG-NS ours w1")):
        if ours in by_case and ref in by_case:
            for name in ("ws353_stem", "simlex_stem"):
                o, g = by_case[ours]["quality"][name]["median"], by_case[ref]["quality"][name]["median"]
                quality.append({"ours": ours, "ref": ref, "list": name, "diff": o - g,
                                "pass": o >= g - QUALITY_MARGIN})
    return {"cases": by_case, "targets": targets, "quality": quality,
            "model": core_model(runs, res["tokens"], res["epochs"])}


def publish(name: str, res: dict, text: str, quick: bool) -> None:
    """The raw results to bench/out/<name>[_quick].json; unless quick, text into the section `name` of
    bench/PARALLEL_RESULTS.md and of the README (this script's and bench/hogwild_sharing.py's)."""
    dump_json(out_file(name + ("_quick" if quick else "") + ".json"), res)
    if not quick:
        write_section(RESULTS, name, text, title="# Workers, batching and gensim (bench/parallel_speed.py)")
        write_section(README, name, text)
        print(f"wrote {RESULTS} and the README's section")


_mm = compare_gensim._mm          # 'median [min–max]' of a spread dict, in a given format


def render(res: dict) -> str:
    sm = res["summary"]
    L = [f"Measured {res['date']} (UTC) by `{res['command']}`: head500 ({res['tokens']:,} tokens), d = 100, window 5, "
         f"k = 5, sample 1e-3, min_count 5, {res['epochs']} epochs, gensim's algorithm on both sides "
         "(`skipgram_input=\"context\"`, CBOW mean with word2vec's update); "
         f"{res['rounds']} interleaved rounds (each a seed), a fresh process per run. {res['machine']}. "
         f"Load (1-min average, `uptime`) before the runs: median {res['load_median']:.1f}, "
         f"max {res['load_max']:.1f}" + (" (a busy machine: re-measure when quiet)" if res["load_median"] > 1.0 else "")
         + ".", ""]
    L += ["| case | words/s, median [min–max] | load | WS-353 (stemmed) | SimLex-999 (stemmed) |",
          "|---|---:|---:|---:|---:|"]
    for case, c in sm["cases"].items():
        L.append(f"| {case} | {_mm(c['words_per_sec'], '{:,.0f}')} | {c['load1']['median']:.1f} | "
                 f"{_mm(c['quality']['ws353_stem'], '{:.3f}')} | {_mm(c['quality']['simlex_stem'], '{:.3f}')} |")
    L += ["", "| ratio | median | per round | target |", "|---|---:|---:|---|"]
    for t in sm["targets"]:
        tgt = "–" if t["target"] is None else f">= {t['target']}x " + ("met" if t["pass"] else "**not met**")
        L.append(f"| {t['what']} | {t['ratio']:.2f}x | {_mm(t['per_round'], '{:.2f}')} | {tgt} |")
    if any(case in sm["cases"] for case in PAIRS):
        L += ["", "The \"2 processes\" rows are the machine's own ceiling for a second thread: two independent 1-worker "
              "trainings in two processes that start training at the same moment (no shared weights, no Hogwild, "
              "no GIL): both corpora's words over the slower one's training time (starts at most "
              f"{max(r.get('start_skew_s', 0.0) for r in res['runs']):.2f} s apart). \"2 processes / 1\" below 2 means the two virtual CPUs slow each other down even with nothing "
              "shared (caches, memory, the host); \"2 workers / 2 processes\" is what the threads of one training "
              "reach of that ceiling."]
    L += ["", f"Quality (Spearman, median over seeds; target: within {QUALITY_MARGIN} of the reference or above):", ""]
    L += ["| ours | against | list | difference | |", "|---|---|---|---:|---|"]
    for q in sm["quality"]:
        L.append(f"| {q['ours']} | {q['ref']} | {q['list']} | {q['diff']:+.3f} | {'ok' if q['pass'] else '**below**'} |")
    if sm["model"]:
        L += ["", "A model of more cores, from the CPU time per corpus word of each part of the pipeline (1 worker, "
              "median over rounds): the reading thread reads and encodes (r), each training thread builds its chunks' "
              "examples (b) and runs the kernel (k); every word costs r + b + k of CPU on one of the W cores. Now: "
              "W / (r + b + k) words/s, at most 1 / r (the reading is in order); before issue 26 one thread read and "
              "built every chunk: at most 1 / (r + b). Ceilings: memory bandwidth, shared caches and Hogwild's "
              "collisions are not modelled (bench/hogwild_sharing.py measures the last; \"measured\" is the median "
              "of the runs above). After the first epoch the reading thread replays "
              "the encoded corpus (up to 20M tokens), so r counts mostly the first epoch.", "",
              "| config | cores | r / b / k (µs per word) | now, words/s | before, words/s | measured, words/s |",
              "|---|---:|---:|---:|---:|---:|"]
        for m in sm["model"]:
            measured = "–" if m.get("measured") is None else f"{m['measured']:,.0f}"
            L.append(f"| {m['config']} | {m['cores']} | {m['read_us']:.2f} / {m['build_us']:.2f} / {m['kernel_us']:.2f} | "
                     f"{m['now']:,.0f} | {m['before']:,.0f} | {measured} |")
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="1 round, 1 epoch; prints, writes into bench/out/ only")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--cases", default=None, help="comma-separated subset of: " + ", ".join(list(CASES) + list(PAIRS)))
    args = ap.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 3)
    epochs = args.epochs or (1 if args.quick else 5)
    cases = [c.strip() for c in args.cases.split(",")] if args.cases else list(CASES) + list(PAIRS)
    unknown = [c for c in cases if c not in CASES and c not in PAIRS]
    if unknown:
        ap.error(f"unknown case(s): {', '.join(unknown)}")
    work = Path(tempfile.mkdtemp(prefix="w2v_parallel_"))
    engine_root = str(work / "snapshot")
    snapshot = snapshot_engine(work / "snapshot")
    token_file = work / "head500.tok"
    _, tokens = write_token_file(gensim_file(compare_gensim.CORPORA["head500"]), token_file)
    stemmed, _ = stemmed_lists(benchmark_lists(), work)
    evals = {name + "_stem": v for name, v in stemmed.items() if name in ("ws353", "simlex")}   # pairs lists only
    command = ".venv/bin/python bench/parallel_speed.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    res = {"date": now_utc(), "command": command, "machine": machine_line(), "tokens": tokens, "epochs": epochs,
           "rounds": rounds, "snapshot": snapshot, "runs": [], "uptime": [os.popen("uptime").read().strip()]}
    for arch, batching in (("skipgram", "none"), ("skipgram", "shared_negatives"), ("cbow", "none")):
        for w in (1, 2):                  # compile into the snapshot's cache first: no measured run compiles
            run_child(compare_gensim.__file__, {"engine_root": engine_root, "impl": "ours", "warm_only": True,
                      "corpus_file": "", "params": {"architecture": arch, "objective": "negative_sampling",
                                                    "ns_batching": batching},
                      "seed": 1, "workers": w, "evals": {}})
    t0 = time.perf_counter()
    for rnd in range(rounds):
        order = cases if rnd % 2 == 0 else list(reversed(cases))
        for case in order:
            spec = _case_spec(case, rnd + 1, epochs, str(token_file), evals, engine_root)
            if case in PAIRS:
                r = run_pair(spec)
                rate = 2 * tokens * epochs / max(r["pair_train_s"])
            else:
                r = run_child(compare_gensim.__file__, spec)
                rate = tokens * epochs / r["train_s"]
            r.update(case=case, round=rnd + 1, words_per_sec=rate)
            res["runs"].append(r)
            print(f"[{time.perf_counter() - t0:5.0f}s] round {rnd + 1} {case:24s} {r['words_per_sec']:>10,.0f} w/s  "
                  f"WS {r['quality']['ws353_stem']['spearman']:.3f}  load {r['load1_at_start']:.1f}  "
                  f"threads {r.get('threads')}", flush=True)
    res["uptime"].append(os.popen("uptime").read().strip())
    loads = [r["load1_at_start"] for r in res["runs"]]
    res["load_median"], res["load_max"] = statistics.median(loads), max(loads)
    res["summary"] = summarise(res)
    text = render(res)
    print(text)
    print("uptime at start and end:", *res["uptime"], sep="\n  ")
    publish("parallel_speed", res, text, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
