"""The Hyperparameters page in AppTest (through app.py and its sidebar), its texts, and a real-browser look.

A sweep runs in a background thread (lessons.sweep.run.SweepJob); these tests press Run, wait for the job and run
the page again, as the page's half-second fragment does in a browser. Numbers on the page are compared with
the engine's own summary of the job's rows, not with numbers written here.
"""

from __future__ import annotations

import re
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

from lessons.sweep import plan as sweep_plan
from lessons.sweep import run as sweep_run
from lessons.sweep import scores as sweep_scores
from tests.conftest import kept_choice, figure_array, plotly_figures, uploaded
from ui.charts import sweep as sweep_charts
from ui.i18n import t
from ui.views.hyperparameters import controls as ui
from ui.views.hyperparameters import results as ui_results

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/12_hyperparameters.py"
TINY = dict(sb_corpus="tiny", sb_epochs=3)


@pytest.fixture
def page(open_page):
    """open_page for this page; every sweep still running at the end of the test is stopped."""
    opened = []

    def _open(**session):
        at = open_page(PAGE, **session)
        opened.append(at)
        return at

    yield _open
    for at in opened:
        job = at.session_state[ui.JOB] if ui.JOB in at.session_state else None
        if job is not None:
            job.stop()
            job.wait(60)


def no_exception(at):
    assert not at.exception, [e.value for e in at.exception]


def run_sweep(at, timeout: float = 180) -> sweep_run.SweepJob:
    """Press Run, wait for the background job, draw the page with its results."""
    at.button(key="sw_run").click().run()
    no_exception(at)
    job = at.session_state[ui.JOB]
    assert job.wait(timeout), "the sweep did not finish"
    at.run()
    no_exception(at)
    return job


def sweep_figure(at) -> dict:
    figs = [f for f in plotly_figures(at) if any(tr.get("error_y") for tr in f.get("data", []))]
    assert len(figs) == 1, f"{len(figs)} sweep figures"
    return figs[0]


def panel(fig: dict, n: int) -> list:
    """The traces of subplot n (1 = quality, 2 = final loss, 3 = training time, 4 = words/s)."""
    axis = "x" if n == 1 else f"x{n}"
    return [tr for tr in fig["data"] if tr.get("xaxis", "x") == axis]


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def set_values(at, text: str, seeds: int, setting: str = "window"):
    at.text_input(key=f"sw_values_{setting}").set_value(text)
    at.slider(key="sw_seeds").set_value(seeds)
    at.run()
    no_exception(at)


# ------------------------------------------------------------------------------------------ a sweep
def test_a_small_sweep_plots_one_point_per_value_with_error_bars(page):
    at = page(**TINY)
    set_values(at, "1, 3, 4", 2)
    job = run_sweep(at)
    rows = job.snapshot()["rows"]
    assert len(rows) == 6 and all(r["status"] == "ok" for r in rows)
    fig = sweep_figure(at)
    metric = kept_choice(at.selectbox, "sw_metric").value
    assert metric == "groups"                                      # the tiny corpus's own groups
    for n, key in enumerate([metric, "final_loss", "time", "words_per_sec"], 1):
        (trace,) = panel(fig, n)
        summary = {s["value"]: s for s in sweep_scores.summarize(rows, key)}
        assert list(figure_array(trace["x"])) == [1, 3, 4]            # one point per value
        np.testing.assert_allclose(figure_array(trace["y"]), [summary[v]["mean"] for v in (1, 3, 4)])
        assert trace["error_y"]["visible"] is True
        np.testing.assert_allclose(figure_array(trace["error_y"]["array"]), [summary[v]["std"] for v in (1, 3, 4)])
        assert all(summary[v]["n"] == 2 for v in (1, 3, 4))
    assert "coverage: 100% of the grouped words" in fig["layout"]["annotations"][0]["text"]
    best = sweep_scores.best_point(sweep_scores.summarize(rows, metric), metric)["value"]
    assert f"the best window is **{best}**" in texts(at.markdown)
    assert "6 of 6 runs (0 from the cache)" in texts(at.caption)
    import io
    import pandas as pd
    csv = pd.read_csv(io.BytesIO(ui_results.csv_bytes(rows, job.plan, job.corpus)))         # what the download holds
    assert len(csv) == 6 and list(csv["value"]) == [r["value"] for r in rows]
    np.testing.assert_allclose(csv["groups"], [r["groups"] for r in rows])
    assert set(csv["setting_epochs"]) == {3} and set(csv["corpus"]) == {"tiny"}
    assert len(at.get("download_button")) == 1


