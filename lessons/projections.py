"""The three projections of the embedding page on the same words, side by side: PCA, t-SNE and UMAP.

What it does: projects one set of word vectors with each method (the page's default view for PCA: unit
length, centred; t-SNE from PCA; UMAP seeded), times each and measures how well each keeps the corpus's
groups apart (engine.projection.separation: k-NN group accuracy in the picture, beside the full space's).
What each preserves (the README and the page say it too): PCA keeps the directions of largest variance,
a linear map, so distances along them are true and far-apart clusters stay far apart; t-SNE keeps who is
near whom (local neighbourhoods), not distances between clusters or their sizes; UMAP keeps
neighbourhoods too and more of the arrangement between clusters than t-SNE (McInnes et al. 2018),
though the distances between clusters are still not to be read literally.
What it does not do: draw, know about Streamlit, or cache (the page keeps the result per session).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np

from engine import projection

METHODS = ("PCA", "t-SNE", "UMAP")


@dataclass(frozen=True)
class Projected:
    method: str
    coords: np.ndarray                              # (m, 2)
    seconds: float
    separation: Optional[projection.Separation]    # None when the words have fewer than 2 groups


def compare_projections(X: np.ndarray, groups: Sequence[Optional[str]], seed: int = 0, perplexity: float = 15.0,
                        n_neighbors: int = 15, min_dist: float = 0.1, k: int = 5) -> List[Projected]:
    """PCA, t-SNE and UMAP of the rows of X (m, d) with each one's seconds and k-NN group accuracy
    (groups: each row's group or None). t-SNE's perplexity and UMAP's n_neighbors are cut to fit m."""
    X = np.asarray(X, dtype=np.float64)                                            # (m, d)
    m = len(X)
    out = []
    t0 = time.perf_counter()
    coords = projection.StablePCA("fresh", centered=True, unit=True).project(X)    # (m, 2) the page's default view
    out.append(("PCA", coords, time.perf_counter() - t0))
    t0 = time.perf_counter()
    coords = projection.tsne(X, seed=seed, perplexity=min(float(perplexity), max(1.0, (m - 1) / 3)), init="pca")
    out.append(("t-SNE", coords, time.perf_counter() - t0))
    t0 = time.perf_counter()
    coords = projection.umap(X, seed=seed, n_neighbors=min(int(n_neighbors), m - 1), min_dist=min_dist)
    out.append(("UMAP", coords, time.perf_counter() - t0))
    return [Projected(name, c, s, projection.separation(c, X, groups, k=k)) for name, c, s in out]
