"""Reusable charts for the pages: the lesson pictures as Vega-Lite, small bar and line charts as Plotly.

What it does: turns arrays and the words that label them into charts with titled, labelled axes and
the words (never bare ids) on the axes or in the hover text. The lesson pictures (heatmaps, the
Huffman tree, code lengths, Zipf, keep probability, the window grid, the noise distribution) are
`VegaChart`s, (data: a pyarrow table, spec), drawn on a canvas with st.vega_lite_chart: a Plotly
chart cost the browser ~100-200 ms to draw in software and its bundle ~1.1 s to load, which made pages
miss 1 s on a 2-core machine (bench/CLASSROOM_RESULTS.md). `bars`, `line` and `heatmap_pair` (the
Step page) stay Plotly figures.
What it does not do: compute anything about the model (the engine and lessons/ do), or
call Streamlit (the pages draw the charts).

Rows are placed at integer positions with the words as tick labels, so a word that appears twice
(a negative drawn twice, a repeated CBOW context word) keeps two rows instead of being merged.

    >>> fig = bars(["king", "queen"], [2, 1], title="two bars", x_title="word", y_title="count")
    >>> list(fig.layout.xaxis.ticktext)
    ['king', 'queen']
    >>> chart = heatmap([[1.0, 0.0]], ["king"], title="one row")
    >>> chart.data.num_rows, chart.spec["layer"][0]["mark"]["type"]
    (2, 'rect')
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Dict, List, NamedTuple, Optional, Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pyarrow as pa

from ui.i18n import t

# one palette for every page: what is predicted, what is fed in, what is noise
TARGET = "#d62728"      # red: the word to predict (label 1)
INPUT = "#1f77b4"       # blue: the input word(s)
NEGATIVE = "#7f7f7f"    # grey: noise words / label 0
OTHER = "#aec7e8"       # light blue: every other word
PATH = "#2ca02c"        # green: the Huffman path

_FONT = dict(size=13)

# Presenter mode (ui/presenter.py, for a projector): every chart text at least 14 px. The template sets
# the sizes of what a figure leaves unset; presenter_style() raises the sizes a figure sets itself.
PRESENTER_TEMPLATE = "w2v_presenter"
PRESENTER_FONT = 16                 # body text, tick labels, legend, hover
PRESENTER_MIN = 14                  # the smallest text (values written inside heatmap cells, labels)
pio.templates[PRESENTER_TEMPLATE] = go.layout.Template(layout=dict(
    font=dict(size=PRESENTER_FONT), title=dict(font=dict(size=PRESENTER_FONT + 4)),
    legend=dict(font=dict(size=PRESENTER_FONT - 1)), hoverlabel=dict(font=dict(size=PRESENTER_FONT)),
    annotationdefaults=dict(font=dict(size=PRESENTER_FONT - 1))))


def presenting() -> bool:
    """Is this session in presenter mode (False outside the app)?"""
    try:
        from ui import presenter
        return presenter.is_on()
    except Exception:  # pragma: no cover - outside the app
        return False


def presenter_style(fig: go.Figure, force: Optional[bool] = None) -> go.Figure:
    """Larger chart text for a projector when this session is in presenter mode (or force=True); else unchanged.

    >>> f = presenter_style(bars(["a", "b"], [1, 2], title="t", x_title="x", y_title="y"), force=True)
    >>> f.layout.font.size, f.layout.title.font.size
    (16, 20)
    """
    if not (presenting() if force is None else force):
        return fig
    fig.update_layout(template="plotly+" + PRESENTER_TEMPLATE, font=dict(size=PRESENTER_FONT),
                      hoverlabel=dict(font=dict(size=PRESENTER_FONT)), legend=dict(font=dict(size=PRESENTER_FONT - 1)))
    # Streamlit's chart theme sets the axes' own tick font (12 px): set it here, on every axis
    axis_fonts = dict(tickfont=dict(size=PRESENTER_FONT - 1), title_font=dict(size=PRESENTER_FONT))
    fig.update_xaxes(**axis_fonts)
    fig.update_yaxes(**axis_fonts)
    if fig.layout.title.text:
        fig.layout.title.font.size = PRESENTER_FONT + 4
    for ann in fig.layout.annotations or ():
        if ann.font.size is None or ann.font.size < PRESENTER_MIN:
            ann.font.size = PRESENTER_FONT - 1
    for trace in fig.data:
        if "colorbar" in trace:
            trace.colorbar.tickfont.size = PRESENTER_FONT - 1
            trace.colorbar.title.font.size = PRESENTER_FONT - 1
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


class VegaChart(NamedTuple):
    """A Vega-Lite chart: `data` (a pyarrow table) and `spec`, for st.vega_lite_chart(data, spec)."""
    data: pa.Table
    spec: dict


HEATMAP_ROW_PX = 26          # one heatmap row's height (Vega-Lite's ordinal step)


TITLE_WIDTH = 36             # a Vega-Lite title's line, in Latin letters (a CJK character counts 2): a chart in
                             # half of a 1024 px page's main area (Vega-Lite cuts a longer line, never wraps it)


def title_lines(title: str, width: int = TITLE_WIDTH) -> List[str]:
    """A chart title as the lines Vega-Lite draws: Plotly's <br> breaks kept, a line longer than `width`
    broken between words (between characters in Chinese, a CJK character counting twice).

    >>> title_lines("One-hot vectors<br>(only these 6 columns)")
    ['One-hot vectors', '(only these 6 columns)']
    >>> title_lines("Centred cosine similarity of the vectors after 0 updates", width=30)
    ['Centred cosine similarity of', 'the vectors after 0 updates']
    >>> title_lines("向量之间的余弦相似度", width=8)
    ['向量之间', '的余弦相', '似度']
    """
    def cells(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    out: List[str] = []
    for part in re.split(r"<br\s*/?>", title):
        line = ""
        for token in re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|\S+\s*|\s+", part):
            if line and cells(line) + cells(token.rstrip()) > width:
                out.append(line.rstrip())
                line = ""
            line += token
        out.append(line.rstrip())
    return out


def vega_title(title: str, width: int = TITLE_WIDTH) -> dict:
    """A Vega-Lite title at the chart's left edge, in lines of at most `width` (title_lines); not cut at the
    plot's width (Vega-Lite's default limit), since the lines already fit the column."""
    return {"text": title_lines(title, width), "anchor": "start", "frame": "bounds", "limit": 1000}


def labels_by_position(labels: Sequence[str]) -> str:
    """A Vega-Lite axis `labelExpr` naming integer positions 0, 1, ... by `labels` (a JSON array literal is a
    Vega expression one), so that a word shown twice keeps two rows or columns.

    >>> labels_by_position(['king', '国王'])
    '["king", "国王"][datum.value]'
    """
    return json.dumps([str(x) for x in labels], ensure_ascii=False) + "[datum.value]"


# the text drawn on a cell: white where the table's `ink` column says the cell is dark, else black
INK = {"condition": {"test": "datum.ink === 'white'", "value": "white"}, "value": "black"}


def heatmap(z, row_labels: Sequence[str], col_labels: Optional[Sequence[str]] = None, *, title: str,
            x_title: Optional[str] = None, y_title: str = "", zmid: Optional[float] = 0.0,
            zmin=None, zmax=None, colorscale: str = "RdBu_r", show_values: Optional[bool] = None,
            height: Optional[int] = None, highlight_rows: Sequence[int] = (), colorbar_title: Optional[str] = None,
            value_format: str = ".2f") -> VegaChart:
    """A matrix as a heatmap, one labelled row per word (Vega-Lite, drawn on a canvas); highlight_rows get
    a black frame. colorscale: "RdBu_r" (blue below zmid, red above; symmetric around zmid unless zmin /
    zmax are given) or "Blues" (from zmin, default the smallest value, to zmax).

    data: one row per cell: row, col (integer positions, so a word shown twice keeps two rows), value,
    word (the row's label), column (the column's label), ink (the colour of the number written in the
    cell) and framed (a highlighted row). The axes label the positions with the words.
    A Plotly heatmap cost the browser 90-110 ms to draw here (software rendering on the server's cores);
    four of them made the Home page's navigation miss 1 s (bench/CLASSROOM_RESULTS.md).

    >>> chart = heatmap([[0.5, -1.0], [0.0, 1.0]], ["king", "king"], ["a", "b"], title="two rows")
    >>> chart.data.column("value").to_pylist(), chart.data.column("row").to_pylist()
    ([0.5, -1.0, 0.0, 1.0], [0, 0, 1, 1])
    >>> chart.spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    [-1.0, 1.0]
    """
    z = np.asarray(z, dtype=np.float64)
    if z.ndim == 1:
        z = z[None, :]
    n_rows, n_cols = z.shape
    rows = [str(w) for w in row_labels]
    cols = [str(c) for c in col_labels] if col_labels is not None else [str(j) for j in range(n_cols)]
    if show_values is None:
        show_values = n_cols <= 12 and n_rows * n_cols <= 240
    finite = z[np.isfinite(z)]
    if colorscale == "Blues":
        lo = float(zmin) if zmin is not None else (float(finite.min()) if finite.size else 0.0)
        hi = float(zmax) if zmax is not None else (float(finite.max()) if finite.size else 1.0)
        scale = {"scheme": "blues", "domain": [lo, hi]}
    else:
        if zmin is not None or zmax is not None:
            lo = float(zmin) if zmin is not None else float(finite.min())
            hi = float(zmax) if zmax is not None else float(finite.max())
        else:
            mid = 0.0 if zmid is None else float(zmid)
            half = float(np.abs(finite - mid).max()) if finite.size else 1.0
            half = half or 1.0
            lo, hi = mid - half, mid + half
        scale = {"scheme": "redblue", "reverse": True, "domain": [lo, hi]}
    # the number in a cell is white where the cell is dark: the top 40% of "Blues", both ends of "RdBu_r"
    norm = (z - lo) / ((hi - lo) or 1.0)                                                    # (n, m) in [0, 1]
    dark = norm > 0.6 if colorscale == "Blues" else np.abs(norm - 0.5) > 0.3
    framed = np.zeros(n_rows, dtype=bool)
    framed[[r for r in highlight_rows if 0 <= r < n_rows]] = True
    row_of, col_of = np.divmod(np.arange(n_rows * n_cols), n_cols)
    data = pa.table({
        "row": row_of.astype(np.int64), "col": col_of.astype(np.int64), "value": z.ravel(),
        "word": pa.array([rows[i] for i in row_of], pa.string()),
        "column": pa.array([cols[j] for j in col_of], pa.string()),
        "ink": pa.array(np.where(dark.ravel(), "white", "black").tolist(), pa.string()),
        "framed": framed[row_of] & (col_of == 0),          # one row of the table per framed heatmap row
    })
    step = max(1, n_cols // 25)
    x = {"field": "col", "type": "ordinal", "title": x_title or t("charts.dimension"),
         "axis": {"values": list(range(0, n_cols, step)), "labelExpr": labels_by_position(cols),
                  # words slanted so that every one shows; dimension numbers level, thinned if they crowd
                  **({"labelAngle": -40, "labelOverlap": False} if col_labels is not None
                     else {"labelAngle": 0, "labelOverlap": True})}}
    y = {"field": "row", "type": "ordinal", "title": y_title or None,
         "axis": {"labelExpr": labels_by_position(rows), "labelLimit": 260}}
    layers = [
        {"mark": {"type": "rect"},
         "encoding": {"x": x, "y": y,
                      "color": {"field": "value", "type": "quantitative", "scale": scale,
                                "legend": {"title": colorbar_title or t("charts.value"), "format": ".2~g",
                                           "gradientLength": min(200, max(60, HEATMAP_ROW_PX * n_rows))}},
                      "tooltip": [{"field": "word", "title": t("charts.row")},
                                  {"field": "column", "title": t("charts.column")},
                                  {"field": "value", "format": ".4f", "title": t("charts.value")}]}}]
    if show_values:
        layers.append({"mark": {"type": "text", "baseline": "middle"},
                       "encoding": {"x": x, "y": y, "text": {"field": "value", "format": value_format},
                                    "color": INK}})
    if framed.any():
        layers.append({"transform": [{"filter": "datum.framed"}],
                       "mark": {"type": "rect", "x": 0, "x2": "width", "fill": None, "stroke": "black",
                                "strokeWidth": 2.5},
                       "encoding": {"y": y}})
    return VegaChart(data, vega_spec(title, layers, height if height is not None else {"step": HEATMAP_ROW_PX}))


def part_filter(part: str, *more: dict) -> list:
    """Vega-Lite transforms keeping the rows of one `part` of a chart's table (then the filters `more`)."""
    return [{"filter": {"field": "part", "equal": part}}, *more]


def vega_spec(title: str, layers: list, height, title_width: int = TITLE_WIDTH) -> dict:
    """A layered Vega-Lite spec as the pages draw it: as wide as its column, `height` pixels (or
    {"step": px} per row), the title in lines above (vega_title), presenter-mode text sizes in its config.
    autosize fit-x with the padding: a fixed height otherwise left the title above the drawn area."""
    return {**({"title": vega_title(title, title_width)} if title else {}), "width": "container", "height": height,
            "autosize": {"type": "fit-x", "contains": "padding"}, "layer": layers, "config": vega_presenter_config()}


def vega_presenter_config() -> dict:
    """ui.presenter.vega_config() ({} outside the app): a Vega-Lite spec's `config` for this session."""
    try:
        from ui import presenter
        return presenter.vega_config()
    except Exception:  # pragma: no cover - outside the app
        return {}


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


# ------------------------------------------------------------------------------------------ corpus page
MAX_POINTS = 600          # a scatter of a whole vocabulary draws at most about this many points (SVG in the browser)


def thin_ranks(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices 0..n-1 to draw on a log axis: all when n is small, else the first ones and then
    log-spaced ranks (a log-log plot of 7,400 words looks the same with ~600, and draws 10x faster).

    >>> thin_ranks(5).tolist()
    [0, 1, 2, 3, 4]
    >>> r = thin_ranks(100_000); len(r) <= 600, int(r[0]), int(r[-1])
    (True, 0, 99999)
    """
    if n <= max_points:
        return np.arange(n)
    head = np.arange(max_points // 4)
    tail = np.unique(np.geomspace(max_points // 4 + 1, n, max_points - len(head)).astype(np.int64) - 1)
    return np.unique(np.concatenate([head, tail, [n - 1]]))


def zipf(words: Sequence[str], counts, *, n_labels: int = 8, height: int = 380,
         title: Optional[str] = None) -> VegaChart:
    """Count against rank on log-log axes (Vega-Lite); the most frequent words are named on the chart.

    data: part "point" (rank, count, word; thinned on the log axis by thin_ranks) and "label" (the first
    n_labels words).
    """
    counts = np.asarray(counts)
    idx = thin_ranks(len(counts))                                  # (m,) ranks drawn
    first = np.arange(min(4 * n_labels, len(words)))          # the most frequent words, named where there is room
    top = np.asarray(_apart(np.log10(first + 1), np.log10(np.maximum(counts[first], 1)), n_labels, 0.2, 0.1),
                     dtype=np.int64)
    rows = np.concatenate([idx, top])
    data = pa.table({"part": ["point"] * len(idx) + ["label"] * len(top),
                     "rank": (rows + 1).astype(np.int64), "count": counts[rows].astype(np.int64),
                     "word": pa.array([words[i] for i in rows], pa.string())})
    x = {"field": "rank", "type": "quantitative", "title": t("charts.zipf.x"), "scale": {"type": "log"}}
    y = {"field": "count", "type": "quantitative", "title": t("charts.zipf.y"), "scale": {"type": "log"}}
    layers = [
        {"transform": part_filter("point"), "mark": {"type": "circle", "size": 30, "color": INPUT, "opacity": 0.8},
         "encoding": {"x": x, "y": y, "tooltip": [{"field": "word", "title": t("charts.zipf.tip_word")},
                                                  {"field": "rank", "title": t("charts.zipf.tip_rank")},
                                                  {"field": "count", "title": t("charts.zipf.tip_count")}]}},
        {"transform": part_filter("label"), "mark": {"type": "text", "align": "left", "dx": 5, "dy": -7},
         "encoding": {"x": x, "y": y, "text": {"field": "word"}}},
    ]
    return VegaChart(data, vega_spec(title or t("charts.zipf.title"), layers, height - 70,
                                     title_width=2 * TITLE_WIDTH))


def keep_probability(words: Sequence[str], freqs, keep, sample: float, *, n_labels: int = 8,
                     height: int = 380) -> VegaChart:
    """p_keep against relative frequency f(w)/T (Vega-Lite), one point per distinct frequency, frequent words
    named; a dotted line at f/T = sample.

    data: part "point" (freq, keep, words = its first three words and how many more), "label" (the
    n_labels most frequent words) and "sample" (the line, with its label in `words`).
    """
    freqs, keep = np.asarray(freqs, dtype=np.float64), np.asarray(keep, dtype=np.float64)
    order = np.argsort(freqs, kind="stable")
    # words of the same frequency are one point (named by its first words): a few hundred points, not V
    _, first = np.unique(freqs[order], return_index=True)
    groups = np.split(order, first[1:])
    names = [", ".join(words[i] for i in g[:3]) + (f" (+{len(g) - 3})" if len(g) > 3 else "") for g in groups]
    at = np.array([g[0] for g in groups], dtype=np.int64)
    first = np.argsort(-freqs)[:4 * n_labels]                  # the most frequent words, named where there is room
    top = first[_apart(np.log10(freqs[first]), keep[first], n_labels, 0.2, 0.06)]
    line = [t("charts.keep.sample_line", sample=f"{sample:g}")] if sample > 0 else []
    data = pa.table({
        "part": ["point"] * len(at) + ["label"] * len(top) + ["sample"] * len(line),
        "freq": np.concatenate([freqs[at], freqs[top], [sample] * len(line)]),
        "keep": np.concatenate([keep[at], keep[top], [np.nan] * len(line)]),
        "words": pa.array(names + [words[i] for i in top] + line, pa.string()),
    })
    x = {"field": "freq", "type": "quantitative", "title": t("charts.keep.x"), "scale": {"type": "log"}}
    y = {"field": "keep", "type": "quantitative", "title": t("charts.keep.y"),
         "scale": {"domain": [0, 1.08], "nice": False}}
    layers = [
        {"transform": part_filter("point"),
         "mark": {"type": "line", "color": INPUT, "point": {"size": 30, "color": INPUT}},
         "encoding": {"x": x, "y": y,
                      "tooltip": [{"field": "words", "title": t("charts.keep.tip_words")},
                                  {"field": "freq", "format": ".4g", "title": t("charts.keep.tip_freq")},
                                  {"field": "keep", "format": ".3f", "title": t("charts.keep.tip_keep")}]}},
        # up and to the right of its point: above the falling curve
        {"transform": part_filter("label"), "mark": {"type": "text", "align": "left", "dx": 6, "dy": -7},
         "encoding": {"x": x, "y": y, "text": {"field": "words"}}},
        {"transform": part_filter("sample"), "mark": {"type": "rule", "strokeDash": [2, 3], "color": "#444444"},
         "encoding": {"x": x}},
        {"transform": part_filter("sample"),
         "mark": {"type": "text", "align": "left", "dx": 4, "y": 6, "baseline": "top", "color": "#444444"},
         "encoding": {"x": x, "text": {"field": "words"}}},
    ]
    return VegaChart(data, vega_spec(t("charts.keep.title"), layers, height - 70, title_width=2 * TITLE_WIDTH))


# ------------------------------------------------------------------------------------------ windows page
WINDOW_CODES = {0: "outside", 1: "cut", 2: "not_picked", 3: "used", 4: "center"}   # cell value -> text key


WINDOW_COLOURS = ["#ffffff", "#e0e0e0", "#c6dbef", "#1f77b4", "#ff7f0e"]          # by cell value, as WINDOW_CODES


def window_grid(tokens: Sequence[str], windows, *, height: Optional[int] = None) -> VegaChart:
    """One row per center (Vega-Lite): which positions are the center, the reduced window, the cut-off part.

    data: one row per cell: row (the center's position), col (the word's position), kind (what the cell
    is, as named in the hover: see WINDOW_CODES), word (the column's word), label (the word, written
    only in the cells of a window) and ink (its colour: white on the used and center cells). Cells are
    separated by white lines (each rect's stroke).
    """
    n = len(tokens)
    z = np.zeros((n, n), dtype=np.int64)                                                # (n, n) cell codes
    for w in windows:
        for j in w.full:
            z[w.center, j] = 1
        for j in w.reduced:
            z[w.center, j] = 2
        for j in w.used:
            z[w.center, j] = 3
        z[w.center, w.center] = 4
    names = [t(f"charts.window.{WINDOW_CODES[code]}") for code in range(len(WINDOW_CODES))]
    row_of, col_of = np.divmod(np.arange(n * n), max(n, 1))
    codes = z.ravel()
    data = pa.table({
        "row": row_of.astype(np.int64), "col": col_of.astype(np.int64),
        "kind": pa.array([names[c] for c in codes], pa.string()),
        "word": pa.array([tokens[j] for j in col_of], pa.string()),
        # the word written only in the cells of a window (an n x n grid of texts is what makes a browser slow)
        "label": pa.array([tokens[j] if c > 0 else "" for j, c in zip(col_of, codes)], pa.string()),
        "ink": pa.array(np.where(codes >= 3, "white", "black").tolist(), pa.string()),   # on the dark blue / orange
    })
    centers = [f"{tokens[w.center]} (r={w.radius})" for w in windows]
    x = {"field": "col", "type": "ordinal", "title": t("charts.window.x"),
         "axis": {"orient": "top", "labelExpr": labels_by_position(tokens),
                  "labelAngle": -60 if n > 10 else 0, "labelOverlap": False, "labelLimit": 120}}
    y = {"field": "row", "type": "ordinal", "title": t("charts.window.y"),
         "axis": {"labelExpr": labels_by_position(centers), "labelLimit": 200}}
    layers = [
        {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
         "encoding": {"x": x, "y": y,
                      "color": {"field": "kind", "type": "nominal", "legend": None,
                                "scale": {"domain": names, "range": WINDOW_COLOURS}},
                      "tooltip": [{"field": "word", "title": t("charts.window.tip_word")},
                                  {"field": "kind", "title": t("charts.window.tip_kind")}]}},
        # a word inside its cell when the cell is wide enough to hold a short one (else the axis and hover name it)
        {"transform": [{"filter": "datum.label != ''"}],
         "mark": {"type": "text", "baseline": "middle", "limit": {"expr": "bandwidth('x') - 2"},
                  "opacity": {"expr": "bandwidth('x') >= 26 ? 1 : 0"}},
         "encoding": {"x": x, "y": y, "text": {"field": "label"}, "color": INK}},
    ]
    return VegaChart(data, vega_spec("", layers, height if height is not None else {"step": 30}))


# ------------------------------------------------------------------------------------------ Huffman page
def huffman_tree(nodes, words: Sequence[str], *, path_nodes: Sequence[int] = (), target: Optional[int] = None,
                 node_text: Optional[Dict[int, str]] = None, height: Optional[int] = None) -> VegaChart:
    """Draw a tree laid out by lessons.tree.tree_layout (Vega-Lite); the target's path in green.

    node_text: extra label and hover text for internal nodes on the path (e.g. "σ=0.62") by node id.
    data: part "edge" (an elbow per parent -> child: x, y, x2, y2, hot = on the path), "bit" (the branch
    bit at each elbow: x, y, label), "node" and "leaf" (x, y, role = the legend's name of what it is,
    hot, label, tip = the hover text). Leaves are words, or a folded branch ("… 120 words").
    """
    pos = {n.key: n for n in nodes}
    on_path = {f"n{p}" for p in path_nodes}
    if target is not None:
        on_path.add(f"w{target}")
    node_text = node_text or {}
    path_name, inner_name, leaf_name = t("charts.tree.path"), t("charts.tree.inner"), t("charts.tree.leaf")
    target_name, folded_name = t("charts.tree.target"), t("charts.tree.folded_leaf")
    rows = []                      # (part, x, y, x2, y2, hot, role, label, tip)
    for n in nodes:
        if n.parent is None:
            continue
        p = pos[n.parent]
        hot = n.parent in on_path and n.key in on_path
        rows.append(("edge", p.x, p.y, p.x, n.y, hot, "", "", ""))             # down (or up) from the parent
        rows.append(("edge", p.x, n.y, n.x, n.y, hot, "", "", ""))             # across to the child
        if hot or len(nodes) <= 80:
            rows.append(("bit", p.x + 0.5, n.y, None, None, hot, "", str(n.bit), ""))
    for n in nodes:
        hot = n.key in on_path
        if n.key[0] == "n":
            node = int(n.key[1:])
            extra = node_text.get(node, "")
            rows.append(("node", n.x, n.y, None, None, hot, path_name if hot else inner_name,
                         extra if hot else "", t("charts.tree.node", id=node, n=n.n_words)
                         + (f", {extra}" if extra else "")))
        else:
            word = n.key[0] == "w"
            label = words[int(n.key[1:])] if word else t("charts.tree.folded", n=n.n_words)
            rows.append(("leaf", n.x, n.y, None, None, hot,
                         target_name if hot else (leaf_name if word else folded_name), label, label))
    part, x, y, x2, y2, hot, role, label, tip = zip(*rows) if rows else ((),) * 9
    data = pa.table({
        "part": pa.array(part, pa.string()),
        "x": np.asarray(x, dtype=np.float64), "y": np.asarray(y, dtype=np.float64),
        "x2": np.asarray([np.nan if v is None else v for v in x2], dtype=np.float64),
        "y2": np.asarray([np.nan if v is None else v for v in y2], dtype=np.float64),
        "hot": pa.array(hot, pa.bool_()), "role": pa.array(role, pa.string()),
        "label": pa.array(label, pa.string()), "tip": pa.array(tip, pa.string()),
    })
    depth = max(n.x for n in nodes) if nodes else 1
    n_leaves = sum(1 for n in nodes if n.key[0] in "wc")
    last = max((n.y for n in nodes), default=0.0)
    xs = {"field": "x", "type": "quantitative", "title": t("charts.tree.x"),
          "scale": {"domain": [-0.5, depth + 2.2], "nice": False},
          "axis": {"tickMinStep": 1, "format": "d", "grid": False}}
    ys = {"field": "y", "type": "quantitative", "title": None,
          "scale": {"domain": [last + 0.7, -0.7], "nice": False, "zero": False},
          "axis": None}
    colour = {"field": "role", "type": "nominal",
              "scale": {"domain": [path_name, target_name, inner_name, leaf_name, folded_name],
                        "range": [PATH, TARGET, "#999999", OTHER, "#dddddd"]},
              "legend": {"orient": "top", "title": None, "labelLimit": 260, "columns": 2}}

    on, off = {"filter": "datum.hot"}, {"filter": "!datum.hot"}          # on the target's path, or not
    tooltip = [{"field": "tip", "title": t("charts.tree.tip")}]
    layers = [
        {"transform": part_filter("edge", off), "mark": {"type": "rule", "color": "#bbbbbb", "strokeWidth": 1},
         "encoding": {"x": xs, "y": ys, "x2": {"field": "x2"}, "y2": {"field": "y2"}}},
        {"transform": part_filter("edge", on), "mark": {"type": "rule", "color": PATH, "strokeWidth": 4},
         "encoding": {"x": xs, "y": ys, "x2": {"field": "x2"}, "y2": {"field": "y2"}}},
        {"transform": part_filter("bit"), "mark": {"type": "text", "dy": -7, "color": "#555555"},
         "encoding": {"x": xs, "y": ys, "text": {"field": "label"}}},
        {"transform": part_filter("node", off), "mark": {"type": "square", "size": 45, "opacity": 1},
         "encoding": {"x": xs, "y": ys, "color": colour, "tooltip": tooltip}},
        {"transform": part_filter("node", on), "mark": {"type": "square", "size": 140, "opacity": 1},
         "encoding": {"x": xs, "y": ys, "color": colour, "tooltip": tooltip}},
        # sigma under the edge that enters the node (bits sit above the edges; the path leaves up or down)
        {"transform": part_filter("node", on), "mark": {"type": "text", "align": "right", "dx": -7, "dy": 11,
                                                   "color": PATH},
         "encoding": {"x": xs, "y": ys, "text": {"field": "label"}}},
        {"transform": part_filter("leaf", off), "mark": {"type": "circle", "size": 40, "opacity": 1},
         "encoding": {"x": xs, "y": ys, "color": colour, "tooltip": tooltip}},
        {"transform": part_filter("leaf", on), "mark": {"type": "circle", "size": 120, "opacity": 1},
         "encoding": {"x": xs, "y": ys, "color": colour, "tooltip": tooltip}},
        {"transform": part_filter("leaf"), "mark": {"type": "text", "align": "left", "dx": 9, "baseline": "middle"},
         "encoding": {"x": xs, "y": ys, "text": {"field": "label"},
                      "color": {"condition": {"test": "datum.hot", "value": TARGET}, "value": "#333333"}}},
    ]
    return VegaChart(data, vega_spec("", layers, height or max(240, 17 * n_leaves)))


def _apart(x, y, most: int, gap_x: float = 0.25, gap_y: float = 0.5) -> List[int]:
    """Indices of up to `most` points, in order, whose labels do not overlap: a point is skipped when a kept
    one is within gap_x along x and gap_y along y (in the axes' units: log10 of a count on log axes).

    >>> _apart([3.6, 3.2, 3.19, 3.1, 3.1], [4, 5, 5, 5, 6], most=6)
    [0, 1, 4]
    """
    kept: List[int] = []
    for i in range(len(x)):
        if len(kept) < most and all(abs(x[j] - x[i]) > gap_x or abs(y[j] - y[i]) > gap_y for j in kept):
            kept.append(i)
    return kept


def code_lengths(words: Sequence[str], counts, lengths, *, mean_length: float, height: int = 360) -> VegaChart:
    """Code length against word count: frequent words sit high in the tree (Vega-Lite).

    data: part "point" (one per distinct (count, length): count, length, words = its first three words
    and how many more), "word" (the 6 most frequent words, labelled) and "line" (the mean code length
    and log2 V, each with its label).
    """
    counts, lengths = np.asarray(counts), np.asarray(lengths)
    V = len(words)
    # words with the same count have the same code length or one bit apart: one point per (count, length),
    # named by its first words (a few hundred points for a 7,000-word vocabulary, not 7,000)
    pairs, inverse = np.unique(np.stack([counts, lengths], axis=1), axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    members = [[] for _ in range(len(pairs))]
    for i in range(V):
        if len(members[inverse[i]]) < 3:
            members[inverse[i]].append(words[i])
    sizes = np.bincount(inverse, minlength=len(pairs))
    names = [", ".join(m) + (f" (+{n - 3})" if n > 3 else "") for m, n in zip(members, sizes)]
    top = _apart([np.log10(max(c, 1)) for c in counts[:12]], lengths[:12], most=6)
    lines = [(float(mean_length), t("charts.codes.mean", mean=f"{mean_length:.2f}"), "mean"),
             (float(np.log2(max(V, 1))), f"log2 V = {np.log2(max(V, 1)):.2f}", "log2")]
    n_p, n_w = len(pairs), len(top)
    data = pa.table({
        "part": ["point"] * n_p + ["word"] * n_w + ["line"] * 2,
        "count": np.concatenate([pairs[:, 0], counts[top], [np.nan, np.nan]]).astype(np.float64),
        "length": np.concatenate([pairs[:, 1], lengths[top], [ln[0] for ln in lines]]).astype(np.float64),
        "words": pa.array(names + [words[i] for i in top] + [ln[1] for ln in lines], pa.string()),
        "line": pa.array([""] * (n_p + n_w) + [ln[2] for ln in lines], pa.string()),
    })
    x = {"field": "count", "type": "quantitative", "title": t("charts.codes.x"), "scale": {"type": "log"}}
    y = {"field": "length", "type": "quantitative", "title": t("charts.codes.y"), "scale": {"zero": False}}
    line_colour = {"field": "line", "type": "nominal", "scale": {"domain": ["mean", "log2"], "range": [PATH, TARGET]},
                   "legend": None}

    layers = [
        {"transform": part_filter("point"), "mark": {"type": "circle", "size": 45, "color": INPUT, "opacity": 0.7},
         "encoding": {"x": x, "y": y,
                      "tooltip": [{"field": "words", "title": t("charts.codes.tip_words")},
                                  {"field": "count", "title": t("charts.codes.tip_count")},
                                  {"field": "length", "title": t("charts.codes.tip_length")}]}},
        {"transform": part_filter("word"), "mark": {"type": "text", "dy": -9},
         "encoding": {"x": x, "y": y, "text": {"field": "words"}}},
        {"transform": part_filter("line"), "mark": {"type": "rule", "strokeDash": [5, 4], "strokeWidth": 1.5},
         "encoding": {"y": y, "color": line_colour}},
        # the mean's label at the left, log2 V's at the right: apart even when the two lines are close
        {"transform": part_filter("line", {"filter": {"field": "line", "equal": "mean"}}),
         "mark": {"type": "text", "align": "left", "x": 4, "dy": 10},
         "encoding": {"y": y, "text": {"field": "words"}, "color": line_colour}},
        {"transform": part_filter("line", {"filter": {"field": "line", "equal": "log2"}}),
         "mark": {"type": "text", "align": "right", "x": {"expr": "width - 4"}, "dy": 10},
         "encoding": {"y": y, "text": {"field": "words"}, "color": line_colour}},
    ]
    return VegaChart(data, vega_spec(t("charts.codes.title"), layers, height - 60, title_width=2 * TITLE_WIDTH))


# ------------------------------------------------------------------------------------------ negative sampling
def noise_distribution(words: Sequence[str], curves: Dict[str, np.ndarray], bars_name: str, *,
                       marks: Dict[int, str] = None, target: Optional[int] = None, height: int = 460,
                       show: Optional[Sequence[int]] = None) -> VegaChart:
    """P_n(w) per word (Vega-Lite): bars for the chosen exponent, lines for the reference exponents.

    marks: {word id: label} for the negatives drawn at the current step; target: the target word.
    show: the word ids to draw (all by default), in this order.
    data: part "bar" (pos = the bar's place, word, p, role: target / negative / other, curve), "curve"
    (pos, word, p, curve = the reference's name) and "mark" (pos, p = 1.25 x the bar, label: a drawn
    negative's word).
    """
    ids = list(range(len(words))) if show is None else list(show)
    n = len(ids)
    pos = np.arange(n, dtype=np.int64)
    labels = [words[i] for i in ids]
    marks = marks or {}
    role = ["target" if i == target else ("negative" if i in marks else "other") for i in ids]
    others = [name for name in curves if name != bars_name]
    marked = [(k, i) for k, i in enumerate(ids) if i in marks]
    bars = np.asarray(curves[bars_name], dtype=np.float64)
    data = pa.table({
        "part": ["bar"] * n + ["curve"] * (n * len(others)) + ["mark"] * len(marked),
        "pos": np.concatenate([pos, np.tile(pos, len(others)), np.array([k for k, _ in marked], np.int64)]),
        "word": pa.array(labels + labels * len(others) + [words[i] for _, i in marked], pa.string()),
        "p": np.concatenate([bars[ids]] + [np.asarray(curves[c], np.float64)[ids] for c in others]
                            + [bars[[i for _, i in marked]] * 1.25]),
        "role": pa.array(role + [""] * (n * len(others) + len(marked)), pa.string()),
        "curve": pa.array([bars_name] * n + [c for c in others for _ in range(n)] + [""] * len(marked), pa.string()),
        "label": pa.array([""] * (n + n * len(others)) + [marks[i] for _, i in marked], pa.string()),
    })
    step = max(1, n // 30)                                             # at most ~30 words named on the axis
    x = {"field": "pos", "type": "ordinal", "title": t("charts.noise.x"),
         "axis": {"values": list(range(0, n, step)), "labelExpr": labels_by_position(labels),
                  "labelAngle": -60, "labelOverlap": False}}
    values = data.column("p").to_numpy()
    values = values[np.isfinite(values) & (values > 0)]
    low = float(values.min()) / 2 if values.size else 1e-6             # the bars rise from here (a log axis has no 0)
    high = float(values.max()) * 1.6 if values.size else 1.0
    y = {"field": "p", "type": "quantitative", "title": t("charts.noise.y"),
         "scale": {"type": "log", "domain": [low, high], "nice": False}}
    tooltip = [{"field": "word", "title": t("charts.noise.tip_word")},
               {"field": "curve", "title": t("charts.noise.tip_curve")},
               {"field": "p", "format": ".4f", "title": "P_n(w)"}]
    line_colours = ["#2ca02c", "#9467bd", "#8c564b", "#e377c2"]
    dashes = [[2, 2], [6, 3], [10, 4], [6, 3, 2, 3]]
    legend = {"orient": "top", "title": None, "labelLimit": 300}
    layers = [
        {"transform": part_filter("bar"), "mark": {"type": "bar", "opacity": 0.9},
         "encoding": {"x": x, "y": y, "y2": {"datum": low}, "tooltip": tooltip,
                      "color": {"field": "role", "type": "nominal", "legend": None,
                                "scale": {"domain": ["target", "negative", "other"],
                                          "range": [TARGET, NEGATIVE, OTHER]}}}},
        # the reference exponents as lines, one legend entry each (colour and dash)
        {"transform": part_filter("curve"), "mark": {"type": "line", "strokeWidth": 2},
         "encoding": {"x": x, "y": y, "tooltip": tooltip,
                      "strokeDash": {"field": "curve", "type": "nominal", "legend": legend,
                                     "scale": {"domain": others, "range": dashes[:len(others)]}},
                      "stroke": {"field": "curve", "type": "nominal", "legend": legend,
                                 "scale": {"domain": others, "range": line_colours[:len(others)]}}}},
        {"transform": part_filter("mark"), "mark": {"type": "point", "shape": "triangle-down", "filled": True,
                                              "size": 90, "color": "black"},
         "encoding": {"x": x, "y": y}},
        {"transform": part_filter("mark"), "mark": {"type": "text", "dy": -12},
         "encoding": {"x": x, "y": y, "text": {"field": "label"}}},
    ]
    return VegaChart(data, vega_spec(t("charts.noise.title", bars=bars_name), layers, height - 150,
                                     title_width=2 * TITLE_WIDTH))

