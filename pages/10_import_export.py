"""Import and export: vectors as word2vec text/binary and Embedding Projector TSV, settings as JSON; load a word2vec file."""

import streamlit as st

from engine.keyed_vectors import KeyedVectors, parse_word2vec_bytes
from ui import state
from ui.code import show_source
from ui.i18n import t
from ui.views import import_export as view

st.title(t("export.title"))
st.markdown(t("export.intro"))

model = state.get_model()
loaded = st.session_state.get(state.LOADED_KV)     # an upload is read in its on_change callback, before this
settings = state.current_settings()

view.export_section(model, loaded, settings)
view.share_section(model, settings)
view.import_section()
view.load_settings_section()

show_source(KeyedVectors.save_word2vec_format, parse_word2vec_bytes, KeyedVectors.save_projector_tsv)
