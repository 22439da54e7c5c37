"""Debian's Chromium (/usr/bin/chromium), headless, through Playwright: one launcher for tests and benchmarks.

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})

Playwright's own browser downloads are not used; .ci/run installs the Debian package.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")


def have_chromium() -> bool:
    """True when /usr/bin/chromium exists (the browser tests and benchmarks need it)."""
    return CHROMIUM.exists()


def full_page_screenshot(page, path, width: int, min_height: int = 720, max_height: int = 7000,
                         wait_ms: int = 800) -> None:
    """A screenshot of a Streamlit page as tall as its content (the app scrolls inside its own main area,
    so Playwright's full_page sees only the window): the viewport is made that tall first, within
    [min_height, max_height] pixels, and left so."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": int(min(max(height + 40, min_height), max_height))})
    page.wait_for_timeout(wait_ms)
    page.screenshot(path=str(path))


def launch_chromium(playwright, **kwargs):
    """playwright.chromium.launch() of /usr/bin/chromium with the flags above (plus any launch kwargs)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), **kwargs)
