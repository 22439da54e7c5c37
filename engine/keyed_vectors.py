"""Trained vectors and what one does with them: neighbours, analogies, benchmarks, word2vec-format files.

What it does: cosine queries (most_similar with 3CosAdd, most_similar_cosmul with 3CosMul,
doesnt_match, similarity), the word-pair benchmark in gensim's file format (WordSim-353,
SimLex-999) and the Google analogy set, and saving / loading word2vec text and binary files that
gensim's KeyedVectors.load_word2vec_format reads.
What it does not do: training (model.py).

    >>> kv = KeyedVectors(["a", "b"], np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> kv.similarity("a", "b")
    0.0
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .word2vec_format import check_savable_words, read_word2vec_bytes  # noqa: F401  (check_savable_words: re-exported)


def _rank(x: np.ndarray) -> np.ndarray:
    """Ranks with ties averaged (as scipy.stats.rankdata): _rank([10, 20, 20]) -> [1, 2.5, 2.5]"""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return sums[inverse] / counts[inverse]


def pearson(x, y) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    x, y = x - x.mean(), y - y.mean()
    denom = np.sqrt((x * x).sum() * (y * y).sum())
    return float((x * y).sum() / denom) if denom > 0 else float("nan")


def spearman(x, y) -> float:
    """Spearman's rho = Pearson correlation of the ranks: spearman([1, 2, 3], [1, 4, 9]) -> 1.0"""
    return pearson(_rank(x), _rank(y))


