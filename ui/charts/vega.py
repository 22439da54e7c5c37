"""Vega-Lite basics shared by the lesson charts: a chart as (data, spec), titles in lines, labels by position.

What it does: the VegaChart pair that st.vega_lite_chart draws, titles broken into lines that fit a column,
axes that name integer positions by words (so a word shown twice keeps two rows), the layered spec every
page draws (as wide as its column, presenter-mode text sizes in its config), the name a screen reader gives
each chart (`accessible`), the filters that pick one part of a chart's one table, and labels thinned so that
they do not overlap.
Why Vega-Lite: a Plotly chart cost the browser ~100-200 ms to draw in software and its bundle ~1.1 s to
load, which made pages miss 1 s on a 2-core machine (bench/CLASSROOM_RESULTS.md).
What it does not do: call Streamlit (the pages draw the charts).
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import List, NamedTuple, Sequence

import pyarrow as pa


class VegaChart(NamedTuple):
    """A Vega-Lite chart: `data` (a pyarrow table) and `spec`, for st.vega_lite_chart(data, spec)."""
    data: pa.Table
    spec: dict



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


def part_filter(part: str, *more: dict) -> list:
    """Vega-Lite transforms keeping the rows of one `part` of a chart's table (then the filters `more`)."""
    return [{"filter": {"field": "part", "equal": part}}, *more]


def vega_spec(title: str, layers: list, height, title_width: int = TITLE_WIDTH, description: str = "") -> dict:
    """A layered Vega-Lite spec as the pages draw it: as wide as its column, `height` pixels (or
    {"step": px} per row), the title in lines above (vega_title), presenter-mode text sizes in its config,
    named for screen readers by `description` or else the title (accessible).
    autosize fit-x with the padding: a fixed height otherwise left the title above the drawn area. 8 px of
    padding at the sides (Vega-Lite's default is 5): Vega sizes the axes by its estimate of the labels' width,
    which fell ~5 px short of a 16 px label in presenter mode, so the label's first letter was cut."""
    spec = {**({"title": vega_title(title, title_width)} if title else {}), "width": "container", "height": height,
            "autosize": {"type": "fit-x", "contains": "padding"}, "padding": {"left": 8, "right": 8, "top": 5, "bottom": 5},
            "layer": layers, "config": vega_presenter_config()}
    return accessible(spec, description or title)


def accessible(spec: dict, description: str) -> dict:
    """The spec with the name a screen reader announces for the chart (Vega-Lite's `description`: the <svg>'s
    aria-label; Plotly charts are named by their titles), its <br> breaks made spaces. A layer's mark that may
    draw nothing (a filter: some charts keep no row of a part) or has no hover text is hidden from screen
    readers (`aria: false`), text marks excepted: Vega gives a mark container with no described item the ARIA
    role graphics-symbol and no name (neither a layer's nor a mark's `description` reaches it), which axe-core
    reports as an image without a text alternative (svg-img-alt, serious). Axes, legends, texts and the
    hovered marks of unfiltered layers (heatmap cells, bars, lines) keep Vega-Lite's own descriptions.

    >>> s = accessible({"layer": [{"mark": "rule"}, {"mark": {"type": "point"}, "encoding": {"tooltip": []}},
    ...                           {"mark": "bar", "encoding": {"tooltip": []}, "transform": [{"filter": "datum.hot"}]}]},
    ...                "Loss<br>by update")
    >>> s["description"], [layer["mark"] for layer in s["layer"]]
    ('Loss by update', [{'type': 'rule', 'aria': False}, {'type': 'point'}, {'type': 'bar', 'aria': False}])
    """
    if not description:
        raise ValueError("every chart needs a title or a description for screen readers")

    def quiet(layer: dict) -> dict:
        if "layer" in layer:
            return {**layer, "layer": [quiet(inner) for inner in layer["layer"]]}
        mark = layer.get("mark")
        mark = {"type": mark} if isinstance(mark, str) else dict(mark or {})
        described = "tooltip" in layer.get("encoding", {}) and not layer.get("transform")
        if described or "aria" in mark or mark.get("type") == "text":
            return layer
        return {**layer, "mark": {**mark, "aria": False}}

    return {**spec, "description": " ".join(re.split(r"\s*<br\s*/?>\s*", description)),
            "layer": [quiet(layer) for layer in spec.get("layer", [])]}


def vega_presenter_config() -> dict:
    """ui.presenter.vega_config() ({} outside the app): a Vega-Lite spec's `config` for this session."""
    try:
        from ui import presenter
        return presenter.vega_config()
    except Exception:  # pragma: no cover - outside the app
        return {}


def apart(x, y, most: int, gap_x: float = 0.25, gap_y: float = 0.5) -> List[int]:
    """Indices of up to `most` points, in order, whose labels do not overlap: a point is skipped when a kept
    one is within gap_x along x and gap_y along y (in the axes' units: log10 of a count on log axes).

    >>> apart([3.6, 3.2, 3.19, 3.1, 3.1], [4, 5, 5, 5, 6], most=6)
    [0, 1, 4]
    """
    kept: List[int] = []
    for i in range(len(x)):
        if len(kept) < most and all(abs(x[j] - x[i]) > gap_x or abs(y[j] - y[i]) > gap_y for j in kept):
            kept.append(i)
    return kept
