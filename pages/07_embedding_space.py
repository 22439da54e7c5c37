"""Embedding space, live: the words move in 2-D while the model trains (Play / Pause), coloured by meaning.

Layout: the picture comes first (Play, the chart, how well it keeps the groups apart), the settings
of the picture below it, so that at 1280x720 a class sees the words, not the sliders.
"""

import time

import streamlit as st

from engine import projection
from ui.charts import colouring
from ui.charts import embedding as embedding_charts
from ui import guards
from ui import live as lv
from ui import state
from ui.choices import choice
from ui.code import show_source
from ui.i18n import engine_message, t
from ui.jobs import heavy_job

st.title(t("embedding.title"))
st.caption(t("embedding.intro"))

model = state.get_model()
kv = st.session_state.get(state.LOADED_KV)
sources = []
if model is not None:
    sources.append("model")
if kv is not None:
    sources.append("imported")
if not sources:
    st.warning(t("embedding.no_model"))
    st.stop()
source = sources[0]
if len(sources) > 1:
    source = choice(st.radio, t("embedding.source"), sources,
                    {"model": t("embedding.source_model"),
                     "imported": t("embedding.source_imported", name=st.session_state.get(state.LOADED_KV_NAME))}.get,
                    "live_source", default=sources[0], horizontal=True)
is_model = source == "model"
V = len(model.vocab) if is_model else len(kv)
guards.note_words(V, 3, "space_few_words", model.vocab.index_to_key if is_model else kv.index_to_key)

top = st.container()            # Play / Start again, or Run t-SNE
stage = st.container()          # the picture (redrawn by the fragment)
under = st.container()          # the time slider, when paused

# ---------------------------------------------------------------- the settings of the picture (below it)
st.subheader(t("embedding.settings"))
c1, c2, c3 = st.columns([1.1, 1.1, 1])
with c1:
    method = st.radio(t("embedding.method"), ["PCA", "t-SNE"], horizontal=True, key="live_method",
                      help=t("embedding.method_help"))
    matrices = list(lv.MATRICES)
    hs = is_model and model.objective == "hierarchical_softmax"
    if not is_model:
        matrices = ["W_in"]
    matrix = choice(st.radio, t("embedding.matrix"), matrices,
                    lv.matrix_label if is_model else (lambda m: t("embedding.matrix_file")), "live_matrix",
                    default=matrices[0], horizontal=True, help=t("embedding.matrix_help"))
    if hs and matrix != "W_in":
        st.info(t("embedding.hs_only_w_in"))
        matrix = "W_in"
with c2:
    unit = st.toggle(t("embedding.unit"), value=lv.VIEW_DEFAULTS["unit"], key="live_unit",
                     help=t("embedding.unit_help"))
    centered = st.toggle(t("embedding.centered"), value=lv.VIEW_DEFAULTS["centered"], key="live_centered",
                         help=t("embedding.centered_help"))
    remove_top = st.select_slider(t("embedding.remove_top"), lv.REMOVE_TOP_CHOICES,
                                  value=lv.VIEW_DEFAULTS["remove_top"], key="live_remove_top",
                                  help=t("embedding.remove_top_help"))
with c3:
    if method == "PCA":
        mode = choice(st.selectbox, t("embedding.mode"), projection.PCA_MODES, lambda m: t(f"embedding.mode_{m}"),
                      "live_pca_mode", default=projection.PCA_MODES[0], help=t("embedding.mode_help"))
    else:
        perplexity = st.slider(t("embedding.perplexity"), 2, 50, 15, key="live_perplexity",
                               help=t("embedding.perplexity_help"))
        tsne_start = choice(st.radio, t("embedding.tsne_start"), ["previous", "pca", "random"],
                            lambda s: t(f"embedding.tsne_start_{s}"), "live_tsne_start", default="previous",
                            horizontal=True, help=t("embedding.tsne_start_help"))
        tsne_seed = st.number_input(t("embedding.tsne_seed"), 0, 10_000, 0, key="live_tsne_seed",
                                    help=t("embedding.tsne_seed_help"))

