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
does not grow with corpus length (head500 x1 vs x4). Writes bench/results.json and bench/RESULTS.md.
What it does not do: the step() speed (bench/step_speed.py does, and appends to the same files).

    make bench                                   # the full run (about 15-20 minutes on 2 cores)
    .venv/bin/python bench/compare_gensim.py --quick   # lee only, 1 epoch, 1 round, into a temp dir
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPORA = {"head500": "head500.noblanks.cor", "lee": "lee_background.cor"}
STEMMED = {"head500"}                     # corpora whose text is Porter-stemmed

# name -> (architecture, objective, alpha)
CONFIGS = {
    "SG-NS": ("skipgram", "negative_sampling", 0.025),
    "SG-HS": ("skipgram", "hierarchical_softmax", 0.025),
    "CBOW-NS": ("cbow", "negative_sampling", 0.025),
    "CBOW-HS": ("cbow", "hierarchical_softmax", 0.025),
    "CBOW-NS a=0.05": ("cbow", "negative_sampling", 0.05),
    "CBOW-HS a=0.05": ("cbow", "hierarchical_softmax", 0.05),
}
COMMON = dict(vector_size=100, window=5, negative=5, ns_exponent=0.75, sample=1e-3, min_count=5,
              min_alpha=1e-4, epochs=5,
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


# ====================================================================== shared helpers
class TokenFile:
    """Sentences of a pre-tokenised file (space-separated tokens, one sentence a line), re-iterable.

    The same class feeds both trainers, so both pay the same (small) reading cost each epoch.
    list(TokenFile(p)) -> [['anarch', 'greek', ...], ...]
    """

    def __init__(self, path, repeat: int = 1):
        self.path = str(path)
        self.repeat = repeat

    def __iter__(self):
        for _ in range(self.repeat):
            with open(self.path, encoding="utf-8") as f:
                for line in f:
                    tokens = line.split()
                    if tokens:
                        yield tokens


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB: VmHWM from /proc/self/status.

    (resource.getrusage's ru_maxrss is no good in a subprocess: Linux carries the parent's high-water
    mark over fork + exec, so every child would report at least the parent's size.)
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def evaluate(index_to_key, vectors, evals: dict) -> dict:
    """Score vectors with engine.KeyedVectors on every list of evals {name: (kind, path)}."""
    from engine import KeyedVectors

    kv = KeyedVectors(index_to_key, vectors)
    out = {}
    for name, (kind, path) in evals.items():
        if kind == "pairs":
            p, s, oov = kv.evaluate_word_pairs(path)
            out[name] = {"spearman": s, "pearson": p, "oov": oov}
        else:
            acc, sections = kv.evaluate_word_analogies(path)
            total = sections[-1]
            n = total["correct"] + total["incorrect"]
            out[name] = {"accuracy": acc, "questions": n, "skipped": total.get("skipped", 0),
                         "coverage": n / max(1, n + total.get("skipped", 0))}
    return out


# ====================================================================== the child: one training run
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
                 min_count=1, epochs=1, sample=0, seed=1, workers=spec["workers"]
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
                         **{k: p[k] for k in ("cbow_update", "skipgram_input") if k in p})
        t = time.perf_counter()
        model.build_vocab(sentences)
        res["vocab_s"] = time.perf_counter() - t
        res["rss_before_train_mb"] = current_rss_mb()
        t = time.perf_counter()
        info = model.train()
        res["train_s"] = time.perf_counter() - t
        res["peak_rss_mb"] = peak_rss_mb()
        res["loss"] = info.get("loss")
        res["engine_words_per_sec"] = info.get("words_per_sec")
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
    res["cpu_s"] = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    res["quality"] = evaluate(keys, vectors, {k: tuple(v) for k, v in spec["evals"].items()})
    return res


# ====================================================================== the parent
def cpu_snapshot() -> dict:
    """{pid: user+system CPU seconds} of every process (for measuring what else ran meanwhile)."""
    import psutil

    snap = {}
    for proc in psutil.process_iter():
        try:
            t = proc.cpu_times()
            snap[proc.pid] = t.user + t.system
        except Exception:  # the process ended meanwhile, or no permission
            pass
    return snap


def other_cpu_cores(interval: float = 0.5) -> float:
    """CPU cores that processes other than this one used over `interval` seconds."""
    me = os.getpid()
    a = cpu_snapshot()
    time.sleep(interval)
    b = cpu_snapshot()
    return max(0.0, sum(v - a.get(pid, 0.0) for pid, v in b.items() if pid != me)) / interval


def wait_quiet(max_wait: float, threshold: float = 0.3) -> float:
    """Wait (up to max_wait s) until other processes use < threshold cores; returns the seconds waited."""
    t = time.perf_counter()
    while max_wait > 0 and other_cpu_cores() >= threshold and time.perf_counter() - t < max_wait:
        time.sleep(1.5)
    return time.perf_counter() - t


def run_child(spec: dict, timeout: float = 1800) -> dict:
    """Run child(spec) in a fresh interpreter; returns its result plus the load around it."""
    load = os.getloadavg()[0]
    before = cpu_snapshot()
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)
    wall = time.perf_counter() - t
    after = cpu_snapshot()
    me = os.getpid()
    other = sum(v - before.get(pid, 0.0) for pid, v in after.items() if pid != me)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({spec['impl']} {spec.get('label')}):\n{proc.stderr[-3000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res.update(load1_at_start=load, other_cpu_cores=max(0.0, other) / wall, process_wall_s=wall)
    return res


def benchmark_lists() -> dict:
    """{name: (kind, path)} of the benchmark lists in gensim's test data: WordSim-353, SimLex-999, Google."""
    from engine import gensim_data_path

    return {"ws353": ("pairs", str(gensim_data_path("wordsim353.tsv"))),
            "simlex": ("pairs", str(gensim_data_path("simlex999.txt"))),
            "analogy": ("analogy", str(gensim_data_path("questions-words.txt")))}


def stemmed_lists(lists: dict, work: Path) -> tuple:
    """Porter-stemmed copies of lists in work/ (gensim's PorterStemmer), for the stemmed head500 corpus.

    Returns ({name: (kind, path of the copy)}, what stem_analogies reports about the analogy list).
    """
    from gensim.parsing.porter import PorterStemmer

    stem = PorterStemmer().stem
    out, info = {}, None
    for name, (kind, path) in lists.items():
        dst = work / f"{name}_stem.txt"
        if kind == "pairs":
            stem_pairs(Path(path), dst, stem)
        else:
            info = stem_analogies(Path(path), dst, stem)
        out[name] = (kind, str(dst))
    return out, info


def write_token_file(src: Path, dst: Path) -> tuple:
    """Tokenise src with our tokenizer into dst; returns (sentences, tokens)."""
    from engine import read_corpus

    n_sent = n_tok = 0
    with open(dst, "w", encoding="utf-8") as f:
        for sentence in read_corpus(src):
            f.write(" ".join(sentence) + "\n")
            n_sent += 1
            n_tok += len(sentence)
    # both trainers must see exactly our tokens: check the round trip once
    assert [s for s in TokenFile(dst)] == [s for s in read_corpus(src)], "token file differs from read_corpus"
    return n_sent, n_tok


def stem_pairs(src: Path, dst: Path, stem) -> None:
    """A copy of a word-pair list (gensim's format) with both words Porter-stemmed."""
    out = []
    for line in src.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 3:
            out.append(line)
            continue
        out.append("\t".join([stem(parts[0].lower()), stem(parts[1].lower())] + parts[2:]))
    dst.write_text("\n".join(out) + "\n", encoding="utf-8")


def stem_analogies(src: Path, dst: Path, stem) -> dict:
    """A stemmed copy of questions-words.txt; questions whose 4 stems are not distinct are dropped
    (e.g. 'banana bananas apple apples': the answer would be one of the excluded question words)."""
    out, kept, dropped = [], 0, 0
    for line in src.read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            out.append(line)
            continue
        words = [stem(w.lower()) for w in line.split()]
        if len(words) == 4 and len(set(words)) == 4:
            out.append(" ".join(words))
            kept += 1
        else:
            dropped += 1
    dst.write_text("\n".join(out) + "\n", encoding="utf-8")
    return {"kept": kept, "dropped_collisions": dropped}


def use_engine_rev(rev: str = None) -> str:
    """Make `import engine` load engine/ as committed at git revision rev (a temporary copy), or the
    working tree when rev is None; returns the short hash of the engine's last commit at rev."""
    if rev:
        dst = Path(tempfile.mkdtemp(prefix="w2v_engine_"))
        archive = subprocess.run(["git", "archive", rev, "engine"], capture_output=True, cwd=ROOT, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dst)], input=archive, check=True)
        sys.path.insert(0, str(dst))
    out = subprocess.run(["git", "log", "-1", "--format=%h", *([rev] if rev else []), "--", "engine"],
                         capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return out + ("" if rev else " (+ working tree)")


def snapshot_engine(dst: Path, rev: str = None) -> dict:
    """Copy engine/ to dst/engine, so every run of this benchmark trains the same code even if the
    working tree changes meanwhile (rev: take it from that git revision instead, e.g. HEAD); returns
    the copy's content hash and the repository state."""
    import hashlib
    import shutil

    if rev:
        dst.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", rev, "engine"], capture_output=True, cwd=ROOT, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dst)], input=archive, check=True)
        dirty = []
        commit = subprocess.run(["git", "log", "-1", "--format=%h %s", rev, "--", "engine"], capture_output=True,
                                text=True, cwd=ROOT).stdout.strip()
    else:
        shutil.copytree(ROOT / "engine", dst / "engine", ignore=shutil.ignore_patterns("__pycache__"))
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "engine"], capture_output=True, text=True,
                               cwd=ROOT).stdout.strip().splitlines()
        commit = subprocess.run(["git", "log", "-1", "--format=%h %s", "--", "engine"], capture_output=True,
                                text=True, cwd=ROOT).stdout.strip()
    h = hashlib.sha1()
    for f in sorted((dst / "engine").glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return {"engine_sha1": h.hexdigest()[:12], "engine_dirty": dirty, "engine_rev": rev or "working tree",
            "engine_commit": commit}


def machine_info() -> dict:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for mod in ("numpy", "numba", "gensim"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:
            versions[mod] = None

    def git(*args):
        try:
            return subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT).stdout.strip()
        except OSError:
            return ""

    try:
        import psutil
        mem_gb = psutil.virtual_memory().total / 2**30
    except Exception:
        mem_gb = None
    return {
        "nproc": os.cpu_count(), "cpu_model": cpu, "memory_gb": mem_gb,
        "python": platform.python_version(), "platform": platform.platform(), **versions,
        "openblas_env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))},
        "git_head": git("rev-parse", "--short", "HEAD"),
        "engine_fast_commit": git("log", "-1", "--format=%h %s", "--", "engine/fast.py"),
    }


def spread(values) -> dict:
    values = [v for v in values if v is not None and v == v]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


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
    L.extend(render_experiments())
    L.append("<!-- step_speed -->")
    ss = res.get("step_speed")
    L.append(render_step_speed(ss) if ss else "## step() speed\n\nRun `bench/step_speed.py` to fill this in.")
    L.append("<!-- /step_speed -->")
    L.append("")
    return "\n".join(L)


def render_experiments() -> list:
    """The sections of bench/cbow_gradient.py and bench/sg_roles.py, from their JSON files if present."""
    L = []
    cg, sg = BENCH / "cbow_gradient.json", BENCH / "sg_roles.json"
    if not (cg.exists() or sg.exists()):
        return L
    L.append("## Where the quality gaps come from (experiments, workers 1, 3 seeds, medians)")
    L.append("")
    L.append("Each variant changes one thing in our trainer for the experiment only (engine/ is untouched); "
             "same settings as above; head500 scored on the stemmed lists.")
    L.append("")
    for path, script in ((sg, "sg_roles.py"), (cg, "cbow_gradient.py")):
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        L.append(f"`bench/{script}`" + (f" (engine {data['engine_commit']})" if data.get("engine_commit") else "") + ":")
        L.append("")
        L.append("| corpus | model | variant | WS-353 | SimLex-999 | analogy |")
        L.append("|---|---|---|---:|---:|---:|")
        for row in data["rows"]:
            model = ("SG-" if "alpha" not in row else "CBOW-") + ("NS" if row["objective"] == "negative_sampling" else "HS")
            if "alpha" in row:
                model += f" a={row['alpha']}"
            for variant, v in row.items():
                if isinstance(v, dict) and "ws353" in v:
                    L.append(f"| {row['corpus']} | {model} | {variant.replace('|', '&#124;')} | {v['ws353']['median']:.3f} | "
                             f"{v['simlex']['median']:.3f} | {v['analogy']['median']:.3f} |")
        L.append("")
    return L


def render_step_speed(ss: dict) -> str:
    L = ["## step() speed (traced updates per second)", ""]
    L.append(f"`{ss.get('command', 'bench/step_speed.py')}`, {ss['date']} (UTC), engine {ss.get('engine_commit')}: corpus {ss['corpus']}, V = {ss['vocab_size']}, "
             f"d = {ss['vector_size']}, window {ss['window']}, negative {ss['negative']}; "
             f"{ss['batches']} batches of {ss['batch']} `model.step()` calls (each returns a full StepTrace, "
             "with undo kept), median batch. Target: >= 2,000/s for skip-gram negative sampling.")
    L.append("")
    L.append("| model | steps/s median [min–max] | 'Next 100' ms | target |")
    L.append("|---|---:|---:|---|")
    for r in ss["rows"]:
        target = ""
        if r.get("target") is not None:
            target = f">= {r['target']:,}/s {'PASS' if r['pass'] else '**FAIL**'}"
        L.append(f"| {r['model']} | {r['steps_per_sec']['median']:,.0f} [{r['steps_per_sec']['min']:,.0f}–"
                 f"{r['steps_per_sec']['max']:,.0f}] | {100_000 / r['steps_per_sec']['median']:.1f} | {target} |")
    return "\n".join(L)


def write_outputs(res: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    if res.get("summary"):
        (out_dir / "RESULTS.md").write_text(render_markdown(res), encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="development run: lee only, 1 epoch, 1 round, workers 1, into a temp dir")
    ap.add_argument("--corpora", default=None, help="comma-separated subset of " + ",".join(CORPORA))
    ap.add_argument("--configs", default=None, help="comma-separated subset of: " + ", ".join(CONFIGS))
    ap.add_argument("--workers", default=None, help="e.g. 1,2")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--out-dir", default=None, help="where results.json and RESULTS.md go (default bench/)")
    ap.add_argument("--wait-quiet", type=float, default=60,
                    help="before each ours/gensim pair, wait up to this many seconds for other processes to "
                         "use < 0.3 cores (0: do not wait)")
    ap.add_argument("--engine-rev", default=None,
                    help="train engine/ as committed at this git revision (e.g. HEAD) instead of the working tree")
    ap.add_argument("--no-extras", action="store_true", help="skip full softmax and memory scaling")
    ap.add_argument("--render-only", action="store_true",
                    help="rewrite RESULTS.md from results.json (e.g. after running the experiments)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    if args.render_only:
        out_dir = Path(args.out_dir) if args.out_dir else BENCH
        write_outputs(json.loads((out_dir / "results.json").read_text()), out_dir)
        print(f"rewrote {out_dir / 'RESULTS.md'}")
        return 0

    from engine import gensim_data_path, read_corpus, sample_corpora

    quick = args.quick
    corpora = (args.corpora or ("lee" if quick else "head500,lee")).split(",")
    configs = [c.strip() for c in args.configs.split(",")] if args.configs else list(CONFIGS)
    workers_list = [int(w) for w in (args.workers or ("1" if quick else "1,2")).split(",")]
    rounds = args.rounds or (1 if quick else 3)
    epochs = args.epochs or (1 if quick else COMMON["epochs"])
    out_dir = Path(args.out_dir) if args.out_dir else (
        Path(tempfile.gettempdir()) / "w2v_bench_quick" if quick else BENCH)
    for c in corpora:
        if c not in CORPORA:
            ap.error(f"unknown corpus {c!r}; choose from {', '.join(CORPORA)}")
    for c in configs:
        if c not in CONFIGS:
            ap.error(f"unknown config {c!r}; choose from {', '.join(CONFIGS)}")
    if gensim_data_path(CORPORA[corpora[0]]) is None:
        print("gensim (and its test data) is not installed: run `make venv` first", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="w2v_bench_"))
    snapshot = snapshot_engine(work / "snapshot", args.engine_rev)
    tokens, token_files, eval_sets = {}, {}, {}
    base_evals = benchmark_lists()
    stemmed, stem_info = stemmed_lists(base_evals, work)
    stem_evals = {name + "_stem": v for name, v in stemmed.items()}
    for c in corpora:
        dst = work / (c + ".tok")
        n_sent, n_tok = write_token_file(gensim_data_path(CORPORA[c]), dst)
        tokens[c], token_files[c] = n_tok, str(dst)
        eval_sets[c] = dict(base_evals, **(stem_evals if c in STEMMED else {}))
        print(f"{c}: {n_sent} sentences, {n_tok:,} tokens", flush=True)

    command = "make bench   # = .venv/bin/python bench/compare_gensim.py && .venv/bin/python bench/step_speed.py"
    if argv is None and sys.argv[1:]:
        command = ".venv/bin/python bench/compare_gensim.py " + " ".join(sys.argv[1:])
    settings = dict(COMMON, epochs=epochs, rounds=rounds, workers=workers_list, configs=configs,
                    wait_quiet=args.wait_quiet)
    res = {"date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M"), "command": command,
           "machine": dict(machine_info(), **snapshot), "settings": settings, "corpora": corpora, "corpus_tokens": tokens,
           "stemmed_analogies": stem_info, "runs": [], "summary": []}
    old = out_dir / "results.json"
    if old.exists():  # keep step_speed.py's section
        try:
            prev = json.loads(old.read_text())
            if "step_speed" in prev:
                res["step_speed"] = prev["step_speed"]
        except ValueError:
            pass

    # compile the kernels into the snapshot's numba cache first, so no measured run pays for compiling
    t = time.perf_counter()
    for arch, obj in sorted({CONFIGS[c][:2] for c in configs} | {("skipgram", "softmax"), ("cbow", "softmax"),
                                                                 ("skipgram", "negative_sampling"),
                                                                 ("cbow", "negative_sampling")}):
        for w in sorted(set(workers_list) | {1}):
            run_child({"engine_root": str(work / "snapshot"), "impl": "ours", "warm_only": True,
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
                            spec = {"engine_root": str(work / "snapshot"), "impl": impl, "corpus_file": token_files[c], "params": params, "seed": seed,
                                    "workers": w, "evals": eval_sets[c], "label": f"{c} {cfg} w{w} seed{seed}"}
                            r = run_child(spec)
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
                write_outputs(res, out_dir)

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
                r = run_child({"engine_root": str(work / "snapshot"), "impl": "ours", "corpus_file": token_files[base], "repeat": repeat,
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
                    r = run_child({"engine_root": str(work / "snapshot"), "impl": "ours", "corpus_file": str(dst), "params": params, "seed": 1,
                                   "workers": 1, "evals": {}})
                    row[key] = n_tok * sm_epochs / r["train_s"]
                    row["vocab_size"] = r["vocab_size"]
                res["softmax"].append(row)
                print(f"softmax {name} {arch}: {row['softmax_wps']:,.0f} w/s (NS {row['ns_wps']:,.0f})", flush=True)
    res["total_s"] = time.perf_counter() - t_start
    write_outputs(res, out_dir)
    print(f"wrote {out_dir / 'RESULTS.md'} and {out_dir / 'results.json'} in {res['total_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
