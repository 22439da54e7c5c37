"""The Interview prep page (pages/11_interview.py): AppTest walks of every question in both languages,
scoring against the measured result (and its change with the corpus), the share link, the mock interview,
and a browser walk of three questions that saves a reveal screenshot.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lessons.interview import questions
from ui.views.interview import answers as ui_iv
from ui.i18n import t
from tests.conftest import kept_choice

PAGE = "pages/11_interview.py"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"


def open_interview(open_page, lang="en", corpus="tiny", **session):
    return open_page(PAGE, sb_corpus=corpus, lang=lang, **session)


def _no_exception(at):
    assert not at.exception, [e.value for e in at.exception]


def pick(at, qid):
    kept_choice(at.selectbox, ui_iv.PICK).select_index(questions.QUESTION_IDS.index(qid))
    at.run()
    _no_exception(at)


def default_prediction(question):
    """A prediction that can be entered for every field (the first choice; 0 within the bounds)."""
    return {f.name: f.choices[0] if f.kind == "choice" else (0 if f.integer else 0.0) for f in question.fields}


def answer(at, qid, prediction=None, scope="walk", lang="en"):
    """Enter a prediction for question qid in the form and press Run the experiment."""
    question = questions.QUESTION_BY_ID[qid]
    prediction = default_prediction(question) if prediction is None else prediction
    for f in question.fields:
        key = f"iv_{scope}_{qid}_{f.name}"
        if f.name not in prediction:
            continue
        if f.kind == "choice":
            kept_choice(at.radio, key).set_value(prediction[f.name])
        else:
            at.number_input(key=key).set_value(prediction[f.name])
    run = [b for b in at.button if b.label == t("interview.run", lang)]
    assert run, f"{qid}: no Run button"
    run[0].click()
    at.run()
    _no_exception(at)


def answer_again(at, qid, scope="walk"):
    at.button(key=f"iv_again_{scope}_{qid}").click()
    at.run()
    _no_exception(at)


def results(at) -> dict:
    return at.session_state[ui_iv.RESULTS]


def answers(at) -> dict:
    return at.session_state[ui_iv.ANSWERS]


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    parts += [e.value for e in at.error] + [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------ every question
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_question_runs_its_experiment_and_reveals_in_both_languages(open_page, lang):
    at = open_interview(open_page, lang)
    assert t("interview.title", lang) in [h.value for h in at.title]
    for qid in questions.QUESTION_IDS:
        pick(at, qid)
        page_text = texts(at)
        assert t(f"interview.{qid}.ask", lang).split("{")[0][:12] in page_text, qid
        answer(at, qid, lang=lang)
        given = answers(at)[qid]
        assert given["ok"] in (True, False)
        result = results(at)[given["key"]]
        assert set(result["truth"]) == {f.name for f in questions.QUESTION_BY_ID[qid].fields}
        page_text = texts(at)
        verdict = t("interview.verdict_right" if given["ok"] else "interview.verdict_wrong", lang)
        assert verdict in page_text, qid
        assert t(f"interview.{qid}.say", lang) in page_text, qid               # how to say it
        assert t(f"interview.{qid}.explain", lang).strip()[:20] in page_text, qid
        assert len(at.table) >= 1, qid                                         # prediction against result
    assert len(answers(at)) == len(questions.QUESTIONS)
    right = sum(a["ok"] for a in answers(at).values())
    progress = t("interview.progress", lang, answered=len(questions.QUESTIONS), total=len(questions.QUESTIONS), right=right)
    assert any(progress in (p.proto.text or "") for p in at.get("progress")), progress


# ------------------------------------------------------------------------------------------ scoring
def test_prediction_is_scored_against_the_measured_result_which_changes_with_the_corpus(open_page):
    at = open_interview(open_page, corpus="tiny")
    pick(at, "examples")
    answer(at, "examples", {"cbow": 0, "skipgram": 0})
    tiny = dict(results(at)[answers(at)["examples"]["key"]]["truth"])
    assert answers(at)["examples"]["ok"] is False                          # 0 examples: wrong on any corpus
    answer_again(at, "examples")
    answer(at, "examples", tiny)
    assert answers(at)["examples"]["ok"] is True
    assert t("interview.verdict_right") in texts(at)

    at.session_state["sb_corpus"] = "royalty"                             # another corpus, another sentence
    at.run()
    assert "tiny" in texts(at)                                             # the reveal says where it was answered
    answer_again(at, "examples")
    answer(at, "examples", tiny)                                           # tiny's answer, royalty's experiment
    royalty = results(at)[answers(at)["examples"]["key"]]["truth"]
    assert royalty != tiny
    assert answers(at)["examples"]["ok"] is False
    answer_again(at, "examples")
    answer(at, "examples", dict(royalty))
    assert answers(at)["examples"]["ok"] is True


def test_a_number_within_the_stated_tolerance_counts_as_right(open_page):
    at = open_interview(open_page)
    pick(at, "orthogonal")                                                 # sigma: ± 0.01, coef: ± 0.02
    answer(at, "orthogonal", {"sigma": 0.505, "coef": 0.48})
    truth = results(at)[answers(at)["orthogonal"]["key"]]["truth"]
    assert abs(truth["coef"] - 0.5) < 1e-9
    assert answers(at)["orthogonal"]["ok"] is True
    answer_again(at, "orthogonal")
    answer(at, "orthogonal", {"sigma": 0.5, "coef": 0.45})
    assert answers(at)["orthogonal"]["fields"] == {"sigma": True, "coef": False}


def test_nothing_runs_until_every_item_is_predicted(open_page):
    at = open_interview(open_page)
    pick(at, "huffman")
    answer(at, "huffman", {"top": 2})                                      # rare and average left empty
    assert "huffman" not in answers(at)
    ran = at.session_state[ui_iv.RESULTS] if ui_iv.RESULTS in at.session_state else {}
    assert not any(k.startswith("huffman|") for k in ran)
    assert any(t("interview.huffman.f_average") in w.value for w in at.warning)


def test_an_experiment_runs_once_per_corpus_and_is_reused(open_page):
    at = open_interview(open_page)
    pick(at, "power")
    answer(at, "power", {"e1": 10.0, "e075": 10.0, "e0": 5.0})
    key = answers(at)["power"]["key"]
    first = results(at)[key]
    answer_again(at, "power")
    answer(at, "power", {"e1": 20.0, "e075": 10.0, "e0": 5.0})
    assert results(at)[key] is first


# ------------------------------------------------------------------------------------------ share link
def test_a_share_link_restores_the_answered_questions(open_page, clear_streamlit_caches):
    from streamlit.testing.v1 import AppTest

    code = questions.encode_progress({"num_skips": {"p": {"pairs": 16}, "ok": True},
                              "hs_sum": {"p": {"sum": "less"}, "ok": False}})
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["sb_corpus"] = "tiny"
    at.query_params["iq"] = code
    at.switch_page(PAGE)                       # the link opens this page (its URL path), with ?iq=
    at.run()
    _no_exception(at)
    restored = answers(at)
    assert set(restored) == {"num_skips", "hs_sum"}
    assert restored["num_skips"]["p"] == {"pairs": 16} and restored["hs_sum"]["ok"] is False
    assert t("interview.restored", n=2) in texts(at)
    pick(at, "num_skips")
    assert t("interview.restored_answer", verdict=t("interview.restored_right")) in texts(at)
    at.button(key="iv_rerun_walk_num_skips").click()                       # run it: the full reveal
    at.run()
    _no_exception(at)
    assert t("interview.verdict_right") in texts(at)
    labels = kept_choice(at.selectbox, ui_iv.PICK).options
    assert labels[questions.QUESTION_IDS.index("num_skips")].endswith("✓")
    assert labels[questions.QUESTION_IDS.index("hs_sum")].endswith("✗")


def test_the_page_writes_its_progress_code_into_the_url(open_page):
    at = open_interview(open_page)
    pick(at, "num_skips")
    answer(at, "num_skips", {"pairs": 3})
    code = questions.encode_progress({q: {"p": a["p"], "ok": a["ok"]} for q, a in answers(at).items()})
    assert questions.decode_progress(code) == {"num_skips": {"p": {"pairs": 3}, "ok": False}}
    assert at.query_params.get("iq") in (code, [code])


def test_an_unreadable_link_code_is_reported_and_nothing_breaks(open_page, clear_streamlit_caches):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["sb_corpus"] = "tiny"
    at.query_params["iq"] = "1garbage!!"
    at.switch_page(PAGE)
    at.run()
    _no_exception(at)
    assert any(t("interview.restore_bad") in w.value for w in at.warning)
    assert answers(at) == {}


@pytest.mark.parametrize("raw", ['{"7": [%s, 6, "shorter", 1]}' % ("9" * 401), "[" * 50_000 + "]" * 50_000])
def test_a_link_code_with_a_huge_number_or_deep_nesting_is_reported_on_every_visit(clear_streamlit_caches, raw):
    import base64
    import zlib

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["sb_corpus"] = "tiny"
    at.query_params["iq"] = "1" + base64.urlsafe_b64encode(zlib.compress(raw.encode(), 9)).decode().rstrip("=")
    at.switch_page(PAGE)
    for _ in range(2):                                  # it used to raise OverflowError on every visit
        at.run()
        _no_exception(at)
        assert any(t("interview.restore_bad") in w.value for w in at.warning)
        assert answers(at) == {}


# ------------------------------------------------------------------------------------------ mock interview
def _light_seed() -> int:
    """A seed whose five questions train no model (keeps the test quick)."""
    return next(s for s in range(1000)
                if not any(questions.QUESTION_BY_ID[q].heavy for q in questions.mock_questions(s)))


def test_mock_interview_draws_five_questions_runs_a_clock_and_summarises(open_page):
    seed = _light_seed()
    at = open_interview(open_page, **{ui_iv.MODE: "mock", ui_iv.MOCK_SEED: seed})
    at.button(key="iv_mock_start").click()
    at.run()
    _no_exception(at)
    mock = at.session_state[ui_iv.MOCK]
    assert mock["questions"] == questions.mock_questions(seed) and len(set(mock["questions"])) == 5
    assert re.search(r":material/timer: (09:5\d|10:00) left", texts(at))
    assert t("interview.mock.of", i=1, n=5) in texts(at)
    first = mock["questions"][0]
    walkthrough = {"p": {}, "ok": True, "fields": None, "key": None}        # the walkthrough answered it before
    at.session_state[ui_iv.ANSWERS] = {first: walkthrough}
    answer(at, first, scope="mock")
    # issue 23: a mock answer is the mock's own; the walkthrough's answer stays, and a mock has no second try
    assert first in at.session_state[ui_iv.MOCK]["answers"] and answers(at)[first] == walkthrough
    assert not [b for b in at.button if b.key == f"iv_again_mock_{first}"]
    at.button(key="iv_mock_next_0").click()
    at.run()
    assert t("interview.mock.of", i=2, n=5) in texts(at)
    at.session_state[ui_iv.MOCK]["start"] -= questions.MOCK_SECONDS + 5           # the clock runs out
    at.run()
    _no_exception(at)
    assert at.session_state[ui_iv.MOCK]["done"] is True
    page_text = texts(at)
    assert t("interview.mock.timeout") in page_text
    right = int(at.session_state[ui_iv.MOCK]["answers"][first]["ok"])
    assert t("interview.mock.score", right=right, n=5, time="10:00") in page_text
    summary = at.dataframe[-1].value
    assert len(summary) == 5 and (summary.iloc[:, 1] == t("interview.not_answered")).sum() == 4
    at.button(key="iv_mock_again").click()                                 # a new interview, a new draw
    at.run()
    assert at.session_state[ui_iv.MOCK]["seed"] == seed + 1


# ------------------------------------------------------------------------------------------ browser
@pytest.mark.browser
def test_browser_walks_six_questions_and_screenshots_a_reveal(tmp_path):
    from devtools.app_server import AppServer
    from devtools.browser import CHROMIUM, full_page_screenshot, have_chromium, launch_chromium

    if not have_chromium():
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    settled = """() => !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-testid="stSkeleton"]')
        && document.querySelector('[data-testid="stSidebarNav"]')"""

    def settle(page):
        page.wait_for_timeout(500)
        page.wait_for_function(settled, timeout=90_000)
        page.wait_for_timeout(700)

    SHOTS.mkdir(parents=True, exist_ok=True)
    with AppServer(log=tmp_path / "server.log") as app, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(app.url + "/?corpus=tiny")
            settle(page)
            page.locator('[data-testid="stSidebarNav"] a[href$="/interview"]').first.click()
            settle(page)
            main = page.locator('[data-testid="stMain"]')
            # three classic questions and three of the new ones (issue 23), each revealed in a real browser
            walk = (("num_skips", ["16"]), ("huffman", ["2", "6"]), ("hs_sum", []),
                    ("fasttext", []), ("nce", []), ("polysemy", []))
            for qid, fill in walk:
                main.locator('[data-testid="stSelectbox"]').first.click()
                page.keyboard.type(f"{questions.number(qid)}. ")      # the list shows a few options at a time
                page.get_by_role("option", name=re.compile(rf"^{questions.number(qid)}\. ")).click()
                settle(page)
                numbers = main.locator('[data-testid="stForm"] [data-testid="stNumberInput"] input')
                for i, value in enumerate(fill):
                    numbers.nth(i).fill(value)
                    numbers.nth(i).press("Tab")
                for group in main.locator('[data-testid="stForm"] [role="radiogroup"]').all():
                    group.locator("label").first.click()
                main.locator("button", has_text=t("interview.run")).first.click()
                page.mouse.move(0, 0)
                settle(page)
                expect(main.get_by_text(t("interview.say"))).to_be_visible(timeout=30_000)
                errors = page.locator('[data-testid="stException"]')
                assert errors.count() == 0, errors.first.inner_text()[:2000]
            expect(main.get_by_text(re.compile(rf"{len(walk)} of {len(questions.QUESTIONS)} answered"))).to_be_visible()
            assert "iq=" in page.url
            full_page_screenshot(page, SHOTS / "11_interview_reveal.png", 1280, max_height=4000)
        finally:
            browser.close()
    assert (SHOTS / "11_interview_reveal.png").stat().st_size > 10_000
