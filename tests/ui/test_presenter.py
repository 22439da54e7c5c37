"""ui/presenter.py: projector mode from the toggle or ?presenter=1; larger chart text; formulas' CSS for all."""

import json

import pytest

from tests.conftest import kept_choice, APP, plotly_figures, run_app, vega_charts
from ui import presenter
from ui.charts import figures, style
from ui.charts.lesson import heatmap


def _open(query=None, **session):
    return run_app(query=query, timeout=60, **session)


def _styles(at) -> str:
    return "\n".join(el.proto.body for el in at.get("html"))


def _font_sizes(fig: dict) -> list:
    """Every font size a Plotly figure dict sets: layout font, title, annotations, axes, traces' text."""
    sizes = []
    lay = fig.get("layout", {})

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("font", "tickfont", "textfont") and isinstance(v, dict) and "size" in v:
                    s = v["size"]
                    sizes.extend(s if isinstance(s, list) else [s])
                if k != "template":
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(lay)
    walk(fig.get("data", []))
    return sizes


@pytest.mark.usefixtures("clear_streamlit_caches")
def test_the_url_flag_turns_presenter_mode_on_with_its_css_and_the_toggle_shows_it():
    at = _open({"presenter": "1"})
    assert at.session_state[presenter.PRESENTER] is True
    assert at.toggle(key=presenter.PRESENTER).value is True
    css = _styles(at)
    assert "stMainBlockContainer" in css and ".katex-display > .katex" in css
    at.toggle(key=presenter.PRESENTER).set_value(False).run()
    assert "stMainBlockContainer" not in _styles(at)          # off: only the formulas' CSS stays
    assert ".katex-display > .katex" in _styles(at)


@pytest.mark.usefixtures("clear_streamlit_caches")
def test_without_the_flag_presenter_mode_is_off_but_formulas_still_fit():
    at = _open()
    assert at.toggle(key=presenter.PRESENTER).value is False
    css = _styles(at)
    assert "stMainBlockContainer" not in css and "white-space: normal" in css
    assert any(presenter.FIT_SCRIPT.strip()[:40] in el.proto.body for el in at.get("html"))


@pytest.mark.slow                                   # ~3.7 s: two Next clicks on the Step page
@pytest.mark.usefixtures("clear_streamlit_caches")
def test_step_page_charts_have_text_of_at_least_16_px_in_presenter_mode_only():
    at = _open({"presenter": "1"}, sb_corpus="tiny")
    at.switch_page("pages/04_step.py").run()
    at.button(key="step_next").click().run()
    kept_choice(at.segmented_control, "step_section").set_value("all").run()          # every section's charts
    assert not at.exception
    figs = plotly_figures(at)
    assert figs, "the Step page drew no Plotly chart"
    for fig in figs:
        sizes = _font_sizes(fig)
        assert sizes and min(sizes) >= style.PRESENTER_MIN, (fig["layout"].get("title"), sizes)
    vega = [spec for _, _, spec in vega_charts(at)]
    assert vega, "the Step page drew no Vega-Lite chart"
    for spec in vega:
        assert min(_vega_font_sizes(spec.get("config", {})) or [0]) >= style.PRESENTER_MIN, spec.get("title")

    at.toggle(key=presenter.PRESENTER).set_value(False).run()
    at.button(key="step_next").click().run()
    small = [min(_font_sizes(f)) for f in plotly_figures(at) if _font_sizes(f)]
    assert small and min(small) < style.PRESENTER_MIN          # the normal charts keep their own sizes


def test_presenter_style_raises_every_small_text_and_leaves_other_figures_alone():
    fig = figures.bars(["king", "queen"], [0.1, 0.2], title="rows", x_title="word", y_title="p", text=["0.1", "0.2"])
    fig.update_traces(textfont=dict(size=9))                       # a small text inside the chart
    before = json.loads(fig.to_json())
    assert figures.presenter_style(fig, force=False) is fig and json.loads(fig.to_json()) == before
    big = json.loads(figures.presenter_style(fig, force=True).to_json())
    assert min(_font_sizes(big)) >= style.PRESENTER_MIN
    assert big["layout"]["title"]["font"]["size"] == style.PRESENTER_FONT + 4


def _vega_font_sizes(config: dict) -> list:
    return [v for part in config.values() for k, v in part.items() if k.endswith("ontSize")]


def test_the_vega_heatmap_writes_its_numbers_titles_and_labels_at_16_px_or_more_when_presenting(monkeypatch):
    def chart():
        return heatmap([[0.1, 0.2], [0.3, 0.4]], ["king", "queen"], title="rows", show_values=True)

    assert chart().spec["config"] == {}                   # the normal chart: Vega-Lite's and Streamlit's sizes
    monkeypatch.setattr(presenter, "is_on", lambda: True)
    spec = chart().spec
    assert set(spec["config"]) >= {"axis", "legend", "title", "text"}   # the cell numbers are text marks
    assert min(_vega_font_sizes(spec["config"])) >= style.PRESENTER_MIN
    assert not any("fontSize" in layer["mark"] for layer in spec["layer"])   # no mark overrides the config


def test_vega_config_is_empty_unless_presenting(monkeypatch):
    assert presenter.vega_config() == {}
    monkeypatch.setattr(presenter, "is_on", lambda: True)
    cfg = presenter.vega_config()
    assert cfg["axis"]["labelFontSize"] >= style.PRESENTER_MIN and cfg["legend"]["titleFontSize"] >= style.PRESENTER_MIN


def test_intro_folds_into_an_expander_when_presenting():
    from streamlit.testing.v1 import AppTest

    def page(on):
        import streamlit as st
        from ui import presenter
        st.session_state[presenter.PRESENTER] = on
        presenter.intro("A long introduction.")

    for on, expanders in ((True, 1), (False, 0)):
        at = AppTest.from_function(page, args=(on,)).run()
        assert len(at.expander) == expanders
        assert [m.value for m in at.markdown] == ["A long introduction."]


def test_the_developer_toolbar_is_hidden_for_users():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] == "viewer"


def _mark_font_sizes(spec: dict) -> list:
    """The fontSize every mark of a Vega-Lite spec sets itself (the config's sizes apply to the others)."""
    return [layer["mark"]["fontSize"] for layer in spec.get("layer", [])
            if isinstance(layer.get("mark"), dict) and "fontSize" in layer["mark"]]


@pytest.mark.usefixtures("clear_streamlit_caches")
@pytest.mark.parametrize("page", ["pages/01_home.py", "pages/02_corpus.py", "pages/03_windows.py",
                                  "pages/05_hierarchical_softmax.py", "pages/06_negative_sampling.py",
                                  "pages/07_embedding_space.py"])
def test_every_vega_chart_writes_16_px_or_more_in_presenter_mode(page):
    at = run_app(query={"presenter": "1"}, page=page, timeout=60, sb_corpus="tiny")
    specs = [spec for _, _, spec in vega_charts(at)]
    assert specs, f"{page} drew no Vega-Lite chart"
    for spec in specs:
        config = spec.get("config", {})
        assert config and min(_vega_font_sizes(config)) >= style.PRESENTER_MIN, (page, spec.get("title"))
        assert all(size >= style.PRESENTER_MIN for size in _mark_font_sizes(spec)), (page, spec.get("title"))
