"""The live embedding-space page's state and numbers: per-session live state, training frames, snapshots.

What it does: keeps, per browser session, what the live view needs between frames (the stable PCA,
the snapshots for the time slider and trails, the loss of each frame, frame times for the frame
rate, the last t-SNE and UMAP layouts); trains one frame's worth of updates; says how the picture was made
(view options, the groups' separation). The projection and loss charts are in ui/charts/embedding.py,
the process-wide pace of the frames in ui/pacing.py.
What it does not do: any maths of its own (engine.projection does the projections), or share state
between users (everything is in st.session_state).
"""

from __future__ import annotations

import collections
import html
import time
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

import numpy as np
import streamlit as st

from engine import KeyedVectors, TrainingDiverged, Word2Vec
from engine import projection
from engine.projection import StablePCA, nearest_neighbours
from engine.umap_layout import MIN_DIST, N_NEIGHBORS
from ui.charts.colouring import Colouring
from ui import state
from ui.compiling import ensure_fast_trainer
from ui.i18n import t

LIVE = state.LIVE_VIEW              # session key: the LiveState of this session
SNAPSHOT_WORDS = 1000               # snapshots keep the rows of the most frequent 1,000 words
SNAPSHOT_BUDGET = 16 * 2 ** 20      # bytes per session for snapshots; older ones are thinned out beyond it
NEIGHBOUR_POOL = 2000               # hover neighbours are searched among the 2,000 most frequent words
MATRICES = {"W_in": "W_in (input vectors)", "W_out": "W_out (output vectors)", "sum": "W_in + W_out"}
# the default view: PCA of unit-length, centered vectors, no direction removed (bench/separation.py:
# on the sample corpora this keeps the groups apart best on average; see bench/SEPARATION_RESULTS.md)
VIEW_DEFAULTS = dict(centered=True, unit=True, remove_top=0)
METHODS = ("PCA", "t-SNE", "UMAP")
UMAP_DEFAULTS = dict(n_neighbors=N_NEIGHBORS, min_dist=MIN_DIST)
UMAP_MIN_DISTS = (0.0, 0.05, 0.1, 0.25, 0.5, 0.8, 0.99)
REMOVE_TOP_CHOICES = (0, 1, 2)
SEPARATION_K = 5
PICTURE_COLUMNS = [2.6, 1]           # the picture and, next to it, how well it keeps the groups apart
TRAIL_POINTS = 16                   # a trail joins at most this many snapshots (plus the word's place now)
PACES = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 20.0)   # epochs per second the live view can train
DEFAULT_PACE = 0.25                 # a pace a teacher can talk over: 20 epochs in 80 s
NICE_WORDS = ["king", "queen", "man", "woman", "paris", "france", "berlin", "apple", "dog", "cat", "fox",
              "red", "prince", "princess"]


@dataclass
class Snapshot:
    step: int
    epoch: int
    W_in: np.ndarray                 # (K, d) rows of the K most frequent words
    W_out: Optional[np.ndarray]      # (K, d) or None (hierarchical softmax: W_out rows are tree nodes)