def test_running_again_takes_every_run_from_the_cache_with_the_same_numbers(page):
    at = page(**TINY)
    set_values(at, "1, 2", 2)
    first = run_sweep(at)
    before = sweep_figure(at)
    cache = ui.shared_cache()
    hits = cache.hits
    second = run_sweep(at, timeout=30)
    assert second is not first
    assert cache.hits == hits + 4
    assert all(r["cached"] for r in second.snapshot()["rows"])
    assert "4 of 4 runs (4 from the cache)" in texts(at.caption)
    after = sweep_figure(at)
    for n in (1, 2):                                                   # quality and loss: the very same numbers
        np.testing.assert_array_equal(figure_array(panel(after, n)[0]["y"]), figure_array(panel(before, n)[0]["y"]))


@pytest.mark.slow                                                      # ~5 s: 60-epoch runs so that Stop comes in time
def test_stop_keeps_the_finished_runs(page):
    at = page(sb_corpus="royalty", sb_epochs=60)
    set_values(at, "1..8", 3)
    at.button(key="sw_run").click().run()
    no_exception(at)
    job = at.session_state[ui.JOB]
    deadline = time.time() + 180
    while not job.snapshot()["rows"] and time.time() < deadline:
        time.sleep(0.1)
    at.button(key="sw_stop").click().run()                            # the fragment's Stop
    no_exception(at)
    assert job.wait(60)
    at.run()
    no_exception(at)
    snap = job.snapshot()
    done = snap["done"]
    assert snap["state"] == "stopped" and 1 <= done < 24
    assert f"Stopped: {done} of 24 runs finished" in texts(at.warning)
    (trace,) = panel(sweep_figure(at), 2)                              # final loss of the finished runs
    finished = sorted({r["value"] for r in snap["rows"]})
    assert list(figure_array(trace["x"])) == finished
    assert any(e.label == f"Every run ({done})" for e in at.expander)


def test_apply_writes_the_best_value_into_the_sidebar(page):
    at = page(**TINY)
    assert at.session_state["sb_window"] == 2
    set_values(at, "1, 3, 4", 2)                                       # the sidebar's 2 is not among them
    job = run_sweep(at)
    best = sweep_scores.best_point(sweep_scores.summarize(job.snapshot()["rows"], "groups"), "groups")["value"]
    at.button(key="sw_apply").click().run()
    no_exception(at)
    assert at.session_state["sb_window"] == best
    assert at.slider(key="sb_window").value == best
    assert f"Applied to the sidebar: window = {best}" in texts(at.success)
    # issue 24.4: the card tells the sidebar's value now, and nothing says the choices differ from the sweep
    cards = [m.value for m in at.markdown if (m.value or "").startswith("**window**")]
    assert cards and all(f"{t('sweep.ref_sidebar')}: **{best}**" in c for c in cards), cards
    assert t("sweep.controls_changed") not in texts(at.caption)
    assert t("sweep.apply_caution", seeds=1) not in texts(at.warning)      # 2 seeds: no caution


def test_apply_from_one_seed_says_the_best_value_may_be_noise(page):
    at = page(**TINY)
    set_values(at, "1, 3", 1)
    run_sweep(at)
    assert [b for b in at.button if b.key == "sw_apply"]
    assert t("sweep.apply_caution", seeds=1) in texts(at.warning)


