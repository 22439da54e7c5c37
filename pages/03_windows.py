"""Context windows: the sliding window over one sentence, its reduced radius, and the examples it yields,
read from the model's own example stream (what it trains on, or what these window settings would give)."""

import html

import pandas as pd
import streamlit as st

from engine import examples
from ui import stepping
from ui.charts import lesson as lesson_charts
from ui import windows_view as wv
from ui.choices import choice
from ui.code import show_source
from ui.i18n import current_language, t
from ui.settings import architecture_label, ui_range
from lessons import windows as window_lessons

MAX_SHOWN = 24          # words of a line drawn at once (a Wikipedia "line" is a whole article)

st.title(t("windows.title"))
model = stepping.page_model()
st.markdown(t("windows.intro"))
c1, c2 = st.columns(2)
c1.latex(r"\text{skip-gram: } \max \frac{1}{T}\sum_{t=1}^{T}\sum_{\substack{-c \le j \le c\\ j \ne 0}}"
         r"\log p(w_{t+j} \mid w_t)")
c2.latex(r"\text{CBOW: } \max \frac{1}{T}\sum_{t=1}^{T}\log p\Bigl(w_t \,\Big|\, "
         r"\textstyle\sum_{j} v_{w_{t+j}}\Bigr)")

lengths = wv.sentence_lengths(model)           # words of each sentence after min_count (cached per model)
longest = max(lengths) if lengths else 0

st.subheader(t("windows.one_sentence"))
lang = current_language()
cols = st.columns(4)
n_sent = len(model.sentences)
first_long = next((i for i, L in enumerate(lengths) if L >= 6), 0)
idx = cols[0].number_input(t("windows.sentence", n=f"{n_sent:,}"), 1, n_sent, first_long + 1,
                           key="windows_sentence") - 1
window = cols[1].slider(t("windows.window"), *ui_range("window"), int(model.window), key="windows_window",
                        help=t("windows.window_help"))
shrink = cols[2].toggle(t("windows.shrink"), value=bool(model.shrink_windows), key="windows_shrink",
                        help=t("windows.shrink_help"))
skips_options = [None] + list(range(1, 2 * window + 1))
own_skips = model.num_skips if model.num_skips in skips_options else None
num_skips = choice(cols[3].selectbox, t("windows.num_skips"), skips_options,
                   lambda x, lang=lang: t("windows.all", lang) if x is None else str(x), "windows_skips",
                   default=own_skips, help=t("windows.num_skips_help"))

ws = wv.WindowSettings(int(window), bool(shrink), num_skips)
own = wv.is_models_own(model, ws)
arch = model.architecture
other = "cbow" if arch == "skipgram" else "skipgram"
if own:
    st.success(t("windows.exactly", arch=architecture_label(arch)), icon=":material/check_circle:")
else:
    st.info(t("windows.would", arch=architecture_label(arch)), icon=":material/science:")

views = wv.views(model, ws, idx)
view = views[arch]
if view is None or len(view.tokens) < 2:
    st.info(t("windows.too_short"))
    st.stop()
tokens = wv.words(model, view.tokens)
if window >= longest:
    st.warning(t("windows.too_wide", window=window, longest=longest))

start, end = 0, len(tokens)
if len(tokens) > MAX_SHOWN:
    start = st.slider(t("windows.long_line", n=f"{len(tokens):,}", shown=MAX_SHOWN), 1,
                      len(tokens) - MAX_SHOWN + 1, 1, key="windows_start") - 1
    end = start + MAX_SHOWN
shown = tokens[start:end]
left, right = st.columns([3, 2])
with left:
    st.vega_lite_chart(*lesson_charts.window_grid(shown, window_lessons.clip_windows(view.windows, start, end)),
                       key="windows_grid", width="stretch")
with right:
    legend = [("#ff7f0e", t("windows.legend_center")), ("#1f77b4", t("windows.legend_used")),
              ("#c6dbef", t("windows.legend_not_picked")), ("#e0e0e0", t("windows.legend_cut"))]
    st.markdown("<br>".join(f"<span style='background:{c};padding:0 10px;border:1px solid #ccc'>&nbsp;</span> "
                            f"{text}" for c, text in legend), unsafe_allow_html=True)
    st.markdown(t("windows.grid_text", window=window))
    st.caption(t("windows.grid_caption"))

