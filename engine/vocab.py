"""The vocabulary: word counts, ids by frequency, subsampling keep probabilities, the noise distribution.

What it does: one pass over the sentences counts every word; words below min_count are dropped; ids
are given by descending count (ties: the word seen first gets the smaller id). From the counts come
the subsampling keep probability of each word and the negative-sampling noise distribution with its
alias table (constant-time sampling).
What it does not do: read files (corpus.py) or build the Huffman tree (huffman.py).

    >>> v = Vocabulary.build([["a", "b", "a"], ["c", "a", "b"]])
    >>> v.index_to_key, v.counts.tolist()
    (['a', 'b', 'c'], [3, 2, 1])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from typing import Dict, Iterable, List, Optional

import numpy as np


class CorpusTypeError(TypeError, ValueError):
    """The corpus is not an iterable of token lists (None, an int, a string, a token that is not a string):
    a TypeError, and a ValueError like every other bad corpus, so `except ValueError` catches both."""


def _short(value, limit: int = 40) -> str:
    """repr(value), cut to about `limit` characters: _short("x" * 100) -> "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (102 characters)"."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 10]}… ({len(text):,} characters)"


def check_corpus(sentences) -> None:
    """Raise CorpusTypeError unless `sentences` can be a corpus: an iterable (not one string) of token lists.

    >>> check_corpus(None)
    Traceback (most recent call last):
    ...
    engine.vocab.CorpusTypeError: sentences=None is not a corpus: give an iterable of token lists, e.g. [['the', 'cat', 'sat'], ['a', 'dog']], or engine.read_corpus(path)
    """
    hint = "give an iterable of token lists, e.g. [['the', 'cat', 'sat'], ['a', 'dog']], or engine.read_corpus(path)"
    if isinstance(sentences, (str, bytes)):
        raise CorpusTypeError(f"sentences={_short(sentences)} is one string, not a corpus: {hint} "
                              "(engine.tokenize(line) splits a line into tokens)")
    try:
        iter(sentences)
    except TypeError:
        raise CorpusTypeError(f"sentences={_short(sentences)} is not a corpus: {hint}") from None


def _sentence_error(i: int, sentence) -> CorpusTypeError:
    """Why sentence i could not be counted: it is not a list of tokens, or one token is unhashable."""
    try:
        tokens = list(sentence)
    except TypeError:
        return CorpusTypeError(f"sentences[{i}] is {_short(sentence)} ({type(sentence).__name__}), not a list of tokens: "
                               "each sentence must be a list of strings")
    for j, w in enumerate(tokens):
        if not isinstance(w, str):
            return CorpusTypeError(f"sentences[{i}][{j}] is {_short(w)} ({type(w).__name__}): tokens must be "
                                   "strings (str)")
    return CorpusTypeError(f"sentences[{i}] is {type(sentence).__name__} without a length (a one-shot iterator?): "
                           "each sentence must be a list of strings")


def _token_error(sentences, bad) -> CorpusTypeError:
    """The error for a token that is not a string or is empty, naming where it first occurs (when the
    corpus can be read again)."""
    what = ("the empty string '': a word needs at least one character" if bad == "" else
            f"{_short(bad)} ({type(bad).__name__}): tokens must be strings (str)")
    if iter(sentences) is not sentences:                    # a list, a tuple or a Corpus: find the place
        for i, sentence in enumerate(sentences):
            for j, w in enumerate(sentence):
                if w is bad or (type(w) is type(bad) and w == bad):
                    return CorpusTypeError(f"sentences[{i}][{j}] is {what}")
    return CorpusTypeError(f"a token of the corpus is {what}")


