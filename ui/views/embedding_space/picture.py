"""The embedding picture: a still one of imported vectors, or the session's model training live (Play / Pause).

What it does: draws the projection with, next to it, how well it keeps the groups apart (or what the
colours are) and how it was made; t-SNE and UMAP on demand (in a heavy-job slot); Play / Pause and Start again; the time slider over the
snapshots when paused; and the live frame (st.fragment(run_every=...)): train a frame's updates outside the
process's frame turn, then draw the picture, the numbers and the loss inside it (ui.pacing.PLAYERS.turn).
What it does not do: keep the live state or compute the projections (ui/views/embedding_space/live.py and
engine.projection do), or choose the settings (controls.py draws them; each function takes their Picture).
"""

from __future__ import annotations

import time
from typing import Optional

import numpy as np
import streamlit as st

from ui import pacing, state
from ui.charts import colouring
from ui.charts import embedding as embedding_charts
from ui.i18n import engine_message, t
from ui.jobs import heavy_job
from ui.views.embedding_space import live as lv
from ui.views.embedding_space import trails as trails_view
from ui.views.embedding_space.controls import Picture


def side_panel(pic: Picture, coords: np.ndarray, X_rows: np.ndarray, title: str, live_state=None, view_key=None,
               footer: str = "") -> None:
    """Next to the picture, as one element (the live frame redraws it): how well it keeps the groups apart
    (or what the colours are), how it was made (title) and the footer. While playing (live_state), the
    separation is redone every few frames only."""
    def separation():
        return lv.separation_of(coords, X_rows, pic.colour)
    sep = separation() if live_state is None else lv.every_few_frames(live_state, "separation", view_key, separation)
    notes = [title] + ([footer] if footer else [])
    if sep is not None:
        st.markdown(lv.with_notes(t("embedding.separation", k=sep.k, view=f"{sep.view:.2f}", full=f"{sep.full:.2f}",
                                    d=X_rows.shape[1], chance=f"{sep.chance:.2f}", n=sep.n_words,
                                    groups=sep.n_groups), notes),
                    help=t("embedding.separation_help"), unsafe_allow_html=True)
    else:
        kind = "embedding.colour_bands" if pic.colour.kind == "bands" else "embedding.colour_none"
        st.markdown(lv.with_notes("", [t(kind)] + notes), unsafe_allow_html=True)


def layout_panel(method: str, pic: Picture, X_full: np.ndarray, live_state=None) -> Optional[dict]:
    """Run t-SNE or UMAP (method "tsne" / "umap") on demand in a heavy-job slot and return its stored result, if
    any; t-SNE starts from its previous layout. Too few words, or a perplexity / n_neighbors the words cannot
    support, is said instead of a button."""
    store = live_state if live_state is not None else st.session_state.setdefault(state.LIVE_TSNE_KV, lv.TsneStore())
    if pic.n_words < 5:
        st.warning(t(f"embedding.{method}_few_words"))
        return None
    if method == "tsne" and pic.perplexity >= pic.n_words:
        st.warning(t("embedding.tsne_perplexity_too_big", perplexity=pic.perplexity, n=pic.n_words))
        return None
    if method == "umap" and pic.n_neighbors >= pic.n_words:
        st.warning(t("embedding.umap_neighbors_too_many", k=pic.n_neighbors, n=pic.n_words))
        return None
    if st.button(t(f"embedding.{method}_go", n=pic.n_words), key=f"live_{method}_go", type="primary"):
        step = getattr(store.model, "step_count", None)
        with heavy_job(method), st.spinner(t(f"embedding.{method}_running", n=pic.n_words)):
            if method == "tsne":
                store.tsne = lv.run_tsne(X_full, pic.sel, pic.words, pic.tsne_start, pic.tsne_seed, pic.perplexity,
                                         store.tsne, step=step, matrix=pic.matrix)
            else:
                store.umap = lv.run_umap(X_full, pic.sel, pic.words, pic.umap_seed, pic.n_neighbors, pic.min_dist,
                                         step=step, matrix=pic.matrix)
    res = getattr(store, method)
    if not res:
        st.info(t(f"embedding.{method}_press"))
        return None
    missing = [w for w in pic.words if w not in res["layout"]]
    if missing:
        st.info(t("embedding.tsne_missing", n=len(missing)))
    return res


def umap_title(res: dict, imported: bool = False) -> str:
    k, d, seed = res["params"]
    if imported:
        return t("embedding.umap_title_imported", seconds=f"{res['seconds']:.1f}", k=k, d=d, seed=seed)
    return t("embedding.umap_title", matrix=lv.matrix_label(res["matrix"]), step=f"{res['step']:,}",
             seconds=f"{res['seconds']:.1f}", k=k, d=d, seed=seed)


