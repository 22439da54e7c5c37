"""Projector mode: what a class sees on the wall at 1024x768 or 1280x720, and formulas that are never cut.

What it does:
- `apply()` (app.py, once per run, before the pages): injects the app's CSS once per run with st.html
  (a <style> block takes no space on the page). For everyone: display formulas (st.latex, $$...$$)
  break between their terms to fit the column, and a formula that still does not fit is scaled down
  to the column's width, never cut or scrolled sideways; a code block (st.code) that scrolls sideways
  is made reachable by the keyboard (tabindex 0, WCAG 2.1.1; axe-core's scrollable-region-focusable). In presenter mode, also: wide layout, the
  sidebar collapsed when the mode is switched on, larger type, a compact page header and less
  padding, so the lesson's controls and first picture are above the fold.
- `toggle(container)`: the "Presenter mode" switch (its first value comes from the URL: ?presenter=1).
- `is_on()`: the flag, read by ui/charts/style.py (larger chart text, >= 16 px) and `vega_config()` (the
  same for Vega-Lite charts).
- `intro(text)`: a page's long introduction, folded into an expander in presenter mode.
What it does not do: change any page's content or any setting of the model.
"""

from __future__ import annotations

import streamlit as st

from ui.i18n import t

PRESENTER = "sb_presenter"          # the toggle's widget key (a sidebar widget: "sb_" prefix)
_APPLIED = "_presenter_applied"     # was presenter mode on at the last run (to collapse the sidebar once)
QUERY_FLAG = "presenter"            # ?presenter=1
CHART_FONT_PX = 16                  # the smallest chart text in presenter mode (ticks, legends, cell numbers)

# Formulas for everyone: KaTeX draws a display formula as a row of unbreakable pieces (.base, split
# after relations and binary operators) inside a `white-space: nowrap` block; letting that block wrap
# makes a long formula use two lines instead of being cut. A single piece wider than the column is
# scaled down by the small script below (CSS alone cannot measure it).
FORMULA_CSS = """
.katex-display { max-width: 100%; overflow: visible !important; }
.katex-display > .katex { white-space: normal !important; max-width: 100%; }
.katex-display > .katex > .katex-html { white-space: normal !important; max-width: 100%; }
.katex-display .base { margin: 0.1em 0; }
"""

PRESENTER_CSS = """
[data-testid="stMainBlockContainer"] { padding: 2.6rem 1.6rem 2rem 1.6rem !important; max-width: 100% !important; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.0rem !important; padding: 0 0 0.25rem 0 !important; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.65rem !important; padding: 0.6rem 0 0.2rem 0 !important; }
[data-testid="stMainBlockContainer"] h3 { font-size: 1.4rem !important; padding: 0.4rem 0 0.2rem 0 !important; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] li { font-size: 1.22rem; line-height: 1.45; }
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
[data-testid="stMainBlockContainer"] .stButton button p,
[data-testid="stMainBlockContainer"] [data-testid="stWidgetLabel"] p { font-size: 1.15rem; }
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] p { font-size: 2.6rem !important; line-height: 1.2; }
[data-testid="stMainBlockContainer"] .w2v-metric { font-size: 2.2rem !important; }
[data-testid="stMainBlockContainer"] .katex { font-size: 1.3em; }
[data-testid="stHeader"] { height: 2.4rem; background: transparent; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.7rem; }
"""

