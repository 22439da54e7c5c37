"""Every page in a real browser, as a class sees it (issue 29): 1280x720, in English, in Chinese (?lang=zh) and in
presenter mode (?presenter=1). `streamlit run app.py` + headless Chromium through Playwright (conftest.py).

One walk per mode: one browser session opens Home, presses its main action ("Train this model"), then goes
through the sidebar's navigation to every page listed in app.py and does each page's main action (Next on the
Step page, Play and Pause in the embedding space, the six models on Compare, a sweep, an interview question;
Explore shows a word's neighbours as it opens); then it measures the page at 1280x720. The tests below read those measurements:
- no exception box on any page;
- nothing cut: no text element (or table) whose content is wider than its box where the box cuts it, none that
  runs out of its column, no data table that hides columns behind a sideways scroll, no chart label cut to "…"
  or by the chart's edge;
- accessibility: axe-core (the field's checker; the pinned PyPI package axe-playwright-python bundles its
  axe.min.js) finds no serious or critical violation outside KNOWN_AXE (Streamlit's own markup, each with its
  reason), and every chart has a name a screen reader announces;
- a Chinese page shows no Latin-script sentence outside the short list of technical names TECHNICAL;
- presenter mode: every metric value at least as large as the largest without it, and every chart text (Plotly
  and Vega-Lite: ticks, legends, titles, cell numbers) at least 16 px.
Screenshots: build/screenshots/<page>.png and zh_<page>.png (the whole page, 1280 wide) and presenter_<page>.png
(what a projector shows at 1280x720), plus the Step page after 300 updates (04_step.png, 04_step_1280x720.png).
`make screenshots` (UPDATE_SCREENSHOTS=1) copies them to docs/screenshots/. Marked `browser`; skipped, with the
reason, on a machine without Debian's /usr/bin/chromium (.ci/run installs it, and fonts-noto-cjk for Chinese).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devtools.browser import CHROMIUM, full_page_screenshot, have_chromium
from tests.browser.conftest import CHART_TEXTS, METRIC_SIZES, ROOT, app_pages, no_exception, settle, url_path
from ui.charts.style import PRESENTER_MIN
from ui.i18n import catalogue

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not have_chromium(), reason=f"Chromium not installed at {CHROMIUM}")]

SHOTS = ROOT / "build" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
WIDTH, HEIGHT = 1280, 720                      # a classroom projector
MODES = {"en": ("en", ""), "zh": ("zh", "lang=zh"), "presenter": ("en", "presenter=1")}   # mode: (language, query)
SHOT_PREFIX = {"en": "", "zh": "zh_", "presenter": "presenter_"}
TOLERANCE_PX = 2

# Violations that are not ours to fix: Streamlit's own markup, the same on every page. (rule id, CSS selector of
# the elements it may name): reason. Any other serious or critical violation fails the test.
KNOWN_AXE = {
    ("list", '[data-testid="stSidebarNavItems"]'):
        "Streamlit's sidebar navigation: a <ul> whose children are <div> wrappers around the <li> items",
    ("listitem", '[data-testid="stSidebarNavItems"] li'):
        "the same navigation's <li> items, whose parent is Streamlit's <div> wrapper, not the <ul>",
}

# Latin-script words a Chinese page may show: names of methods, tools and benchmarks that Chinese texts write in
# Latin letters too (ui/texts/glossary.toml), the file formats and settings that are names in code, and words of
# an English sample corpus where a Chinese page quotes it.
TECHNICAL = ["word2vec.c", "word2vec", "Word2Vec", "gensim", "CBOW", "skip-gram", "SGD", "PCA", "t-SNE", "fastText",
             "GloVe", "PPMI", "SVD", "NCE", "WordSim-353", "SimLex-999", "Google", "Embedding Projector",
             "TensorFlow", "Mikolov", "JSON", "CSV", "UTF-8", "GBK", "Big5", "TSV", "PNG", "SVG", "all-but-the-top",
             "3CosAdd", "3CosMul", "num_skips", "ns_exponent", "min_count", "vector_size", "init_scale",
             "quick brown fox"]                      # the English sample corpus 'tiny', named on the Corpus page
LATIN_SENTENCE = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’-]*){2,}")  # three Latin words in a row


# ------------------------------------------------------------------------------------------ in the page
# Elements whose content is cut or runs out of its column. A text element (one with text of its own), a table
# or a table cell: its content wider than its box where the box hides the rest (overflow hidden / clip / auto /
# scroll, or an ellipsis); its right edge beyond its column's. A data grid (st.dataframe) that scrolls sideways
# hides columns. A chart's text cut to its limit ends in "…"; one beyond the chart's edges is cut by it.
# Formulas have their own test (test_presenter.py).
CUT = """(tol) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const out = [];
  const own = (el) => Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
  for (const el of main.querySelectorAll('*')) {
    if (el.closest('.katex, .js-plotly-plot, .vega-embed, [data-testid="stDataFrame"], [role="tooltip"]')) continue;
    const tag = el.tagName.toLowerCase();
    const cs = getComputedStyle(el);
    const clips = ['hidden', 'clip', 'auto', 'scroll'].includes(cs.overflowX) || cs.textOverflow === 'ellipsis';
    // a text element, a table; or a small box that clips a text inside it (a button's or a label's ellipsis)
    const small = clips && el.querySelectorAll('*').length <= 3 && (el.innerText || '').trim();
    if (!(own(el) || small || ['table', 'td', 'th', 'pre'].includes(tag))) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 70);
    if (clips && el.scrollWidth > el.clientWidth + tol)
      out.push({what: 'cut', tag, text, content: el.scrollWidth, box: el.clientWidth});
    const col = el.parentElement.closest('[data-testid="stColumn"], [data-testid="stMainBlockContainer"]');
    if (col && r.right > col.getBoundingClientRect().right + tol)
      out.push({what: 'out of its column', tag, text, right: Math.round(r.right),
                column: Math.round(col.getBoundingClientRect().right)});
  }
  main.querySelectorAll('[data-testid="stDataFrame"]').forEach((grid) => {
    const s = grid.querySelector('.dvn-scroller');
    if (s && s.getBoundingClientRect().width > 0 && s.scrollWidth > s.clientWidth + tol)
      out.push({what: 'table scrolls sideways (columns hidden)', tag: 'dataframe',
                text: (grid.querySelector('[role="columnheader"]') || grid).textContent.slice(0, 70),
                content: s.scrollWidth, box: s.clientWidth});
  });
  main.querySelectorAll('.vega-embed svg text, .js-plotly-plot text').forEach((t) => {
    const text = t.textContent.trim(), tag = t.closest('.vega-embed') ? 'vega-lite' : 'plotly';
    if (!text) return;
    if (text.endsWith('…')) out.push({what: 'chart label cut', tag, text});
    const chart = t.closest('.vega-embed, .js-plotly-plot').getBoundingClientRect(), r = t.getBoundingClientRect();
    // (twice the tolerance: a rotated axis title's box reaches a pixel or two past the chart's left edge)
    if (r.width > 0 && (r.right > chart.right + 2 * tol || r.left < chart.left - 2 * tol))
      out.push({what: 'chart text runs out of its chart', tag, text, right: Math.round(r.right),
                chart: Math.round(chart.right)});
  });
  return out;
}"""

# what a reader sees: the page's text, the sidebar's, and the texts drawn in charts
VISIBLE_TEXT = """() => [document.querySelector('[data-testid="stMain"]').innerText,
  (document.querySelector('[data-testid="stSidebar"]') || {innerText: ''}).innerText,
  ...Array.from(document.querySelectorAll('.js-plotly-plot text, .vega-embed svg text')).map((t) => t.textContent)
].join('\\n')"""

# charts without a name for screen readers: a Vega-Lite chart without aria-label (its description or title),
# a Plotly chart without a title (its own, or its subplots' titles)
UNNAMED_CHARTS = """() => [
  ...Array.from(document.querySelectorAll('.vega-embed')).filter((v) => !(v.getAttribute('aria-label') || '').trim())
     .map((v) => 'vega-lite chart ' + (v.closest('[class*="st-key-"]') || {className: ''}).className),
  ...Array.from(document.querySelectorAll('.js-plotly-plot')).filter((p) => !Array.from(p.querySelectorAll('.gtitle, .annotation-text'))
     .some((t) => t.textContent.trim())).map((p) => 'plotly chart ' + (p.closest('[class*="st-key-"]') || {className: ''}).className)]"""

AXE_RUN = """(known) => axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations
  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes
    .filter((n) => { const el = document.querySelector(n.target[0]);
                     return !(el && known.some(([id, sel]) => id === v.id && el.matches(sel))); })
    .map((n) => n.target.join(' ').slice(0, 120) + ' :: ' + n.html.slice(0, 120) + ' :: '
               + n.any.concat(n.all, n.none).map((c) => c.message).join(' | ').slice(0, 200))}))
  .filter((v) => v.nodes.length))"""


def axe_violations(page) -> list:
    """axe-core's serious and critical violations on the page, less KNOWN_AXE: [{id, impact, nodes}]."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    return page.evaluate(AXE_RUN, [list(k) for k in KNOWN_AXE])


