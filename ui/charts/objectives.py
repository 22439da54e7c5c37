"""The pictures of the two cheaper outputs as Vega-Lite: the Huffman tree, code lengths, the noise distribution.

What it does: draws a tree laid out by lessons.tree.tree_layout with one word's path in green, the code
length of every word against its count (frequent words sit high in the tree), and P_n(w) for the chosen
exponent with the reference exponents as lines and the negatives of the current step marked.
What it does not do: compute the tree, the codes or the distribution (the engine and lessons/ do), or
call Streamlit.
"""

from __future__ import annotations

from typing import Dict, Optional, Sequence

import numpy as np
import pyarrow as pa

from ui.charts.style import INPUT, NEGATIVE, OTHER, PATH, TARGET
from ui.charts.vega import TITLE_WIDTH, VegaChart, apart, labels_by_position, part_filter, vega_spec
from ui.i18n import t


def huffman_tree(nodes, words: Sequence[str], *, path_nodes: Sequence[int] = (), target: Optional[int] = None,
                 node_text: Optional[Dict[int, str]] = None, height: Optional[int] = None,
                 hot_words: Sequence[int] = (), path_name: Optional[str] = None, target_name: Optional[str] = None,
                 all_text: bool = False) -> VegaChart:
    """Draw a tree laid out by lessons.tree.tree_layout (Vega-Lite); the target's path in green.

    node_text: extra label and hover text for internal nodes on the path (e.g. "σ=0.62") by node id
    (all_text: on every internal node). hot_words: more words drawn hot (e.g. the two a merge joined);
    path_name / target_name: the legend's names of the hot nodes and words (default: path, target).
    data: part "edge" (an elbow per parent -> child: x, y, x2, y2, hot = on the path), "bit" (the branch
    bit at each elbow: x, y, label), "node" and "leaf" (x, y, role = the legend's name of what it is,
    hot, label, tip = the hover text). Leaves are words, or a folded branch ("… 120 words").
    """
    pos = {n.key: n for n in nodes}
    on_path = {f"n{p}" for p in path_nodes} | {f"w{w}" for w in hot_words}
    if target is not None:
        on_path.add(f"w{target}")
    node_text = node_text or {}
    path_name, inner_name, leaf_name = path_name or t("charts.tree.path"), t("charts.tree.inner"), t("charts.tree.leaf")
    target_name, folded_name = target_name or t("charts.tree.target"), t("charts.tree.folded_leaf")
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
                         extra if hot or all_text else "", t("charts.tree.node", id=node, n=n.n_words)
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
        {"transform": part_filter("node", *([] if all_text else [on])), "mark": {"type": "text", "align": "right",
                                                                          "dx": -7, "dy": 11, "color": PATH},
         "encoding": {"x": xs, "y": ys, "text": {"field": "label"}}},
        {"transform": part_filter("leaf", off), "mark": {"type": "circle", "size": 40, "opacity": 1},
         "encoding": {"x": xs, "y": ys, "color": colour, "tooltip": tooltip}},
        {"transform": part_filter("leaf", on), "mark": {"type": "circle", "size": 120, "opacity": 1},
         "encoding": {"x": xs, "y": ys, "color": colour, "tooltip": tooltip}},
        {"transform": part_filter("leaf"), "mark": {"type": "text", "align": "left", "dx": 9, "baseline": "middle"},
         "encoding": {"x": xs, "y": ys, "text": {"field": "label"},
                      "color": {"condition": {"test": "datum.hot", "value": TARGET}, "value": "#333333"}}},
    ]
    return VegaChart(data, vega_spec("", layers, height or max(240, 17 * n_leaves),
                                     description=t("charts.tree.description")))


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
    top = apart([np.log10(max(c, 1)) for c in counts[:12]], lengths[:12], most=6)
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

    marks: {word id: label} for the negatives drawn at the current step (a triangle each; the page names
    them beside the chart); target: the target word.
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
    # horizontal names, and Vega-Lite drops a name that would touch its neighbour ("greedy"): rotated names
    # ran together in Chinese, where a word is as wide as its characters
    x = {"field": "pos", "type": "ordinal", "title": t("charts.noise.x"),
         "axis": {"values": list(range(0, n, step)), "labelExpr": labels_by_position(labels),
                  "labelAngle": 0, "labelOverlap": "greedy", "labelSeparation": 6}}
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
    legend = {"orient": "bottom", "direction": "vertical", "title": None, "labelLimit": 0}   # one per line: never cut
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
        # the drawn negatives: a small triangle over each bar; their words are said beside the chart (the words
        # written over neighbouring bars ran into each other)
        {"transform": part_filter("mark"), "mark": {"type": "point", "shape": "triangle-down", "filled": True,
                                              "size": 40, "color": "black"},
         "encoding": {"x": x, "y": y, "tooltip": [{"field": "label", "title": t("charts.noise.tip_word")}]}},
    ]
    return VegaChart(data, vega_spec(t("charts.noise.title", bars=bars_name), layers, height - 150,
                                     title_width=2 * TITLE_WIDTH))


def pmi_scatter(target: np.ndarray, dots: np.ndarray, *, title: str, x_title: str, y_title: str,
                max_points: int = 2000, height: int = 300) -> VegaChart:
    """W_in[w] . W_out[c] (y) against PMI(w, c) - log k (x) for co-occurring pairs, with the line y = x that
    the theorem's optimum lies on (Vega-Lite). Beyond max_points pairs, an evenly spaced subset is drawn.

    data: part "pair" (x, y) and part "line" (x, y, x2, y2: the diagonal over the drawn range).
    """
    target, dots = np.asarray(target, np.float64), np.asarray(dots, np.float64)
    if len(target) > max_points:
        keep = np.linspace(0, len(target) - 1, max_points).astype(int)
        target, dots = target[keep], dots[keep]
    both = np.concatenate([target, dots]) if len(target) else np.zeros(2)
    lo, hi = float(both.min()), float(both.max())
    part = ["pair"] * len(target) + ["line"]
    data = pa.table({"part": pa.array(part, pa.string()),
                     "x": np.concatenate([target, [lo]]), "y": np.concatenate([dots, [lo]]),
                     "x2": np.concatenate([np.full(len(target), np.nan), [hi]]),
                     "y2": np.concatenate([np.full(len(target), np.nan), [hi]])})
    xs = {"field": "x", "type": "quantitative", "title": x_title, "scale": {"zero": False}}
    ys = {"field": "y", "type": "quantitative", "title": y_title, "scale": {"zero": False}}
    layers = [
        {"transform": part_filter("line"), "mark": {"type": "rule", "color": "#888888", "strokeDash": [4, 4]},
         "encoding": {"x": xs, "y": ys, "x2": {"field": "x2"}, "y2": {"field": "y2"}}},
        {"transform": part_filter("pair"), "mark": {"type": "circle", "size": 18, "opacity": 0.45, "color": INPUT},
         "encoding": {"x": xs, "y": ys,
                      "tooltip": [{"field": "x", "title": x_title, "format": ".2f"},
                                  {"field": "y", "title": y_title, "format": ".2f"}]}},
    ]
    return VegaChart(data, vega_spec(title, layers, height))
