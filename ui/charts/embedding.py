"""The embedding picture and the live loss: labels that do not overlap, one Vega-Lite spec per corpus.

What it does: places the labels greedily so that no two overlap at the chart's size (the words left
without a label show on hover), builds the (data, spec) pair for st.vega_lite_chart of the projected words
(coloured by ui/charts/colouring.py), and the loss chart of the live view (each frame's mean loss, each
epoch's, the overall mean).
What it does not do: project (engine.projection does), or call Streamlit (the page draws the chart).

Why the spec never changes between frames: the live view swaps only the chart's data, which keeps
it fluid. Everything that moves (points, label places, trails, the axes' extent) is data; the axes'
extent is set by two invisible corner points, so the labels, placed in pixels, land where they were
placed.

    >>> place_labels(np.array([[0.0, 0.0], [0.01, 0.0]]), ["king", "queen"], [0, 1],
    ...              ((-1.0, 1.0), (-1.0, 1.0)), size=(400, 300))[0][0]
    0
"""

from __future__ import annotations

from functools import lru_cache
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pyarrow as pa

from ui.charts.colouring import Colouring, colouring
from ui.charts.style import presenting
from ui.charts.vega import accessible, part_filter, vega_presenter_config
from ui.i18n import current_language, t

# the chart, in pixels: what the label placement assumes (a 1280x720 screen with the sidebar open gives a
# plot area about 390 px wide next to the legend; a wider screen only gives the labels more room). Vega-Lite's height is the
# plot area's; the axes come on top of it.
CHART_HEIGHT = 350
# The placement assumes this plot area; a narrower column (1024 px: about 250 px) draws the points closer
# together than the labels were placed for (README: "at 1280 px").
PLOT_SIZE = (380, CHART_HEIGHT)            # width, height of the plot area (the chart minus axes and legend)
MARGIN_PX = (36, 14)              # room left around the points for labels at the edges
FONT_PX = 12                      # a word's label (presenter mode: PRESENTER_LABEL_PX, see label_px)
PRESENTER_LABEL_PX = 16
POINT_PX = 5                      # radius of a point (size 80 in Vega-Lite is about 5 px)


def label_order(words: Sequence[str], colour: Colouring, chosen: Sequence[str] = ()) -> List[int]:
    """Which words get a label first: the chosen ones (trails), then words with a group, then the rest,
    each in the order given (by frequency).

        >>> label_order(["the", "cat", "king"], Colouring("groups", [], [None, "a", "b"], [], [], ""), ["cat"])
        [1, 2, 0]
    """
    pos = {w: i for i, w in enumerate(words)}
    first = [pos[w] for w in chosen if w in pos]
    seen = set(first)
    grouped = [i for i, g in enumerate(colour.group) if g is not None and i not in seen]
    rest = [i for i in range(len(words)) if i not in seen and colour.group[i] is None]
    return first + grouped + rest


# ---------------------------------------------------------------- where the labels go


@lru_cache(maxsize=20_000)
def text_width(text: str, font_px: float = FONT_PX) -> float:
    """Estimated width in pixels of `text` in a sans-serif font: CJK characters are square (one em),
    Latin letters about 0.58 em on average.

        >>> text_width("king", 10), text_width("国王", 10)
        (23.2, 20.0)
    """
    w = 0.0
    for ch in text:
        o = ord(ch)
        wide = 0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF
        w += font_px * (1.0 if wide else 0.58)
    return round(w, 6)


def view_domain(coords: np.ndarray, size: Tuple[int, int] = PLOT_SIZE, margin_px: Tuple[int, int] = MARGIN_PX
                ) -> Tuple[Tuple[float, float], Tuple[float, float]]:
    """((x0, x1), (y0, y1)) that hold every point with `margin_px` to spare and one data unit the same
    number of pixels on both axes (so distances on screen are the distances PCA kept).

        >>> [[round(v, 9) for v in axis] for axis in view_domain(np.array([[0., 0.], [2., 1.]]), (220, 120), (10, 10))]
        [[-0.1, 2.1], [-0.1, 1.1]]
    """
    c = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    if len(c) == 0:
        return (-1.0, 1.0), (-1.0, 1.0)
    lo, hi = c.min(axis=0), c.max(axis=0)
    mid = (lo + hi) / 2
    W, H = size
    span = np.maximum(hi - lo, 1e-9)
    per_px = max(span[0] / max(W - 2 * margin_px[0], 1), span[1] / max(H - 2 * margin_px[1], 1))
    half = np.array([W, H]) * per_px / 2
    return ((float(mid[0] - half[0]), float(mid[0] + half[0])), (float(mid[1] - half[1]), float(mid[1] + half[1])))


