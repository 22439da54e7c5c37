"""A chunk of the example stream: the training examples made from about `chunk_words` tokens.

What it does: holds, read-only, what examples.make_chunk produced for one piece of the corpus: the
kept tokens with their sentence bounds and reduced window radii, and the examples (inputs, target,
negatives, learning rate) laid out flat so both trainers can walk them.
What it does not do: make the random draws (examples.py) or train (step.py, fast/kernel.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def readonly(a: np.ndarray) -> np.ndarray:
    """The same array, marked read-only (a frozen dataclass does not freeze its arrays)."""
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Chunk:
    """One chunk of the example stream. Arrays are read-only.

    Tokens are the kept (post-subsampling) ids of the chunk's sentences, concatenated; examples point
    into them. Example e has inputs input_ids[input_ptr[e]:input_ptr[e+1]], target targets[e],
    center tokens[center_pos[e]] and learning rate lr[e].
    """
    seq: int                     # chunk number in the whole stream (0, 1, 2, ... across epochs)
    epoch: int                   # epoch this chunk belongs to
    tokens: np.ndarray           # (n,) int32 kept token ids
    sentence_start: np.ndarray   # (n,) int32 position of the first token of each token's sentence
    sentence_end: np.ndarray     # (n,) int32 one past the last token of its sentence
    radius: np.ndarray           # (n,) int32 reduced window radius of each token as center
    center_pos: np.ndarray       # (E,) int32 position in tokens of each example's center
    targets: np.ndarray          # (E,) int32 id predicted by each example
    input_ptr: np.ndarray        # (E+1,) int64 CSR offsets into input_ids
    input_ids: np.ndarray        # (sum n_in,) int32 ids whose W_in rows make h
    negatives: np.ndarray        # (E, k) int32 noise words (negative sampling), else (E, 0)
    lr: np.ndarray               # (E,) float64 learning rate of each example
    words_before: int            # in-vocabulary tokens of this epoch before the chunk (pre-subsampling)
    words: int                   # in-vocabulary tokens in the chunk (pre-subsampling)
    raw_words: int               # all tokens read for the chunk, out-of-vocabulary ones included
    last_in_epoch: bool          # True for the epoch's final chunk
    kept_pos: np.ndarray = None  # (n,) int64 position of each kept token before subsampling (in the chunk)
    sentence_ids: np.ndarray = None  # (n,) int32 sentence of each kept token, counted from the epoch's first

    @property
    def n_examples(self) -> int:
        return len(self.targets)

    def batch_end(self, e: int) -> int:
        """One past the last example with example e's center (examples are laid out center by center): with
        ns_batching="shared_negatives" the examples e..batch_end(e)-1 are one update."""
        return int(np.searchsorted(self.center_pos, self.center_pos[e], side="right"))

    def inputs(self, e: int) -> np.ndarray:
        return self.input_ids[self.input_ptr[e]:self.input_ptr[e + 1]]

    def window_bounds(self, i: int):
        """[lo, hi): the reduced window around kept token i, clipped to its sentence (i itself inside)."""
        r = int(self.radius[i])
        return max(int(self.sentence_start[i]), i - r), min(int(self.sentence_end[i]), i + r + 1)

    def context(self, e: int) -> np.ndarray:
        """Ids in the (reduced) window around example e's center, left to right."""
        i = int(self.center_pos[e])
        lo, hi = self.window_bounds(i)
        return np.concatenate([self.tokens[lo:i], self.tokens[i + 1:hi]])