def tsne_chart(pic: Picture, res: dict, hover, X_full: np.ndarray, key: str, title: str,
               axes: tuple = ("t-SNE 1", "t-SNE 2")) -> None:
    """The t-SNE (or UMAP) layout `res` of the words shown, and the side panel next to it."""
    words, colour = pic.words, pic.colour
    keep, coords = lv.layout_coords(res, words)
    sub = colouring.Colouring(colour.kind, [colour.category[i] for i in keep], [colour.group[i] for i in keep],
                              colour.domain, colour.colours, colour.title)
    data, spec = embedding_charts.projection_vega([words[i] for i in keep], coords, [hover[i] for i in keep],
                                                  None, pic.n_labels, axis_titles=axes, colour=sub,
                                                  chosen=pic.trail_words)
    left, right = st.columns(lv.PICTURE_COLUMNS)
    left.vega_lite_chart(data, spec, key=key, width="stretch")
    with right:
        side_panel(pic, coords, X_full[pic.sel][keep], title)


# ---------------------------------------------------------------- an imported file: a still picture
def imported_picture(pic: Picture, kv, top, stage) -> None:
    """The imported vectors `kv` as a still picture (PCA, or t-SNE run from the `top` container) in `stage`."""
    X_full = lv.vectors(kv, "W_in")
    hover = lv.hover_texts(pic.words_all, pic.counts, X_full, pic.sel)
    with stage:
        st.caption(t("embedding.imported_caption", n=f"{len(kv):,}", d=kv.vector_size,
                     name=st.session_state.get(state.LOADED_KV_NAME)))
        if pic.method == "PCA":
            if not pic.remove_top_ok:
                st.warning(t("embedding.remove_top_too_many", n=pic.view["remove_top"], d=kv.vector_size))
                st.stop()
            coords, explained = lv.pca_still(X_full, pic.sel, **pic.view)
            data, spec = embedding_charts.projection_vega(pic.words, coords, hover, pic.counts, pic.n_labels,
                                                          colour=pic.colour)
            left, right = st.columns(lv.PICTURE_COLUMNS)
            left.vega_lite_chart(data, spec, key="live_chart_kv", width="stretch")
            with right:
                side_panel(pic, coords, X_full[pic.sel],
                           t("embedding.pca_title_imported", view=lv.view_text(**pic.view), ax1=f"{explained[0]:.0%}",
                             ax2=f"{explained[1]:.0%}", n=pic.n_words))
        elif pic.method == "UMAP":
            with top:
                res = layout_panel("umap", pic, X_full)
            if res:
                tsne_chart(pic, res, hover, X_full, "live_chart_kv_umap", umap_title(res, imported=True),
                           axes=("UMAP 1", "UMAP 2"))
        else:
            with top:
                res = layout_panel("tsne", pic, X_full)
            if res:
                tsne_chart(pic, res, hover, X_full, "live_chart_kv_tsne",
                           t("embedding.tsne_title_imported", seconds=f"{res['seconds']:.1f}"))


# ---------------------------------------------------------------- the session's model: live training
def play_buttons(pic: Picture, live) -> None:
    """Play / Pause and Start again; with t-SNE, its Run button next to them."""
    model = live.model
    p1, p2, p3 = st.columns([1.1, 1.5, 3.6])        # room for 'Start again' at 1024 px
    with p1:
        # Streamlit's material icons: U+23F8 (pause) drew a missing-glyph box in Linux Chromium
        if st.button(t("embedding.pause") if live.playing else t("embedding.play"), key="live_play", type="primary",
                     icon=":material/pause:" if live.playing else ":material/play_arrow:",
                     help=t("embedding.play_help"), width="stretch"):
            live.playing = not live.playing
            live.message = None
            if live.playing and model.training_complete:
                st.toast(t("embedding.another_round"))
            st.rerun()
    with p2:
        if st.button(t("embedding.reset"), key="live_reset", help=t("embedding.reset_help"), width="stretch"):
            state.reset_model()
            st.session_state.pop(state.LIVE_VIEW, None)
            st.rerun()
    if pic.method == "t-SNE":
        with p3:
            layout_panel("tsne", pic, lv.vectors(model, pic.matrix), live)
    elif pic.method == "UMAP":
        with p3:
            layout_panel("umap", pic, lv.vectors(model, pic.matrix), live)


def time_slider(pic: Picture, live):
    """When paused with snapshots (PCA): a slider back through them; the snapshot chosen, or None (now)."""
    if live.playing or len(live.snapshots) < 2 or pic.method != "PCA":
        return None
    n = len(live.snapshots)
    pos = st.slider(t("embedding.time"), 0, n - 1, n - 1, key=f"live_time_{n}_{live.snapshots[-1].step}",
                    help=t("embedding.time_help", n=n, every=f"{live.every:,}"))
    return live.snapshots[pos] if pos < n - 1 else None