def place_labels(coords: np.ndarray, texts: Sequence[str], order: Sequence[int], domain, size=PLOT_SIZE,
                 max_labels: int = 40, font_px: float = FONT_PX, point_px: float = POINT_PX, must: int = 0
                 ) -> List[Tuple[int, float, float]]:
    """Greedy label placement: [(row, dx, dy)]: the centre of the row's label is dx pixels right of and dy
    pixels below the row's point (pixel offsets stay right whatever width the browser gives the chart).

    For each row in `order` (most wanted first) until max_labels are placed, try eight spots around its
    point (right, left, above, below, then the corners); a spot is allowed when its box lies inside the
    plot, overlaps no label placed before and covers no other point (a label never hides a word); the first
    allowed spot wins. A row with no allowed spot gets no label (its word shows on hover). The first `must`
    rows of `order` (the words with a trail) may cover other points when nothing else fits (the fewest wins).
    domain: ((x0, x1), (y0, y1)) of the axes; size: the plot area in pixels.
    """
    (x0, x1), (y0, y1) = domain
    W, H = size
    c = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    px = (c[:, 0] - x0) / max(x1 - x0, 1e-12) * W                       # (n,) pixels from the left
    py = (y1 - c[:, 1]) / max(y1 - y0, 1e-12) * H                       # (n,) pixels from the top
    h = font_px + 2.0
    r = point_px + 2.0
    # the eight spots: (dx, dy) of the box centre from the point, in units of (w/2 + r, h/2 + r)
    sx = np.array([1.0, -1.0, 0.0, 0.0, 1.0, -1.0, 1.0, -1.0])
    sy = np.array([0.0, 0.0, -1.0, 1.0, -1.0, -1.0, 1.0, 1.0])
    diag = np.array([1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5])          # corners: closer in
    order = np.asarray(list(order), dtype=np.int64)
    boxes = np.empty((min(len(order), max_labels), 4))                  # placed boxes x0, y0, x1, y1
    n_placed = 0
    far = len(c) + 1                                                    # "covers" more points than there are
    out: List[Tuple[int, float, float]] = []
    chunk = 48                    # the candidates' spots, their fit in the plot and the points they cover, 48 rows at once
    for start in range(0, len(order), chunk):
        rows = order[start:start + chunk]                               # (k,)
        w = np.array([text_width(texts[i], font_px) for i in rows]) + 2.0            # (k,)
        cx = px[rows, None] + sx * (w[:, None] / 2 + r * diag)          # (k, 8) box centres
        cy = py[rows, None] + sy * (h / 2 + r * diag)
        bx0, bx1 = cx - w[:, None] / 2, cx + w[:, None] / 2             # (k, 8) each
        by0, by1 = cy - h / 2, cy + h / 2
        inside = (bx0 >= 0) & (by0 >= 0) & (bx1 <= W) & (by1 <= H)
        covered = ((px > bx0[..., None] - point_px) & (px < bx1[..., None] + point_px) &
                   (py > by0[..., None] - point_px) & (py < by1[..., None] + point_px))             # (k, 8, n)
        covered[np.arange(len(rows)), :, rows] = False                  # its own point is beside it, not under it
        n_covered = covered.sum(axis=2)                                 # (k, 8)
        free = n_covered == 0
        keep_all = (start + np.arange(len(rows)) < must)[:, None]       # a trail's word: fewest covered if need be
        inside &= free | (keep_all & ~free.any(axis=1, keepdims=True))  # otherwise a spot on another point is refused
        score = np.where(inside, n_covered, far)
        for k, i in enumerate(rows):
            if n_placed >= max_labels:
                return out
            ok = inside[k]
            if n_placed:
                P = boxes[:n_placed]
                hit = ((P[:, 0] < bx1[k, :, None]) & (P[:, 2] > bx0[k, :, None]) &
                       (P[:, 1] < by1[k, :, None]) & (P[:, 3] > by0[k, :, None]))   # (8, p)
                ok = ok & ~hit.any(axis=1)
            if not ok.any():
                continue
            j = int(np.argmin(np.where(ok, score[k], far)))             # fewest points covered, first on a tie
            boxes[n_placed] = (bx0[k, j], by0[k, j], bx1[k, j], by1[k, j])
            n_placed += 1
            out.append((int(i), float(cx[k, j] - px[i]), float(cy[k, j] - py[i])))
    return out