def latin_sentences(text: str) -> list:
    """Runs of three or more Latin-script words left once the technical names are taken out (a name of two
    words, "Levy, Goldberg", or a pair "u, v" may stay; Streamlit's "25MB per file" may not).

    >>> latin_sentences("用 word2vec 和 gensim 训练 skip-gram 模型")
    []
    >>> latin_sentences("中文 Choose or add options 中文 25MB per file • TXT")
    ['Choose or add options', 'MB per file']
    """
    for name in sorted(TECHNICAL, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", "、", text)
    return LATIN_SENTENCE.findall(text)


# ------------------------------------------------------------------------------------------ the walk
@dataclass
class Visit:
    """What one page showed at 1280x720 in one mode."""
    exception: str = ""
    cut: list = field(default_factory=list)
    axe: list = field(default_factory=list)
    unnamed_charts: list = field(default_factory=list)
    text: str = ""
    metric_px: list = field(default_factory=list)
    chart_texts: list = field(default_factory=list)


def text_pattern(lang: str, key: str, **fields) -> re.Pattern:
    """A catalogue text as a regex over what the browser shows (no ** marks), `fields` filled by regexes."""
    text = catalogue(lang)[key].replace("**", "")
    parts = re.split(r"(\{\w+\})", text)
    return re.compile("".join(fields.get(p[1:-1], ".+?") if re.fullmatch(r"\{\w+\}", p) else re.escape(p)
                              for p in parts if p))


def click_key(page, key: str) -> None:
    """Press the button of the widget with this key (Streamlit gives its container the class st-key-<key>)."""
    page.locator(f".st-key-{key} button").first.click()
    page.mouse.move(0, 0)


def main_action(page, script: str, lang: str) -> None:
    """The page's main action, as a teacher would do it, waiting for its result (content, not time)."""
    from playwright.sync_api import expect

    stem = Path(script).stem
    if stem == "01_home":                                  # train this session's model: later pages show it learned
        click_key(page, "home_train")
        settle(page, 120_000)
        expect(page.get_by_text(text_pattern(lang, "home.dense_text", n=r"[1-9][\d,]*"))).to_be_visible(
            timeout=120_000)
    elif stem == "04_step":
        new_round = page.locator(".st-key-step_new_round button")
        if new_round.count() and new_round.first.is_enabled():     # Home trained to the end of the planned epochs
            new_round.first.click()
            settle(page)
        position = page.get_by_text(text_pattern(lang, "step.position")).first
        before = position.inner_text() if position.count() else ""
        click_key(page, "step_next")
        settle(page)
        expect(page.get_by_text(text_pattern(lang, "step.position")).first).not_to_have_text(before, timeout=60_000)
    elif stem == "07_embedding_space":                     # Play for a few frames, then Pause
        click_key(page, "live_play")
        page.wait_for_timeout(3_000)
        click_key(page, "live_play")
        settle(page)
    elif stem == "09_compare":
        click_key(page, "cmp_six_go")
        settle(page, 240_000)
        expect(page.locator(".st-key-cmp_loss_fig")).to_be_visible(timeout=240_000)
    elif stem == "12_hyperparameters":
        click_key(page, "sw_run")
        expect(page.locator(".st-key-sw_fig")).to_be_visible(timeout=240_000)
        settle(page, 240_000)
    elif stem == "11_interview":                           # answer question 1 and run its experiment
        form = page.locator('[data-testid="stForm"]').first
        box = form.locator('input[type="number"]').first
        box.fill("0")
        box.press("Tab")
        form.get_by_text(catalogue(lang)["interview.one_hot.c_yes"], exact=True).first.click()
        form.get_by_role("button", name=re.compile(re.escape(catalogue(lang)["interview.run"]))).click()
        expect(page.get_by_text(catalogue(lang)["interview.say"])).to_be_visible(timeout=240_000)
        settle(page)


# every chart drawn: a Vega-Lite chart has its <svg>, a Plotly chart its main <svg>
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]')).every((c) => c.querySelector('svg'))
  && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]')).every((c) => c.querySelector('.main-svg'))"""


