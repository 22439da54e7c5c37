"""The Class page's chart: how the class answered one field of a poll, big enough to read from the back.

What it does: `answers_chart(bars, ...)` draws one bar per choice (or per range of numbers) with its count
written above it; after the reveal, the bar holding the measured answer is green and the others grey; on a
student's screen the bar of their own prediction carries "you". Text is large on every screen (a projector at
the back of a room) and larger still in presenter mode.
What it does not do: count answers (ui/class_room/rooms.py does) or call Streamlit.
"""

from __future__ import annotations

from typing import List, Optional

import pyarrow as pa

from ui.charts.style import INPUT, NEGATIVE, PATH, presenting
from ui.charts.vega import VegaChart, vega_title

FONT_PX = 18                # tick labels and counts on every screen (a projector)
PRESENTER_FONT_PX = 24      # ... in presenter mode
PHONE_FONT_PX = 13          # a student's screen (390 px wide)


def answers_chart(bars: List[dict], labels: List[str], title: str, count_title: str, measured: Optional[int] = None,
                  mine: Optional[int] = None, you: str = "you", height: int = 320, phone: bool = False) -> VegaChart:
    """bars: rooms.distribution(...) (each with "count"); labels: the bars' names as the reader reads them;
    measured / mine: the index of the bar with the measured answer / this reader's prediction, if any;
    phone: a student's screen (as narrow as a phone: bars across, smaller text, the title in short lines)."""
    font = PHONE_FONT_PX if phone else (PRESENTER_FONT_PX if presenting() else FONT_PX)
    colour = [NEGATIVE if measured is not None and i != measured else (PATH if i == measured else INPUT)
              for i in range(len(bars))]
    data = pa.table({"i": list(range(len(bars))), "label": labels, "count": [b["count"] for b in bars],
                     "colour": colour, "you": [you if i == mine else "" for i in range(len(bars))]})
    top = max([b["count"] for b in bars] + [1])
    names = {"field": "label", "type": "nominal", "sort": {"field": "i"}, "title": None,
             "axis": {"labelAngle": 0, "labelLimit": 150 if phone else 260, "labelFontSize": font}}
    counts = {"field": "count", "type": "quantitative", "title": count_title,
              "scale": {"domain": [0, top * (1.45 if phone else 1.25)]},
              "axis": {"tickMinStep": 1, "labelFontSize": font - 2, "titleFontSize": font - 2}}
    if phone:        # bars across a narrow screen: the choices' names stay whole, one per row
        pos, shift, you_shift = {"y": names, "x": counts}, {"dx": 4, "align": "left"}, {"dx": font * 2.4, "align": "left"}
    else:
        pos, shift, you_shift = {"x": names, "y": counts}, {"dy": -font * 0.7}, {"dy": -font * 2.2}
    layers = [
        {"mark": {"type": "bar", "cornerRadiusEnd": 4},
         "encoding": {**pos, "color": {"field": "colour", "type": "nominal", "scale": None}}},
        {"mark": {"type": "text", **shift, "fontSize": font + 6, "fontWeight": "bold"},
         "encoding": {**pos, "text": {"field": "count", "type": "quantitative"}}},
        {"mark": {"type": "text", **you_shift, "fontSize": font, "color": "#d62728", "fontWeight": "bold"},
         "encoding": {**pos, "text": {"field": "you", "type": "nominal"}}},
    ]
    spec = {**({"title": {**vega_title(title, 34 if phone else 60), "fontSize": font + 2}} if title else {}),
            "width": "container", "height": height, "autosize": {"type": "fit-x", "contains": "padding"}, "layer": layers}
    return VegaChart(data, spec)