def chart_domain(coords: np.ndarray, ranges=None):
    """((x0, x1), (y0, y1)) of the chart: fixed `ranges` (scrubbing), else view_domain(coords)."""
    if ranges is not None:
        return ((float(ranges[0][0]), float(ranges[0][1])), (float(ranges[1][0]), float(ranges[1][1])))
    return view_domain(coords)


def label_px() -> int:
    """The labels' font size: FONT_PX, or PRESENTER_LABEL_PX (16 px) in presenter mode."""
    return PRESENTER_LABEL_PX if presenting() else FONT_PX


def label_spots(words: Sequence[str], coords: np.ndarray, colour: Colouring, n_labels: int = 40,
                chosen: Sequence[str] = (), ranges=None) -> List[Tuple[int, float, float]]:
    """[(row, dx, dy)]: which words of the chart get a label and where (place_labels in label_order, on
    the chart's domain, for labels of label_px()). The live view reuses one placement for a few frames:
    the offsets are in pixels from each point, so a label moves with its word in between."""
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    return place_labels(coords, words, label_order(words, colour, chosen), chart_domain(coords, ranges),
                        max_labels=n_labels, font_px=label_px(), must=len(set(chosen) & set(words)))


# ---------------------------------------------------------------- the chart
def projection_chart(words: Sequence[str], coords: np.ndarray, hover: Sequence[str], colour: Colouring,
                     n_labels: int = 40, trails: Optional[dict] = None, ranges=None, chosen: Sequence[str] = (),
                     axis_titles: Optional[Tuple[str, str]] = None, height: int = CHART_HEIGHT,
                     lang: Optional[str] = None, labels: Optional[Sequence[Tuple[int, float, float]]] = None):
    """(data, spec) for st.vega_lite_chart: points coloured by group (or band), readable labels, trails.

    data: ONE pyarrow table (one Arrow conversion per frame, not four), its rows told apart by `part`:
    "point" (one per word: x, y, word, group = its category as shown, grouped, nearest), "label" (x, y
    of the word's point, dx, dy the label's offset in pixels, word, group; the chosen words first),
    "corner" (the axes' extent) and "trail" (x, y, word, group, t: drawn in the word's colour, ending at
    its labelled point); each layer of the spec filters its part. `parts(data)` splits it back.
    ranges: fixed ((x0, x1), (y0, y1)) axes (scrubbing); otherwise the axes hold the points with one
    scale for both axes. labels: a placement from label_spots (default: placed now; rows beyond the
    words given are dropped).
    """
    lang = lang or current_language()
    axis_titles = axis_titles or (t("embedding.axis_1", lang), t("embedding.axis_2", lang))
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    n = len(words)
    grouped = [g is not None for g in colour.group] if colour.kind == "groups" else [True] * n
    nearest = [h.split("nearest:<br>")[-1].replace("<br>", ", ") for h in hover]
    domain = chart_domain(coords, ranges)
    if labels is None:
        spots = label_spots(words, coords, colour, n_labels, chosen, ranges)
    else:
        spots = [s for s in labels if s[0] < n][:n_labels]
    rows_l = [s[0] for s in spots]
    category = dict(zip(words, colour.category))
    trail_rows = [(float(x), float(y), w, category.get(w, colour.domain[-1]), k)
                  for w, path in (trails or {}).items() for k, (x, y) in enumerate(path)]
    m, nt = len(rows_l), len(trail_rows)
    part = ["point"] * n + ["label"] * m + ["corner"] * 2 + ["trail"] * nt
    # a pyarrow table, not a pandas frame: Streamlit sends Arrow anyway, and building it directly costs a
    # fraction of pandas' construction and conversion (the live view builds one ~10 times a second)
    data = pa.table({
        "part": part,
        "x": np.concatenate([coords[:, 0], coords[rows_l, 0], [domain[0][0], domain[0][1]],
                             [r[0] for r in trail_rows]]),
        "y": np.concatenate([coords[:, 1], coords[rows_l, 1], [domain[1][0], domain[1][1]],
                             [r[1] for r in trail_rows]]),
        "word": list(words) + [words[i] for i in rows_l] + ["", ""] + [r[2] for r in trail_rows],
        "group": list(colour.category) + [colour.category[i] for i in rows_l] + ["", ""]
        + [r[3] for r in trail_rows],
        "grouped": grouped + [True] * (m + 2 + nt),
        "nearest": nearest + [""] * (m + 2 + nt),
        "dx": np.concatenate([np.zeros(n), [s[1] for s in spots], np.zeros(2 + nt)]),
        "dy": np.concatenate([np.zeros(n), [s[2] for s in spots], np.zeros(2 + nt)]),
        "t": np.concatenate([np.zeros(n + m + 2, dtype=np.int64), np.array([r[4] for r in trail_rows], np.int64)]),
    })

    scale = {"zero": False, "nice": False}
    xs = {"field": "x", "type": "quantitative", "title": axis_titles[0], "scale": scale}
    ys = {"field": "y", "type": "quantitative", "title": axis_titles[1], "scale": scale}
    if ranges is not None:
        xs = {**xs, "scale": {**scale, "clip": True}}
        ys = {**ys, "scale": {**scale, "clip": True}}
    # one colour scale and one legend, the same in every layer (a layer with legend None would hide it)
    colour_enc = {"field": "group", "type": "nominal", "scale": {"domain": colour.domain, "range": colour.colours},
                  "legend": {"title": colour.title, "orient": "right", "labelLimit": 120}}
    font = label_px()
    spec = {
        "height": height,
        "config": vega_presenter_config(),
        "layer": [
            {"transform": part_filter("corner"), "mark": {"type": "point", "opacity": 0},
             "encoding": {"x": xs, "y": ys}},
            {"transform": part_filter("trail"), "mark": {"type": "line", "point": {"size": 10}, "strokeWidth": 1.2,
                                                  "opacity": 0.55},
             "encoding": {"x": xs, "y": ys, "order": {"field": "t"}, "detail": {"field": "word"},
                          "color": colour_enc}},
            {"transform": part_filter("point"), "mark": {"type": "circle"},
             "encoding": {"x": xs, "y": ys,
                          "color": colour_enc,
                          "size": {"field": "grouped", "type": "nominal", "scale": {"domain": [True, False],
                                                                                     "range": [80, 30]},
                                   "legend": None},
                          "opacity": {"field": "grouped", "type": "nominal",
                                      "scale": {"domain": [True, False], "range": [0.9, 0.45]}, "legend": None},
                          "tooltip": [{"field": "word", "title": t("embedding.tip_word", lang)},
                                      {"field": "group", "title": t("embedding.tip_group", lang)},
                                      {"field": "nearest", "title": t("embedding.tip_nearest", lang)}]}},
            {"transform": part_filter("label"),                 # a white halo under each label, so it reads over lines
             "mark": {"type": "text", "fontSize": font, "align": "center", "baseline": "middle",
                      "dx": {"expr": "datum.dx"}, "dy": {"expr": "datum.dy"}, "stroke": "white", "strokeWidth": 3,
                      "strokeOpacity": 0.85, "fill": "white"},
             "encoding": {"x": xs, "y": ys, "text": {"field": "word"}}},
            {"transform": part_filter("label"),
             "mark": {"type": "text", "fontSize": font, "align": "center", "baseline": "middle",
                      "dx": {"expr": "datum.dx"}, "dy": {"expr": "datum.dy"}},
             "encoding": {"x": xs, "y": ys, "text": {"field": "word"},
                          "color": colour_enc}},
        ],
    }
    return data, accessible(spec, t("embedding.chart_description", lang))


