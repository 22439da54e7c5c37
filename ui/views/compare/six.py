"""The Compare page's first two parts: the corpus to train on (the sidebar's, or a planted one) and the six models.

What it does: draws the corpus choice and the planted corpus's settings, a look at it (sentences, groups, Zipf),
then trains skip-gram and CBOW with each output layer side by side (with a progress bar and Stop; the rows
finished are kept) and shows their time, cost, loss, scores and nearest neighbours; with a planted corpus
the neighbours are coloured by whether they are in the word's own group.
What it does not do: train or score (lessons.six_models does), or keep anything shared between users.
All texts come from ui/texts/<lang>/compare.toml through t().
"""

from __future__ import annotations

import math
from typing import Dict, List, NamedTuple, Optional, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from lessons import six_models
from lessons.planted import COMPARE_PLANTED, PlantedCorpus, planted_corpus
from ui import pickers, state
from ui.charts import compare as compare_charts
from ui.charts import lesson as lesson_charts
from ui.choices import choice
from ui.code import show_source
from ui.i18n import t
from ui.views.compare.progress import rounded, run_with_progress, stored


def dots_text(row: dict) -> str:
    """The cost of one update in the session's language: 'V = 110', 'mean path 5.5 (log₂ V = 6.8)', 'k+1 = 6'."""
    V = row["V"]
    if row["objective"] == "softmax":
        return t("compare.dots.softmax", V=V)
    if row["objective"] == "negative_sampling":
        return t("compare.dots.negative_sampling", k1=int(round(row["dots"])))
    return t("compare.dots.hierarchical_softmax", path=row["dots"], log2v=math.log2(max(V, 2)))


def _count(x) -> str:
    return f"{int(x):,}"


def _score(x) -> str:
    """A score or loss in a table: three decimals, '—' when missing (st.table would write 0.7930 and None)."""
    x = rounded(x)
    return "—" if x is None else f"{x:.3f}"


def six_tables(rows: Sequence[dict]) -> List[pd.DataFrame]:
    """The six models in two (three with benchmarks) static tables, so that each fits a 1024 px screen:
    what a model cost (time, updates, dot products per update, gensim's time), what it learned (last
    epoch's loss, planted precision@5, the neighbours gensim shares), and the benchmark scores when asked.
    Indexed by the model's name; numbers as text with thousands separators."""
    cost, quality, bench = [], [], []
    for r in rows:
        g = r.get("gensim")
        cost.append({t("compare.col.seconds"): f"{r['time']:.2f}", t("compare.col.updates"): _count(r["examples"]),
                     t("compare.col.updates_per_s"): _count(r["updates_per_sec"]),
                     t("compare.col.dots"): dots_text(r),
                     t("compare.col.gensim_seconds"): f"{g['time']:.2f}" if g else "—"})
        line = {t("compare.col.loss"): _score(r["final_loss"])}
        if "planted" in r:
            line[t("compare.col.planted")] = _score(r["planted"])
        line[t("compare.col.gensim_overlap")] = (
            f"{g['overlap']:.0%}" if g and not math.isnan(g["overlap"])
            else (t("compare.no_counterpart") if r["objective"] == "softmax" else "—"))
        quality.append(line)
        scores = {}
        for name, b in (r.get("benchmarks") or {}).items():
            scores[f"{name} ({b['measure']})"] = _score(b["score"] if b["used"] >= 20 else None)
            scores[t("compare.col.scored", name=name)] = b["used"]
        bench.append(scores)
    index = pd.Index([compare_charts.model_label(r) for r in rows], name=t("compare.col.model"))
    tables = [pd.DataFrame(cost, index=index), pd.DataFrame(quality, index=index)]
    if any(bench):
        tables.append(pd.DataFrame(bench, index=index))
    return tables


def neighbour_table(rows: Sequence[dict], word: str, topn: int, truth: Optional[PlantedCorpus] = None):
    """One row per model (and gensim's where trained), its nearest neighbours 1..topn across: 'word (cosine)'.
    A row per model, not a column: eight models side by side do not fit a 1024 px screen, five ranks do.

    With a planted corpus the cells are coloured: green when the neighbour is in the word's own group.
    Returns a DataFrame, or a pandas Styler when coloured (st.table shows both).
    """
    lines: Dict[str, List[str]] = {}
    for r in rows:
        nn = r["neighbours"].get(word)
        if nn is None:
            continue
        lines[compare_charts.model_label(r)] = [f"{w} ({c:.2f})" for w, c in nn[:topn]]
        g = r.get("gensim")
        if g and word in g["neighbours"]:
            lines[t("compare.gensim_model", model=compare_charts.model_label(r))] = [
                f"{w} ({c:.2f})" for w, c in g["neighbours"][word][:topn]]
    if not lines:
        return pd.DataFrame()
    n = max(len(v) for v in lines.values())
    df = pd.DataFrame([v + [""] * (n - len(v)) for v in lines.values()],
                      index=pd.Index(list(lines), name=t("compare.col.model")), columns=[str(i) for i in range(1, n + 1)])
    if truth is None or word not in truth.group_of:
        return df
    group = truth.group_of[word]

    def colour(cell):
        w = cell.split(" (")[0]
        if not w:
            return ""
        return "background-color: #d9f2d9" if truth.group_of.get(w) == group else "background-color: #f9dcdc"

    return df.style.map(colour)


