"""THE example stream: sentences -> subsampling -> context windows -> (inputs, target, negatives).

What it does: turns the corpus, one chunk of about `chunk_words` tokens at a time, into a flat list
of training examples, using one seeded np.random.Generator in a fixed order. Both the transparent
step trainer (step.py) and the compiled fast trainer (fast/kernel.py, driven by fast/pipeline.py) consume
exactly these chunks, which is why they end with the same weights for the same seed; the teaching
pages draw their windows, radii and negatives from the same chunks, so what a page shows is what
trains. `StreamCursor` is the one object that walks the stream (the next example, the position
after a slice, whether the planned training is over).
What it does not do: compute anything about the model (scores, losses, gradients).
make_chunk draws every random number itself, in the order below; the loops between the draws live
once, in examples_compiled.py (compiled by numba; the tests check the interpreted twin matches).

Each chunk draws from its own generator, seeded by the stream's key and the chunk's number
(chunk_rng: np.random.default_rng([key0, key1, seq]), NumPy's SeedSequence; the key is drawn once from
the model's seeded generator). So a chunk is the same whichever thread builds it and in whatever order:
reading the corpus is the one sequential part (read(), in order), building a chunk from what was read
(build()) can run in the training threads (fast/pipeline.py), and step() sees exactly the same chunks.

Random draws per chunk, always in this order (a draw is skipped only when its feature is off):
  1. subsampling: one uniform per in-vocabulary token; keep it if u < p_keep(w)   (sample > 0)
  2. dynamic window: one radius per kept token, uniform in 1..window              (shrink_windows)
  3. num_skips: one uniform key per (center, offset); the num_skips smallest valid keys win
                                                                                 (skip-gram, num_skips)
  4. negatives: `negative` ids per example from the alias table of P_n, redrawn while equal to the target
     (at most MAX_REDRAWS rounds; a slot still equal to its target after that is drawn from P_n
     without the target's mass, the same distribution in bounded time)        (negative sampling)
     With ns_batching="shared_negatives" one set per center, drawn against its first example's target
     and given to every example of the center (Ji et al. 2016).

Roles: skip-gram predicts each context word from the center word (inputs = [center],
target = context word), as in the lecture note. word2vec.c and gensim swap the two roles (they
predict the center from each context word's input vector); over a symmetric window both see the
same pairs, in the same order, but the updates differ (ours updates one W_in row 2r times in a
row, theirs 2r different rows). skipgram_input="context" gives word2vec.c's roles. CBOW predicts
the center from the context words (inputs = context, target = center).

    >>> context_pairs([5, 7, 9], window=1)
    [(5, 7), (7, 5), (7, 9), (9, 7)]
"""

from __future__ import annotations

import threading
import weakref
from typing import Iterable, Iterator, List, NamedTuple, Optional

import numpy as np

from . import examples_compiled
from .chunk import Chunk, readonly

MAX_REDRAWS = 8   # rounds of redrawing negatives equal to their target before drawing them exactly
CACHE_TOKENS = 20_000_000   # a corpus of at most this many in-vocabulary tokens is encoded once (80 MB of ids)


def learning_rate(alpha: float, min_alpha: float, progress) -> np.ndarray:
    """Linear decay: alpha at progress 0, min_alpha at progress 1.

    >>> float(learning_rate(0.025, 0.0, 0.5))
    0.0125
    """
    return alpha - (alpha - min_alpha) * np.clip(progress, 0.0, 1.0)


def context_pairs(tokens, window: int):
    """(center, context) skip-gram pairs of one sentence with a fixed radius (no shrinking, no sampling),
    laid out by the stream's own window loop.

    >>> context_pairs([5, 7, 9], window=1)
    [(5, 7), (7, 5), (7, 9), (9, 7)]
    """
    ids = np.asarray(tokens, dtype=np.int32)
    n = len(ids)
    _, targets, _, inputs, _ = examples_compiled.windows(
        ids, np.full(n, window, np.int32), np.zeros(n, np.int32), np.full(n, n, np.int32), int(window),
        np.zeros((1, 1)), -1, np.zeros(n), False)
    return [(int(c), int(t)) for c, t in zip(inputs, targets)]


