"""Explore and evaluate: neighbours, analogies, the odd one out, similarity, and scores on standard benchmarks."""

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import engine
from lessons import benchmarks
from engine.keyed_vectors import KeyedVectors
from ui import explore as ex
from ui import guards
from ui import live as lv
from ui import state
from ui.code import show_source
from ui.i18n import t

st.title(t("explore.title"))
st.markdown(t("explore.intro"))
st.latex(r"\cos(u, v) = \frac{u \cdot v}{\lVert u \rVert\,\lVert v \rVert} \in [-1, 1]")

kv, label, model = ex.choose_source("explore_source")
if kv is None:
    st.warning(t("explore.no_model"))
    st.stop()
guards.require_words(len(kv), 2, "explore_words", kv.index_to_key)   # a 1-word vocabulary has no neighbours

note = ex.training_note(model)
if note:
    st.warning(note)
if model is not None and not model.training_complete:
    if lv.train_with_progress(model, t("explore.train"), key="explore_train"):
        st.rerun()
st.caption(t("explore.exploring", label=label, V=f"{len(kv):,}", d=kv.vector_size))
tag = ex.vocab_tag(kv)   # word boxes start again with fitting examples when the vocabulary changes

tab_nn, tab_an, tab_odd, tab_sim, tab_bench = st.tabs(
    [t("explore.tab_nn"), t("explore.tab_analogies"), t("explore.tab_odd"), t("explore.tab_similarity"),
     t("explore.tab_bench")])

# ---------------------------------------------------------------- neighbours
with tab_nn:
    c1, c2 = st.columns([2, 1])
    default = ex.first_present(kv, ex.NEIGHBOUR_DEFAULTS, 1)[0]
    raw = c1.text_input(t("explore.word"), default, key=f"explore_nn_word_{tag}")
    topn = c2.slider(t("explore.how_many"), 1, 30, 10, key="explore_nn_topn")
    word, msg = ex.lookup(kv, raw)
    if msg:
        st.warning(msg)
    else:
        nn = kv.most_similar(word, topn=topn)
        col_word, col_cos = t("explore.col_word"), t("explore.col_cosine")
        df = pd.DataFrame(nn, columns=[col_word, col_cos])
        left, right = st.columns([1, 1.4])
        left.dataframe(df, hide_index=True, width="stretch")
        fig = go.Figure(go.Bar(x=df[col_cos][::-1], y=df[col_word][::-1], orientation="h", marker_color="#3182bd"))
        fig.update_layout(height=max(250, 28 * len(df)), margin=dict(l=10, r=10, t=40, b=10),
                          title=t("explore.nn_chart", word=word), xaxis_title=t("explore.nn_chart_x"),
                          xaxis_range=[-1, 1])
        right.plotly_chart(fig, key="explore_nn_chart")
        st.caption(t("explore.nn_caption"))

# ---------------------------------------------------------------- analogies
with tab_an:
    st.markdown(t("explore.analogy_intro"))
    st.latex(r"\text{3CosAdd: } \arg\max_{d} \; \cos(d, b) - \cos(d, a) + \cos(d, c)"
             r"\qquad \text{3CosMul: } \arg\max_{d} \; \frac{\cos'(d, b)\,\cos'(d, c)}{\cos'(d, a) + \varepsilon},"
             r"\;\; \cos' = \tfrac{1 + \cos}{2}")
    a0, b0, c0 = ex.first_present(kv, ex.ANALOGY_DEFAULTS, 3)
    guards.note_words(len(kv), 4, "explore_analogy", kv.index_to_key)
    c1, c2, c3, c4 = st.columns([1, 1, 1, 0.6])
    ra = c1.text_input("a", a0, key=f"explore_an_a_{tag}")
    rb = c2.text_input("b", b0, key=f"explore_an_b_{tag}")
    rc = c3.text_input("c", c0, key=f"explore_an_c_{tag}")
    topn_an = c4.slider(t("explore.answers"), 1, 10, 5, key="explore_an_topn")
    found, msgs = ex.lookup_many(kv, [ra, rb, rc])
    for m in msgs:
        st.warning(m)
    if not msgs:
        a, b, c = found
        add = kv.most_similar(positive=[b, c], negative=[a], topn=topn_an)
        mul = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=topn_an)
        l, r = st.columns(2)
        columns = [t("explore.col_answer"), t("explore.col_score")]
        l.markdown(t("explore.cosadd", a=a, b=b, c=c, answer=add[0][0] if add else "—"))
        l.dataframe(pd.DataFrame(add, columns=columns), hide_index=True, width="stretch", key="explore_an_add")
        r.markdown(t("explore.cosmul", a=a, b=b, c=c, answer=mul[0][0] if mul else "—"))
        r.dataframe(pd.DataFrame(mul, columns=columns), hide_index=True, width="stretch", key="explore_an_mul")
        raw_best = ex.analogy_including_inputs(kv, a, b, c, topn=3)
        st.info(t("explore.excluded", a=a, b=b, c=c,
                  best=t("explore.word_sep").join(f"{w} ({s:.2f})" for w, s in raw_best)))

