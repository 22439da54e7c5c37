"""Plotly figures: bars, lines and a pair of heatmaps, and presenter mode's larger text for any Plotly figure.

What it does: small bar and line charts with titled, labelled axes and the words (never bare ids) on the
axes or in the hover text; two heatmaps side by side in one figure (the Step page's rows before and after
an update); presenter_style, which raises every text of a figure to at least PRESENTER_MIN px on a projector.
Rows are placed at integer positions with the words as tick labels, so a word that appears twice
(a negative drawn twice, a repeated CBOW context word) keeps two rows instead of being merged.
What it does not do: compute anything about the model, or call Streamlit (the pages draw the charts).

    >>> fig = bars(["king", "queen"], [2, 1], title="two bars", x_title="word", y_title="count")
    >>> list(fig.layout.xaxis.ticktext)
    ['king', 'queen']
"""

from __future__ import annotations

from typing import Dict, Optional, Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ui.charts.style import OTHER, PRESENTER_FONT, PRESENTER_MIN, presenting
from ui.i18n import t

_FONT = dict(size=13)

# Presenter mode (ui/presenter.py, for a projector): every chart text at least PRESENTER_MIN (16) px. The template sets
# the sizes of what a figure leaves unset; presenter_style() raises the sizes a figure sets itself.
PRESENTER_TEMPLATE = "w2v_presenter"
pio.templates[PRESENTER_TEMPLATE] = go.layout.Template(layout=dict(
    font=dict(size=PRESENTER_FONT), title=dict(font=dict(size=PRESENTER_FONT + 4)),
    legend=dict(font=dict(size=PRESENTER_FONT)), hoverlabel=dict(font=dict(size=PRESENTER_FONT)),
    annotationdefaults=dict(font=dict(size=PRESENTER_FONT))))


def presenter_style(fig: go.Figure, force: Optional[bool] = None) -> go.Figure:
    """Larger chart text for a projector when this session is in presenter mode (or force=True); else unchanged.

    >>> f = presenter_style(bars(["a", "b"], [1, 2], title="t", x_title="x", y_title="y"), force=True)
    >>> f.layout.font.size, f.layout.title.font.size
    (16, 20)
    >>> f = presenter_style(go.Figure(go.Bar(x=["a", "b"], y=[6, 110])).update_yaxes(type="log"), force=True)
    >>> f.layout.yaxis.dtick
    1
    """
    if not (presenting() if force is None else force):
        return fig
    fig.update_layout(template="plotly+" + PRESENTER_TEMPLATE, font=dict(size=PRESENTER_FONT),
                      hoverlabel=dict(font=dict(size=PRESENTER_FONT)), legend=dict(font=dict(size=PRESENTER_FONT)))
    # Streamlit's chart theme sets the axes' own tick font (12 px): set it here, on every axis
    axis_fonts = dict(tickfont=dict(size=PRESENTER_FONT), title_font=dict(size=PRESENTER_FONT))
    fig.update_xaxes(**axis_fonts)
    fig.update_yaxes(**axis_fonts)
    # a log axis is labelled at its powers of ten: Plotly writes the digits between them (2, 3, ... 9) smaller
    # than its tick font (12 px for 16), which a projector cannot show
    fig.for_each_xaxis(lambda ax: ax.update(dtick=1) if ax.type == "log" and ax.dtick is None else None)
    fig.for_each_yaxis(lambda ax: ax.update(dtick=1) if ax.type == "log" and ax.dtick is None else None)
    if fig.layout.title.text:
        fig.layout.title.font.size = PRESENTER_FONT + 4
    for ann in fig.layout.annotations or ():
        if ann.font.size is None or ann.font.size < PRESENTER_MIN:
            ann.font.size = PRESENTER_FONT
    for trace in fig.data:
        if "colorbar" in trace:
            trace.colorbar.tickfont.size = PRESENTER_FONT
            trace.colorbar.title.font.size = PRESENTER_FONT
        tf = getattr(trace, "textfont", None)
        if tf is not None and tf.size is not None:
            sizes = np.atleast_1d(tf.size)
            if (sizes < PRESENTER_MIN).any():
                trace.textfont.size = PRESENTER_MIN if sizes.size == 1 else np.maximum(sizes, PRESENTER_MIN).tolist()
    return fig


