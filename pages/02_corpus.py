"""Corpus and vocabulary: choose or upload a corpus, how Chinese is cut; counts, Zipf, min_count, subsampling."""

import streamlit as st

import engine
from engine import Vocabulary
from lessons import corpus as corpus_lessons
from ui import state
from ui.code import show_source
from ui.i18n import t
from ui.views import corpus as view

st.title(t("corpus.title"))
st.markdown(t("corpus.intro"))

settings = state.current_settings()
name, segmenter = settings["corpus"], settings["segmenter"]
view.choose_section(name)
view.segmenter_radio()

state.get_model()                                                  # builds the model: a failure is said here
if st.session_state.get(state.MODEL_ERROR):
    st.error(st.session_state[state.MODEL_ERROR])

sentences = view.sentences_of(name, segmenter)
if not sentences:
    st.info(t("corpus.empty"))
    st.stop()
full = view.full_vocabulary(name, segmenter)                       # min_count = 1
min_count = int(settings["min_count"])
dropped_words, dropped_tokens = corpus_lessons.below_min_count(full.index_to_key, full.counts, min_count)
view.unsegmented_warning(name, segmenter, full.total_words / len(full))
view.counts_section(name, sentences, full, len(full) - len(dropped_words), min_count)
view.min_count_section(full, dropped_words, dropped_tokens, min_count)
if len(dropped_words) == len(full):
    st.stop()

# the vocabulary the model sees: ids by count, only words with count >= min_count
vocab_mc, keep = view.subsampling_section(settings, full, len(full) - len(dropped_words))
view.one_sentence_drawn(sentences, vocab_mc, keep, int(settings["seed"]))

show_source(engine.tokenize, engine.segment.segment_tokens, Vocabulary.build, Vocabulary.keep_probabilities,
            corpus_lessons.subsample_mask)
