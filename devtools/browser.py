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


def launch_chromium(playwright, **kwargs):
    """playwright.chromium.launch() of /usr/bin/chromium with the flags above (plus any launch kwargs)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), **kwargs)
