"""Colour by meaning: which group each word of the embedding picture is in, and the colour of each group.

What it does: finds the groups of the words drawn (a sample corpus ships them in
sample_corpora/<name>.groups.tsv; a planted corpus knows its own; an upload or a real corpus has none,
so its words are coloured by frequency band instead) and gives every group a fixed colour, so the
picture does not recolour when the word sliders move.
What it does not do: place labels or build the chart (ui/charts/embedding.py does), or call Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

import engine
from ui.i18n import catalogue, current_language, t

# colours of the groups (dark enough for text on white), then the grey of words without a group
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#e6730e", "#8c564b", "#d6479f", "#138d90",
           "#7f7f00", "#393b79", "#637939", "#843c39", "#7b4173", "#3182bd", "#31a354", "#756bb1",
           "#e6550d", "#636363", "#bd9e39", "#ad494a", "#a55194", "#6b6ecf", "#8ca252", "#ce6dbd"]
NO_GROUP_COLOUR = "#a8a8a8"
BAND_COLOURS = ["#08519c", "#4292c6", "#9ecae1"]          # frequent, middle, rare


# ---------------------------------------------------------------- which group each word is in
@lru_cache(maxsize=None)
def _sample_groups(name: str) -> Tuple[Tuple[str, str], ...]:
    return tuple(engine.sample_groups(name).items())          # the files do not change while the app runs


def corpus_groups(name: Optional[str], planted=None) -> Dict[str, str]:
    """{word: group} for the corpus the model was trained on: a sample corpus's groups file, a
    PlantedCorpus's planted groups (pass it as `planted`), else {} (uploads and real corpora).

        >>> corpus_groups("royalty")["king"], corpus_groups("uploaded file")
        ('royal', {})
    """
    if planted is not None:
        return dict(planted.group_of)
    if name in engine.sample_corpora():
        return dict(_sample_groups(name))
    return {}


def group_label(name: str, lang: Optional[str] = None) -> str:
    """A group's name as shown: translated when the catalogue knows it ('royal' -> '王室'), else as is."""
    key = f"embedding.group.{name}"
    return t(key, lang) if key in catalogue("en") else name


def frequency_bands(counts: Optional[Sequence[float]], n_bands: int = 3) -> Optional[np.ndarray]:
    """(n,) band of each word by count among the words given: 0 = most frequent third ... n_bands - 1
    = rarest (ties share a band by rank order). None without counts.

        >>> frequency_bands([50, 40, 30, 3, 2, 1]).tolist()
        [0, 0, 1, 1, 2, 2]
    """
    if counts is None:
        return None
    c = np.asarray(counts, dtype=np.float64)
    if len(c) == 0:
        return np.zeros(0, dtype=np.int64)
    rank = np.empty(len(c), dtype=np.int64)
    rank[np.argsort(-c, kind="stable")] = np.arange(len(c))
    return (rank * n_bands // len(c)).astype(np.int64)


@dataclass(frozen=True)
class Colouring:
    """What colours the points: each word's category (its group's name as shown, a frequency band, or
    'no group'), the legend's categories in order with their colours, and which words have a group."""
    kind: str                      # "groups" | "bands" | "none"
    category: List[str]            # (n,) shown name of each word's category
    group: List[Optional[str]]     # (n,) the word's group (the file's name) or None
    domain: List[str]              # legend order
    colours: List[str]             # colour of each domain entry
    title: str                     # legend title


def colouring(words: Sequence[str], groups: Dict[str, str], counts=None, lang: Optional[str] = None) -> Colouring:
    """Colour by group when the corpus has groups, else by frequency band (needs counts), else one grey.

    Every group of the corpus keeps its colour whichever words are shown (colours follow the groups'
    order in the file), so the picture does not recolour when the word sliders move.

        >>> c = colouring(["the", "king", "queen"], {"king": "royal", "queen": "royal", "man": "male"}, lang="en")
        >>> c.kind, c.category, c.domain[-1]
        ('groups', ['no group', 'royal', 'royal'], 'no group')
    """
    lang = lang or current_language()
    none = t("embedding.no_group", lang)
    if groups:
        names = list(dict.fromkeys(groups.values()))                     # file order, each once
        shown = {g: group_label(g, lang) for g in names}
        group = [groups.get(w) for w in words]
        category = [shown[g] if g is not None else none for g in group]
        domain = [shown[g] for g in names] + [none]
        colours = [PALETTE[i % len(PALETTE)] for i in range(len(names))] + [NO_GROUP_COLOUR]
        return Colouring("groups", category, group, domain, colours, t("embedding.legend_groups", lang))
    bands = frequency_bands(counts)
    if bands is None:
        return Colouring("none", [none] * len(words), [None] * len(words), [none], [NO_GROUP_COLOUR],
                         t("embedding.legend_groups", lang))
    names = [t("embedding.band_frequent", lang), t("embedding.band_middle", lang), t("embedding.band_rare", lang)]
    return Colouring("bands", [names[b] for b in bands], [None] * len(words), names, list(BAND_COLOURS),
                     t("embedding.legend_bands", lang))
