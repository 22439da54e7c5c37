"""Corpus and vocabulary: choose or upload a corpus, how Chinese is cut; counts, Zipf, min_count, subsampling."""

import html

import numpy as np
import pandas as pd
import streamlit as st

import engine
from engine import Vocabulary
from ui import corpus_view, state
from ui.charts import lesson as lesson_charts
from ui.code import show_source
from ui.i18n import current_language, say, t
from ui.settings import SEGMENTER_CHOICES
from lessons import corpus as corpus_lessons

st.title(t("corpus.title"))
st.markdown(t("corpus.intro"))

# ---------------------------------------------------------------------------------------------- choose
st.subheader(t("corpus.choose"))
settings = state.current_settings()
name, segmenter = settings["corpus"], settings["segmenter"]
c1, c2 = st.columns([3, 2])
with c1:
    st.markdown("\n".join(f"- **{state.corpus_label(n)}**{t('corpus.chosen') if n == name else ''}"
                          f"{t('corpus.name_sep')}{corpus_view.note(n)}" for n in state.corpus_choices()))
    st.caption(t("corpus.choose_caption"))
with c2:
    limit = corpus_view.upload_limit_mb()
    st.file_uploader(t("corpus.upload_label"), type=["txt"], key=corpus_view.UPLOAD_KEY,
                     on_change=corpus_view.on_upload, help=t("corpus.upload_help"))
    st.caption(t("corpus.upload_caption", limit=limit))
    err = st.session_state.get(state.UPLOAD_ERROR)
    if err:
        st.error(say(err) + " " + t("corpus.upload_kept"))
    elif st.session_state.get(state.UPLOAD_NAME):
        st.success(t("corpus.uploaded", name=st.session_state[state.UPLOAD_NAME]))
        encoding = st.session_state.get(state.UPLOAD_ENCODING) or "utf-8"
        if encoding == "utf-8":
            st.caption(t("corpus.encoding_utf8"))
        else:
            st.info(t("corpus.encoding_other", encoding=corpus_view.encoding_label(encoding)),
                    icon=":material/translate:")

# ---------------------------------------------------------------------------------------------- segmenter
st.radio(t("corpus.segmenter_label"), SEGMENTER_CHOICES, key=state.widget_key("segmenter"), horizontal=True,
         format_func=lambda s, lang=current_language(): t(f"corpus.segmenter_{s}", lang),
         help=t("corpus.segmenter_help"))

model = state.get_model()
if st.session_state.get(state.MODEL_ERROR):
    st.error(st.session_state[state.MODEL_ERROR])

sentences = corpus_view.sentences_of(name, segmenter)
if not sentences:
    st.info(t("corpus.empty"))
    st.stop()
full = corpus_view.full_vocabulary(name, segmenter)                       # min_count = 1
min_count = int(settings["min_count"])
dropped_words, dropped_tokens = corpus_lessons.below_min_count(full.index_to_key, full.counts, min_count)
per_type = full.total_words / len(full)

if corpus_view.looks_unsegmented(name, segmenter):
    w1, w2 = st.columns([4, 1])
    w1.warning(t("corpus.unsegmented", per_type=f"{per_type:.2f}"), icon=":material/warning:")
    w2.button(t("corpus.unsegmented_fix"), key="corpus_fix_segmenter", type="primary",
              on_click=corpus_view.set_segmenter, args=("words",))

# ---------------------------------------------------------------------------------------------- counts
st.subheader(t("corpus.counts_title", name=state.corpus_label(name)))
m = st.columns(5)
m[0].metric(t("corpus.m_sentences"), f"{len(sentences):,}")
m[1].metric(t("corpus.m_tokens"), f"{full.total_words:,}")
m[2].metric(t("corpus.m_types"), f"{len(full):,}")
m[3].metric(t("corpus.m_vocab", min_count=min_count), f"{len(full) - len(dropped_words):,}")
m[4].metric(t("corpus.m_per_type"), f"{per_type:.1f}", help=t("corpus.m_per_type_help"))
st.caption(t("corpus.counts_caption"))

left, right = st.columns([3, 2])
with left:
    st.vega_lite_chart(*lesson_charts.zipf(full.index_to_key, full.counts), key="corpus_zipf", width="stretch")
