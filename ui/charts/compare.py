"""The Compare page's Plotly figures: the six models' loss and cost, the claims' scores against corpus size.

What it does: the loss per epoch of each model (colour: output layer, dash: architecture), training time
and dot products per update, and for the claims experiments the mean score over seeds with 95%
t-interval error bars against corpus size, and rare against frequent words at one size.
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
    return presenter_style(fig)              # presenter mode: every text >= 16 px


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
    return presenter_style(fig)              # presenter mode: every text >= 16 px



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
    return presenter_style(fig)              # presenter mode: every text >= 16 px


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
    return presenter_style(fig)              # presenter mode: every text >= 16 px
