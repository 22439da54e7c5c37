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


def test_switching_the_objective_says_the_trained_model_is_not_kept(open_page):
    """Issue 29.4: the HS and NS pages' switch rebuilt the model silently, losing its training."""
    from ui.i18n import t

    at = open_page("pages/05_hierarchical_softmax.py", sb_objective="negative_sampling", **TINY)
    model = model_of(at)
    model.train(max_examples=500)
    at.run()
    n = f"{model.step_count:,}"
    assert t("step.switch_loses", n=n).strip() in texts(at.info)                 # said before the click
    at.button(key="hs_switch").click().run()
    assert not at.exception
    assert model_of(at).step_count == 0
    assert t("step.switched", name=t("sidebar.obj_hierarchical_softmax", "en"), n=n)[:30] in texts(at.info)
    at.run()                                                                     # said once
    assert t("step.switched", name="x", n=n)[:12] not in texts(at.info)
