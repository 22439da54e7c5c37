"""Explore and evaluate: neighbours, analogies, the odd one out, similarity, and scores on standard benchmarks."""

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import engine
from engine import experiments
from engine.keyed_vectors import KeyedVectors
from ui import explore as ex
from ui import guards
from ui import live as lv
from ui import state
from ui.code import show_source

st.title("Explore and evaluate")
st.markdown("Ask the trained vectors questions. All answers come from the **cosine** of the angle between "
            "two word vectors (the rows of W_in):")
st.latex(r"\cos(u, v) = \frac{u \cdot v}{\lVert u \rVert\,\lVert v \rVert} \in [-1, 1]")

kv, label, model = ex.choose_source("explore_source")
if kv is None:
    st.warning("There is no model yet: choose a corpus in the sidebar, or import vectors on the Import and "
               "export page.")
    st.stop()
guards.require_words(len(kv), 2, "explore_words", kv.index_to_key)   # a 1-word vocabulary has no neighbours

note = ex.training_note(model)
if note:
    st.warning(note)
if model is not None and not model.training_complete:
    if lv.train_with_progress(model, "Train to the end of the planned epochs", key="explore_train"):
        st.rerun()
st.caption(f"Exploring {label}: {len(kv):,} words, {kv.vector_size} dimensions.")
tag = ex.vocab_tag(kv)   # word boxes start again with fitting examples when the vocabulary changes

tab_nn, tab_an, tab_odd, tab_sim, tab_bench = st.tabs(
    ["Nearest neighbours", "Analogies", "Odd one out", "Similarity", "Benchmarks"])

# ---------------------------------------------------------------- neighbours
with tab_nn:
    c1, c2 = st.columns([2, 1])
    default = ex.first_present(kv, [("king",), ("paris",), ("apple",), ("fox",)], 1)[0]
    raw = c1.text_input("Word", default, key=f"explore_nn_word_{tag}")
    topn = c2.slider("How many", 1, 30, 10, key="explore_nn_topn")
    word, msg = ex.lookup(kv, raw)
    if msg:
        st.warning(msg)
    else:
        nn = kv.most_similar(word, topn=topn)
        df = pd.DataFrame(nn, columns=["word", "cosine"])
        left, right = st.columns([1, 1.4])
        left.dataframe(df, hide_index=True, width="stretch")
        fig = go.Figure(go.Bar(x=df["cosine"][::-1], y=df["word"][::-1], orientation="h", marker_color="#3182bd"))
        fig.update_layout(height=max(250, 28 * len(df)), margin=dict(l=10, r=10, t=40, b=10),
                          title=f"Words nearest to '{word}'", xaxis_title="cosine similarity", xaxis_range=[-1, 1])
        right.plotly_chart(fig, key="explore_nn_chart")
        st.caption("The word itself is left out (its cosine with itself is 1). On a small corpus all cosines can "
                   "be high, because the vectors share one big common direction; the order is what matters.")

# ---------------------------------------------------------------- analogies
with tab_an:
    st.markdown("**a is to b as c is to ?** The classic test: *man : king :: woman : ?* Both methods look for "
                "the word d whose vector best fits b − a + c.")
    st.latex(r"\text{3CosAdd: } \arg\max_{d} \; \cos(d, b) - \cos(d, a) + \cos(d, c)"
             r"\qquad \text{3CosMul: } \arg\max_{d} \; \frac{\cos'(d, b)\,\cos'(d, c)}{\cos'(d, a) + \varepsilon},"
             r"\;\; \cos' = \tfrac{1 + \cos}{2}")
    a0, b0, c0 = ex.first_present(kv, ex.ANALOGY_DEFAULTS, 3)
    guards.note_words(len(kv), 4, "explore_analogy", kv.index_to_key)
    c1, c2, c3, c4 = st.columns([1, 1, 1, 0.6])
    ra = c1.text_input("a", a0, key=f"explore_an_a_{tag}")
    rb = c2.text_input("b", b0, key=f"explore_an_b_{tag}")
    rc = c3.text_input("c", c0, key=f"explore_an_c_{tag}")
    topn_an = c4.slider("Answers", 1, 10, 5, key="explore_an_topn")
    found, msgs = ex.lookup_many(kv, [ra, rb, rc])
    for m in msgs:
        st.warning(m)
    if not msgs:
        a, b, c = found
        add = kv.most_similar(positive=[b, c], negative=[a], topn=topn_an)
        mul = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=topn_an)
        l, r = st.columns(2)
        l.markdown(f"**3CosAdd** (Mikolov et al. 2013): {a} : {b} :: {c} : **{add[0][0] if add else '—'}**")
        l.dataframe(pd.DataFrame(add, columns=["answer", "score"]), hide_index=True, width="stretch", key="explore_an_add")
        r.markdown(f"**3CosMul** (Levy & Goldberg 2014): {a} : {b} :: {c} : **{mul[0][0] if mul else '—'}**")
        r.dataframe(pd.DataFrame(mul, columns=["answer", "score"]), hide_index=True, width="stretch", key="explore_an_mul")
        raw_best = ex.analogy_including_inputs(kv, a, b, c, topn=3)
        st.info(f"Excluded from the answers: **{a}**, **{b}** and **{c}** (the input words), as gensim and the "
                f"Google benchmark do. Without that rule the top answers would be "
                + ", ".join(f"{w} ({s:.2f})" for w, s in raw_best)
                + ": often one of the inputs, because b − a + c usually stays closest to b or c.")

