"""Context windows: the sliding window over one sentence, its reduced radius, and the examples it yields,
read from the model's own example stream (what it trains on, or what these window settings would give)."""

import streamlit as st

from engine import examples
from lessons import windows as window_lessons
from ui import stepping
from ui.code import show_source
from ui.i18n import t
from ui.views import windows as view

st.title(t("windows.title"))
model = stepping.page_model()
st.markdown(t("windows.intro"))
c1, c2 = st.columns(2)
c1.latex(r"\text{skip-gram: } \max \frac{1}{T}\sum_{t=1}^{T}\sum_{\substack{-c \le j \le c\\ j \ne 0}}"
         r"\log p(w_{t+j} \mid w_t)")
c2.latex(r"\text{CBOW: } \max \frac{1}{T}\sum_{t=1}^{T}\log p\Bigl(w_t \,\Big|\, "
         r"\textstyle\sum_{j} v_{w_{t+j}}\Bigr)")

lengths = view.sentence_lengths(model)           # words of each sentence after min_count (cached per model)
idx, ws = view.window_settings(model, lengths)
views = view.views(model, ws, idx)               # the sentence in the skip-gram and the CBOW stream
shown = views[model.architecture]
if shown is None or len(shown.tokens) < 2:
    st.info(t("windows.too_short"))
    st.stop()
tokens = view.words(model, shown.tokens)
start, end = view.sentence_grid(tokens, shown, ws.window, max(lengths) if lengths else 0)
view.one_centre(tokens, shown, ws.window, start, end)
view.example_tables(model, views, view.is_models_own(model, ws), start, end)
view.epoch_section(model, ws, lengths)

show_source(window_lessons.sentence_view, window_lessons.epoch_examples, examples.make_chunk)
