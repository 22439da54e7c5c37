"""The Explore page: neighbours, analogies, the odd one out, similarity and benchmark scores, one tab each.

What it does: draws each tab for the vectors chosen (ui.source: this session's model or an imported file),
turns a word typed by the user into a vocabulary word or a clear message with close spellings, and
prepares the extra numbers the page shows next to the engine's answers (the analogy without excluding its
input words, each word's cosine to the group in doesn't-match).
What it does not do: the queries themselves (engine.keyed_vectors does them).
"""

from __future__ import annotations

import difflib
import html
import math
import zlib
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import engine
from engine import Word2Vec
from lessons import benchmarks
from ui import guards, state
from ui.charts import figures
from ui.i18n import md_escape as md, t
from ui.training import train_with_progress

# the first of these whose words are all in the vocabulary fills the boxes (English and Chinese samples)
NEIGHBOUR_DEFAULTS = [("king",), ("paris",), ("apple",), ("fox",), ("国王",), ("巴黎",)]
ANALOGY_DEFAULTS = [("man", "king", "woman"), ("france", "paris", "germany"), ("boy", "prince", "girl"),
                    ("fox", "dog", "cat"), ("男人", "国王", "女人"), ("法国", "巴黎", "德国")]
SIMILARITY_DEFAULTS = [("king", "queen"), ("paris", "berlin"), ("apple", "banana"), ("fox", "dog"),
                       ("国王", "王后"), ("巴黎", "柏林")]
ODD_DEFAULTS = [["king", "queen", "prince", "bread"], ["paris", "berlin", "rome", "french"],
                ["apple", "banana", "cherry", "dog"], ["dog", "fox", "cat", "seeds"], ["国王", "王后", "王子", "苹果"]]


def vocab_tag(kv) -> str:
    """A short tag of the vocabulary, for widget keys: a new corpus or file gives new boxes with fitting defaults.

    >>> from engine import KeyedVectors
    >>> vocab_tag(KeyedVectors(["king", "queen", "man"], np.eye(3, dtype=np.float32)))
    'fee5bfda'
    """
    return f"{zlib.crc32(' '.join(kv.index_to_key[:200]).encode('utf-8')) ^ len(kv):08x}"


def lookup(kv, raw: str) -> Tuple[Optional[str], Optional[str]]:
    """(word, None) if the typed text is in the vocabulary (as typed or lowercased), else (None, message).

    >>> from engine import KeyedVectors
    >>> kv = KeyedVectors(["king", "queen", "man"], np.eye(3, dtype=np.float32))
    >>> lookup(kv, " King ")
    ('king', None)
    >>> lookup(kv, "kong")
    (None, "'kong' is not in the vocabulary (3 words). Did you mean king?")
    """
    w = (raw or "").strip()
    if not w:
        return None, t("explore.type_a_word")
    for cand in (w, w.lower()):
        if cand in kv.key_to_index:
            if not np.any(kv[cand]):                  # no direction: cosines with it are undefined
                return None, t("errors.zero_vector", word=md(cand), d=kv.vector_size)
            return cand, None
    close = difflib.get_close_matches(w.lower(), kv.index_to_key[:20000], n=3, cutoff=0.7)
    hint = t("explore.did_you_mean", words=md(t("explore.word_sep").join(close))) if close else ""
    return None, t("explore.not_in_vocabulary", word=md(w), n=f"{len(kv):,}") + hint


def lookup_many(kv, raws: Sequence[str]) -> Tuple[List[str], List[str]]:
    """Look up several words: (found words, messages for the others)."""
    found, msgs = [], []
    for r in raws:
        w, msg = lookup(kv, r)
        if w is None:
            msgs.append(msg)
        else:
            found.append(w)
    return found, msgs


def first_present(kv, candidates, fallback_n: int):
    """The first candidate tuple whose words are all in the vocabulary, else some frequent words; always
    fallback_n values (empty strings where the vocabulary has fewer words).

    >>> from engine import KeyedVectors
    >>> first_present(KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)), ANALOGY_DEFAULTS, 3)
    ['a', 'b', '']
    """
    for c in candidates:
        if all(w in kv.key_to_index for w in c):
            return list(c)
    words = kv.index_to_key
    start = min(len(words) - fallback_n, 10) if len(words) > fallback_n + 10 else 0
    found = list(words[start:start + fallback_n])
    return found + [""] * (fallback_n - len(found))     # a tiny vocabulary: empty boxes, never fewer values


