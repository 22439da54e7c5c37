"""The Hierarchical softmax page (pages/05_hierarchical_softmax.py, ui/views/hierarchical_softmax.py) in
AppTest: the target's path matches the step and p sums to 1; the codes table of a large vocabulary.

Each test builds a fresh AppTest of app.py (tests/conftest.py) and checks behaviour against the engine:
the numbers on a page are recomputed here from the session's model, never hard-coded.
"""

import json

import numpy as np

from tests.conftest import model_of, page_text, table_with, texts, vega_by_title, vega_charts
from ui import state

HS = "pages/05_hierarchical_softmax.py"
TINY = dict(sb_corpus="tiny")


def test_hierarchical_softmax_page_path_matches_the_step_and_sums_to_one(open_page):
    at = open_page(HS, sb_objective="hierarchical_softmax", **TINY)
    at.button(key="hs_next10").click().run()
    assert not at.exception
    t = at.session_state[state.LAST_TRACE]
    table = table_with(at, "product so far")
    assert list(table["node"]) == list(t.path) and list(table["bit"]) == list(t.code)
    assert np.allclose(table["σ(θ·h)"], t.probs)                 # the numbers the step used
    assert np.isclose(table["product so far"].iloc[-1], np.exp(-t.loss))
    metrics = {x.label: x.value for x in at.metric}
    assert metrics["Σ over all words of p(w | h)"] == "1.000000"
    tree = vega_by_title(at, "", "hot")
    leaves = tree[tree["part"] == "leaf"]
    target = model_of(at).vocab.index_to_key[t.target]
    assert target in set(leaves["label"])                         # the tree is labelled with words
    assert leaves.loc[leaves["hot"], "label"].tolist() == [target]  # the path ends at the target
    sigmas = tree[(tree["part"] == "node") & tree["hot"]]["label"].tolist()
    assert sigmas == [f"σ={p:.2f}" for p in t.probs]               # each path node's σ(θ·h), root first


def test_the_codes_table_of_a_large_vocabulary_shows_its_two_ends(open_page):
    """Lee (7,000+ words): the codes table holds the 600 most frequent and the 400 rarest words with their
    true codes (not all V rows: 1.2 MB for the browser at every visit) and says so."""
    at = open_page(HS, query={"corpus": "lee_background"}, timeout=120)
    model = model_of(at)
    V = len(model.vocab)
    assert V > 1000
    codes = table_with(at, "path (internal nodes)")
    assert len(codes) == 1000
    words = list(codes["word"])
    assert words[:3] == model.vocab.index_to_key[:3] and words[-1] == model.vocab.index_to_key[-1]
    rare = model.vocab.index_to_key[V - 1]
    assert codes["code"].iloc[-1] == "".join(map(str, model.tree.codes[V - 1])) and words[-1] == rare
    assert any(f"of the {V:,} words" in c.value for c in at.caption)


# ---------------------------------------------------------------- the tree being built, merge by merge
def _build_tree_chart(at, legend):
    """The table of the build section's tree chart: the one whose words carry their counts ("king (12)") and
    whose legend names `legend` (the forest: "the new node"; the finished tree: "path")."""
    for table, _, spec in vega_charts(at):
        if table is None or "label" not in table.columns:
            continue
        leaves = table[table["part"] == "leaf"]["label"]
        if len(leaves) and leaves.str.contains(r" \(\d[\d,]*\)$").all() and legend in json.dumps(spec):
            return table
    raise AssertionError(f"no build chart with {legend!r}")


def _queue(at):
    return table_with(at, "tree (its root)")


