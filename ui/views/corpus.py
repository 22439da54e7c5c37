"""The Corpus page: what each corpus is for, uploads, segmentation and cached vocabularies; counts, Zipf,
min_count and subsampling.

What it does: describes the corpora offered in the sidebar (texts in ui/texts/<lang>/corpus.toml,
note_<name>), turns an uploaded file into sentences (UTF-8, UTF-16, GBK/GB18030 or Big5, detected;
the encoding is kept for the page to name; a clear message for an empty, binary, undecodable or too
large file, and the previous corpus and model are kept), cuts Chinese text with the session's
segmenter (words / characters / spaces, ui.settings.SEGMENTER_CHOICES), builds the full vocabulary
(min_count=1) of the chosen corpus once per corpus and segmenter, and says whether a corpus looks
like Chinese that was not cut into words (engine.looks_unsegmented); draws the page's parts in order: the
corpora and the upload, the segmenter, the counts and Zipf's law, what min_count drops, and subsampling with
one sentence drawn.
What it does not do: count or filter words itself (engine.Vocabulary and lessons.corpus do).
"""

from __future__ import annotations

import hashlib
import html
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd
import streamlit as st

import engine
from lessons import corpus as corpus_lessons
from ui import pickers, state, uploads
from ui.charts import lesson as lesson_charts
from ui.i18n import current_language, md_escape, say, t
from ui.settings import SEGMENTER_CHOICES

UPLOAD_KEY = "corpus_upload"       # widget key of the file uploader on the corpus page
NOTED = ("tiny", "royalty", "capitals", "fruits_animals_verbs", "chinese", "lee_background", "wikipedia_head500")

Message = Tuple[str, dict]         # (catalogue key, values): shown with ui.i18n.say in the page's language


def note(name: str) -> str:
    """What a corpus is for, in the page's language ('' for a corpus without a note)."""
    if uploads.is_upload(name):
        return t("corpus.note_upload")
    return t(f"corpus.note_{name}") if name in NOTED else ""


def upload_limit_mb():
    """The upload limit in MB (server.maxUploadSize in .streamlit/config.toml; read by ui.state)."""
    return state.upload_limit_mb()


def accept_upload(name: str, data: bytes, segmenter: str = "words") -> Optional[Message]:
    """Keep an uploaded file as one of this session's corpora (uploads.keep_upload: by its file name, at most
    uploads.MAX_UPLOADS of them and MAX_UPLOADS_BYTES together) and make it the corpus. Returns an error message,
    or None on success.

    On an error nothing changes: the previous corpus and model stay. The message is a (key, values)
    pair; a value named "error" is the engine's English message (translated when shown).
    """
    if len(data) > state.upload_limit_bytes():
        return ("corpus.upload_too_large", {"name": name, "size": f"{len(data) / 1e6:.1f}",
                                            "limit": upload_limit_mb()})
    try:
        text, encoding = engine.decode_text(data, name=name)
        sentences = engine.encode_text(text, segmenter)          # token ids: ~0.7x the file, not ~9x as lists
    except ValueError as e:
        return ("corpus.upload_failed", {"name": name, "error": str(e)})
    if not sentences:
        return ("corpus.upload_no_words", {"name": name})
    digest = hashlib.sha1(data).hexdigest()[:10]
    return uploads.keep_upload(uploads.Upload(name, sentences, segmenter, text, encoding, len(data), digest))


def on_upload() -> None:
    """Callback of the file uploader: runs before the page (and the sidebar) are drawn."""
    f = st.session_state.get(UPLOAD_KEY)
    if f is None:
        return
    st.session_state[state.UPLOAD_ERROR] = accept_upload(f.name, f.getvalue(), state.current_settings()["segmenter"])


def encoding_label(encoding: str) -> str:
    """The name of a codec as people know it: 'gbk' -> 'GBK' (engine.encoding_label)."""
    return engine.encoding_label(encoding)


@st.cache_data(show_spinner=False)
def _full_vocabulary_cached(name: str, segmenter: str) -> engine.Vocabulary:
    return engine.Vocabulary.build(state.load_corpus(name, segmenter), min_count=1)


@st.cache_data(show_spinner=False)
def _unsegmented_cached(name: str, segmenter: str) -> bool:
    return engine.looks_unsegmented(state.load_corpus(name, segmenter))


def _upload_cached(slot: str, name: str, segmenter: str, build):
    """A value computed once per uploaded file and segmenter, kept in this session (slot: its state key)."""
    upload = uploads.upload_of(name)
    key = (name, upload.digest if upload else "", segmenter)
    cached = st.session_state.get(slot)
    if cached is None or cached[0] != key:
        cached = (key, build(uploads.upload_sentences(name, segmenter)))
        st.session_state[slot] = cached
    return cached[1]


