"""Embedding space, live: the words move in 2-D while the model trains (Play / Pause), with trails and a time slider."""

import time

import streamlit as st

from engine import projection
from ui import guards
from ui import live as lv
from ui import state
from ui.code import show_source

st.title("The embedding space, live")
st.markdown(
    "Press **Play**: the model trains a slice of updates, the words are projected from *d* dimensions "
    "down to 2, the picture is redrawn, and again. Words that appear in similar contexts drift "
    "together while the loss falls. Hover over a point to see the word and its nearest neighbours.")

model = state.get_model()
kv = st.session_state.get(state.LOADED_KV)
sources = []
if model is not None:
    sources.append("model")
if kv is not None:
    sources.append("imported")
if not sources:
    st.warning("There is no model yet: choose a corpus in the sidebar (or import vectors on the "
               "Import and export page).")
    st.stop()
source = sources[0]
if len(sources) > 1:
    source = st.radio("Vectors to show", sources, horizontal=True, key="live_source",
                      format_func={"model": "this session's model (trains live)",
                                   "imported": f"imported file: {st.session_state.get(state.LOADED_KV_NAME)}"}.get)

# ---------------------------------------------------------------- view settings (shared by both sources)
is_model = source == "model"
V = len(model.vocab) if is_model else len(kv)
guards.note_words(V, 3, "space_few_words", model.vocab.index_to_key if is_model else kv.index_to_key)
c1, c2, c3 = st.columns([1.2, 1, 1])
with c1:
    method = st.radio("Projection", ["PCA", "t-SNE"], horizontal=True, key="live_method",
                      help="PCA is a linear map (fast, redrawn every frame). t-SNE keeps near neighbours "
                           "near (slower, computed when you ask for it).")
    matrices = list(lv.MATRICES)
    hs = is_model and model.objective == "hierarchical_softmax"
    if not is_model:
        matrices = ["W_in"]
    matrix = st.radio("Matrix", matrices, horizontal=True, key="live_matrix",
                      format_func=lv.MATRICES.get if is_model else (lambda m: "the file's vectors"),
                      help="W_in are the word vectors word2vec saves. Each word also has an output "
                           "vector in W_out (softmax, negative sampling); some people use W_in + W_out.")
    if hs and matrix != "W_in":
        st.info("With hierarchical softmax the rows of W_out belong to the V−1 nodes of the Huffman tree, "
                "not to words, so only W_in can be drawn. Showing W_in.")
        matrix = "W_in"
with c2:
    limits = lv.WordRange(V)                # snapshots keep the 1,000 most frequent words
    skip, (lowest, highest, default) = 0, limits.words(0)      # a tiny vocabulary: no slider without a choice
    if limits.max_skip:
        skip = st.slider("Leave out the most frequent … words", 0, limits.max_skip, 0, key="live_skip",
                         help="Function words (the, a, is, ...) are the most frequent and often take up the two "
                              "main directions of PCA; leave them out to see the structure of the other words.")
        lowest, highest, default = limits.words(skip)
    n_words = highest
    if lowest < highest:
        n_words = st.slider("Words shown (the next most frequent)", lowest, highest, default, key="live_n_words")
    n_labels = st.slider("Words with a label", 0, *limits.labels(n_words), key="live_n_labels")
with c3:
    if method == "PCA":
        mode = st.selectbox("Keeping the axes steady", projection.PCA_MODES, key="live_pca_mode",
                            format_func={"aligned": "rotate each frame to match the previous one",
                                         "fixed": "freeze the axes after a warm-up of 5 frames",
                                         "fresh": "fresh PCA every frame (watch it jump)"}.get,
                            help="PCA's axes are only defined up to sign and order; a fresh PCA each "
                                 "frame can flip or swap them. Aligning with the previous frame "
                                 "(orthogonal Procrustes) keeps the picture steady.")
    else:
        perplexity = st.slider("t-SNE perplexity", 2, 50, 15, key="live_perplexity",
                               help="Roughly how many neighbours each word pays attention to.")
        tsne_start = st.radio("Start from", ["previous", "pca", "random"], horizontal=True, key="live_tsne_start",
                              format_func={"previous": "the last layout", "pca": "PCA", "random": "random"}.get,
                              help="Starting from the last layout keeps the picture recognisable after "
                                   "more training (new words start next to their nearest neighbour).")
        tsne_seed = st.number_input("t-SNE seed", 0, 10_000, 0, key="live_tsne_seed",
                                    help="Used by the random start and to place words new to the layout.")

words_all = model.vocab.index_to_key if is_model else kv.index_to_key
sel = lv.shown_ids(skip, n_words)           # the ids shown: ids are sorted by frequency
words = words_all[sel]
all_counts = model.vocab.counts if is_model else kv.counts
counts = all_counts[sel] if all_counts is not None else None
trail_words = []
if is_model:
    trail_words = st.multiselect("Trails: follow up to 10 words through training (PCA view)", words,
                                 default=lv.default_trail_words(words), max_selections=10,
                                 key=f"live_trails_{state.current_settings()['corpus']}")


