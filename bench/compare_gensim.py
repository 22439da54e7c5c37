"""Benchmark our Word2Vec against gensim 4.x on real corpora: speed, peak memory and quality.

What it does: tokenises the two real corpora that ship in gensim's test data (head500.noblanks.cor,
stemmed Wikipedia; lee_background.cor, news) once with our tokenizer, writes them as one sentence per
line of space-separated tokens, and gives that same file to both trainers through the same
whitespace-splitting, streaming iterable (so both see identical tokens and pay the same reading
cost). For every corpus x config x workers it trains ours, then gensim (A B), in a fresh subprocess
each, for 3 rounds with a different seed per round, and records:
  - training seconds: wall time of train() only (vocabulary building and, for ours, the one-time
    load of the compiled kernel from numba's disk cache are done before the clock starts);
  - effective words/s = corpus tokens x epochs / training seconds, where corpus tokens counts every
    token of the tokenised corpus (also those min_count drops); the same definition for both;
  - peak RSS of the subprocess (VmHWM in /proc/self/status), read right after training;
  - quality: Spearman on WordSim-353 and SimLex-999 (for head500 also on Porter-stemmed copies of
    both lists and of the analogy questions, made at run time with gensim's PorterStemmer) with the
    OOV share, and Google analogy accuracy (3CosAdd); both models are scored by the same evaluator
    (engine.KeyedVectors) so that only the vectors differ;
  - how busy the rest of the machine was during each run (CPU seconds used by other processes).
It also times full softmax (no gensim peer) on the sample corpora, and checks that our peak memory
does not grow with corpus length (head500 x1 vs x4). Writes the raw results to bench/out/results.json
and the tables to bench/RESULTS.md, keeping the sections other scripts wrote there (step_speed.py's,
cbow_gradient.py's); --render-only rewrites the tables from bench/out/results.json.
What it does not do: the step() speed (bench/step_speed.py does, into its own section of RESULTS.md).

    make bench                                   # the full run (about 15-20 minutes on 2 cores)
    .venv/bin/python bench/compare_gensim.py --quick   # lee only, 1 epoch, 1 round, into a temp dir
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib import (BENCH, GENSIM_CORPORA, OUT, STEMMED, TokenFile, benchmark_lists, cpu_seconds,
                      current_rss_mb, dump_json, evaluate, gensim_file, load_json, machine_info, now_utc,
                      peak_rss_mb, run_child, snapshot_engine, spread, stemmed_lists, wait_quiet, write_markdown,
                      write_token_file)

CORPORA = GENSIM_CORPORA                  # name -> file in gensim's test data
RESULTS_JSON = OUT / "results.json"
RESULTS_MD = BENCH / "RESULTS.md"

# name -> (architecture, objective, alpha)
CONFIGS = {
    "SG-NS": ("skipgram", "negative_sampling", 0.025),
    "SG-HS": ("skipgram", "hierarchical_softmax", 0.025),
    "CBOW-NS": ("cbow", "negative_sampling", 0.025),
    "CBOW-HS": ("cbow", "hierarchical_softmax", 0.025),
    "CBOW-NS a=0.05": ("cbow", "negative_sampling", 0.05),
    "CBOW-HS a=0.05": ("cbow", "hierarchical_softmax", 0.05),
    # the "defaults" block: OUR default CBOW rule (h = sum of the context vectors, the note's formula,
    # with its exact gradient) against gensim's default (cbow_mean=1, word2vec.c's undivided update),
    # everything else identical
    "CBOW-NS defaults": ("cbow", "negative_sampling", 0.025),
    "CBOW-HS defaults": ("cbow", "hierarchical_softmax", 0.025),
}
OURS_OVERRIDES = {"CBOW-NS defaults": dict(cbow_mean=False, cbow_update="exact"),
                  "CBOW-HS defaults": dict(cbow_mean=False, cbow_update="exact")}
COMMON = dict(vector_size=100, window=5, negative=5, ns_exponent=0.75, sample=1e-3, min_count=5,
              min_alpha=1e-4, epochs=5,
              cbow_mean=True,       # gensim's default CBOW hidden layer: the mean of the context vectors
              # gensim's and word2vec.c's CBOW mean does not divide the context rows' update by their
              # number; cbow_update="word2vec" runs that same rule ("exact", our default, divides)
              cbow_update="word2vec",
              # and their skip-gram predicts the centre from each context word's input vector
              skipgram_input="context")

SPEED_TARGET_MAIN = 1.5        # SG-NS, workers=1, head500
SPEED_TARGET = 1.0             # every other config / worker count
QUALITY_MARGIN = 0.03          # Spearman: ours >= gensim's 3-seed median - 0.03
MEMORY_LIMIT_MB = 400          # peak RSS on head500
DISTURBED = 0.3                # other processes using more cores than this during a run: it shared the machine


# ====================================================================== the child: one training run
def _wait_until(start_at) -> float:
    """Sleep until the wall-clock time start_at (spec["start_at"]: two processes that start training together,
    bench/parallel_speed.py's pairs); return the time training starts."""
    if start_at is not None:
        time.sleep(max(0.0, start_at - time.time()))
    return time.time()


def child(spec: dict) -> dict:
    """Train one model as spec says, in this fresh process; return timings, memory and quality."""
    if spec.get("engine_root"):       # the snapshot of engine/ taken when the benchmark started
        sys.path.insert(0, spec["engine_root"])
    baseline = current_rss_mb()
    sentences = TokenFile(spec["corpus_file"], spec.get("repeat", 1))
    p = spec["params"]
    res = {}
    if spec["impl"] == "ours":
        from engine import Word2Vec

        # load (or compile) the numba kernel on a toy model first, so the clock below measures training
        # (at the benchmark's vector size: the kernel is compiled for each size from 32 on)
        t = time.perf_counter()
        Word2Vec(architecture=p["architecture"], objective=p["objective"],
                 vector_size=p.get("vector_size", COMMON["vector_size"]), window=2,
                 min_count=1, epochs=1, sample=0, seed=1, workers=spec["workers"],
                 **({"ns_batching": p["ns_batching"]} if p.get("ns_batching", "none") != "none" else {})
                 ).fit([["a", "b", "c", "a", "b"], ["b", "c", "a"]] * 3)
        res["kernel_load_s"] = time.perf_counter() - t
        if spec.get("warm_only"):
            return res
        baseline = current_rss_mb()
        model = Word2Vec(architecture=p["architecture"], objective=p["objective"],
                         vector_size=p["vector_size"], window=p["window"], negative=p["negative"],
                         ns_exponent=p["ns_exponent"], sample=p["sample"], min_count=p["min_count"],
                         alpha=p["alpha"], min_alpha=p["min_alpha"], epochs=p["epochs"],
                         seed=spec["seed"], workers=spec["workers"],
                         **{k: p[k] for k in ("cbow_mean", "cbow_update", "skipgram_input", "ns_batching") if k in p})
        t = time.perf_counter()
        model.build_vocab(sentences)
        res["vocab_s"] = time.perf_counter() - t
        res["rss_before_train_mb"] = current_rss_mb()
        res["train_start"] = _wait_until(spec.get("start_at"))
        t = time.perf_counter()
        info = model.train()
        res["train_s"] = time.perf_counter() - t
        res["peak_rss_mb"] = peak_rss_mb()
        res["loss"] = info.get("loss")
        res["engine_words_per_sec"] = info.get("words_per_sec")
        res["threads"] = info.get("threads")      # CPU seconds: reading, building, kernel (pipeline.py)
        res["vocab_size"] = len(model.vocab)
        keys, vectors = model.wv.index_to_key, model.W_in
    else:
        import logging

        logging.disable(logging.WARNING)
        from gensim.models import Word2Vec as GWord2Vec

        baseline = current_rss_mb()
        model = GWord2Vec(vector_size=p["vector_size"], window=p["window"], min_count=p["min_count"],
                          sample=p["sample"], alpha=p["alpha"], min_alpha=p["min_alpha"],
                          sg=int(p["architecture"] == "skipgram"),
                          hs=int(p["objective"] == "hierarchical_softmax"),
                          negative=p["negative"] if p["objective"] == "negative_sampling" else 0,
                          ns_exponent=p["ns_exponent"], cbow_mean=1, epochs=p["epochs"],
                          seed=spec["seed"], workers=spec["workers"])
        t = time.perf_counter()
        model.build_vocab(corpus_iterable=sentences)
        res["vocab_s"] = time.perf_counter() - t
        res["rss_before_train_mb"] = current_rss_mb()
        res["train_start"] = _wait_until(spec.get("start_at"))
        t = time.perf_counter()
        model.train(corpus_iterable=sentences, total_examples=model.corpus_count, epochs=model.epochs)
        res["train_s"] = time.perf_counter() - t
        res["peak_rss_mb"] = peak_rss_mb()
        res["vocab_size"] = len(model.wv)
        keys, vectors = model.wv.index_to_key, model.wv.vectors
        first_pairs = next((n for n, (k, _) in spec["evals"].items() if k == "pairs"), None)
        if first_pairs:  # cross-check of our evaluator against gensim's own
            r = model.wv.evaluate_word_pairs(spec["evals"][first_pairs][1])
            res["gensim_evaluator_" + first_pairs] = float(r[1][0])
    res["baseline_rss_mb"] = baseline
    res["cpu_s"] = cpu_seconds()
    res["quality"] = evaluate(keys, vectors, {k: tuple(v) for k, v in spec["evals"].items()})
    return res


# ====================================================================== the parent
def summarise(runs: list, tokens: dict, epochs: int) -> list:
    """One row per corpus x config x workers: medians and min-max over the rounds, and the targets."""
    rows = []
    keys = []
    for r in runs:
        k = (r["corpus"], r["config"], r["workers"])
        if k not in keys:
            keys.append(k)
    for corpus, config, workers in keys:
        mine = [r for r in runs if (r["corpus"], r["config"], r["workers"], r["impl"]) == (corpus, config, workers, "ours")]
        theirs = [r for r in runs if (r["corpus"], r["config"], r["workers"], r["impl"]) == (corpus, config, workers, "gensim")]
        row = {"corpus": corpus, "config": config, "workers": workers, "rounds": len(mine)}
        for who, rs in (("ours", mine), ("gensim", theirs)):
            row[who] = {
                "train_s": spread([r["train_s"] for r in rs]),
                "words_per_sec": spread([r["words_per_sec"] for r in rs]),
                "peak_rss_mb": spread([r["peak_rss_mb"] for r in rs]),
                "vocab_size": sorted({r["vocab_size"] for r in rs}),
                "quality": {},
            }
            names = sorted({n for r in rs for n in r["quality"]})
            for n in names:
                q = [r["quality"].get(n, {}) for r in rs]
                if "spearman" in q[0]:
                    row[who]["quality"][n] = {"spearman": spread([x.get("spearman") for x in q]),
                                              "oov": spread([x.get("oov") for x in q])}
                else:
                    row[who]["quality"][n] = {"accuracy": spread([x.get("accuracy") for x in q]),
                                              "coverage": spread([x.get("coverage") for x in q])}
        by_seed = {r["seed"]: r for r in theirs}
        ratios = [m["words_per_sec"] / by_seed[m["seed"]]["words_per_sec"] for m in mine if m["seed"] in by_seed]
        row["ratio_per_round"] = spread(ratios)
        om, gm = row["ours"]["words_per_sec"]["median"], row["gensim"]["words_per_sec"]["median"]
        row["ratio"] = om / gm if om and gm else None
        # targets
        target = SPEED_TARGET_MAIN if (corpus, config, workers) == ("head500", "SG-NS", 1) else SPEED_TARGET
        t = {"speed": {"target": f">= {target}x", "value": row["ratio"],
                       "pass": row["ratio"] is not None and row["ratio"] >= target}}
        suffix = "_stem" if corpus in STEMMED else ""
        for lst in ("ws353", "simlex"):
            name = lst + suffix
            o = row["ours"]["quality"].get(name, {}).get("spearman", {}).get("median")
            g = row["gensim"]["quality"].get(name, {}).get("spearman", {}).get("median")
            t[name] = {"target": f">= gensim median - {QUALITY_MARGIN}", "value": None if o is None or g is None else o - g,
                       "pass": o is not None and g is not None and o >= g - QUALITY_MARGIN}
        if corpus == "head500":
            peak = row["ours"]["peak_rss_mb"]["max"]
            t["memory"] = {"target": f"< {MEMORY_LIMIT_MB} MB", "value": peak,
                           "pass": peak is not None and peak < MEMORY_LIMIT_MB}
        row["targets"] = t
        rows.append(row)
    return rows


# ---------------------------------------------------------------------- markdown
def _f(x, fmt="{:.3f}"):
    return "–" if x is None else fmt.format(x)


def _mm(s, fmt="{:.3f}"):
    """'median [min–max]' of a spread dict."""
    if not s or s.get("median") is None:
        return "–"
    if s["n"] == 1:
        return fmt.format(s["median"])
    return f"{fmt.format(s['median'])} [{fmt.format(s['min'])}–{fmt.format(s['max'])}]"


def _pf(ok):
    return "PASS" if ok else "**FAIL**"


def render_markdown(res: dict) -> str:
    m, st = res["machine"], res["settings"]
    L = []
    L.append("# Benchmark: our Word2Vec vs gensim")
    L.append("")
    L.append(f"Generated by `bench/compare_gensim.py` on {res['date']} (UTC). Reproduce with:")
    L.append("")
    L.append(f"    {res['command']}")
    L.append("")
    L.append(f"Machine: {m['nproc']} cores, {m['cpu_model']}, {_f(m.get('memory_gb'), '{:.0f}')} GB RAM; "
             f"Python {m['python']}, NumPy {m['numpy']}, numba {m['numba']}, gensim {m['gensim']}; "
             f"BLAS env as found: `{' '.join(f'{k}={v}' for k, v in sorted(m['openblas_env'].items())) or 'none'}`. "
             f"Repository at {m['git_head']}. Engine trained: a copy of engine/ taken at the start from "
             f"{m.get('engine_rev', 'the working tree')} (last engine commit: {m.get('engine_commit')}; sha1 of its "
             f"files {m.get('engine_sha1')}" + (", with uncommitted changes)" if m.get("engine_dirty") else ")") + ".")
    L.append("")
    L.append(f"Settings (both trainers): vector_size {st['vector_size']}, window {st['window']}, negative "
             f"{st['negative']} (NS) / hs=1 (HS), sample {st['sample']}, min_count {st['min_count']}, "
             f"epochs {st['epochs']}, alpha 0.025 (and 0.05 for CBOW), min_alpha {st['min_alpha']}, "
             f"CBOW mean; ours with cbow_update={st.get('cbow_update', 'exact')!r} and skipgram_input="
             f"{st.get('skipgram_input', 'center')!r} (gensim's update rule and skip-gram roles: the same "
             f"algorithm on both sides). {st['rounds']} rounds; round r uses seed r for both; within a round each config "
             f"runs ours then gensim (A B), each training in a fresh subprocess.")
    L.append("")
    L.append("Definitions:")
    L.append("- **seconds**: wall time of `train()` only. Vocabulary building is not timed (for either), nor is "
             "loading our compiled kernel from numba's on-disk cache (done once per process on a toy model "
             f"before the clock starts; median {_f(res.get('kernel_load_s_median'), '{:.2f}')} s).")
    L.append("- **words/s** (effective) = corpus tokens x epochs / seconds, the same for both; corpus tokens = "
             "every token of the tokenised corpus, also those that min_count drops "
             + ", ".join(f"{c}: {n:,}" for c, n in res["corpus_tokens"].items()) + ". "
             "Both read the same pre-tokenised file through the same streaming iterable.")
    L.append("- **ratio** = our words/s / gensim's (medians); in brackets the min–max of the per-round ratios.")
    L.append("- **peak RSS**: the training subprocess's high-water mark (`VmHWM`), read right after training (before the "
             "evaluation), max over rounds; it includes the interpreter and imports (numba for ours, "
             "gensim/scipy for gensim).")
    L.append("- **quality**: median [min–max] over the seeds; Spearman's rho on the pairs whose two words are in "
             "the vocabulary (OOV share given), Google analogies by 3CosAdd over the questions whose four words "
             "are in the vocabulary (coverage given). Both models are scored by the same code (engine.KeyedVectors). "
             "head500 is Porter-stemmed, so its targets use stemmed copies of the lists (gensim's PorterStemmer, "
             "made at run time; analogy questions whose four stems are not distinct are dropped).")
    load = res.get("load", {})
    L.append(f"- **load**: CPU used by other processes during our runs, in cores: median "
             f"{_f(load.get('other_cores_median'), '{:.2f}')}, max {_f(load.get('other_cores_max'), '{:.2f}')}; "
             f"{load.get('runs_disturbed', '–')} of {load.get('runs', '–')} runs shared the machine with more than "
             f"0.3 cores of other work (before each ours/gensim pair the script waits up to {st.get('wait_quiet', 60):.0f} s "
             "for quiet, and a "
             f"pair disturbed anyway is run again once: {load.get('pairs_redone', 0)} pairs were; "
             f"{_f(load.get('waited_s'), '{:.0f}')} s waited in all) "
             f"(1-min load average at run start: median {_f(load.get('load1_median'), '{:.2f}')}; it includes the "
             "benchmark's own previous run).")
    L.append("")
    for corpus in res["corpora"]:
        rows = [r for r in res["summary"] if r["corpus"] == corpus]
        if not rows:
            continue
        stem = corpus in STEMMED
        V = sorted({v for r in rows for who in ("ours", "gensim") for v in r[who]["vocab_size"]})
        L.append(f"## {corpus} ({CORPORA[corpus]}, {res['corpus_tokens'][corpus]:,} tokens, V = "
                 f"{', '.join(map(str, V))} at min_count {st['min_count']})")
        L.append("")
        L.append("### Speed and memory")
        L.append("")
        L.append("| config | workers | ours s | gensim s | ours words/s | gensim words/s | ratio | target | "
                 "peak RSS MB ours / gensim |" + (" memory < 400 MB |" if corpus == "head500" else ""))
        L.append("|---|---:|---:|---:|---:|---:|---:|---|---:|" + ("---|" if corpus == "head500" else ""))
        for r in rows:
            t = r["targets"]
            rr = r["ratio_per_round"]
            ratio = f"{_f(r['ratio'], '{:.2f}')}x" + (f" [{rr['min']:.2f}–{rr['max']:.2f}]" if rr["n"] > 1 else "")
            line = (f"| {r['config']} | {r['workers']} | {_mm(r['ours']['train_s'], '{:.2f}')} | "
                    f"{_mm(r['gensim']['train_s'], '{:.2f}')} | {_f(r['ours']['words_per_sec']['median'], '{:,.0f}')} | "
                    f"{_f(r['gensim']['words_per_sec']['median'], '{:,.0f}')} | {ratio} | "
                    f"{t['speed']['target']} {_pf(t['speed']['pass'])} | "
                    f"{_f(r['ours']['peak_rss_mb']['max'], '{:.0f}')} / {_f(r['gensim']['peak_rss_mb']['max'], '{:.0f}')} |")
            if corpus == "head500":
                line += f" {_pf(t['memory']['pass'])} |"
            L.append(line)
        L.append("")
        base = {who: statistics.median([r["rss_before_train_mb"] for r in res["runs"]
                                        if r["corpus"] == corpus and r["impl"] == who] or [0])
                for who in ("ours", "gensim")}
        L.append(f"RSS just before train() (interpreter, imports, corpus iterable, vocabulary, weights): median "
                 f"ours {base['ours']:.0f} MB, gensim {base['gensim']:.0f} MB; the rest of the peak is training.")
        L.append("")
        L.append("### Quality (ours vs gensim, median [min–max] over seeds)")
        L.append("")
        sfx = "_stem" if stem else ""
        an = "analogy_stem" if stem else "analogy"
        lab = " (stemmed)" if stem else ""
        L.append(f"| config | workers | WS-353{lab} ours | gensim | target | SimLex-999{lab} ours | gensim | target | "
                 f"analogy{lab} ours | gensim |")
        L.append("|---|---:|---:|---:|---|---:|---:|---|---:|---:|")
        for r in rows:
            o, g, t = r["ours"]["quality"], r["gensim"]["quality"], r["targets"]
            cells = [r["config"], str(r["workers"])]
            for lst in ("ws353", "simlex"):
                n = lst + sfx
                d = t[n]["value"]
                cells += [_mm(o.get(n, {}).get("spearman")), _mm(g.get(n, {}).get("spearman")),
                          f"{_pf(t[n]['pass'])} ({'+' if d is not None and d >= 0 else ''}{_f(d)})"]
            cells += [_mm(o.get(an, {}).get("accuracy")), _mm(g.get(an, {}).get("accuracy"))]
            L.append("| " + " | ".join(cells) + " |")
        L.append("")
        # coverage notes
        cov = []
        q0 = rows[0]["ours"]["quality"]
        for n, v in sorted(q0.items()):
            if "oov" in v:
                cov.append(f"{n} OOV {_f(v['oov']['median'], '{:.0%}')}")
            else:
                cov.append(f"{n} coverage {_f(v['coverage']['median'], '{:.1%}')}")
        L.append("Coverage (ours; gensim has the same vocabulary): " + "; ".join(cov) + ".")
        g_s = statistics.median([r["gensim"]["train_s"]["median"] for r in rows])
        oov = [v["oov"]["median"] for n, v in q0.items() if "oov" in v and n.endswith("_stem") == stem]
        if g_s < 1.0 or (oov and min(oov) > 0.5):
            L.append("")
            L.append(f"Caveat: on this corpus a training run lasts about {g_s:.2f} s, so fixed costs (starting "
                     "threads, the first chunk) weigh and the speed ratios are noisy; and with "
                     f"{min(oov):.0%}–{max(oov):.0%} of the word pairs out of vocabulary, each Spearman rests on a few "
                     "dozen pairs and moves by about ±0.1 between seeds, so its quality checks are weak evidence.")
        if stem:
            raw = []
            for r in rows:
                o, g = r["ours"]["quality"], r["gensim"]["quality"]
                raw.append(f"{r['config']} w{r['workers']}: WS {_f(o.get('ws353', {}).get('spearman', {}).get('median'), '{:.3f}')}"
                           f"/{_f(g.get('ws353', {}).get('spearman', {}).get('median'), '{:.3f}')}, SL "
                           f"{_f(o.get('simlex', {}).get('spearman', {}).get('median'), '{:.3f}')}"
                           f"/{_f(g.get('simlex', {}).get('spearman', {}).get('median'), '{:.3f}')}")
            L.append("")
            L.append("Unstemmed lists on head500 (ours/gensim median Spearman; most words are OOV, so these are "
                     "noisy): " + "; ".join(raw) + ".")
        L.append("")
    # summary of targets
    L.append("## Targets")
    L.append("")
    fails = []
    n_checks = 0
    for r in res["summary"]:
        for name, t in r["targets"].items():
            n_checks += 1
            if not t["pass"]:
                fails.append(f"{r['corpus']} {r['config']} w{r['workers']} {name} ({_f(t['value'])}, target {t['target']})")
    L.append(f"{n_checks - len(fails)} of {n_checks} checks pass." + (" Failing:" if fails else ""))
    for f in fails:
        L.append(f"- {f}")
    L.append("")
    ms = res.get("memory_scaling")
    if ms:
        L.append("## Memory vs corpus length (ours, SG-NS, 1 epoch, workers 1)")
        L.append("")
        L.append("| corpus | tokens | V | peak RSS MB | RSS before train MB |")
        L.append("|---|---:|---:|---:|---:|")
        for x in ms:
            L.append(f"| head500 x{x['repeat']} (min_count {x['min_count']}) | {x['tokens']:,} | {x['vocab_size']} | "
                     f"{x['peak_rss_mb']:.0f} | {x['rss_before_train_mb']:.0f} |")
        L.append("")
    sm = res.get("softmax")
    if sm:
        L.append("## Full softmax (no gensim peer), ours, workers 1")
        L.append("")
        L.append(f"Sample corpora, vector_size 100, window 5, sample 0, min_count 1, epochs {sm[0]['epochs']}; "
                 "words/s as above; negative sampling on the same corpus for scale.")
        L.append("")
        L.append("| corpus | tokens | V | architecture | softmax words/s | negative sampling words/s |")
        L.append("|---|---:|---:|---|---:|---:|")
        for x in sm:
            L.append(f"| {x['corpus']} | {x['tokens']:,} | {x['vocab_size']} | {x['architecture']} | "
                     f"{x['softmax_wps']:,.0f} | {x['ns_wps']:,.0f} |")
        L.append("")
    return "\n".join(L)


def write_outputs(res: dict, json_path: Path, md_path: Path) -> None:
    """The raw results to json_path; the tables to md_path, keeping the sections other scripts wrote there."""
    dump_json(json_path, res)
    if res.get("summary"):
        write_markdown(md_path, render_markdown(res), placeholders={
            "step_speed": "## step() speed\n\nRun `bench/step_speed.py` to fill this in."})


def paths(out_dir=None) -> tuple:
    """(results.json, RESULTS.md): both in out_dir when given, else bench/out/results.json and bench/RESULTS.md."""
    if out_dir:
        return Path(out_dir) / "results.json", Path(out_dir) / "RESULTS.md"
    return RESULTS_JSON, RESULTS_MD


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="development run: lee only, 1 epoch, 1 round, workers 1, into a temp dir")
    ap.add_argument("--corpora", default=None, help="comma-separated subset of " + ",".join(CORPORA))
    ap.add_argument("--configs", default=None, help="comma-separated subset of: " + ", ".join(CONFIGS))
    ap.add_argument("--workers", default=None, help="e.g. 1,2")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--out-dir", default=None,
                    help="put results.json and RESULTS.md here (default: bench/out/results.json, bench/RESULTS.md)")
    ap.add_argument("--wait-quiet", type=float, default=60,
                    help="before each ours/gensim pair, wait up to this many seconds for other processes to "
                         "use < 0.3 cores (0: do not wait)")
    ap.add_argument("--engine-rev", default=None,
                    help="train engine/ as committed at this git revision (e.g. HEAD) instead of the working tree")
    ap.add_argument("--no-extras", action="store_true", help="skip full softmax and memory scaling")
    ap.add_argument("--render-only", action="store_true",
                    help="rewrite RESULTS.md from results.json (e.g. after changing how the tables look)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    if args.render_only:
        json_path, md_path = paths(args.out_dir)
        res = load_json(json_path)
        if res is None:
            ap.error(f"{json_path} is missing: run the benchmark first (raw results are not in git)")
        write_outputs(res, json_path, md_path)
        print(f"rewrote {md_path} from {json_path}")
        return 0

    from engine import sample_corpora

    quick = args.quick
    corpora = (args.corpora or ("lee" if quick else "head500,lee")).split(",")
    configs = [c.strip() for c in args.configs.split(",")] if args.configs else list(CONFIGS)
    workers_list = [int(w) for w in (args.workers or ("1" if quick else "1,2")).split(",")]
    rounds = args.rounds or (1 if quick else 3)
    epochs = args.epochs or (1 if quick else COMMON["epochs"])
    json_path, md_path = paths(args.out_dir or (Path(tempfile.gettempdir()) / "w2v_bench_quick" if quick else None))
    for c in corpora:
        if c not in CORPORA:
            ap.error(f"unknown corpus {c!r}; choose from {', '.join(CORPORA)}")
    for c in configs:
        if c not in CONFIGS:
            ap.error(f"unknown config {c!r}; choose from {', '.join(CONFIGS)}")

    work = Path(tempfile.mkdtemp(prefix="w2v_bench_"))
    snapshot = snapshot_engine(work / "snapshot", args.engine_rev)
    tokens, token_files, eval_sets = {}, {}, {}
    base_evals = benchmark_lists()
    stemmed, stem_info = stemmed_lists(base_evals, work)
    stem_evals = {name + "_stem": v for name, v in stemmed.items()}
    for c in corpora:
        dst = work / (c + ".tok")
        n_sent, n_tok = write_token_file(gensim_file(CORPORA[c]), dst)
        tokens[c], token_files[c] = n_tok, str(dst)
        eval_sets[c] = dict(base_evals, **(stem_evals if c in STEMMED else {}))
        print(f"{c}: {n_sent} sentences, {n_tok:,} tokens", flush=True)

    command = "make bench   # = .venv/bin/python bench/compare_gensim.py && .venv/bin/python bench/step_speed.py"
    if argv is None and sys.argv[1:]:
        command = ".venv/bin/python bench/compare_gensim.py " + " ".join(sys.argv[1:])
    settings = dict(COMMON, epochs=epochs, rounds=rounds, workers=workers_list, configs=configs,
                    wait_quiet=args.wait_quiet)
    res = {"date": now_utc(), "command": command,
           "machine": dict(machine_info(), **snapshot), "settings": settings, "corpora": corpora, "corpus_tokens": tokens,
           "stemmed_analogies": stem_info, "runs": [], "summary": []}

    # compile the kernels into the snapshot's numba cache first, so no measured run pays for compiling
    t = time.perf_counter()
    for arch, obj in sorted({CONFIGS[c][:2] for c in configs} | {("skipgram", "softmax"), ("cbow", "softmax"),
                                                                 ("skipgram", "negative_sampling"),
                                                                 ("cbow", "negative_sampling")}):
        for w in sorted(set(workers_list) | {1}):
            run_child(__file__, {"engine_root": str(work / "snapshot"), "impl": "ours", "warm_only": True,
                       "corpus_file": "", "params": {"architecture": arch, "objective": obj}, "seed": 1,
                       "workers": w, "evals": {}})
    print(f"compiled the kernels into the snapshot's cache in {time.perf_counter() - t:.0f} s", flush=True)

    t_start = time.perf_counter()
    total = rounds * len(corpora) * len(configs) * len(workers_list) * 2
    k = 0
    for rnd in range(rounds):
        seed = rnd + 1
        for c in corpora:
            for cfg in configs:
                arch, obj, alpha = CONFIGS[cfg]
                params = dict(COMMON, architecture=arch, objective=obj, alpha=alpha, epochs=epochs)
                for w in workers_list:
                    for attempt in (1, 2):   # a pair that shared the machine with other work is redone once
                        waited = wait_quiet(args.wait_quiet)
                        pair = []
                        for impl in ("ours", "gensim"):
                            mine = dict(params, **OURS_OVERRIDES.get(cfg, {})) if impl == "ours" else params
                            spec = {"engine_root": str(work / "snapshot"), "impl": impl, "corpus_file": token_files[c], "params": mine, "seed": seed,
                                    "workers": w, "evals": eval_sets[c], "label": f"{c} {cfg} w{w} seed{seed}"}
                            r = run_child(__file__, spec)
                            r.update(impl=impl, corpus=c, config=cfg, workers=w, seed=seed, round=rnd + 1,
                                     waited_s=waited, attempt=attempt,
                                     words_per_sec=tokens[c] * epochs / r["train_s"])
                            pair.append(r)
                            q = r["quality"]
                            wsn = "ws353_stem" if c in STEMMED else "ws353"
                            sln = "simlex_stem" if c in STEMMED else "simlex"
                            print(f"[{k + len(pair)}/{total} {time.perf_counter() - t_start:6.0f}s] {c:8s} {cfg:15s} "
                                  f"w{w} seed {seed} {impl:6s} {r['train_s']:6.2f}s {r['words_per_sec']:>9,.0f} w/s "
                                  f"RSS {r['peak_rss_mb']:4.0f}MB  WS {q[wsn]['spearman']:.3f} "
                                  f"SL {q[sln]['spearman']:.3f}  other-cpu {r['other_cpu_cores']:.2f}", flush=True)
                        if max(r["other_cpu_cores"] for r in pair) <= DISTURBED or args.wait_quiet <= 0:
                            break
                        if attempt == 1:
                            print("  (other processes were busy during this pair: running it again)", flush=True)
                            first = pair
                        elif max(r["other_cpu_cores"] for r in first) < max(r["other_cpu_cores"] for r in pair):
                            first, pair = pair, first   # keep the less disturbed of the two attempts
                            print("  (the first attempt was less disturbed: keeping it)", flush=True)
                    if attempt == 2:
                        res.setdefault("redone_pairs", []).append(first)
                    k += len(pair)
                    res["runs"].extend(pair)
                res["summary"] = summarise(res["runs"], tokens, epochs)
                write_outputs(res, json_path, md_path)

    loads = [r["load1_at_start"] for r in res["runs"]]
    others = [r["other_cpu_cores"] for r in res["runs"]]
    res["load"] = {"load1_median": statistics.median(loads), "load1_max": max(loads),
                   "other_cores_median": statistics.median(others), "other_cores_max": max(others),
                   "runs_disturbed": sum(o > DISTURBED for o in others),
                   "pairs_redone": len(res.get("redone_pairs", [])), "runs": len(others),
                   "waited_s": sum(r.get("waited_s", 0) for r in res["runs"]) / 2}
    kl = [r["kernel_load_s"] for r in res["runs"] if "kernel_load_s" in r]
    res["kernel_load_s_median"] = statistics.median(kl) if kl else None

    if not args.no_extras:
        # memory must not grow with corpus length: head500 x1 and x4 (min_count x4, so V is the same)
        if "head500" in corpora or quick:
            base = "head500" if "head500" in token_files else corpora[0]
            res["memory_scaling"] = []
            for repeat in (1, 4):
                params = dict(COMMON, architecture="skipgram", objective="negative_sampling", alpha=0.025,
                              epochs=1, min_count=COMMON["min_count"] * repeat)
                r = run_child(__file__, {"engine_root": str(work / "snapshot"), "impl": "ours", "corpus_file": token_files[base], "repeat": repeat,
                               "params": params, "seed": 1, "workers": 1, "evals": {}})
                res["memory_scaling"].append({"repeat": repeat, "tokens": tokens[base] * repeat,
                                              "min_count": params["min_count"], **{
                                                  k2: r[k2] for k2 in ("peak_rss_mb", "rss_before_train_mb",
                                                                       "vocab_size", "train_s")}})
                print(f"memory scaling x{repeat}: peak {r['peak_rss_mb']:.0f} MB", flush=True)
        # full softmax on the sample corpora (ours only)
        res["softmax"] = []
        sm_epochs = 5 if quick else 50
        for name, path in sample_corpora().items():
            dst = work / (name + ".tok")
            n_sent, n_tok = write_token_file(path, dst)
            for arch in ("skipgram", "cbow"):
                row = {"corpus": name, "tokens": n_tok, "architecture": arch, "epochs": sm_epochs}
                for obj, key in (("softmax", "softmax_wps"), ("negative_sampling", "ns_wps")):
                    params = dict(COMMON, architecture=arch, objective=obj, alpha=0.025, epochs=sm_epochs,
                                  min_count=1, sample=0.0)
                    r = run_child(__file__, {"engine_root": str(work / "snapshot"), "impl": "ours", "corpus_file": str(dst), "params": params, "seed": 1,
                                   "workers": 1, "evals": {}})
                    row[key] = n_tok * sm_epochs / r["train_s"]
                    row["vocab_size"] = r["vocab_size"]
                res["softmax"].append(row)
                print(f"softmax {name} {arch}: {row['softmax_wps']:,.0f} w/s (NS {row['ns_wps']:,.0f})", flush=True)
    res["total_s"] = time.perf_counter() - t_start
    write_outputs(res, json_path, md_path)
    print(f"wrote {md_path} and {json_path} in {res['total_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
