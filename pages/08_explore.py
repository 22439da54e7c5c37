"""Explore and evaluate: neighbours, analogies, the odd one out, similarity, and scores on standard benchmarks."""

import streamlit as st

from engine.keyed_vectors import KeyedVectors
from ui import guards, state
from ui.code import show_source
from ui.i18n import t
from ui.source import choose_source, source_label
from ui.views import explore as view

st.title(t("explore.title"))
st.markdown(t("explore.intro"))
st.latex(r"\cos(u, v) = \frac{u \cdot v}{\lVert u \rVert\,\lVert v \rVert} \in [-1, 1]")

model, loaded = state.get_model(), st.session_state.get(state.LOADED_KV)
source = choose_source("explore", "explore_source", model, loaded, default="imported")
if source is None:
    st.warning(t("explore.no_model"))
    st.stop()
kv, model = (model.wv, model) if source == "model" else (loaded, None)
guards.require_words(len(kv), 2, "explore_words", kv.index_to_key)   # a 1-word vocabulary has no neighbours

view.training(model)
st.caption(t("explore.exploring", label=source_label("explore", source), V=f"{len(kv):,}", d=kv.vector_size))
tag = view.vocab_tag(kv)   # word boxes start again with fitting examples when the vocabulary changes

tab_nn, tab_an, tab_odd, tab_sim, tab_bench = st.tabs(
    [t("explore.tab_nn"), t("explore.tab_analogies"), t("explore.tab_odd"), t("explore.tab_similarity"),
     t("explore.tab_bench")])
with tab_nn:
    view.neighbours(kv, tag)
with tab_an:
    view.analogies(kv, tag)
with tab_odd:
    view.odd_one_out(kv, tag)
with tab_sim:
    view.similarity(kv, tag)
with tab_bench:
    view.benchmark_scores(kv, model)

show_source(KeyedVectors.most_similar, KeyedVectors.most_similar_cosmul, KeyedVectors.doesnt_match,
            KeyedVectors.evaluate_word_pairs)
