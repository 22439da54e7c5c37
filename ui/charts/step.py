"""Light Plotly figures for the Step page: the loss falling, a watched pair's probability, the output bars.

What it does: small charts built in ONE go.Figure(dict) call each (a Next click redraws them: building a
figure from one dict takes about 3 ms, while the same figure made with update_layout / update_xaxes calls
takes about 30 ms, measured with bench/app_speed.py's set-up). Two traces at most, at most a thousand points.
What it does not do: compute anything (the Step page's view passes the numbers) or call Streamlit.

    >>> fig = loss_chart([1, 2], [4.0, 3.0], [4.0, 3.5], title="t", loss_name="a", running_name="b",
    ...                  x_title="step", y_title="loss")
    >>> [trace.name for trace in fig.data]
    ['a', 'b']
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import plotly.graph_objects as go

from ui.charts.style import INPUT, NEGATIVE, OTHER, PRESENTER_FONT, TARGET, presenting

_HOVER = "%{x}: %{y:.4f}<extra></extra>"


def _layout(title: str, x_title: str, y_title: str, height: int, legend: bool = True, **more) -> dict:
    """The layout dict; in presenter mode every text is at least PRESENTER_FONT (16) px (set here, in the one dict, rather
    than by figures.presenter_style's update calls, which cost ~30 ms a figure)."""
    body = PRESENTER_FONT if presenting() else 12
    small = body if presenting() else body - 1
    axis_fonts = dict(tickfont=dict(size=small)) if presenting() else {}
    layout = dict(title=dict(text=title, font=dict(size=body + 2 if body == 12 else body + 4), y=0.985, yanchor="top"),
                  font=dict(size=body), height=height + (40 if presenting() else 0),
                  margin=dict(l=10, r=10, t=56 if legend else 40, b=10), showlegend=legend,
                  legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left", font=dict(size=small)),
                  hoverlabel=dict(font=dict(size=body)),
                  xaxis=dict(title=dict(text=x_title, font=dict(size=body)), tickformat="d", **axis_fonts),
                  yaxis=dict(title=dict(text=y_title, font=dict(size=body)), **axis_fonts))
    for key, value in more.items():
        layout[key] = {**layout.get(key, {}), **value}
    return layout


def loss_chart(steps: Sequence[int], losses: Sequence[float], running: Sequence[float], *, title: str,
               loss_name: str, running_name: str, x_title: str, y_title: str, height: int = 250) -> go.Figure:
    """Each update's loss as faint dots and its running mean as a line over the step numbers."""
    x = list(steps)
    return go.Figure(dict(data=[
        dict(type="scatter", x=x, y=np.asarray(losses, dtype=np.float64), mode="markers", name=loss_name,
             marker=dict(size=4, color=NEGATIVE, opacity=0.45), hovertemplate=_HOVER),
        dict(type="scatter", x=x, y=np.asarray(running, dtype=np.float64), mode="lines", name=running_name,
             line=dict(color=INPUT, width=3), hovertemplate=_HOVER)],
        layout=_layout(title, x_title, y_title, height)))


def watch_chart(steps: Sequence[int], probs: Sequence[float], hit_steps: Sequence[int], hit_probs: Sequence[float],
                *, title: str, line_name: str, hit_name: str, x_title: str, y_title: str,
                height: int = 250) -> go.Figure:
    """A pair's probability after each update (a line) and the updates that trained that very pair (triangles).

    The y axis starts at 0, so a change in the fourth decimal does not look like a leap.

    >>> fig = watch_chart([0, 1, 2], [0.5, 0.6, 0.55], [1], [0.6], title="t", line_name="p", hit_name="hit",
    ...                   x_title="step", y_title="p")
    >>> list(fig.data[1].x), list(fig.data[1].y), fig.layout.yaxis.rangemode
    ([1], [0.6], 'tozero')
    """
    return go.Figure(dict(data=[
        dict(type="scatter", x=list(steps), y=np.asarray(probs, dtype=np.float64), mode="lines", name=line_name,
             line=dict(color=INPUT, width=2), hovertemplate=_HOVER),
        dict(type="scatter", x=list(hit_steps), y=[float(p) for p in hit_probs], mode="markers", name=hit_name,
             marker=dict(symbol="triangle-up", size=11, color=TARGET), hovertemplate=_HOVER)],
        layout=_layout(title, x_title, y_title, height, yaxis=dict(rangemode="tozero"))))


def bars(labels: Sequence[str], values, *, title: str, x_title: str, y_title: str,
         colors: Optional[Sequence[str]] = None, hover: Optional[Sequence[str]] = None, height: int = 320,
         text: Optional[Sequence[str]] = None, y_range=None) -> go.Figure:
    """A bar per label (labels may repeat; each keeps its own bar), as ui.charts.figures.bars draws it, in one pass.

    >>> fig = bars(["a", "b", "a"], [0.2, 0.5, 0.3], title="t", x_title="x", y_title="p")
    >>> list(fig.layout.xaxis.ticktext), list(fig.data[0].x)
    (['a', 'b', 'a'], [0, 1, 2])
    """
    n = len(labels)
    tick = max(1, n // 60)
    bar = dict(type="bar", x=list(range(n)), y=np.asarray(values, dtype=np.float64),
               marker=dict(color=list(colors) if colors is not None else OTHER), cliponaxis=False,
               customdata=list(hover) if hover is not None else list(labels),
               hovertemplate="%{customdata}<br>%{y:.4g}<extra></extra>")
    if text is not None:
        bar.update(text=list(text), textposition="outside")
    yaxis = dict(range=list(y_range)) if y_range is not None else {}
    layout = _layout(title, x_title, y_title, height, legend=False, yaxis=yaxis,
                     xaxis=dict(tickvals=list(range(0, n, tick)), ticktext=list(labels)[::tick],
                                tickangle=-60 if n > 12 else 0, tickformat=None))
    layout["xaxis"].pop("tickformat")
    return go.Figure(dict(data=[bar], layout=layout))