def analogy_including_inputs(kv, a: str, b: str, c: str, topn: int = 3) -> List[Tuple[str, float]]:
    """3CosAdd's nearest words to b - a + c *without* excluding a, b, c (to show why they are excluded).

    The query is the mean of the unit vectors with signs (as in most_similar), normalised.
    """
    n = kv.normed()                                                     # (V, d)
    q = (n[kv.index(b)] + n[kv.index(c)] - n[kv.index(a)]) / 3.0        # (d,)
    q = q / max(np.linalg.norm(q), 1e-12)
    sims = n @ q                                                        # (V,)
    best = np.argsort(-sims, kind="stable")[:topn]
    return [(kv.index_to_key[i], float(sims[i])) for i in best]


def odd_one_out_table(kv, words: Sequence[str]) -> List[dict]:
    """Each word's cosine with the mean of the words' unit vectors (what doesnt_match ranks by)."""
    n = kv.normed()
    vecs = n[[kv.index(w) for w in words]]                              # (m, d)
    mean = vecs.mean(axis=0)
    mean = mean / max(np.linalg.norm(mean), 1e-12)
    return [{t("explore.col_word"): w, t("explore.col_group_cosine"): float(v @ mean)} for w, v in zip(words, vecs)]


def training_note(model) -> Optional[str]:
    """A warning when the session model is untrained or partly trained, else None."""
    if model is None:
        return None
    if model.step_count == 0:
        return t("explore.untrained")
    if not model.training_complete:
        return t("explore.part_trained", share=f"{model.progress_fraction():.0%}", steps=f"{model.step_count:,}")
    return None


# ---------------------------------------------------------------- what the page draws, in order
def training(model: Optional[Word2Vec]) -> None:
    """For the session's model (None: imported vectors): a note when it is not fully trained, and the button
    that trains it to the end (the page runs again after it)."""
    note = training_note(model)
    if note:
        st.warning(note)
    if model is not None and not model.training_complete:
        if train_with_progress(model, t("explore.train"), key="explore_train"):
            st.rerun()


def neighbours(kv, tag: str) -> None:
    c1, c2 = st.columns([2, 1])
    default = first_present(kv, NEIGHBOUR_DEFAULTS, 1)[0]
    raw = c1.text_input(t("explore.word"), default, key=f"explore_nn_word_{tag}")
    topn = c2.slider(t("explore.how_many"), 1, 30, 10, key="explore_nn_topn")
    word, msg = lookup(kv, raw)
    if msg:
        st.warning(msg)
        return
    nn = kv.most_similar(word, topn=topn)
    col_word, col_cos = t("explore.col_word"), t("explore.col_cosine")
    df = pd.DataFrame(nn, columns=[col_word, col_cos])
    left, right = st.columns([1, 1.4])
    left.dataframe(df, hide_index=True, width="stretch")
    fig = go.Figure(go.Bar(x=df[col_cos][::-1], y=df[col_word][::-1], orientation="h", marker_color="#3182bd"))
    fig.update_layout(height=max(250, 28 * len(df)), margin=dict(l=10, r=10, t=40, b=10),
                      title=t("explore.nn_chart", word=html.escape(word)), xaxis_title=t("explore.nn_chart_x"),
                      xaxis_range=[-1, 1])
    right.plotly_chart(figures.presenter_style(fig), key="explore_nn_chart")
    st.caption(t("explore.nn_caption"))


