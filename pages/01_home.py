"""Home: what the app teaches, the path through it, and one-hot versus dense vectors (live)."""

import streamlit as st

from engine import Word2Vec
from lessons import home as home_lessons
from lessons import measures
from ui import guards, stepping
from ui.code import show_source
from ui.i18n import t
from ui.views import home as view

st.title(t("home.title"))
st.markdown(t("home.intro"))
view.lesson_path()

st.subheader(t("home.onehot_title"))
model = stepping.page_model()
guards.require_words(len(model.vocab), 2, "home_vectors", model.vocab.index_to_key)
groups = view.corpus_groups()
chosen = view.choose_words(model, groups)
if len(chosen) < 2:
    st.info(t("home.choose_two"))
    st.stop()
centred = view.pair_numbers(model, groups)
view.one_hot_and_dense(model, chosen, centred)

show_source(measures.one_hot, home_lessons.centered_cosines, Word2Vec.train, label=t("home.source"))