@dataclass
class LiveState:
    model: object                                   # the Word2Vec this state belongs to
    projector: StablePCA = field(default_factory=StablePCA)
    snapshots: List[Snapshot] = field(default_factory=list)
    every: int = 1000                               # take a snapshot every `every` updates (doubles when thinned)
    frame_loss: List[tuple] = field(default_factory=list)   # (step, mean loss of the frame's updates)
    frame_times: collections.deque = field(default_factory=lambda: collections.deque(maxlen=20))
    frames: int = 0
    playing: bool = False
    interval: Optional[float] = None                # the seconds between frames asked for now (play_interval)
    paced_at: Optional[float] = None                # when that pace was set
    pace_target: Optional[float] = None             # ... and for which 1 / fps the user asked
    frame_walls: collections.deque = field(default_factory=lambda: collections.deque(maxlen=9))  # ms per frame
    tsne: Optional[dict] = None                     # {"layout": {word: (x, y)}, "step", "matrix", "seconds"}
    umap: Optional[dict] = None                     # the same for the last UMAP layout (and its "params")
    message: Optional[str] = None                   # e.g. the training diverged
    reused: dict = field(default_factory=dict)      # every_few_frames: {name: (key, frame, value)}
    frame_ms: Optional[float] = None                # the server's time of the last frame (wall clock)
    trail_layouts: dict = field(default_factory=dict)   # (view key, snapshot step) -> (n, 2) its own PCA layout

    @property
    def max_snapshots(self) -> int:
        W = self.model.W_in
        k = min(len(W), SNAPSHOT_WORDS)
        per = k * W.shape[1] * 4 * (1 if self.model.objective == "hierarchical_softmax" else 2)
        return int(np.clip(SNAPSHOT_BUDGET // max(per, 1), 8, 200))

    def fps(self) -> float:
        """Frames per second over the recent frames (0 if fewer than 2)."""
        t = list(self.frame_times)
        return (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else 0.0


REFRESH_FRAMES = 3        # while playing, label places, hover neighbours and the groups' separation are redone every 3rd frame


def every_few_frames(live: LiveState, name: str, key, compute):
    """compute(), or while playing its value from a frame less than REFRESH_FRAMES ago with the same `key`
    (the page's settings that change it). What changes slowly is not redone every frame: a frame then
    costs less of the process's one Python core, which a class's playing tabs share.

    >>> live = LiveState(model=None, playing=True); calls = []
    >>> [every_few_frames(live, "n", "k", lambda: calls.append(1) or len(calls)) for live.frames in range(5)]
    [1, 1, 1, 2, 2]
    """
    hit = live.reused.get(name)
    if live.playing and hit is not None and hit[0] == key and 0 <= live.frames - hit[1] < REFRESH_FRAMES:
        return hit[2]
    value = compute()
    live.reused[name] = (key, live.frames, value)
    return value


@dataclass
class TsneStore:
    """Where the t-SNE and UMAP layouts of imported vectors are kept (the model's live in its LiveState)."""
    model: object = None
    tsne: Optional[dict] = None
    umap: Optional[dict] = None


def get_live(model: Word2Vec, every: int) -> LiveState:
    """This session's live state for `model` (a fresh one when the model was rebuilt)."""
    live = st.session_state.get(LIVE)
    if live is None or live.model is not model:
        live = LiveState(model=model, every=max(1, int(every)))
        take_snapshot(live)
        st.session_state[LIVE] = live
    if live.snapshots and model.step_count < live.snapshots[-1].step:   # undo on the step page went back
        live.snapshots = [s for s in live.snapshots if s.step <= model.step_count] or live.snapshots[:1]
        live.frame_loss = [f for f in live.frame_loss if f[0] <= model.step_count]
    return live


def take_snapshot(live: LiveState) -> None:
    """Copy the rows of the most frequent words; when over the memory budget keep every other one."""
    m = live.model
    k = min(len(m.W_in), SNAPSHOT_WORDS)
    w_out = None if m.objective == "hierarchical_softmax" else m.W_out[:k].copy()
    live.snapshots.append(Snapshot(m.step_count, m.epoch, m.W_in[:k].copy(), w_out))
    if len(live.snapshots) > live.max_snapshots:
        live.snapshots = live.snapshots[::2] + ([live.snapshots[-1]] if len(live.snapshots) % 2 == 0 else [])
        live.every *= 2


def train_frame(live: LiveState, n_examples: int) -> dict:
    """Train up to n_examples updates, record the frame's loss, snapshot when due. Returns train()'s info."""
    m = live.model
    ensure_fast_trainer(m.vector_size, m.workers)
    try:
        info = m.train(max_examples=int(n_examples), report_every=1e9)
    except (TrainingDiverged, ValueError) as e:      # ValueError: subsampling left no example in a whole round
        live.playing = False
        live.message = str(e)
        return {"examples": 0}
    if info["examples"]:
        live.frame_loss.append((m.step_count, float(info["loss"])))
    last = live.snapshots[-1].step if live.snapshots else -1
    if m.step_count - last >= live.every or (m.training_complete and m.step_count != last):
        take_snapshot(live)
    return info


def updates_per_epoch(model: Word2Vec) -> float:
    """The updates of one epoch: measured once an epoch is done, else estimated from the corpus words an epoch
    trains (skip-gram: about window + 1 pairs per centre word, the radius drawn from 1..window; CBOW: one).

    >>> from engine import Word2Vec
    >>> m = Word2Vec(window=2, min_count=1, epochs=2).build_vocab([["a", "b", "c", "a"]] * 5)
    >>> updates_per_epoch(m) == m.stream.words_per_epoch * 3
    True
    """
    done = model.epoch_losses()
    if len(done) >= 2 and model.step_count:                 # a finished epoch: its count is known
        n = next(iter(model.loss_sums.values()))[1]
        if n:
            return float(n)
    per_word = model.window + 1 if model.architecture == "skipgram" else 1
    return float(model.stream.words_per_epoch * per_word)


def updates_per_frame(pace: float, per_epoch: float, fps: float) -> int:
    """Updates a frame must train for `pace` epochs per second at `fps` frames a second (at least 1).

    >>> updates_per_frame(0.25, 18_000, 10)
    450
    """
    return max(1, int(round(pace * per_epoch / max(fps, 1e-9))))


def vectors(source, matrix: str) -> np.ndarray:
    """(V, d) the matrix to draw: W_in, W_out or their sum for a model; .vectors for loaded KeyedVectors."""
    if isinstance(source, KeyedVectors):
        return source.vectors
    if matrix == "W_out":
        return source.W_out
    if matrix == "sum":
        return source.W_in + source.W_out
    return source.W_in


def snapshot_vectors(snap: Snapshot, matrix: str) -> np.ndarray:
    if matrix == "W_out":
        return snap.W_out
    if matrix == "sum":
        return snap.W_in + snap.W_out
    return snap.W_in


def hover_texts(words: Sequence[str], counts, X: np.ndarray, rows: slice, topn: int = 5) -> List[str]:
    """Hover text for the words with ids in `rows`: the word, its count and its topn nearest words (cosine) in X.

    words: the whole vocabulary in id order (neighbours can be words that are not shown); X: (V, d);
    counts: the counts of the shown words (or None). Neighbours are searched among the NEIGHBOUR_POOL
    most frequent words (and all shown ones).

    >>> X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    >>> hover_texts(["king", "queen", "apple"], [40, 30, 5], X, slice(0, 1), topn=2)
    ['<b>king</b> (count 40)<br>nearest:<br>queen 0.99<br>apple 0.00']
    """
    ids = np.arange(len(X))[rows]                                       # (n,)
    pool = min(len(X), max(NEIGHBOUR_POOL, int(ids.max()) + 1 if len(ids) else 0))
    near_ids, cos = nearest_neighbours(X[:pool], ids, topn=topn)
    out = []
    for n, i in enumerate(ids):
        near = "<br>".join(f"{words[j]} {c:.2f}" for j, c in zip(near_ids[n], cos[n]))
        count = f" (count {int(counts[n])})" if counts is not None else ""
        out.append(f"<b>{words[i]}</b>{count}<br>nearest:<br>{near}")
    return out


def matrix_label(matrix: str) -> str:
    """'W_in' -> 'W_in (input vectors)' in the session's language."""
    return t(f"embedding.matrix_{matrix}")


def progress_label(m: Word2Vec) -> str:
    """Where training is, in words: 'epoch 3 of 20 · update 12,000 · 15% of the planned training'.

    After the planned epochs, train() starts another round of `epochs` epochs (the learning rate
    starts again at alpha); the label then counts epochs within the round.
    """
    s = m.stream
    first, n = getattr(s, "round_epoch", 0), getattr(s, "round_epochs", m.planned_epochs) or m.planned_epochs
    rnd = first // max(1, n) + 1
    if m.training_complete:
        return t("embedding.progress_done", epochs=m.planned_epochs, updates=f"{m.step_count:,}", more=m.epochs)
    e = min(m.epoch - first + 1, n)
    where = (t("embedding.progress_round", round=rnd, epoch=e, n=n) if rnd > 1
             else t("embedding.progress_epoch", epoch=e, n=n))
    return t("embedding.progress", where=where, updates=f"{m.step_count:,}", share=f"{m.progress_fraction():.0%}")


def view_text(centered: bool, unit: bool, remove_top: int) -> str:
    """How the vectors were prepared before PCA, in words: 'unit length, centered'."""
    parts = []
    if unit:
        parts.append(t("embedding.view_unit"))
    parts.append(t("embedding.view_centered") if centered else t("embedding.view_not_centered"))
    if remove_top:
        parts.append(t("embedding.view_removed", n=remove_top))
    return t("embedding.list_sep").join(parts)


def separation_of(coords: np.ndarray, X_rows: np.ndarray, colour: Colouring) -> Optional[projection.Separation]:
    """k-NN group accuracy of the words drawn that have a group (None without groups): in the picture
    (coords, (n, 2)) and in the full space (X_rows, (n, d), the same words' vectors, cosine)."""
    if colour.kind != "groups":
        return None
    return projection.separation(coords, X_rows, colour.group, k=SEPARATION_K)


# ---------------------------------------------------------------- the embedding-space page's numbers
MAX_SKIP = 100               # "leave out the most frequent ... words" goes up to this
DEFAULT_WORDS = 150          # words shown at first
DEFAULT_LABELS, MAX_LABELS = 40, 150


@dataclass(frozen=True)
class WordRange:
    """The limits of the page's three word sliders for a vocabulary of V words (snapshots keep the
    SNAPSHOT_WORDS most frequent, so the picture draws among those). A slider needs its minimum below
    its maximum, so at least 4 words stay after leaving some out, and a tiny vocabulary gets no slider
    where there is nothing to choose (max_skip == 0, or words() with lowest == highest).

        WordRange(121).max_skip -> 100; WordRange(121).words(skip=10) -> (3, 111, 111)
    """
    V: int

    @property
    def cap(self) -> int:
        return min(self.V, SNAPSHOT_WORDS)

    @property
    def max_skip(self) -> int:
        return max(0, min(MAX_SKIP, self.cap - 4))

    def words(self, skip: int) -> tuple:
        """(lowest, highest, default) number of words shown after leaving out `skip`."""
        left = max(1, self.cap - skip)
        return max(1, min(3, left - 1)), left, min(left, DEFAULT_WORDS)

    @staticmethod
    def labels(n_words: int) -> tuple:
        """(highest, default) number of labelled words."""
        return min(n_words, MAX_LABELS), min(n_words, DEFAULT_LABELS)


def shown_ids(skip: int, n_words: int) -> slice:
    """The ids drawn: ids are sorted by frequency, so the n_words after the `skip` most frequent ones."""
    return slice(skip, skip + n_words)


def pca_still(X: np.ndarray, sel: slice, centered: bool = True, unit: bool = False, remove_top: int = 0):
    """(coords (n, 2), explained (2,)) of one PCA of the rows X[sel] prepared by the view options
    (imported vectors: a still picture)."""
    proj = StablePCA("fresh", centered=centered, unit=unit, remove_top=remove_top)
    return proj.project(X[sel]), proj.explained


def frame_coords(live: LiveState, X_now: np.ndarray, X_show: np.ndarray, sel: slice, scrubbing: bool) -> np.ndarray:
    """(n, 2) PCA coordinates of this frame: today's rows through the stable PCA (which moves with them),
    or, when scrubbing back, a snapshot's rows in today's axes (the axes do not move)."""
    if not scrubbing:
        return live.projector.project(X_now[sel])
    if live.projector.basis is None:
        live.projector.project(X_now[sel])
    return live.projector.transform(X_show[sel])


def run_tsne(X_full: np.ndarray, sel: slice, words: Sequence[str], start: str, seed: int, perplexity: float,
             previous: Optional[dict] = None, step: Optional[int] = None, matrix: str = "W_in") -> dict:
    """A t-SNE layout of the rows X_full[sel] (the words shown), started from `previous` layout ('previous'),
    from PCA ('pca') or at random ('random'). Returns the stored result:
    {"layout": {word: (x, y)}, "seconds", "step", "matrix", "started_from_previous"}."""
    X = np.asarray(X_full[sel], dtype=np.float32)                                 # (n, d)
    prev = previous["layout"] if previous else {}
    init = projection.init_from_previous(words, prev, X, seed=int(seed)) if start == "previous" else start
    t0 = time.perf_counter()
    Y = projection.tsne(X, seed=int(seed), perplexity=perplexity, init=init)     # (n, 2)
    return {"layout": {w: tuple(Y[i]) for i, w in enumerate(words)}, "seconds": time.perf_counter() - t0,
            "step": step, "matrix": matrix, "started_from_previous": isinstance(init, np.ndarray)}


@st.cache_data(max_entries=8, show_spinner=False)
def umap_coords(X: np.ndarray, seed: int, n_neighbors: int, min_dist: float) -> tuple:
    """(UMAP layout (n, 2) of the rows of X, seconds it took): seeded, so the same vectors, parameters and
    seed give the same picture, kept for the next identical request (st.cache_data: another session asking
    for the same picture, or the comparison below, does not compute it again)."""
    t0 = time.perf_counter()
    Y = projection.umap(X, seed=seed, n_neighbors=n_neighbors, min_dist=min_dist)   # (n, 2)
    return Y, time.perf_counter() - t0


def run_umap(X_full: np.ndarray, sel: slice, words: Sequence[str], seed: int, n_neighbors: int, min_dist: float,
             step: Optional[int] = None, matrix: str = "W_in") -> dict:
    """A UMAP layout of the rows X_full[sel] (the words shown). Returns the stored result, as run_tsne's:
    {"layout": {word: (x, y)}, "seconds", "step", "matrix", "params": (n_neighbors, min_dist, seed)}."""
    X = np.asarray(X_full[sel], dtype=np.float32)                                 # (n, d)
    Y, seconds = umap_coords(X, int(seed), int(n_neighbors), float(min_dist))
    return {"layout": {w: tuple(Y[i]) for i, w in enumerate(words)}, "seconds": seconds, "step": step,
            "matrix": matrix, "params": (int(n_neighbors), float(min_dist), int(seed))}


def layout_coords(result: dict, words: Sequence[str]):
    """(rows of `words` that the t-SNE layout holds, their (m, 2) coordinates)."""
    keep = [i for i, w in enumerate(words) if w in result["layout"]]
    return keep, np.array([result["layout"][words[i]] for i in keep]).reshape(len(keep), 2)


def default_trail_words(words: Sequence[str], n: int = 3, groups: Optional[Sequence[Optional[str]]] = None) -> List[str]:
    """Words to follow at first: well-known ones (king, queen, ...), else the most frequent words that have
    a group (groups: each word's group or None), else three frequent words after the very most frequent.

        >>> default_trail_words(["的", "是", "国王", "王后", "了", "男人"], groups=[None, None, "royal", "royal", None, "male"])
        ['国王', '王后', '男人']
    """
    nice = [w for w in NICE_WORDS if w in set(words)]
    grouped = [w for w, g in zip(words, groups or []) if g is not None]
    return (nice or grouped or list(words[5:8]))[:n]


def with_notes(text: str, notes: Sequence[str]) -> str:
    """Markdown `text` followed by `notes` in the small grey type of a caption (one st.markdown element
    instead of a markdown and a caption each; em units, so presenter mode's larger type scales them).

    >>> print(with_notes("**0.91**", ["PCA of W_in"]))
    **0.91**
    <BLANKLINE>
    <span style="font-size:0.86em;opacity:0.7">PCA of W_in</span>
    """
    small = [f'<span style="font-size:0.86em;opacity:0.7">{n}</span>' for n in notes if n]
    return "\n\n".join(([text] if text else []) + small)


def frame_note(live: LiveState) -> str:
    """'Frame 120: 14 ms on the server ...' for the frame before this one ('' before the first)."""
    if live.frame_ms is None:
        return ""
    return t("embedding.frame_caption", frame=max(1, live.frames - 1), ms=f"{live.frame_ms:.0f}")


def metric_row(items: Sequence[tuple]) -> str:
    """One HTML row of big numbers under small labels, [(label, value, tooltip or None)]: what st.metric
    shows, as one element instead of a column block and a metric each (the live frame redraws it 10
    times a second). Each value carries data-metric="<i>" for tests and the browser benchmark."""
    cells = []
    for i, (label, value, tip) in enumerate(items):
        title = f' title="{html.escape(tip)}"' if tip else ""
        cells.append(f'<div style="flex:1 1 8rem;min-width:7rem"{title}>'
                     f'<div style="font-size:0.875rem;opacity:0.65">{html.escape(label)}</div>'
                     f'<div class="w2v-metric" data-metric="{i}" style="font-size:2rem;line-height:1.25">'
                     f'{html.escape(value)}</div></div>')
    return '<div style="display:flex;gap:1rem;flex-wrap:wrap;margin:0.2rem 0 0.4rem 0">' + "".join(cells) + "</div>"