def test_a_setting_that_is_not_in_the_sidebar_cannot_be_applied(page):
    at = page(**TINY)
    kept_choice(at.selectbox, "sw_setting").set_value("skipgram_input").run()
    at.slider(key="sw_seeds").set_value(1).run()
    run_sweep(at)
    assert not [b for b in at.button if b.key == "sw_apply"]
    assert "skipgram_input is not a sidebar setting" in texts(at.info)


def test_invalid_values_are_named_and_nothing_runs(page):
    at = page(**TINY)
    set_values(at, "1, 2.5, 4", 1)
    assert "window = 2.5 is not allowed: window must be an integer in [1, 100]" in texts(at.error)
    assert at.button(key="sw_run").disabled
    kept_choice(at.selectbox, "sw_setting").set_value("ns_exponent").run()
    at.text_input(key="sw_values_ns_exponent").set_value("0..1").run()
    assert "'0..1' is not a range" in texts(at.error)
    assert at.button(key="sw_run").disabled
    assert ui.JOB not in at.session_state


def test_a_2d_sweep_draws_one_colour_per_value_of_the_second_setting(page):
    at = page(**TINY)
    set_values(at, "1, 2", 1)
    kept_choice(at.selectbox, "sw_colour").set_value("architecture").run()
    no_exception(at)
    job = run_sweep(at)
    assert len(job.snapshot()["rows"]) == 4
    traces = panel(sweep_figure(at), 1)
    assert sorted(tr["name"] for tr in traces) == ["architecture = CBOW", "architecture = skip-gram"]
    assert all(len(figure_array(tr["x"])) == 2 for tr in traces)
    assert texts(at.markdown).count("**Verdict:**") == 2               # one verdict line per colour


def test_the_planted_corpus_is_scored_against_its_truth(page):
    at = page(**TINY)
    kept_choice(at.selectbox, "sw_corpus").set_value(ui.PLANTED).run()
    set_values(at, "1, 2", 1)
    run_sweep(at)
    assert kept_choice(at.selectbox, "sw_metric").value == "planted"
    assert "of the planted words" in sweep_figure(at)["layout"]["annotations"][0]["text"]


@pytest.fixture
def test_thread_in_chinese():
    """AppTest words a select box's value with its format_func in the test's own thread, outside any script
    run, where st.session_state is Streamlit's stand-in: the language is set there too, so that the words
    match the page's."""
    from ui import i18n
    i18n.outside_runs("zh")          # the language t() uses outside a script run, in this thread
    yield
    i18n.outside_runs("en")


def test_the_page_speaks_chinese(page, test_thread_in_chinese):
    at = page(lang="zh", **TINY)
    assert at.title[0].value == "超参数"
    set_values(at, "1, 2", 2)
    run_sweep(at)
    assert "结论：" in texts(at.markdown)
    assert "最好的 window 是" in texts(at.markdown)
    assert "2 个取值 x 2 个种子" in texts(at.caption)


# ------------------------------------------------------------------------------------------ texts
def catalogue(lang: str) -> dict:
    with open(ROOT / "ui" / "texts" / lang / "sweep.toml", "rb") as f:
        data = tomllib.load(f)
    out = {}

    def flat(prefix, table):
        for k, v in table.items():
            if isinstance(v, dict):
                flat(f"{prefix}{k}.", v)
            else:
                out[prefix + k] = v
    flat("", data)
    return out


def test_both_languages_have_the_same_keys_and_placeholders():
    en, zh = catalogue("en"), catalogue("zh")
    assert set(en) == set(zh)
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", zh[key])), key


