"""Corpus and vocabulary: choose or upload a corpus; counts, Zipf, min_count, subsampling."""

import html

import numpy as np
import pandas as pd
import streamlit as st

import engine
from engine import Vocabulary, inspect_tools
from ui import charts, corpus_view, state
from ui.code import show_source

st.title("Corpus and vocabulary")
st.markdown("Word2Vec reads plain text, one sentence per line. The tokenizer lowercases it and keeps runs of "
            "letters and digits (with inner apostrophes: *king's*); everything else separates words.")

# ---------------------------------------------------------------------------------------------- choose
st.subheader("Choose a corpus")
settings = state.current_settings()
name = settings["corpus"]
c1, c2 = st.columns([3, 2])
with c1:
    st.markdown("\n".join(f"- **{n}**{' (chosen)' if n == name else ''}: {corpus_view.NOTES.get(n, '')}"
                          for n in state.corpus_choices()))
    st.caption("Pick one in the sidebar's **Corpus** box. lee_background and wikipedia_head500 come from gensim's "
               "test data and appear only when gensim is installed.")
with c2:
    limit = corpus_view.upload_limit_mb()
    st.file_uploader("…or upload your own text", type=["txt"], key=corpus_view.UPLOAD_KEY,
                     on_change=corpus_view.on_upload,
                     help="Plain UTF-8 text, one sentence (or paragraph) per line.")
    st.caption(f"Plain UTF-8 .txt, one sentence per line, at most **{limit} MB** (the server's upload limit, "
               "server.maxUploadSize in .streamlit/config.toml). It becomes the corpus 'uploaded file' for this "
               "browser tab only.")
    err = st.session_state.get(state.UPLOAD_ERROR)
    if err:
        st.error(err + " The previous corpus and model are kept.")
    elif st.session_state.get(state.UPLOAD_NAME):
        st.success(f"Uploaded: {st.session_state[state.UPLOAD_NAME]}")

model = state.get_model()
if st.session_state.get(state.MODEL_ERROR):
    st.error(st.session_state[state.MODEL_ERROR])

sentences = corpus_view.sentences_of(name)
if not sentences:
    st.info("This corpus is empty: choose another one in the sidebar.")
    st.stop()
full = corpus_view.full_vocabulary(name)                                  # min_count = 1
min_count = int(settings["min_count"])
dropped_words, dropped_tokens = inspect_tools.below_min_count(full.index_to_key, full.counts, min_count)

# ---------------------------------------------------------------------------------------------- counts
st.subheader(f"Tokens and types of '{name}'")
m = st.columns(5)
m[0].metric("sentences (lines)", f"{len(sentences):,}")
m[1].metric("tokens (running words)", f"{full.total_words:,}")
m[2].metric("types (distinct words)", f"{len(full):,}")
m[3].metric(f"vocabulary V (min_count={min_count})", f"{len(full) - len(dropped_words):,}")
m[4].metric("tokens per type", f"{full.total_words / len(full):.1f}")
st.caption("A *token* is one occurrence of a word in the text; a *type* is a distinct word. The vocabulary keeps "
           "the types seen at least min_count times and gives them ids by descending count (id 0 = most frequent).")

left, right = st.columns([3, 2])
with left:
    st.plotly_chart(charts.zipf(full.index_to_key, full.counts), key="corpus_zipf")
