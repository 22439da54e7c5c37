"""The fast trainer's compiled code: load it, or compile it behind a visible message.

numba compiles engine/fast.py's kernels the very first time they run on a machine (and, from vector
size fast.STATIC_MIN_D on, once more for each new vector size), then caches them on disk. Without
this helper the first training on a fresh machine would freeze the page for several seconds with no
explanation. It does not train anything.
"""

from __future__ import annotations

import streamlit as st

from engine import fast


def message(vector_size: int) -> str:
    """The spinner text. message(100) mentions the size, since each size from STATIC_MIN_D on compiles once."""
    size = f" for vectors of size {vector_size}" if fast.static_size(vector_size) else ""
    return (f"Preparing the compiled fast trainer{size}: the first time on this machine numba compiles it "
            f"(about 5-10 s, cached on disk afterwards); later it only loads (a fraction of a second)...")


def ensure_fast_trainer(vector_size: int, workers: int = 1) -> None:
    """Before any model.train(): compile or load the kernels for this vector size, showing why we wait."""
    if fast.is_warm(vector_size, workers):
        return
    with st.spinner(message(vector_size)):
        fast.warm_up(vector_size, workers)
