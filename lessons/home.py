"""What the Home page computes (lessons.home): centred cosines, and word pairs of a sample corpus to compare.

What it does: `centered_cosines` subtracts the mean vector of the whole vocabulary before the cosine
(on a small corpus every trained vector shares one common direction, which makes every raw cosine high);
`compare_pairs` picks, from a sample corpus's semantic groups, a related pair (same group) and an
unrelated one (different groups); `group_means` averages the similarity within and across the groups;
`default_words` fills the page's word picker. No Streamlit here: plain NumPy, tested directly.
What it does not do: choose pairs by looking at the trained vectors (the pairs come from the groups
file only, so what is shown is not cherry-picked).

    >>> W = np.array([[1.0, 1.0], [1.0, 0.9], [1.0, -1.0]])
    >>> np.round(centered_cosines(W), 2).tolist()      # the mean [1, 0.3] removed: only the 2nd axis is left
    [[1.0, 1.0, -1.0], [1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]]
"""

from __future__ import annotations

from itertools import combinations
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from lessons.measures import cosine_matrix


def centered_cosines(vectors: np.ndarray, rows: Optional[Sequence[int]] = None) -> np.ndarray:
    """Cosines after subtracting the mean of ALL rows of vectors (V, d) from each: (k, k) for `rows` (default all).

    The mean is over the whole vocabulary, not only the rows compared, so adding a word to the comparison
    does not change the others' numbers.
    """
    X = np.asarray(vectors, dtype=np.float64)
    centred = X - X.mean(axis=0, keepdims=True)                          # (V, d)
    return cosine_matrix(centred if rows is None else centred[list(rows)])


def similarity(vectors: np.ndarray, rows: Sequence[int], centred: bool = True) -> np.ndarray:
    """(k, k) centred or raw cosines of the given rows of vectors (V, d)."""
    return centered_cosines(vectors, rows) if centred else cosine_matrix(np.asarray(vectors)[list(rows)])


def _groups_in_vocab(groups: Mapping[str, str], vocab: Mapping[str, int]) -> Dict[str, List[str]]:
    """{group: [words of the group that are in the vocabulary]}, groups and words in the file's order."""
    out: Dict[str, List[str]] = {}
    for w, g in groups.items():
        if w in vocab:
            out.setdefault(g, []).append(w)
    return out


def compare_pairs(groups: Mapping[str, str], vocab: Mapping[str, int]
                  ) -> Optional[Tuple[Tuple[str, str], Tuple[str, str]]]:
    """((a, b), (a, c)): a and b from the first group with two words in the vocabulary, c the last word of the
    last other group (the file lists groups from people to things, so it is the farthest in meaning).
    None when the corpus has no such groups.

    >>> g = {"king": "royal", "queen": "royal", "man": "male", "hat": "thing", "cup": "thing"}
    >>> compare_pairs(g, {w: i for i, w in enumerate(g)})
    (('king', 'queen'), ('king', 'cup'))
    """
    by_group = _groups_in_vocab(groups, vocab)
    first = next((g for g, ws in by_group.items() if len(ws) >= 2), None)
    others = [g for g in by_group if g != first]
    if first is None or not others:
        return None
    a, b = by_group[first][:2]
    return (a, b), (a, by_group[others[-1]][-1])


def default_words(groups: Mapping[str, str], vocab: Mapping[str, int], limit: int = 7) -> List[str]:
    """Words for the page's picker: the related pair, the first word of each other group, the unrelated word.

    >>> g = {"king": "royal", "queen": "royal", "man": "male", "hat": "thing", "cup": "thing"}
    >>> default_words(g, {w: i for i, w in enumerate(g)})
    ['king', 'queen', 'man', 'cup']
    """
    pairs = compare_pairs(groups, vocab)
    if pairs is None:
        return []
    (a, b), (_, c) = pairs
    by_group = _groups_in_vocab(groups, vocab)
    middle = [ws[0] for ws in by_group.values() if ws[0] not in (a, b, c) and c not in ws]
    return ([a, b] + middle[: max(0, limit - 3)] + [c])[:limit]


def group_means(vectors: np.ndarray, vocab: Mapping[str, int], groups: Mapping[str, str],
                centred: bool = True) -> Optional[Tuple[float, float]]:
    """(mean similarity of word pairs within a group, mean across groups) over every grouped word in the
    vocabulary; None with fewer than two groups."""
    by_group = _groups_in_vocab(groups, vocab)
    if len(by_group) < 2:
        return None
    ws = [w for g in by_group.values() for w in g]
    label = {w: g for g, gw in by_group.items() for w in gw}
    S = similarity(vectors, [vocab[w] for w in ws], centred)            # (n, n)
    within, across = [], []
    for i, j in combinations(range(len(ws)), 2):
        (within if label[ws[i]] == label[ws[j]] else across).append(S[i, j])
    if not within or not across:
        return None
    return float(np.mean(within)), float(np.mean(across))
