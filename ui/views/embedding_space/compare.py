"""The three projections of the embedding page side by side on the words shown: PCA, t-SNE and UMAP.

What it does: on demand (a heavy-job slot), projects the words shown with each method (lessons.projections)
and draws the three pictures in a row, each with its k-NN group accuracy and seconds, and says what each
method preserves; the result is kept for the session until the words or settings change.
What it does not do: compute the projections (lessons.projections and engine.projection do).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lessons import projections as projection_lessons
from ui import state
from ui.charts import embedding as embedding_charts
from ui.i18n import t
from ui.jobs import heavy_job
from ui.views.embedding_space import live as lv
from ui.views.embedding_space.controls import Picture

PERPLEXITY = 15          # t-SNE's perplexity in the comparison (the page's default)


def compare_section(pic: Picture, X_full: np.ndarray, step=None) -> None:
    """PCA, t-SNE and UMAP of the words shown, side by side, with each picture's k-NN group accuracy."""
    with st.expander(t("embedding.compare_heading"), expanded=bool(st.session_state.get(state.EMB_COMPARE))):
        st.markdown(t("embedding.compare_intro"))
        k = min(pic.n_neighbors or lv.UMAP_DEFAULTS["n_neighbors"], max(2, pic.n_words - 1))
        d = pic.min_dist if pic.min_dist is not None else lv.UMAP_DEFAULTS["min_dist"]
        seed = int(pic.umap_seed or 0)
        key = (pic.matrix, pic.skip, pic.n_words, k, d, seed, X_full.shape)
        if pic.n_words < 5:
            st.warning(t("embedding.umap_few_words"))
            return
        if st.button(t("embedding.compare_go", n=pic.n_words), key="live_compare_go"):
            st.session_state[state.EMB_COMPARE_ASKED] = key
        if st.session_state.get(state.EMB_COMPARE_ASKED) == key:
            # the request outlives the run: if another rerun stops this one mid-job, the next run starts the job
            # again instead of forgetting the click
            try:
                with heavy_job("umap"), st.spinner(t("embedding.compare_running", n=pic.n_words)):
                    res = projection_lessons.compare_projections(X_full[pic.sel], pic.colour.group, seed=seed,
                                                                 perplexity=PERPLEXITY, n_neighbors=k, min_dist=d,
                                                                 k=lv.SEPARATION_K)
            except Exception:
                st.session_state.pop(state.EMB_COMPARE_ASKED, None)   # an error is shown once, not retried forever
                raise
            st.session_state[state.EMB_COMPARE] = (key, res)
            st.session_state.pop(state.EMB_COMPARE_ASKED, None)
        elif state.EMB_COMPARE_ASKED in st.session_state:
            st.session_state.pop(state.EMB_COMPARE_ASKED)             # asked for other words or settings
        stored = st.session_state.get(state.EMB_COMPARE)
        if not stored or stored[0] != key:
            return
        st.caption(t("embedding.compare_settings", perplexity=PERPLEXITY, k=k, d=d, seed=seed,
                     matrix=lv.matrix_label(pic.matrix)))
        hover = list(pic.words)
        for col, p in zip(st.columns(3), stored[1]):
            with col:
                data, spec = embedding_charts.projection_vega(pic.words, p.coords, hover, pic.counts,
                                                              min(pic.n_labels, 25), axis_titles=(
                                                                  f"{p.method} 1", f"{p.method} 2"),
                                                              height=320, colour=pic.colour)
                st.vega_lite_chart(data, spec, key=f"live_compare_{p.method}", width="stretch")
                s = p.separation
                if s is None:
                    st.markdown(t("embedding.compare_caption_nogroups", method=p.method, seconds=f"{p.seconds:.1f}"))
                else:
                    st.markdown(t("embedding.compare_caption", method=p.method, acc=f"{s.view:.2f}",
                                  full=f"{s.full:.2f}", chance=f"{s.chance:.2f}", seconds=f"{p.seconds:.1f}"))