# ---------------------------------------------------------------- odd one out
with tab_odd:
    st.markdown(t("explore.odd_intro"))
    default_odd = " ".join(ex.first_present(kv, ex.ODD_DEFAULTS, 4))
    raw_odd = st.text_input(t("explore.odd_words"), default_odd, key=f"explore_odd_words_{tag}")
    found, msgs = ex.lookup_many(kv, raw_odd.split())
    for m in msgs:
        st.warning(m + t("common.sentence_sep") + t("explore.left_out"))
    if len(found) < 2:
        st.warning(t("explore.two_words"))
    else:
        odd = kv.doesnt_match(found)
        st.success(t("explore.odd_answer", word=odd))
        st.dataframe(pd.DataFrame(ex.odd_one_out_table(kv, found)), hide_index=True)

# ---------------------------------------------------------------- similarity
with tab_sim:
    s0, s1 = ex.first_present(kv, ex.SIMILARITY_DEFAULTS, 2)
    c1, c2 = st.columns(2)
    r1 = c1.text_input(t("explore.first_word"), s0, key=f"explore_sim_1_{tag}")
    r2 = c2.text_input(t("explore.second_word"), s1, key=f"explore_sim_2_{tag}")
    found, msgs = ex.lookup_many(kv, [r1, r2])
    for m in msgs:
        st.warning(m)
    if not msgs:
        sim = kv.similarity(*found)
        st.metric(f"cos({found[0]}, {found[1]})", f"{sim:.4f}")
        st.progress((sim + 1) / 2, text=t("explore.sim_scale"))

# ---------------------------------------------------------------- benchmarks
with tab_bench:
    st.markdown(t("explore.bench_intro"))
    files = {name: engine.gensim_data_path(f) for name, f in benchmarks.BENCHMARK_FILES.items()}
    corpus_name = state.current_settings()["corpus"]
    own = engine.sample_analogies(corpus_name) if model is not None and corpus_name in engine.sample_corpora() else None
    if not any(files.values()) and own is None:
        st.info(t("explore.no_gensim"))
    else:
        key = ("bench", id(kv), getattr(model, "step_count", None))
        if st.button(t("explore.bench_go"), key="explore_bench_go", type="primary"):
            with st.spinner(t("explore.scoring")):
                st.session_state[state.EXPLORE_BENCH] = (key, benchmarks.benchmark_scores(kv, own))
        stored = st.session_state.get(state.EXPLORE_BENCH)
        if stored and stored[0] == key:
            rows = []
            measures = {"accuracy": t("explore.measure_accuracy"), "Spearman": t("explore.measure_spearman")}
            for name, r in stored[1].items():
                too_few = r["used"] < 20
                score = "—" if too_few or math.isnan(r["score"]) else f"{r['score']:.4f}"
                rows.append({t("explore.col_benchmark"): t("explore.own_analogies") if name == "own analogies" else name,
                             t("explore.col_measure"): measures.get(r["measure"], r["measure"]),
                             t("explore.col_score"): score,
                             t("explore.col_scored"): r["used"], t("explore.col_coverage"): f"{r['coverage']:.1%}",
                             t("explore.col_note"): t("explore.too_few") if too_few else ""})
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
            if any(r["used"] < 20 for r in stored[1].values()):
                st.info(t("explore.few_covered"))
            ws = files.get("WordSim-353")
            if ws is not None:
                details = [d for d in kv.word_pair_details(ws) if d[3] is not None]
                if len(details) >= 20:
                    fig = go.Figure(go.Scatter(x=[d[2] for d in details], y=[d[3] for d in details], mode="markers",
                                               text=[f"{d[0]} – {d[1]}" for d in details], hoverinfo="text+x+y"))
                    fig.update_layout(height=380, title=t("explore.ws_chart"), xaxis_title=t("explore.ws_chart_x"),
                                      yaxis_title=t("explore.ws_chart_y"), margin=dict(l=10, r=10, t=40, b=10))
                    st.plotly_chart(fig, key="explore_bench_scatter")
        elif stored:
            st.caption(t("explore.changed"))

show_source(KeyedVectors.most_similar, KeyedVectors.most_similar_cosmul, KeyedVectors.doesnt_match,
            KeyedVectors.evaluate_word_pairs)
