"""The Compare models page (pages/09_compare.py, ui/views/compare/) in AppTest: the six models side by side
on the planted corpus and on the sidebar's corpus, and the claims experiment (budgets, CBOW's rules, error
bars, seconds, real data).

The page is run on its own (AppTest.from_file on the page, tests/conftest.py's page()), as a user would see
it without the sidebar: the settings are the sidebar's defaults (the royalty corpus). We click what a user
clicks and check what changes.
"""

import json
import re

import numpy as np
import pytest

from engine import gensim_data_path
from tests.conftest import kept_choice, figure_array, page, page_text, vega_by_title

pytestmark = pytest.mark.usefixtures("clear_caches")        # every test starts without cached data


def charts(at):
    """{key-ish id: figure JSON} of the Plotly charts on the page."""
    return {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def static_table_with(at, column):
    """The first st.table on the page with this column (the Compare page's tables are static: they wrap)."""
    for tb in at.table:
        if column in tb.value.columns:
            return tb.value
    raise AssertionError(f"no st.table with a column {column!r}")


def chart(at, key):
    found = [spec for cid, spec in charts(at).items() if cid.endswith("-" + key)]
    assert found, f"no chart {key!r}; charts: {list(charts(at))}"
    return found[0]


@pytest.mark.slow            # > 3 s: trains several models through the page
def test_compare_six_models():
    at = page("09_compare.py")
    at.select_slider(key="cmp_tokens").set_value(2000)
    at.slider(key="cmp_groups").set_value(3)
    at.slider(key="cmp_group_size").set_value(4)
    at.number_input(key="cmp_six_epochs").set_value(2)
    at.run()
    at.button(key="cmp_six_go").click().run()
    assert not at.exception
    table = static_table_with(at, "planted precision@5")        # what each model learned
    assert len(table) == 6
    assert set(table.index) == {"skip-gram + full softmax", "skip-gram + hierarchical softmax",
                                "skip-gram + negative sampling", "CBOW + full softmax",
                                "CBOW + hierarchical softmax", "CBOW + negative sampling"}
    assert "no counterpart" in set(table["gensim: same top-10 neighbours"])
    cost = static_table_with(at, "updates/s")                  # what each cost: counts with thousands separators
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", v) for v in cost["updates"])
    assert chart(at, "cmp_loss_fig") and chart(at, "cmp_cost_fig") and chart(at, "cmp_dots_fig")
    # issue 29.3: eight models side by side were cut at 1280 px; now one row per model, five ranks across
    neighbours = [tb.value for tb in at.table if list(tb.value.columns) == ["1", "2", "3", "4", "5"]]
    assert len(neighbours) == 3 and all(len(n) == 6 + 4 for n in neighbours)        # six models, four by gensim
    zipf = vega_by_title(at, "Counts of the planted words")                 # the planted corpus's own Zipf chart
    points = zipf[zipf["part"] == "point"]
    assert len(points) == 3 * 4 and list(points["count"]) == sorted(points["count"], reverse=True)


@pytest.fixture
def small_claims(monkeypatch):
    """The claims experiment on two small sizes of the hard planted corpus (the page's sizes come from here)."""
    from lessons import claims as exps
    monkeypatch.setitem(exps.PLANTED_SIZES, "default", (3_000, 9_000))
    return exps


@pytest.mark.slow            # > 3 s: trains several models through the page
def test_compare_claims_budgets_rules_and_error_bars(small_claims):
    exps = small_claims
    from engine import Word2Vec
    at = page("09_compare.py")
    budget = kept_choice(at.radio, "cmp_budget")
    assert budget.options == ["epochs", "SGD updates", "seconds"] and budget.value == "updates"
    rule = kept_choice(at.radio, "cmp_cbow_rule")
    assert rule.value == "sum"

    def shown_rules():
        return [m.value for m in at.markdown if m.value.startswith("**skip-gram**") or m.value.startswith("**CBOW**")]

    sentences = [["a", "b", "c", "a", "b"]] * 3
    for name in exps.CBOW_RULES:
        kept_choice(at.radio, "cmp_cbow_rule").set_value(name).run()
        expected_cbow = Word2Vec(architecture="cbow", min_count=1, **exps.CBOW_RULES[name]).build_vocab(sentences)
        expected_sg = Word2Vec(architecture="skipgram", min_count=1).build_vocab(sentences)
        assert shown_rules() == [f"**skip-gram**: {expected_sg.rule.describe()}",
                                 f"**CBOW**: {expected_cbow.rule.describe()}"]
    kept_choice(at.radio, "cmp_cbow_rule").set_value("sum")
    at.slider(key="cmp_seeds").set_value(2)
    at.number_input(key="cmp_exp_epochs").set_value(2)
    at.run()
    assert "Press **Run** below" in " ".join(i.value for i in at.info)
    at.button(key="cmp_claims_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    fig = chart(at, "cmp_claims_fig")
    assert {tr["name"] for tr in fig["data"]} == {"skip-gram", "CBOW"}
    for tr in fig["data"]:
        bars = figure_array(tr["error_y"]["array"])
        assert len(bars) == 2 and np.all(bars > 0) and tr["error_y"]["visible"]     # 95% intervals over 2 seeds
        assert list(figure_array(tr["x"])) == [3_000, 9_000]
    bins = chart(at, "cmp_claims_bins_fig")
    assert len(bins["data"]) == 2 and all(len(figure_array(tr["error_y"]["array"])) == 3 for tr in bins["data"])
    text = page_text(at)
    assert text.count("3,000 tokens: **") + text.count("9,000 tokens: **") == 2     # one verdict per size
    assert "**Smallest size (3,000 tokens)**" in text and "**Largest size (9,000 tokens)**" in text
    runs = static_table_with(at, "passes over the text")
    assert len(runs) == 2 * 2 * 2
    for (tokens, seed), g in runs.reset_index().groupby(["tokens", "seed"]):
        assert g["updates"].nunique() == 1                       # equal updates, per size and seed
    # switching the budget keeps the finished runs; coming back shows them without training again
    kept_choice(at.radio, "cmp_budget").set_value("epochs").run()
    assert not [c for c in charts(at) if c.endswith("-cmp_claims_fig")]
    kept_choice(at.radio, "cmp_budget").set_value("updates").run()
    assert chart(at, "cmp_claims_fig")


@pytest.mark.slow            # > 3 s: trains several models through the page
def test_compare_claims_seconds_budget_and_real_data(small_claims):
    at = page("09_compare.py")
    kept_choice(at.radio, "cmp_budget").set_value("seconds").run()
    at.number_input(key="cmp_seconds").set_value(0.2)
    at.slider(key="cmp_seeds").set_value(2)
    at.run()
    at.button(key="cmp_claims_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    runs = static_table_with(at, "passes over the text")
    assert len(runs) == 8 and (runs["seconds"].astype(float) < 0.2 + 0.6).all()
    if gensim_data_path("lee_background.cor") is not None:
        kept_choice(at.radio, "cmp_claims_data").set_value("lee").run()
        assert not at.exception
        from ui.views.compare.claims import claims_sizes
        n = sum(len(s) for s in small_claims.load_real("lee"))
        sizes = " / ".join(f"{round(f * n):,}" for f in small_claims.REAL_SHARES["default"])
        assert any(sizes in c.value for c in at.caption)                # the sizes are shares of Lee's tokens
        assert claims_sizes("lee", "default", n) == [round(f * n) for f in small_claims.REAL_SHARES["default"]]


@pytest.mark.slow            # > 3 s: trains several models through the page
def test_compare_on_the_sidebar_corpus():
    at = page("09_compare.py")
    kept_choice(at.radio, "cmp_corpus_kind").set_value("sidebar")
    at.number_input(key="cmp_six_epochs").set_value(1)
    at.checkbox(key="cmp_gensim").set_value(False)
    at.run()
    at.button(key="cmp_six_go").click().run()
    assert not at.exception
    table = static_table_with(at, "dot products per update")
    assert len(table) == 6 and not any("planted precision@5" in tb.value.columns for tb in at.table)
    assert any(str(v).startswith("V = 121") for v in table["dot products per update"])


def test_the_six_models_are_named_in_the_sessions_language():
    """Issue 29.5: the Compare page's model names and legends stayed English in Chinese."""
    from ui import i18n
    from ui.charts.compare import loss_figure, model_label

    row = {"architecture": "cbow", "objective": "negative_sampling", "name": "CBOW + negative sampling",
           "epoch_losses": [2.0, 1.5]}
    try:
        i18n.outside_runs("zh")
        zh = model_label(row)
        assert zh == f"{i18n.t('sidebar.arch_cbow', 'zh')} + {i18n.t('sidebar.obj_negative_sampling', 'zh')}"
        assert "negative sampling" not in zh and loss_figure([row]).data[0].name == zh
    finally:
        i18n.outside_runs("en")
    assert model_label(row) == "CBOW + negative sampling"


def test_the_cost_charts_write_numbers_as_numbers_and_the_claims_axis_names_the_sizes():
    """Issue 29.3: the cost figure's bar labels read '1.1e+021.1e+02' (two architectures' equal counts in
    exponent notation, side by side), two subplot titles ran into each other, a log axis's minor ticks collided."""
    from ui.charts.compare import claims_figure, dots_figure, time_figure

    rows = [{"architecture": a, "objective": o, "time": 0.5, "dots": d, "V": 110}
            for a in ("skipgram", "cbow")
            for o, d in (("softmax", 110.0), ("hierarchical_softmax", 5.54), ("negative_sampling", 6.0))]
    dots = dots_figure(rows)
    assert len(dots.data) == 1 and list(dots.data[0].text) == ["110", "5.5", "6"]     # one bar per output layer
    assert dots.layout.title.text == "dot products per update" and dots.layout.yaxis.dtick == 1
    assert "<br>" in dots.data[0].x[1]                       # 'hierarchical<br>softmax': never rotated or run together
    time = time_figure(rows)
    assert [tr.name for tr in time.data] == ["skip-gram", "CBOW"] and time.layout.title.text == "training time (s)"
    big = dots_figure([{**rows[0], "dots": 100_000.0, "V": 100_000}])
    assert list(big.data[0].text) == ["100,000"]
    summary = [{"size": n, **{a: {"n": 3, "mean": 0.5, "half": 0.1, "lo": 0.4, "hi": 0.6} for a in ("skipgram", "cbow")}}
               for n in (10_000, 30_000, 100_000)]
    claims = claims_figure(summary, "precision@5", 0.05, "Quality as the corpus grows (mean and 95% interval)")
    assert list(claims.layout.xaxis.tickvals) == [10_000, 30_000, 100_000]
    assert list(claims.layout.xaxis.ticktext) == ["10k", "30k", "100k"]
    assert claims.layout.title.text == "Quality as the corpus grows<br>(mean and 95% interval)"


def test_the_compare_formula_names_the_output_layers_in_the_sessions_language():
    """Issue 29.5: the formula's labels (full softmax / hierarchical softmax / negative sampling) stayed English."""
    from tests.conftest import run_app

    at = run_app("pages/09_compare.py", query={"lang": "zh"})
    formula = [m.value for m in at.latex][0]
    assert "完整 softmax" in formula and "层次softmax" in formula and "负采样" in formula
    assert "negative sampling" not in formula and "hierarchical softmax" not in formula
