"""Embedding space, live: the words move in 2-D while the model trains (Play / Pause), coloured by meaning.

Layout: the picture comes first (Play, the chart, how well it keeps the groups apart), the settings
of the picture below it, so that at 1280x720 a class sees the words, not the sliders.
"""

import time

import streamlit as st

from engine import projection
from ui import guards, pacing, state
from ui.code import show_source
from ui.i18n import t
from ui.source import choose_source
from ui.views.embedding_space import compare, controls, picture
from ui.views.embedding_space import live as lv

st.title(t("embedding.title"))
st.caption(t("embedding.intro"))

model, kv = state.get_model(), st.session_state.get(state.LOADED_KV)
source = choose_source("embedding", "live_source", model, kv)
if source is None:
    st.warning(t("embedding.no_model"))
    st.stop()
vectors = model if source == "model" else kv
words = model.vocab.index_to_key if source == "model" else kv.index_to_key
guards.note_words(len(words), 3, "space_few_words", words)

top = st.container()            # Play / Start again, or Run t-SNE / UMAP
stage = st.container()          # the picture (redrawn by the fragment)
under = st.container()          # the time slider, when paused
pic = controls.picture_settings(vectors, source == "model")         # the settings of the picture (below it)

if source == "imported":                                             # an imported file: a still picture
    picture.imported_picture(pic, kv, top, stage)
    compare.compare_section(pic, lv.vectors(kv, "W_in"))
    show_source(projection.fit_view, projection.pca, projection.tsne, projection.umap, projection.knn_group_accuracy)
    st.stop()

per_frame, every, target_fps = controls.speed_settings(model)             # the session's model: live training
live = lv.get_live(model, every)
interval = pacing.play_interval(live, 1.0 / target_fps, time.perf_counter())   # paced to the process's playing tabs
if pic.method == "PCA":
    live.projector.mode = pic.mode
    if pic.remove_top_ok:
        live.projector.configure(**pic.view)
st.caption(t("embedding.model_caption", V=len(words), d=model.vector_size, words=f"{model.stream.words_per_epoch:,}",
             epochs=model.planned_epochs, every=f"{interval:.2g}"))
with top:
    picture.play_buttons(pic, live)
with under:
    scrub = picture.time_slider(pic, live)
with stage:
    picture.live_frame(pic, live, per_frame, target_fps, interval, scrub)

compare.compare_section(pic, lv.vectors(model, pic.matrix), model.step_count)
with st.expander(t("embedding.what_heading")):
    st.markdown(t("embedding.what_body"))
show_source(projection.fit_view, projection.StablePCA, projection.procrustes, projection.knn_group_accuracy,
            projection.tsne, projection.umap)