def tsne_panel(X_full, live_state=None):
    """Run t-SNE on demand (started from the previous layout) and return its stored result, if any."""
    store = live_state if live_state is not None else st.session_state.setdefault(state.LIVE_TSNE_KV, lv.TsneStore())
    if n_words < 5:
        st.warning("t-SNE needs at least 5 words; show more words.")
        return None
    if perplexity >= n_words:
        st.warning(f"Perplexity {perplexity} must be below the number of words shown ({n_words}).")
        return None
    if st.button(f"Run t-SNE on these {n_words} words", key="live_tsne_go", type="primary"):
        with st.spinner(f"t-SNE of {n_words} words..."):
            store.tsne = lv.run_tsne(X_full, sel, words, tsne_start, tsne_seed, perplexity, store.tsne,
                                     step=getattr(store.model, "step_count", None), matrix=matrix)
    if not store.tsne:
        st.info("Press the button to compute a t-SNE layout. It is a snapshot: training can go on, and "
                "the next run starts from this layout so the picture stays recognisable.")
        return None
    missing = [w for w in words if w not in store.tsne["layout"]]
    if missing:
        st.info(f"{len(missing)} of the words shown are not in the last t-SNE layout; run it again to include them.")
    return store.tsne


# ---------------------------------------------------------------- an imported file: a still picture
if not is_model:
    X_full = lv.vectors(kv, "W_in")
    st.caption(f"{len(kv):,} words of {kv.vector_size} dimensions from {st.session_state.get(state.LOADED_KV_NAME)}. "
               "Imported vectors do not train, so this picture does not move.")
    hover = lv.hover_texts(words_all, counts, X_full, sel)
    if method == "PCA":
        coords, explained = lv.pca_still(X_full, sel)
        st.markdown(f"**PCA of the imported vectors** · axis 1 holds {explained[0]:.0%} and axis 2 "
                    f"{explained[1]:.0%} of the spread of these {n_words} vectors")
        data, spec = lv.projection_vega(words, coords, hover, counts, n_labels)
        st.vega_lite_chart(data, spec, key="live_chart_kv", width="stretch")
    else:
        res = tsne_panel(X_full)
        if res:
            keep, coords = lv.layout_coords(res, words)
            st.markdown(f"**t-SNE of the imported vectors** ({res['seconds']:.1f} s)")
            data, spec = lv.projection_vega([words[i] for i in keep], coords, [hover[i] for i in keep],
                                            None if counts is None else counts[keep], n_labels,
                                            axis_titles=("t-SNE 1", "t-SNE 2"))
            st.vega_lite_chart(data, spec, key="live_chart_kv_tsne", width="stretch")
    show_source(projection.pca, projection.tsne)
    st.stop()

# ---------------------------------------------------------------- the session's model: live training
st.divider()
b1, b2, b3, b4 = st.columns([1, 1, 1.3, 1.3])
with b3:
    per_frame = st.select_slider("Updates per frame", [10, 30, 100, 300, 1000, 3000, 10_000, 30_000, 100_000],
                                 value=1000, key="live_per_frame",
                                 help="How many SGD updates the model does between two pictures.")
with b4:
    every = st.select_slider("Snapshot every … updates", [100, 300, 1000, 3000, 10_000, 30_000], value=1000,
                             key="live_every", help="Snapshots feed the trails and the time slider.")
live = lv.get_live(model, every)
live.projector.mode = mode if method == "PCA" else live.projector.mode
with b1:
    if st.button("⏸ Pause" if live.playing else "▶ Play", key="live_play", type="primary",
                 help="Play trains between frames; Pause stops after the current frame."):
        live.playing = not live.playing
        live.message = None
        if live.playing and model.training_complete:
            st.toast("All planned epochs are done: Play starts another round of epochs.")
        st.rerun()
with b2:
    if st.button("↺ Start again", key="live_reset", help="Forget the training: random vectors, update 0."):
        state.reset_model()
        st.session_state.pop(state.LIVE_VIEW, None)
        st.rerun()
with b3:
    target_fps = st.select_slider("Pictures per second (at most)", [1, 2, 5, 10, 15], value=10, key="live_fps",
                                  help="How often a new picture is asked for. If a frame takes longer, the "
                                       "next one simply starts when it is done.")
interval = 1.0 / target_fps
examples_per_epoch = model.stream.words_per_epoch
st.caption(f"V = {V} words, d = {model.vector_size}; one epoch ≈ {examples_per_epoch:,} corpus words; {model.planned_epochs} epochs planned. "
           f"A new picture every {interval:.2g} s at most.")

scrub = None
if not live.playing and len(live.snapshots) > 1 and method == "PCA":
    n = len(live.snapshots)
    pos = st.slider("Time: scrub back through the snapshots (the last one is now)", 0, n - 1, n - 1,
                    key=f"live_time_{n}_{live.snapshots[-1].step}",
                    help=f"{n} snapshots, one every {live.every:,} updates (at most one per frame).")
    if pos < n - 1:
        scrub = live.snapshots[pos]


