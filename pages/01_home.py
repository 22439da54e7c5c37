"""Home: what the app teaches, the path through it, and one-hot versus dense vectors (live)."""

import streamlit as st

import engine
from engine import TrainingDiverged, Word2Vec
from lessons import home as home_lessons
from lessons import measures
from ui import guards, pickers, state, stepping
from ui.charts import lesson as lesson_charts
from ui.code import show_source
from ui.compiling import ensure_fast_trainer
from ui.i18n import engine_message, t
from ui.jobs import heavy_job

st.title(t("home.title"))
st.markdown(t("home.intro"))

st.subheader(t("home.path_title"))
PATH = ["02_corpus", "03_windows", "04_step", "05_hierarchical_softmax", "06_negative_sampling", "07_embedding_space"]
for i, page in enumerate(PATH, start=1):
    c1, c2 = st.columns([2, 5])
    c1.page_link(f"pages/{page}.py", label=f"{i}. {t(f'home.path.{page}')}")
    c2.markdown(t(f"home.path.{page}_what"))

st.subheader(t("home.onehot_title"))
model = stepping.page_model()
vocab = model.vocab.index_to_key
V = len(vocab)
guards.require_words(V, 2, "home_vectors", vocab)
corpus = state.current_settings()["corpus"]
groups = engine.sample_groups(corpus) if corpus in engine.sample_corpora() else {}
pairs = home_lessons.compare_pairs(groups, model.vocab.key_to_index)
default = home_lessons.default_words(groups, model.vocab.key_to_index)
if len(default) < 3:
    default = [w for w in vocab if len(w) > 3][:6] or vocab[:6]


def request_training():
    st.session_state[state.HOME_TRAIN_REQUESTED] = True


c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
chosen = pickers.words_multiselect(c1, t("home.words"), vocab, model.vocab.key_to_index, default, max_selections=10,
                                   key="home_words")
c2.button(t("home.train"), key="home_train", type="primary", on_click=request_training, width="stretch",
          help=t("home.train_help"))
if st.session_state.pop(state.HOME_TRAIN_REQUESTED, False):
    ensure_fast_trainer(model.vector_size, model.workers)
    bar = st.progress(0.0, text=t("home.training"))
    try:
        with heavy_job("train"):
            model.train(progress=lambda f, i: bar.progress(
                min(1.0, f), text=t("home.training_epoch", epoch=i["epoch"] + 1, loss=f"{i['loss']:.3f}")))
        bar.empty()
        st.rerun()
    except TrainingDiverged as e:
        bar.empty()
        st.error(t("home.diverged", error=engine_message(str(e))))
if len(chosen) < 2:
    st.info(t("home.choose_two"))
    st.stop()
ids = [model.vocab.key_to_index[w] for w in chosen]

# the lesson in two numbers: a related pair against an unrelated one (from the corpus's groups file)
c1, c2, c3 = st.columns([2, 2, 3], vertical_alignment="center")
centred = c3.toggle(t("home.centred"), value=True, key="home_centred", help=t("home.centred_help"))
if pairs is not None:
    (a, b), (_, c) = pairs
    kv = model.vocab.key_to_index
    S = home_lessons.similarity(model.W_in, [kv[a], kv[b], kv[c]], centred)
    c1.metric(t("home.related", a=a, b=b), f"{S[0, 1]:.2f}", help=t("home.related_help", group=groups[a]))
    c2.metric(t("home.unrelated", a=a, b=c), f"{S[0, 2]:.2f}",
              help=t("home.unrelated_help", g1=groups[a], g2=groups[c]))
    means = home_lessons.group_means(model.W_in, kv, groups, centred)
    if means is not None:
        c3.caption(t("home.group_means", within=f"{means[0]:.2f}", across=f"{means[1]:.2f}", n=model.step_count))
st.caption(t("home.centred_note") if centred else t("home.raw_note"))

st.latex(r"\cos(a, b) = \frac{a \cdot b}{\lVert a \rVert\, \lVert b \rVert}")
left, right = st.columns(2)
with left:
    st.markdown(t("home.onehot_text", V=V))
    onehot = measures.one_hot(ids, V)                                  # (k, V)
    st.vega_lite_chart(*lesson_charts.heatmap(onehot[:, ids], chosen, chosen, title=t("home.onehot_chart", k=len(ids), V=V),
                                       x_title=t("home.position"), zmid=None, zmin=0, zmax=1, colorscale="Blues",
                                       show_values=True, value_format=".0f", colorbar_title=t("home.entry")),
                       key="home_onehot", width="stretch")
    st.vega_lite_chart(*lesson_charts.heatmap(measures.cosine_matrix(onehot), chosen, chosen,
                                       title=t("home.onehot_cos_chart"), x_title=t("home.word"), zmid=0, zmin=-1,
                                       zmax=1, show_values=True, colorbar_title=t("home.cosine")),
                       key="home_onehot_cos", width="stretch")
with right:
    st.markdown(t("home.dense_text", d=model.vector_size, n=model.step_count))
    dense = model.W_in[ids]                                                 # (k, d)
    title = t("home.dense_cos_centred" if centred else "home.dense_cos_raw", n=model.step_count)
    st.vega_lite_chart(*lesson_charts.heatmap(home_lessons.similarity(model.W_in, ids, centred), chosen, chosen, title=title,
                                       x_title=t("home.word"), zmid=0, zmin=-1, zmax=1, show_values=True,
                                       colorbar_title=t("home.cosine")), key="home_dense_cos", width="stretch")
    st.vega_lite_chart(*lesson_charts.heatmap(dense, chosen, title=t("home.dense_chart", d=model.vector_size),
                                       x_title=t("home.dimension"), colorbar_title=t("home.value")),
                       key="home_dense", width="stretch")

show_source(measures.one_hot, home_lessons.centered_cosines, Word2Vec.train, label=t("home.source"))