def make_chunk(sentences: List[np.ndarray], rng: np.random.Generator, config, keep_prob: Optional[np.ndarray],
               noise, *, seq: int, epoch: int, words_before: int, raw_words: int, round_epoch: int,
               round_epochs: int, words_per_epoch: int, last_in_epoch: bool, first_sentence: int = 0,
               loops=examples_compiled.COMPILED) -> Chunk:
    """Build one chunk from encoded sentences (each an int32 array of in-vocabulary ids).

    config: the model's Config (architecture, objective, window, negative, shrink_windows, num_skips,
    alpha, min_alpha, skipgram_input). keep_prob: (V,) or None (no subsampling). noise: a
    vocab.NoiseTable, used when the objective draws negatives. loops: the compiled loops (default) or
    examples_compiled.INTERPRETED, which the tests use to check they build the same chunk.
    first_sentence: the epoch's index of the first of these sentences (Chunk.sentence_ids count from it).
    """
    lengths = np.array([len(x) for x in sentences], dtype=np.int64)                  # (S,)
    ids = (np.concatenate(sentences) if len(sentences) else np.zeros(0)).astype(np.int32)  # (n0,)
    n0 = len(ids)
    # 1. subsampling: one uniform per token
    use_keep = keep_prob is not None
    u = rng.random(n0) if use_keep else np.zeros(0)                                  # (n0,)
    kp = keep_prob if use_keep else np.zeros(1)
    kept, kept_pos, start, end = loops.subsample(ids, lengths, u, kp, use_keep)      # (n,) each
    n = len(kept)
    # 2. dynamic window: one radius per kept token
    window = int(config.window)
    if config.shrink_windows:
        radius = rng.integers(1, window + 1, size=n).astype(np.int32)                # (n,)
    else:
        radius = np.full(n, window, dtype=np.int32)                                  # (n,)
    offset = (epoch - round_epoch) * words_per_epoch + words_before
    lr_token = loops.token_lr(kept_pos, offset, max(1, round_epochs * words_per_epoch),
                              float(config.alpha), float(config.min_alpha))          # (n,)
    # 3. num_skips: one uniform key per (center, offset)
    cbow = config.architecture != "skipgram"
    if not cbow and config.num_skips is not None and n:
        keys, num_skips = rng.random((n, 2 * window)), int(config.num_skips)         # (n, 2*window)
    else:
        keys, num_skips = np.zeros((1, 1)), -1
    center_pos, targets, input_ptr, input_ids, lr = loops.windows(kept, radius, start, end, window, keys,
                                                                  num_skips, lr_token, cbow)
    if not cbow and config.skipgram_input == "context":   # word2vec.c's order: the context word predicts the center
        targets, input_ids = input_ids, targets
    E = len(targets)
    # 4. negatives from the alias table, redrawn (in row-major order) while equal to the target
    if config.objective == "negative_sampling" and getattr(config, "ns_batching", "none") == "shared_negatives" and E:
        first = np.flatnonzero(np.diff(center_pos, prepend=-1))                      # (C,) each center's first example
        shared = draw_negatives(rng, noise, targets[first], int(config.negative), loops)  # (C, k)
        negatives = np.repeat(shared, np.diff(np.append(first, E)), axis=0)          # (E, k) the same for a center
    elif config.objective == "negative_sampling":
        negatives = draw_negatives(rng, noise, targets, int(config.negative), loops)  # (E, k)
    else:
        negatives = np.zeros((E, 0), dtype=np.int32)                                 # (E, 0)
    return Chunk(
        seq=seq, epoch=epoch,
        tokens=readonly(kept), sentence_start=readonly(start), sentence_end=readonly(end),
        radius=readonly(radius), center_pos=readonly(center_pos), targets=readonly(targets),
        input_ptr=readonly(input_ptr), input_ids=readonly(input_ids), negatives=readonly(negatives),
        lr=readonly(lr), words_before=words_before, words=n0, raw_words=raw_words,
        last_in_epoch=last_in_epoch, kept_pos=readonly(kept_pos),
        sentence_ids=readonly((first_sentence + np.searchsorted(np.cumsum(lengths), kept_pos, side="right")
                               ).astype(np.int32)))


