"""The Interview prep page's one chart: PMI - log k against W_in · W_out over word pairs (Levy and Goldberg 2014).

What it does not do: run the experiment (lessons.interview does), or call Streamlit.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from ui.charts.figures import presenter_style
from ui.i18n import t


def pmi_chart(r: dict) -> go.Figure:
    x, y = r["points"]["target"], r["points"]["dot"]
    fig = go.Figure(go.Scattergl(x=x, y=y, mode="markers", marker=dict(size=5, opacity=0.5),
                                 hovertemplate="PMI − log k = %{x:.2f}<br>W_in·W_out = %{y:.2f}<extra></extra>"))
    lo, hi = min(min(x), min(y)), max(max(x), max(y))
    if math.isfinite(lo) and math.isfinite(hi):
        fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", line=dict(dash="dot", color="grey"),
                                 hoverinfo="skip", showlegend=False))
    fig.update_layout(title=t("interview.pmi.chart"), height=340, margin=dict(l=10, r=10, t=40, b=10),
                      showlegend=False, xaxis_title=t("interview.col.target"), yaxis_title=t("interview.col.dot"))
    return presenter_style(fig)              # presenter mode: every text >= 16 px
