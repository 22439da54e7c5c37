"""The Home page: the path through the lessons, then one-hot against dense vectors of the session's model (live).

What it does: links the lessons in order; lets the reader pick words (and train the model to the end with
one click); shows a related and an unrelated pair's cosine (from the corpus's groups file), then the
one-hot vectors and their cosines (all zero) beside the dense vectors and theirs.
What it does not do: compute the cosines (lessons.home and lessons.measures do) or keep any state of its own
beyond the Train button's click.
"""

from __future__ import annotations

from typing import Dict, List, Sequence

import streamlit as st

import engine
from engine import TrainingDiverged, Word2Vec
from lessons import home as home_lessons
from lessons import measures
from ui import pickers, state
from ui.charts.lesson import heatmap
from ui.compiling import ensure_fast_trainer
from ui.i18n import engine_message, t
from ui.jobs import heavy_job

PATH = ["02_corpus", "03_windows", "04_step", "05_hierarchical_softmax", "06_negative_sampling", "07_embedding_space"]


def lesson_path() -> None:
    """The lessons in order, each with a line on what it shows."""
    st.subheader(t("home.path_title"))
    for i, page in enumerate(PATH, start=1):
        c1, c2 = st.columns([2, 5])
        c1.page_link(f"pages/{page}.py", label=f"{i}. {t(f'home.path.{page}')}")
        c2.markdown(t(f"home.path.{page}_what"))


def corpus_groups() -> Dict[str, str]:
    """{word: group} of the sidebar's corpus (a sample corpus's groups file; {} for the others)."""
    corpus = state.current_settings()["corpus"]
    return engine.sample_groups(corpus) if corpus in engine.sample_corpora() else {}


def _request_training() -> None:
    st.session_state[state.HOME_TRAIN_REQUESTED] = True


def choose_words(model: Word2Vec, groups: Dict[str, str]) -> List[str]:
    """The words to compare (a picker starting from a few grouped words) and the Train button; trains the model
    to the end of its planned epochs when it was pressed (then the page runs again)."""
    vocab = model.vocab.index_to_key
    default = home_lessons.default_words(groups, model.vocab.key_to_index)
    if len(default) < 3:
        default = [w for w in vocab if len(w) > 3][:6] or vocab[:6]
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    chosen = pickers.words_multiselect(c1, t("home.words"), vocab, model.vocab.key_to_index, default,
                                       max_selections=10, key="home_words")
    c2.button(t("home.train"), key="home_train", type="primary", on_click=_request_training, width="stretch",
              help=t("home.train_help"))
    if st.session_state.pop(state.HOME_TRAIN_REQUESTED, False):
        train(model)
    return chosen


def train(model: Word2Vec) -> None:
    """Train to the end with a progress bar; the page runs again after it (a diverging model says so instead)."""
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
    except ValueError as e:                      # subsampling left no example in a whole round: say why
        bar.empty()
        st.error(t("home.train_failed", error=engine_message(str(e))))


def pair_numbers(model: Word2Vec, groups: Dict[str, str]) -> bool:
    """The lesson in two numbers: a related pair's cosine against an unrelated one's (from the corpus's groups
    file), and the mean within and across groups. Returns whether the cosines are centred (a toggle)."""
    c1, c2, c3 = st.columns([2, 2, 3], vertical_alignment="center")
    centred = c3.toggle(t("home.centred"), value=True, key="home_centred", help=t("home.centred_help"))
    pairs = home_lessons.compare_pairs(groups, model.vocab.key_to_index)
    if pairs is not None:
        (a, b), (_, c) = pairs
        kv = model.vocab.key_to_index
        S = home_lessons.similarity(model.W_in, [kv[a], kv[b], kv[c]], centred)
        c1.metric(t("home.related", a=a, b=b), f"{S[0, 1]:.2f}", help=t("home.related_help", group=groups[a]))
        c2.metric(t("home.unrelated", a=a, b=c), f"{S[0, 2]:.2f}",
                  help=t("home.unrelated_help", g1=groups[a], g2=groups[c]))
        means = home_lessons.group_means(model.W_in, kv, groups, centred)
        if means is not None:
            c3.caption(t("home.group_means", within=f"{means[0]:.2f}", across=f"{means[1]:.2f}", n=f"{model.step_count:,}"))
    st.caption(t("home.centred_note") if centred else t("home.raw_note"))
    return centred


def one_hot_and_dense(model: Word2Vec, chosen: Sequence[str], centred: bool) -> None:
    """Left: the chosen words' one-hot vectors and their cosines; right: their dense vectors and cosines."""
    V = len(model.vocab)
    ids = [model.vocab.key_to_index[w] for w in chosen]
    st.latex(r"\cos(a, b) = \frac{a \cdot b}{\lVert a \rVert\, \lVert b \rVert}")
    left, right = st.columns(2)
    with left:
        st.markdown(t("home.onehot_text", V=V))
        onehot = measures.one_hot(ids, V)                                  # (k, V)
        st.vega_lite_chart(*heatmap(onehot[:, ids], chosen, chosen, title=t("home.onehot_chart", k=len(ids), V=V),
                                    x_title=t("home.position"), zmid=None, zmin=0, zmax=1, colorscale="Blues",
                                    show_values=True, value_format=".0f", colorbar_title=t("home.entry")),
                           key="home_onehot", width="stretch")
        st.vega_lite_chart(*heatmap(measures.cosine_matrix(onehot), chosen, chosen,
                                    title=t("home.onehot_cos_chart"), x_title=t("home.word"), zmid=0, zmin=-1,
                                    zmax=1, show_values=True, colorbar_title=t("home.cosine")),
                           key="home_onehot_cos", width="stretch")
    with right:
        st.markdown(t("home.dense_text", d=model.vector_size, n=f"{model.step_count:,}"))
        dense = model.W_in[ids]                                                 # (k, d)
        title = t("home.dense_cos_centred" if centred else "home.dense_cos_raw", n=f"{model.step_count:,}")
        st.vega_lite_chart(*heatmap(home_lessons.similarity(model.W_in, ids, centred), chosen, chosen, title=title,
                                    x_title=t("home.word"), zmid=0, zmin=-1, zmax=1, show_values=True,
                                    colorbar_title=t("home.cosine")), key="home_dense_cos", width="stretch")
        st.vega_lite_chart(*heatmap(dense, chosen, title=t("home.dense_chart", d=model.vector_size),
                                    x_title=t("home.dimension"), colorbar_title=t("home.value")),
                           key="home_dense", width="stretch")