def test_the_tree_is_built_merge_by_merge_as_the_engine_built_it(open_page):
    """Forward / back / last walk the engine's recorded merges: each step names the two nodes the engine
    joined with their counts and the new node's count, the queue table is the builder's queue after the
    merge; the last step draws the model's own tree node by node (ids, bits, positions) with the path lit."""
    from engine.huffman import queue_after
    from lessons import tree as tree_lessons

    at = open_page(HS, sb_objective="hierarchical_softmax", **TINY)
    model = model_of(at)
    tree, counts, vocab = model.tree, model.vocab.counts, model.vocab.index_to_key
    V = len(vocab)

    def name(n):
        return vocab[-1 - n] if n < 0 else f"node {n}"
    assert len(_queue(at)) == V                                          # step 0: every word is a tree
    for step in (1, 2, 3):
        at.button(key="hs_build_forward").click().run()
        assert not at.exception
        first, second = (int(x) for x in tree.merges[step - 1])
        c1 = counts[-1 - first] if first < 0 else tree.node_counts[first]
        c2 = counts[-1 - second] if second < 0 else tree.node_counts[second]
        text = page_text(at)
        assert f"**Merge {step} of {V - 1}**: **{name(first)}** ({c1}) + **{name(second)}** ({c2})" in text
        assert f"new **node {V - 1 - step}** with count **{c1} + {c2} = {c1 + c2}**" in text
        queue = _queue(at)
        expected = queue_after(tree, counts, step)
        assert queue["tree (its root)"].tolist() == [name(int(n)) for n in expected]
        assert queue["count"].tolist() == [int(counts[-1 - n]) if n < 0 else int(tree.node_counts[n]) for n in expected]
        forest = _build_tree_chart(at, "the new node")
        roots = forest[forest["part"].isin(["node", "leaf"])]
        assert len(roots[roots["part"] == "leaf"]) == V                  # the forest holds every word once
    at.button(key="hs_build_back").click().run()
    assert at.session_state[state.HS_BUILD_STEP] == 2
    at.button(key="hs_build_last").click().run()
    assert not at.exception
    assert at.session_state[state.HS_BUILD_STEP] == V - 1
    # the finished tree is the engine's, node by node (the replayed merges give exactly model.tree)
    assert np.array_equal(tree_lessons.children_from_merges(tree.merges, V), tree.children)
    drawn = _build_tree_chart(at, "path")
    layout = tree_lessons.tree_layout(tree.children)
    nodes = drawn[drawn["part"].isin(["node", "leaf"])]
    assert len(nodes) == len(layout) == 2 * V - 1
    assert sorted(zip(nodes["x"], nodes["y"])) == sorted((n.x, n.y) for n in layout)
    bits = drawn[drawn["part"] == "bit"]
    assert sorted(bits["label"].astype(int)) == sorted(n.bit for n in layout if n.bit is not None)
    hot_leaf = nodes[(nodes["part"] == "leaf") & nodes["hot"]]["label"].tolist()
    assert len(hot_leaf) == 1
    target = model.vocab.key_to_index[hot_leaf[0].rsplit(" (", 1)[0]]
    assert target == model.vocab.key_to_index[at.selectbox(key="hs_target").value]   # the path section's word
    hot_nodes = nodes[(nodes["part"] == "node") & nodes["hot"]]
    assert len(hot_nodes) == len(tree.paths[target])                   # the target's path lights up


def test_play_advances_one_merge_per_tick_and_the_page_speaks_chinese(open_page):
    at = open_page(HS, query={"lang": "zh"}, sb_objective="hierarchical_softmax", **TINY)
    at.toggle(key=state.HS_BUILD_PLAY).set_value(True).run()
    assert not at.exception
    first = at.session_state[state.HS_BUILD_STEP]
    at.run()
    assert at.session_state[state.HS_BUILD_STEP] > first >= 1           # the fragment ticks: one merge each
    assert "这棵树是怎样建成的" in " ".join(s.value for s in at.subheader)
    assert "次合并（共" in page_text(at)


def test_a_large_vocabulary_jumps_to_any_merge_and_shows_the_front_of_the_queue(open_page):
    """Lee: the slider jumps to any merge; the queue table shows its first rows (the next merges) and says how
    many more; the picture is the new subtree (the forest would be thousands of trees)."""
    from engine.huffman import queue_after
    from ui.views.hierarchical_softmax import QUEUE_ROWS

    at = open_page(HS, query={"corpus": "lee_background"}, timeout=120)
    model = model_of(at)
    V = len(model.vocab)
    at.slider(key=state.HS_BUILD_STEP).set_value(5000).run()
    assert not at.exception
    queue = _queue(at)
    expected = queue_after(model.tree, model.vocab.counts, 5000)
    assert len(queue) == QUEUE_ROWS and len(expected) == V - 5000
    assert queue["count"].tolist() == [int(model.vocab.counts[-1 - n]) if n < 0 else int(model.tree.node_counts[n])
                                       for n in expected[:QUEUE_ROWS]]
    assert f"{V - 5000 - QUEUE_ROWS:,} more trees" in texts(at.caption)
    sub = _build_tree_chart(at, "the new node")
    roots = sub[(sub["part"] == "node") & (sub["x"] == 0)]
    assert len(roots) == 1 and bool(roots["hot"].iloc[0])              # the chart is the new node's subtree
    assert roots["label"].iloc[0] == f"{model.tree.node_counts[V - 1 - 5000]:,}"   # with its count
