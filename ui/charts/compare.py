"""The Compare page's Plotly figures: the six models' loss and cost, the claims' scores against corpus size.

What it does: the loss per epoch of each model (colour: output layer, dash: architecture), training time
(per architecture) and dot products per update (per output layer, the same for both architectures), and
for the claims experiments the mean score over seeds with 95% t-interval error bars against corpus size, and rare against frequent words at one size.
What it does not do: train or score (lessons.six_models and lessons.claims do), or call Streamlit.
"""

from __future__ import annotations

import math
from typing import Dict, Optional, Sequence

import plotly.graph_objects as go

from lessons import six_models
from ui.charts.figures import presenter_style
from ui.i18n import t
from ui.settings import architecture_label, objective_label

COLOURS = {"softmax": "#d62728", "hierarchical_softmax": "#2ca02c", "negative_sampling": "#1f77b4"}
ARCH_COLOURS = {"skipgram": "#1f77b4", "cbow": "#ff7f0e"}
DASH = {"skipgram": "solid", "cbow": "dash"}


def model_label(row: dict) -> str:
    """A model's name in the session's language ("skip-gram + 负采样"): the engine's row names are English."""
    return f"{architecture_label(row['architecture'])} + {objective_label(row['objective'])}"


def _axis_label(label: str) -> str:
    """An axis category on as many lines as it has words ('hierarchical<br>softmax'): three output layers
    side by side in half a 1024 px page never run together, and never need rotating."""
    return label.replace(" ", "<br>")


def _count_text(x: float) -> str:
    """A bar's value as a reader writes it: '110', '12,345', '5.5' (never '1.1e+02')."""
    return f"{x:,.0f}" if x >= 100 or float(x).is_integer() else f"{x:.1f}"


def loss_figure(rows: Sequence[dict]) -> go.Figure:
    fig = go.Figure()
    for r in rows:
        ys = r["epoch_losses"]
        fig.add_trace(go.Scatter(x=list(range(1, len(ys) + 1)), y=ys, mode="lines+markers", name=model_label(r),
                                 line=dict(color=COLOURS[r["objective"]], dash=DASH[r["architecture"]])))
    fig.update_layout(title=t("compare.fig.loss_title"), xaxis_title=t("compare.fig.epoch"),
                      yaxis_title=t("compare.fig.loss_y"),
                      height=430, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    fig.update_xaxes(dtick=1)
    return presenter_style(fig)


def time_figure(rows: Sequence[dict]) -> go.Figure:
    """Training time per output layer, one bar per architecture (its own figure and title: two titles in
    one figure ran into each other in half a page)."""
    fig = go.Figure()
    for arch in six_models.ARCHITECTURES:
        mine = [r for r in rows if r["architecture"] == arch]
        if mine:
            fig.add_trace(go.Bar(x=[_axis_label(objective_label(r["objective"])) for r in mine],
                                 y=[r["time"] for r in mine], name=architecture_label(arch),
                                 marker_color=ARCH_COLOURS[arch]))
    fig.update_layout(title=t("compare.fig.time"), yaxis_title=t("compare.fig.seconds"), barmode="group", height=400,
                      margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", yanchor="top", y=-0.25, x=0))
    fig.update_xaxes(tickangle=0)
    return presenter_style(fig)


def dots_figure(rows: Sequence[dict]) -> go.Figure:
    """Dot products per update, one bar per output layer: the count is the same for skip-gram and CBOW (both
    score one h against the same output rows, lessons.six_models.dot_products_per_update), so one bar says it."""
    first = {}
    for r in rows:
        first.setdefault(r["objective"], r)
    mine = list(first.values())
    fig = go.Figure(go.Bar(x=[_axis_label(objective_label(r["objective"])) for r in mine],
                           y=[r["dots"] for r in mine], marker_color=[COLOURS[r["objective"]] for r in mine],
                           text=[_count_text(r["dots"]) for r in mine], textposition="outside", cliponaxis=False,
                           showlegend=False))
    top = max(r["dots"] for r in mine)
    fig.update_yaxes(type="log", range=[0, math.log10(max(top, 10)) + 0.35], dtick=1,         # 1, 10, 100: no minor labels
                     title_text=t("compare.fig.log_scale"))
    fig.update_xaxes(tickangle=0)
    fig.update_layout(title=t("compare.fig.dots"), height=400, margin=dict(l=10, r=10, t=40, b=10))
    return presenter_style(fig)


def _two_lines(title: str) -> str:
    """A long chart title with its parenthesis on a second line (Plotly never wraps a title: at 1024 px
    'Rare versus frequent words at 100,000 tokens (mean and ...)' ran off the chart)."""
    for mark in (" (", "（"):
        if mark in title:
            head, _, tail = title.partition(mark)
            return f"{head}<br>{mark.strip()}{tail}"
    return title


def _size_text(n: int) -> str:
    """A corpus size on an axis: '10k', '6.12k', '950'."""
    return f"{n / 1000:.3g}k" if n >= 1000 else str(n)


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
    sizes = sorted({p["size"] for p in summary})
    fig.update_layout(title=_two_lines(title), xaxis_title=t("compare.claims.x_tokens"), yaxis_title=metric,
                      xaxis_type="log", height=440, margin=dict(l=10, r=10, t=95, b=10),
                      legend=dict(orientation="h", yanchor="top", y=-0.3, x=0))
    # the sizes trained are the ticks (a log axis's own minor ticks '9 10k 2 3 ...' ran together)
    fig.update_xaxes(tickvals=sizes, ticktext=[_size_text(n) for n in sizes])
    return presenter_style(fig)


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
    fig.update_layout(barmode="group", title=_two_lines(title), yaxis_title=metric, height=420,
                      margin=dict(l=10, r=10, t=95, b=10), legend=dict(orientation="h", yanchor="top", y=-0.12, x=0))
    return presenter_style(fig)
