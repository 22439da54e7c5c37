"""A generated corpus with planted structure, and how well trained vectors recover it.

What it does: writes sentences about known groups of related words ("animal3", "fruit12", ...), so
that the right answer is known: a good model puts each word near the other words of its group. Word
frequencies follow a Zipf law (the r-th most frequent word is seen about 1/r**s as often as the
first) and every group mixes frequent and rare words, so quality on rare and on frequent words can
be scored against the same truth. The size (tokens), the number and size of the groups, the Zipf
exponent and the seed are chosen by the caller. A second generator, syntax_topic_corpus, plants two
truths at once: each content word has a part of speech and a topic, so a model's neighbours can be
scored against either.
What it does not do: train (experiments.py does), or read files.

How a sentence is made: pick a group g with probability proportional to its words' total Zipf
weight; then each of its 6-12 tokens (length uniform) is, with probability `topic_share`, a word of g drawn in
proportion to its weight (with probability `noise` a word of another group instead), else a filler
word ("the", "of", ...). So a word's expected count is proportional to its Zipf weight, and words of
one group share their contexts: the structure Word2Vec learns from.

    >>> c = planted_corpus(n_tokens=2000, n_groups=4, group_size=5, seed=1)
    >>> c.group_of["animal1"]
    'animal'
    >>> sum(len(s) for s in c.sentences) >= 2000
    True
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np

from lessons.measures import group_precision

THEMES = ["animal", "fruit", "colour", "city", "tool", "sport", "planet", "drink", "metal", "tree", "bird",
          "fish", "dance", "cloth", "music", "flower", "job", "car", "game", "river", "stone", "spice",
          "boat", "insect"]


FILLERS = ["the", "a", "of", "and", "to", "in", "is", "was", "with", "for", "on", "at", "by", "it", "this",
           "that", "from", "as", "or", "an", "we", "they", "saw", "said", "very", "some", "there", "here",
           "our", "all"]


@dataclass
class PlantedCorpus:
    """Sentences plus the truth they were generated from."""
    sentences: List[List[str]]
    group_of: Dict[str, str]            # planted word -> its group's name
    groups: Dict[str, List[str]]        # group name -> its words (animal1, animal2, ...)
    zipf_rank: Dict[str, int]           # planted word -> its rank in the Zipf law (1 = most frequent)
    fillers: List[str]
    settings: dict = field(default_factory=dict)

    @property
    def planted_words(self) -> List[str]:
        return sorted(self.group_of, key=self.zipf_rank.get)

    def n_tokens(self) -> int:
        return sum(len(s) for s in self.sentences)

    def prefix(self, fraction: float) -> List[List[str]]:
        """The first `fraction` of the sentences (at least one): the corpus as if we had less text.

        Sentences are independent draws, so a prefix is a smaller corpus from the same distribution.
        """
        if not 0 < fraction <= 1:
            raise ValueError(f"fraction={fraction} is not allowed: fraction must be in (0, 1]")
        n = max(1, int(round(fraction * len(self.sentences))))
        return self.sentences[:n]

    def counts(self, sentences: Optional[Sequence[List[str]]] = None) -> collections.Counter:
        """Token counts of the given sentences (default: the whole corpus)."""
        return collections.Counter(w for s in (self.sentences if sentences is None else sentences) for w in s)

    def chance_precision(self) -> float:
        """Precision@k a random ordering would get: the share of other planted words in the same group."""
        n = len(self.group_of)
        sizes = [len(g) for g in self.groups.values()]
        return float(sum(s * (s - 1) for s in sizes) / (n * (n - 1))) if n > 1 else float("nan")


# The planted corpus the Compare page starts with (its sliders' defaults), which the Hyperparameters page sweeps on.
COMPARE_PLANTED = dict(n_tokens=10_000, n_groups=8, group_size=10, zipf_s=1.1, seed=1)

# The hard set-up of the claims experiments: 400 planted words in 20 groups with a steep Zipf law (the
# rarest words are seen a few times even in 600,000 tokens), 15% of group words from another group, 20%
# from the sibling group, and ten sentences per line. Neither architecture saturates: measured best
# precision@5 at 600,000 tokens is below 0.95 (bench/CLAIMS_RESULTS.md), where the old easy set-up
# (8 groups of 10) scored 1.000 for both from 100,000 tokens on.
HARD = dict(n_groups=20, group_size=20, zipf_s=1.2, noise=0.15, sibling=0.2, per_line=10)


def hard_planted(n_tokens: int, seed: int = 1) -> "PlantedCorpus":
    """The planted corpus of the claims experiments (HARD) with n_tokens tokens."""
    return planted_corpus(n_tokens=n_tokens, seed=seed, **HARD)


def sibling_of(n_groups: int) -> np.ndarray:
    """(n_groups,) the sibling of each group: 0<->1, 2<->3, ...; with an odd number the last group's is 0.

        >>> sibling_of(5).tolist()
        [1, 0, 3, 2, 0]
    """
    return (np.arange(n_groups) ^ 1) % n_groups


def _group_names(n_groups: int) -> List[str]:
    return [THEMES[i] if i < len(THEMES) else f"group{i + 1}" for i in range(n_groups)]


def planted_corpus(n_tokens: int = 20_000, n_groups: int = 8, group_size: int = 10, zipf_s: float = 1.0,
                   topic_share: float = 0.5, noise: float = 0.05, seed: int = 1,
                   min_len: int = 6, max_len: int = 12, sibling: float = 0.0, per_line: int = 1) -> PlantedCorpus:
    """Generate a corpus of about n_tokens tokens with n_groups planted groups of group_size words.

    zipf_s: the Zipf exponent (0 = all planted words equally frequent, 1 = classic Zipf, larger =
    steeper, so the rarest words are seen only a handful of times). Ranks are shuffled across groups
    with the seed, so each group has frequent and rare members.
    sibling: the share of a sentence's group words drawn from its sibling group instead (groups are
    paired: animal with fruit, colour with city, ...), so sibling groups share contexts and are easy
    to confuse (0 = off). per_line: how many consecutive sentences make one line (the trainer's
    windows do not cross a line's end, so with per_line > 1 a window at a sentence boundary sees
    words of another topic, as in running text). HARD (below) is the set-up the claims experiments use.

        >>> planted_corpus(n_tokens=500, n_groups=2, group_size=3).groups["animal"]
        ['animal1', 'animal2', 'animal3']
    """
    checks = [("n_tokens", n_tokens >= 100, "an integer >= 100"),
              ("n_groups", 2 <= n_groups <= 200, "an integer in [2, 200]"),
              ("group_size", 2 <= group_size <= 500, "an integer in [2, 500]"),
              ("zipf_s", 0 <= zipf_s <= 3, "a number in [0, 3]"),
              ("topic_share", 0 < topic_share <= 1, "a number in (0, 1]"),
              ("noise", 0 <= noise < 1, "a number in [0, 1)"),
              ("min_len", 2 <= min_len <= max_len, "an integer in [2, max_len]"),
              ("sibling", 0 <= sibling < 1 and noise + sibling < 1, "a number in [0, 1 - noise)"),
              ("per_line", 1 <= per_line <= 1000, "an integer in [1, 1000]")]
    for name, ok, allowed in checks:
        if not ok:
            value = locals()[name]
            raise ValueError(f"{name}={value!r} is not allowed: {name} must be {allowed}")
    rng = np.random.default_rng(seed)
    names = _group_names(n_groups)
    words = [f"{g}{j + 1}" for g in names for j in range(group_size)]       # group-major order
    group_index = np.repeat(np.arange(n_groups), group_size)                # (N,)
    N = len(words)
    ranks = rng.permutation(N) + 1                                          # (N,) Zipf rank of each word
    weight = 1.0 / ranks.astype(np.float64) ** zipf_s                       # (N,)
    group_weight = np.bincount(group_index, weights=weight)                 # (G,)
    p_group = group_weight / group_weight.sum()                             # (G,)
    in_group = [np.flatnonzero(group_index == g) for g in range(n_groups)]
    p_in_group = [weight[ids] / weight[ids].sum() for ids in in_group]
    filler_w = 1.0 / np.arange(1, len(FILLERS) + 1, dtype=np.float64)       # fillers: Zipf with s = 1
    p_filler = filler_w / filler_w.sum()

    # Draw everything at once (vectorised), then cut the token stream into sentences.
    n_sent = int(n_tokens / ((min_len + max_len) / 2) * 1.2) + 10            # enough sentences, trimmed below
    lengths = rng.integers(min_len, max_len + 1, size=n_sent)               # (S,)
    n_sent = int(np.searchsorted(np.cumsum(lengths), n_tokens) + 1)         # the first sentences reaching n_tokens
    lengths = lengths[:n_sent]
    topic = rng.choice(n_groups, size=n_sent, p=p_group)                    # (S,) the group of each sentence
    T = int(lengths.sum())
    sent_group = np.repeat(topic, lengths)                                  # (T,)
    is_topic = rng.random(T) < topic_share                                  # (T,)
    is_noise = rng.random(T) < noise                                        # (T,)
    shift = rng.integers(1, max(2, n_groups), size=T)                       # (T,) another group, never the same
    src = np.where(is_noise & (n_groups > 1), (sent_group + shift) % n_groups, sent_group)  # (T,)
    if sibling > 0:                                                         # drawn only when asked: the
        u_sib = rng.random(T)                                               # stream of older set-ups is unchanged
        is_sib = ~is_noise & (u_sib < sibling / max(1e-12, 1.0 - noise))    # (T,) overall share = sibling
        src = np.where(is_sib, sibling_of(n_groups)[sent_group], src)
    u = rng.random(T)                                                       # (T,) one uniform per token
    token_ids = np.empty(T, dtype=np.int64)                                 # planted ids >= 0, fillers < 0
    for g in range(n_groups):                                               # inverse-CDF draw inside group g
        mask = is_topic & (src == g)
        cdf = np.cumsum(p_in_group[g])
        pick = np.minimum(np.searchsorted(cdf, u[mask] * cdf[-1], side="right"), len(cdf) - 1)
        token_ids[mask] = in_group[g][pick]
    fcdf = np.cumsum(p_filler)
    fill = ~is_topic
    token_ids[fill] = -1 - np.minimum(np.searchsorted(fcdf, u[fill] * fcdf[-1], side="right"), len(fcdf) - 1)
    names_all = np.array(words + FILLERS[::-1], dtype=object)               # index -1 - f -> FILLERS[f]
    tokens = names_all[np.where(token_ids >= 0, token_ids, len(words) + len(FILLERS) + token_ids)]
    if per_line > 1:                                                        # several sentences per line
        ends = np.cumsum(lengths)[per_line - 1::per_line]
        cuts = ends[ends < T]
    else:
        cuts = np.cumsum(lengths)[:-1]
    sentences: List[List[str]] = [list(s) for s in np.split(tokens, cuts)]

    group_of = {w: names[int(gi)] for w, gi in zip(words, group_index)}
    zipf_rank = {w: int(r) for w, r in zip(words, ranks)}
    groups = {n: [w for w in words if group_of[w] == n] for n in names}
    settings = dict(n_tokens=n_tokens, n_groups=n_groups, group_size=group_size, zipf_s=zipf_s,
                    topic_share=topic_share, noise=noise, seed=seed, min_len=min_len, max_len=max_len,
                    sibling=sibling, per_line=per_line)
    return PlantedCorpus(sentences, group_of, groups, zipf_rank, list(FILLERS), settings)


def neighbour_precision(kv, corpus: PlantedCorpus, k: int = 5, words: Optional[Sequence[str]] = None
                        ) -> Dict[str, float]:
    """For each planted word in the vocabulary: the share of its k nearest planted words in its own group.

    Neighbours are searched among the planted words the vectors know (fillers are not candidates), by
    cosine (lessons.measures.group_precision: k capped at the other known words of its group). Words missing from the vocabulary are left out (see
    coverage). kv: anything with index_to_key, key_to_index and normed() (model.wv, a loaded file).
        >>> # a perfect model scores 1.0 for every word; chance is corpus.chance_precision()
    """
    known = [w for w in corpus.planted_words if w in kv.key_to_index]
    if words is not None:
        wanted = [w for w in words if w in kv.key_to_index and w in corpus.group_of]
    else:
        wanted = known
    if len(known) < 2 or not wanted:
        return {}
    X = np.asarray(kv.normed(), dtype=np.float64)[[kv.key_to_index[w] for w in known]]   # (n, d)
    return group_precision(X, known, corpus.group_of, k, queries=wanted)


def coverage(kv, corpus: PlantedCorpus) -> float:
    """Share of the planted words that are in the vocabulary (rare ones can fall under min_count)."""
    return sum(w in kv.key_to_index for w in corpus.group_of) / len(corpus.group_of)


def frequency_bins(counts: Dict[str, int], words: Sequence[str], n_bins: int = 3) -> List[List[str]]:
    """Split words into n_bins of (nearly) equal size by count, rarest bin first.

        >>> frequency_bins({"a": 1, "b": 5, "c": 9}, ["a", "b", "c"], n_bins=3)
        [['a'], ['b'], ['c']]
    """
    order = sorted(words, key=lambda w: (counts.get(w, 0), w))
    return [list(part) for part in np.array_split(np.array(order, dtype=object), n_bins)]


BIN_NAMES = {2: ["rare", "frequent"], 3: ["rare", "middle", "frequent"],
             4: ["rarest", "rare", "frequent", "most frequent"]}


def quality_by_frequency(kv, corpus: PlantedCorpus, sentences: Optional[Sequence[List[str]]] = None,
                         k: int = 5, n_bins: int = 3) -> List[dict]:
    """Neighbour precision@k on rare versus frequent planted words.

    Words are binned by their count in `sentences` (the text the model was trained on; default the
    whole corpus). Returns one dict per bin, rarest first: bin, min_count, max_count, words, in_vocab,
    precision (mean over the bin's words in the vocabulary; NaN if none).
    """
    counts = corpus.counts(sentences)
    scores = neighbour_precision(kv, corpus, k=k)
    names = BIN_NAMES.get(n_bins, [f"bin {i + 1}" for i in range(n_bins)])
    out = []
    for name, ws in zip(names, frequency_bins(counts, corpus.planted_words, n_bins)):
        vals = [scores[w] for w in ws if w in scores]
        c = [counts.get(w, 0) for w in ws]
        out.append({"bin": name, "min_count": int(min(c)) if c else 0, "max_count": int(max(c)) if c else 0,
                    "words": len(ws), "in_vocab": len(vals),
                    "precision": float(np.mean(vals)) if vals else float("nan")})
    return out


# ---------------------------------------------------------------------------------------------- syntax and topic
PARTS_OF_SPEECH = ("adj", "noun", "verb", "adv")


# The function words around each part of speech: one marker set per part of speech, shared by every topic, so
# the words right next to a content word say its part of speech and never its topic (as "the" before an
# adjective or "will" before a verb do in English).
MARKERS = {"det": ("the", "a", "this", "every"), "rel": ("that", "which"), "aux": ("will", "can", "must", "may"),
           "end": ("today", "again", "now", "here")}


@dataclass
class SyntaxTopicCorpus:
    """Sentences whose content words each have a part of speech and a topic, plus both truths."""
    sentences: List[List[str]]
    pos_of: Dict[str, str]              # content word -> its part of speech ("adj", "noun", "verb", "adv")
    topic_of: Dict[str, str]            # content word -> its topic ("animal", "fruit", ...)
    settings: dict = field(default_factory=dict)

    @property
    def content_words(self) -> List[str]:
        return sorted(self.pos_of)

    def n_tokens(self) -> int:
        return sum(len(s) for s in self.sentences)


def syntax_topic_corpus(n_tokens: int = 15_000, n_topics: int = 4, per_slot: int = 3, noise: float = 0.1,
                        optional: float = 0.3, clauses: tuple = (2, 5), seed: int = 1) -> SyntaxTopicCorpus:
    """A corpus where the words next to a word tell its part of speech and the whole sentence tells its topic.

    Every topic (THEMES: animal, fruit, ...) has per_slot adjectives, nouns, verbs and adverbs, named
    "animal_adj1", "animal_noun2", ... A sentence is about one topic (uniform) and holds 2-5 clauses joined
    by "and"; a clause is `det [adj] noun rel aux verb [adv end]`, e.g. "the animal_adj1 animal_noun2 that
    will animal_verb3 animal_adv1 today", where det, rel, aux and end are function words (MARKERS) shared by
    every topic, and the bracketed slots are left out with probability `optional` (so clauses vary in length
    and a wide window also reaches words of its own part of speech in the next clause). Each content slot
    takes a word of the sentence's topic, or with probability `noise` one of another topic.
    So a window of 1 sees mostly function words, which depend on the part of speech only, and a wide
    window sees the sentence's other content words, which share its topic: the corpus on which Levy &
    Goldberg's (2014) contrast between small and large windows can be measured. Deterministic for its seed.

        >>> c = syntax_topic_corpus(n_tokens=300, seed=2)
        >>> c.pos_of["animal_noun1"], c.topic_of["animal_noun1"]
        ('noun', 'animal')
        >>> c.n_tokens() >= 300 and c == syntax_topic_corpus(n_tokens=300, seed=2)
        True
    """
    checks = [("n_tokens", n_tokens >= 50, "an integer >= 50"),
              ("n_topics", 2 <= n_topics <= len(THEMES), f"an integer in [2, {len(THEMES)}]"),
              ("per_slot", 1 <= per_slot <= 100, "an integer in [1, 100]"),
              ("noise", 0 <= noise < 1, "a number in [0, 1)"),
              ("optional", 0 <= optional < 1, "a number in [0, 1)"),
              ("clauses", 1 <= clauses[0] <= clauses[1], "a pair (low, high) with 1 <= low <= high")]
    for name, ok, allowed in checks:
        if not ok:
            raise ValueError(f"{name}={locals()[name]!r} is not allowed: {name} must be {allowed}")
    rng = np.random.default_rng(seed)
    topics = THEMES[:n_topics]
    words = {(t, p): [f"{t}_{p}{j + 1}" for j in range(per_slot)] for t in topics for p in PARTS_OF_SPEECH}

    def content(topic: int, pos: str) -> str:
        if rng.random() < noise:                                            # a word of another topic
            topic = (topic + int(rng.integers(1, n_topics))) % n_topics
        return words[(topics[topic], pos)][int(rng.integers(per_slot))]

    def marker(kind: str) -> str:
        options = MARKERS[kind]
        return options[int(rng.integers(len(options)))]

    sentences: List[List[str]] = []
    total = 0
    while total < n_tokens:
        topic = int(rng.integers(n_topics))
        sentence: List[str] = []
        for k in range(int(rng.integers(clauses[0], clauses[1] + 1))):
            if k:
                sentence.append("and")
            sentence.append(marker("det"))
            if rng.random() >= optional:
                sentence.append(content(topic, "adj"))
            sentence += [content(topic, "noun"), marker("rel"), marker("aux"), content(topic, "verb")]
            if rng.random() >= optional:
                sentence += [content(topic, "adv"), marker("end")]
        sentences.append(sentence)
        total += len(sentence)
    pos_of = {w: p for (t, p), ws in words.items() for w in ws}
    topic_of = {w: t for (t, p), ws in words.items() for w in ws}
    settings = dict(n_tokens=n_tokens, n_topics=n_topics, per_slot=per_slot, noise=noise, optional=optional,
                    clauses=tuple(clauses), seed=seed)
    return SyntaxTopicCorpus(sentences, pos_of, topic_of, settings)
