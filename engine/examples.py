"""THE example stream: sentences -> subsampling -> context windows -> (inputs, target, negatives).

What it does: turns the corpus, one chunk of about `chunk_words` tokens at a time, into a flat list
of training examples, using one seeded np.random.Generator in a fixed order. Both the transparent
step trainer (step.py) and the compiled fast trainer (fast.py) consume exactly these chunks, which is
why they end with the same weights for the same seed.
What it does not do: compute anything about the model (scores, losses, gradients).
make_chunk below is the readable definition of a chunk; ExampleStream uses its compiled twin,
fast.make_chunk_fast, which makes the same draws and returns the same Chunk bit for bit (tested).

Random draws per chunk, always in this order (a draw is skipped only when its feature is off):
  1. subsampling: one uniform per in-vocabulary token; keep it if u < p_keep(w)   (sample > 0)
  2. dynamic window: one radius per kept token, uniform in 1..window              (shrink_windows)
  3. num_skips: one uniform key per (centre, offset); the num_skips smallest valid keys win
                                                                                 (skip-gram, num_skips)
  4. negatives: `negative` ids per example from the alias table of P_n, redrawn while equal to the target
                                                                                 (negative sampling)

Roles: skip-gram predicts each context word from the centre word (inputs = [centre],
target = context word), as in the lecture note. word2vec.c and gensim swap the two roles (they
predict the centre from each context word's input vector); over a symmetric window both see the
same pairs, in the same order, but the updates differ (ours updates one W_in row 2r times in a
row, theirs 2r different rows). skipgram_input="context" gives word2vec.c's roles. CBOW predicts
the centre from the context words (inputs = context, target = centre).

    >>> context_pairs([5, 7, 9], window=1)
    [(5, 7), (7, 5), (7, 9), (9, 7)]
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Optional

import numpy as np

from .vocab import alias_draw


def context_pairs(tokens, window: int):
    """(centre, context) skip-gram pairs of one sentence with a fixed radius (no shrinking, no sampling).

    context_pairs([5, 7, 9], window=1) -> [(5, 7), (7, 5), (7, 9), (9, 7)]
    """
    pairs = []
    for i, centre in enumerate(tokens):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if j != i:
                pairs.append((centre, tokens[j]))
    return pairs


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Chunk:
    """One chunk of the example stream. Arrays are read-only.

    Tokens are the kept (post-subsampling) ids of the chunk's sentences, concatenated; examples point
    into them. Example e has inputs input_ids[input_ptr[e]:input_ptr[e+1]], target targets[e],
    centre tokens[center_pos[e]] and learning rate lr[e].
    """
    seq: int                     # chunk number in the whole stream (0, 1, 2, ... across epochs)
    epoch: int                   # epoch this chunk belongs to
    tokens: np.ndarray           # (n,) int32 kept token ids
    sentence_start: np.ndarray   # (n,) int32 position of the first token of each token's sentence
    sentence_end: np.ndarray     # (n,) int32 one past the last token of its sentence
    radius: np.ndarray           # (n,) int32 reduced window radius of each token as centre
    center_pos: np.ndarray       # (E,) int32 position in tokens of each example's centre
    targets: np.ndarray          # (E,) int32 id predicted by each example
    input_ptr: np.ndarray        # (E+1,) int64 CSR offsets into input_ids
    input_ids: np.ndarray        # (sum n_in,) int32 ids whose W_in rows make h
    negatives: np.ndarray        # (E, k) int32 noise words (negative sampling), else (E, 0)
    lr: np.ndarray               # (E,) float64 learning rate of each example
    words_before: int            # in-vocabulary tokens of this epoch before the chunk (pre-subsampling)
    words: int                   # in-vocabulary tokens in the chunk (pre-subsampling)
    raw_words: int               # all tokens read for the chunk, out-of-vocabulary ones included
    last_in_epoch: bool          # True for the epoch's final chunk

    @property
    def n_examples(self) -> int:
        return len(self.targets)

    def inputs(self, e: int) -> np.ndarray:
        return self.input_ids[self.input_ptr[e]:self.input_ptr[e + 1]]

    def context(self, e: int) -> np.ndarray:
        """Ids in the (reduced) window around example e's centre, left to right."""
        i = int(self.center_pos[e])
        r = int(self.radius[i])
        lo, hi = max(int(self.sentence_start[i]), i - r), min(int(self.sentence_end[i]), i + r + 1)
        return np.concatenate([self.tokens[lo:i], self.tokens[i + 1:hi]])


@dataclass(frozen=True)
class StreamSettings:
    architecture: str
    objective: str
    window: int
    negative: int
    shrink_windows: bool
    num_skips: Optional[int]
    alpha: float
    min_alpha: float
    skipgram_input: str = "center"   # skip-gram: "center" -> inputs [centre], target context; "context": swapped