def measure(page, mode: str) -> Visit:
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    page.wait_for_timeout(300)
    visit = Visit(cut=page.evaluate(CUT, TOLERANCE_PX), unnamed_charts=page.evaluate(UNNAMED_CHARTS),
                  text=page.evaluate(VISIBLE_TEXT), metric_px=page.evaluate(METRIC_SIZES),
                  chart_texts=page.evaluate(CHART_TEXTS))
    visit.axe = axe_violations(page)
    return visit


def go_to(page, script: str) -> None:
    """Open a page through the app's own navigation (one session: the model trained on Home stays). A script
    click on the link: in presenter mode the folded sidebar's links are in the page but not on screen."""
    hrefs = page.evaluate("""(path) => { const a = document.querySelector(`[data-testid="stSidebarNav"] a[href$="/${path}"]`);
        if (a) { a.click(); return null; }
        return Array.from(document.querySelectorAll('[data-testid="stSidebarNav"] a')).map((e) => e.href); }""",
                          url_path(script))
    assert hrefs is None, f"no link to {url_path(script)!r} ({script}) in the sidebar's navigation: {hrefs}"
    page.wait_for_url(lambda u: u.split("?")[0].endswith("/" + url_path(script)), timeout=30_000)


def walk(browser, server: str, mode: str) -> dict:
    """{script: Visit} of every page in one mode, each after its main action; screenshots in build/screenshots."""
    lang, query = MODES[mode]
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-US")
    visits = {}
    try:
        page.goto(f"{server}/?{query}")
        settle(page, 180_000)                             # the first page of a server; the CJK fonts load
        for script, _, default in app_pages(lang):
            if not default:
                go_to(page, script)
                settle(page)
            try:
                main_action(page, script, lang)
            except Exception as e:                        # reported by the test, the walk goes on
                visits[script] = Visit(exception=f"main action: {type(e).__name__}: {str(e)[:600]}")
                continue
            errors = page.locator('[data-testid="stException"]')
            if errors.count():
                visits[script] = Visit(exception=errors.first.inner_text()[:2000])
                continue
            visits[script] = measure(page, mode)
            report = {k: v for k, v in vars(visits[script]).items() if k not in ("text", "chart_texts")}
            (SHOTS / f"{SHOT_PREFIX[mode]}{Path(script).stem}.json").write_text(json.dumps(report, indent=1))
            shot = SHOTS / f"{SHOT_PREFIX[mode]}{Path(script).stem}.png"
            if mode == "presenter":
                page.screenshot(path=str(shot))
            elif not script.endswith("04_step.py"):       # the Step page's picture: a fresh model (step_after_next_100)
                full_page_screenshot(page, shot, WIDTH, min_height=HEIGHT)
                page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    finally:
        page.close()
    return visits