def group_table(corpus: PlantedCorpus) -> pd.DataFrame:
    """Each planted group with its words and their counts, so the truth is visible."""
    counts = corpus.counts()
    return pd.DataFrame([{t("compare.col.group"): g,
                          t("compare.col.words_count"): ", ".join(f"{w} ({counts.get(w, 0)})" for w in ws)}
                         for g, ws in corpus.groups.items()])


def planted_counts(corpus: PlantedCorpus) -> tuple:
    """(the planted words, most frequent first; their counts in the corpus) for ui.charts.lesson.zipf."""
    counts = corpus.counts()
    words = sorted(corpus.group_of, key=lambda w: -counts.get(w, 0))
    return words, np.array([counts.get(w, 0) for w in words], dtype=np.int64)


# ---------------------------------------------------------------- what the page draws, in order
class Corpus(NamedTuple):
    """The corpus the six models train on: the planted corpus (shown either way), the sentences, the planted
    truth (None for the sidebar's corpus) and the corpus's name in the captions."""
    kind: str                      # "planted" | "sidebar"
    planted: PlantedCorpus
    sentences: Sequence
    truth: Optional[PlantedCorpus]
    label: str


def corpus_section(settings: dict) -> Corpus:
    """Which corpus: the sidebar's or a planted one (its settings, and a look at it). Stops the page when the
    sidebar's corpus cannot be read."""
    st.header(t("compare.corpus.header"))
    kind = choice(st.radio, t("compare.corpus.train_on"), ["sidebar", "planted"],
                  {"sidebar": t("compare.corpus.sidebar", name=settings["corpus"]),
                   "planted": t("compare.corpus.planted")}.get, "cmp_corpus_kind", default="planted", horizontal=True)
    d = COMPARE_PLANTED
    c1, c2, c3, c4, c5 = st.columns(5)
    n_tokens = c1.select_slider(t("compare.corpus.tokens"),
                                [2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000],
                                d["n_tokens"], key="cmp_tokens", help=t("compare.corpus.tokens_help"))
    n_groups = c2.slider(t("compare.corpus.groups"), 2, 24, d["n_groups"], key="cmp_groups")
    group_size = c3.slider(t("compare.corpus.group_size"), 3, 50, d["group_size"], key="cmp_group_size")
    zipf_s = c4.slider(t("compare.corpus.zipf"), 0.0, 2.0, d["zipf_s"], 0.1, key="cmp_zipf",
                       help=t("compare.corpus.zipf_help"))
    gen_seed = c5.number_input(t("compare.corpus.seed"), 0, 10_000, d["seed"], key="cmp_gen_seed")
    planted = state.get_planted(int(n_tokens), int(n_groups), int(group_size), float(zipf_s), int(gen_seed))
    with st.expander(t("compare.corpus.look", tokens=planted.n_tokens(), sentences=len(planted.sentences),
                       words=len(planted.group_of)), expanded=False):
        st.markdown(t("compare.corpus.explain", chance=planted.chance_precision()))
        st.code("\n".join(" ".join(s) for s in planted.sentences[:6]), language=None)
        st.dataframe(group_table(planted), hide_index=True, width="stretch")
        # on the page's width: in a column its title and axis title ran past the chart at 1280 px
        st.vega_lite_chart(*lesson_charts.zipf(*planted_counts(planted), title=t("compare.fig.zipf_title"),
                                               height=300), key="cmp_zipf_fig", width="stretch")
    show_source(planted_corpus, label=t("compare.show_code"))
    if kind == "planted":
        return Corpus(kind, planted, planted.sentences, planted, t("compare.corpus.planted_label",
                                                                   tokens=planted.n_tokens()))
    try:
        return Corpus(kind, planted, state.current_sentences(), None, settings["corpus"])
    except ValueError as e:
        st.error(t("compare.corpus.read_error", error=e))
        st.stop()


