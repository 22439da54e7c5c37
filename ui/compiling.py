"""The fast trainer's compiled code, without anyone waiting for someone else's compile.

numba compiles engine/fast/kernel.py's kernel the very first time it runs on a machine (and, from vector
size fast.STATIC_MIN_D on, once more for each new vector size), then caches it on disk. Compiling in
the server process holds the interpreter for ~5 s, which stalls every session of that process (a class
of 30 all waits for one student's new vector size). So:

- a size's own kernel is compiled in a separate process (`python -m ui.compiling SIZE`, niced), which
  fills numba's on-disk cache; until it is there the session trains with the any-size kernel
  (engine.fast.DEFERRED_SIZES, a few % slower) and sees one line saying why;
- when that process has finished, the next call loads the kernel from disk (a fraction of a second);
  a size compiled by an earlier process (stamped in STAMP_FILE, valid while the kernel's source files
  are unchanged, as numba's cache itself) is loaded at once, with no process started;
- the any-size kernels themselves (needed before any training) are compiled the same way, in another
  process, while this session alone waits behind a spinner; other sessions go on;
- deploy/serve_class.sh compiles the common sizes before the class arrives:
  `python -m ui.compiling 32 50 64 100 128 200 300`;
- any server (`make run` too) starts compiling the app's default vector size in the background as it starts
  (warm_at_start, called by app.py), so the first "Train" on a new machine does not wait for numba.

What it does not do: train anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Dict, Optional, Tuple

from engine import fast

ROOT = Path(__file__).resolve().parent.parent
COMMON_SIZES = (32, 50, 64, 100, 128, 200, 300)

# numba caches each compiled function in the __pycache__ folder beside its source file, valid while that file's
# modification time and size are unchanged: the kernels in engine/fast/__pycache__/, the stream's loops in
# engine/__pycache__/. The stamp lives beside the kernels' cache and covers every source file of the compiled
# code, also rows.py, which the kernel inlines (numba's own check looks at kernel.py only).
STAMP_FILE = ROOT / "engine" / "fast" / "__pycache__" / "w2v_compiled.json"
_SOURCES = ("fast/kernel.py", "fast/batched.py", "fast/rows.py", "fast/sigmoid.py", "fast/prefetch.py",
            "examples_compiled.py")     # relative to engine/

_LOCK = threading.Lock()
_BUILDS: Dict[Tuple[int, int], subprocess.Popen] = {}   # (size, workers) -> the compiling process
_NOTICE_KEY = "_compiling_notice"                         # sizes this session was told about (session state)


def message(vector_size: int) -> str:
    """The text shown while compiling: it names the size when that size gets its own kernel."""
    from ui.i18n import t

    size = fast.static_size(vector_size)
    return t("classroom.compiling_size", size=size) if size else t("classroom.compiling_first")


def compile_command(size: int, workers: int) -> list:
    """The command that compiles (or only loads, if cached) the kernels for `size` (0 = any size)."""
    return [sys.executable, "-m", "ui.compiling", "--workers", str(workers), str(size)]


def _nice():  # pragma: no cover - runs in the child
    try:
        os.nice(19)
    except OSError:
        pass


def start_compile(size: int, workers: int = 1) -> subprocess.Popen:
    """The background compile of (size, workers): started once per server process, then reused."""
    key = (int(size), int(workers))
    with _LOCK:
        proc = _BUILDS.get(key)
        if proc is None or (proc.poll() not in (None, 0)):      # never started, or failed: (re)start it
            proc = subprocess.Popen(compile_command(*key), cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, preexec_fn=_nice if os.name == "posix" else None)
            _BUILDS[key] = proc
        return proc


def _source_stamp() -> list:
    out = []
    for name in _SOURCES:
        try:
            st_ = (ROOT / "engine" / name).stat()
            out.append([name, st_.st_mtime_ns, st_.st_size])
        except OSError:
            out.append([name, 0, 0])
    return out


def on_disk(size: int, workers: int = 1) -> bool:
    """Was (size, workers) compiled into numba's disk cache from the kernel's current source files?"""
    try:
        stamps = json.loads(STAMP_FILE.read_text())
    except (OSError, ValueError):
        return False
    return stamps.get(f"{int(size)}:{int(workers)}") == _source_stamp()


def mark_on_disk(size: int, workers: int = 1) -> None:
    """Record that (size, workers) is in numba's disk cache (written atomically; last writer wins)."""
    with _LOCK:
        try:
            stamps = json.loads(STAMP_FILE.read_text())
        except (OSError, ValueError):
            stamps = {}
        stamps[f"{int(size)}:{int(workers)}"] = _source_stamp()
        tmp = STAMP_FILE.with_name(f"{STAMP_FILE.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            STAMP_FILE.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(stamps))
            os.replace(tmp, STAMP_FILE)
        except OSError:             # a read-only checkout: the stamp is an optimisation only
            pass


def compile_state(size: int, workers: int = 1) -> str:
    """'none' (never started here), 'compiling', 'done' or 'failed'."""
    proc = _BUILDS.get((int(size), int(workers)))
    if proc is None:
        return "none"
    code = proc.poll()
    return "compiling" if code is None else ("done" if code == 0 else "failed")


def _load(vector_size: Optional[int], workers: int) -> None:
    """Load what the background process left on disk (or, if it failed, compile here after all)."""
    size = fast.static_size(vector_size) if vector_size is not None else 0
    fast.DEFERRED_SIZES.discard(size)
    fast.warm_up(vector_size, workers)
    mark_on_disk(size, workers)


def _tell_once(size: int) -> None:
    import streamlit as st

    told = st.session_state.setdefault(_NOTICE_KEY, set())
    if size not in told:
        told.add(size)
        st.toast(message(size), icon=":material/memory:")


def ensure_fast_trainer(vector_size: int, workers: int = 1) -> bool:
    """Before any model.train(): make a compiled kernel ready for this vector size without stalling others.

    Returns True when the size's own kernel (or, below STATIC_MIN_D, the any-size one) is loaded, False
    when the any-size kernel serves this size while its own one compiles in the background.
    """
    import streamlit as st

    workers = max(1, int(workers))
    if fast.is_warm(vector_size, workers):
        fast.DEFERRED_SIZES.discard(fast.static_size(vector_size))
        return True
    if not fast.is_warm(None, workers):                     # nothing can train yet: the any-size kernels
        if on_disk(0, workers):
            _load(None, workers)                            # compiled before: only loaded
        else:
            proc = start_compile(0, workers)
            with st.spinner(message(0)):
                proc.wait()
                _load(None, workers)
    size = fast.static_size(vector_size)
    if not size:
        return True
    if not on_disk(size, workers) and compile_state(size, workers) in ("none", "compiling") \
            and start_compile(size, workers).poll() is None:
        fast.DEFERRED_SIZES.add(size)
        _tell_once(size)
        return False
    _load(vector_size, workers)
    return True


_START: Optional[threading.Thread] = None   # the server's warm-up at start (warm_at_start), once per process


def _warm(vector_size: int, workers: Tuple[int, ...]) -> None:
    for w in workers:
        for size in sorted({0, fast.static_size(vector_size)}):
            if not on_disk(size, w):
                start_compile(size, w).wait()   # compiled in another, niced process: sessions here go on
        _load(vector_size, w)                     # then only loaded from numba's disk cache (a fraction of a second)
        mark_on_disk(0, w)                        # warm_up loaded the any-size kernels too


def warm_at_start(vector_size: int, workers: Tuple[int, ...] = (1, 2)) -> threading.Thread:
    """When a server process starts (app.py calls this on its first run): compile the kernels of the app's
    default vector size in another process and load them here, in a background thread, once per process,
    as deploy/serve_class.sh does before a class; so the first "Train" on a new server waits for nothing.
    Returns the thread (the same one on every later call)."""
    global _START
    with _LOCK:
        if _START is None:
            _START = threading.Thread(target=_warm, args=(int(vector_size), tuple(workers)), daemon=True,
                                      name="w2v-warm-at-start")
            _START.start()
        return _START


def warm_sizes(sizes, workers=(1, 2)) -> None:
    """Compile (or load) the kernels of each size in this process: the set-up step before a class."""
    for w in workers:
        for size in sizes:
            fast.warm_up(int(size) if size else None, w)
            if size:
                mark_on_disk(fast.static_size(int(size)), w)
            mark_on_disk(0, w)


if __name__ == "__main__":   # python -m ui.compiling [--workers W] SIZE... (0 = the any-size kernels)
    import argparse

    ap = argparse.ArgumentParser(description="Compile the fast trainer's kernels into numba's disk cache.")
    ap.add_argument("sizes", nargs="*", type=int, default=list(COMMON_SIZES))
    ap.add_argument("--workers", type=int, action="append", help="1 and/or 2 (default: both)")
    args = ap.parse_args()
    warm_sizes(args.sizes, tuple(args.workers or (1, 2)))
