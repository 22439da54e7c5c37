"""The lesson pictures of Home, Corpus and Windows as Vega-Lite: heatmaps, Zipf, keep probability, the window grid.

What it does: turns arrays and the words that label them into VegaCharts (data: a pyarrow table, spec),
drawn on a canvas with st.vega_lite_chart, with titled, labelled axes and the words on the axes or in the
hover text. A scatter of a whole vocabulary is thinned on its log axis (thin_ranks) so that it stays small
for the browser and loses nothing it shows.
What it does not do: compute anything about the model (the engine and lessons/ do), or call Streamlit.

    >>> chart = heatmap([[1.0, 0.0]], ["king"], title="one row")
    >>> chart.data.num_rows, chart.spec["layer"][0]["mark"]["type"]
    (2, 'rect')
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np
import pyarrow as pa

from ui.charts.style import INPUT
from ui.charts.vega import INK, VegaChart, apart, labels_by_position, part_filter, vega_spec, TITLE_WIDTH
from ui.i18n import t

HEATMAP_ROW_PX = 26          # one heatmap row's height (Vega-Lite's ordinal step)


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
        scale = {"scheme": "redblue", "reverse": True, "domain": [lo, hi], "clamp": True}   # beyond zmin/zmax: the end colours
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
    y = {"field": "row", "type": "ordinal", "title": y_title or None,            # every row named (presenter mode's
         "axis": {"labelExpr": labels_by_position(rows), "labelLimit": 260, "labelOverlap": False}}   # 16 px hid some)
    layers = [
        {"mark": {"type": "rect"},
         "encoding": {"x": x, "y": y,
                      "color": {"field": "value", "type": "quantitative", "scale": scale,
                                "legend": {"title": colorbar_title or t("charts.value"), "format": ".2~g", "titlePadding": 14,
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
    top = np.asarray(apart(np.log10(first + 1), np.log10(np.maximum(counts[first], 1)), n_labels, 0.2, 0.1),
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


SAMPLE_LABEL_ROOM = 0.35      # share of the (log) frequency axis left of the sample line that its label needs


def sample_label_side(freqs, sample: float) -> str:
    """Which side of the f/T = sample line its label goes (at the bottom of the chart): "left", where the curve
    stays at p_keep = 1 along the top, when at least SAMPLE_LABEL_ROOM of the log axis lies left of the line;
    "right" otherwise (the bottom right is empty too, unless words are far more frequent than sample).

    >>> sample_label_side([1e-6, 1e-1], 1e-3), sample_label_side([5e-4, 1e-1], 1e-3)
    ('left', 'right')
    """
    f = np.asarray(freqs, dtype=np.float64)
    f = f[f > 0]
    if sample <= 0 or not len(f):
        return "right"
    lo, hi = math.log10(min(f.min(), sample)), math.log10(max(f.max(), sample))
    return "left" if hi > lo and (math.log10(sample) - lo) / (hi - lo) >= SAMPLE_LABEL_ROOM else "right"


def keep_probability(words: Sequence[str], freqs, keep, sample: float, *, n_labels: int = 8,
                     height: int = 380) -> VegaChart:
    """p_keep against relative frequency f(w)/T (Vega-Lite), one point per distinct frequency, frequent words
    named; a dotted line at f/T = sample, labelled at the bottom where no point is (sample_label_side).

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
    top = first[apart(np.log10(freqs[first]), keep[first], n_labels, 0.2, 0.06)]
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
        # at the bottom, where no point is: left of the line every word is kept (p_keep = 1 below f/T = 2.6 s,
        # so the curve runs along the top there); right of it when the line is too near the axis's left end
        {"transform": part_filter("sample"),
         "mark": {"type": "text", "baseline": "bottom", "color": "#444444", "dy": -4,
                  **({"align": "right", "dx": -4} if sample_label_side(freqs, sample) == "left"
                     else {"align": "left", "dx": 4})},
         "encoding": {"x": x, "y": {"datum": 0, "type": "quantitative"}, "text": {"field": "words"}}},
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
    return VegaChart(data, vega_spec("", layers, height if height is not None else {"step": 30},
                                     description=t("charts.window.description")))