def step_after_next_100(browser, server: str, lang: str = "en", prefix: str = "") -> list:
    """A new session on the Step page (a fresh model, the app's defaults): Next 100 three times, as the lesson
    says (tests/ui/test_step_page.py checks that the running loss falls). Screenshots: the whole page, and what a
    projector shows at 1280x720 (04_step.png, 04_step_1280x720.png). Returns the screenshots."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-US")
    try:
        page.goto(f"{server}/step" + ("?lang=zh" if lang == "zh" else ""))
        settle(page, 120_000)
        for n in (100, 200, 300):
            click_key(page, "step_next100")
            settle(page)
            expect(page.get_by_text(text_pattern(lang, "step.position", n=f"{n}")).first).to_be_visible(
                timeout=60_000)
        no_exception(page, "Step page after Next 100")
        shots = [SHOTS / f"{prefix}04_step_1280x720.png", SHOTS / f"{prefix}04_step.png"]
        page.screenshot(path=str(shots[0]))
        full_page_screenshot(page, shots[1], WIDTH, min_height=HEIGHT)
    finally:
        page.close()
    return shots


@pytest.fixture(scope="module")
def walks(server, browser):
    """walks(mode) -> {script: Visit}, walked once per mode for all the tests of this file."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in [*SHOTS.glob("*.png"), *SHOTS.glob("*.json")]:    # only this run's pictures can reach docs/
        old.unlink()
    done = {}

    def get(mode: str) -> dict:
        if mode not in done:
            done[mode] = walk(browser, server, mode)
        return done[mode]
    return get


