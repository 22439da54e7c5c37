"""Interview experiments on the basics: one-hot against dense vectors, how many training examples a
sentence gives, and skip_window / num_skips.

Each function runs the engine on the corpus and returns a dict with the measured answer under "truth"
and the evidence a page shows. What it does not do: draw, know about Streamlit, or cache.
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import numpy as np

from engine.model import Word2Vec
from engine.vocab import Vocabulary
from lessons.interview.setup import Progress, Setup, reference_model, report_progress, vocabulary
from lessons.measures import cosine_matrix
from lessons.windows import epoch_examples, sentence_view


def three_words(setup: Setup, vocab: Vocabulary) -> Tuple[str, str, str]:
    """Two words of one group and one of another (sample corpora), else the three most frequent words."""
    groups = setup.groups or {}
    by_group: Dict[str, List[str]] = {}
    for w in vocab.index_to_key:                                       # most frequent first
        if w in groups:
            by_group.setdefault(groups[w], []).append(w)
    pairs = [g for g, ws in by_group.items() if len(ws) >= 2]
    if pairs and len(by_group) >= 2:
        g = pairs[0]
        other = next(ws[0] for h, ws in by_group.items() if h != g)
        return by_group[g][0], by_group[g][1], other
    words = vocab.index_to_key
    return words[0], words[1 % len(words)], words[2 % len(words)]


# ------------------------------------------------------------------------------------------ question 1
def one_hot_vs_dense(setup: Setup, progress: Progress = None) -> dict:
    """Cosines of three words as one-hot vectors (rows of the V x V identity) and as trained vectors."""
    vocab = vocabulary(setup)
    a, b, c = three_words(setup, vocab)
    ids = [vocab.index(w) for w in (a, b, c)]
    one_hot = np.zeros((3, len(vocab)))                                # (3, V): rows of the V x V identity
    one_hot[np.arange(3), ids] = 1.0
    cos_1h = cosine_matrix(one_hot)
    report_progress(progress, 0.1, "training")
    model = reference_model(setup)
    cos_dense = cosine_matrix(model.W_in[[model.vocab.index(w) for w in (a, b, c)]])
    report_progress(progress, 1.0, "done")
    rows = [{"pair": f"{x} · {y}", "one_hot": float(cos_1h[i, j]), "dense": float(cos_dense[i, j])}
            for (i, x), (j, y) in [((0, a), (1, b)), ((0, a), (2, c)), ((1, b), (2, c))]]
    closer = "yes" if cos_dense[0, 1] > cos_dense[0, 2] else "no"
    return {"words": [a, b, c], "V": len(vocab), "rows": rows, "epochs": model.epochs,
            "truth": {"cos": float(cos_1h[0, 1]), "closer": closer}}


# ------------------------------------------------------------------------------------------ question 2
def pick_sentence(setup: Setup, low: int = 5, high: int = 12) -> Tuple[str, ...]:
    """The corpus's first sentence of low..high words (else its longest, cut to high words)."""
    for s in setup.sentences:
        if low <= len(s) <= high:
            return tuple(s)
    longest = max(setup.sentences, key=len)
    return tuple(longest[:high])


def examples_per_sentence(setup: Setup, window: int = 2) -> dict:
    """Training examples CBOW and skip-gram make from one sentence of the corpus (full windows, no subsampling).

    Both counts come from the example stream of a model built on that sentence alone.
    """
    sentence = list(pick_sentence(setup))
    counts, per_centre = {}, {}
    for arch in ("cbow", "skipgram"):
        m = Word2Vec(architecture=arch, window=window, shrink_windows=False, sample=0.0, vector_size=4)
        m.build_vocab([sentence])
        counts[arch] = epoch_examples(m.replay_stream())
        view = sentence_view(m.replay_stream(), 0)
        per_centre[arch] = [len(w.used) for w in view.windows]
    rows = [{"position": i + 1, "word": w, "context": per_centre["skipgram"][i]}
            for i, w in enumerate(sentence)]
    return {"sentence": sentence, "n": len(sentence), "window": window, "rows": rows,
            "truth": {"cbow": counts["cbow"], "skipgram": counts["skipgram"]}}


# ------------------------------------------------------------------------------------------ question 3
def num_skips_pairs(sentence: Sequence[str], window: int = 2, num_skips: int = 2, seed: int = 1) -> dict:
    """The (centre, context) pairs a skip-gram stream with skip_window=window, num_skips makes from one sentence."""
    sentence = list(sentence)
    m = Word2Vec(num_skips=num_skips, window=window, shrink_windows=False, sample=0.0, vector_size=4, seed=seed)
    m.build_vocab([sentence])
    n = epoch_examples(m.replay_stream())
    view = sentence_view(m.replay_stream(), 0)
    words = m.vocab.index_to_key
    pairs = [{"centre": words[inputs[0]], "context": words[target]} for inputs, target in view.examples]
    return {"sentence": sentence, "n": len(sentence), "window": window, "num_skips": num_skips,
            "pairs": pairs, "chunk_examples": int(m.stream.chunk(0).n_examples), "truth": {"pairs": int(n)}}
