"""Compiling the fast trainer up front: warm_up() and is_warm().

What it does: numba compiles the kernel (kernel.py) and the stream's loops (engine/examples_compiled.py)
the first time they run on a machine and caches them on disk (in the __pycache__ folder beside each
source file); warm_up() makes that happen now, by training tiny models of all six kinds and the batched
skip-gram (ns_batching; so the kernels
see exactly the argument types of real training), and is_warm() says whether the kernels a training run
needs are loaded in this process. The app (ui/compiling.py) calls them so that nobody waits for someone
else's compile.
What it does not do: train anything that matters. It builds those tiny models with engine.model.Word2Vec,
imported when warm_up runs: model.py imports this package (train() runs pipeline.py), so a module-level
import here would be an import cycle.
"""

from __future__ import annotations

import time
from typing import Optional

import numpy as np

from .. import examples_compiled
from ..objectives import OBJECTIVE_TABLE
from . import kernel


def _dispatchers():
    return [kernel._kernel_compiled, kernel._batch_compiled] + examples_compiled.DISPATCHERS


def _kernel_variants() -> set:
    """(vector size, private rows) of each kernel compiled or loaded in this process; size 0 = any size, private
    rows 1 = the kernel with the private copy of the busiest rows (kernel._private_rows: two workers), else 0."""
    return {(getattr(sig[-2], "count", 0), getattr(sig[-1], "count", 0))   # the markers' tuple lengths
            for sig in kernel._kernel_compiled.signatures}


def _needed_variants(vector_size: Optional[int], workers: int) -> set:
    sizes = {0} | ({kernel.static_size(vector_size)} if vector_size is not None else set())
    return {(size, hot) for size in sizes for hot in ({0, 1} if workers > 1 else {0})}


def is_warm(vector_size: Optional[int] = None, workers: int = 1) -> bool:
    """True when every kernel that training with this vector size and number of workers runs is
    compiled (or loaded from the disk cache) in this process. From kernel.STATIC_MIN_D on, each vector size
    has its own kernel (compiled on its first use), and two workers add the kernel with the private copy
    of the busiest rows (hierarchical softmax and negative sampling)."""
    if not kernel.HAVE_NUMBA:
        return True
    if not all(d.signatures for d in _dispatchers()):
        return False
    return _needed_variants(vector_size, workers) <= _kernel_variants()


def warm_up(vector_size: Optional[int] = None, workers: int = 1) -> float:
    """Compile (first run ever) or load from the disk cache (later runs) every kernel; returns seconds.

    Trains tiny models of all six kinds, so the kernels see exactly the argument types of real
    training, with a vocabulary so small that some negative equals its target and is drawn again;
    with vector_size >= kernel.STATIC_MIN_D also at that size, and with workers=2 also with two workers.
    """
    from ..model import Word2Vec   # here, not at the top: model.py imports this package (no import cycle)

    t0 = time.perf_counter()
    if kernel.HAVE_NUMBA and not is_warm(vector_size, workers):
        sizes = [4] + ([int(vector_size)] if vector_size is not None and kernel.static_size(vector_size) else [])
        for size in sizes:
            for n_workers in sorted({1, max(1, int(workers))}):
                for architecture in ("skipgram", "cbow"):
                    for objective in OBJECTIVE_TABLE:
                        m = Word2Vec(architecture=architecture, objective=objective, vector_size=size, window=2,
                                     negative=20, epochs=1, sample=0, seed=0, workers=min(n_workers, 2))
                        m.build_vocab([["a", "b", "c", "a"], ["b", "c"]] * 4)
                        m.train()
                m = Word2Vec(vector_size=size, window=2, epochs=1, sample=0, seed=0,
                             ns_batching="shared_negatives")          # the batched kernel (skip-gram NS, default k)
                m.build_vocab([["a", "b", "c", "a"], ["b", "c"]] * 4)
                m.train()
        if not all(d.signatures for d in _dispatchers()):  # pragma: no cover - no redraw was needed
            examples_compiled.alias_pick(np.zeros(1, np.int64), np.zeros(1), np.ones(1), np.zeros(1, np.int32),
                        np.zeros(1, np.int32), np.zeros(1, np.int32), np.zeros(1, np.int64))
    return time.perf_counter() - t0
