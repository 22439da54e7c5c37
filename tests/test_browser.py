"""Every page of the app in a real browser: `streamlit run app.py` + headless Chromium through Playwright.

It opens each page listed in app.py's navigation (by clicking the sidebar, so one browser session
walks the whole app), presses Next on the Step page, checks that no exception box appears, and saves a
screenshot of each page to docs/screenshots/<page file name>.png (the README shows them).
Skipped, with the reason, on a machine without Debian's /usr/bin/chromium (.ci/run installs it).
"""

from __future__ import annotations

import ast
import re
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlparse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium")


def app_pages():
    """(script path, title, is default) of every st.Page in app.py, in menu order (read, not executed)."""
    pages = []
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args:
            kw = {k.arg: k.value for k in node.keywords}
            title = kw["title"].value if "title" in kw else None
            default = bool(kw["default"].value) if "default" in kw else False
            pages.append((node.args[0].value, title, default))
    pages.sort(key=lambda p: p[0])
    return pages


def url_path(script: str) -> str:
    """The URL path Streamlit infers for a page file: pages/04_step.py -> step."""
    from streamlit.source_util import page_icon_and_name

    return page_icon_and_name(Path(script))[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.runOnSave", "false",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("streamlit did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


SETTLED = """() => {
    const nav = document.querySelector('[data-testid="stSidebarNav"]');
    return nav && nav.innerText.includes(%r)
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def settle(page, title: str):
    """Wait until the app's own navigation shows and the script has finished running."""
    page.wait_for_timeout(500)
    page.wait_for_function(SETTLED % title, timeout=60_000)
    page.wait_for_timeout(1_000)       # let plotly draw


def screenshot(page, path: Path):
    """A screenshot as tall as the page's content (the app scrolls inside its own container)."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": int(min(max(height + 40, 1200), 7000))})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 2400})


def test_every_page_opens_without_exception_and_is_screenshotted(server):
    from playwright.sync_api import expect, sync_playwright

    pages = app_pages()
    assert len(pages) >= 10
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2400})
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
                    expect(page.get_by_text(re.compile(r"right now, after [1-9]\d* updates"))).to_be_visible(
                        timeout=60_000)
                if script.endswith("04_step.py"):
                    page.locator("button", has_text="Next 10").first.click()
                    settle(page, title)
                    page.locator('[data-testid="stBaseButton-primary"]', has_text="Next").first.click()
                    page.mouse.move(0, 0)
                    settle(page, title)
                    expect(page.get_by_text("updates done")).to_be_visible(timeout=30_000)
                    expect(page.get_by_text("This step's example")).to_be_visible()
                errors = page.locator('[data-testid="stException"]')
                assert errors.count() == 0, f"{title}: {errors.first.inner_text()[:2000]}"
                screenshot(page, SHOTS / f"{Path(script).stem}.png")
        finally:
            browser.close()
    assert len(list(SHOTS.glob("*.png"))) >= len(pages)