class KeyedVectors:
    """Words and their vectors (float32), with cosine queries. Built by Word2Vec or load_word2vec_format."""

    def __init__(self, index_to_key: List[str], vectors: np.ndarray, counts: Optional[np.ndarray] = None):
        self.index_to_key = list(index_to_key)
        self.key_to_index: Dict[str, int] = {w: i for i, w in enumerate(self.index_to_key)}
        shape = getattr(vectors, "shape", None)
        if shape is None or len(shape) != 2 or shape[0] != len(self.index_to_key):
            raise ValueError(f"vectors of shape {shape} do not fit {len(self.index_to_key)} words: expected "
                             f"({len(self.index_to_key)}, d)")
        if len(self.key_to_index) != len(self.index_to_key):
            seen: set = set()
            twice = next(w for w in self.index_to_key if w in seen or seen.add(w))
            raise ValueError(f"the word {twice!r} is listed twice: each word needs exactly one vector")
        self.vectors = vectors                                         # (V, d)
        self.counts = counts
        self._norm_cache = None

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word) -> bool:
        return word in self.key_to_index

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self.index(word)]

    @property
    def vector_size(self) -> int:
        return int(self.vectors.shape[1])

    def index(self, word: str) -> int:
        try:
            return self.key_to_index[word]
        except KeyError:
            raise KeyError(f"word {word!r} is not in the vocabulary ({len(self)} words)") from None

    def normed(self) -> np.ndarray:
        """(V, d) unit-length rows (zero rows stay zero), cached until invalidate() is called."""
        if self._norm_cache is None:
            v = self.vectors                                           # (V, d)
            norms = np.linalg.norm(v, axis=1, keepdims=True)           # (V, 1)
            self._norm_cache = (v / np.maximum(norms, 1e-12)).astype(np.float32)  # (V, d)
        return self._norm_cache

    def invalidate(self):
        """Call after changing the vectors in place (training does), so cached unit vectors are rebuilt."""
        self._norm_cache = None

    # ------------------------------------------------------------------ queries
    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words."""
        n = self.normed()
        return float(n[self.index(w1)] @ n[self.index(w2)])

    def _as_lists(self, positive, negative):
        if isinstance(positive, str):
            positive = [positive]
        if isinstance(negative, str):
            negative = [negative]
        return list(positive or []), list(negative or [])

    def most_similar(self, positive=None, negative=None, topn: int = 10,
                     restrict_vocab: Optional[int] = None) -> List[Tuple[str, float]]:
        """Words nearest by cosine to mean(unit(positive)) - mean(unit(negative)) (3CosAdd), query words excluded.

        most_similar("king") -> [("queen", 0.81), ...];  most_similar(positive=["king", "woman"], negative=["man"])
        """
        topn = _check_topn(topn)
        limit = _check_restrict(restrict_vocab, len(self))
        positive, negative = self._as_lists(positive, negative)
        if not positive and not negative:
            raise ValueError("most_similar needs at least one word in positive or negative")
        n = self.normed()
        ids = [self.index(w) for w in positive + negative]
        self._refuse_zero(positive + negative)
        weights = np.array([1.0] * len(positive) + [-1.0] * len(negative))  # (q,)
        query = (weights[:, None] * n[ids]).mean(axis=0)                   # (d,)
        norm = np.linalg.norm(query)
        if norm < 1e-6:
            raise ValueError(f"the query vector is zero (positive={positive}, negative={negative} cancel out): "
                             "no word is nearer to it than another")
        sims = n[:limit] @ (query / norm)                                  # (limit,)
        return self._top(sims, set(ids), topn)

    def most_similar_cosmul(self, positive=None, negative=None, topn: int = 10) -> List[Tuple[str, float]]:
        """3CosMul (Levy & Goldberg 2014): prod (1+cos(w,p))/2 / (prod (1+cos(w,n))/2 + 1e-6), query words excluded."""
        topn = _check_topn(topn)
        positive, negative = self._as_lists(positive, negative)
        if not positive:
            raise ValueError("most_similar_cosmul needs at least one positive word")
        n = self.normed()
        for w in positive + negative:
            self.index(w)                                                  # KeyError naming an unknown word
        self._refuse_zero(positive + negative)
        pos = [(1 + n @ n[self.index(w)]) / 2 for w in positive]           # each (V,)
        neg = [(1 + n @ n[self.index(w)]) / 2 for w in negative]
        score = np.prod(pos, axis=0) / (np.prod(neg, axis=0) + 1e-6) if neg else np.prod(pos, axis=0)
        return self._top(score, {self.index(w) for w in positive + negative}, topn)

    def _refuse_zero(self, words) -> None:
        """ValueError naming the first word whose vector is zero: its cosine with any word is undefined."""
        for w in words:
            if not np.any(self.vectors[self.index(w)]):
                raise ValueError(f"the vector of {w!r} is zero (all {self.vector_size} numbers are 0): it has no "
                                 "direction, so no word is nearer to it than another")

    def _top(self, sims: np.ndarray, exclude: set, topn: int) -> List[Tuple[str, float]]:
        sims = np.asarray(sims, dtype=np.float64).copy()
        for i in exclude:
            if i < len(sims):
                sims[i] = -np.inf
        k = min(topn, len(sims) - len([i for i in exclude if i < len(sims)]))
        if k <= 0:
            return []
        best = np.argpartition(-sims, k - 1)[:k]
        best = best[np.argsort(-sims[best], kind="stable")]
        return [(self.index_to_key[i], float(sims[i])) for i in best]

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word furthest from the mean of the others' unit vectors."""
        words = list(words)
        if len(words) < 2:
            raise ValueError("doesnt_match needs at least two words")
        n = self.normed()
        vecs = n[[self.index(w) for w in words]]                           # (m, d)
        mean = vecs.mean(axis=0)
        mean /= max(np.linalg.norm(mean), 1e-12)
        return words[int(np.argmin(vecs @ mean))]

    # ------------------------------------------------------------------ benchmarks
    def evaluate_word_pairs(self, path, delimiter: str = "\t", case_insensitive: bool = True
                            ) -> Tuple[float, float, float]:
        """Correlation with human similarity judgements, gensim's file format ('#' comments, w1 w2 score).

        Returns (pearson, spearman, oov_ratio): correlations over the pairs whose two words are both in
        the vocabulary, and the fraction of pairs skipped (gensim reports that as a percentage).
        """
        pairs, gold, oov = self._read_pairs(path, delimiter, case_insensitive)
        if not pairs:
            return float("nan"), float("nan"), 1.0
        model = [self.similarity(a, b) for a, b in pairs]
        return pearson(gold, model), spearman(gold, model), oov / (oov + len(pairs))

    def _read_pairs(self, path, delimiter, case_insensitive):
        pairs, gold, oov = [], [], 0
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split(delimiter) if delimiter in line else line.split()
            if len(parts) < 3:
                continue
            a, b = parts[0], parts[1]
            if case_insensitive:
                a, b = a.lower(), b.lower()
            try:
                score = float(parts[2])
            except ValueError:
                continue  # a header line
            if a in self.key_to_index and b in self.key_to_index:
                pairs.append((a, b))
                gold.append(score)
            else:
                oov += 1
        return pairs, gold, oov

    def word_pair_details(self, path, delimiter: str = "\t"):
        """[(w1, w2, human score, model cosine or None)] for showing a benchmark in a table."""
        out = []
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split(delimiter) if delimiter in line else line.split()
            try:
                score = float(parts[2])
            except (ValueError, IndexError):
                continue
            a, b = parts[0].lower(), parts[1].lower()
            sim = self.similarity(a, b) if a in self and b in self else None
            out.append((a, b, score, sim))
        return out

    def evaluate_word_analogies(self, path, restrict_vocab: Optional[int] = None, case_insensitive: bool = True,
                                batch: int = 512):
        """Google analogy accuracy (3CosAdd) on the questions whose four words are in the vocabulary.

        Returns (accuracy, sections) with sections = [{"section", "correct", "incorrect"}], the last
        one being "Total accuracy", like gensim. The question's three words are excluded from answers.
        """
        names, results = self._analogy_results(path, restrict_vocab, case_insensitive, batch)
        sections = [{"section": name, "correct": 0, "incorrect": 0} for name in names]
        skipped = 0
        for sec, _, correct in results:
            if correct is None:
                skipped += 1
            else:
                sections[sec]["correct" if correct else "incorrect"] += 1
        correct = sum(s["correct"] for s in sections)
        total = correct + sum(s["incorrect"] for s in sections)
        sections.append({"section": "Total accuracy", "correct": correct, "incorrect": total - correct,
                         "skipped": skipped})
        return (correct / total if total else float("nan")), sections

    def word_analogy_details(self, path, restrict_vocab: Optional[int] = None, case_insensitive: bool = True,
                             batch: int = 512) -> List[Tuple[str, str, str, str, str, Optional[bool]]]:
        """[(section, a, b, c, d, answered right: True / False, or None when a word is not in the vocabulary)]
        per question of the file, in its order: what evaluate_word_analogies counts, question by question (to
        score several models on the questions they all know)."""
        names, results = self._analogy_results(path, restrict_vocab, case_insensitive, batch)
        return [(names[sec], *words, correct) for sec, words, correct in results]

    def _analogy_results(self, path, restrict_vocab, case_insensitive, batch):
        """(section names, [(section index, (a, b, c, d), correct or None when skipped)]): 3CosAdd over the
        normalised vectors, the question's three words excluded from the answers."""
        limit = _check_restrict(restrict_vocab, len(self))
        vocab = {w: i for w, i in self.key_to_index.items() if i < limit}
        names: List[str] = []
        results: List[list] = []
        asked: List[Tuple[int, int, int, int, int]] = []        # (place in results, a, b, c, d ids)
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith(":"):
                names.append(line[1:].strip())
                continue
            words = line.lower().split() if case_insensitive else line.split()
            if len(words) != 4 or not names:
                continue
            ids = [vocab.get(w) for w in words]
            if all(i is not None for i in ids):
                asked.append((len(results), *ids))
            results.append([len(names) - 1, tuple(words), None])
        n = self.normed()[:limit]                                         # (L, d)
        if asked:
            q = np.array(asked)                                           # (Q, 5)
            for s in range(0, len(q), batch):
                part = q[s:s + batch]
                a, b, c, d = part[:, 1], part[:, 2], part[:, 3], part[:, 4]
                target = n[b] - n[a] + n[c]                               # (B, dim)
                target /= np.maximum(np.linalg.norm(target, axis=1, keepdims=True), 1e-12)
                sims = target @ n.T                                       # (B, L)
                rows = np.arange(len(part))
                for col in (a, b, c):
                    sims[rows, col] = -np.inf
                pred = sims.argmax(axis=1)                                # (B,)
                for place, ok in zip(part[:, 0], pred == d):
                    results[place][2] = bool(ok)
        return names, [tuple(r) for r in results]

    # ------------------------------------------------------------------ files
    def save_word2vec_format(self, path, binary: bool = False) -> None:
        """word2vec.c's format: a header 'V d', then per line the word and its d numbers (or float32 bytes).

        Raises ValueError naming the first word the format cannot hold (nothing is written then): an empty
        word, or one with whitespace (a space ends the word, a newline the line), so that every file
        written here reads back with the same words (here and in gensim). Replace such characters first,
        e.g. "new york" -> "new_york", as word2phrase and gensim's Phrases do.
        """
        check_savable_words(self.index_to_key)
        vectors = np.asarray(self.vectors, dtype=np.float32)
        with open(path, "wb") as f:
            f.write(f"{len(self)} {self.vector_size}\n".encode("utf-8"))
            for word, vec in zip(self.index_to_key, vectors):
                if binary:
                    f.write(word.encode("utf-8") + b" " + vec.tobytes() + b"\n")
                else:
                    f.write((word + " " + " ".join(repr(float(x)) for x in vec) + "\n").encode("utf-8"))

    def save_projector_tsv(self, vectors_path, metadata_path) -> None:
        """The TensorFlow Embedding Projector's two files: vectors.tsv (numbers) and metadata.tsv (words).

        A tab inside a word is written as a space (a tab would start a second column); a word with a line
        break, or an empty word, raises ValueError naming it (one line per word keeps the rows aligned).
        """
        for i, w in enumerate(self.index_to_key):
            if not isinstance(w, str) or not w or w.splitlines() != [w]:
                raise ValueError(f"word {i} ({w!r}) cannot be a line of metadata.tsv: "
                                 + ("it is empty" if w == "" else "it holds a line break" if isinstance(w, str)
                                    else "words must be strings"))
        np.savetxt(vectors_path, np.asarray(self.vectors, dtype=np.float32), delimiter="\t", fmt="%.6g")
        with open(metadata_path, "w", encoding="utf-8") as f:
            for w in self.index_to_key:
                f.write(w.replace("\t", " ") + "\n")


