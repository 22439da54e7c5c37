"""Import and export: vectors as word2vec text/binary and Embedding Projector TSV, settings as JSON; load a word2vec file."""

import pandas as pd
import streamlit as st

from engine.keyed_vectors import KeyedVectors, parse_word2vec_bytes
from ui import export as ie
from ui import state
from ui.choices import choice
from ui.code import show_source
from ui.i18n import engine_message, t

st.title(t("export.title"))
st.markdown(t("export.intro"))

model = state.get_model()
loaded = st.session_state.get(state.LOADED_KV)     # an upload is read in its on_change callback, before this
settings = state.current_settings()

# ---------------------------------------------------------------- export
st.header(t("export.export"))
if model is None and loaded is None:
    st.warning(t("export.nothing"))
else:
    sources = (["model"] if model is not None else []) + (["imported"] if loaded is not None else [])
    src = sources[0]
    if len(sources) > 1:
        src = choice(st.radio, t("export.source"), sources,
                     {"model": t("export.source_model"),
                      "imported": t("export.source_imported", name=st.session_state.get(state.LOADED_KV_NAME))}.get,
                     "ie_source", default=sources[0], horizontal=True)
    if src == "model":
        if model.step_count == 0:
            st.warning(t("export.untrained"))
        else:
            st.caption(t("export.after", steps=f"{model.step_count:,}", share=f"{model.progress_fraction():.0%}",
                         epochs=model.planned_epochs))
        options = ["W_in"] if model.objective == "hierarchical_softmax" else ["W_in", "sum"]
        matrix = choice(st.radio, t("export.matrix"), options,
                        {"W_in": t("export.matrix_in"), "sum": "W_in + W_out"}.get, "ie_matrix", default="W_in",
                        horizontal=True)
        kv = ie.export_vectors(model, matrix)
        stem = f"word2vec_{settings['corpus']}_{settings['architecture']}_{settings['objective']}_d{model.vector_size}"
    else:
        kv = loaded
        stem = "imported_vectors"
    st.caption(t("export.size", V=f"{len(kv):,}", d=kv.vector_size))

    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(t("export.dl_txt"), lambda: ie.word2vec_bytes(kv, binary=False), f"{stem}.txt",
                       "text/plain", key="ie_dl_txt", on_click="ignore", help=t("export.dl_txt_help"))
    c2.download_button(t("export.dl_bin"), lambda: ie.word2vec_bytes(kv, binary=True), f"{stem}.bin",
                       "application/octet-stream", key="ie_dl_bin", on_click="ignore", help=t("export.dl_bin_help"))
    c3.download_button(t("export.dl_vec"), lambda: ie.projector_bytes(kv)[0], "vectors.tsv",
                       "text/tab-separated-values", key="ie_dl_vec", on_click="ignore")
    c4.download_button(t("export.dl_meta"), lambda: ie.projector_bytes(kv)[1], "metadata.tsv",
                       "text/tab-separated-values", key="ie_dl_meta", on_click="ignore")
    with st.expander(t("export.how_to_open")):
        st.markdown(t("export.in_gensim"))
        st.code(f'from gensim.models import KeyedVectors\n'
                f'kv = KeyedVectors.load_word2vec_format("{stem}.txt", binary=False)   # .bin: binary=True\n'
                f'kv.most_similar("{kv.index_to_key[0]}")', language="python")
        st.markdown(t("export.in_projector"))

st.subheader(t("export.settings"))
query = ie.share_query(settings)
base = (st.context.url or "http://localhost:8501/").split("?")[0]
st.markdown(t("export.link_text"))
st.code(f"{base}?{query}", language=None)
if settings["corpus"] == state.UPLOAD_CHOICE:
    st.caption(t("export.link_upload"))
st.download_button(t("export.dl_json"), lambda: ie.settings_json(settings, model), "word2vec_settings.json",
                   "application/json", key="ie_dl_json", on_click="ignore")

# ---------------------------------------------------------------- import
st.header(t("export.import"))
st.markdown(t("export.import_text", limit=state.upload_limit_mb()))
max_words = st.number_input(t("export.max_words"), 0, 10_000_000, 0, step=10_000, key="ie_max_words")
st.file_uploader(t("export.upload"), key="ie_upload", on_change=ie.on_vectors_upload,
                 args=("ie_upload", "ie_max_words", state.VECTORS_UPLOAD_ERROR))
if st.session_state.get(state.VECTORS_UPLOAD_ERROR):
    st.error(ie.upload_error_text(st.session_state[state.VECTORS_UPLOAD_ERROR]))
loaded = st.session_state.get(state.LOADED_KV)
if loaded is not None:
    st.success(t("export.loaded", name=st.session_state.get(state.LOADED_KV_NAME), V=f"{len(loaded):,}",
                 d=loaded.vector_size, words=t("export.word_sep").join(loaded.index_to_key[:12])))
    st.dataframe(pd.DataFrame({t("export.col_word"): loaded.index_to_key[:5],
                               **{t("export.col_dim", j=j): loaded.vectors[:5, j]
                                  for j in range(min(6, loaded.vector_size))}}),
                 hide_index=True)

    def forget():
        st.session_state[state.LOADED_KV] = None
        st.session_state[state.LOADED_KV_NAME] = None
        st.session_state.pop(state.VECTORS_UPLOAD_ERROR, None)

    st.button(t("export.forget"), key="ie_forget", on_click=forget)

st.subheader(t("export.load_settings"))
js = st.file_uploader(t("export.settings_upload"), type=["json"], key="ie_settings_upload")
if js is not None:
    parsed, err, notes = ie.parse_settings_json(js.getvalue())
    for note in notes:
        st.warning(engine_message(note))
    if err:
        st.error(err + t("common.sentence_sep") + t("export.nothing_changed"))
    else:
        st.write(parsed)
        st.button(t("export.apply"), key="ie_apply", on_click=ie.apply_settings, args=(parsed,),
                  help=t("export.apply_help"))

show_source(KeyedVectors.save_word2vec_format, parse_word2vec_bytes, KeyedVectors.save_projector_tsv)
