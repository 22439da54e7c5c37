"""The corpora a sweep can run on: the choices (samples, gensim's, this session's uploads, the planted corpus, the
server's folder) and the SweepCorpus of each, with the user's own quality lists and, for a segmenter sweep, the
text cut with each segmenter.

What it does not do: draw widgets (controls.py) or train (lessons/sweep/).
"""

from __future__ import annotations

import dataclasses
from typing import List, Optional

import streamlit as st

import engine
from lessons.planted import COMPARE_PLANTED
from lessons.sweep import plan as sweep_plan
from lessons.sweep import scores as sweep_scores
from ui import state, uploads
from ui.i18n import t

PLANTED = "planted"            # the corpus choice "the Compare page's planted corpus"
UPLOAD_KEY = "_sweep_upload_key"  # {upload: (id of its sentences, their fingerprint)} so each is hashed once
OWN_LISTS = "sweep_own_lists"   # {kind: lessons.benchmarks.UserList} the user's own quality lists


def corpus_options() -> List[str]:
    return state.corpus_choices() + [PLANTED] + list(state.folder_corpora())


def corpus_label(name: str) -> str:
    if name == PLANTED:
        return t("sweep.corpus_planted")
    if uploads.is_upload(name):
        return f"{t('sweep.corpus_upload')} {name[len(uploads.UPLOAD_PREFIX):]}"
    return name


def make_corpus(name: str, plan: Optional[sweep_plan.SweepPlan] = None) -> sweep_scores.SweepCorpus:
    """The SweepCorpus of a corpus choice with the user's own quality lists, cut with each segmenter the plan
    sweeps (ValueError with a message when it cannot be read or cut)."""
    corpus = _corpus_of(name)
    segmenters = swept_segmenters(plan)
    if segmenters:
        corpus = dataclasses.replace(corpus, segmented={s: cut_corpus(name, s) for s in segmenters})
    own = st.session_state.get(OWN_LISTS) or {}
    if not own:
        return corpus
    digests = ",".join(f"{k}={own[k].digest}" for k in sorted(own))
    groups = own["groups"].groups if "groups" in own else corpus.groups
    return dataclasses.replace(corpus, key=f"{corpus.key}|own:{digests}", groups=groups,
                               own_pairs=own["pairs"].path if "pairs" in own else None,
                               own_analogies=own["analogies"].path if "analogies" in own else None)


def swept_segmenters(plan: Optional[sweep_plan.SweepPlan]) -> List[str]:
    """The segmenters a plan's runs cut their corpus with ([] when it does not vary the segmenter)."""
    if plan is None:
        return []
    return sorted({r.segmenter for r in plan.runs() if r.segmenter is not None})


def cut_corpus(name: str, segmenter: str):
    """The sentences of a corpus choice cut with `segmenter` (ValueError for a corpus that cannot be cut again)."""
    upload = uploads.upload_of(name)
    if upload is not None and upload.text is not None:
        return engine.encode_text(upload.text, segmenter)
    if name in state.folder_corpora():
        return engine.read_corpus(state.folder_corpora()[name], segmenter=segmenter)
    if name in engine.sample_corpora() or name in state.GENSIM_CHOICES:
        return state.load_corpus(name, segmenter)
    raise ValueError(t("sweep.cannot_cut", corpus=corpus_label(name)))


def _corpus_of(name: str) -> sweep_scores.SweepCorpus:
    """The SweepCorpus of a corpus choice (ValueError with a message when it cannot be read)."""
    if name == PLANTED:
        planted = state.get_planted(**COMPARE_PLANTED)
        key = sweep_scores.tokens_key([[f"{k}={v}" for k, v in sorted(COMPARE_PLANTED.items())]])
        return sweep_scores.SweepCorpus("planted:" + key, corpus_label(name), planted.sentences, planted=planted,
                                        benchmarks=False)
    if uploads.is_upload(name):                   # as it is cut now (each upload keeps its own segmenter)
        upload = uploads.upload_of(name)
        if upload is None or not upload.sentences:
            raise ValueError(t("sweep.no_upload"))
        sentences = upload.sentences
        known = st.session_state.setdefault(UPLOAD_KEY, {})
        if name not in known or known[name][0] != id(sentences):
            known[name] = (id(sentences), sweep_scores.tokens_key(sentences))
        return sweep_scores.SweepCorpus(f"upload:{upload.name}|{known[name][1]}", corpus_label(name), sentences)
    folder = state.folder_corpora()
    if name in folder:                       # streamed from disk by the engine: never loaded whole
        path = folder[name]
        info = path.stat()
        return sweep_scores.SweepCorpus(f"folder:{path.name}:{info.st_size}:{int(info.st_mtime)}", name,
                                        engine.read_corpus(path))
    segmenter = state.current_settings()["segmenter"]          # the Corpus page's choice (Chinese text only)
    sentences = state.load_corpus(name, segmenter)
    if name in engine.sample_corpora():
        return sweep_scores.SweepCorpus(f"sample:{name}|{segmenter}", name, sentences,
                                        groups=engine.sample_groups(name) or None,
                                        analogies=engine.sample_analogies(name))
    return sweep_scores.SweepCorpus(f"gensim:{name}|{segmenter}", name, sentences)


def corpus_kind(name: str) -> str:
    """"sample", "planted", "upload" or "real" (gensim's Lee and head500 texts)."""
    if name == PLANTED:
        return "planted"
    if uploads.is_upload(name):
        return "upload"
    if name.startswith(state.FOLDER_PREFIX):
        return "real"
    return "sample" if name in engine.sample_corpora() else "real"