w1, w2, w3 = st.columns(3)
limits = lv.WordRange(V)                # snapshots keep the 1,000 most frequent words
skip, (lowest, highest, default) = 0, limits.words(0)      # a tiny vocabulary: no slider without a choice
with w1:
    if limits.max_skip:
        skip = st.slider(t("embedding.skip"), 0, limits.max_skip, 0, key="live_skip", help=t("embedding.skip_help"))
        lowest, highest, default = limits.words(skip)
n_words = highest
with w2:
    if lowest < highest:
        n_words = st.slider(t("embedding.n_words"), lowest, highest, default, key="live_n_words")
with w3:
    n_labels = st.slider(t("embedding.n_labels"), 0, *limits.labels(n_words), key="live_n_labels",
                         help=t("embedding.n_labels_help"))

words_all = model.vocab.index_to_key if is_model else kv.index_to_key
sel = lv.shown_ids(skip, n_words)           # the ids shown: ids are sorted by frequency
words = words_all[sel]
all_counts = model.vocab.counts if is_model else kv.counts
counts = all_counts[sel] if all_counts is not None else None
corpus_name = state.current_settings()["corpus"] if is_model else None
colour = colouring.colouring(words, colouring.corpus_groups(corpus_name), counts)
trail_words = []
if is_model:
    trail_words = st.multiselect(t("embedding.trails"), words, default=lv.default_trail_words(words, groups=colour.group),
                                 max_selections=10, key=f"live_trails_{corpus_name}", help=t("embedding.trails_help"))
view = dict(centered=centered, unit=unit, remove_top=remove_top)
remove_top_ok = remove_top <= (model.vector_size if is_model else kv.vector_size) - 2


def side_panel(coords, X_rows, title, live_state=None, view_key=None, footer=""):
    """Next to the picture, as one element (the live frame redraws it): how well it keeps the groups apart
    (or what the colours are), how it was made (title) and the footer. While playing (live_state), the
    separation is redone every few frames only."""
    def separation():
        return lv.separation_of(coords, X_rows, colour)
    sep = separation() if live_state is None else lv.every_few_frames(live_state, "separation", view_key, separation)
    notes = [title] + ([footer] if footer else [])
    if sep is not None:
        st.markdown(lv.with_notes(t("embedding.separation", k=sep.k, view=f"{sep.view:.2f}", full=f"{sep.full:.2f}",
                                    d=X_rows.shape[1], chance=f"{sep.chance:.2f}", n=sep.n_words,
                                    groups=sep.n_groups), notes),
                    help=t("embedding.separation_help"), unsafe_allow_html=True)
    else:
        st.markdown(lv.with_notes("", [t("embedding.colour_bands" if colour.kind == "bands" else "embedding.colour_none")]
                                  + notes), unsafe_allow_html=True)


def tsne_panel(X_full, live_state=None):
    """Run t-SNE on demand (started from the previous layout) and return its stored result, if any."""
    store = live_state if live_state is not None else st.session_state.setdefault(state.LIVE_TSNE_KV, lv.TsneStore())
    if n_words < 5:
        st.warning(t("embedding.tsne_few_words"))
        return None
    if perplexity >= n_words:
        st.warning(t("embedding.tsne_perplexity_too_big", perplexity=perplexity, n=n_words))
        return None
    if st.button(t("embedding.tsne_go", n=n_words), key="live_tsne_go", type="primary"):
        with heavy_job("tsne"), st.spinner(t("embedding.tsne_running", n=n_words)):
            store.tsne = lv.run_tsne(X_full, sel, words, tsne_start, tsne_seed, perplexity, store.tsne,
                                     step=getattr(store.model, "step_count", None), matrix=matrix)
    if not store.tsne:
        st.info(t("embedding.tsne_press"))
        return None
    missing = [w for w in words if w not in store.tsne["layout"]]
    if missing:
        st.info(t("embedding.tsne_missing", n=len(missing)))
    return store.tsne


def tsne_chart(res, hover, X_full, key, title):
    """The t-SNE layout `res` of the words shown, and the side panel next to it."""
    keep, coords = lv.layout_coords(res, words)
    sub = colouring.Colouring(colour.kind, [colour.category[i] for i in keep], [colour.group[i] for i in keep],
                       colour.domain, colour.colours, colour.title)
    data, spec = embedding_charts.projection_vega([words[i] for i in keep], coords, [hover[i] for i in keep],
                                    None, n_labels, axis_titles=("t-SNE 1", "t-SNE 2"), colour=sub,
                                    chosen=trail_words)
    left, right = st.columns(lv.PICTURE_COLUMNS)
    left.vega_lite_chart(data, spec, key=key, width="stretch")
    with right:
        side_panel(coords, X_full[sel][keep], title)