def learning_rate(alpha: float, min_alpha: float, progress) -> np.ndarray:
    """Linear decay: alpha at progress 0, min_alpha at progress 1.

    learning_rate(0.025, 0.0, 0.5) -> 0.0125
    """
    return alpha - (alpha - min_alpha) * np.clip(progress, 0.0, 1.0)


def make_chunk(sentences: List[np.ndarray], rng: np.random.Generator, s: StreamSettings,
               keep_prob: np.ndarray, noise_accept: np.ndarray, noise_alias: np.ndarray, *,
               seq: int, epoch: int, words_before: int, raw_words: int, round_epoch: int,
               round_epochs: int, words_per_epoch: int, last_in_epoch: bool) -> Chunk:
    """Build one chunk from encoded sentences (each an int32 array of in-vocabulary ids)."""
    lengths = np.array([len(x) for x in sentences], dtype=np.int64)                  # (S,)
    ids = (np.concatenate(sentences) if len(sentences) else np.zeros(0)).astype(np.int32)  # (n0,)
    n0 = len(ids)
    sent_of = np.repeat(np.arange(len(sentences)), lengths)                          # (n0,)
    pos0 = np.arange(n0)                                                             # (n0,) pre-subsampling position

    # 1. subsampling
    if keep_prob is not None:
        keep = rng.random(n0) < keep_prob[ids]                                       # (n0,)
        ids, sent_of, pos0 = ids[keep], sent_of[keep], pos0[keep]
    n = len(ids)
    start = np.searchsorted(sent_of, sent_of, side="left").astype(np.int32)          # (n,)
    end = np.searchsorted(sent_of, sent_of, side="right").astype(np.int32)           # (n,)

    # 2. dynamic window
    W = s.window
    if s.shrink_windows:
        radius = rng.integers(1, W + 1, size=n).astype(np.int32)                     # (n,)
    else:
        radius = np.full(n, W, dtype=np.int32)                                       # (n,)

    # candidate context positions, offsets -W..-1, 1..W (left to right)
    offsets = np.concatenate([np.arange(-W, 0), np.arange(1, W + 1)])                # (2W,)
    cand = np.arange(n)[:, None] + offsets[None, :]                                  # (n, 2W)
    valid = ((np.abs(offsets)[None, :] <= radius[:, None])
             & (cand >= start[:, None]) & (cand < end[:, None]))                     # (n, 2W)

    # learning rate of each centre, from its position in the planned training
    done = (epoch - round_epoch) * words_per_epoch + words_before + pos0             # (n,)
    lr_token = learning_rate(s.alpha, s.min_alpha, done / max(1, round_epochs * words_per_epoch))  # (n,)

    if s.architecture == "skipgram":
        # 3. num_skips: keep this many of the valid context words, chosen at random
        if s.num_skips is not None and n:
            keys = rng.random(valid.shape)                                           # (n, 2W)
            keys[~valid] = np.inf
            rank = np.argsort(np.argsort(keys, axis=1, kind="stable"), axis=1, kind="stable")  # (n, 2W)
            valid &= rank < s.num_skips
        centre_idx, col = np.nonzero(valid)                                          # (E,), (E,) row-major
        center_pos = centre_idx.astype(np.int32)                                     # (E,)
        targets = ids[cand[centre_idx, col]]                                         # (E,) the context word
        input_ids = ids[centre_idx].astype(np.int32)                                 # (E,) the centre word
        input_ptr = np.arange(len(targets) + 1, dtype=np.int64)                      # (E+1,)
        if s.skipgram_input == "context":    # word2vec.c's order: the context word predicts the centre
            targets, input_ids = input_ids, targets.astype(np.int32)
    else:  # cbow
        has_context = valid.any(axis=1)                                              # (n,)
        center_pos = np.nonzero(has_context)[0].astype(np.int32)                     # (E,)
        targets = ids[center_pos]                                                    # (E,) the centre word
        v = valid[center_pos]                                                        # (E, 2W)
        input_ids = ids[cand[center_pos][v]].astype(np.int32)                        # (sum n_in,)
        input_ptr = np.concatenate([[0], np.cumsum(v.sum(axis=1))]).astype(np.int64)  # (E+1,)
    targets = targets.astype(np.int32)
    E = len(targets)

    # 4. negatives, never equal to the target (repeats among them allowed)
    if s.objective == "negative_sampling":
        negatives = alias_draw(noise_accept, noise_alias, rng, (E, s.negative))      # (E, k)
        clash = negatives == targets[:, None]                                        # (E, k)
        while clash.any():
            negatives[clash] = alias_draw(noise_accept, noise_alias, rng, int(clash.sum()))
            clash = negatives == targets[:, None]
    else:
        negatives = np.zeros((E, 0), dtype=np.int32)                                 # (E, 0)

    return Chunk(
        seq=seq, epoch=epoch,
        tokens=_readonly(ids), sentence_start=_readonly(start), sentence_end=_readonly(end),
        radius=_readonly(radius), center_pos=_readonly(center_pos), targets=_readonly(targets),
        input_ptr=_readonly(input_ptr), input_ids=_readonly(input_ids),
        negatives=_readonly(np.ascontiguousarray(negatives, dtype=np.int32)),
        lr=_readonly(np.ascontiguousarray(lr_token[center_pos], dtype=np.float64)),
        words_before=words_before, words=n0, raw_words=raw_words, last_in_epoch=last_in_epoch)