@st.fragment(run_every=interval if live.playing else None)
def frame():
    t_start = time.perf_counter()
    m = live.model
    if live.playing:
        lv.train_frame(live, per_frame)
        if m.training_complete or live.message:
            live.playing = False
            st.rerun(scope="app")
    live.frames += 1
    live.frame_times.append(time.perf_counter())
    if live.message:
        st.error(live.message)
    frac = m.progress_fraction()
    st.progress(frac, text=lv.progress_label(m))
    k1, k2, k3, k4 = st.columns(4)
    losses = m.epoch_losses()
    k1.metric("updates", f"{m.step_count:,}")
    k2.metric("loss, this epoch", f"{losses[-1]:.4f}" if losses else "—")
    k3.metric("loss, all updates", f"{m.mean_loss():.4f}" if m.step_count else "—")
    k4.metric("frames per second", f"{live.fps():.1f}" if live.playing else "paused",
              help="Measured over the last 20 frames.")

    X_now = lv.vectors(m, matrix)                                             # (V, d)
    if scrub is not None:
        X_show = lv.snapshot_vectors(scrub, matrix)
        when = f"snapshot at update {scrub.step:,} (epoch {scrub.epoch + 1})"
    else:
        X_show = X_now
        when = f"update {m.step_count:,}"
    hover = lv.hover_texts(words_all, counts, X_show, sel)
    if method == "PCA":
        coords = lv.frame_coords(live, X_now, X_show, sel, scrubbing=scrub is not None)    # (n, 2)
        trails = lv.trail_paths(live, trail_words, words, skip, matrix, coords, scrub)
        ex = live.projector.explained
        # scrubbing: the same frame for every snapshot, so growth from the centre is visible
        ranges = lv.snapshot_ranges(live, sel, matrix) if scrub is not None else None
        st.markdown(f"**PCA of {lv.MATRICES[matrix]}, {when}** · axis 1 holds {ex[0]:.0%} and axis 2 "
                    f"{ex[1]:.0%} of the spread of these {n_words} vectors")
        data, spec = lv.projection_vega(words, coords, hover, counts, n_labels, trails, ranges)
        st.vega_lite_chart(data, spec, key="live_chart", width="stretch")
        st.caption("The rest of the spread lies in directions the picture cannot show. Colour: how often the "
                   "word occurs. Trails join a word's positions at the snapshots, drawn in today's axes.")
    else:
        res = live.tsne
        if res:
            keep, coords = lv.layout_coords(res, words)
            st.markdown(f"**t-SNE of {lv.MATRICES[res['matrix']]} at update {res['step']:,}** ({res['seconds']:.1f} s"
                        f"{', started from the previous layout' if res['started_from_previous'] else ''}); "
                        "hover shows today's nearest neighbours")
            data, spec = lv.projection_vega([words[i] for i in keep], coords, [hover[i] for i in keep],
                                            counts[keep], n_labels, axis_titles=("t-SNE 1", "t-SNE 2"))
            st.vega_lite_chart(data, spec, key="live_chart_tsne", width="stretch")
            st.caption("t-SNE axes have no meaning; only who is near whom does. Distances between far "
                       "clusters are not to be trusted.")
    st.markdown("**Loss as training goes on**")
    data, spec = lv.loss_vega(live)
    st.vega_lite_chart(data, spec, key="live_loss", width="stretch")
    live.frame_ms.append(1000 * (time.perf_counter() - t_start))
    st.caption(f"Frame {live.frames}: {live.frame_ms[-1]:.0f} ms on the server (training, projection, charts).")


if method == "t-SNE":
    tsne_panel(lv.vectors(model, matrix), live)
frame()

with st.expander("What am I looking at?"):
    st.markdown(
        r"""
Each word is a row of a $V \times d$ matrix. PCA finds the two directions along which these rows
spread the most and draws each row's coordinates along them:
$$\text{coords} = (W - \bar{w})\,[\,u_1\; u_2\,]$$
Training moves the rows a little at every update, so the best two directions change a little too.
A fresh PCA each frame may flip an axis (u and −u are equally good) or swap two of them, and the
picture jumps. Here each new basis is rotated to match the previous one (orthogonal Procrustes:
$R = \arg\min_{R^\top R = I} \lVert Y_{\text{new}} R - Y_{\text{old}} \rVert$), or frozen after
a warm-up, so the words move instead.

- **Loss**: light line = mean loss of the updates in each frame; dark line = mean of each epoch;
  dotted = mean over all updates so far. Each update's loss is on one example, so it is noisy.
- **Trails** show where a word was at each snapshot; **the time slider** (when paused) redraws the
  snapshots in today's axes, so you see the words leave the centre where they start as small random vectors.
- **W_out** starts at zero (as in word2vec.c), so at update 0 all its points sit at the centre.
""")
show_source(projection.StablePCA, projection.procrustes, projection.tsne)
