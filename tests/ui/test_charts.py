"""ui/charts/ (lesson.py, objectives.py, vega.py): the scatters of a whole vocabulary stay small for the browser and lose nothing they show;
each Vega-Lite chart's table holds what the picture shows (cells, labels, the tree's path, the lines)."""

import numpy as np

from tests.conftest import heatmap_matrix
from ui.charts import lesson as charts
from ui.charts import objectives as objective_charts
from ui.charts import vega
from ui.i18n import t


def big_vocabulary(V: int = 7400, seed: int = 0):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.zipf(1.4, size=V))[::-1].clip(1, 50_000)            # (V,) descending, many ties
    words = [f"w{i}" for i in range(V)]
    return words, counts


def test_zipf_draws_at_most_max_points_with_the_first_and_last_ranks():
    words, counts = big_vocabulary()
    table = charts.zipf(words, counts).data.to_pandas()
    points = table[table["part"] == "point"]
    rank = points["rank"].tolist()
    assert len(points) <= charts.MAX_POINTS
    assert rank[0] == 1 and rank[-1] == len(words)                             # the ends of the curve
    assert rank[:100] == list(range(1, 101))                                   # the head in full
    assert all(c == counts[r - 1] and w == words[r - 1] for r, c, w in zip(rank, points["count"], points["word"]))
    labels = table[table["part"] == "label"]
    assert 1 <= len(labels) <= 8 and labels["word"].iloc[0] == words[0]        # the most frequent word named


def test_keep_probability_is_one_point_per_distinct_frequency():
    words, counts = big_vocabulary()
    freqs = counts / counts.sum()
    keep = np.minimum(1.0, (np.sqrt(freqs / 1e-3) + 1) * 1e-3 / freqs)
    table = charts.keep_probability(words, freqs, keep, 1e-3).data.to_pandas()
    points = table[table["part"] == "point"]
    assert len(points) == len(np.unique(freqs)) < len(words) / 5
    assert sorted(points["freq"]) == sorted(np.unique(freqs))
    assert table.loc[table["part"] == "sample", "freq"].tolist() == [1e-3]     # the line at f/T = sample


def test_the_sample_lines_label_sits_at_the_bottom_where_no_point_is():
    """The 'f/T = sample' label overlapped the names of frequent words at the top (issue 24, part 7): it now sits at
    the bottom, on the side of the line where there is room, and no point lies in the box it takes (the lowest
    eighth of the keep axis, a quarter of the log frequency axis wide) for any sample the Corpus page offers."""
    import math

    for V in (300, 7400):                                     # a small corpus (its rare words near 1e-3) and a big one
        words, counts = big_vocabulary(V)
        freqs = counts / counts.sum()
        lo, hi = math.log10(freqs.min()), math.log10(freqs.max())
        sides = set()
        for sample in (1e-5, 1e-4, 1e-3, 1e-2):
            keep = np.minimum(1.0, (np.sqrt(freqs / sample) + 1) * sample / freqs)
            chart = charts.keep_probability(words, freqs, keep, sample)
            layer = [la for la in chart.spec["layer"] if la["transform"] == vega.part_filter("sample")
                     and la["mark"]["type"] == "text"][0]
            assert layer["encoding"]["y"] == {"datum": 0, "type": "quantitative"}      # at the bottom
            side = "left" if layer["mark"]["align"] == "right" else "right"
            sides.add(side)
            width = 0.25 * (max(hi, math.log10(sample)) - min(lo, math.log10(sample)))
            x = np.log10(freqs) - math.log10(sample)
            in_box = (x <= 0) & (x >= -width) if side == "left" else (x >= 0) & (x <= width)
            assert in_box.any() or side == "left"
            assert (keep[in_box] > 0.125 * 1.08).all(), (V, sample, side)
        assert sides == {"left", "right"} or V == 7400


def test_code_lengths_is_one_point_per_count_and_length():
    from engine import build_huffman

    words, counts = big_vocabulary()
    lengths = build_huffman(counts).lengths
    table = objective_charts.code_lengths(words, counts, lengths, mean_length=5.0).data.to_pandas()
    points = table[table["part"] == "point"]
    pairs = {(int(c), int(n)) for c, n in zip(counts, lengths)}
    assert len(points) == len(pairs) < len(words) / 5
    assert {(int(c), int(n)) for c, n in zip(points["count"], points["length"])} == pairs   # every word's point
    lines = table[table["part"] == "line"]
    assert lines["length"].tolist() == [5.0, np.log2(len(words))]              # the mean and log2 V
    labelled = table[table["part"] == "word"]
    assert 1 <= len(labelled) <= 6 and labelled["words"].iloc[0] == words[0]   # the most frequent word named