def analogies(kv, tag: str) -> None:
    st.markdown(t("explore.analogy_intro"))
    # one formula per method, each one unbreakable group (scaled to the column when too wide): the two on one
    # line broke after 'cos(d,a) +'
    st.latex(r"{\text{3CosAdd: } \arg\max_{d} \; \cos(d, b) - \cos(d, a) + \cos(d, c)}")
    st.latex(r"{\text{3CosMul: } \arg\max_{d} \; \frac{\cos'(d, b)\,\cos'(d, c)}{\cos'(d, a) + \varepsilon},"
             r"\;\; \cos' = \tfrac{1 + \cos}{2}}")
    a0, b0, c0 = first_present(kv, ANALOGY_DEFAULTS, 3)
    guards.note_words(len(kv), 4, "explore_analogy", kv.index_to_key)
    c1, c2, c3, c4 = st.columns([1, 1, 1, 0.6])
    ra = c1.text_input("a", a0, key=f"explore_an_a_{tag}")
    rb = c2.text_input("b", b0, key=f"explore_an_b_{tag}")
    rc = c3.text_input("c", c0, key=f"explore_an_c_{tag}")
    topn_an = c4.slider(t("explore.answers"), 1, 10, 5, key="explore_an_topn")
    found, msgs = lookup_many(kv, [ra, rb, rc])
    for m in msgs:
        st.warning(m)
    if msgs:
        return
    a, b, c = found
    add = kv.most_similar(positive=[b, c], negative=[a], topn=topn_an)
    mul = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=topn_an)
    left, right = st.columns(2)
    columns = [t("explore.col_answer"), t("explore.col_score")]
    a_, b_, c_ = md(a), md(b), md(c)                     # words of an imported file: never live Markdown
    left.markdown(t("explore.cosadd", a=a_, b=b_, c=c_, answer=md(add[0][0]) if add else "—"))
    left.dataframe(pd.DataFrame(add, columns=columns), hide_index=True, width="stretch", key="explore_an_add")
    right.markdown(t("explore.cosmul", a=a_, b=b_, c=c_, answer=md(mul[0][0]) if mul else "—"))
    right.dataframe(pd.DataFrame(mul, columns=columns), hide_index=True, width="stretch", key="explore_an_mul")
    raw_best = analogy_including_inputs(kv, a, b, c, topn=3)
    st.info(t("explore.excluded", a=a_, b=b_, c=c_,
              best=md(t("explore.word_sep").join(f"{w} ({s:.2f})" for w, s in raw_best))))


def odd_one_out(kv, tag: str) -> None:
    st.markdown(t("explore.odd_intro"))
    default_odd = " ".join(first_present(kv, ODD_DEFAULTS, 4))
    raw_odd = st.text_input(t("explore.odd_words"), default_odd, key=f"explore_odd_words_{tag}")
    found, msgs = lookup_many(kv, raw_odd.split())
    for m in msgs:
        st.warning(m + t("common.sentence_sep") + t("explore.left_out"))
    if len(found) < 2:
        st.warning(t("explore.two_words"))
        return
    odd = kv.doesnt_match(found)
    st.success(t("explore.odd_answer", word=md(odd)))
    st.dataframe(pd.DataFrame(odd_one_out_table(kv, found)), hide_index=True)


def similarity(kv, tag: str) -> None:
    s0, s1 = first_present(kv, SIMILARITY_DEFAULTS, 2)
    c1, c2 = st.columns(2)
    r1 = c1.text_input(t("explore.first_word"), s0, key=f"explore_sim_1_{tag}")
    r2 = c2.text_input(t("explore.second_word"), s1, key=f"explore_sim_2_{tag}")
    found, msgs = lookup_many(kv, [r1, r2])
    for m in msgs:
        st.warning(m)
    if msgs:
        return
    sim = kv.similarity(*found)
    st.metric(md(f"cos({found[0]}, {found[1]})"), f"{sim:.4f}")
    st.progress((sim + 1) / 2, text=t("explore.sim_scale"))


def benchmark_scores(kv, model: Optional[Word2Vec]) -> None:
    """gensim's benchmark files (and the sample corpus's own analogies) scored on `kv`, on request."""
    st.markdown(t("explore.bench_intro"))
    files = {name: engine.gensim_data_path(f) for name, f in benchmarks.BENCHMARK_FILES.items()}
    corpus_name = state.current_settings()["corpus"]
    own = engine.sample_analogies(corpus_name) if model is not None and corpus_name in engine.sample_corpora() else None
    if not any(files.values()) and own is None:
        st.info(t("explore.no_gensim"))
        return
    key = ("bench", id(kv), getattr(model, "step_count", None))
    if st.button(t("explore.bench_go"), key="explore_bench_go", type="primary"):
        with st.spinner(t("explore.scoring")):
            st.session_state[state.EXPLORE_BENCH] = (key, benchmarks.benchmark_scores(kv, own))
    stored = st.session_state.get(state.EXPLORE_BENCH)
    if not (stored and stored[0] == key):
        if stored:
            st.caption(t("explore.changed"))
        return
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
                                       text=[html.escape(f"{d[0]} – {d[1]}") for d in details], hoverinfo="text+x+y"))
            fig.update_layout(height=380, title=t("explore.ws_chart"), xaxis_title=t("explore.ws_chart_x"),
                              yaxis_title=t("explore.ws_chart_y"), margin=dict(l=10, r=10, t=40, b=10))
            st.plotly_chart(figures.presenter_style(fig), key="explore_bench_scatter")