def full_vocabulary(name: str, segmenter: str = "words") -> engine.Vocabulary:
    """The vocabulary of a corpus with min_count=1 (cached per built-in corpus, per upload otherwise)."""
    with st.spinner(t("corpus.counting")):
        if not uploads.is_upload(name):
            return _full_vocabulary_cached(name, segmenter)
        return _upload_cached(state.UPLOAD_VOCAB, name, segmenter, lambda s: engine.Vocabulary.build(s, min_count=1))


def looks_unsegmented(name: str, segmenter: str) -> bool:
    """Whether the corpus, cut with segmenter, looks like Chinese that was not cut into words."""
    if not uploads.is_upload(name):
        return _unsegmented_cached(name, segmenter)
    return _upload_cached(state.UPLOAD_UNSEGMENTED, name, segmenter, engine.looks_unsegmented)


def set_segmenter(segmenter: str) -> None:
    """Callback of the 'cut into words' button: the corpus is read again with this segmenter."""
    st.session_state[state.widget_key("segmenter")] = segmenter


def sentences_of(name: str, segmenter: str = "words") -> List[List[str]]:
    return state.sentences_of(name, segmenter)


# ---------------------------------------------------------------- what the page draws, in order
def choose_section(name: str) -> None:
    """The corpora of the sidebar (the chosen one, `name`, marked) with what each is for, and the upload."""
    st.subheader(t("corpus.choose"))
    c1, c2 = st.columns([3, 2])
    with c1:
        st.markdown("\n".join(f"- **{state.corpus_label(n)}**{t('corpus.chosen') if n == name else ''}"
                              f"{t('corpus.name_sep')}{note(n)}" for n in state.corpus_choices()))
        st.caption(t("corpus.choose_caption"))
    with c2:
        limit = upload_limit_mb()
        pickers.file_uploader(st, t("corpus.upload_label"), type=["txt"], key=UPLOAD_KEY, on_change=on_upload,
                              help=t("corpus.upload_help"))
        st.caption(t("corpus.upload_caption", limit=limit, n=uploads.MAX_UPLOADS,
                     total=f"{uploads.MAX_UPLOADS_BYTES / 1e6:g}"))
        err = st.session_state.get(state.UPLOAD_ERROR)
        last = uploads.upload_of(st.session_state.get(uploads.UPLOAD_LAST))
        if err:
            st.error(say(err) + " " + t("corpus.upload_kept"))
        elif last is not None:
            st.success(t("corpus.uploaded", name=md_escape(f"{last.name} ({last.digest})")))
            if last.encoding == "utf-8":
                st.caption(t("corpus.encoding_utf8"))
            else:
                st.info(t("corpus.encoding_other", encoding=encoding_label(last.encoding)), icon=":material/translate:")
        uploads_list()


def uploads_list() -> None:
    """This session's uploaded corpora (how many of how many, their size against the limit), each with Remove."""
    kept = uploads.uploads()
    if not kept:
        return
    total = sum(u.size for u in kept.values())
    st.markdown(t("corpus.uploads_title", n=len(kept), limit=uploads.MAX_UPLOADS, mb=f"{total / 1e6:.1f}",
                  total=f"{uploads.MAX_UPLOADS_BYTES / 1e6:g}"))
    for i, (choice, upload) in enumerate(kept.items()):
        c1, c2 = st.columns([4, 1.3], vertical_alignment="center")
        c1.caption(t("corpus.upload_row", name=md_escape(upload.name), mb=f"{upload.size / 1e6:.2f}",
                     segmenter=t(f"corpus.segmenter_{upload.segmenter}")))
        c2.button(t("corpus.upload_remove"), key=f"corpus_remove_{i}", on_click=uploads.remove_upload, args=(choice,),
                  icon=":material/delete:", help=t("corpus.upload_remove_help", name=md_escape(upload.name)))


def segmenter_radio() -> None:
    """How Chinese text is cut into words: the sidebar's setting, drawn here (its widget key is the sidebar's)."""
    st.radio(t("corpus.segmenter_label"), SEGMENTER_CHOICES, key=state.widget_key("segmenter"), horizontal=True,
             format_func=lambda s, lang=current_language(): t(f"corpus.segmenter_{s}", lang),
             help=t("corpus.segmenter_help"))


def unsegmented_warning(name: str, segmenter: str, per_type: float) -> None:
    """When the corpus looks like Chinese that was not cut into words: say so, with a button that cuts it."""
    if looks_unsegmented(name, segmenter):
        w1, w2 = st.columns([4, 1])
        w1.warning(t("corpus.unsegmented", per_type=f"{per_type:.2f}"), icon=":material/warning:")
        w2.button(t("corpus.unsegmented_fix"), key="corpus_fix_segmenter", type="primary", on_click=set_segmenter,
                  args=("words",))