def six_models_section(settings: dict, corpus: Corpus) -> None:
    """Train the six models on `corpus` with the sidebar's settings (on request) and show what they did."""
    base = {k: settings[k] for k in state.SETTING_NAMES}
    planted, truth = corpus.planted, corpus.truth
    st.header(t("compare.six.header"))
    st.caption(t("compare.six.caption", corpus=corpus.label, d=base["vector_size"], window=base["window"],
                 k=base["negative"], sample=f"{base['sample']:g}", min_count=base["min_count"],
                 alpha=f"{base['alpha']:g}", seed=base["seed"]))
    c1, c2 = st.columns([1, 2])
    c3 = st.container()             # the two options on their own lines: in a third column their labels were cut
    six_epochs = c1.number_input(t("compare.six.epochs"), 1, 200, 5, key="cmp_six_epochs")
    model = state.get_model()
    vocab_words = planted.planted_words if truth is not None else (model.vocab.index_to_key if model else [])
    default_words = ([planted.groups[g][0] for g in list(planted.groups)[:3]] if truth is not None
                     else [w for w in ["king", "paris", "apple", "dog", "fox"] if w in set(vocab_words)][:3])
    chosen = pickers.words_multiselect(c2, t("compare.six.words"), vocab_words,
                                       {w: i for i, w in enumerate(vocab_words)}, default_words, max_selections=6,
                                       key=f"cmp_words_{corpus.kind}_{settings['corpus']}")
    with_gensim = c3.checkbox(t("compare.six.gensim"), value=six_models.gensim_available(),
                              disabled=not six_models.gensim_available(), key="cmp_gensim",
                              help=t("compare.six.gensim_help"))
    with_bench = c3.checkbox(t("compare.six.bench"), value=False, key="cmp_bench", help=t("compare.six.bench_help"))
    six_settings = {**base, "epochs": int(six_epochs)}
    six_key = {"corpus": corpus.label, "planted": planted.settings if truth else None, **six_settings,
               "words": list(chosen), "gensim": with_gensim, "bench": with_bench}
    if st.button(t("compare.six.button"), key="cmp_six_go", type="primary"):
        def run_six(out, progress):
            six_models.train_six(corpus.sentences, six_settings, words=chosen, truth=truth, benchmarks=with_bench,
                                 with_gensim=with_gensim, progress=progress, out=out)
        try:
            run_with_progress(state.CMP_SIX, six_key, run_six, t("compare.six.label"))
        except ValueError as e:
            st.error(t("compare.six.train_error", error=e))
    res = stored(state.CMP_SIX, six_key)
    if res and res["rows"]:
        six_results(res, chosen, truth)
    elif res is None and st.session_state.get(state.CMP_SIX):
        st.caption(t("compare.six.changed"))
    show_source(six_models.train_six, six_models.dot_products_per_update, label=t("compare.show_code"))


def six_results(res: dict, chosen: Sequence[str], truth: Optional[PlantedCorpus]) -> None:
    """The six models' table, loss and cost figures, planted scores by frequency, and each chosen word's
    nearest neighbours in every model."""
    rows = res["rows"]
    if rows[-1].get("stopped"):
        st.warning(t("compare.six.stopped_partway", n=len(rows)))
    elif not res["done"] or len(rows) < 6:
        st.warning(t("compare.six.stopped", n=len(rows)))
    # static tables (st.table): long names and headers wrap instead of being cut at 1024 px
    for title, table in zip(("cost", "quality", "bench"), six_tables(rows)):
        st.markdown(t(f"compare.six.table_{title}"))
        st.table(table)
    st.plotly_chart(compare_charts.loss_figure(rows), key="cmp_loss_fig")
    st.caption(t("compare.six.loss_caption"))
    left, right = st.columns(2)
    left.plotly_chart(compare_charts.time_figure(rows), key="cmp_cost_fig")
    right.plotly_chart(compare_charts.dots_figure(rows), key="cmp_dots_fig")
    st.caption(t("compare.six.cost_caption"))
    if rows[0].get("planted_bins"):
        st.markdown(t("compare.six.bins_title"))
        st.table(pd.DataFrame([{t(f"compare.bin.{b['bin']}"): _score(b["precision"]) for b in r["planted_bins"]}
                               for r in rows],
                              index=pd.Index([compare_charts.model_label(r) for r in rows],
                                             name=t("compare.col.model"))))
    if truth is not None and chosen:
        st.caption(t("compare.six.neighbour_caption"))
    for w in chosen:
        st.markdown(t("compare.six.neighbours_of", word=w))
        table = neighbour_table(rows, w, 5, truth)
        if getattr(table, "empty", False):
            st.info(t("compare.six.not_in_vocab", word=w))
        else:
            st.table(table)