st.subheader(t("windows.examples_title") if end - start == len(tokens) else
             t("windows.examples_title_part", first=start + 1, last=end))
positions = list(range(start, end))
center = choice(st.select_slider, t("windows.center"), positions, lambda i: f"{i + 1}: {tokens[i]}", "windows_center",
                default=positions[min(2, len(positions) - 1)])
w = view.windows[center]
spans = []
for j in positions:
    word = html.escape(tokens[j])
    if j == center:
        spans.append(f"<span style='background:#ff7f0e;color:white;padding:2px 6px;border-radius:4px'>{word}</span>")
    elif j in w.used:
        spans.append(f"<span style='background:#1f77b4;color:white;padding:2px 6px;border-radius:4px'>{word}</span>")
    elif j in w.reduced:
        spans.append(f"<span style='background:#c6dbef;padding:2px 6px;border-radius:4px'>{word}</span>")
    elif j in w.full:
        spans.append(f"<span style='background:#e0e0e0;padding:2px 6px;border-radius:4px'>{word}</span>")
    else:
        spans.append(f"<span>{word}</span>")
st.markdown("<div style='font-size:1.25rem;line-height:2.2'>" + " ".join(spans) + "</div>", unsafe_allow_html=True)
st.caption(t("windows.center_caption", word=tokens[center], window=window, radius=w.radius))


def example_table(a: str):
    """The examples of the shown centres in the stream of architecture a, as words, in training order."""
    v = views[a]
    if v is None:
        return [], v
    groups = wv.examples_by_centre(v, a)[start:end] if v.tokens == view.tokens else wv.examples_by_centre(v, a)
    return [(wv.words(model, inputs), wv.words(model, [target])[0]) for g in groups for inputs, target in g], v


sg, sg_view = example_table("skipgram")
cb, cb_view = example_table("cbow")
c1, c2 = st.columns(2)
sep = t("windows.word_sep")
with c1:
    st.markdown(t("windows.sg_head", n=len(sg)))
    st.dataframe(pd.DataFrame({t("windows.col_sg_input"): [sep.join(p[0]) for p in sg],
                               t("windows.col_sg_target"): [p[1] for p in sg]}),
                 hide_index=True, height=min(400, 40 + 35 * len(sg)), key="windows_sg")
with c2:
    st.markdown(t("windows.cbow_head", n=len(cb)))
    st.dataframe(pd.DataFrame({t("windows.col_cbow_inputs"): [sep.join(p[0]) for p in cb],
                               t("windows.col_cbow_target"): [p[1] for p in cb]}),
                 hide_index=True, height=min(400, 40 + 35 * len(cb)), key="windows_cbow")
whose = t("windows.tables_own" if own else "windows.tables_would", arch=architecture_label(arch),
          other=architecture_label(other))
other_view = views[other]
if other_view is not None and other_view.tokens != view.tokens:
    whose += " " + t("windows.tables_other_draw", other=architecture_label(other))
st.caption(whose + " " + t("windows.roles_caption"))

st.subheader(t("windows.counts_title"))
counts = wv.epoch_counts(model, ws)
analytic = window_lessons.example_counts(lengths, window, shrink=shrink, num_skips=num_skips)
m = st.columns(4)
m[0].metric(t("windows.m_tokens"), f"{sum(lengths):,}")
m[1].metric(t("windows.m_sg"), f"{counts['skipgram']:,}")
m[2].metric(t("windows.m_sg_full"), f"{analytic['skipgram_full']:,}")
m[3].metric(t("windows.m_cbow"), f"{counts['cbow']:,}")
st.markdown(t("windows.counts_text", expected=f"{analytic['skipgram_expected']:,.0f}",
              full=f"{analytic['skipgram_full']:,}", cbow=f"{counts['cbow']:,}", inputs=2 * window))
if float(model.sample) > 0:
    st.caption(t("windows.counts_sample"))

show_source(window_lessons.sentence_view, window_lessons.epoch_examples, examples.make_chunk)