# Scales a display formula that is still wider than its column after wrapping (one long fraction,
# a matrix): font-size is lowered until it fits, down to 45%. Also gives a code block that scrolls
# sideways a tab stop, so a keyboard can scroll it (Streamlit's <pre> has none). Sent once per run as an st.html element in
# the sidebar (it takes no room next to the lesson); it installs itself once per browser tab and watches
# the page for new formulas and size changes.
FIT_SCRIPT = """
<script>
(function () {
  const doc = window.frameElement ? window.parent.document : document;
  if (doc.__w2vFormulaFit) return;
  doc.__w2vFormulaFit = true;
  function fit() {
    doc.querySelectorAll('.katex-display').forEach(function (box) {
      const k = box.querySelector(':scope > .katex');
      if (!k) return;
      // the room the column gives (the formula's own boxes shrink to their content)
      const col = box.closest('[data-testid="stElementContainer"]') || box.parentElement;
      const room = col.getBoundingClientRect().width;
      if (!room) return;                                  // hidden (a closed expander): fitted when shown
      k.style.fontSize = '';
      let scale = 1.0;
      // scrollWidth too: one unbreakable piece overflows a box held to the column's width (max-width: 100%)
      const wide = function () { return Math.max(k.getBoundingClientRect().width, k.scrollWidth); };
      while (wide() > room + 0.5 && scale > 0.45) {
        scale -= 0.05;
        k.style.fontSize = (scale * 100).toFixed(0) + '%';
      }
    });
    doc.querySelectorAll('[data-testid="stCode"] pre').forEach(function (pre) {
      if (pre.scrollWidth > pre.clientWidth + 1) pre.tabIndex = 0;
    });
  }
  let pending = null;
  const schedule = function () { if (pending) return; pending = setTimeout(function () { pending = null; fit(); }, 60); };
  new MutationObserver(schedule).observe(doc.body, {childList: true, subtree: true});
  window.parent.addEventListener('resize', schedule);
  // a column can change width with no DOM change and no window resize (the page's scrollbar appearing,
  // the sidebar opening): fit again whenever the main area's width changes
  const main = doc.querySelector('[data-testid="stMain"]') || doc.body;
  if (window.parent.ResizeObserver) new window.parent.ResizeObserver(schedule).observe(main);
  // KaTeX's fonts can arrive after the last DOM change: a formula then grows wider with no mutation to see
  if (doc.fonts) doc.fonts.addEventListener('loadingdone', schedule);
  schedule();
})();
</script>
"""


def _query_flag() -> bool:
    try:
        return str(st.query_params.get(QUERY_FLAG, "")).lower() in ("1", "true", "yes", "on")
    except Exception:   # outside a script run
        return False


def is_on() -> bool:
    """Presenter mode in this session (the toggle, or ?presenter=1 before the toggle exists)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:     # outside a script run (doctests, bench)
        return False
    try:
        if PRESENTER in st.session_state:
            return bool(st.session_state[PRESENTER])
    except Exception:   # outside a script run (doctests, bench): never
        return False
    return _query_flag()


def apply() -> bool:
    """Once per run, before the page: page layout for presenter mode and the CSS. Returns is_on()."""
    if PRESENTER not in st.session_state:
        st.session_state[PRESENTER] = _query_flag()
    on = is_on()
    was = st.session_state.get(_APPLIED, False)
    if on:
        # collapse the sidebar when the mode is switched on (not on every run: the teacher may open it)
        st.set_page_config(layout="wide", initial_sidebar_state="collapsed" if not was else None)
    st.session_state[_APPLIED] = on
    st.html("<style>" + FORMULA_CSS + (PRESENTER_CSS if on else "") + "</style>")
    _formula_fit()
    return on


def _formula_fit() -> None:
    st.sidebar.html(FIT_SCRIPT, unsafe_allow_javascript=True)


def toggle(container=None) -> None:
    """The presenter-mode switch (in the sidebar unless another container is given)."""
    (container or st.sidebar).toggle(t("presenter.toggle"), key=PRESENTER, help=t("presenter.help"))


def intro(text: str) -> None:
    """A page's introduction: shown as is, or folded into an expander in presenter mode (saves the fold)."""
    if is_on():
        with st.expander(t("presenter.intro"), expanded=False):
            st.markdown(text)
    else:
        st.markdown(text)


def vega_config() -> dict:
    """Vega-Lite `config` for the session: larger axis, legend and title text in presenter mode, else {}.

    >>> vega_config()
    {}
    """
    if not is_on():
        return {}
    f = CHART_FONT_PX
    return {"axis": {"labelFontSize": f, "titleFontSize": f}, "legend": {"labelFontSize": f,
            "titleFontSize": f}, "title": {"fontSize": f + 3}, "text": {"fontSize": f}}