def test_every_key_the_page_uses_is_in_the_catalogue():
    en = catalogue("en")
    files = [ROOT / PAGE, ROOT / "ui" / "charts" / "sweep.py", *sorted((ROOT / "ui" / "views" / "hyperparameters").glob("*.py"))]
    code = "".join(f.read_text() for f in files)
    used = set(re.findall(r't\("sweep\.([\w.]+)"', code))
    assert used and used <= set(en), used - set(en)
    for name in sweep_plan.SWEEPABLE:                                           # keys built from names
        assert f"setting.{name}" in en and f"advice.{name}" in en
    for key, metric in sweep_scores.METRICS.items():
        assert f"metric.{key}" in en
        if metric.coverage:
            assert f"coverage.{key}" in en
    for s in sweep_plan.STRATEGIES:
        assert f"strategy.{s}" in en
    for code_ in ("empty", "not_allowed", "bad_range", "bad_step", "too_many", "too_many_runs", "no_seeds",
                  "combination", "not_sweepable", "same_setting"):
        assert f"err.{code_}" in en


# ------------------------------------------------------------------------------------------ browser
@pytest.mark.browser
def test_the_page_after_a_sweep_in_a_real_browser():
    from devtools.app_server import AppServer
    from devtools.browser import CHROMIUM, full_page_screenshot, have_chromium, launch_chromium
    if not have_chromium():
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with AppServer() as app, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"{app.url}/hyperparameters?corpus=royalty&epochs=10")
            expect(page.locator('[data-testid="stSidebarNav"]', has_text="Hyperparameters")).to_be_visible(
                timeout=60_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                   timeout=60_000)
            run = page.get_by_role("button", name="Run the sweep")           # the visible one
            expect(run).to_be_enabled(timeout=30_000)
            run.click()
            page.mouse.move(5, 700)
            expect(page.get_by_text("Verdict:").first).to_be_visible(timeout=180_000)
            expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
            page.wait_for_timeout(1_500)
            assert page.locator('[data-testid="stException"]').count() == 0
            page.screenshot(path=str(shots / "12_hyperparameters_sweep_viewport.png"))
            full_page_screenshot(page, shots / "12_hyperparameters_sweep.png", 1280, max_height=5000, wait_ms=1_000)
        finally:
            browser.close()


# ------------------------------------------------------------------------------------------ reference marks
@pytest.mark.parametrize("setting, values, marks", [
    ("window", [1, 2, 3, 5, 8], [("both", 5, None), ("recommended", 2, 8)]),
    ("window", [20, 30], []),                                      # defaults and advice outside the sweep
    ("alpha", [0.0125, 0.025, 0.05], [("both", 0.025, None), ("recommended", 0.025, 0.025)]),
    ("sample", [0.0, 1e-5, 1e-4, 1e-3, 1e-2],                      # 0 on the axis: categories
     [("recommended", "1e-05", "0.001"), ("both", "0.001", None)]),
    ("architecture", ["skipgram", "cbow"], [("both", "CBOW", None), ("recommended", "skip-gram", "skip-gram")]),
])
def test_defaults_and_recommendations_are_marked_where_the_sweep_reaches_them(setting, values, marks):
    base = {"architecture": "skipgram", "objective": "negative_sampling"}
    plan = sweep_plan.SweepPlan.make(setting, values, [1], base)
    assert sweep_charts.reference_marks(plan) == marks


def test_an_upload_without_quality_measures_still_shows_loss_and_time(page):
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()
    rng = np.random.default_rng(0)
    upload = [[str(w) for w in rng.choice(words, 8)] for _ in range(60)]
    at = page(**{**TINY, **uploaded("mine.txt", upload)})
    kept_choice(at.selectbox, "sw_corpus").set_value("upload:mine.txt").run()              # uploads.upload_choice
    set_values(at, "1, 2", 1)
    job = run_sweep(at)
    assert job.corpus.key.startswith("upload:") and job.corpus.metrics() == [
        m for m in ("wordsim353", "simlex999", "google") if m in job.corpus.metrics()]   # gensim's lists only
    assert "No quality measure is possible on this corpus" in texts(at.warning)
    assert "Sweep of window on your uploaded file mine.txt" in [h.value for h in at.subheader]
    fig = sweep_figure(at)
    assert "quality: not measurable" in fig["layout"]["annotations"][0]["text"]
    assert [len(figure_array(tr["x"])) for tr in fig["data"]] == [2, 2, 2]   # loss, time, words/s
    assert not [b for b in at.button if b.key == "sw_apply"]


