"""Train the session's model to the end of its planned epochs from a page, with a progress bar and a Stop button.

What it does not do: train itself (Word2Vec.train does, in a server-wide heavy-job slot).
"""

from __future__ import annotations

import time
from typing import Optional

import streamlit as st

from engine import TrainingDiverged, Word2Vec
from ui.compiling import ensure_fast_trainer
from ui.i18n import engine_message, t
from ui.jobs import heavy_job


def train_with_progress(model: Word2Vec, label: Optional[str] = None, key: str = "train") -> Optional[dict]:
    """A button that trains the model to the end of its planned epochs with a progress bar.

    Clicking anything else (the Stop button shown while it runs) interrupts training between two
    slices; the weights stay those of the last finished update and training goes on from there later.
    """
    if not st.button(label or t("embedding.train_default"), key=f"{key}_go", type="primary"):
        return None
    ensure_fast_trainer(model.vector_size, model.workers)
    bar = st.progress(0.0, text=t("embedding.train_starting"))
    st.button(t("embedding.train_stop"), key=f"{key}_stop", help=t("embedding.train_stop_help"))
    t0 = time.perf_counter()

    def report(fraction, info):
        bar.progress(min(1.0, fraction), text=t(
            "embedding.train_progress", epoch=info["epoch"] + 1, epochs=model.planned_epochs,
            examples=f"{info['examples']:,}", loss=f"{info['loss']:.4f}", speed=f"{info['words_per_sec']:,.0f}"))

    try:
        with heavy_job("train"):
            info = model.train(progress=report)
    except (TrainingDiverged, ValueError) as e:      # ValueError: subsampling left no example in a whole round
        st.error(engine_message(str(e)))
        return None
    finally:
        model.wv.invalidate()
    bar.progress(1.0, text=t("embedding.train_done", examples=f"{info['examples']:,}",
                             seconds=f"{time.perf_counter() - t0:.1f}"))
    return info