# ---------------------------------------------------------------- an imported file: a still picture
if not is_model:
    X_full = lv.vectors(kv, "W_in")
    hover = lv.hover_texts(words_all, counts, X_full, sel)
    with stage:
        st.caption(t("embedding.imported_caption", n=f"{len(kv):,}", d=kv.vector_size,
                     name=st.session_state.get(state.LOADED_KV_NAME)))
        if method == "PCA":
            if not remove_top_ok:
                st.warning(t("embedding.remove_top_too_many", n=remove_top, d=kv.vector_size))
                st.stop()
            coords, explained = lv.pca_still(X_full, sel, **view)
            data, spec = embedding_charts.projection_vega(words, coords, hover, counts, n_labels, colour=colour)
            left, right = st.columns(lv.PICTURE_COLUMNS)
            left.vega_lite_chart(data, spec, key="live_chart_kv", width="stretch")
            with right:
                side_panel(coords, X_full[sel], t("embedding.pca_title_imported", view=lv.view_text(**view),
                                                  ax1=f"{explained[0]:.0%}", ax2=f"{explained[1]:.0%}", n=n_words))
        else:
            with top:
                res = tsne_panel(X_full)
            if res:
                tsne_chart(res, hover, X_full, "live_chart_kv_tsne",
                           t("embedding.tsne_title_imported", seconds=f"{res['seconds']:.1f}"))
    show_source(projection.fit_view, projection.pca, projection.tsne, projection.knn_group_accuracy)
    st.stop()

# ---------------------------------------------------------------- the session's model: live training
s1, s2, s3 = st.columns(3)
with s2:
    per_frame = st.select_slider(t("embedding.per_frame"), [10, 30, 100, 300, 1000, 3000, 10_000, 30_000, 100_000],
                                 value=1000, key="live_per_frame", help=t("embedding.per_frame_help"))
with s3:
    every = st.select_slider(t("embedding.every"), [100, 300, 1000, 3000, 10_000, 30_000], value=1000,
                             key="live_every", help=t("embedding.every_help"))
with s1:
    target_fps = st.select_slider(t("embedding.fps"), [1, 2, 5, 10, 15], value=10, key="live_fps",
                                  help=t("embedding.fps_help"))
live = lv.get_live(model, every)
interval = lv.play_interval(live, 1.0 / target_fps, time.perf_counter())   # paced to the process's playing tabs
if method == "PCA":
    live.projector.mode = mode
    if remove_top_ok:
        live.projector.configure(**view)
st.caption(t("embedding.model_caption", V=V, d=model.vector_size, words=f"{model.stream.words_per_epoch:,}",
             epochs=model.planned_epochs, every=f"{interval:.2g}"))

