"""Glue for the compare page: the planted corpus (cached), progress with a Stop button, tables and figures.

What it does: builds the generated corpus once per setting (st.cache_data: it is immutable), runs an
experiment with a progress bar whose results land in st.session_state as they finish (so Stop keeps
them), and turns the engine's result rows into DataFrames and Plotly figures. For the claims
experiments: the corpora (shared, immutable), the per-session cache of finished runs (one entry per
corpus, size, architecture, seed and settings: state.CMP_GROWTH), the last experiment (state.CMP_RARE),
error-bar figures (mean and 95% t-interval over seeds) and the verdict sentences.
What it does not do: train or score (lessons.six_models and lessons.claims do), or keep anything shared between users.
All texts come from ui/texts/<lang>/compare.toml through t().
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lessons import benchmarks, measures
from lessons import claims
from lessons import six_models
from lessons.planted import PlantedCorpus
from lessons.planted import planted_corpus
from lessons.planted import hard_planted
from ui import state
from ui.jobs import heavy_job
from ui.compiling import ensure_fast_trainer
from ui.i18n import t
from ui.settings import architecture_label, objective_label

COLOURS = {"softmax": "#d62728", "hierarchical_softmax": "#2ca02c", "negative_sampling": "#1f77b4"}
ARCH_COLOURS = {"skipgram": "#1f77b4", "cbow": "#ff7f0e"}
DASH = {"skipgram": "solid", "cbow": "dash"}


@st.cache_data(show_spinner=False, max_entries=4)
def _planted(n_tokens: int, n_groups: int, group_size: int, zipf_s: float, seed: int) -> PlantedCorpus:
    return planted_corpus(n_tokens=n_tokens, n_groups=n_groups, group_size=group_size, zipf_s=zipf_s, seed=seed)


def get_planted(n_tokens: int, n_groups: int, group_size: int, zipf_s: float, seed: int) -> PlantedCorpus:
    """The planted corpus for these settings (cached for everyone: the same settings give the same text)."""
    with st.spinner(t("compare.generating")):
        return _planted(n_tokens, n_groups, group_size, zipf_s, seed)


def run_with_progress(store_key: str, key: dict, run: Callable, total_label: str) -> None:
    """Run `run(out, progress)` with a progress bar and a Stop button; results go to st.session_state[store_key].

    The stored dict is {"key", "rows", "done"}; `rows` is the very list the engine appends to, so
    when Stop interrupts the run the rows finished so far are kept and shown. The bar and the button
    disappear when the work is done.
    """
    if "vector_size" in key:
        ensure_fast_trainer(int(key["vector_size"]), int(key.get("workers", 1)))
    entry = {"key": key, "rows": [], "done": False}
    st.session_state[store_key] = entry
    box = st.empty()
    with box.container():
        bar = st.progress(0.0, text=t("compare.starting", label=total_label))
        st.button(t("compare.stop"), key=f"{store_key}_stop", help=t("compare.stop_help"))

    def progress(done, total, label):
        bar.progress(min(1.0, done / max(total, 1)), text=t("compare.progress", done=done, total=total, label=label))

    with heavy_job("compare"):
        run(entry["rows"], progress)
    entry["done"] = True
    box.empty()


def stored(store_key: str, key: dict) -> Optional[dict]:
    """The stored results if they were made with the same settings, else None."""
    entry = st.session_state.get(store_key)
    return entry if entry and entry["key"] == key else None


def _fmt(x, digits=3):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), digits)


def six_table(rows: Sequence[dict]) -> pd.DataFrame:
    """One line per model: time, updates, cost per update, loss, scores, gensim comparison."""
    out = []
    for r in rows:
        line = {t("compare.col.model"): r["name"], t("compare.col.seconds"): _fmt(r["time"], 2),
                t("compare.col.updates"): r["examples"], t("compare.col.updates_per_s"): int(r["updates_per_sec"]),
                t("compare.col.dots"): r["dots_formula"], t("compare.col.loss"): _fmt(r["final_loss"])}
        if "planted" in r:
            line[t("compare.col.planted")] = _fmt(r["planted"])
        for name, b in (r.get("benchmarks") or {}).items():
            line[f"{name} ({b['measure']})"] = _fmt(b["score"]) if b["used"] >= 20 else None
            line[t("compare.col.scored", name=name)] = b["used"]
        g = r.get("gensim")
        line[t("compare.col.gensim_overlap")] = (
            f"{g['overlap']:.0%}" if g and not math.isnan(g["overlap"])
            else (t("compare.no_counterpart") if r["objective"] == "softmax" else "—"))
        line[t("compare.col.gensim_seconds")] = _fmt(g["time"], 2) if g else None
        out.append(line)
    return pd.DataFrame(out)


def loss_figure(rows: Sequence[dict]) -> go.Figure:
    fig = go.Figure()
    for r in rows:
        ys = r["epoch_losses"]
        fig.add_trace(go.Scatter(x=list(range(1, len(ys) + 1)), y=ys, mode="lines+markers", name=r["name"],
                                 line=dict(color=COLOURS[r["objective"]], dash=DASH[r["architecture"]])))
    fig.update_layout(title=t("compare.fig.loss_title"), xaxis_title=t("compare.fig.epoch"),
                      yaxis_title=t("compare.fig.loss_y"),
                      height=430, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return fig


def cost_figure(rows: Sequence[dict]) -> go.Figure:
    """Training time and dot products per update, grouped by output layer, one colour per architecture."""
    from plotly.subplots import make_subplots
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t("compare.fig.time"), t("compare.fig.dots")))
    for arch in six_models.ARCHITECTURES:
        mine = [r for r in rows if r["architecture"] == arch]
        if not mine:
            continue
        x = [objective_label(r["objective"]) for r in mine]
        fig.add_trace(go.Bar(x=x, y=[r["time"] for r in mine], name=architecture_label(arch),
                             marker_color=ARCH_COLOURS[arch], legendgroup=arch), 1, 1)
        fig.add_trace(go.Bar(x=x, y=[r["dots"] for r in mine], name=architecture_label(arch), showlegend=False,
                             marker_color=ARCH_COLOURS[arch], legendgroup=arch,
                             text=[f"{r['dots']:.2g}" for r in mine], textposition="outside"), 1, 2)
    fig.update_yaxes(type="log", row=1, col=2)
    fig.update_layout(height=430, barmode="group", margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", yanchor="top", y=-0.15, x=0))
    return fig


def neighbour_table(rows: Sequence[dict], word: str, topn: int, truth: Optional[PlantedCorpus] = None):
    """Rank 1..topn down, one column per model (and gensim's where trained): 'word (cosine)'.

    With a planted corpus the cells are coloured: green when the neighbour is in the word's own group.
    Returns a DataFrame, or a pandas Styler when coloured (st.dataframe shows both).
    """
    cols: Dict[str, List[str]] = {}
    for r in rows:
        nn = r["neighbours"].get(word)
        if nn is None:
            continue
        cols[r["name"]] = [f"{w} ({c:.2f})" for w, c in nn[:topn]]
        g = r.get("gensim")
        if g and word in g["neighbours"]:
            cols[f"gensim: {r['name']}"] = [f"{w} ({c:.2f})" for w, c in g["neighbours"][word][:topn]]
    if not cols:
        return pd.DataFrame()
    n = max(len(v) for v in cols.values())
    df = pd.DataFrame({k: v + [""] * (n - len(v)) for k, v in cols.items()}, index=range(1, n + 1))
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


# ====================================================================== the claims experiments
CLAIMS_DATA = ("planted", "head500", "lee")
RUNS_KEEP = 3000          # finished runs kept per session (small dicts: scores and facts, no vectors)


@st.cache_resource(show_spinner=False, max_entries=2)
def _hard_planted(n_tokens: int) -> PlantedCorpus:
    """The hard planted corpus (immutable: shared by every session, never written to)."""
    return hard_planted(n_tokens, seed=1)


@st.cache_resource(show_spinner=False, max_entries=2)
def _real(name: str) -> tuple:
    return benchmarks.load_real(name)


def claims_sizes(kind: str, scale: str, n_tokens: Optional[int] = None) -> List[int]:
    """The sizes (tokens) an experiment trains on: fixed for the planted corpus, shares of a real one."""
    if kind == "planted":
        return list(claims.PLANTED_SIZES[scale])
    return [max(1, int(round(f * n_tokens))) for f in claims.REAL_SHARES[scale]]


def claims_data(kind: str, scale: str) -> claims.ClaimsData:
    """The corpus of a claims experiment (raises ValueError if a real corpus is not installed)."""
    with st.spinner(t("compare.claims.loading")):
        if kind == "planted":
            return claims.ClaimsData.planted(_hard_planted(max(claims.PLANTED_SIZES[scale])))
        return claims.ClaimsData.real(kind, _real(kind))


def run_cache() -> dict:
    """This session's finished runs {run_key: row} (kept across experiments, so Stop and re-runs reuse them)."""
    cache = st.session_state.get(state.CMP_GROWTH)
    if not isinstance(cache, dict) or "key" in cache:
        cache = {}
        st.session_state[state.CMP_GROWTH] = cache
    while len(cache) > RUNS_KEEP:
        cache.pop(next(iter(cache)))
    return cache


def run_claims(exp_key: dict, data: claims.ClaimsData, sizes, seeds, base: dict, budget: str, amount: float,
               cbow_rule: str) -> None:
    """Run the experiment with a progress bar and a Stop button; rows land in st.session_state as they finish.

    Stop reruns the page, which ends this run between two slices of updates; the finished runs stay in
    the run cache (and in the experiment's record) and are reused when Run is pressed again.
    """
    ensure_fast_trainer(int(base["vector_size"]), 1)
    entry = {"key": exp_key, "rows": [], "done": False}
    st.session_state[state.CMP_RARE] = entry
    box = st.empty()
    with box.container():
        bar = st.progress(0.0, text=t("compare.starting", label=t("compare.claims.title")))
        st.button(t("compare.stop"), key="cmp_claims_stop", help=t("compare.stop_help"))

    def progress(done, total, label):
        bar.progress(min(1.0, done / max(total, 1)),
                     text=t("compare.progress", done=done, total=total, label=label))

    with heavy_job("compare"):
        claims.claims_experiment(data, sizes, seeds, base, budget, amount, cbow_rule, cache=run_cache(),
                               progress=progress, out=entry["rows"])
    entry["done"] = True
    box.empty()


def claims_record(exp_key: dict) -> Optional[dict]:
    """The last experiment's record if it was made with these settings; else the rows the run cache
    already holds for them (finished runs of an earlier, stopped or overlapping experiment), or None."""
    entry = st.session_state.get(state.CMP_RARE)
    if entry and entry.get("key") == exp_key:
        return entry
    return None


def cached_rows(data: claims.ClaimsData, sizes, seeds, base: dict, budget: str, amount: float,
                cbow_rule: str) -> List[dict]:
    """The runs of this experiment that this session has already finished (in run order)."""
    cache = st.session_state.get(state.CMP_GROWTH) or {}
    out = []
    for seed in seeds:
        for size in sorted(sizes):
            for arch in six_models.ARCHITECTURES:
                row = cache.get(claims.run_key(data, size, arch, seed, base, budget, amount, cbow_rule))
                if row is not None:
                    out.append(row)
    return out


def rule_text(arch: str, cbow_rule: str) -> str:
    """The update rule of an architecture in the session's language (in English: model.rule.describe())."""
    return t("compare.rule.skipgram") if arch == "skipgram" else t(f"compare.rule.{cbow_rule}")


RULE_LATEX = {
    "skipgram": r"h = W_{\text{in}}[c],\qquad W_{\text{in}}[c] \mathrel{-}= \eta\,\nabla_h",
    "sum": r"h = \textstyle\sum_{i=1}^{n} W_{\text{in}}[a_i],\qquad W_{\text{in}}[a_i] \mathrel{-}= \eta\,\nabla_h",
    "mean_exact": r"h = \tfrac{1}{n}\textstyle\sum_{i=1}^{n} W_{\text{in}}[a_i],\qquad "
                  r"W_{\text{in}}[a_i] \mathrel{-}= \tfrac{\eta}{n}\,\nabla_h",
    "mean_word2vec": r"h = \tfrac{1}{n}\textstyle\sum_{i=1}^{n} W_{\text{in}}[a_i],\qquad "
                     r"W_{\text{in}}[a_i] \mathrel{-}= \eta\,\nabla_h",
}


def _fmt_size(size: int) -> str:
    return f"{size:,}"


def claims_figure(summary: Sequence[dict], metric: str, chance: Optional[float], title: str) -> go.Figure:
    """Score against corpus size: the mean over seeds with 95% t-interval error bars, one line per architecture."""
    fig = go.Figure()
    for arch in six_models.ARCHITECTURES:
        pts = [s for s in summary if s[arch]["n"] > 0]
        if not pts:
            continue
        half = [0.0 if math.isnan(p[arch]["half"]) else p[arch]["half"] for p in pts]
        fig.add_trace(go.Scatter(
            x=[p["size"] for p in pts], y=[p[arch]["mean"] for p in pts], mode="lines+markers",
            name=architecture_label(arch), line=dict(color=ARCH_COLOURS[arch], dash=DASH[arch]),
            error_y=dict(type="data", array=half, visible=True, thickness=1.5, width=6),
            customdata=[[p[arch]["n"], p[arch]["lo"], p[arch]["hi"]] for p in pts],
            hovertemplate=t("compare.claims.hover")))
    if chance is not None:
        fig.add_hline(y=chance, line_dash="dot", line_color="grey", annotation_text=t("compare.fig.chance"))
    fig.update_layout(title=title, xaxis_title=t("compare.claims.x_tokens"), yaxis_title=metric, xaxis_type="log",
                      height=380, margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"))
    return fig


def claims_bins_figure(summaries: Dict[str, dict], metric: str, chance: Optional[float], title: str) -> go.Figure:
    """Rare versus frequent words at one size: grouped bars (mean) with 95% t-interval error bars."""
    fig = go.Figure()
    bins = list(summaries)
    for arch in six_models.ARCHITECTURES:
        iv = [summaries[b][arch] for b in bins]
        fig.add_trace(go.Bar(
            x=[t(f"compare.bin.{b}") for b in bins], y=[i["mean"] for i in iv], name=architecture_label(arch),
            marker_color=ARCH_COLOURS[arch],
            error_y=dict(type="data", array=[0.0 if math.isnan(i["half"]) else i["half"] for i in iv], visible=True)))
    if chance is not None:
        fig.add_hline(y=chance, line_dash="dot", line_color="grey", annotation_text=t("compare.fig.chance"),
                      annotation_position="top left")
    fig.update_layout(barmode="group", title=title, yaxis_title=metric, height=380,
                      margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"))
    return fig


def outcome_text(s: dict, where: str) -> str:
    """One verdict sentence: who is ahead (with both intervals) or 'within noise'."""
    sg, cb = s["skipgram"], s["cbow"]
    if s["outcome"] in ("unknown", "unscored"):
        return t(f"compare.verdict.{s['outcome']}", where=where, n=measures.MIN_PAIRS)
    vals = dict(where=where, sg=sg["mean"], sg_lo=sg["lo"], sg_hi=sg["hi"], cb=cb["mean"], cb_lo=cb["lo"],
                cb_hi=cb["hi"])
    key = {"a": "compare.verdict.skipgram", "b": "compare.verdict.cbow", "noise": "compare.verdict.noise"}[s["outcome"]]
    return t(key, **vals)


def short_outcome(s: Optional[dict]) -> str:
    if s is None:
        return t("compare.verdict.none")
    return t({"a": "compare.short.skipgram", "b": "compare.short.cbow", "noise": "compare.short.noise",
              "unknown": "compare.short.unknown", "unscored": "compare.short.unscored"}[s["outcome"]])


def runs_table(rows: Sequence[dict], metric: str) -> pd.DataFrame:
    """One line per run: what each got (updates, seconds, passes, words/s, final learning rate) and its score."""
    out = []
    for r in rows:
        if "error" in r:
            continue
        out.append({t("compare.col.tokens"): r["tokens"], t("compare.col.architecture"): architecture_label(r["architecture"]),
                    t("compare.col.seed"): r["seed"], t("compare.col.updates"): r["updates"],
                    t("compare.col.seconds"): round(r["seconds"], 2), t("compare.col.passes"): round(r["passes"], 2),
                    t("compare.col.words_per_s"): int(r["words_per_sec"]),
                    t("compare.col.updates_per_s"): int(r["updates_per_sec"]),
                    t("compare.col.lr_end"): float(f"{r['lr_end']:.3g}"),
                    t("compare.col.ended_by"): t(f"compare.ended.{r['ended_by']}"),
                    t("compare.col.coverage"): f"{r['coverage'][metric]:.0%}",
                    metric: _fmt(r["scores"][metric])})
    return pd.DataFrame(out)


def ratio_facts(rows: Sequence[dict]) -> Optional[dict]:
    """Mean over runs of skip-gram's / CBOW's updates, seconds and passes (matched by size and seed)."""
    by = {(r["size"], r["seed"], r["architecture"]): r for r in rows if "error" not in r}
    ups, secs, passes = [], [], []
    for (size, seed, arch), r in by.items():
        c = by.get((size, seed, "cbow"))
        if arch == "skipgram" and c is not None and c["updates"] and c["seconds"] > 0 and c["passes"] > 0:
            ups.append(r["updates"] / c["updates"])
            secs.append(r["seconds"] / c["seconds"])
            passes.append(r["passes"] / c["passes"])
    if not ups:
        return None
    return {"updates": float(np.mean(ups)), "seconds": float(np.mean(secs)), "passes": float(np.mean(passes))}