def parts(data) -> dict:
    """{part: its rows as a pandas frame} of projection_chart's one table (a pyarrow table, or the pandas
    frame a test reads back from the page): "point", "label", "corner", "trail" (for tests and readers; the
    browser filters the same way)."""
    frame = data.to_pandas() if isinstance(data, pa.Table) else data
    return {name: rows.reset_index(drop=True) for name, rows in frame.groupby("part", sort=False)}


def projection_vega(words, coords, hover, counts=None, n_labels: int = 40, trails=None, ranges=None,
                    axis_titles=None, height: int = CHART_HEIGHT, colour=None, chosen=(), labels=None):
    """(data, spec) for st.vega_lite_chart: the words as points coloured by `colour` (a
    colouring.Colouring; default: by frequency band from counts), labels that do not overlap,
    trails; hover = word, group, nearest neighbours. See projection_chart.

    The spec stays the same from frame to frame (the page writes the changing title above the chart),
    so the browser only swaps the data of a canvas instead of rebuilding a figure: this is what keeps
    the live view fluid. ranges: fixed ((x0, x1), (y0, y1)) axes, e.g. to compare snapshots. labels: a
    placement from label_spots to reuse (default: placed now).
    """
    if colour is None:
        colour = colouring(words, {}, counts)
    chosen = list(chosen) or list(trails or {})
    return projection_chart(words, coords, hover, colour, n_labels, trails, ranges, chosen, axis_titles, height,
                            labels=labels)


