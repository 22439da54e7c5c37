"""Every page of the app in a real browser: `streamlit run app.py` + headless Chromium through Playwright.

It opens each page listed in app.py's navigation (by clicking the sidebar, so one browser session
walks the whole app), presses Next on the Step page, checks that no exception box appears, and saves a
screenshot of each page to build/screenshots/<page file name>.png (git-ignored). `make screenshots`
sets UPDATE_SCREENSHOTS=1, which also copies them to docs/screenshots/ (the README shows those).
Three pages (corpus, windows, explore) are also opened in Chinese (?lang=zh) and saved as
build/screenshots/zh_<page file name>.png; .ci/run installs fonts-noto-cjk so that the characters render.
Marked `browser` (`make test-fast` skips it). Skipped, with the reason, on a machine without Debian's
/usr/bin/chromium (.ci/run installs it).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from devtools.app_server import AppServer
from devtools.browser import CHROMIUM, full_page_screenshot, have_chromium, launch_chromium

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not have_chromium(), reason=f"Chromium not installed at {CHROMIUM}")]


def _title(node, lang: str):
    """A page title as app.py writes it: a string, or t("nav.<key>") read from the catalogue."""
    from ui.i18n import catalogue

    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
        return catalogue(lang)[node.args[0].value]
    return None


def app_pages(lang: str = "en"):
    """(script path, title, is default) of every st.Page in app.py, in menu order (read, not executed)."""
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
    """The URL path Streamlit infers for a page file: pages/04_step.py -> step."""
    from streamlit.source_util import page_icon_and_name

    return page_icon_and_name(Path(script))[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with AppServer(log=tmp_path_factory.mktemp("streamlit") / "server.log") as app:
        yield app.url


SETTLED = """() => {
    const nav = document.querySelector('[data-testid="stSidebarNav"]');
    return nav && nav.innerText.includes(%r)
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def settle(page, title: str, timeout: int = 60_000):
    """Wait until the app's own navigation shows and the script has finished running."""
    page.wait_for_timeout(500)
    page.wait_for_function(SETTLED % title, timeout=timeout)
    page.wait_for_timeout(1_000)       # let plotly draw


def screenshot(page, path: Path, width: int = 1400):
    """A screenshot as tall as the page's content (the app scrolls inside its own container)."""
    full_page_screenshot(page, path, width, min_height=1200, max_height=7000)
    page.set_viewport_size({"width": width, "height": 2400})


def step_after_next_100(browser, url: str, title: str) -> None:
    """A new session on the Step page (a fresh model, the app's defaults): Next 100 three times, as the
    lesson says (tests/ui/test_step_page.py checks that the running loss falls). Screenshots: the whole page, and what a projector
    shows at 1280x720 (04_step.png, 04_step_1280x720.png)."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 2400}, locale="en-US")
    page.goto(url)
    settle(page, title)
    for n in (100, 200, 300):
        page.locator("button", has_text="Next 100").first.click()
        page.mouse.move(0, 0)
        settle(page, title)
        expect(page.get_by_text(re.compile(rf"\b{n}\s+updates done"))).to_be_visible(timeout=60_000)
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()[:2000]
    expect(page.get_by_text("This step's example")).to_be_visible()
    screenshot(page, SHOTS / "04_step.png")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "04_step_1280x720.png"))
    page.close()


def test_every_page_opens_without_exception_and_is_screenshotted(server):
    from playwright.sync_api import expect, sync_playwright

    pages = app_pages()
    assert len(pages) >= 10
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):                          # only this run's pictures can reach docs/
        old.unlink()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2400}, locale="en-US")
            page.goto(server + "/")
            settle(page, pages[0][1])
            for script, title, default in pages:
                if not default:
                    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{url_path(script)}"]').first.click()
                    page.wait_for_url(lambda u, s=script: urlparse(u).path.endswith("/" + url_path(s)),
                                      timeout=30_000)
                settle(page, title)
                if default:
                    # train this session's model first, so the later pages show learned numbers
                    page.locator("button", has_text="Train this model").first.click()
                    page.mouse.move(0, 0)
                    settle(page, title)
                    expect(page.get_by_text(re.compile(r"right now, after [1-9][\d,]* updates"))).to_be_visible(
                        timeout=60_000)
                if script.endswith("04_step.py"):
                    # Home trained the model to the end: Next waits for "Start a new round"
                    page.locator("button", has_text="Start a new round").first.click()
                    settle(page, title)
                    page.locator("button", has_text="Next 10").first.click()
                    settle(page, title)
                    page.locator('[data-testid="stBaseButton-primary"]', has_text="Next").first.click()
                    page.mouse.move(0, 0)
                    settle(page, title)
                    expect(page.get_by_text("updates done")).to_be_visible(timeout=30_000)
                    expect(page.get_by_text("This step's example")).to_be_visible()
                errors = page.locator('[data-testid="stException"]')
                assert errors.count() == 0, f"{title}: {errors.first.inner_text()[:2000]}"
                if not script.endswith("04_step.py"):              # the Step page's picture: a fresh model, below
                    screenshot(page, SHOTS / f"{Path(script).stem}.png")
            step_script, step_title, _ = next(p for p in pages if p[0].endswith("04_step.py"))
            step_after_next_100(browser, server + "/" + url_path(step_script), step_title)
        finally:
            browser.close()
    shots = [SHOTS / f"{Path(script).stem}.png" for script, _, _ in pages] + [SHOTS / "04_step_1280x720.png"]
    assert all(s.exists() for s in shots)
    if os.environ.get("UPDATE_SCREENSHOTS"):               # make screenshots
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy2(shot, DOCS_SHOTS / shot.name)


ZH_PAGES = ("pages/02_corpus.py", "pages/03_windows.py", "pages/08_explore.py")


def test_three_pages_in_chinese_open_without_exception_and_are_screenshotted(server):
    """The corpus, windows and explore pages opened with ?lang=zh: Chinese titles and navigation, no
    exception box, a screenshot each (zh_<page>.png) at the classroom's 1280 pixels width."""
    from playwright.sync_api import sync_playwright

    from ui.i18n import catalogue

    titles = {script: title for script, title, _ in app_pages("zh")}
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2400}, locale="en-US")
            for script in ZH_PAGES:
                page.goto(f"{server}/{url_path(script)}?lang=zh")
                settle(page, titles[script], timeout=180_000)   # the CJK fonts load on the first page
                heading = page.locator("h1").first.inner_text()
                assert catalogue("zh")[f"{Path(script).stem.split('_', 1)[1]}.title"] in heading
                errors = page.locator('[data-testid="stException"]')
                assert errors.count() == 0, f"{script}: {errors.first.inner_text()[:2000]}"
                assert "lang=zh" in page.url
                screenshot(page, SHOTS / f"zh_{Path(script).stem}.png", width=1280)
        finally:
            browser.close()
    shots = [SHOTS / f"zh_{Path(script).stem}.png" for script in ZH_PAGES]
    assert all(s.exists() for s in shots)
    if os.environ.get("UPDATE_SCREENSHOTS"):               # make screenshots
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy2(shot, DOCS_SHOTS / shot.name)