with right:
    st.latex(r"\text{count}(r) \approx \frac{C}{r^{\,s}},\quad s \approx 1")
    top = full.counts[: max(1, len(full) // 100)].sum() / full.total_words
    st.markdown(
        f"**Zipf's law.** Sort the words by count: the word of rank r appears about C/r times, a straight line on "
        f"log-log axes. A few function words (*{', '.join(full.index_to_key[:3])}*) are everywhere, while most "
        f"words are rare: here the top 1% of the types make {top:.0%} of the tokens, and "
        f"{int((full.counts == 1).sum()):,} types appear only once.")
    st.markdown("This is why Word2Vec drops rare words (**min_count**), thins out frequent ones "
                "(**subsampling**) and draws its negatives from a flattened distribution (ns_exponent).")

# ---------------------------------------------------------------------------------------------- min_count
st.subheader("What min_count removes")
if len(dropped_words) == len(full):
    st.error(f"min_count = {min_count} removes every word of this corpus (its most frequent word appears "
             f"{int(full.counts.max())} times), so no model can be built from it. Lower min_count in the sidebar; "
             "the previous model is kept until then.")
elif not dropped_words:
    st.markdown(f"With min_count = {min_count} every word is kept. Raise **min_count** in the sidebar's model "
                "settings to see what disappears.")
else:
    st.markdown(f"With **min_count = {min_count}**, {len(dropped_words):,} of the {len(full):,} types "
                f"({len(dropped_words) / len(full):.0%}) are removed, but only {dropped_tokens:,} of the "
                f"{full.total_words:,} tokens ({dropped_tokens / full.total_words:.1%}): rare words are many "
                "but each is rare. They are deleted from the sentences before the windows are taken, so their "
                "neighbours move closer together.")
    st.caption("Some of the removed words: " + ", ".join(dropped_words[:40]) + (" …" if len(dropped_words) > 40 else ""))

if len(dropped_words) == len(full):
    st.stop()

# the vocabulary the model sees: ids by count, only words with count >= min_count
V = len(full) - len(dropped_words)
words = full.index_to_key[:V]
counts = full.counts[:V]
T = int(counts.sum())

# ---------------------------------------------------------------------------------------------- subsampling
st.subheader("Subsampling frequent words")
model_sample = float(settings["sample"])
left, right = st.columns([2, 3])
with left:
    st.latex(r"p_{keep}(w) = \left(\sqrt{\frac{f(w)}{sT}} + 1\right)\frac{sT}{f(w)}\ \ (\le 1)")
    st.markdown("Each time a word occurs, it is kept with probability p_keep and otherwise deleted before the "
                "windows are taken. f(w) is the word's count, T the number of tokens, s the **sample** threshold. "
                "Words rarer than about s·T are always kept; very frequent words (*the*, *a*) are mostly dropped, "
                "which speeds training up and lets the windows reach further.")
    options = [1e-5, 1e-4, 1e-3, 1e-2]
    default = model_sample if model_sample in options else 1e-3
    sample = st.select_slider("sample s for this preview", options, value=default, key="corpus_sample",
                              format_func=lambda x: f"{x:g}")
    st.caption(f"The model in the sidebar uses sample = {'off (0)' if model_sample == 0 else f'{model_sample:g}'}"
               "; the small sample corpora learn better without subsampling.")
vocab_mc = Vocabulary(index_to_key=list(words), counts=counts, total_words=full.total_words)
keep = vocab_mc.keep_probabilities(sample)                                # (V,)
with right:
    st.plotly_chart(charts.keep_probability(words, counts / T, keep, sample), key="corpus_keep")
kept_share = inspect_tools.expected_kept_fraction(counts, keep)
st.markdown(f"With s = {sample:g} subsampling keeps about **{kept_share:.0%}** of the tokens of each epoch.")

table = pd.DataFrame({"id": np.arange(V), "word": words, "count": counts, "f(w)/T": counts / T,
                      "p_keep": keep, "P_n(w) (ns_exponent " + f"{settings['ns_exponent']:g})":
                      vocab_mc.noise_distribution(float(settings["ns_exponent"]))})
st.markdown("**The vocabulary**, most frequent first (P_n is the negative-sampling noise distribution, see its page):")
st.dataframe(table, hide_index=True, height=300, key="corpus_vocab_table",
             column_config={"f(w)/T": st.column_config.NumberColumn(format="%.5f"),
                            "p_keep": st.column_config.NumberColumn(format="%.3f")})

st.markdown("**One sentence, one draw.** Struck out in red: tokens this draw deletes; grey: words below "
            "min_count (always deleted). Each epoch draws again, so other tokens go the next time.")
c1, c2 = st.columns(2)
n_sent = len(sentences)
idx = c1.number_input(f"sentence (1 to {n_sent:,})", 1, n_sent, 1, key="corpus_sentence") - 1
seed = c2.number_input("seed of the draw", 0, 2**31 - 1, int(settings["seed"]), key="corpus_seed")
sentence = sentences[idx][:300]
ids = [vocab_mc.key_to_index.get(w, -1) for w in sentence]
in_vocab = [i for i in ids if i >= 0]
mask = iter(inspect_tools.subsample_mask(in_vocab, keep, seed=int(seed)))
spans = []
for w, i in zip(sentence, ids):
    w = html.escape(w)
    if i < 0:
        spans.append(f"<span style='color:#aaa;text-decoration:line-through' title='below min_count'>{w}</span>")
    elif next(mask):
        spans.append(f"<b>{w}</b>")
    else:
        spans.append(f"<span style='color:#d62728;text-decoration:line-through' "
                     f"title='dropped by subsampling, p_keep = {keep[i]:.2f}'>{w}</span>")
st.markdown("<div style='font-size:1.2rem;line-height:2'>" + " ".join(spans) + "</div>", unsafe_allow_html=True)

show_source(engine.tokenize, Vocabulary.build, Vocabulary.keep_probabilities, inspect_tools.subsample_mask)