def _finish(fig: go.Figure, title: str, x_title: str, y_title: str, height: Optional[int]) -> go.Figure:
    fig.update_layout(title=dict(text=title, font=dict(size=15)), font=_FONT,
                      margin=dict(l=10, r=10, t=50, b=10), height=height)
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return presenter_style(fig)


def heatmap_pair(left: dict, right: dict, *, x_title: Optional[str] = None,
                 height: Optional[int] = None) -> go.Figure:
    """Two heatmaps side by side in ONE figure (fewer charts for the browser to redraw after each step).

    left / right: dicts with z, rows (labels), title, colorbar (title), and optionally highlight (row indices).
    """
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=[left["title"], right["title"]], horizontal_spacing=0.22)
    n_max = 1
    for col, spec in enumerate([left, right], start=1):
        z = np.asarray(spec["z"], dtype=np.float64)
        if z.ndim == 1:
            z = z[None, :]
        n_rows, n_cols = z.shape
        n_max = max(n_max, n_rows)
        rows = list(spec["rows"])
        fig.add_trace(go.Heatmap(
            z=z, x=list(range(n_cols)), y=list(range(n_rows)), colorscale="RdBu_r", zmid=0,
            customdata=[[rows[i]] * n_cols for i in range(n_rows)],
            colorbar=dict(title=dict(text=spec.get("colorbar") or t("charts.value"), side="top"), thickness=10, nticks=5,
                          tickformat=".2~g", orientation="h", x=0.195 if col == 1 else 0.805, xanchor="center",
                          y=0.0, yanchor="bottom", yref="container", len=0.3),
            hovertemplate="%{customdata}<br>" + t("charts.column") + " %{x}: %{z:.5f}<extra></extra>"), row=1, col=col)
        fig.update_yaxes(tickvals=list(range(n_rows)), ticktext=rows, autorange="reversed", row=1, col=col)
        step = max(1, n_cols // 20)
        fig.update_xaxes(tickvals=list(range(0, n_cols, step)), title_text=x_title or t("charts.dimension"), row=1, col=col)
        for r in spec.get("highlight", ()):
            fig.add_shape(type="rect", x0=-0.5, x1=n_cols - 0.5, y0=r - 0.5, y1=r + 0.5,
                          line=dict(color="black", width=2.5), row=1, col=col)
    fig.update_annotations(font=dict(size=14))
    fig.update_layout(font=_FONT, margin=dict(l=10, r=10, t=40, b=95),
                      height=height or max(280, min(1000, 230 + 24 * n_max)))
    return presenter_style(fig)


def bars(labels: Sequence[str], values, *, title: str, x_title: str, y_title: str,
         colors: Optional[Sequence[str]] = None, hover: Optional[Sequence[str]] = None,
         height: int = 320, text: Optional[Sequence[str]] = None, y_range=None,
         tick_every: Optional[int] = None) -> go.Figure:
    """A bar per label (labels may repeat; each keeps its own bar)."""
    n = len(labels)
    fig = go.Figure(go.Bar(
        x=list(range(n)), y=np.asarray(values, dtype=np.float64), marker_color=colors or OTHER,
        text=text, textposition="outside" if text is not None else None, cliponaxis=False,
        customdata=list(hover) if hover is not None else list(labels),
        hovertemplate="%{customdata}<br>%{y:.4g}<extra></extra>"))
    step = tick_every or max(1, n // 60)
    fig.update_xaxes(tickvals=list(range(0, n, step)), ticktext=list(labels)[::step],
                     tickangle=-60 if n > 12 else 0)
    if y_range is not None:
        fig.update_yaxes(range=y_range)
    return _finish(fig, title, x_title, y_title, height)


def line(x, ys: Dict[str, Sequence[float]], *, title: str, x_title: str, y_title: str,
         height: int = 300, log_y: bool = False) -> go.Figure:
    """One line per named series over the same x."""
    fig = go.Figure()
    for name, y in ys.items():
        fig.add_trace(go.Scatter(x=list(x), y=list(y), mode="lines+markers", name=name,
                                 marker=dict(size=4)))
    if log_y:
        fig.update_yaxes(type="log")
    fig.update_xaxes(tickformat="d")
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return _finish(fig, title, x_title, y_title, height)