@dataclass
class Vocabulary:
    index_to_key: List[str]                 # id -> word, most frequent first
    counts: np.ndarray                      # (V,) int64 count of each word in the corpus
    total_words: int                        # every token read, including words below min_count
    dropped_words: int = 0                  # distinct words removed by min_count / max_vocab_size
    dropped_tokens: int = 0                 # their occurrences
    key_to_index: Dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        if not self.key_to_index:
            self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}

    # ------------------------------------------------------------------ building
    @classmethod
    def build(cls, sentences: Iterable[List[str]], min_count: int = 1,
              max_vocab_size: Optional[int] = None) -> "Vocabulary":
        """Count words and keep those seen at least min_count times (and the max_vocab_size most frequent).

        Raises ValueError for an empty corpus, or one whose every word is below min_count, and
        CorpusTypeError (a TypeError and a ValueError) naming the sentence and token index for a
        corpus that is not an iterable of lists of non-empty strings (None, 5, "one string", [["a", 3]]).
        """
        check_corpus(sentences)
        raw: Dict[str, int] = {}
        total = 0
        for i, sentence in enumerate(sentences):
            if isinstance(sentence, (str, bytes)):
                raise CorpusTypeError(f"sentences[{i}] is {_short(sentence)}, one string: sentences must be lists of "
                                      "tokens, not strings: use engine.tokenize(line) or engine.read_corpus(path)")
            try:
                for w in sentence:
                    raw[w] = raw.get(w, 0) + 1  # dicts keep insertion order: first-seen order breaks ties
                total += len(sentence)
            except TypeError:
                raise _sentence_error(i, sentence) from None
        bad = [w for w in raw if not isinstance(w, str) or not w]   # distinct words only: cheap
        if bad:
            raise _token_error(sentences, bad[0])
        if total == 0:
            raise ValueError("the corpus is empty: no tokens were found")
        words = list(raw)
        counts = np.fromiter((raw[w] for w in words), dtype=np.int64, count=len(words))  # (n_types,)
        order = np.argsort(-counts, kind="stable")  # descending count, ties in first-seen order
        keep = order[counts[order] >= min_count]
        if max_vocab_size is not None:
            keep = keep[:max_vocab_size]
        if len(keep) == 0:
            raise ValueError(
                f"every word is below min_count={min_count}: all {len(words)} distinct words "
                f"({total} tokens) were dropped; the most frequent word appears {int(counts.max())} "
                f"times, so try min_count <= {int(counts.max())}")
        kept_counts = counts[keep]
        return cls(index_to_key=[words[i] for i in keep], counts=kept_counts, total_words=total,
                   dropped_words=len(words) - len(keep),
                   dropped_tokens=int(total - kept_counts.sum()))

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word) -> bool:
        return word in self.key_to_index

    def index(self, word: str) -> int:
        """The id of word; KeyError naming the word if it is not in the vocabulary."""
        try:
            return self.key_to_index[word]
        except KeyError:
            raise KeyError(f"word {word!r} is not in the vocabulary ({len(self)} words)") from None

    @property
    def retained_words(self) -> int:
        """T: tokens of words in the vocabulary (the total that subsampling frequencies refer to)."""
        return int(self.counts.sum())

    def encode(self, sentence: List[str]) -> np.ndarray:
        """Ids of the words in the vocabulary, others skipped: encode(['a', 'zzz', 'b']) -> [0, 1]"""
        ids = np.fromiter(map(self.key_to_index.get, sentence, repeat(-1)), dtype=np.int32,
                          count=len(sentence))                      # (n,) -1 for a word not in the vocabulary
        return ids if ids.size == 0 or ids.min() >= 0 else ids[ids >= 0]

    # ------------------------------------------------------------------ subsampling
    def keep_probabilities(self, sample: float) -> np.ndarray:
        """p_keep(w) = (sqrt(f(w)/(s*T)) + 1) * (s*T)/f(w), capped at 1; all ones when sample == 0.

        f(w) is the word's count and T the number of tokens in the vocabulary (word2vec.c, gensim).
        A word at frequency f/T = s is kept with probability (1 + 1) * 1 -> capped at 1; at 100 s,
        with (10 + 1)/100 = 0.11.
        """
        if sample <= 0:
            return np.ones(len(self), dtype=np.float64)
        threshold = sample * self.retained_words                      # s*T
        f = self.counts.astype(np.float64)                            # (V,)
        return np.minimum((np.sqrt(f / threshold) + 1.0) * threshold / f, 1.0)  # (V,)

    # ------------------------------------------------------------------ noise distribution
    def noise_distribution(self, ns_exponent: float = 0.75) -> np.ndarray:
        """P_n(w) = count(w)**ns_exponent / sum_v count(v)**ns_exponent (float64, sums to 1)."""
        weights = self.counts.astype(np.float64) ** ns_exponent       # (V,)
        return weights / weights.sum()                                # (V,)