def test_the_page_says_which_setup_runs_and_real_text_starts_on_practice(page):
    """Issue 24: a sample corpus sweeps on the teaching set-up, real text on word2vec.c's / gensim's defaults,
    said on the page, one click to switch; the plan the page starts carries the set-up's settings."""
    at = page(**TINY)
    no_exception(at)
    assert kept_choice(at.segmented_control, "sw_setup_sample").value == "teaching"
    assert any(t("sweep.setup_teaching_caption") in (c.value or "") for c in at.caption)
    kept_choice(at.selectbox, "sw_corpus").set_value("lee_background").run()
    no_exception(at)
    assert kept_choice(at.segmented_control, "sw_setup_real").value == "practice"
    shown = " ".join(c.value or "" for c in at.caption)
    assert "alpha 0.025" in shown and "min_count 5" in shown and "vector_size 100" in shown
    kept_choice(at.segmented_control, "sw_setup_real").set_value("teaching").run()       # one click back
    no_exception(at)
    assert kept_choice(at.segmented_control, "sw_setup_real").value == "teaching"
    assert any(t("sweep.setup_teaching_caption") in (c.value or "") for c in at.caption)


def test_own_lists_are_read_on_the_page_and_a_bad_one_is_named(page):
    """Issue 24.3: upload word groups (they become the sweep's groups) and a broken pairs file (refused by name)."""
    at = page(**TINY)
    uploaders = {u.proto.label: u for u in at.get("file_uploader")}
    groups = uploaders[t("sweep.own_groups")]
    groups.set_value(("mine.tsv", b"fox animal\ndog animal\nquick speed\nlazy speed\n", "text/plain")).run()
    no_exception(at)
    assert t("sweep.own_read_groups", name="mine.tsv", n=4, skipped=0) in texts(at.caption)
    uploaders = {u.proto.label: u for u in at.get("file_uploader")}
    uploaders[t("sweep.own_pairs")].set_value(("bad.txt", b"no scores here\n", "text/plain")).run()
    no_exception(at)
    assert "bad.txt: no lines 'word word score' found" in texts(at.error)
    set_values(at, "1, 2", 1)
    job = run_sweep(at)
    assert job.corpus.groups == {"fox": "animal", "dog": "animal", "quick": "speed", "lazy": "speed"}
    assert "|own:groups=" in job.corpus.key and job.corpus.own_pairs is None


def test_the_sessions_earlier_sweeps_can_be_shown_again(page):
    """Issue 24.5: a new sweep no longer replaces the last one for good: the session keeps it, and a chooser
    shows its chart and verdict again."""
    at = page(**TINY)
    set_values(at, "1, 2", 1)
    first = run_sweep(at)
    set_values(at, "3, 4", 1)
    second = run_sweep(at)
    assert at.session_state[ui.HISTORY] == [first]
    picker = kept_choice(at.selectbox, ui.SHOWN)
    assert picker.value == 0 and "Sweep of window" in [h.value for h in at.subheader][0]
    shown = sorted(figure_array(panel(sweep_figure(at), 2)[0]["x"]))
    assert shown == [3, 4]
    picker.set_value(1).run()
    no_exception(at)
    assert sorted(figure_array(panel(sweep_figure(at), 2)[0]["x"])) == [1, 2]      # the earlier sweep again
    assert second is at.session_state[ui.JOB]


