"""Glue for the explore page: which vectors to query, friendly word look-up, small tables for the queries.

What it does: picks the vectors to explore (this session's model or an imported file), turns a word
typed by the user into a vocabulary word or a clear message with close spellings, and prepares the
extra numbers the page shows next to the engine's answers (the analogy without excluding its input
words, each word's cosine to the group in doesn't-match).
What it does not do: the queries themselves (engine.keyed_vectors does them).
"""

from __future__ import annotations

import difflib
import zlib
from typing import List, Optional, Sequence, Tuple

import numpy as np
import streamlit as st

from ui import state
from ui.choices import choice as kept_choice
from ui.i18n import t

# the first of these whose words are all in the vocabulary fills the boxes (English and Chinese samples)
NEIGHBOUR_DEFAULTS = [("king",), ("paris",), ("apple",), ("fox",), ("国王",), ("巴黎",)]
ANALOGY_DEFAULTS = [("man", "king", "woman"), ("france", "paris", "germany"), ("boy", "prince", "girl"),
                    ("fox", "dog", "cat"), ("男人", "国王", "女人"), ("法国", "巴黎", "德国")]
SIMILARITY_DEFAULTS = [("king", "queen"), ("paris", "berlin"), ("apple", "banana"), ("fox", "dog"),
                       ("国王", "王后"), ("巴黎", "柏林")]
ODD_DEFAULTS = [["king", "queen", "prince", "bread"], ["paris", "berlin", "rome", "french"],
                ["apple", "banana", "cherry", "dog"], ["dog", "fox", "cat", "seeds"], ["国王", "王后", "王子", "苹果"]]


def choose_source(key: str):
    """Radio between this session's model and an imported file. Returns (kv, label, model or None)."""
    model = state.get_model()
    kv_loaded = st.session_state.get(state.LOADED_KV)
    options = []
    if model is not None:
        options.append("model")
    if kv_loaded is not None:
        options.append("imported")
    if not options:
        return None, None, None
    name = st.session_state.get(state.LOADED_KV_NAME) or t("explore.imported_vectors")
    labels = {"model": t("explore.source_model"), "imported": t("explore.source_imported", name=name)}
    choice = options[0]
    if len(options) > 1:
        choice = kept_choice(st.radio, t("explore.source"), options, labels.get, key, default=options[-1],
                             horizontal=True)
    if choice == "model":
        return model.wv, labels["model"], model
    return kv_loaded, labels["imported"], None


def vocab_tag(kv) -> str:
    """A short tag of the vocabulary, for widget keys: a new corpus or file gives new boxes with fitting defaults.

    >>> from engine import KeyedVectors
    >>> vocab_tag(KeyedVectors(["king", "queen", "man"], np.eye(3, dtype=np.float32)))
    'fee5bfda'
    """
    return f"{zlib.crc32(' '.join(kv.index_to_key[:200]).encode('utf-8')) ^ len(kv):08x}"


def lookup(kv, raw: str) -> Tuple[Optional[str], Optional[str]]:
    """(word, None) if the typed text is in the vocabulary (as typed or lowercased), else (None, message).

    >>> from engine import KeyedVectors
    >>> kv = KeyedVectors(["king", "queen", "man"], np.eye(3, dtype=np.float32))
    >>> lookup(kv, " King ")
    ('king', None)
    >>> lookup(kv, "kong")
    (None, "'kong' is not in the vocabulary (3 words). Did you mean king?")
    """
    w = (raw or "").strip()
    if not w:
        return None, t("explore.type_a_word")
    for cand in (w, w.lower()):
        if cand in kv.key_to_index:
            if not np.any(kv[cand]):                  # no direction: cosines with it are undefined
                return None, t("errors.zero_vector", word=cand, d=kv.vector_size)
            return cand, None
    close = difflib.get_close_matches(w.lower(), kv.index_to_key[:20000], n=3, cutoff=0.7)
    hint = t("explore.did_you_mean", words=t("explore.word_sep").join(close)) if close else ""
    return None, t("explore.not_in_vocabulary", word=w, n=f"{len(kv):,}") + hint


def lookup_many(kv, raws: Sequence[str]) -> Tuple[List[str], List[str]]:
    """Look up several words: (found words, messages for the others)."""
    found, msgs = [], []
    for r in raws:
        w, msg = lookup(kv, r)
        if w is None:
            msgs.append(msg)
        else:
            found.append(w)
    return found, msgs


def first_present(kv, candidates, fallback_n: int):
    """The first candidate tuple whose words are all in the vocabulary, else some frequent words; always
    fallback_n values (empty strings where the vocabulary has fewer words).

    >>> from engine import KeyedVectors
    >>> first_present(KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)), ANALOGY_DEFAULTS, 3)
    ['a', 'b', '']
    """
    for c in candidates:
        if all(w in kv.key_to_index for w in c):
            return list(c)
    words = kv.index_to_key
    start = min(len(words) - fallback_n, 10) if len(words) > fallback_n + 10 else 0
    found = list(words[start:start + fallback_n])
    return found + [""] * (fallback_n - len(found))     # a tiny vocabulary: empty boxes, never fewer values


def analogy_including_inputs(kv, a: str, b: str, c: str, topn: int = 3) -> List[Tuple[str, float]]:
    """3CosAdd's nearest words to b - a + c *without* excluding a, b, c (to show why they are excluded).

    The query is the mean of the unit vectors with signs (as in most_similar), normalised.
    """
    n = kv.normed()                                                     # (V, d)
    q = (n[kv.index(b)] + n[kv.index(c)] - n[kv.index(a)]) / 3.0        # (d,)
    q = q / max(np.linalg.norm(q), 1e-12)
    sims = n @ q                                                        # (V,)
    best = np.argsort(-sims, kind="stable")[:topn]
    return [(kv.index_to_key[i], float(sims[i])) for i in best]


def odd_one_out_table(kv, words: Sequence[str]) -> List[dict]:
    """Each word's cosine with the mean of the words' unit vectors (what doesnt_match ranks by)."""
    n = kv.normed()
    vecs = n[[kv.index(w) for w in words]]                              # (m, d)
    mean = vecs.mean(axis=0)
    mean = mean / max(np.linalg.norm(mean), 1e-12)
    return [{t("explore.col_word"): w, t("explore.col_group_cosine"): float(v @ mean)} for w, v in zip(words, vecs)]


def training_note(model) -> Optional[str]:
    """A warning when the session model is untrained or partly trained, else None."""
    if model is None:
        return None
    if model.step_count == 0:
        return t("explore.untrained")
    if not model.training_complete:
        return t("explore.part_trained", share=f"{model.progress_fraction():.0%}", steps=f"{model.step_count:,}")
    return None
