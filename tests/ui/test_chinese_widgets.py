"""English that Streamlit or a caption left on Chinese pages (issue 29, part 5): the file uploaders' button and
limit, the sweep's caption of the shared settings. What a browser shows of the uploader is checked in
tests/browser/test_fits.py; here, what the page sends."""

from __future__ import annotations

import pytest

from tests.conftest import run_app
from ui import i18n


def uploader_styles(at) -> str:
    """The style blocks the page sent with st.html (the uploaders' texts in the session's language)."""
    return " ".join(h.proto.body for h in at.get("html") if "<style>" in h.proto.body and "st-key-" in h.proto.body)


@pytest.mark.parametrize("page, key, types", [("pages/02_corpus.py", "corpus_upload", "TXT"),
                                              ("pages/10_import_export.py", "ie_settings_upload", "JSON"),
                                              ("pages/12_hyperparameters.py", "sw_reopen", "CSV")])
def test_a_chinese_uploader_says_its_button_and_limit_in_chinese(clear_streamlit_caches, page, key, types):
    at = run_app(page, query={"lang": "zh"}, timeout=60)
    css = uploader_styles(at)
    assert f".st-key-{key} " in css
    assert '"上传"' in css and f"每个文件不超过 25 MB · {types}" in css       # the limit read from the server's config
    english = run_app(page, timeout=60)
    assert uploader_styles(english) == ""                                      # Streamlit's own words in English


def test_every_uploader_goes_through_ui_pickers():
    """A direct st.file_uploader would show Streamlit's English "Upload" and "25MB per file" on a Chinese page
    (the sweep's re-open box did)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    direct = [str(p.relative_to(root)) for folder in ("ui", "pages") for p in (root / folder).rglob("*.py")
              if "file_uploader(" in p.read_text(encoding="utf-8").replace("pickers.file_uploader(", "")
              and p.name != "pickers.py"]
    assert direct == []


def test_the_sweeps_caption_names_the_shared_settings_in_chinese():
    from lessons.sweep import plan as sweep_plan
    from ui.views.hyperparameters.controls import settings_caption

    base = {"architecture": "skipgram", "objective": "negative_sampling", "vector_size": 20, "cbow_update": "exact",
            "min_count": 1}
    plan = sweep_plan.SweepPlan.make("window", [1, 2], [1], base)
    try:
        i18n.outside_runs("zh")
        zh = settings_caption(plan)
    finally:
        i18n.outside_runs("en")
    assert "架构 skip-gram" in zh and "目标函数 负采样" in zh and "cbow_update 精确（exact）" in zh
    assert "architecture" not in zh and "objective" not in zh
    assert "architecture skip-gram" in settings_caption(plan) and "cbow_update exact" in settings_caption(plan)
