"""Windows and examples of one sentence, read from a model's own example stream (for the Windows page).

What it does: finds the chunk of a stream (Word2Vec.replay_stream: the model's own stream, replayed
from its start, or the stream a model with other window settings would train on) that holds a given
sentence of the first epoch, and reads off, for each kept token of that sentence, its full window,
the reduced radius the stream drew, the positions that became training examples (after num_skips),
and the examples themselves. Nothing is drawn here: the radii, num_skips' picks and negatives are
the ones training uses (the tests compare them with model.stream.chunk(0)).
What it does not do: train, or draw its own random numbers.

    >>> from engine import Word2Vec
    >>> m = Word2Vec(window=1, shrink_windows=False, sample=0).build_vocab([["a", "b", "c"], ["b", "c"]])
    >>> view = sentence_view(m.replay_stream(), 0)
    >>> [w.used for w in view.windows]
    [(1,), (0, 2), (1,)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np


# ---------------------------------------------------------------------------------------------- windows
# The windows and examples of a sentence are the training stream's own (lessons/windows.py reads
# them from model.stream); here only the closed-form counts the Windows page sets beside them.
def example_counts(lengths: Sequence[int], window: int, shrink: bool = True,
                   num_skips: Optional[int] = None) -> Dict[str, float]:
    """How many training examples one epoch holds, for sentences of the given lengths (no subsampling).

    Closed form, no random draw: skipgram_full (pairs with the full window), skipgram_expected (the
    mean over all draws of the reduced radius, each radius 1..window equally likely, as the stream draws
    it when `shrink`) and cbow (centers with at least one context word: every center of a sentence of
    two or more words, whatever radius is drawn).

    >>> example_counts([3], window=1, shrink=False)
    {'skipgram_full': 4, 'skipgram_expected': 4.0, 'cbow': 3}
    """
    full = cbow = 0
    expected = 0.0
    for L in lengths:
        L = int(L)
        if L < 2:
            continue
        pos = np.arange(L)                                                         # (L,)
        left, right = pos, L - 1 - pos                                             # (L,), (L,)
        cbow += L
        nf = np.minimum(left, window) + np.minimum(right, window)                  # (L,) context words
        full += int(np.minimum(nf, num_skips).sum() if num_skips is not None else nf.sum())
        radii = np.arange(1, window + 1) if shrink else np.array([window])        # (R,)
        ne = np.minimum(left[:, None], radii) + np.minimum(right[:, None], radii)  # (L, R)
        if num_skips is not None:
            ne = np.minimum(ne, num_skips)
        expected += float(ne.mean(axis=1).sum())
    return {"skipgram_full": full, "skipgram_expected": expected, "cbow": cbow}


@dataclass(frozen=True)
class CenterWindow:
    """The window around one center of a sentence (positions count the sentence's kept tokens)."""
    center: int                 # position of the center word
    radius: int                 # reduced radius the stream drew for it (= window without shrinking)
    full: Tuple[int, ...]       # positions inside the full window (radius = window), left to right
    reduced: Tuple[int, ...]    # positions inside the reduced window
    used: Tuple[int, ...]       # positions that became training examples (reduced, then num_skips)


@dataclass(frozen=True)
class SentenceView:
    sentence: int                       # index of the sentence in the corpus
    tokens: Tuple[int, ...]             # its kept token ids (after min_count and subsampling)
    windows: List[CenterWindow]         # one per kept token
    examples: List[Tuple[Tuple[int, ...], int]]   # (input ids, target id) in training order
    negatives: List[Tuple[int, ...]]    # the noise words drawn for each example (negative sampling)
    lr: List[float]                     # learning rate of each example
    chunk_seq: int                      # the chunk that holds the sentence


def sentence_view(stream, sentence: int, max_chunks: Optional[int] = None) -> Optional[SentenceView]:
    """The windows and examples of one sentence of the stream's first epoch, or None if it has no kept
    token (every word below min_count or subsampled away) or lies beyond max_chunks chunks."""
    config = stream.config
    seq = 0
    while max_chunks is None or seq < max_chunks:
        chunk = stream.chunk(seq)
        if chunk is None or chunk.epoch > 0:
            return None
        ids = chunk.sentence_ids
        if len(ids) and ids[-1] >= sentence:
            if ids[0] > sentence:
                return None
            break
        if chunk.last_in_epoch:
            return None
        seq += 1
    else:
        return None
    where = np.nonzero(chunk.sentence_ids == sentence)[0]                  # (L,) kept positions in the chunk
    if len(where) == 0:
        return None
    first, L = int(where[0]), len(where)
    window = int(config.window)
    examples_of = {}                                                       # center position -> example ids
    for e in np.nonzero((chunk.center_pos >= first) & (chunk.center_pos < first + L))[0]:
        examples_of.setdefault(int(chunk.center_pos[e]) - first, []).append(int(e))
    windows, examples, negatives, lrs = [], [], [], []
    context_is_target = config.architecture == "skipgram" and config.skipgram_input == "center"
    for i in range(L):
        lo, hi = chunk.window_bounds(first + i)
        reduced = tuple(j - first for j in range(lo, hi) if j != first + i)
        full = tuple(j for j in range(max(0, i - window), min(L, i + window + 1)) if j != i)
        mine = examples_of.get(i, [])
        if config.architecture == "cbow":
            used = reduced if mine else ()
        else:   # match the examples' context words to the reduced window, left to right
            context_ids = [int(chunk.targets[e] if context_is_target else chunk.input_ids[chunk.input_ptr[e]])
                           for e in mine]
            used, k = [], 0
            for j in reduced:
                if k < len(context_ids) and int(chunk.tokens[first + j]) == context_ids[k]:
                    used.append(j)
                    k += 1
            used = tuple(used)
        windows.append(CenterWindow(i, int(chunk.radius[first + i]), full, reduced, used))
        for e in mine:
            examples.append((tuple(int(x) for x in chunk.inputs(e)), int(chunk.targets[e])))
            negatives.append(tuple(int(x) for x in chunk.negatives[e]))
            lrs.append(float(chunk.lr[e]))
    tokens = tuple(int(x) for x in chunk.tokens[first:first + L])
    return SentenceView(sentence, tokens, windows, examples, negatives, lrs, chunk.seq)


def epoch_examples(stream) -> int:
    """How many training examples the stream's first epoch holds (every chunk of it, generated)."""
    total, seq = 0, 0
    while (chunk := stream.chunk(seq)) is not None and chunk.epoch == 0:
        total += chunk.n_examples
        seq += 1
    return total


def clip_windows(windows: List[CenterWindow], start: int, end: int) -> List[CenterWindow]:
    """The windows of the centers in positions start..end-1, renumbered from start, cut to that range.

    For drawing a piece of a long line: positions outside the piece are left out of every window.

    >>> w = [CenterWindow(0, 1, (1,), (1,), (1,)), CenterWindow(1, 1, (0, 2), (0, 2), (0, 2))]
    >>> [x.used for x in clip_windows(w, 1, 3)]
    [(1,)]
    """
    def cut(positions):
        return tuple(j - start for j in positions if start <= j < end)

    return [CenterWindow(w.center - start, w.radius, cut(w.full), cut(w.reduced), cut(w.used))
            for w in windows[start:end]]
