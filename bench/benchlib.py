"""The small library under the bench/ scripts: what every benchmark needs, written once.

- where results go: raw dumps (JSON) in bench/out/ (git-ignored), the tables in tracked .md files,
  each script owning a marked section (`<!-- name -->` ... `<!-- /name -->`) or a whole file;
- the machine: a one-line description with the load average, or a dict of versions and git state;
- processes: a fresh interpreter per measured run (`run_child`), peak memory, how busy the rest of the
  machine was;
- gensim's test data: the real corpora and benchmark lists in the installed wheel, tokenised files,
  Porter-stemmed copies, and one evaluator for every model;
- the engine under test: the working tree, or engine/ as committed at a git revision;
- the app: devtools.app_server.AppServer and devtools.browser.launch_chromium (shared with the tests).

Importing it puts the repository root on sys.path, so `import engine` and `import devtools` work from
a script run as `.venv/bin/python bench/<script>.py`.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterable, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"                        # raw results (JSON), git-ignored
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devtools.app_server import AppServer, free_port  # noqa: E402,F401  (re-exported for the scripts)
from devtools.browser import CHROMIUM, have_chromium, launch_chromium  # noqa: E402,F401

from lessons.benchmarks import BENCHMARKS, REAL_CORPORA  # noqa: E402  (the one table of gensim's files)

# the real corpora in gensim's test data: name -> file, and those whose text is Porter-stemmed
GENSIM_CORPORA = {name: fname for name, (fname, _) in REAL_CORPORA.items()}
STEMMED = {name for name, (_, stemmed) in REAL_CORPORA.items() if stemmed}


# ====================================================================== results: JSON dumps and .md tables
def out_file(name: str) -> Path:
    """bench/out/<name>, the folder created if needed."""
    OUT.mkdir(parents=True, exist_ok=True)
    return OUT / name


def dump_json(path, data) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path


def load_json(path, default=None):
    """The JSON in path, or default if the file is missing or not JSON."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def md_table(header: Sequence[str], rows: Iterable[Sequence], align: Optional[str] = None) -> list:
    """Lines of a markdown table; align has one letter per column: l (left), r (right), c (centre).

    >>> md_table(["corpus", "V"], [["tiny", 21]], "lr")
    ['| corpus | V |', '|---|---:|', '| tiny | 21 |']
    """
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    align = align or "l" * len(header)
    return (["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
            + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


SECTION = re.compile(r"<!-- (\w+) -->\n.*?<!-- /\1 -->", re.S)


def section(name: str, text: str) -> str:
    """text between the markers that let other scripts find and replace it."""
    return f"<!-- {name} -->\n{text.strip()}\n<!-- /{name} -->"


def sections_of(text: str) -> dict:
    """{name: whole marked block} of every marked section in text, in order.

    >>> list(sections_of("# R\\n<!-- a -->\\nx\\n<!-- /a -->\\n<!-- b -->\\ny\\n<!-- /b -->\\n"))
    ['a', 'b']
    """
    return {m.group(1): m.group(0) for m in SECTION.finditer(text)}


def write_section(path, name: str, text: str, title: str = "# Benchmark results") -> Path:
    """Put text into the marked section `name` of the markdown file path (replaced, or appended at the end)."""
    path = Path(path)
    block = section(name, text)
    md = path.read_text(encoding="utf-8") if path.exists() else title + "\n\n"
    if name in sections_of(md):
        md = re.sub(rf"<!-- {name} -->\n.*?<!-- /{name} -->", lambda _: block, md, count=1, flags=re.S)
    else:
        md = md.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(md, encoding="utf-8")
    return path


def write_markdown(path, text: str, placeholders: Optional[dict] = None) -> Path:
    """Write a whole results file, keeping the marked sections other scripts wrote into the old one.

    Sections of the old file that text does not have are appended in their old order; placeholders
    {name: text} are appended for sections that neither has (e.g. "run step_speed.py to fill this in").
    """
    path = Path(path)
    old = sections_of(path.read_text(encoding="utf-8")) if path.exists() else {}
    mine = sections_of(text)
    blocks = [b for n, b in old.items() if n not in mine]
    blocks += [section(n, t) for n, t in (placeholders or {}).items() if n not in mine and n not in old]
    out = text.rstrip("\n") + "\n" + "".join("\n" + b + "\n" for b in blocks)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out, encoding="utf-8")
    return path


def command_line(default: str) -> str:
    """How this script was run, for the results file: the default command, or the actual arguments."""
    if sys.argv[1:]:
        return ".venv/bin/python " + os.path.relpath(sys.argv[0], ROOT) + " " + " ".join(sys.argv[1:])
    return default


# ====================================================================== the machine
def now_utc() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M")


def load_average() -> float:
    """The 1-minute load average (other jobs on the same cores slow every figure down)."""
    return os.getloadavg()[0]


def machine_line() -> str:
    """'2026-11-30 · Python 3.11.2 · x86_64 · 2 CPUs · load average 1.3 at the start'."""
    return (f"{_dt.date.today()} · Python {platform.python_version()} · {platform.machine()} · "
            f"{os.cpu_count()} CPUs · load average {load_average():.1f} at the start")


def git(*args) -> str:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def machine_info() -> dict:
    """CPU, memory, versions of Python / NumPy / numba / gensim, BLAS environment, git HEAD."""
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
    }


