"""Light Plotly figures for the Step page's lesson: the loss falling and a watched pair's probability climbing.

What it does: two small line charts with two traces each (a Next click redraws them, so they stay cheap:
no subplots, at most a thousand points, plain scatter traces).
What it does not do: compute anything (ui/step_view.py passes the numbers) or call Streamlit.

    >>> fig = loss_chart([1, 2], [4.0, 3.0], [4.0, 3.5], title="t", loss_name="a", running_name="b",
    ...                  x_title="step", y_title="loss")
    >>> [trace.name for trace in fig.data]
    ['a', 'b']
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.charts import INPUT, NEGATIVE, TARGET

_FONT = dict(size=12)


def _finish(fig: go.Figure, title: str, x_title: str, y_title: str, height: int) -> go.Figure:
    fig.update_layout(title=dict(text=title, font=dict(size=14), y=0.985, yanchor="top"), font=_FONT,
                      height=height, margin=dict(l=10, r=10, t=56, b=10), showlegend=True,
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left", font=dict(size=11)))
    fig.update_xaxes(title_text=x_title, tickformat="d", title_standoff=4)
    fig.update_yaxes(title_text=y_title, title_standoff=4)
    return fig


def loss_chart(steps: Sequence[int], losses: Sequence[float], running: Sequence[float], *, title: str,
               loss_name: str, running_name: str, x_title: str, y_title: str, height: int = 250) -> go.Figure:
    """Each update's loss as faint dots and its running mean as a line over the step numbers."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=list(steps), y=np.asarray(losses, dtype=np.float64), mode="markers", name=loss_name,
                             marker=dict(size=4, color=NEGATIVE, opacity=0.45),
                             hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=list(steps), y=np.asarray(running, dtype=np.float64), mode="lines", name=running_name,
                             line=dict(color=INPUT, width=3), hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    return _finish(fig, title, x_title, y_title, height)


def watch_chart(steps: Sequence[int], probs: Sequence[float], hit_steps: Sequence[int], hit_probs: Sequence[float],
                *, title: str, line_name: str, hit_name: str, x_title: str, y_title: str,
                height: int = 250) -> go.Figure:
    """A pair's probability after each update (a line) and the updates that trained that very pair (triangles).

    >>> fig = watch_chart([0, 1, 2], [0.5, 0.6, 0.55], [1], [0.6], title="t", line_name="p", hit_name="hit",
    ...                   x_title="step", y_title="p")
    >>> list(fig.data[1].x), list(fig.data[1].y)
    ([1], [0.6])
    """
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=list(steps), y=np.asarray(probs, dtype=np.float64), mode="lines", name=line_name,
                             line=dict(color=INPUT, width=2), hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=list(hit_steps), y=list(map(float, hit_probs)), mode="markers", name=hit_name,
                             marker=dict(symbol="triangle-up", size=11, color=TARGET),
                             hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.update_yaxes(rangemode="tozero")          # from 0: a change in the fourth decimal does not look like a leap
    return _finish(fig, title, x_title, y_title, height)