with top:
    p1, p2, p3 = st.columns([1, 1.2, 4])
    with p1:
        if st.button(t("embedding.pause") if live.playing else t("embedding.play"), key="live_play", type="primary",
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
    if method == "t-SNE":
        with p3:
            tsne_panel(lv.vectors(model, matrix), live)

scrub = None
if not live.playing and len(live.snapshots) > 1 and method == "PCA":
    n = len(live.snapshots)
    with under:
        pos = st.slider(t("embedding.time"), 0, n - 1, n - 1, key=f"live_time_{n}_{live.snapshots[-1].step}",
                        help=t("embedding.time_help", n=n, every=f"{live.every:,}"))
    if pos < n - 1:
        scrub = live.snapshots[pos]


@st.fragment(run_every=interval if live.playing else None)
def frame():
    t_start = time.perf_counter()
    m = live.model
    if live.playing and lv.repace(live, 1.0 / target_fps, t_start):
        st.rerun(scope="app")                          # a new run_every: frames only as fast as the process makes them
    if live.playing:
        lv.train_frame(live, per_frame)                # outside the turn: the compiled trainer releases the GIL
        if m.training_complete or live.message:
            live.playing = False
            st.rerun(scope="app")
    with lv.PLAYERS.turn():                    # the drawing, one frame at a time in this process (PlayRegistry.turn)
        draw_frame(t_start)


def draw_frame(t_start: float):
    m = live.model
    live.frames += 1
    live.frame_times.append(time.perf_counter())
    if live.message:
        st.error(engine_message(live.message))
    st.progress(m.progress_fraction(), text=lv.progress_label(m))

    X_now = lv.vectors(m, matrix)                                             # (V, d)
    if scrub is not None:
        X_show = lv.snapshot_vectors(scrub, matrix)
        when = t("embedding.when_snapshot", step=f"{scrub.step:,}", epoch=scrub.epoch + 1)
    else:
        X_show = X_now
        when = t("embedding.when_now", step=f"{m.step_count:,}")
    # what the picture's settings change (a new key redoes the slowly changing parts at once)
    view_key = (method, matrix, skip, n_words, n_labels, tuple(trail_words), scrub.step if scrub else None,
                tuple(view.values()), live.projector.mode)
    hover = lv.every_few_frames(live, "hover", view_key, lambda: lv.hover_texts(words_all, counts, X_show, sel))
    if method == "PCA":
        if not remove_top_ok:
            st.warning(t("embedding.remove_top_too_many", n=remove_top, d=m.vector_size))
            return
        coords = lv.frame_coords(live, X_now, X_show, sel, scrubbing=scrub is not None)    # (n, 2)
        trails = lv.trail_paths(live, trail_words, words, skip, matrix, coords, scrub)
        ex = live.projector.explained
        # scrubbing: the same frame for every snapshot, so growth from the center is visible
        ranges = lv.snapshot_ranges(live, sel, matrix) if scrub is not None else None
        spots = lv.every_few_frames(live, "labels", view_key, lambda: embedding_charts.label_spots(
            words, coords, colour, n_labels, trail_words, ranges))
        data, spec = embedding_charts.projection_vega(words, coords, hover, counts, n_labels, trails, ranges, colour=colour,
                                        chosen=trail_words, labels=spots)
        left, right = st.columns(lv.PICTURE_COLUMNS)
        left.vega_lite_chart(data, spec, key="live_chart", width="stretch")
        with right:
            side_panel(coords, X_show[sel], t("embedding.pca_title", matrix=lv.matrix_label(matrix),
                                              view=lv.view_text(**view), when=when, ax1=f"{ex[0]:.0%}",
                                              ax2=f"{ex[1]:.0%}", n=n_words), live, view_key,
                       footer=lv.frame_note(live))
    else:
        res = live.tsne
        if res:
            tsne_chart(res, hover, X_show, "live_chart_tsne",
                       t("embedding.tsne_title", matrix=lv.matrix_label(res["matrix"]), step=f"{res['step']:,}",
                         seconds=f"{res['seconds']:.1f}",
                         previous=t("embedding.tsne_from_previous") if res["started_from_previous"] else ""))
    losses = m.epoch_losses()
    st.markdown(lv.metric_row([
        (t("embedding.metric_updates"), f"{m.step_count:,}", None),
        (t("embedding.metric_epoch_loss"), f"{losses[-1]:.4f}" if losses else "—", None),
        (t("embedding.metric_all_loss"), f"{m.mean_loss():.4f}" if m.step_count else "—", None),
        (t("embedding.metric_fps"), f"{live.fps():.1f}" if live.playing else t("embedding.paused"),
         t("embedding.metric_fps_help"))]) + "\n\n" + t("embedding.loss_heading"), unsafe_allow_html=True)
    data, spec = embedding_charts.loss_vega(live)
    st.vega_lite_chart(data, spec, key="live_loss", width="stretch")
    live.frame_ms = 1000 * (time.perf_counter() - t_start)          # shown next to the picture in the next frame
    if live.playing:
        lv.frame_finished(live, t_start, time.perf_counter())


with stage:
    frame()

with st.expander(t("embedding.what_heading")):
    st.markdown(t("embedding.what_body"))
show_source(projection.fit_view, projection.StablePCA, projection.procrustes, projection.knn_group_accuracy,
            projection.tsne)
