"""Glue for the compare page: the planted corpus (cached), progress with a Stop button, tables and figures.

What it does: builds the generated corpus once per setting (st.cache_data: it is immutable), runs an
experiment with a progress bar whose results land in st.session_state as they finish (so Stop keeps
them), and turns the engine's result rows into DataFrames and Plotly figures.
What it does not do: train or score (engine.experiments does), or keep anything shared between users.
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from engine import experiments as exps
from engine.synthetic import PlantedCorpus, planted_corpus
from ui.compiling import ensure_fast_trainer
from ui.settings import architecture_label, objective_label

COLOURS = {"softmax": "#d62728", "hierarchical_softmax": "#2ca02c", "negative_sampling": "#1f77b4"}
ARCH_COLOURS = {"skipgram": "#1f77b4", "cbow": "#ff7f0e"}
DASH = {"skipgram": "solid", "cbow": "dash"}


@st.cache_data(show_spinner="Generating the corpus...", max_entries=4)
def get_planted(n_tokens: int, n_groups: int, group_size: int, zipf_s: float, seed: int) -> PlantedCorpus:
    """The planted corpus for these settings (cached for everyone: the same settings give the same text)."""
    return planted_corpus(n_tokens=n_tokens, n_groups=n_groups, group_size=group_size, zipf_s=zipf_s, seed=seed)


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
        bar = st.progress(0.0, text=f"Starting: {total_label}")
        st.button("Stop", key=f"{store_key}_stop",
                  help="Stops after the current slice of updates; finished runs are kept.")

    def progress(done, total, label):
        bar.progress(min(1.0, done / max(total, 1)), text=f"{done:.1f} of {total}: {label}")

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
        line = {"model": r["name"], "seconds": _fmt(r["time"], 2), "updates": r["examples"],
                "updates per second": int(r["updates_per_sec"]),
                "dot products per update": r["dots_formula"], "loss (last epoch)": _fmt(r["final_loss"])}
        if "planted" in r:
            line["planted precision@5"] = _fmt(r["planted"])
        for name, b in (r.get("benchmarks") or {}).items():
            line[f"{name} ({b['measure']})"] = _fmt(b["score"]) if b["used"] >= 20 else None
            line[f"{name} scored"] = b["used"]
        g = r.get("gensim")
        line["gensim: same top-10 neighbours"] = (f"{g['overlap']:.0%}" if g and not math.isnan(g["overlap"])
                                                  else ("no counterpart" if r["objective"] == "softmax" else "—"))
        line["gensim seconds"] = _fmt(g["time"], 2) if g else None
        out.append(line)
    return pd.DataFrame(out)


def loss_figure(rows: Sequence[dict]) -> go.Figure:
    fig = go.Figure()
    for r in rows:
        ys = r["epoch_losses"]
        fig.add_trace(go.Scatter(x=list(range(1, len(ys) + 1)), y=ys, mode="lines+markers", name=r["name"],
                                 line=dict(color=COLOURS[r["objective"]], dash=DASH[r["architecture"]])))
    fig.update_layout(title="Mean loss per epoch", xaxis_title="epoch", yaxis_title="mean loss per update",
                      height=430, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return fig


def cost_figure(rows: Sequence[dict]) -> go.Figure:
    """Training time and dot products per update, grouped by output layer, one colour per architecture."""
    from plotly.subplots import make_subplots
    fig = make_subplots(rows=1, cols=2, subplot_titles=("training time (s)", "dot products per update (log scale)"))
    for arch in exps.ARCHITECTURES:
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


def growth_table(rows: Sequence[dict]) -> pd.DataFrame:
    """The corpus-growth results per (share, architecture): mean and spread of the precision, time per run."""
    prec = exps.summarize(rows, ["fraction", "tokens", "architecture"])
    secs = {(s["fraction"], s["architecture"]): s["mean"]
            for s in exps.summarize(rows, ["fraction", "tokens", "architecture"], value="time")}
    return pd.DataFrame([{"share of the corpus": f"{p['fraction']:.0%}", "tokens": p["tokens"],
                          "architecture": architecture_label(p["architecture"]),
                          "precision@5 (mean)": round(p["mean"], 3), "± std": round(p["std"], 3), "seeds": p["n"],
                          "seconds per run": round(secs[(p["fraction"], p["architecture"])], 3)} for p in prec])


def verdict(summary: Sequence[dict], key: str, label) -> str:
    """One sentence comparing skip-gram and CBOW point by point: which is ahead by more than the spread.

    >>> summary = [{"fraction": 0.1, "architecture": "skipgram", "mean": 0.8, "std": 0.05},
    ...            {"fraction": 0.1, "architecture": "cbow", "mean": 0.5, "std": 0.05},
    ...            {"fraction": 1.0, "architecture": "skipgram", "mean": 0.9, "std": 0.05},
    ...            {"fraction": 1.0, "architecture": "cbow", "mean": 0.88, "std": 0.05}]
    >>> verdict(summary, "fraction", lambda f: f"{f:.0%}")
    'In these runs skip-gram is clearly ahead at 10%; the two are within their error bars at 100%. ...'
    """
    by = {}
    for s in summary:
        by.setdefault(s[key], {})[s["architecture"]] = s
    sg, cb, tie = [], [], []
    for k, pair in by.items():
        if len(pair) < 2:
            continue
        a, b = pair["skipgram"], pair["cbow"]
        margin = a["std"] + b["std"]
        (sg if a["mean"] - b["mean"] > margin else cb if b["mean"] - a["mean"] > margin else tie).append(label(k))
    parts = []
    if sg:
        parts.append(f"skip-gram is clearly ahead at {', '.join(sg)}")
    if cb:
        parts.append(f"CBOW is clearly ahead at {', '.join(cb)}")
    if tie:
        parts.append(f"the two are within their error bars at {', '.join(tie)}")
    return ("In these runs " + "; ".join(parts) + ". (\"Clearly\" = the gap is larger than the two standard "
            "deviations added.)") if parts else ""


def growth_figure(summary: Sequence[dict], chance: float) -> go.Figure:
    fig = go.Figure()
    for arch in exps.ARCHITECTURES:
        pts = sorted([s for s in summary if s["architecture"] == arch], key=lambda s: s["tokens"])
        if not pts:
            continue
        fig.add_trace(go.Scatter(x=[p["tokens"] for p in pts], y=[p["mean"] for p in pts], mode="lines+markers",
                                 name=architecture_label(arch), line=dict(color=ARCH_COLOURS[arch]),
                                 error_y=dict(type="data", array=[p["std"] for p in pts], visible=True)))
    fig.add_hline(y=chance, line_dash="dot", line_color="grey", annotation_text="chance")
    fig.update_layout(title="Quality as the corpus grows (mean ± 1 standard deviation over seeds)",
                      xaxis_title="tokens of training text", yaxis_title="neighbour precision@5",
                      yaxis_range=[0, 1.05], xaxis_type="log", height=420, margin=dict(l=10, r=10, t=40, b=10))
    return fig


def bins_figure(summary: Sequence[dict], chance: float, bin_ranges: Dict[str, str]) -> go.Figure:
    fig = go.Figure()
    bins = list(dict.fromkeys(s["bin"] for s in summary))
    for arch in exps.ARCHITECTURES:
        pts = {s["bin"]: s for s in summary if s["architecture"] == arch}
        if not pts:
            continue
        fig.add_trace(go.Bar(x=[f"{b}<br>({bin_ranges.get(b, '')})" for b in bins],
                             y=[pts[b]["mean"] if b in pts else None for b in bins], name=architecture_label(arch),
                             marker_color=ARCH_COLOURS[arch],
                             error_y=dict(type="data", array=[pts[b]["std"] if b in pts else 0 for b in bins])))
    fig.add_hline(y=chance, line_dash="dot", line_color="grey", annotation_text="chance")
    fig.update_layout(barmode="group", title="Rare versus frequent words (mean ± 1 standard deviation over seeds)",
                      xaxis_title="planted words grouped by how often they occur (count range)",
                      yaxis_title="neighbour precision@5", yaxis_range=[0, 1.05], height=420,
                      margin=dict(l=10, r=10, t=40, b=10))
    return fig


def group_table(corpus: PlantedCorpus) -> pd.DataFrame:
    """Each planted group with its words and their counts, so the truth is visible."""
    counts = corpus.counts()
    return pd.DataFrame([{"group": g, "words (count)": ", ".join(f"{w} ({counts.get(w, 0)})" for w in ws)}
                         for g, ws in corpus.groups.items()])


def zipf_figure(corpus: PlantedCorpus) -> go.Figure:
    counts = corpus.counts()
    planted = sorted((counts.get(w, 0) for w in corpus.group_of), reverse=True)
    fig = go.Figure(go.Scatter(x=np.arange(1, len(planted) + 1), y=planted, mode="markers", name="planted words"))
    fig.update_layout(title="Counts of the planted words by rank (log–log: a Zipf law is a straight line)",
                      xaxis_type="log", yaxis_type="log", xaxis_title="rank", yaxis_title="count", height=300,
                      margin=dict(l=10, r=10, t=40, b=10))
    return fig