LOSS_POINTS = 300            # the loss chart draws at most ~this many frame points (a long Play thins the old ones)


def thinned(rows: Sequence, most: int = LOSS_POINTS) -> list:
    """Every k-th of `rows` (k a power of two, the smallest giving at most `most`) and always the last:
    the same rows stay from frame to frame until k doubles, so the curve does not flicker as it grows.

    >>> thinned(list(range(10)), 4)
    [0, 4, 8, 9]
    """
    step = 1
    while len(rows) > most * step:
        step *= 2
    out = list(rows[::step])
    if rows and (len(rows) - 1) % step:
        out.append(rows[-1])
    return out


def loss_vega(live, height: int = 200):
    """(data, spec) of the live view's loss chart (live: its LiveState): each frame's mean loss (thinned to
    ~LOSS_POINTS), each epoch's mean, and the overall mean (one table)."""
    m = live.model
    frame_curve, epoch_curve = t("embedding.loss_frame_curve"), t("embedding.loss_epoch_curve")
    rows = [(step, loss, frame_curve, "") for step, loss in thinned(live.frame_loss)]
    done = 0
    for _, (total, n) in m.loss_sums.items():
        done += n
        if n:
            rows.append((done, total / n, epoch_curve, ""))
    overall = m.mean_loss()
    if np.isfinite(overall):
        rows.append((done, overall, "overall", t("embedding.loss_overall_label", loss=f"{overall:.4f}")))
    update, loss, curve, label = zip(*rows) if rows else ((), (), (), ())
    data = pa.table({"update": np.asarray(update, dtype=np.int64), "loss": np.asarray(loss, dtype=np.float64),
                     "curve": pa.array(curve, pa.string()), "label": pa.array(label, pa.string())})
    x = {"field": "update", "type": "quantitative", "title": t("embedding.loss_x")}
    y = {"field": "loss", "type": "quantitative", "title": t("embedding.loss_y"), "scale": {"zero": False}}
    spec = {
        "height": height,
        "config": vega_presenter_config(),
        "layer": [
            {"transform": [{"filter": {"field": "curve", "oneOf": [frame_curve, epoch_curve]}}],
             "mark": {"type": "line", "point": {"size": 30}},
             "encoding": {"x": x, "y": y,
                          "color": {"field": "curve", "type": "nominal",
                                    "legend": {"orient": "top", "title": None, "labelLimit": 400},
                                    "scale": {"domain": [epoch_curve, frame_curve], "range": ["#08519c", "#9ecae1"]}},
                          "tooltip": [{"field": "update", "title": x["title"]},
                                      {"field": "loss", "format": ".4f", "title": y["title"]},
                                      {"field": "curve", "title": t("embedding.loss_tip_curve")}]}},
            {"transform": [{"filter": {"field": "curve", "equal": "overall"}}],
             "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#e6550d"},
             "encoding": {"y": y}},
            {"transform": [{"filter": {"field": "curve", "equal": "overall"}}],
             "mark": {"type": "text", "align": "right", "dy": -8, "x": "width", "color": "#e6550d"},
             "encoding": {"y": y, "text": {"field": "label"}}},
        ],
    }
    return data, accessible(spec, t("embedding.loss_description"))