def test_the_window_grid_names_every_cell_and_writes_words_only_in_window_cells():
    from lessons.windows import CenterWindow
    tokens = ["the", "king", "and", "queen"]
    windows = [CenterWindow(0, 1, (1, 2), (1,), (1,)), CenterWindow(1, 2, (0, 2, 3), (0, 2, 3), (0, 3)),
               CenterWindow(2, 1, (0, 1, 3), (1, 3), (1, 3)), CenterWindow(3, 1, (1, 2), (2,), (2,))]
    chart = charts.window_grid(tokens, windows)
    table = chart.data.to_pandas().set_index(["row", "col"])
    assert len(table) == 16                                            # every cell of the 4 x 4 grid

    def kind(code):
        return t(f"charts.window.{charts.WINDOW_CODES[code]}")

    assert table.loc[(1, 1), "kind"] == kind(4)                        # the center
    assert table.loc[(1, 0), "kind"] == table.loc[(1, 3), "kind"] == kind(3)   # used (num_skips picked 0 and 3)
    assert table.loc[(1, 2), "kind"] == kind(2)                        # in the reduced window, not picked
    assert table.loc[(0, 2), "kind"] == kind(1)                        # in the full window, cut by radius 1
    assert table.loc[(0, 3), "kind"] == kind(0)                        # outside
    assert table.loc[(1, 0), "label"] == "the" and table.loc[(0, 3), "label"] == ""   # words only in windows
    assert table.loc[(1, 1), "ink"] == table.loc[(1, 0), "ink"] == "white"            # on orange and dark blue
    assert table.loc[(1, 2), "ink"] == "black"
    assert (table["word"] == [tokens[c] for _, c in table.index]).all()               # hover: the column's word
    x_axis = chart.spec["layer"][0]["encoding"]["x"]["axis"]
    y_axis = chart.spec["layer"][0]["encoding"]["y"]["axis"]
    assert x_axis["labelExpr"].startswith('["the", "king", "and", "queen"]')
    assert '"king (r=2)"' in y_axis["labelExpr"]


# ------------------------------------------------------------------------------ the Vega-Lite heatmap
def test_heatmap_keeps_every_cell_and_a_row_per_label_even_when_labels_repeat():
    z = np.arange(12, dtype=float).reshape(3, 4) - 5                           # (3, 4)
    chart = charts.heatmap(z, ["of", "of", "h"], title="rows", highlight_rows=[2])
    table = chart.data.to_pandas()
    assert len(table) == 12
    back, labels = heatmap_matrix(table)
    assert np.array_equal(back, z)
    assert labels == ["of", "of", "h"]                                         # two rows named "of", not one
    y_axis = chart.spec["layer"][0]["encoding"]["y"]["axis"]
    assert y_axis["labelExpr"] == '["of", "of", "h"][datum.value]'             # positions labelled with the words
    assert table.loc[table["framed"], "row"].tolist() == [2]                    # one frame, around h
    assert chart.spec["layer"][-1]["mark"]["stroke"] == "black"


def test_heatmap_colours_are_symmetric_around_zmid_or_span_the_given_range():
    def domain(chart):
        return chart.spec["layer"][0]["encoding"]["color"]["scale"]["domain"]

    assert domain(charts.heatmap([[0.2, -0.05]], ["a"], title="t")) == [-0.2, 0.2]   # 0 is white, as in Plotly's zmid
    assert domain(charts.heatmap([[0.2, -0.05]], ["a"], title="t", zmin=-1, zmax=1)) == [-1, 1]
    blues = charts.heatmap(np.eye(2), ["a", "b"], title="t", colorscale="Blues", zmid=None, zmin=0, zmax=1)
    assert blues.spec["layer"][0]["encoding"]["color"]["scale"] == {"scheme": "blues", "domain": [0.0, 1.0]}


def test_heatmap_writes_numbers_in_small_matrices_white_on_dark_cells():
    chart = charts.heatmap([[1.0, 0.0, -1.0]], ["a"], ["x", "y", "z"], title="t", zmin=-1, zmax=1,
                           value_format=".1f")
    text = [layer for layer in chart.spec["layer"] if layer["mark"]["type"] == "text"]
    assert len(text) == 1 and text[0]["encoding"]["text"]["format"] == ".1f"
    assert chart.data.column("ink").to_pylist() == ["white", "black", "white"]
    assert chart.data.column("column").to_pylist() == ["x", "y", "z"]
    wide = charts.heatmap(np.zeros((2, 100)), ["a", "b"], title="t")           # d = 100: colours only
    assert not [layer for layer in wide.spec["layer"] if layer["mark"]["type"] == "text"]
    assert wide.spec["layer"][0]["encoding"]["x"]["axis"]["values"] == list(range(0, 100, 4))  # 25 ticks


