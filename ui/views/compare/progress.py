"""Run a Compare page experiment with a progress bar and a Stop button, its rows kept in the session as they come;
round their numbers for the tables.

What it does not do: train (lessons.six_models and lessons.claims do).
"""

from __future__ import annotations

import math
from typing import Callable, Optional

import streamlit as st

from ui.compiling import ensure_fast_trainer
from ui.i18n import t
from ui.jobs import heavy_job


def run_with_progress(store_key: str, key: dict, run: Callable, total_label: str, stop_key: Optional[str] = None
                      ) -> None:
    """Run `run(out, progress)` with a progress bar and a Stop button (its key: stop_key, else
    "<store_key>_stop"); results go to st.session_state[store_key].

    The stored dict is {"key", "rows", "done"}; `rows` is the very list the engine appends to, so
    when Stop interrupts the run the rows finished so far are kept and shown (Stop reruns the page, which
    ends the run between two slices of updates). The bar and the button disappear when the work is done.
    """
    if "vector_size" in key:
        ensure_fast_trainer(int(key["vector_size"]), int(key.get("workers", 1)))
    entry = {"key": key, "rows": [], "done": False}
    st.session_state[store_key] = entry
    box = st.empty()
    with box.container():
        bar = st.progress(0.0, text=t("compare.starting", label=total_label))
        st.button(t("compare.stop"), key=stop_key or f"{store_key}_stop", help=t("compare.stop_help"))

    def progress(done, total, label):
        bar.progress(min(1.0, done / max(total, 1)), text=t("compare.progress", done=done, total=total, label=label))

    with heavy_job("compare"):
        run(entry["rows"], progress)
    entry["done"] = True
    box.empty()


def stored(store_key: str, key: dict) -> Optional[dict]:
    """The stored results if they were made with the same settings, else None."""
    entry = st.session_state.get(store_key)
    return entry if entry and entry["key"] == key else None


def rounded(x, digits: int = 3) -> Optional[float]:
    """x rounded for a table; None (an empty cell) for a missing or NaN score.

    >>> rounded(0.12345), rounded(float("nan"))
    (0.123, None)
    """
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), digits)