def _chunk_builder():
    """make_chunk, or its compiled twin fast.make_chunk_fast (same draws, same Chunk) when numba is there."""
    from . import fast  # imported here: fast.py imports this module
    return fast.make_chunk_fast if fast.HAVE_NUMBA else make_chunk


class ExampleStream:
    """Chunks of training examples, in order, from a re-iterable corpus and one seeded generator.

    chunk(seq) returns chunk number seq: a chunk still in memory (for example one that undo went back
    to) is returned as it was; the next new chunk is generated from the corpus and the generator.
    Chunks are only generated in order, so the stream is the same however it is consumed.
    """

    def __init__(self, sentences: Iterable[List[str]], encode, rng: np.random.Generator,
                 settings: StreamSettings, keep_prob, noise_accept, noise_alias,
                 words_per_epoch: int, chunk_words: int):
        self.sentences = sentences
        self.encode = encode
        self.rng = rng
        self.settings = settings
        self.keep_prob = keep_prob
        self.noise_accept = noise_accept
        self.noise_alias = noise_alias
        self.words_per_epoch = words_per_epoch
        self.chunk_words = chunk_words
        self.planned_epochs = 0          # the stream ends after this many epochs
        self.round_epoch = 0             # first epoch of the current train() round (lr restarts at alpha)
        self.round_epochs = 0
        self._epoch = 0                  # epoch of the next chunk to generate
        self._iter: Optional[Iterator] = None
        self._words_before = 0
        self._examples_in_epoch = 0
        self._next_seq = 0
        self._cache: "weakref.WeakValueDictionary[int, Chunk]" = weakref.WeakValueDictionary()
        self._pending = None             # a sentence read but not yet used (it overflowed the chunk)

    def plan(self, epochs: int):
        """Start a new round of `epochs` epochs after the ones planned so far (lr restarts at alpha)."""
        self.round_epoch = self.planned_epochs
        self.round_epochs = epochs
        self.planned_epochs += epochs

    @property
    def exhausted(self) -> bool:
        return self._epoch >= self.planned_epochs

    def chunk(self, seq: int) -> Optional[Chunk]:
        """Chunk number seq, or None when the planned epochs are over."""
        cached = self._cache.get(seq)
        if cached is not None:
            return cached
        if seq != self._next_seq:
            raise RuntimeError(f"chunk {seq} is no longer in memory (next new chunk is {self._next_seq})")
        return self._generate()

    def _generate(self) -> Optional[Chunk]:
        if self.exhausted:
            return None
        if self._iter is None:
            self._iter = iter(self.sentences)
            self._words_before = 0
            self._examples_in_epoch = 0
        encoded, words, raw, last = [], 0, 0, False
        while words < self.chunk_words:
            if self._pending is not None:
                sentence, self._pending = self._pending, None
            else:
                sentence = next(self._iter, None)
            if sentence is None:
                last = True
                break
            ids = self.encode(sentence)
            if encoded and words + len(ids) > self.chunk_words and len(ids) > 0:
                self._pending = sentence
                break
            encoded.append(ids)
            words += len(ids)
            raw += len(sentence)
        if not last:  # peek: is the epoch over right after this chunk?
            nxt = self._pending if self._pending is not None else next(self._iter, None)
            if nxt is None:
                last = True
            else:
                self._pending = nxt
        s = self.settings
        c = _chunk_builder()(encoded, self.rng, s, self.keep_prob, self.noise_accept, self.noise_alias,
                       seq=self._next_seq, epoch=self._epoch, words_before=self._words_before,
                       raw_words=raw, round_epoch=self.round_epoch, round_epochs=self.round_epochs,
                       words_per_epoch=self.words_per_epoch, last_in_epoch=last)
        self._next_seq += 1
        self._words_before += words
        self._examples_in_epoch += c.n_examples
        if last:
            if self._examples_in_epoch == 0:
                raise ValueError(
                    "this epoch produced no training examples: every sentence has fewer than two "
                    "words left after min_count and subsampling. Use a corpus with longer sentences, "
                    "a lower min_count, or a smaller sample")
            self._epoch += 1
            self._iter = None
        self._cache[c.seq] = c
        self._last_generated = c  # keep the newest chunk alive
        return c
