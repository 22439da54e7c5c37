"""Import and export: vectors as word2vec text/binary and Embedding Projector TSV, settings as JSON; load a word2vec file."""

import pandas as pd
import streamlit as st

from engine.keyed_vectors import KeyedVectors, parse_word2vec_bytes
from ui import export as ie
from ui import state
from ui.code import show_source

st.title("Import and export")
st.markdown("Take the vectors to the tools you use next (gensim, the TensorFlow Embedding Projector, any "
            "word2vec reader), bring in vectors trained elsewhere, and share the exact setup as a link.")

model = state.get_model()
loaded = st.session_state.get(state.LOADED_KV)     # an upload is read in its on_change callback, before this
settings = state.current_settings()

# ---------------------------------------------------------------- export
st.header("Export")
if model is None and loaded is None:
    st.warning("There is nothing to export yet: choose a corpus in the sidebar or import vectors below.")
else:
    sources = (["model"] if model is not None else []) + (["imported"] if loaded is not None else [])
    src = sources[0]
    if len(sources) > 1:
        src = st.radio("Vectors to export", sources, horizontal=True, key="ie_source",
                       format_func={"model": "this session's model",
                                    "imported": f"imported: {st.session_state.get(state.LOADED_KV_NAME)}"}.get)
    if src == "model":
        if model.step_count == 0:
            st.warning("The model has not been trained yet (0 updates): these vectors are random. Train it on "
                       "the Embedding space or Explore page first.")
        else:
            st.caption(f"The model after {model.step_count:,} updates ({model.progress_fraction():.0%} of the "
                       f"planned {model.planned_epochs} epochs).")
        options = ["W_in"] if model.objective == "hierarchical_softmax" else ["W_in", "sum"]
        matrix = st.radio("Which vectors", options, horizontal=True, key="ie_matrix",
                          format_func={"W_in": "W_in (the usual word vectors, what gensim saves)",
                                       "sum": "W_in + W_out"}.get)
        kv = ie.export_vectors(model, matrix)
        stem = f"word2vec_{settings['corpus']}_{settings['architecture']}_{settings['objective']}_d{model.vector_size}"
    else:
        kv = loaded
        stem = "imported_vectors"
    st.caption(f"{len(kv):,} words × {kv.vector_size} dimensions.")

    c1, c2, c3, c4 = st.columns(4)
    c1.download_button("word2vec text (.txt)", lambda: ie.word2vec_bytes(kv, binary=False), f"{stem}.txt",
                       "text/plain", key="ie_dl_txt", on_click="ignore",
                       help="First line 'V d', then one word and its d numbers per line.")
    c2.download_button("word2vec binary (.bin)", lambda: ie.word2vec_bytes(kv, binary=True), f"{stem}.bin",
                       "application/octet-stream", key="ie_dl_bin", on_click="ignore",
                       help="The same header, then each word followed by d float32 numbers (4 bytes each).")
    c3.download_button("Projector: vectors.tsv", lambda: ie.projector_bytes(kv)[0], "vectors.tsv",
                       "text/tab-separated-values", key="ie_dl_vec", on_click="ignore")
    c4.download_button("Projector: metadata.tsv", lambda: ie.projector_bytes(kv)[1], "metadata.tsv",
                       "text/tab-separated-values", key="ie_dl_meta", on_click="ignore")
    with st.expander("How to open these files"):
        st.markdown("**In gensim** (text or binary):")
        st.code(f'from gensim.models import KeyedVectors\n'
                f'kv = KeyedVectors.load_word2vec_format("{stem}.txt", binary=False)   # .bin: binary=True\n'
                f'kv.most_similar("{kv.index_to_key[0]}")', language="python")
        st.markdown("**In the Embedding Projector**: open [projector.tensorflow.org](https://projector.tensorflow.org), "
                    "press *Load*, choose `vectors.tsv` as the tensors and `metadata.tsv` as the metadata. "
                    "The rows of the two files are in the same order (most frequent word first).")

st.subheader("Settings")
query = ie.share_query(settings)
base = (st.context.url or "http://localhost:8501/").split("?")[0]
st.markdown("The sidebar settings are also in the address bar, so a link opens the app with exactly this setup:")
st.code(f"{base}?{query}", language=None)
if settings["corpus"] == state.UPLOAD_CHOICE:
    st.caption("An uploaded corpus cannot travel in a link; the link opens with the default corpus.")
st.download_button("Settings as JSON", lambda: ie.settings_json(settings, model), "word2vec_settings.json",
                   "application/json", key="ie_dl_json", on_click="ignore")

# ---------------------------------------------------------------- import
st.header("Import vectors")
st.markdown(f"Load a word2vec file (text or binary, found automatically), for example vectors trained by gensim "
            f"or word2vec.c on a corpus too large for this app. You can then explore it on the **Explore** and "
            f"**Embedding space** pages. Files up to {state.upload_limit_mb()} MB (server.maxUploadSize in "
            f"`.streamlit/config.toml`).")
max_words = st.number_input("Read at most this many words (0 = all); files list the most frequent first", 0,
                            10_000_000, 0, step=10_000, key="ie_max_words")
st.file_uploader("A word2vec file (.txt, .vec, .bin)", key="ie_upload", on_change=ie.on_vectors_upload,
                 args=("ie_upload", "ie_max_words", state.VECTORS_UPLOAD_ERROR))
if st.session_state.get(state.VECTORS_UPLOAD_ERROR):
    st.error(st.session_state[state.VECTORS_UPLOAD_ERROR])
loaded = st.session_state.get(state.LOADED_KV)
if loaded is not None:
    st.success(f"Loaded **{st.session_state.get(state.LOADED_KV_NAME)}**: {len(loaded):,} words × "
               f"{loaded.vector_size} dimensions. First words: {', '.join(loaded.index_to_key[:12])}")
    st.dataframe(pd.DataFrame({"word": loaded.index_to_key[:5],
                               **{f"dim {j}": loaded.vectors[:5, j] for j in range(min(6, loaded.vector_size))}}),
                 hide_index=True)

    def forget():
        st.session_state[state.LOADED_KV] = None
        st.session_state[state.LOADED_KV_NAME] = None
        st.session_state.pop(state.VECTORS_UPLOAD_ERROR, None)

    st.button("Forget the imported vectors", key="ie_forget", on_click=forget)

st.subheader("Load settings from a JSON file")
js = st.file_uploader("A settings JSON saved from this page", type=["json"], key="ie_settings_upload")
if js is not None:
    parsed, err, notes = ie.parse_settings_json(js.getvalue())
    for note in notes:
        st.warning(note)
    if err:
        st.error(err + " Nothing was changed.")
    else:
        st.write(parsed)
        st.button("Apply these settings to the sidebar", key="ie_apply", on_click=ie.apply_settings, args=(parsed,),
                  help="The model is rebuilt with them (training starts again).")

show_source(KeyedVectors.save_word2vec_format, parse_word2vec_bytes, KeyedVectors.save_projector_tsv)
