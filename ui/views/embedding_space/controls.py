"""The settings of the embedding picture, drawn below it: method, matrix, view options, which words, the speed.

What it does: draws the picture's widgets (PCA or t-SNE, which matrix, unit length / centring / directions
removed, the PCA mode, t-SNE's perplexity, start and seed, or UMAP's n_neighbors, min_dist and seed, how many frequent words to leave out, how
many words and labels, the words whose trails are drawn) and returns what they chose as one Picture, with
the words shown, their counts and their colours; and the live view's speed (updates per frame, snapshot
interval, frames per second).
What it does not do: project or train (ui/views/embedding_space/picture.py and live.py do).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence

import streamlit as st

from engine import projection
from ui import state
from ui.charts import colouring
from ui.choices import choice
from ui.i18n import t
from ui.views.embedding_space import live as lv


@dataclass
class Picture:
    """What the picture's settings chose, and the words it shows (ids `sel` of the vectors, by frequency)."""
    is_model: bool                  # this session's model (live) or imported vectors (a still picture)
    method: str                     # "PCA" | "t-SNE" | "UMAP"
    matrix: str                     # "W_in" | "W_out" | "sum"
    view: dict                      # centered, unit, remove_top: how the vectors are prepared for PCA
    remove_top_ok: bool             # fewer directions removed than the vectors have, less two
    skip: int
    n_words: int
    n_labels: int
    sel: slice
    words_all: Sequence[str]        # the whole vocabulary, in id order
    words: Sequence[str]            # the words shown
    counts: Optional[Sequence[int]]
    colour: colouring.Colouring
    mode: Optional[str] = None      # PCA's mode (PCA only)
    perplexity: Optional[int] = None        # t-SNE only
    tsne_start: Optional[str] = None
    tsne_seed: Optional[int] = None
    n_neighbors: Optional[int] = None       # UMAP only
    min_dist: Optional[float] = None
    umap_seed: Optional[int] = None
    trail_words: List[str] = field(default_factory=list)


def picture_settings(vectors, is_model: bool) -> Picture:
    """Draw the settings of the picture of `vectors` (the session's model when is_model, else the imported
    KeyedVectors) and return what they chose."""
    st.subheader(t("embedding.settings"))
    chosen = {}
    c1, c2, c3 = st.columns([1.1, 1.1, 1])
    with c1:
        method = st.radio(t("embedding.method"), list(lv.METHODS), horizontal=True, key="live_method",
                          help=t("embedding.method_help"))
        matrices = list(lv.MATRICES) if is_model else ["W_in"]
        matrix = choice(st.radio, t("embedding.matrix"), matrices,
                        lv.matrix_label if is_model else (lambda m: t("embedding.matrix_file")), "live_matrix",
                        default=matrices[0], horizontal=True, help=t("embedding.matrix_help"))
        if is_model and vectors.objective == "hierarchical_softmax" and matrix != "W_in":
            st.info(t("embedding.hs_only_w_in"))
            matrix = "W_in"
    with c2:
        unit = st.toggle(t("embedding.unit"), value=lv.VIEW_DEFAULTS["unit"], key="live_unit",
                         help=t("embedding.unit_help"))
        centered = st.toggle(t("embedding.centered"), value=lv.VIEW_DEFAULTS["centered"], key="live_centered",
                             help=t("embedding.centered_help"))
        remove_top = st.select_slider(t("embedding.remove_top"), lv.REMOVE_TOP_CHOICES,
                                      value=lv.VIEW_DEFAULTS["remove_top"], key="live_remove_top",
                                      help=t("embedding.remove_top_help"))
    with c3:
        if method == "PCA":
            # a radio: its options wrap (a select box cut 'rotate each frame to match the pr')
            chosen["mode"] = choice(st.radio, t("embedding.mode"), projection.PCA_MODES,
                                    lambda m: t(f"embedding.mode_{m}"), "live_pca_mode",
                                    default=projection.PCA_MODES[0], help=t("embedding.mode_help"))
        elif method == "UMAP":
            chosen.update(umap_settings())
        else:
            chosen["perplexity"] = st.slider(t("embedding.perplexity"), 2, 50, 15, key="live_perplexity",
                                             help=t("embedding.perplexity_help"))
            chosen["tsne_start"] = choice(st.radio, t("embedding.tsne_start"), ["previous", "pca", "random"],
                                          lambda s: t(f"embedding.tsne_start_{s}"), "live_tsne_start",
                                          default="previous", horizontal=True, help=t("embedding.tsne_start_help"))
            chosen["tsne_seed"] = st.number_input(t("embedding.tsne_seed"), 0, 10_000, 0, key="live_tsne_seed",
                                                  help=t("embedding.tsne_seed_help"))
    skip, n_words, n_labels = word_sliders(len(vectors.vocab) if is_model else len(vectors))

    words_all = vectors.vocab.index_to_key if is_model else vectors.index_to_key
    sel = lv.shown_ids(skip, n_words)           # the ids shown: ids are sorted by frequency
    words = words_all[sel]
    all_counts = vectors.vocab.counts if is_model else vectors.counts
    counts = all_counts[sel] if all_counts is not None else None
    corpus_name = state.current_settings()["corpus"] if is_model else None
    colour = colouring.colouring(words, colouring.corpus_groups(corpus_name), counts)
    if is_model:
        chosen["trail_words"] = st.multiselect(
            t("embedding.trails"), words, default=lv.default_trail_words(words, groups=colour.group),
            max_selections=10, key=f"live_trails_{corpus_name}", help=t("embedding.trails_help"))
    view = dict(centered=centered, unit=unit, remove_top=remove_top)
    d = vectors.vector_size
    return Picture(is_model, method, matrix, view, remove_top <= d - 2, skip, n_words, n_labels, sel, words_all,
                   words, counts, colour, **chosen)


