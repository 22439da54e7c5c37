"""Three pictures in a real browser at 1280x720, in English, Chinese and presenter mode: the Huffman tree
being built (HS page), UMAP beside PCA and t-SNE (embedding page), SGNS against shifted PMI (NS page).

Each is opened by its link, driven as a student would (the next merges, Run UMAP, play), checked for an
exception box and for its content, and screenshotted where the section is (build/screenshots/28_*.png;
`make screenshots` copies them to docs/screenshots/). AppTest checks the numbers (tests/ui/); this checks
that the browser draws them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from devtools.app_server import AppServer
from devtools.browser import CHROMIUM, have_chromium

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
MODES = {"en": "", "zh": "&lang=zh", "presenter": "&presenter=1"}

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not have_chromium(), reason=f"Chromium not installed at {CHROMIUM}")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with AppServer(log=tmp_path_factory.mktemp("streamlit") / "server.log") as app:
        yield app.url


def _open(browser, url: str, locale: str):
    page = browser.new_page(viewport={"width": 1280, "height": 720}, locale=locale)
    page.set_default_timeout(180_000)            # the shared test machine can be very busy
    page.goto(url)
    page.wait_for_timeout(1500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=180_000)
    return page


def _settled(page, timeout=240_000):
    page.wait_for_timeout(800)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(1200)


def _no_exception(page):
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()[:2000]


def _shot(page, name: str, anchor):
    from playwright.sync_api import expect

    expect(anchor).to_be_visible(timeout=120_000)
    anchor.scroll_into_view_if_needed()
    anchor.evaluate("(e) => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))
    if os.environ.get("UPDATE_SCREENSHOTS"):
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHOTS / name, DOCS_SHOTS / name)


def _click_for(page, button, result, timeout=300_000):
    """Click `button` and wait for `result`. If the app is idle again and `result` is still missing, click once more:
    once, on a cold server in the full suite, the comparison's click left the page idle without its result
    (not root-caused; see the note on issue 26); a user would click again. The page itself keeps a request that a later rerun interrupts (compare.py,
    state.EMB_COMPARE_ASKED); a second miss fails the test."""
    from playwright.sync_api import expect

    for attempt in range(2):
        button.click()
        _settled(page, timeout=timeout)
        _no_exception(page)
        try:
            expect(result).to_be_visible(timeout=timeout if attempt else 30_000)
            return
        except AssertionError:
            if attempt:
                raise


@pytest.mark.parametrize("mode", list(MODES))
def test_the_three_pictures_in_a_browser(server, browser, mode):
    from playwright.sync_api import expect

    locale = "zh-CN" if mode == "zh" else "en-US"
    zh = mode == "zh"
    # 1. the Huffman tree being built, three merges in
    page = _open(browser, f"{server}/hierarchical_softmax?corpus=tiny&objective=hierarchical_softmax"
                          f"{MODES[mode]}", locale)
    heading = page.get_by_text("这棵树是怎样建成的" if zh else "How the tree is built", exact=False).first
    expect(heading).to_be_visible(timeout=120_000)
    for _ in range(3):
        page.locator(".st-key-hs_build_forward button").first.click()   # a redrawn fragment may hold two
        _settled(page)
    _no_exception(page)
    expect(page.get_by_text(re.compile("第 3 次合并" if zh else "Merge 3 of"))).to_be_visible()
    _shot(page, f"28_huffman_build_{mode}.png", heading)
    page.close()

    # 2. UMAP on the embedding page, after a few seconds of training; in English also the comparison
    page = _open(browser, f"{server}/embedding_space?{MODES[mode].lstrip('&')}", locale)
    page.locator(".st-key-live_play button").first.click()
    page.wait_for_timeout(8000)
    page.locator(".st-key-live_play button").first.click()                     # pause
    _settled(page)
    page.locator(".st-key-live_method").get_by_text("UMAP", exact=True).click()
    _settled(page)
    title = page.get_by_text(re.compile("的 UMAP" if zh else "UMAP of W_in")).first
    _click_for(page, page.locator(".st-key-live_umap_go button").first, title)
    _shot(page, f"28_umap_{mode}.png", page.locator(".st-key-live_umap_go"))
    if mode == "en":
        page.get_by_text("PCA, t-SNE and UMAP side by side").click()
        _click_for(page, page.locator(".st-key-live_compare_go button").first,
                   page.get_by_text(re.compile("UMAP: k-NN group accuracy")))
        _shot(page, "28_projections_compared_en.png", page.get_by_text("PCA, t-SNE and UMAP side by side"))
    page.close()

    # 3. SGNS against shifted PMI, after some training
    page = _open(browser, f"{server}/negative_sampling?corpus=royalty{MODES[mode]}", locale)
    heading = page.get_by_text("SGNS 学到了什么" if zh else "What SGNS learns", exact=False).first
    expect(heading).to_be_visible(timeout=120_000)
    heading.evaluate("(e) => e.scrollIntoView({block: 'start'})")
    toggle = page.locator(".st-key-ns_pmi_play label").first
    toggle.click()
    page.wait_for_timeout(9000)
    toggle.click()                                                          # pause
    _settled(page)
    _no_exception(page)
    _shot(page, f"28_pmi_{mode}.png", heading)
    page.close()