# ====================================================================== processes, time and memory
def spread(values) -> dict:
    """{median, min, max, n} of the values that are not None or NaN.

    >>> spread([3, 1, None, 2])
    {'median': 2, 'min': 1, 'max': 3, 'n': 3}
    """
    values = [v for v in values if v is not None and v == v]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def timed(fn, *args, **kwargs) -> tuple:
    """(seconds, result) of one call."""
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t, result


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


def cpu_seconds() -> float:
    """User + system CPU seconds of this process."""
    return sum(resource.getrusage(resource.RUSAGE_SELF)[:2])


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


def run_child(script, spec: dict, timeout: float = 1800) -> dict:
    """Run `script --child <spec as JSON>` in a fresh interpreter and return the JSON object it prints
    last, plus load1_at_start, other_cpu_cores (cores other processes used meanwhile) and process_wall_s.

    The script's side: `if args.child: print(json.dumps(child(json.loads(args.child))))`.
    """
    load = load_average()
    before = cpu_snapshot()
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, str(script), "--child", json.dumps(spec)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)
    wall = time.perf_counter() - t
    after = cpu_snapshot()
    me = os.getpid()
    other = sum(v - before.get(pid, 0.0) for pid, v in after.items() if pid != me)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({spec.get('impl')} {spec.get('label')}):\n{proc.stderr[-3000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res.update(load1_at_start=load, other_cpu_cores=max(0.0, other) / wall, process_wall_s=wall)
    return res


# ====================================================================== gensim's test data
def gensim_file(name: str) -> Path:
    """A file of gensim's test data (corpora, benchmark lists); exits with a hint if gensim is missing."""
    from engine import gensim_data_path

    path = gensim_data_path(name)
    if path is None:
        sys.exit(f"{name} not found: gensim (with its test data) is not installed; run `make venv` first")
    return Path(path)


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


def benchmark_lists() -> dict:
    """{name: (kind, path)} of the benchmark lists in gensim's test data: WordSim-353, SimLex-999, Google."""
    short = {"wordsim353": ("ws353", "pairs"), "simlex999": ("simlex", "pairs"), "google": ("analogy", "analogy")}
    return {short[key][0]: (short[key][1], str(gensim_file(fname))) for key, (_, fname, _) in BENCHMARKS.items()}


def stemmed_lists(lists: dict, work: Path) -> tuple:
    """Porter-stemmed copies of lists in work/ (gensim's PorterStemmer), for the stemmed head500 corpus.

    Returns ({name: (kind, path of the copy)}, what stem_analogies reports about the analogy list).
    """
    from gensim.parsing.porter import PorterStemmer

    stem = PorterStemmer().stem
    out, info = {}, None
    for name, (kind, path) in lists.items():
        dst = Path(work) / f"{name}_stem.txt"
        if kind == "pairs":
            stem_pairs(Path(path), dst, stem)
        else:
            info = stem_analogies(Path(path), dst, stem)
        out[name] = (kind, str(dst))
    return out, info


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


def evaluate(index_to_key, vectors, evals: dict) -> dict:
    """Score vectors with engine.KeyedVectors on every list of evals {name: (kind, path)}."""
    from engine import KeyedVectors

    kv = KeyedVectors(index_to_key, vectors)
    out = {}
    for name, (kind, path) in evals.items():
        if kind == "pairs":
            (p, _), s, oov = kv.evaluate_word_pairs(path)       # gensim's shapes: oov in percent
            out[name] = {"spearman": float(s.statistic), "pearson": float(p), "oov": oov / 100.0}
        else:
            acc, sections = kv.evaluate_word_analogies(path)
            total = sections[-1]
            n = total["correct"] + total["incorrect"]
            out[name] = {"accuracy": acc, "questions": n, "skipped": total.get("skipped", 0),
                         "coverage": n / max(1, n + total.get("skipped", 0))}
    return out


# ====================================================================== the engine under test
def _extract_engine(rev: str, dst: Path) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev, "engine"], capture_output=True, cwd=ROOT, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dst)], input=archive, check=True)


def use_engine_rev(rev: str = None) -> str:
    """Make `import engine` load engine/ as committed at git revision rev (a temporary copy), or the
    working tree when rev is None; returns the short hash of the engine's last commit at rev."""
    if rev:
        dst = Path(tempfile.mkdtemp(prefix="w2v_engine_"))
        _extract_engine(rev, dst)
        sys.path.insert(0, str(dst))
    out = git("log", "-1", "--format=%h", *([rev] if rev else []), "--", "engine")
    return out + ("" if rev else " (+ working tree)")


def snapshot_engine(dst: Path, rev: str = None) -> dict:
    """Copy engine/ to dst/engine, so every run of a benchmark trains the same code even if the
    working tree changes meanwhile (rev: take it from that git revision instead, e.g. HEAD); returns
    the copy's content hash and the repository state."""
    import hashlib
    import shutil

    if rev:
        _extract_engine(rev, dst)
        dirty = []
        commit = git("log", "-1", "--format=%h %s", rev, "--", "engine")
    else:
        shutil.copytree(ROOT / "engine", dst / "engine", ignore=shutil.ignore_patterns("__pycache__"))
        dirty = git("status", "--porcelain", "--", "engine").splitlines()
        commit = git("log", "-1", "--format=%h %s", "--", "engine")
    h = hashlib.sha1()
    for f in sorted((dst / "engine").rglob("*.py")):
        h.update(str(f.relative_to(dst)).encode() + b"\0" + f.read_bytes())
    return {"engine_sha1": h.hexdigest()[:12], "engine_dirty": dirty, "engine_rev": rev or "working tree",
            "engine_commit": commit}