def live_frame(pic: Picture, live, per_frame: int, target_fps: float, interval: float, scrub=None) -> None:
    """The live frame, redrawn every `interval` seconds while playing: train `per_frame` updates (outside the
    process's frame turn: the compiled trainer releases the GIL), then draw it inside the turn."""
    @st.fragment(run_every=interval if live.playing else None)
    def frame():
        t_start = time.perf_counter()
        m = live.model
        if live.playing and pacing.repace(live, 1.0 / target_fps, t_start):
            st.rerun(scope="app")                      # a new run_every: frames only as fast as the process makes them
        if live.playing:
            lv.train_frame(live, per_frame)
            if m.training_complete or live.message:
                live.playing = False
                st.rerun(scope="app")
        with pacing.PLAYERS.turn():            # the drawing, one frame at a time in this process (PlayRegistry.turn)
            draw_frame(pic, live, scrub, t_start)

    frame()


def draw_frame(pic: Picture, live, scrub, t_start: float) -> None:
    """One frame: progress, the picture now (or at the snapshot `scrub`) with its side panel, the numbers, the loss."""
    m = live.model
    live.frames += 1
    live.frame_times.append(time.perf_counter())
    if live.message:
        st.error(engine_message(live.message))
    st.progress(m.progress_fraction(), text=lv.progress_label(m))
    matrix, sel, words = pic.matrix, pic.sel, pic.words
    X_now = lv.vectors(m, matrix)                                             # (V, d)
    if scrub is not None:
        X_show = lv.snapshot_vectors(scrub, matrix)
        when = t("embedding.when_snapshot", step=f"{scrub.step:,}", epoch=scrub.epoch + 1)
    else:
        X_show = X_now
        when = t("embedding.when_now", step=f"{m.step_count:,}")
    # what the picture's settings change (a new key redoes the slowly changing parts at once)
    view_key = (pic.method, matrix, pic.skip, pic.n_words, pic.n_labels, tuple(pic.trail_words),
                scrub.step if scrub else None, tuple(pic.view.values()), live.projector.mode)
    hover = lv.every_few_frames(live, "hover", view_key, lambda: lv.hover_texts(pic.words_all, pic.counts, X_show, sel))
    if pic.method == "PCA":
        if not pic.remove_top_ok:
            st.warning(t("embedding.remove_top_too_many", n=pic.view["remove_top"], d=m.vector_size))
            return
        coords = lv.frame_coords(live, X_now, X_show, sel, scrubbing=scrub is not None)    # (n, 2)
        trails = trails_view.trail_paths(live, pic.trail_words, words, pic.skip, matrix, coords, scrub, view=pic.view)
        ex = live.projector.explained
        # scrubbing: the same frame for every snapshot, so growth from the center is visible
        ranges = trails_view.snapshot_ranges(live, sel, matrix) if scrub is not None else None
        spots = lv.every_few_frames(live, "labels", view_key, lambda: embedding_charts.label_spots(
            words, coords, pic.colour, pic.n_labels, pic.trail_words, ranges))
        data, spec = embedding_charts.projection_vega(words, coords, hover, pic.counts, pic.n_labels, trails, ranges,
                                                      colour=pic.colour, chosen=pic.trail_words, labels=spots)
        left, right = st.columns(lv.PICTURE_COLUMNS)
        left.vega_lite_chart(data, spec, key="live_chart", width="stretch")
        with right:
            side_panel(pic, coords, X_show[sel], t("embedding.pca_title", matrix=lv.matrix_label(matrix),
                                                   view=lv.view_text(**pic.view), when=when, ax1=f"{ex[0]:.0%}",
                                                   ax2=f"{ex[1]:.0%}", n=pic.n_words), live, view_key,
                       footer=lv.frame_note(live))
    elif pic.method == "UMAP":
        if live.umap:
            tsne_chart(pic, live.umap, hover, X_show, "live_chart_umap", umap_title(live.umap), axes=("UMAP 1", "UMAP 2"))
    else:
        res = live.tsne
        if res:
            tsne_chart(pic, res, hover, X_show, "live_chart_tsne",
                       t("embedding.tsne_title", matrix=lv.matrix_label(res["matrix"]), step=f"{res['step']:,}",
                         seconds=f"{res['seconds']:.1f}",
                         previous=t("embedding.tsne_from_previous") if res["started_from_previous"] else ""))
    frame_numbers(live)
    live.frame_ms = 1000 * (time.perf_counter() - t_start)          # shown next to the picture in the next frame
    if live.playing:
        pacing.frame_finished(live, t_start, time.perf_counter())


def frame_numbers(live) -> None:
    """The row of numbers under the picture (updates, losses, frames per second) and the loss chart."""
    m = live.model
    losses = m.epoch_losses()
    st.markdown(lv.metric_row([
        (t("embedding.metric_updates"), f"{m.step_count:,}", None),
        (t("embedding.metric_epoch_loss"), f"{losses[-1]:.4f}" if losses else "—", None),
        (t("embedding.metric_all_loss"), f"{m.mean_loss():.4f}" if m.step_count else "—", None),
        (t("embedding.metric_fps"), f"{live.fps():.1f}" if live.playing else t("embedding.paused"),
         t("embedding.metric_fps_help"))]) + "\n\n" + t("embedding.loss_heading"), unsafe_allow_html=True)
    data, spec = embedding_charts.loss_vega(live)
    st.vega_lite_chart(data, spec, key="live_loss", width="stretch")
