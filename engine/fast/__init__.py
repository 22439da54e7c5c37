"""The compiled trainer behind Word2Vec.train(): the update rule over many examples, compiled with numba.

What it does: applies engine/update.py's UpdateRule (the one the step trainer applies, for all six
models) to the example stream, example after example, in machine code compiled by numba, and releases
the GIL so that each of `workers` threads builds its own chunks and trains them, all updating the shared
weights at once (Hogwild). The package's files, by job:
  kernel.py    the compiled update over many examples (run_examples) and its NumPy
               reference (run_examples_numpy, also the fallback without numba); a kernel for any vector
               size, and one per exact size from STATIC_MIN_D to MAX_STATIC_D (static_size)
  batched.py   the compiled batched update (ns_batching="shared_negatives": a center's examples as one update)
  rows.py      the kernel's row operations (score and update the W_out rows, merge a thread's private copy)
  sigmoid.py   sigma and its loss factor for both kernels, from an exp written out (inlined, no libm call)
  prefetch.py  prefetch_row: start loading a weight row into the cache (the batched kernel, for the next center)
  threads.py   the GIL hand-off while training threads run
  pipeline.py  TrainingRun, what train() runs: chunks built and trained by each thread, progress, stop, divergence
  warmup.py    compiling up front: warm_up() compiles (first run on a machine) or loads the kernels,
               is_warm() says whether that is still to do
numba caches the compiled kernels on disk in engine/fast/__pycache__/ (beside kernel.py; ui/compiling.py
stamps which sizes are there); DEFERRED_SIZES lists the sizes whose own kernel another process is still
compiling, which the any-size kernel serves meanwhile.
What it does not do: make the examples (engine/examples.py and its compiled loops,
engine/examples_compiled.py, shared with the step trainer, so that both see one stream), decide the
update rule (engine/update.py), build traces (engine/step.py), or hold the settings and the weights
(engine/model.py: call Word2Vec.train(), which runs TrainingRun). Nothing here imports Streamlit.

The names below are the package's API; everything else is internal to its files.
"""

from .kernel import DEFERRED_SIZES, HAVE_NUMBA, MAX_STATIC_D, STATIC_MIN_D, run_examples, run_examples_numpy, static_size
from .rows import HOT_NS_FLOATS, HOT_NS_SYNC, HOT_ROWS, HOT_SYNC
from .pipeline import TrainingRun
from .warmup import is_warm, warm_up

__all__ = ["DEFERRED_SIZES", "HAVE_NUMBA", "HOT_NS_FLOATS", "HOT_NS_SYNC", "HOT_ROWS", "HOT_SYNC", "MAX_STATIC_D",
           "STATIC_MIN_D",
           "run_examples", "run_examples_numpy", "static_size", "TrainingRun", "is_warm",
           "warm_up"]