with right:
    st.latex(r"\text{count}(r) \approx \frac{C}{r^{\,s}},\quad s \approx 1")
    top = full.counts[: max(1, len(full) // 100)].sum() / full.total_words
    st.markdown(t("corpus.zipf_text", words=t("corpus.list_sep").join(full.index_to_key[:3]), top=f"{top:.0%}",
                  once=f"{int((full.counts == 1).sum()):,}"))
    st.markdown(t("corpus.zipf_why"))

# ---------------------------------------------------------------------------------------------- min_count
st.subheader(t("corpus.min_count_title"))
if len(dropped_words) == len(full):
    st.error(t("corpus.min_count_all", min_count=min_count, top=int(full.counts.max())))
elif not dropped_words:
    st.markdown(t("corpus.min_count_none", min_count=min_count))
else:
    st.markdown(t("corpus.min_count_some", min_count=min_count, words=f"{len(dropped_words):,}",
                  types=f"{len(full):,}", share_types=f"{len(dropped_words) / len(full):.0%}",
                  tokens=f"{dropped_tokens:,}", total=f"{full.total_words:,}",
                  share_tokens=f"{dropped_tokens / full.total_words:.1%}"))
    st.caption(t("corpus.min_count_examples") + t("corpus.list_sep").join(dropped_words[:40])
               + (" …" if len(dropped_words) > 40 else ""))

if len(dropped_words) == len(full):
    st.stop()

# the vocabulary the model sees: ids by count, only words with count >= min_count
V = len(full) - len(dropped_words)
words = full.index_to_key[:V]
counts = full.counts[:V]
T = int(counts.sum())

# ---------------------------------------------------------------------------------------------- subsampling
st.subheader(t("corpus.sub_title"))
model_sample = float(settings["sample"])
left, right = st.columns([2, 3])
with left:
    st.latex(r"p_{keep}(w) = \left(\sqrt{\frac{f(w)}{sT}} + 1\right)\frac{sT}{f(w)}\ \ (\le 1)")
    st.markdown(t("corpus.sub_text"))
    options = [1e-5, 1e-4, 1e-3, 1e-2]
    default = model_sample if model_sample in options else 1e-3
    sample = st.select_slider(t("corpus.sub_slider"), options, value=default, key="corpus_sample",
                              format_func=lambda x: f"{x:g}")
    st.caption(t("corpus.sub_model_off") if model_sample == 0 else t("corpus.sub_model", sample=f"{model_sample:g}"))
vocab_mc = Vocabulary(index_to_key=list(words), counts=counts, total_words=full.total_words)
keep = vocab_mc.keep_probabilities(sample)                                # (V,)
with right:
    st.vega_lite_chart(*lesson_charts.keep_probability(words, counts / T, keep, sample), key="corpus_keep", width="stretch")
kept_share = corpus_lessons.expected_kept_fraction(counts, keep)
st.markdown(t("corpus.sub_kept", sample=f"{sample:g}", share=f"{kept_share:.0%}"))

col_word, col_count, col_pn = t("corpus.col_word"), t("corpus.col_count"), \
    t("corpus.col_pn", exponent=f"{settings['ns_exponent']:g}")
table = pd.DataFrame({"id": np.arange(V), col_word: words, col_count: counts, "f(w)/T": counts / T,
                      "p_keep": keep, col_pn: vocab_mc.noise_distribution(float(settings["ns_exponent"]))})
st.markdown(t("corpus.vocab_table"))
st.dataframe(table, hide_index=True, height=300, key="corpus_vocab_table",
             column_config={"f(w)/T": st.column_config.NumberColumn(format="%.5f"),
                            "p_keep": st.column_config.NumberColumn(format="%.3f")})

st.markdown(t("corpus.draw_text"))
c1, c2 = st.columns(2)
n_sent = len(sentences)
idx = c1.number_input(t("corpus.sentence", n=f"{n_sent:,}"), 1, n_sent, 1, key="corpus_sentence") - 1
seed = c2.number_input(t("corpus.draw_seed"), 0, 2**31 - 1, int(settings["seed"]), key="corpus_seed")
sentence = sentences[idx][:300]
ids = [vocab_mc.key_to_index.get(w, -1) for w in sentence]
in_vocab = [i for i in ids if i >= 0]
mask = iter(corpus_lessons.subsample_mask(in_vocab, keep, seed=int(seed)))
spans = []
below = html.escape(t("corpus.tip_below"), quote=True)
for w, i in zip(sentence, ids):
    w = html.escape(w)
    if i < 0:
        spans.append(f"<span style='color:#aaa;text-decoration:line-through' title='{below}'>{w}</span>")
    elif next(mask):
        spans.append(f"<b>{w}</b>")
    else:
        tip = html.escape(t("corpus.tip_dropped", p=f"{keep[i]:.2f}"), quote=True)
        spans.append(f"<span style='color:#d62728;text-decoration:line-through' title='{tip}'>{w}</span>")
st.markdown("<div style='font-size:1.2rem;line-height:2'>" + " ".join(spans) + "</div>", unsafe_allow_html=True)

show_source(engine.tokenize, engine.segment.segment_tokens, Vocabulary.build, Vocabulary.keep_probabilities,
            corpus_lessons.subsample_mask)