# ---------------------------------------------------------------- odd one out
with tab_odd:
    st.markdown("Which word does not belong? The answer is the word whose direction is furthest from the "
                "mean direction of all of them.")
    default_odd = " ".join(ex.first_present(kv, ex.ODD_DEFAULTS, 4))
    raw_odd = st.text_input("Words, separated by spaces", default_odd, key=f"explore_odd_words_{tag}")
    found, msgs = ex.lookup_many(kv, raw_odd.split())
    for m in msgs:
        st.warning(m + " It is left out.")
    if len(found) < 2:
        st.warning("Type at least two words that are in the vocabulary.")
    else:
        odd = kv.doesnt_match(found)
        st.success(f"The odd one out: **{odd}**")
        st.dataframe(pd.DataFrame(ex.odd_one_out_table(kv, found)), hide_index=True)

# ---------------------------------------------------------------- similarity
with tab_sim:
    s0, s1 = ex.first_present(kv, ex.SIMILARITY_DEFAULTS, 2)
    c1, c2 = st.columns(2)
    r1 = c1.text_input("First word", s0, key=f"explore_sim_1_{tag}")
    r2 = c2.text_input("Second word", s1, key=f"explore_sim_2_{tag}")
    found, msgs = ex.lookup_many(kv, [r1, r2])
    for m in msgs:
        st.warning(m)
    if not msgs:
        sim = kv.similarity(*found)
        st.metric(f"cos({found[0]}, {found[1]})", f"{sim:.4f}")
        st.progress((sim + 1) / 2, text="−1 (opposite) … 0 (unrelated) … 1 (same direction)")

# ---------------------------------------------------------------- benchmarks
with tab_bench:
    st.markdown(
        "Standard test sets: **WordSim-353** and **SimLex-999** list word pairs with similarity scores given "
        "by people; we report the Spearman rank correlation between their scores and our cosines (1 = the "
        "same order). SimLex-999 rewards true similarity (*cup ~ mug*), not mere relatedness (*cup ~ coffee*). "
        "The **Google analogy set** has 19,544 questions like *athens : greece :: oslo : ?* (accuracy, 3CosAdd). "
        "Only pairs and questions whose words are all in the vocabulary are scored; the **coverage** says how many.")
    files = {name: engine.gensim_data_path(f) for name, f in experiments.BENCHMARK_FILES.items()}
    if not any(files.values()):
        st.info("The benchmark files come with gensim's test data (gensim/test/test_data), and gensim is not "
                "installed here. Install the pinned requirements (`make run`) to get WordSim-353, SimLex-999 "
                "and the Google analogies.")
    else:
        key = ("bench", id(kv), getattr(model, "step_count", None))
        if st.button("Score these vectors on the benchmarks", key="explore_bench_go", type="primary"):
            with st.spinner("Scoring (the Google set has 19,544 questions)..."):
                st.session_state[state.EXPLORE_BENCH] = (key, experiments.benchmark_scores(kv))
        stored = st.session_state.get(state.EXPLORE_BENCH)
        if stored and stored[0] == key:
            rows = []
            for name, r in stored[1].items():
                too_few = r["used"] < 20
                rows.append({"benchmark": name, "measure": r["measure"],
                             "score": "—" if too_few or math.isnan(r["score"]) else f"{r['score']:.4f}",
                             "scored": r["used"], "coverage": f"{r['coverage']:.1%}",
                             "note": "too few known words to score" if too_few else ""})
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
            if any(r["scored"] < 20 for r in rows):
                st.info("The sample corpora have only about a hundred words, so few benchmark pairs are covered. "
                        "Train on a real corpus (the Lee news corpus in the sidebar) or import vectors trained "
                        "elsewhere to get meaningful scores.")
            ws = files.get("WordSim-353")
            if ws is not None:
                details = [d for d in kv.word_pair_details(ws) if d[3] is not None]
                if len(details) >= 20:
                    fig = go.Figure(go.Scatter(x=[d[2] for d in details], y=[d[3] for d in details], mode="markers",
                                               text=[f"{d[0]} – {d[1]}" for d in details], hoverinfo="text+x+y"))
                    fig.update_layout(height=380, title="WordSim-353: people's score against our cosine",
                                      xaxis_title="human similarity (0–10)", yaxis_title="cosine of the two vectors",
                                      margin=dict(l=10, r=10, t=40, b=10))
                    st.plotly_chart(fig, key="explore_bench_scatter")
        elif stored:
            st.caption("The vectors changed since the last scoring; press the button again.")

show_source(KeyedVectors.most_similar, KeyedVectors.most_similar_cosmul, KeyedVectors.doesnt_match,
            KeyedVectors.evaluate_word_pairs)