def umap_settings() -> dict:
    """UMAP's two main parameters and its seed, each with a sentence on what it does."""
    n_neighbors = st.slider(t("embedding.umap_neighbors"), 2, 50, lv.UMAP_DEFAULTS["n_neighbors"],
                            key="live_umap_neighbors", help=t("embedding.umap_neighbors_help"))
    min_dist = st.select_slider(t("embedding.umap_min_dist"), lv.UMAP_MIN_DISTS, lv.UMAP_DEFAULTS["min_dist"],
                                key="live_umap_min_dist", help=t("embedding.umap_min_dist_help"))
    st.caption(t("embedding.umap_sentences"))
    seed = st.number_input(t("embedding.umap_seed"), 0, 10_000, 0, key="live_umap_seed",
                           help=t("embedding.umap_seed_help"))
    return {"n_neighbors": int(n_neighbors), "min_dist": float(min_dist), "umap_seed": int(seed)}


def word_sliders(V: int) -> tuple:
    """(skip, n_words, n_labels): how many of the most frequent words to leave out, how many words to show
    and how many to label, for a vocabulary of V words (a tiny one gets no slider without a choice)."""
    w1, w2, w3 = st.columns(3)
    limits = lv.WordRange(V)                # snapshots keep the 1,000 most frequent words
    skip, (lowest, highest, default) = 0, limits.words(0)
    with w1:
        if limits.max_skip:
            skip = st.slider(t("embedding.skip"), 0, limits.max_skip, 0, key="live_skip",
                             help=t("embedding.skip_help"))
            lowest, highest, default = limits.words(skip)
    n_words = highest
    with w2:
        if lowest < highest:
            n_words = st.slider(t("embedding.n_words"), lowest, highest, default, key="live_n_words")
    with w3:
        n_labels = st.slider(t("embedding.n_labels"), 0, *limits.labels(n_words), key="live_n_labels",
                             help=t("embedding.n_labels_help"))
    return skip, n_words, n_labels


def speed_settings(model) -> tuple:
    """(updates per frame, snapshot every so many updates, frames per second asked for) of the live view.

    The pace is chosen in epochs per second (a teacher talks over 0.25: 20 epochs in 80 s; the old default of
    1,000 updates a frame at 10 frames a second trained 74-84% of royalty's 20 epochs in 10 s); the updates a
    frame follow from it and from the model's updates per epoch (lv.updates_per_epoch)."""
    s1, s2, s3 = st.columns(3)
    with s2:
        pace = st.select_slider(t("embedding.pace"), lv.PACES, value=lv.DEFAULT_PACE, key="live_pace",
                                format_func=lambda p: t("embedding.pace_value", pace=f"{p:g}"),
                                help=t("embedding.pace_help", epochs=model.planned_epochs,
                                       seconds=f"{model.planned_epochs / lv.DEFAULT_PACE:.0f}"))
    with s3:
        every = st.select_slider(t("embedding.every"), [100, 300, 1000, 3000, 10_000, 30_000], value=1000,
                                 key="live_every", help=t("embedding.every_help"))
    with s1:
        target_fps = st.select_slider(t("embedding.fps"), [1, 2, 5, 10, 15], value=10, key="live_fps",
                                      help=t("embedding.fps_help"))
    per_frame = lv.updates_per_frame(pace, lv.updates_per_epoch(model), target_fps)
    st.caption(t("embedding.pace_caption", per_frame=f"{per_frame:,}", fps=target_fps,
                 seconds=f"{model.planned_epochs / pace:,.0f}", epochs=model.planned_epochs))
    return per_frame, every, target_fps
