"""Trails on the live embedding picture: where a word was at earlier snapshots, drawn so the path is readable.

What it does: lays out each snapshot in its own PCA, aligns the chain of snapshots to each other and the last to
the picture (Procrustes), and gives each trailed word its path; the axes that hold every snapshot for scrubbing.
What it does not do: take snapshots or train (ui.views.embedding_space.live), or draw (ui.charts.embedding).
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from engine import projection
from ui.views.embedding_space.live import (TRAIL_POINTS, VIEW_DEFAULTS, LiveState, Snapshot,
                                           snapshot_vectors)


def align_to(Y: np.ndarray, target: np.ndarray) -> np.ndarray:
    """(n, 2) the layout Y turned, mirrored, scaled and moved to lie as close as it can to `target` (the same
    words in the same order): orthogonal Procrustes on the centred layouts, then the best scale.

    >>> Y = np.array([[0., 0.], [1., 0.], [0., 2.]])
    >>> np.allclose(align_to(Y, 3 * Y @ np.array([[0., 1.], [-1., 0.]]) + 5), 3 * Y @ np.array([[0., 1.], [-1., 0.]]) + 5)
    True
    """
    Ym, Tm = Y.mean(axis=0), target.mean(axis=0)                                 # (2,), (2,)
    Z = (Y - Ym) @ projection.procrustes(Y - Ym, target - Tm)                   # (n, 2)
    scale = float(np.sum(Z * (target - Tm)) / max(np.sum(Z * Z), 1e-300))
    return Tm + scale * Z


def snapshot_layout(live: LiveState, snap: Snapshot, matrix: str, sel: slice, view: dict) -> np.ndarray:
    """(n, 2) the shown words of one snapshot in that snapshot's own PCA (its own view: unit, centred, ...),
    kept per snapshot (snapshots never change) for the view and words shown."""
    key = (matrix, sel.start, sel.stop, tuple(sorted(view.items())))
    if live.trail_layouts.get("key") != key:
        live.trail_layouts = {"key": key}
    if snap.step not in live.trail_layouts:
        rows = snapshot_vectors(snap, matrix)[sel]                                # (n, d)
        Xp = projection.fit_view(rows, **view).apply(rows)                        # (n, d)
        live.trail_layouts[snap.step] = projection.pca(Xp, 2, center=False).transform(Xp)
    return live.trail_layouts[snap.step]


def trail_paths(live: LiveState, trail_words: Sequence[str], words: Sequence[str], skip: int, matrix: str,
                coords: np.ndarray, scrub: Optional[Snapshot] = None, view: Optional[dict] = None) -> dict:
    """{word: (t, 2) its positions at the snapshots (up to `scrub`; at most TRAIL_POINTS of them, evenly
    spread, the first and the last always)}; without a scrub the last point is the word's place now (`coords`
    of the frame). words: the words shown, from id `skip`.

    Each snapshot is drawn in its own PCA, aligned (align_to, on all the words shown) to the next one, the
    last to the picture: a chain of small turns, as the live picture itself moves. Old snapshots seen through
    today's axes zig-zagged across the plot (early rows are nearly random in today's directions)."""
    upto = [s for s in live.snapshots if scrub is None or s.step <= scrub.step]
    if len(upto) > TRAIL_POINTS:                        # a readable trail: at most TRAIL_POINTS snapshots, evenly spread
        keep = np.unique(np.linspace(0, len(upto) - 1, TRAIL_POINTS).round().astype(int))
        upto = [upto[k] for k in keep]
    sel = slice(skip, skip + len(words))
    view = dict(VIEW_DEFAULTS if view is None else view)
    placed, following = [], np.asarray(coords, dtype=np.float64)                  # (n, 2) the picture
    for snap in reversed(upto):
        following = align_to(snapshot_layout(live, snap, matrix, sel, view), following)
        placed.append(following)
    placed.reverse()                                                              # oldest first
    trails = {}
    for w in trail_words:
        i = list(words).index(w)                        # row in the picture
        path = np.vstack([p[i:i + 1] for p in placed]) if placed else np.empty((0, 2))     # (t, 2)
        if scrub is None:
            path = np.vstack([path, coords[i:i + 1]])
        trails[w] = path
    return trails


def snapshot_ranges(live: LiveState, sel: slice, matrix: str, pad: float = 0.05) -> list:
    """[(x0, x1), (y0, y1)]: axes that hold the shown words of every snapshot (in today's axes), with a
    margin of `pad` of the spread, so scrubbing keeps one frame and the growth from the centre shows."""
    allc = np.vstack([live.projector.transform(snapshot_vectors(s, matrix)[sel]) for s in live.snapshots])
    lo, hi = allc.min(axis=0), allc.max(axis=0)                                  # (2,), (2,)
    margin = pad * (hi - lo + 1e-9)
    return [(lo[0] - margin[0], hi[0] + margin[0]), (lo[1] - margin[1], hi[1] + margin[1])]