def problems(visits: dict, attribute: str) -> dict:
    return {Path(script).stem: getattr(v, attribute) for script, v in visits.items() if getattr(v, attribute)}


# ------------------------------------------------------------------------------------------ the tests
@pytest.mark.parametrize("mode", list(MODES))
def test_every_page_does_its_main_action_without_an_exception(walks, server, browser, mode):
    visits = walks(mode)
    assert len(visits) == len(app_pages()) >= 12
    assert not problems(visits, "exception"), problems(visits, "exception")
    shots = [SHOTS / f"{SHOT_PREFIX[mode]}{Path(s).stem}.png" for s, _, _ in app_pages()
             if mode == "presenter" or not s.endswith("04_step.py")]
    if mode == "en":
        shots += step_after_next_100(browser, server)
    assert all(s.exists() for s in shots), [s.name for s in shots if not s.exists()]
    if os.environ.get("UPDATE_SCREENSHOTS"):               # make screenshots
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy2(shot, DOCS_SHOTS / shot.name)


@pytest.mark.parametrize("mode", list(MODES))
def test_nothing_is_cut_or_wider_than_its_column_at_1280(walks, mode):
    """Issue 29.3 / 29.9: cut labels and tables, columns hidden, legends cut at "…"."""
    visits = walks(mode)
    assert not problems(visits, "cut"), problems(visits, "cut")


@pytest.mark.parametrize("mode", list(MODES))
def test_axe_core_finds_no_serious_violation_and_every_chart_has_a_name(walks, mode):
    """Issue 29.10: WCAG 2.1 AA contrast, charts named for screen readers, scrollable regions reachable by
    keyboard; only Streamlit's own navigation markup is known (KNOWN_AXE)."""
    visits = walks(mode)
    charts = sum(len(v.chart_texts) > 0 for v in visits.values())
    assert charts >= 6, "fewer pages drew charts than expected: the chart checks would prove little"
    assert not problems(visits, "axe"), problems(visits, "axe")
    assert not problems(visits, "unnamed_charts"), problems(visits, "unnamed_charts")


def test_the_chinese_pages_show_no_latin_sentence(walks):
    """Issue 29.5: no English left in the Chinese interface (technical names excepted: TECHNICAL)."""
    visits = walks("zh")
    assert all(re.search(r"[\u4e00-\u9fff]", v.text) for v in visits.values() if not v.exception)
    found = {Path(s).stem: latin_sentences(v.text) for s, v in visits.items()}
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_presenter_mode_makes_no_number_smaller_and_chart_text_at_least_16_px(walks):
    """Issue 29.1: metric values at least as large as the largest without presenter mode; every chart text
    (Plotly and Vega-Lite: ticks, legends, titles, cell numbers) at least 16 px."""
    normal, presenting = walks("en"), walks("presenter")
    normal_px = [px for v in normal.values() for px in v.metric_px]
    assert normal_px and sum(bool(v.metric_px) for v in presenting.values()) >= 3, "too few metrics to compare"
    smaller = {Path(s).stem: v.metric_px for s, v in presenting.items() if v.metric_px and min(v.metric_px) < max(normal_px)}
    assert not smaller, (max(normal_px), smaller)
    assert PRESENTER_MIN >= 16
    small = {Path(s).stem: sorted({(kind, text, px) for kind, text, px in v.chart_texts if px < PRESENTER_MIN})[:12]
             for s, v in presenting.items()}
    assert sum(bool(v.chart_texts) for v in presenting.values()) >= 6
    assert not any(small.values()), {k: v for k, v in small.items() if v}
