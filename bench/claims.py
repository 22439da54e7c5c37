"""The claims experiments of the compare page, run with several seeds on this machine: bench/CLAIMS_RESULTS.md.

What it runs (lessons.claims.claims_experiment, exactly what the page runs, with workers=1):
  1. the page's default experiment (hard planted corpus, default sizes, equal SGD updates, CBOW h = sum),
     timed (wall and CPU seconds: the page promises < 30 s);
  2. the same sizes with equal epochs and with equal seconds (1 s per run);
  3. the larger planted sizes (up to 600,000 tokens) with equal updates, for each CBOW rule: is the
     task still unsaturated there (best mean precision@5 < 0.95)?
  4. real data: shares of head500 (stemmed Wikipedia) and of the Lee corpus with equal updates, scored
     on (stemmed) WordSim-353 and SimLex-999, with coverage.
For each: mean and 95% Student-t interval over the seeds per size, the verdict (skip-gram / CBOW ahead,
or within noise when the intervals overlap), and rare versus frequent at the largest size.
Raw rows go to bench/out/claims.json.

    nice -n 15 .venv/bin/python bench/claims.py [--seeds 3] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchlib as bl  # noqa: E402

from lessons import benchmarks, claims  # noqa: E402
from lessons.measures import MIN_PAIRS  # noqa: E402
from engine.fast import warm_up  # noqa: E402
from lessons.planted import HARD
from lessons.planted import hard_planted

RESULTS = ROOT / "bench" / "CLAIMS_RESULTS.md"
WORD = {"a": "skip-gram ahead", "b": "CBOW ahead", "noise": "within noise", "unknown": "too few seeds",
        "unscored": f"not scored (< {MIN_PAIRS} known pairs)"}


def ci(iv: dict) -> str:
    if iv["n"] == 0:
        return "—"
    return f"{iv['mean']:.3f} [{iv['lo']:.3f}, {iv['hi']:.3f}]"


def run(name, data, sizes, seeds, budget, amount, rule, base=claims.CLAIMS_SETTINGS):
    wall0, cpu0 = time.perf_counter(), bl.cpu_seconds()
    load = bl.load_average()
    rows = claims.claims_experiment(data, sizes, seeds, base, budget, amount, rule)
    wall, cpu = time.perf_counter() - wall0, bl.cpu_seconds() - cpu0
    print(f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU, load {load:.1f}", flush=True)
    return {"name": name, "data": data.key, "kind": data.kind, "sizes": list(sizes), "budget": budget,
            "amount": amount, "rule": rule, "wall": wall, "cpu": cpu, "load": load,
            "rows": [{k: v for k, v in r.items()} for r in rows]}


def tables(exp: dict) -> list:
    lines = []
    metrics = benchmarks.PAIR_LISTS if exp["kind"] == "real" else [claims.PLANTED_METRIC]
    rows = [r for r in exp["rows"] if "error" not in r]
    for metric in metrics:
        head = ["tokens", "skip-gram", "CBOW", "verdict", "updates SG / CBOW", "seconds SG / CBOW",
                "words/s SG / CBOW", "passes SG / CBOW", "coverage"]
        body = []
        for s in claims.claims_summary(rows, metric):
            mine = [r for r in rows if r["size"] == s["size"]]

            def mean(key, arch):
                v = [r[key] for r in mine if r["architecture"] == arch]
                return sum(v) / len(v) if v else float("nan")
            cov = [r["coverage"][metric] for r in mine]
            body.append([f"{s['size']:,}", ci(s["skipgram"]), ci(s["cbow"]), WORD[s["outcome"]],
                         f"{mean('updates', 'skipgram'):,.0f} / {mean('updates', 'cbow'):,.0f}",
                         f"{mean('seconds', 'skipgram'):.2f} / {mean('seconds', 'cbow'):.2f}",
                         f"{mean('words_per_sec', 'skipgram'):,.0f} / {mean('words_per_sec', 'cbow'):,.0f}",
                         f"{mean('passes', 'skipgram'):.1f} / {mean('passes', 'cbow'):.1f}",
                         f"{min(cov):.0%}" + ("" if min(cov) == max(cov) else f"–{max(cov):.0%}")])
        lines += [f"Score: **{metric}** (mean [95% t-interval] over {len({r['seed'] for r in rows})} seeds)", ""]
        lines += bl.md_table(head, body, "lllllrrrr") + [""]
        largest = max(r["size"] for r in rows)
        bins = claims.PLANTED_BINS if exp["kind"] == "planted" else claims.PAIR_BINS
        bb = []
        for b in bins:
            s = [x for x in claims.claims_summary(rows, metric, b) if x["size"] == largest][0]
            bb.append([b, ci(s["skipgram"]), ci(s["cbow"]), WORD[s["outcome"]]])
        lines += [f"Rare versus frequent at {largest:,} tokens ({metric}):", ""]
        lines += bl.md_table(["words", "skip-gram", "CBOW", "verdict"], bb) + [""]
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="skip the larger planted sizes and head500")
    ap.add_argument("--from-json", action="store_true", help="rewrite the .md from bench/out/claims.json")
    args = ap.parse_args()
    if args.from_json:
        dump = bl.load_json(bl.out_file("claims.json"))
        write(dump["start"], dump["command"], dump["when"], dump["exps"])
        return
    seeds = list(range(1, args.seeds + 1))
    warm_up(claims.CLAIMS_SETTINGS["vector_size"], 1)
    start = bl.machine_line()
    exps = []
    planted = claims.ClaimsData.planted(hard_planted(max(claims.PLANTED_SIZES["default"])))
    sizes = claims.PLANTED_SIZES["default"]
    exps.append(run("Planted (the page's default): equal SGD updates, CBOW h = sum", planted, sizes, seeds,
                    "updates", 5, "sum"))
    exps.append(run("Planted: equal epochs (5), CBOW h = sum", planted, sizes, seeds, "epochs", 5, "sum"))
    exps.append(run("Planted: equal seconds (1 s per run), CBOW h = sum", planted, sizes, seeds, "seconds", 1.0, "sum"))
    if not args.quick:
        big = claims.ClaimsData.planted(hard_planted(max(claims.PLANTED_SIZES["larger"])))
        for rule in claims.CBOW_RULES:
            exps.append(run(f"Planted, larger sizes: equal SGD updates, CBOW {rule}", big, claims.PLANTED_SIZES["larger"],
                            seeds, "updates", 5, rule))
        head = claims.ClaimsData.real("head500")
        exps.append(run("head500 (stemmed Wikipedia sample): equal SGD updates, CBOW h = sum", head,
                        [round(f * head.n_tokens) for f in claims.REAL_SHARES["larger"]], seeds, "updates", 5, "sum"))
    lee = claims.ClaimsData.real("lee")
    exps.append(run("Lee news corpus: equal SGD updates, CBOW h = sum", lee,
                    [round(f * lee.n_tokens) for f in claims.REAL_SHARES["larger"]], seeds, "updates", 5, "sum"))
    command, when = bl.command_line("nice -n 15 .venv/bin/python bench/claims.py"), bl.now_utc()
    bl.dump_json(bl.out_file("claims.json"), {"start": start, "command": command, "when": when, "exps": exps})
    write(start, command, when, exps)


def write(start: str, command: str, when: str, exps: list) -> None:
    s = claims.CLAIMS_SETTINGS
    md = ["# The claims experiments, measured", "",
          f"Generated by `bench/claims.py` on {when} (UTC). Reproduce with:", "",
          "    " + command, "",
          f"Machine: {start}. Other developers share the 2 cores, so seconds and words/s vary from run to run "
          "(the load average of each experiment is given).", "",
          f"Models (both architectures): {s['objective']}, d = {s['vector_size']}, window = {s['window']}, "
          f"k = {s['negative']}, sample = {s['sample']}, min_count = {s['min_count']}, alpha = {s['alpha']} "
          f"falling linearly to {s['min_alpha']}, one thread. Planted corpus: {HARD} "
          "(lessons.planted.HARD), sizes are prefixes of one generated corpus. Real corpora: prefixes of the "
          "token stream; head500 is scored on Porter-stemmed copies of the lists. Seeds vary the initial "
          "vectors, windows, subsampling and negatives (not the corpus).", "",
          "Budgets: *equal SGD updates* = CBOW gets exactly as many updates (model.step_count) as skip-gram "
          "makes in 5 epochs, so it makes about window + 1 = 4 times the passes; *equal epochs* = 5 passes "
          "each; *equal seconds* = a 1 s deadline per run (epochs planned from a speed probe, x1.25).", "",
          "Verdict: the 95% Student-t intervals of the two means overlap -> *within noise*; else the one "
          "whose interval lies above wins.", ""]
    for e in exps:
        md += [f"## {e['name']}", "",
               f"{e['wall']:.1f} s wall, {e['cpu']:.1f} s CPU for {len(e['rows'])} trainings "
               f"(load average {e['load']:.1f} at the start).", ""]
        md += tables(e)
    best = max((r["scores"][claims.PLANTED_METRIC] for e in exps if e["kind"] == "planted" for r in e["rows"]
                if "error" not in r and r["size"] == max(e["sizes"])), default=float("nan"))
    md += ["## Saturation", "",
           f"Best single-run precision@5 at the largest planted size of any experiment above: {best:.3f} "
           f"({'below' if best < 0.95 else 'NOT below'} 0.95).", ""]
    RESULTS.write_text("\n".join(md), encoding="utf-8")
    print("wrote", RESULTS)


if __name__ == "__main__":
    main()