def _check_topn(topn) -> int:
    """topn as an int >= 0, or TypeError / ValueError naming it: _check_topn(3.0) -> 3."""
    if isinstance(topn, bool) or not isinstance(topn, (int, float, np.integer, np.floating)) or (
            isinstance(topn, (float, np.floating)) and not float(topn).is_integer()):
        raise TypeError(f"topn={topn!r} is not allowed: topn must be an integer >= 0 (how many words to return)")
    if topn < 0:
        raise ValueError(f"topn={topn!r} is not allowed: topn must be an integer >= 0 (how many words to return)")
    return int(topn)


def _check_restrict(restrict_vocab, V: int) -> int:
    """How many of the most frequent words to search: restrict_vocab (None = all V), checked."""
    if restrict_vocab is None:
        return V
    if isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, (int, np.integer)):
        raise TypeError(f"restrict_vocab={restrict_vocab!r} is not allowed: restrict_vocab must be None or an "
                        "integer >= 1 (search only the most frequent words)")
    if restrict_vocab < 1:
        raise ValueError(f"restrict_vocab={restrict_vocab!r} is not allowed: restrict_vocab must be None or an "
                         "integer >= 1 (search only the most frequent words)")
    return min(int(restrict_vocab), V)


def load_word2vec_format(path, binary: Optional[bool] = None, max_words: Optional[int] = None) -> KeyedVectors:
    """Read a word2vec text or binary file (binary=None: detect it). ValueError says what is wrong with a bad file."""
    data = Path(path).read_bytes()
    return parse_word2vec_bytes(data, binary=binary, name=Path(path).name, max_words=max_words)


def parse_word2vec_bytes(data: bytes, binary: Optional[bool] = None, name: str = "file",
                         max_words: Optional[int] = None) -> KeyedVectors:
    """Parse word2vec-format bytes (as uploaded) into KeyedVectors; see word2vec_format.read_word2vec_bytes."""
    return KeyedVectors(*read_word2vec_bytes(data, binary=binary, name=name, max_words=max_words))
