"""The Hierarchical softmax page (pages/05_hierarchical_softmax.py, ui/views/hierarchical_softmax.py) in
AppTest: the target's path matches the step and p sums to 1; the codes table of a large vocabulary.

Each test builds a fresh AppTest of app.py (tests/conftest.py) and checks behaviour against the engine:
the numbers on a page are recomputed here from the session's model, never hard-coded.
"""

import numpy as np

from tests.conftest import model_of, table_with, vega_by_title
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
