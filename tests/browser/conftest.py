"""What the browser tests share: one `streamlit run app.py` (devtools.app_server; W2V_APP_PORTS limits its
port) and one headless Debian Chromium (devtools.browser) for this folder's tests (package scope: Playwright's
sync API keeps an event loop running in the thread, so it is stopped before tests elsewhere call asyncio.run,
tests/test_deploy.py's websocket students), waiting for the app to settle, the pages app.py lists, and what the tests measure in a page (metric values, chart text)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="package")
def app(tmp_path_factory):
    """The app, started once for every browser test (its log in pytest's temporary folder)."""
    from devtools.app_server import AppServer

    with AppServer(timeout=120, log=tmp_path_factory.mktemp("streamlit") / "server.log") as server:
        yield server


@pytest.fixture(scope="package")
def server(app):
    """The app's base URL."""
    return app.url


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium through Playwright, launched once; each test opens and closes its own tabs."""
    from playwright.sync_api import sync_playwright

    from devtools.browser import launch_chromium

    with sync_playwright() as p:
        b = launch_chromium(p)
        try:
            yield b
        finally:
            b.close()


# the script has finished running: no "Running..." widget, no skeleton, and the app's own navigation is there
# (in the DOM also while the sidebar is folded, as in presenter mode)
IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
              && !document.querySelector('[data-testid="stSkeleton"]')
              && document.querySelector('[data-testid="stSidebarNav"]')"""


def settle(page, timeout: int = 90_000) -> None:
    """Wait until the app's script has run (the content, not a time), then a moment for charts to draw."""
    page.wait_for_timeout(500)
    page.wait_for_function(IDLE, timeout=timeout)
    page.wait_for_timeout(700)


def no_exception(page, where: str) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()[:2000]}"


def _title(node, lang: str):
    """A page title as app.py writes it: a string, or t("nav.<key>") read from the catalogue."""
    from ui.i18n import catalogue

    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
        return catalogue(lang)[node.args[0].value]
    return None


def app_pages(lang: str = "en"):
    """(script path, title, is default) of every st.Page in app.py, in file order (read, not executed)."""
    pages = []
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args:
            kw = {k.arg: k.value for k in node.keywords}
            title = _title(kw["title"], lang) if "title" in kw else None
            default = bool(kw["default"].value) if "default" in kw else False
            pages.append((node.args[0].value, title, default))
    pages.sort(key=lambda p: p[0])
    return pages


def url_path(script: str) -> str:
    """The page's URL path: the url_path app.py gives its st.Page (pages/13_class.py -> class), else the one
    Streamlit infers from the file's name (pages/04_step.py -> step)."""
    from streamlit.source_util import page_icon_and_name

    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args \
                and node.args[0].value == script:
            for k in node.keywords:
                if k.arg == "url_path":
                    return k.value.value
    return page_icon_and_name(Path(script))[1]


# the font size of each metric value shown (its innermost text element)
METRIC_SIZES = """() => Array.from(document.querySelectorAll('[data-testid="stMetricValue"]'))
  .filter((m) => m.getBoundingClientRect().width > 0)
  .map((m) => {
    const leaf = Array.from(m.querySelectorAll('*')).filter((e) => e.children.length === 0 && e.textContent.trim());
    return parseFloat(getComputedStyle(leaf.length ? leaf[0] : m).fontSize);
  })"""

# every text drawn in a chart, as [kind, text, px]: Plotly's SVG texts and Vega-Lite's (SVG renderer): ticks,
# legends, titles, values written in cells and on bars
CHART_TEXTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot text, .vega-embed svg text'))
  .filter((t) => t.textContent.trim() && t.getBoundingClientRect().width > 0)
  .map((t) => [t.closest('.js-plotly-plot') ? 'plotly' : 'vega-lite', t.textContent.trim().slice(0, 40),
               parseFloat(getComputedStyle(t).fontSize)])"""
