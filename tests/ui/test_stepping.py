"""ui/stepping.py through the pages that share it, in AppTest: the two objective pages (hierarchical
softmax, negative sampling) offer the same one-click switch to their objective (stepping.objective_page).

Each test builds a fresh AppTest of app.py (tests/conftest.py) and checks behaviour against the engine:
the numbers on a page are recomputed here from the session's model, never hard-coded.
"""

import pytest

import engine
from tests.conftest import model_of, texts

HS, NS = "pages/05_hierarchical_softmax.py", "pages/06_negative_sampling.py"
TINY = dict(sb_corpus="tiny")


@pytest.mark.parametrize("page,prefix,objective,other", [
    (HS, "hs", "hierarchical_softmax", "negative_sampling"), (NS, "ns", "negative_sampling", "softmax")])
def test_hs_and_ns_pages_with_another_objective_offer_the_same_switch(open_page, page, prefix, objective, other):
    at = open_page(page, sb_objective=other, **TINY)
    assert f"uses **{engine.objectives.OBJECTIVE_TABLE[other].label}**" in texts(at.info)
    assert not [b for b in at.button if b.key == f"{prefix}_next"]          # no stepping with another objective
    button = at.button(key=f"{prefix}_switch")
    assert button.label == f"Switch to {engine.objectives.OBJECTIVE_TABLE[objective].label}"
    button.click().run()
    assert not at.exception
    assert model_of(at).objective == objective and at.session_state["sb_objective"] == objective
    assert not [b for b in at.button if b.key == f"{prefix}_switch"]
    at.button(key=f"{prefix}_next").click().run()
    assert model_of(at).step_count == 1