def counts_section(name: str, sentences, full: engine.Vocabulary, kept_types: int, min_count: int) -> None:
    """Sentences, tokens, types, the vocabulary after min_count, tokens per type; then Zipf's law."""
    per_type = full.total_words / len(full)
    st.subheader(t("corpus.counts_title", name=state.corpus_label(name)))
    m = st.columns(5)
    m[0].metric(t("corpus.m_sentences"), f"{len(sentences):,}")
    m[1].metric(t("corpus.m_tokens"), f"{full.total_words:,}")
    m[2].metric(t("corpus.m_types"), f"{len(full):,}")
    m[3].metric(t("corpus.m_vocab"), f"{kept_types:,}", help=t("corpus.m_vocab_help", min_count=min_count))
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


def min_count_section(full: engine.Vocabulary, dropped_words: Sequence[str], dropped_tokens: int,
                      min_count: int) -> None:
    """What min_count drops: none, some (how many words and tokens, examples), or every word."""
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


def subsampling_section(settings: dict, full: engine.Vocabulary, V: int) -> Tuple[engine.Vocabulary, np.ndarray]:
    """The keep probability of each of the V words the model sees (ids by count, count >= min_count) for a
    subsampling threshold on a slider, the share of tokens kept, and the vocabulary table.
    Returns (that vocabulary, its keep probabilities (V,))."""
    words, counts = full.index_to_key[:V], full.counts[:V]
    T = int(counts.sum())
    st.subheader(t("corpus.sub_title"))
    model_sample = float(settings["sample"])
    left, right = st.columns([2, 3])
    with left:
        # one unbreakable group: '(≤' was split from '1)' (scaled to the column instead)
        st.latex(r"{p_{keep}(w) = \left(\sqrt{\frac{f(w)}{sT}} + 1\right)\frac{sT}{f(w)}\ \ (\le 1)}")
        st.markdown(t("corpus.sub_text"))
        options = [1e-5, 1e-4, 1e-3, 1e-2]
        default = model_sample if model_sample in options else 1e-3
        sample = st.select_slider(t("corpus.sub_slider"), options, value=default, key="corpus_sample",
                                  format_func=lambda x: f"{x:g}")
        st.caption(t("corpus.sub_model_off") if model_sample == 0 else t("corpus.sub_model", sample=f"{model_sample:g}"))
    vocab_mc = engine.Vocabulary(index_to_key=list(words), counts=counts, total_words=full.total_words)
    keep = vocab_mc.keep_probabilities(sample)                                # (V,)
    with right:
        st.vega_lite_chart(*lesson_charts.keep_probability(words, counts / T, keep, sample), key="corpus_keep",
                           width="stretch")
    kept_share = corpus_lessons.expected_kept_fraction(counts, keep)
    st.markdown(t("corpus.sub_kept", sample=f"{sample:g}", share=f"{kept_share:.0%}"))

    col_word, col_count = t("corpus.col_word"), t("corpus.col_count")
    col_pn = t("corpus.col_pn", exponent=f"{settings['ns_exponent']:g}")
    table = pd.DataFrame({"id": np.arange(V), col_word: words, col_count: counts, "f(w)/T": counts / T,
                          "p_keep": keep, col_pn: vocab_mc.noise_distribution(float(settings["ns_exponent"]))})
    st.markdown(t("corpus.vocab_table"))
    st.dataframe(table, hide_index=True, height=300, key="corpus_vocab_table",
                 column_config={"f(w)/T": st.column_config.NumberColumn(format="%.5f"),
                                "p_keep": st.column_config.NumberColumn(format="%.3f")})
    return vocab_mc, keep


def one_sentence_drawn(sentences, vocab: engine.Vocabulary, keep: np.ndarray, seed: int) -> None:
    """One sentence with its subsampling drawn: kept words bold, dropped ones struck through (hover: why)."""
    st.markdown(t("corpus.draw_text"))
    c1, c2 = st.columns(2)
    n_sent = len(sentences)
    idx = c1.number_input(t("corpus.sentence", n=f"{n_sent:,}"), 1, n_sent, 1, key="corpus_sentence") - 1
    seed = c2.number_input(t("corpus.draw_seed"), 0, 2**31 - 1, int(seed), key="corpus_seed")
    sentence = sentences[idx][:300]
    ids = [vocab.key_to_index.get(w, -1) for w in sentence]
    in_vocab = [i for i in ids if i >= 0]
    mask = iter(corpus_lessons.subsample_mask(in_vocab, keep, seed=int(seed)))
    spans = []
    below = html.escape(t("corpus.tip_below"), quote=True)
    for w, i in zip(sentence, ids):
        w = html.escape(w)
        if i < 0:
            spans.append(f"<span style='color:#6e6e6e;text-decoration:line-through' title='{below}'>{w}</span>")  # 5.1:1 (AA)
        elif next(mask):
            spans.append(f"<b>{w}</b>")
        else:
            tip = html.escape(t("corpus.tip_dropped", p=f"{keep[i]:.2f}"), quote=True)
            spans.append(f"<span style='color:#d62728;text-decoration:line-through' title='{tip}'>{w}</span>")
    st.markdown("<div style='font-size:1.2rem;line-height:2'>" + " ".join(spans) + "</div>", unsafe_allow_html=True)