def draw_negatives(rng: np.random.Generator, noise, targets: np.ndarray, k: int,
                   loops=examples_compiled.COMPILED) -> np.ndarray:
    """(E, k) int32 noise words, none equal to its example's target (repeats among them allowed).

    Two uniforms per slot (vocab.alias_draw's column and coin); slots equal to their target are drawn
    again, at most MAX_REDRAWS rounds, then from P_n without the target's mass (NoiseTable.draw_excluding).
    """
    E, V = len(targets), len(noise.accept)
    negatives = np.empty((E, k), dtype=np.int32)                                     # (E, k)
    column = rng.integers(0, V, size=(E, k))
    coin = rng.random(size=(E, k))
    again = loops.alias_pick_all(column, coin, noise.accept, noise.alias, targets, negatives)
    flat = negatives.reshape(-1)                                                     # (E*k,) a view
    rounds = 0
    while len(again) and rounds < MAX_REDRAWS:
        before = len(again)
        column = rng.integers(0, V, size=len(again))
        coin = rng.random(size=len(again))
        again = loops.alias_pick(column, coin, noise.accept, noise.alias, targets, flat, again)
        rounds += 1
        if len(again) > 1000 and len(again) > before // 2:   # one word holds most of the mass: redrawing
            break                                             # barely helps, draw the rest exactly
    if len(again):
        flat[again] = noise.draw_excluding(targets[again // max(1, k)], rng)
    return negatives


class RawChunk(NamedTuple):
    """The sentences of one chunk, read and encoded in stream order, not yet turned into examples."""
    seq: int
    epoch: int
    encoded: list            # int32 id arrays, one per sentence
    words: int               # in-vocabulary tokens (pre-subsampling)
    raw_words: int           # all tokens read, out-of-vocabulary ones included
    last_in_epoch: bool
    words_before: int        # in-vocabulary tokens of the epoch before this chunk
    first_sentence: int      # the epoch's index of the first of these sentences
    round_epoch: int         # the train() round this chunk belongs to (its learning-rate schedule)
    round_epochs: int


class ExampleStream:
    """Chunks of training examples, in order, from a re-iterable corpus and one seeded generator.

    chunk(seq) returns chunk number seq: the newest chunk, or one still referenced somewhere (by a
    StreamCursor, an undo record, a page), is returned as it was; the next new chunk is read from the
    corpus and built. The corpus is read in order (read); each chunk's draws come from its own
    generator (chunk_rng), so build() may run in any thread and in any order and the stream is the same
    however it is consumed.
    """

    def __init__(self, sentences: Iterable[List[str]], encode, rng: np.random.Generator, config,
                 keep_prob: Optional[np.ndarray], noise, words_per_epoch: int):
        self.sentences = sentences
        self.encode = encode
        self.key = [int(x) for x in rng.integers(0, 2**63, size=2)]   # seeds every chunk's generator
        self.config = config
        self.keep_prob = keep_prob
        self.noise = noise
        self.words_per_epoch = words_per_epoch
        self.chunk_words = int(config.chunk_words)
        self.planned_epochs = 0          # the stream ends after this many epochs
        self.round_epoch = 0             # first epoch of the current train() round (lr restarts at alpha)
        self.round_epochs = 0
        self._epoch = 0                  # epoch of the next chunk to read
        self._iter: Optional[Iterator] = None
        self._words_before = 0
        self.empty_round: Optional[str] = None   # why the last round planned has no example at all (else None)
        self._next_seq = 0
        self._sentences_before = 0       # sentences of this epoch read into earlier chunks
        self._cache: "weakref.WeakValueDictionary[int, Chunk]" = weakref.WeakValueDictionary()
        self._read: dict = {}            # seq -> RawChunk read but not built yet
        self._epoch_examples: dict = {}  # epoch -> examples in its chunks built so far
        self._lock = threading.Lock()    # build() runs in several threads
        self._newest: Optional[Chunk] = None
        self._pending = None             # a sentence read but not yet used (it overflowed the chunk)
        self._epoch_ids = None           # the encoded corpus (ids, sentence bounds, tokens read) once read

    def plan(self, epochs: int):
        """Start a new round of `epochs` epochs after the ones planned so far (lr restarts at alpha)."""
        self.round_epoch = self.planned_epochs
        self.round_epochs = epochs
        self.planned_epochs += epochs
        self.empty_round = None          # an epoch may come out empty (subsampling); a whole round may not

    @property
    def epochs_begun(self) -> int:
        """How many epochs of the current round have had chunks drawn (the one in progress counts)."""
        return self._epoch - self.round_epoch + (1 if self._iter is not None else 0)

    @property
    def exhausted(self) -> bool:
        """True when every planned epoch has been read."""
        return self._epoch >= self.planned_epochs

    def chunk_rng(self, seq: int) -> np.random.Generator:
        """The generator of chunk seq's draws: the same for the same model seed, whoever builds the chunk."""
        return np.random.default_rng([*self.key, seq])

    def cached(self, seq: int) -> Optional[Chunk]:
        """Chunk seq if it is built and still in memory, else None."""
        return self._cache.get(seq)

    def pending(self, seq: int):
        """Chunk seq as far as it got: the built Chunk if in memory, else the RawChunk read for it (read now
        if it is the next one), or None when the planned epochs are over."""
        cached = self._cache.get(seq)
        if cached is not None:
            return cached
        raw = self._read.get(seq)
        if raw is not None:
            return raw
        if seq != self._next_seq:
            raise RuntimeError(f"chunk {seq} is no longer in memory (next new chunk is {self._next_seq})")
        return self.read()

    def chunk(self, seq: int) -> Optional[Chunk]:
        """Chunk number seq, or None when the planned epochs are over."""
        unit = self.pending(seq)
        if unit is None or isinstance(unit, Chunk):
            return unit
        c = self.build(unit)
        self.note_empty_round(c)
        return c

    def let_go(self, seq: int) -> bool:
        """True when chunk seq was generated and is no longer in memory. A cursor lets go only of chunks it has
        passed; undo() records keep every chunk with examples alive, so one let go after an undo had none."""
        return seq < self._next_seq and self._cache.get(seq) is None and seq not in self._read

    def read(self) -> Optional[RawChunk]:
        """Read and encode the next chunk's sentences (in stream order; the one sequential step), or None
        when the planned epochs are over. The chunk is built later by build(), here or in another thread."""
        if self.exhausted:
            return None
        if self._iter is None:
            self._iter = self._encoded_sentences()
            self._words_before = 0
            self._sentences_before = 0
        encoded, words, raw, last = [], 0, 0, False
        while words < self.chunk_words:
            if self._pending is not None:
                sentence, self._pending = self._pending, None
            else:
                sentence = next(self._iter, None)
            if sentence is None:
                last = True
                break
            ids, n_raw = sentence
            if encoded and words + len(ids) > self.chunk_words and len(ids) > 0:
                self._pending = sentence
                break
            encoded.append(ids)
            words += len(ids)
            raw += n_raw
        if not last:  # peek: is the epoch over right after this chunk?
            nxt = self._pending if self._pending is not None else next(self._iter, None)
            if nxt is None:
                last = True
            else:
                self._pending = nxt
        chunk = RawChunk(seq=self._next_seq, epoch=self._epoch, encoded=encoded, words=words, raw_words=raw,
                         last_in_epoch=last, words_before=self._words_before,
                         first_sentence=self._sentences_before, round_epoch=self.round_epoch,
                         round_epochs=self.round_epochs)
        self._read[chunk.seq] = chunk
        self._next_seq += 1
        self._sentences_before += len(encoded)
        self._words_before += words
        if last:
            self._epoch += 1
            self._iter = None
        return chunk

    def _encoded_sentences(self) -> Iterator:
        """(ids, tokens read) of each sentence of one epoch. The first epoch reads and encodes the corpus
        and, if it has at most CACHE_TOKENS in-vocabulary tokens, keeps the ids (int32, 4 bytes a token)
        so that later epochs neither read nor encode again; a larger corpus is read again every epoch."""
        if self._epoch_ids is not None:
            ids, bounds, raw = self._epoch_ids
            for i in range(len(raw)):
                yield ids[bounds[i]:bounds[i + 1]], int(raw[i])
            return
        kept, tokens = [], 0
        for sentence in self.sentences:
            ids = self.encode(sentence)
            if kept is not None:
                kept.append((ids, len(sentence)))
                tokens += len(ids)
                if tokens > CACHE_TOKENS:
                    kept = None
            yield ids, len(sentence)
        if kept is not None:
            lengths = np.array([len(x) for x, _ in kept], dtype=np.int64)
            self._epoch_ids = (np.concatenate([x for x, _ in kept]).astype(np.int32) if kept else np.zeros(0, np.int32),
                               np.concatenate([[0], np.cumsum(lengths)]),
                               np.array([n for _, n in kept], dtype=np.int64))

    def build(self, raw: RawChunk) -> Chunk:
        """The chunk's examples from what read() returned, with the chunk's own generator (any thread)."""
        c = make_chunk(raw.encoded, self.chunk_rng(raw.seq), self.config, self.keep_prob, self.noise,
                       seq=raw.seq, epoch=raw.epoch, words_before=raw.words_before, raw_words=raw.raw_words,
                       round_epoch=raw.round_epoch, round_epochs=raw.round_epochs,
                       words_per_epoch=self.words_per_epoch, last_in_epoch=raw.last_in_epoch,
                       first_sentence=raw.first_sentence)
        with self._lock:
            self._read.pop(raw.seq, None)
            self._epoch_examples[c.epoch] = self._epoch_examples.get(c.epoch, 0) + c.n_examples
            self._cache[c.seq] = c
            if self._newest is None or c.seq > self._newest.seq:
                self._newest = c         # the newest chunk stays available until a later one is built
        return c

    def note_empty_round(self, chunk: Chunk) -> None:
        """At the round's last chunk (chunks built in stream order, as the cursor builds them): when no epoch of
        the round had a training example, say why in empty_round (step() and train() raise ValueError with it).
        One epoch alone may come out empty (subsampling a tiny corpus): it trains nothing, as in gensim."""
        if not chunk.last_in_epoch or chunk.epoch + 1 < self.planned_epochs:
            return
        if any(self._epoch_examples.get(e, 0) for e in range(self.round_epoch, self.planned_epochs)):
            return
        sample = self.config.sample
        self.empty_round = (
            f"no training examples in all {self.round_epochs} epochs of this round: every sentence has "
            f"fewer than two words left after min_count={self.config.min_count} and subsampling "
            f"(sample={sample:g}"
            + (", which drops most occurrences of every word in a corpus this small" if sample > 0 else "")
            + "). Use "
            + ("sample=0 (no subsampling) or a larger sample, " if sample > 0 else "")
            + "a lower min_count, or a corpus with longer sentences")


class StreamCursor:
    """Where the next training example is: (chunk, index), and the chunks generated ahead of it.

    The one object that walks the example stream, for step(), undo() and train() alike. It keeps the
    chunks it has looked at (peeking ahead, or going back with undo) until the position passes them.
    """

    def __init__(self, stream: ExampleStream):
        self.stream = stream
        self.chunk: Optional[Chunk] = None   # the chunk of the next example (None before the first)
        self.index = 0                       # the next example's index in it
        self._ahead = {}                     # seq -> chunk generated but not reached yet

    def _get(self, seq: int) -> Optional[Chunk]:
        chunk = self._ahead.get(seq)
        if chunk is None:
            chunk = self.stream.chunk(seq)
            if chunk is not None:
                self._ahead[seq] = chunk
        return chunk

    def after(self, chunk: Optional[Chunk], end: int):
        """(chunk, index) of the example after example end-1 of chunk (chunk None: the stream's start),
        stepping over chunks without examples; None when the planned epochs are over."""
        if chunk is not None and end < chunk.n_examples:
            return chunk, end
        seq = 0 if chunk is None else chunk.seq + 1
        while True:
            if seq not in self._ahead and self.stream.let_go(seq):
                seq += 1          # a chunk without examples that undo() came back across: nothing to train in it
                continue
            nxt = self._get(seq)
            if nxt is None:
                return None
            if nxt.n_examples:
                return nxt, 0
            seq += 1

    def next_position(self):
        """(chunk, index) of the next example, or None when the planned epochs are over."""
        if self.chunk is not None and self.index < self.chunk.n_examples:
            return self.chunk, self.index
        return self.after(self.chunk, self.index)

    def move_to(self, chunk: Chunk, index: int) -> None:
        """Make (chunk, index) the next example; chunks before it are let go, a later one is kept."""
        if self.chunk is not None and self.chunk.seq > chunk.seq:   # undo went back a chunk
            self._ahead[self.chunk.seq] = self.chunk
        self.chunk, self.index = chunk, index
        for seq in [q for q in self._ahead if q <= chunk.seq]:
            del self._ahead[seq]

    @property
    def complete(self) -> bool:
        """True when every planned example has been trained (the next one would start a new round)."""
        return self.chunk is not None and self.next_position() is None

    @property
    def held_chunks(self) -> int:
        """How many chunks the cursor keeps alive (the current one and those ahead)."""
        return len(self._ahead) + (self.chunk is not None)
