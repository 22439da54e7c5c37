"""Home: what the app teaches, the path through it, and one-hot versus dense vectors (live)."""

import streamlit as st

from engine import TrainingDiverged, Word2Vec
from engine import inspect_tools
from ui import charts, guards, state, step_view
from ui.code import show_source
from ui.compiling import ensure_fast_trainer

st.title("Word2Vec, step by step")
st.markdown(
    "Word2Vec learns a short vector of numbers for every word from nothing but raw text: words that appear in "
    "similar contexts end up with similar vectors. This app trains a **real** Word2Vec (skip-gram or CBOW; full "
    "softmax, hierarchical softmax or negative sampling) **one update at a time** and shows every number that "
    "moves, then trains it fast so you can explore what it learned. The sidebar on every page holds the corpus "
    "and the model settings; changing them rebuilds the model for your browser tab only.")

st.subheader("The path")
path = [
    ("pages/02_corpus.py", "Corpus and vocabulary", "tokens and types, Zipf's law, min_count, subsampling"),
    ("pages/03_windows.py", "Context windows", "the sliding window, its random shrinking, the training pairs"),
    ("pages/04_step.py", "Step by step", "one SGD update: h, scores, loss, gradients, rows before and after"),
    ("pages/05_hierarchical_softmax.py", "Hierarchical softmax", "the Huffman tree, log2 V decisions per word"),
    ("pages/06_negative_sampling.py", "Negative sampling", "the noise distribution and k + 1 dot products"),
    ("pages/07_embedding_space.py", "Embedding space (live)", "train fast and watch the words move"),
]
for i, (page, label, what) in enumerate(path, start=1):
    c1, c2 = st.columns([2, 5])
    c1.page_link(page, label=f"{i}. {label}")
    c2.markdown(what)

st.subheader("Why not one-hot vectors?")
model = step_view.page_model()
vocab = model.vocab.index_to_key
V = len(vocab)
guards.require_words(V, 2, "home_vectors", vocab)

# words whose trained similarities tell a story on each sample corpus (two groups and an outsider)
PRESETS = {"royalty": ["king", "queen", "man", "woman", "throne", "old"],
           "capitals": ["paris", "berlin", "france", "germany", "french", "german"],
           "fruits_animals_verbs": ["apple", "banana", "dog", "cat", "runs", "red"],
           "tiny": ["fox", "dog", "cat", "fish", "meat", "sleeps"]}
corpus = state.current_settings()["corpus"]
default = [w for w in PRESETS.get(corpus, []) if w in model.vocab]
if len(default) < 3:
    default = [w for w in vocab if len(w) > 3][:6] or vocab[:6]
chosen = st.multiselect("Words to compare", vocab if V <= 5000 else vocab[:5000], default=default,
                        max_selections=10, key="home_words")
if len(chosen) < 2:
    st.info("Choose at least two words.")
    st.stop()
ids = [model.vocab.key_to_index[w] for w in chosen]

st.latex(r"\cos(a, b) = \frac{a \cdot b}{\lVert a \rVert\, \lVert b \rVert}")
left, right = st.columns(2)
with left:
    st.markdown(f"**One-hot:** word i is a vector of length V = {V} with a single 1 at position i. Two different "
                "words never share a position, so every dot product, and every cosine, between them is 0: "
                "*king* is as far from *queen* as from *banana*.")
    onehot = inspect_tools.one_hot(ids, V)                                  # (k, V)
    st.plotly_chart(charts.heatmap(onehot[:, ids], chosen, chosen, title=f"One-hot vectors (only these {len(ids)} "
                                   f"of the {V} columns; all others are 0)", x_title="position (word)",
                                   zmid=None, zmin=0, zmax=1, colorscale="Blues", show_values=True,
                                   value_format=".0f", colorbar_title="entry"), key="home_onehot")
    st.plotly_chart(charts.heatmap(inspect_tools.cosine_matrix(onehot), chosen, chosen,
                                   title="Cosine similarity of one-hot vectors: 1 on the diagonal, 0 elsewhere",
                                   x_title="word", zmid=0, zmin=-1, zmax=1, show_values=True,
                                   colorbar_title="cosine"), key="home_onehot_cos")
with right:
    st.markdown(f"**Dense (Word2Vec):** each word is a row of W_in, only d = {model.vector_size} numbers. "
                f"This is **your session's model right now, after {model.step_count} updates**. Random at first; "
                "after training, words used in similar contexts point in similar directions.")
    dense = model.W_in[ids]                                                 # (k, d)
    st.plotly_chart(charts.heatmap(dense, chosen, title=f"Dense vectors: the W_in rows ({model.vector_size} numbers "
                                   "each)", colorbar_title="value"), key="home_dense")
    st.plotly_chart(charts.heatmap(inspect_tools.cosine_matrix(dense), chosen, chosen,
                                   title=f"Cosine similarity of the vectors after {model.step_count} updates",
                                   x_title="word", zmid=0, zmin=-1, zmax=1, show_values=True,
                                   colorbar_title="cosine"), key="home_dense_cos")
    st.caption("On a small corpus all trained vectors share a common direction, so every cosine is fairly high: "
               "read them relative to each other (king–queen against king–old, say), or look for clusters on "
               "the Embedding space page.")


def request_training():
    st.session_state[state.HOME_TRAIN_REQUESTED] = True


c1, c2 = st.columns([2, 3])
c1.button("Train this model to the end of its epochs", key="home_train", type="primary", on_click=request_training,
          help="Runs the fast trainer over the remaining planned epochs (the Step page's undo history is cleared)")
c2.caption("Training runs every remaining update of the planned epochs with the compiled trainer; then compare "
           "the two cosine matrices again. The Step page shows the same training one update at a time.")
if st.session_state.pop(state.HOME_TRAIN_REQUESTED, False):
    ensure_fast_trainer(model.vector_size, model.workers)
    bar = st.progress(0.0, text="Training...")
    try:
        model.train(progress=lambda f, i: bar.progress(min(1.0, f), text=f"Training: epoch {i['epoch'] + 1}, "
                                                       f"loss {i['loss']:.3f}"))
        bar.empty()
        st.rerun()
    except TrainingDiverged as e:
        bar.empty()
        st.error(f"Training diverged: {e} The model keeps its last good weights; lower alpha in the sidebar.")

show_source(inspect_tools.one_hot, inspect_tools.cosine_matrix, Word2Vec.train)