def test_long_titles_are_broken_into_lines_that_fit_half_a_page():
    title = "Centred cosine similarity of the vectors after 120000 updates<br>(the mean vector subtracted)"
    lines = vega.title_lines(title)
    assert lines[-1] == "(the mean vector subtracted)" and " ".join(lines[:-1]) in title
    assert max(len(x) for x in lines) <= vega.TITLE_WIDTH
    zh = vega.title_lines("0 次更新后词向量的中心化余弦相似度（减去平均向量）")
    assert "".join(zh) == "0 次更新后词向量的中心化余弦相似度（减去平均向量）" and len(zh) == 2


def test_huffman_tree_draws_every_branch_as_an_elbow_and_the_path_to_the_target_in_green():
    from engine import build_huffman
    from lessons.tree import tree_layout

    counts = np.array([40, 20, 10, 5, 3, 2])
    words = ["the", "king", "queen", "man", "woman", "apple"]
    tree = build_huffman(counts)
    nodes = tree_layout(tree.children, expand=None)
    target = 4
    path = [int(p) for p in tree.paths[target]]
    table = objective_charts.huffman_tree(nodes, words, path_nodes=path, target=target,
                                node_text={path[0]: "σ=0.62"}).data.to_pandas()
    edges = table[table["part"] == "edge"]
    assert len(edges) == 2 * (len(nodes) - 1)                                  # down, then across, per child
    assert edges["hot"].sum() == 2 * len(path)                                 # root ... target: one per bit
    leaves = table[table["part"] == "leaf"]
    assert sorted(leaves["label"]) == sorted(words)
    assert leaves.loc[leaves["hot"], "label"].tolist() == ["woman"]
    bits = table[table["part"] == "bit"]
    assert "".join(bits.loc[bits["hot"], "label"]) == "".join(map(str, tree.codes[target]))  # the code, in order
    root = table[(table["part"] == "node") & (table["label"] == "σ=0.62")]
    assert len(root) == 1 and "σ=0.62" in root["tip"].iloc[0]
    big = build_huffman(np.arange(30, 0, -1))
    path = [int(p) for p in big.paths[0]]
    folded = objective_charts.huffman_tree(tree_layout(big.children, expand=set(path)), [f"w{i}" for i in range(30)],
                                 path_nodes=path, target=0).data.to_pandas()
    side = folded[folded["role"] == t("charts.tree.folded_leaf")]
    assert len(side) >= 1 and side["label"].str.startswith("…").all()         # side branches folded into a leaf


def test_the_literature_band_is_drawn_only_where_it_leaves_values_out():
    """Issue 24.7: window's recommended 2-10 over a sweep of 2..8 covered the whole axis and said nothing."""
    from lessons.sweep import plan as sweep_plan
    from ui.charts.sweep import reference_marks

    base = dict(architecture="skipgram", objective="negative_sampling", vector_size=8, epochs=1, min_count=1)
    inside = sweep_plan.SweepPlan.make("window", [2, 3, 5, 8], [1], base)
    assert [m for m in reference_marks(inside) if m[0] == "recommended"] == []
    wider = sweep_plan.SweepPlan.make("window", [1, 2, 5, 15], [1], base)
    bands = [m for m in reference_marks(wider) if m[0] == "recommended"]
    assert len(bands) == 1 and bands[0][1] < bands[0][2]


def test_each_default_line_is_drawn_in_the_colour_its_legend_names():
    """Issue 24.7: the legend under the sweep chart names each line by its colour and dash ('Purple dashed line:
    word2vec.c's default', 'Brown dotted line: gensim's default'); the figure draws each in that colour and dash."""
    from lessons.sweep import plan as sweep_plan
    from ui.charts import sweep as sweep_charts
    from ui.i18n import t

    named = {"#6a3d9a": "Purple", "#b15928": "Brown"}
    seen = set()
    for setting, values, architecture in (("window", [1, 2, 5, 8], "skipgram"), ("negative", [3, 5, 10], "skipgram"),
                                          ("alpha", [0.0125, 0.025, 0.05, 0.1], "cbow")):  # CBOW: 0.05 vs 0.025
        base = dict(architecture=architecture, objective="negative_sampling", vector_size=8, epochs=1, min_count=1)
        plan = sweep_plan.SweepPlan.make(setting, values, [1], base)
        rows = [{"value": v, "colour": None, "seed": 1, "final_loss": 1.0 + i, "blown": False}
                for i, v in enumerate(values)]
        fig = sweep_charts.figure(rows, plan, None)
        lines = [s for s in fig.layout.shapes if s.type == "line"]
        kinds = [k for k, _, x1 in sweep_charts.reference_marks(plan) if x1 is None]
        assert kinds and len(lines) == len(kinds), (setting, kinds, lines)
        for kind, line in zip(kinds, lines):
            legend = t(f"sweep.mark.{kind}", "en")
            assert legend.startswith(named[line.line.color]), (setting, kind, line.line.color, legend)
            assert ("dotted" in legend) == (line.line.dash == "dot") and ("dashed" in legend) == (line.line.dash == "dash")
            seen.add(kind)
    assert seen == {"both", "word2vec_c", "gensim"}