def alias_table(p: np.ndarray):
    """Walker/Vose alias table for drawing from a discrete distribution p in O(1) per draw.

    Returns (accept (V,) float64, alias (V,) int32). To draw: pick a column i uniformly, then keep i
    with probability accept[i], else take alias[i]. Each column holds the mass of at most two words,
    so P(w) = (accept[w] + sum of (1 - accept[i]) over columns i whose alias is w) / V = p[w] exactly.

    alias_table(np.array([0.5, 0.5])) -> (array([1., 1.]), array([0, 1]))
    """
    p = np.asarray(p, dtype=np.float64)
    n = len(p)
    scaled = p * n / p.sum()                                          # (V,) mean 1
    accept = np.ones(n, dtype=np.float64)                             # (V,)
    alias = np.arange(n, dtype=np.int32)                              # (V,)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, l = small.pop(), large.pop()
        accept[s] = scaled[s]
        alias[s] = l
        scaled[l] -= 1.0 - scaled[s]
        (small if scaled[l] < 1.0 else large).append(l)
    return accept, alias


def alias_draw(accept: np.ndarray, alias: np.ndarray, rng: np.random.Generator, size) -> np.ndarray:
    """Draw `size` ids from an alias table with rng: two uniform draws per id, O(1) each."""
    n = len(accept)
    column = rng.integers(0, n, size=size)                            # size
    coin = rng.random(size=size)                                      # size
    return np.where(coin < accept[column], column, alias[column]).astype(np.int32)


@dataclass(frozen=True)
class NoiseTable:
    """The noise distribution P_n ready for drawing: its alias table (O(1) draws) and its cumulative sum
    (for the rare draw that must avoid a word holding almost all of the mass, see draw_excluding)."""
    probs: np.ndarray    # (V,) float64 P_n(w)
    accept: np.ndarray   # (V,) float64 alias-table thresholds
    alias: np.ndarray    # (V,) int32 alias-table partners
    cdf: np.ndarray      # (V,) float64 cumulative P_n

    @classmethod
    def from_probs(cls, probs: np.ndarray) -> "NoiseTable":
        probs = np.asarray(probs, dtype=np.float64)
        accept, alias = alias_table(probs)
        return cls(probs=probs, accept=accept, alias=alias, cdf=np.cumsum(probs))

    def draw_excluding(self, targets: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One id per target from P_n conditioned on id != target: one uniform per draw, O(log V).

        The same distribution as drawing again until the id differs from the target, but bounded in
        time even when the target holds almost all of the noise mass (one word 100,000 times).

        >>> table = NoiseTable.from_probs(np.array([0.999999, 0.000001, 0.0]))
        >>> table.draw_excluding(np.array([0, 0]), np.random.default_rng(0)).tolist()
        [1, 1]
        """
        targets = np.asarray(targets, dtype=np.int64)
        V = len(self.probs)
        u = rng.random(len(targets))                                  # (m,)
        p_t = self.probs[targets]                                     # (m,)
        rest = 1.0 - p_t                                              # (m,) mass of the other words
        x = u * rest
        below = self.cdf[targets] - p_t                               # (m,) mass before the target
        x = np.where(x < below, x, x + p_t)                           # skip over the target's share
        out = np.minimum(np.searchsorted(self.cdf, x, side="right"), V - 1)
        # float rounding, or no mass left outside the target: take a uniform other word instead
        bad = (out == targets) | (rest <= 0) | (self.probs[out] <= 0)
        if bad.any():
            shift = (u[bad] * (V - 1)).astype(np.int64) + 1          # 1..V-1
            out[bad] = (targets[bad] + np.minimum(shift, V - 1)) % V
        return out.astype(np.int32)