def test_a_folder_of_large_corpora_is_offered_and_swept_from_disk(page, tmp_path, monkeypatch):
    """Issue 24.6: the server's owner names a folder (W2V_CORPORA_DIR); its text files are offered to sweeps
    and streamed from disk by the engine (a Corpus, not a loaded tuple); nothing outside the folder is."""
    from engine.corpus import Corpus

    text = "\n".join(" ".join(["the", "cat", "sat", "on", "the", "mat", "with", "a", "dog"][i % 3:] * 2)
                     for i in range(300))
    (tmp_path / "big.txt").write_text(text, encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")                    # not a text file: not offered
    monkeypatch.setenv("W2V_CORPORA_DIR", str(tmp_path))
    at = page(**TINY)
    options = kept_choice(at.selectbox, "sw_corpus").options
    assert "folder:big.txt" in options and not [o for o in options if "notes" in o]
    kept_choice(at.selectbox, "sw_corpus").set_value("folder:big.txt").run()
    assert kept_choice(at.segmented_control, "sw_setup_real").value == "practice"
    set_values(at, "1, 2", 1)
    job = run_sweep(at)
    assert isinstance(job.corpus.sentences, Corpus) and job.corpus.key.startswith("folder:big.txt:")
    assert {r["status"] for r in job.snapshot()["rows"]} == {"ok"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_analogies_are_scored_on_the_questions_every_run_asks(page, lang, request):
    """Issue 24.2 for analogies: a max_vocab_size sweep on royalty (20 words ask fewer of its questions than the
    whole vocabulary) scores both on the questions both ask, and the page says how many (en, zh)."""
    if lang == "zh":
        request.getfixturevalue("test_thread_in_chinese")
    at = page(lang=lang, sb_corpus="royalty", sb_epochs=3)
    kept_choice(at.selectbox, "sw_setting").set_value("max_vocab_size").run()
    set_values(at, "20, 1000", 1, setting="max_vocab_size")
    job = run_sweep(at)
    kept_choice(at.selectbox, "sw_metric").set_value("analogies").run()
    no_exception(at)
    rows = sweep_scores.on_common_items(job.snapshot()["rows"])
    common = {r["analogies_common"] for r in rows}
    from engine import sample_analogies
    questions = sum(not line.startswith(":") for line in open(sample_analogies("royalty"), encoding="utf-8"))
    assert len(common) == 1 and 0 < min(common) < max(round(r["analogies_coverage"] * questions) for r in rows)
    assert t("sweep.common_items", n=min(common), metric=sweep_charts.metric_label("analogies")) in texts(at.caption)
    np.testing.assert_allclose(sorted(figure_array(panel(sweep_figure(at), 1)[0]["y"])),
                               sorted(r["analogies"] for r in rows))


def reopen(at, name: str, data: bytes):
    uploaders = {u.proto.label: u for u in at.get("file_uploader")}
    uploaders[t("sweep.reopen_label")].set_value((name, data, "text/csv")).run()
    no_exception(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_saved_sweeps_csv_is_shown_again_and_a_foreign_or_damaged_one_is_refused(page, lang, request):
    """Issue 24.5: the CSV the page downloads can be uploaded back: the same chart, verdict and table from the
    file's numbers (nothing trained), the sweep joining the session's history; a file that is not one of ours, or
    a damaged one, is refused with what is wrong, and the sweep shown stays (en, zh)."""
    if lang == "zh":
        request.getfixturevalue("test_thread_in_chinese")
    at = page(lang=lang, **TINY)
    set_values(at, "1, 3", 2)
    first = run_sweep(at)
    rows = sweep_scores.on_common_items(first.snapshot()["rows"])
    data = ui_results.csv_bytes(rows, first.plan, first.corpus)                 # what the download button holds
    verdict = [m.value for m in at.markdown if t("sweep.verdict") in m.value]
    before = sweep_figure(at)
    set_values(at, "2, 4", 1)
    second = run_sweep(at)
    reopen(at, "sweep_window_tiny.csv", data)
    job = at.session_state[ui.JOB]
    assert job.source == "sweep_window_tiny.csv" and ui_results.same_runs(job.plan, first.plan) and not job.running
    assert at.session_state[ui.HISTORY][:2] == [second, first]                  # the earlier ones kept
    assert t("sweep.reopened", name="sweep_window_tiny.csv", n=4) in texts(at.caption)
    assert [m.value for m in at.markdown if t("sweep.verdict") in m.value] == verdict
    after = sweep_figure(at)
    for n in (1, 2):
        np.testing.assert_allclose(figure_array(panel(after, n)[0]["y"]), figure_array(panel(before, n)[0]["y"]))
    table = at.dataframe[0].value
    assert len(table) == 4 and list(table["seed"]) == [r["seed"] for r in rows]

    lines = data.decode().splitlines()
    header = lines[0].split(",")
    col = header.index("final_loss")
    damaged = lines[:2] + [",".join("abc" if i == col else c for i, c in enumerate(lines[2].split(",")))] + lines[3:]
    cases = [("notes.csv", b"name,score\nking,3\n",
              t("sweep.saved.not_ours", column="corpus, swept, value, colour_setting, colour_value, seed, status")),
             ("broken.csv", "\n".join(damaged).encode(),
              t("sweep.saved.bad_number", line=3, column="final_loss", item="abc")),
             ("binary.csv", b"\xff\xfe\x00\x81 not text", t("sweep.saved.not_text"))]
    for name, bad, problem in cases:
        reopen(at, name, bad)
        assert t("sweep.saved_error", name=name, problem=problem) in texts(at.error)
        assert at.session_state[ui.JOB] is job                                  # the sweep shown is kept
        assert sweep_figure(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_segmenter_is_a_setting_a_sweep_can_vary(page, lang, request):
    """Issue 24.7: on the Chinese sample corpus the segmenter can be swept: each run trains on the text cut its
    way (the vocabularies differ), the chart names the segmenters in the page's language, and the best one can
    be applied to the Corpus page's choice; the planted corpus cannot be cut again and says so (en, zh)."""
    if lang == "zh":
        request.getfixturevalue("test_thread_in_chinese")
    at = page(lang=lang, sb_corpus="chinese", sb_epochs=2)
    kept_choice(at.selectbox, "sw_setting").set_value("segmenter").run()
    no_exception(at)
    kept_choice(at.multiselect, "sw_values_segmenter").set_value(["words", "characters"]).run()
    at.slider(key="sw_seeds").set_value(1).run()
    job = run_sweep(at)
    rows = {r["value"]: r for r in job.snapshot()["rows"]}
    assert set(rows) == {"words", "characters"} and {r["status"] for r in rows.values()} == {"ok"}
    assert rows["words"]["V"] != rows["characters"]["V"]
    assert set(job.corpus.segmented) == {"words", "characters"}
    ticks = panel(sweep_figure(at), 2)[0]["x"]
    assert sorted(ticks) == sorted([t("corpus.segmenter_words"), t("corpus.segmenter_characters")])
    (apply,) = [b for b in at.button if b.key == "sw_apply"]          # the sample's groups name a best segmenter
    best = ui_results.best_values(sweep_scores.on_common_items(list(rows.values())), job.plan, "groups")
    apply.click().run()
    no_exception(at)
    assert at.session_state["sb_segmenter"] == best["segmenter"]
    kept_choice(at.selectbox, "sw_corpus").set_value(ui.PLANTED).run()
    at.button(key="sw_run").click().run()
    no_exception(at)
    assert t("sweep.corpus_error", error=t("sweep.cannot_cut", corpus=ui.corpus_label(ui.PLANTED))) in texts(at.error)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_random_search_over_three_settings_shows_each_trials_settings_and_an_honest_verdict(page, lang, request):
    """Issue 24.7: random search is a named mode: three settings, 4 trials drawn from the sidebar's seed, 2 seeds;
    the chart has one point per trial (mean ± sd over seeds) and a panel per setting, the table says which settings
    each trial had, the verdict names the best trial with its settings against the seed spread and says what a
    random search cannot know; its CSV re-opens into the same trials (en, zh)."""
    if lang == "zh":
        request.getfixturevalue("test_thread_in_chinese")
    at = page(lang=lang, **TINY)
    kept_choice(at.segmented_control, ui.MODE).set_value("random").run()
    no_exception(at)
    assert kept_choice(at.multiselect, "sw_searched").value == list(ui.RANDOM_DEFAULT)
    at.text_input(key="sw_rvalues_vector_size").set_value("8, 16")
    at.number_input(key="sw_trials").set_value(4)
    at.slider(key="sw_rseeds").set_value(2).run()
    no_exception(at)
    job = run_sweep(at)
    plan = job.plan
    assert plan.is_random and plan.searched == ui.RANDOM_DEFAULT and len(plan.trials) == 4
    assert plan.combinations == 5 * 2 * 5
    assert t("sweep.shape_random", trials=4, seeds=2, combos=50, settings="window, vector_size, negative") in texts(at.caption)
    rows = job.snapshot()["rows"]
    summary = {s["value"]: s for s in sweep_scores.summarize(rows, "groups")}
    fig = sweep_figure(at)
    first = [tr for tr in fig["data"] if tr.get("xaxis", "x") == "x"][0]
    assert list(first["x"]) == ["#1", "#2", "#3", "#4"]
    np.testing.assert_allclose(figure_array(first["y"]), [summary[k]["mean"] for k in (1, 2, 3, 4)])
    np.testing.assert_allclose(figure_array(first["error_y"]["array"]), [summary[k]["std"] for k in (1, 2, 3, 4)])
    assert len(fig["data"]) == 4                                             # and one panel per drawn setting
    table = at.dataframe[0].value
    for _, line in table.iterrows():
        k = int(str(line[t("sweep.trial")]).lstrip("#"))
        assert {n: str(line[n]) for n in plan.searched} == {n: str(v) for n, v in plan.trial(k).items()}
    verdict = sweep_scores.sweep_verdict(list(summary.values()), "groups")[0]
    best = verdict["best"]["value"]
    shown = texts(at.markdown)
    assert t("sweep.verdict_trial", k=best, settings=ui_results.trial_text(plan, best),
             mean=f"{summary[best]['mean']:.3f}", std=f"{summary[best]['std']:.3f}") in shown
    assert t("sweep.random_note", trials=4, combos=50) in shown
    assert t("sweep.results_title_random", settings="window, vector_size, negative", corpus="tiny") in [
        h.value for h in at.subheader]
    data = ui_results.csv_bytes(sweep_scores.on_common_items(rows), plan, job.corpus)
    reopen(at, "random.csv", data)
    back = at.session_state[ui.JOB]
    assert back.source == "random.csv" and back.plan.trials == plan.trials and back.plan.combinations == 50
    assert t("sweep.verdict_trial", k=best, settings=ui_results.trial_text(plan, best),
             mean=f"{summary[best]['mean']:.3f}", std=f"{summary[best]['std']:.3f}") in texts(at.markdown)


def test_every_upload_of_the_session_is_offered_to_sweeps_by_its_name(page):
    """Issue 24.5: two uploads in the session: the sweep's corpus chooser offers both, named by their files."""
    from ui import uploads

    two = {**uploaded("a.txt", [["x", "y"]] * 5), **{"sb_corpus": "tiny"}}
    b = uploads.Upload("b.txt", [["p", "q"]] * 5)
    two[uploads.UPLOADS] = {**two[uploads.UPLOADS], b.choice: b}
    at = page(**{**TINY, **two})
    chooser = kept_choice(at.selectbox, "sw_corpus")
    assert {ui.corpus_label("upload:a.txt"), ui.corpus_label("upload:b.txt")} <= set(chooser.options)   # labels
    assert ui.corpus_label("upload:b.txt") == f"{t('sweep.corpus_upload')} b.txt"
