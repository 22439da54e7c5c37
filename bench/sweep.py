"""How long a hyperparameter sweep takes, which way of using the two cores is faster, and what a sweep costs
the other users of the server.

What it does:
1. Sweep time: 5 values x 3 seeds of one setting (default: window 1..5) on gensim's Lee corpus
   (lee_background.cor, 60k tokens), every other setting the app's sidebar default (skip-gram, negative
   sampling, d = 20, 20 epochs, alpha 0.25, ...), scored on WordSim-353 and SimLex-999 as the page does,
   with each way of using the cores (lessons.sweep.plan.STRATEGIES): two runs at once with workers=1 each,
   one run at a time with workers=2, and one run at a time with workers=1. Strategies are interleaved
   round by round; no result cache. Wall time of the whole sweep (what the page's user waits for),
   training seconds per run, words/s per run, and the cores that *other* processes used meanwhile
   (on a shared machine that number says how much of the two cores the sweep could have).
2. Responsiveness: the engine time of a Next 100 click of the Step page (100 step() calls on the
   royalty corpus, pure Python + NumPy holding the GIL) alone, and while a sweep runs in the
   background as the page runs it (a SweepJob, nice +5), and with nice 0.
Writes bench/SWEEP_RESULTS.md (whole file) and bench/out/sweep.json.

    .venv/bin/python bench/sweep.py                       # 1 round (~1-3 minutes on a quiet machine)
    .venv/bin/python bench/sweep.py --rounds 3 --setting ns_exponent --values "0..1 step 0.25"
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from benchlib import (BENCH, cpu_seconds, cpu_snapshot, dump_json, gensim_file, load_average, machine_info,
                      load_json, machine_line, md_table, now_utc, out_file,
                      write_markdown)

from engine import fast, read_corpus, sample_corpora, Word2Vec
from lessons.sweep import plan as sweep_plan
from lessons.sweep import run as sweep_run
from lessons.sweep import scores as sweep_scores
from ui.settings import DEFAULTS, SETTING_NAMES

RESULTS = BENCH / "SWEEP_RESULTS.md"
TARGET_S = 30.0
SHOWN = ("architecture", "objective", "vector_size", "window", "negative", "sample", "min_count", "alpha", "epochs")
LABELS = {"two_runs": "two runs at once (workers=1 each)", "workers2": "one run at a time, workers=2",
          "one": "one run at a time, workers=1"}


def other_cores(before: dict, after: dict, wall: float) -> float:
    me = os.getpid()
    return max(0.0, sum(v - before.get(pid, 0.0) for pid, v in after.items() if pid != me)) / max(wall, 1e-9)


def lee_corpus() -> sweep_scores.SweepCorpus:
    sentences = tuple(tuple(s) for s in read_corpus(gensim_file("lee_background.cor")))
    return sweep_scores.SweepCorpus("gensim:lee_background", "lee_background", sentences)


def time_sweep(plan: sweep_plan.SweepPlan, corpus: sweep_scores.SweepCorpus) -> dict:
    before = cpu_snapshot()
    load = load_average()
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    rows = sweep_run.run_sweep(plan, corpus, cache=None, slots=sweep_run.SlotPool(2))
    wall = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    other = other_cores(before, cpu_snapshot(), wall)
    ok = [r for r in rows if r["status"] == "ok"]
    return {"strategy": plan.strategy, "wall": wall, "runs": len(rows), "errors": len(rows) - len(ok),
            "train_s": [r["time"] for r in ok], "build_s": [r["build_time"] for r in ok],
            "words_per_sec": [r["words_per_sec"] for r in ok], "other_cores": other, "load1": load, "cpu": cpu,
            "rows": rows}


def quick_rounds(values, base, corpus: sweep_scores.SweepCorpus, strategies, rounds: int) -> list:
    """Short sweeps (the same values, one seed, 5 epochs) of every strategy, interleaved round by round in a
    rotating order, so that the machine's changing load hits every strategy alike: one dict per round
    {strategy: wall seconds}."""
    out = []
    for rnd in range(rounds):
        k = rnd % len(strategies)
        order = strategies[k:] + strategies[:k]
        walls = {}
        for strategy in order:
            plan = sweep_plan.SweepPlan.make("window", values, [1], {**base, "epochs": 5}, strategy=strategy)
            t0 = time.perf_counter()
            sweep_run.run_sweep(plan, corpus, cache=None, slots=sweep_run.SlotPool(2))
            walls[strategy] = time.perf_counter() - t0
        out.append(walls)
        print("quick round", rnd + 1, "  ".join(f"{s} {w:.2f} s" for s, w in walls.items()))
    return out


def next100_ms(model: Word2Vec, n: int = 100) -> float:
    t = time.perf_counter()
    model.steps(n)
    return (time.perf_counter() - t) * 1000


def responsiveness(plan: sweep_plan.SweepPlan, corpus: sweep_scores.SweepCorpus, reps: int = 15) -> dict:
    """Next 100 latency (ms) alone, and while a SweepJob runs with nice 5 and with nice 0."""
    royalty = tuple(tuple(s) for s in read_corpus(sample_corpora()["royalty"]))
    m = Word2Vec(**{k: DEFAULTS[k] for k in SETTING_NAMES})
    m.build_vocab(royalty)
    next100_ms(m)
    out = {"alone": [next100_ms(m) for _ in range(reps)]}
    for nice in (5, 0):
        job = sweep_run.SweepJob(plan, corpus, cache=None, slots=sweep_run.SlotPool(2), nice=nice).start()
        time.sleep(1.0)                                   # the sweep is under way
        times = []
        while job.running and len(times) < reps:
            times.append(next100_ms(m))
            time.sleep(0.2)                               # a student clicks now and then
        job.stop()
        job.wait()
        out[f"during sweep, nice {nice}"] = times
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--setting", default="window")
    ap.add_argument("--values", default="1..5")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--strategies", default=",".join(sweep_plan.STRATEGIES))
    ap.add_argument("--quick-rounds", type=int, default=8,
                    help="short interleaved sweeps per strategy (window 1..5, one seed, 5 epochs) for the ratio")
    ap.add_argument("--no-responsiveness", action="store_true")
    ap.add_argument("--note", default="", help="a sentence for the results file (e.g. how busy the machine was)")
    ap.add_argument("--from-json", help="only write the results file again from this dump (bench/out/sweep.json)")
    args = ap.parse_args()
    if args.from_json:
        return rewrite_from_json(args.from_json)

    corpus = lee_corpus()
    base = {k: DEFAULTS[k] for k in SETTING_NAMES}
    values = sweep_plan.parse_values(args.setting, args.values)
    seeds = list(range(1, args.seeds + 1))
    strategies = args.strategies.split(",")
    print(machine_line())
    t = time.perf_counter()
    sizes = {int(base["vector_size"])} | ({int(v) for v in values} if args.setting == "vector_size" else set())
    for d in sizes:
        fast.warm_up(d, 2)
    print(f"kernels ready in {time.perf_counter() - t:.1f} s")
    start, measured = machine_line(), now_utc()

    results = []
    for rnd in range(args.rounds):
        order = strategies if rnd % 2 == 0 else strategies[::-1]
        for strategy in order:
            plan = sweep_plan.SweepPlan.make(args.setting, values, seeds, base, strategy=strategy)
            res = time_sweep(plan, corpus)
            res["round"] = rnd + 1
            results.append(res)
            print(f"round {rnd + 1} {strategy:9s} {res['wall']:6.1f} s  ({res['runs']} runs, "
                  f"median {statistics.median(res['train_s']):.2f} s training per run, {res['cpu']:.1f} CPU s, "
                  f"visible other processes used {res['other_cores']:.1f} cores, load {res['load1']:.1f})")

    quick = quick_rounds(sweep_plan.parse_values("window", "1..5"), base, corpus, strategies, args.quick_rounds)
    quality_rows = results[0]["rows"]
    resp = {}
    if not args.no_responsiveness:
        plan = sweep_plan.SweepPlan.make(args.setting, values, seeds, base, strategy=sweep_plan.DEFAULT_STRATEGY)
        resp = responsiveness(plan, corpus)
        for k, v in resp.items():
            print(f"Next 100, {k}: median {statistics.median(v):.0f} ms (max {max(v):.0f}, n {len(v)})")

    dump_json(out_file("sweep.json"), {"machine": machine_info(), "args": vars(args), "start": start,
                                        "measured": measured,
                                        "results": [{k: v for k, v in r.items() if k != "rows"} for r in results],
                                        "quality_rows": quality_rows, "responsiveness": resp, "quick": quick})
    write_results(args, values, seeds, base, results, quality_rows, resp, start, quick, measured)
    print(f"wrote {RESULTS.relative_to(BENCH.parent)}")


def rewrite_from_json(path) -> None:
    """Write bench/SWEEP_RESULTS.md again from a dump of an earlier run (after a change of wording)."""
    data = load_json(path)
    args = argparse.Namespace(**data["args"])
    values = sweep_plan.parse_values(args.setting, args.values)
    base = {k: DEFAULTS[k] for k in SETTING_NAMES}
    write_results(args, values, list(range(1, args.seeds + 1)), base, data["results"], data["quality_rows"],
                  data["responsiveness"], data["start"], data.get("quick", []), data.get("measured"))
    print(f"wrote {RESULTS.relative_to(BENCH.parent)} from {path}")


def quick_lines(quick) -> list:
    """The interleaved short sweeps: median wall time per strategy and the median of its ratio to 'one' within
    a round (the fairest comparison on a machine whose load keeps changing)."""
    if not quick:
        return []
    strategies = list(quick[0])
    rows = []
    for s in strategies:
        walls = [q[s] for q in quick]
        ratio = statistics.median(q["one"] / q[s] for q in quick) if "one" in strategies else float("nan")
        rows.append([LABELS.get(s, s), f"{statistics.median(walls):.2f}", f"{min(walls):.2f}", f"**{ratio:.2f}x**"])
    best = max(strategies, key=lambda s: statistics.median(q["one"] / q[s] for q in quick))
    return ["", f"Short sweeps interleaved {len(quick)} times (window 1..5, one seed, 5 epochs, strategies in a "
            "rotating order within each round), so that the changing load hits each strategy alike:", "",
            *md_table(["how the two cores are used", "median wall (s)", "best (s)",
                       "speed-up over one run at a time (median of the per-round ratios)"], rows, "lrrr"),
            "", f"Faster by this measure: **{LABELS.get(best, best)}**. The app uses `{sweep_plan.DEFAULT_STRATEGY}` by "
            "default (lessons/sweep/ DEFAULT_STRATEGY): "
            + ("the faster by this measure, and " if best == sweep_plan.DEFAULT_STRATEGY else
               "NOT the faster by this measure in this run (reconsider the default if that repeats); chosen because ")
            + "each of its runs stays deterministic (workers=1 trains exactly what stepping would), so a cached result "
            "is the result. Why two runs at once gain less than 2x: one run with workers=1 already keeps more than "
            "one core busy (its thread builds the next chunk of examples while the kernel thread trains), and "
            "scoring is plain Python."]


def cov_text(cov) -> str:
    lo, hi = cov
    return f"{lo:.0%}" if round(lo, 2) == round(hi, 2) else f"{lo:.0%}–{hi:.0%}"


def write_results(args, values, seeds, base, results, quality_rows, resp, start, quick=(), measured=None):
    measured = measured or now_utc()
    by = {}
    for r in results:
        by.setdefault(r["strategy"], []).append(r)
    rows = []
    for strategy, rs in by.items():
        walls = [r["wall"] for r in rs]
        per_run = [x for r in rs for x in r["train_s"]]
        wps = [x for r in rs for x in r["words_per_sec"]]
        other = statistics.median(r["other_cores"] for r in rs)
        cpu = statistics.median(r["cpu"] for r in rs)
        rows.append([LABELS.get(strategy, strategy), f"**{min(walls):.1f}**",
                     f"{statistics.median(walls):.1f}", f"{statistics.median(per_run):.2f}",
                     f"{statistics.median(wps):,.0f}", f"{cpu:.1f}",
                     f"{statistics.median(r['cpu'] / r['wall'] for r in rs):.2f}", f"{other:.1f}",
                     f"{cpu / 2:.1f}", "yes" if min(walls) < TARGET_S else "no"])
    fastest = min(by, key=lambda s: min(r["wall"] for r in by[s]))
    n_runs = len(values) * len(seeds)
    summary = sweep_scores.summarize(quality_rows, "wordsim353")
    cov = sweep_scores.coverage_range(quality_rows, "wordsim353")
    loss = {(s["value"]): s for s in sweep_scores.summarize(quality_rows, "final_loss")}
    q_rows = [[sweep_plan.format_value(s["value"]), f"{s['mean']:.3f} ± {s['std']:.3f}",
               f"{loss[s['value']]['mean']:.3f} ± {loss[s['value']]['std']:.3f}"] for s in summary]
    v = sweep_scores.sweep_verdict(summary, "wordsim353")
    lines = [
        "# Hyperparameter sweep: time, the two cores, and the other users",
        "",
        f"Measured by `bench/sweep.py` ({measured} UTC; {start}). {args.note}".rstrip(),
        "",
        f"The sweep: {args.setting} = {sweep_plan.values_text(values)} x seeds {', '.join(map(str, seeds))} "
        f"({n_runs} trainings) on gensim's Lee corpus (60k tokens), every other setting the app's sidebar "
        f"default ({', '.join(f'{k} {sweep_plan.format_value(base[k])}' for k in SHOWN if k != args.setting)}), "
        "each run scored on WordSim-353 and SimLex-999 as the page does (training + scoring), no result cache, "
        f"{args.rounds} round(s), strategies interleaved. Target: under {TARGET_S:.0f} s.",
        "",
        "<!-- sweep_time -->",
        *md_table(["how the two cores are used", "sweep wall time (s, best)", "median", "training s per run",
                   "words/s per run", "CPU s of the sweep", "cores the sweep got", "cores other processes used",
                   "CPU s / 2", f"best < {TARGET_S:.0f} s"],
                  rows, "lrrrrrrrrc"),
        "",
        f"Best single wall time here: **{LABELS.get(fastest, fastest)}**. 'CPU s of the sweep' is this process's "
        "CPU time (training, "
        "scoring, chunk building): it hardly depends on how busy the machine is, and 'CPU s / 2' is the wall time "
        "the sweep would take on two free cores kept busy all the time. 'Cores the sweep got' = CPU s / wall "
        "time: when it is far below 2, the wall times measure the machine's load more than the strategy. 'Cores "
        "other processes used' counts the processes this one can see (the load average also counts work in "
        "other containers on the same host).",
        *quick_lines(quick),
        "<!-- /sweep_time -->",
        "",
        "<!-- sweep_quality -->",
        f"What the sweep found (first round, WordSim-353 Spearman over the pairs in the Lee vocabulary; coverage "
        f"{cov_text(cov)} of the 353 pairs; mean ± standard deviation over {len(seeds)} seeds):"
        if cov else "WordSim-353 could not be scored (gensim's test data missing).",
        "",
        *md_table([args.setting, "WordSim-353 Spearman", "final loss"], q_rows, "lrr"),
        "",
        (f"Best: {args.setting} = {sweep_plan.format_value(v[0]['best']['value'])}; clearly worse (gap larger than "
         f"the two standard deviations added): {sweep_plan.values_text(v[0]['clearly']) or 'none'}; within the "
         f"seed-to-seed spread: {sweep_plan.values_text(v[0]['within']) or 'none'}.") if v else "",
        "<!-- /sweep_quality -->",
    ]
    if resp:
        r_rows = [[k, f"{statistics.median(x):.0f}", f"{max(x):.0f}", len(x)] for k, x in resp.items()]
        lines += [
            "",
            "<!-- sweep_responsive -->",
            "Another user's click while a sweep runs: engine time of a Next 100 on the Step page (100 `step()` "
            "calls, royalty corpus) in this process, alone and while a sweep runs in the background as the page "
            "runs it (`SweepJob`: its threads at nice +5, and for comparison at nice 0).",
            "",
            *md_table(["Next 100", "median ms", "max ms", "clicks"], r_rows, "lrrr"),
            "<!-- /sweep_responsive -->",
        ]
    write_markdown(RESULTS, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
