"""A practitioner's sweep in a real browser (issue 24): upload a text on the Corpus page, sweep it on the
Hyperparameters page with the practice set-up (the default for an upload), read the chart and the CSV.
Marked `browser`; skipped, with the reason, on a machine without /usr/bin/chromium (.ci/run installs it)."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pytest

from devtools.browser import CHROMIUM, have_chromium
from tests.browser.conftest import no_exception, settle
from ui.i18n import t

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not have_chromium(), reason=f"Chromium not installed at {CHROMIUM}")]

def my_text() -> bytes:
    """A text of its owner: 400 lines over 30 words, each used far more than min_count 5 times."""
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(30)]
    return "\n".join(" ".join(rng.choice(words, 10)) for _ in range(400)).encode("utf-8")


def test_a_practice_sweep_on_an_uploaded_text_draws_its_chart_and_writes_its_csv(tmp_path, server, browser):
    from playwright.sync_api import expect

    upload = tmp_path / "my notes.txt"
    upload.write_bytes(my_text())
    page = browser.new_page(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
    try:
        page.goto(server + "/corpus")
        settle(page, 120_000)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(upload))
        settle(page, 120_000)
        expect(page.get_by_text(t("corpus.uploaded", name="my notes.txt"))).to_be_visible(timeout=60_000)
        page.locator('[data-testid="stSidebarNav"] a[href$="/hyperparameters"]').first.click()
        settle(page, 120_000)
        main = page.locator('[data-testid="stMain"]')
        corpus_box = main.locator('[data-testid="stSelectbox"]').filter(has_text=t("sweep.corpus_label"))
        corpus_box.locator("input").first.click()
        page.get_by_role("option", name=re.compile(re.escape(t("sweep.corpus_upload")))).click()
        settle(page, 120_000)
        chosen = main.locator('[data-testid="stButtonGroup"] [role="radio"][aria-checked="true"]')
        expect(chosen.filter(has_text=t("sweep.setup_practice"))).to_have_count(1)
        values = main.locator('[data-testid="stTextInput"] input').first
        values.fill("2, 5")
        values.press("Enter")
        settle(page, 120_000)
        main.locator("button", has_text=t("sweep.run")).first.click()
        expect(main.get_by_text(re.compile(r"^Sweep of window on"))).to_be_visible(timeout=240_000)
        settle(page, 120_000)
        no_exception(page, "after the sweep")
        assert main.locator('[data-testid="stPlotlyChart"]').count() >= 1
        with page.expect_download() as got:
            main.locator('[data-testid="stDownloadButton"] button', has_text=t("sweep.download_csv")).click()
        download = got.value
        assert download.suggested_filename == "sweep_window_upload_my_notes.csv"
        rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    finally:
        page.close()
    assert sorted({r["value"] for r in rows}) == ["2", "5"] and len(rows) == 6         # 2 values x 3 seeds
    assert {r["setting_alpha"] for r in rows} == {"0.025"} and {r["setting_min_count"] for r in rows} == {"5"}
    assert all(r["status"] == "ok" for r in rows)
