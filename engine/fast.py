"""The fast trainer's public names, in one place (kept so that `engine.fast.warm_up` keeps working).

The fast path is split by job:
  kernel.py             the compiled update over many examples (and its NumPy reference)
  examples_compiled.py  the example stream's compiled loops (beside examples.py, which they serve)
  pipeline.py           train(): slices, threads, progress, stop, divergence
  threads.py            the thread pool, jobs, the GIL hand-off
  warmup.py             compiling up front: warm_up(), is_warm()
"""

from .kernel import (HAVE_NUMBA, HOT_ROWS, HOT_SYNC, MAX_STATIC_D, PIECE_EXAMPLES, STATIC_MIN_D, run_examples,
                     run_examples_numpy, static_size, submit_examples)
from .warmup import is_warm, warm_up

__all__ = ["HAVE_NUMBA", "HOT_ROWS", "HOT_SYNC", "MAX_STATIC_D", "PIECE_EXAMPLES", "STATIC_MIN_D", "run_examples",
           "run_examples_numpy", "static_size", "submit_examples", "is_warm", "warm_up"]
