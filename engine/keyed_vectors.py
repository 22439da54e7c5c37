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

from .config import check_count
from .config import short_repr as _short
from .files import atomic_write, read_bytes
from .word2vec_format import check_savable_words, read_word2vec_bytes  # noqa: F401  (check_savable_words: re-exported)
from .word_lists import pearson, read_analogy_questions, read_pair_rows, spearman  # noqa: F401  (pearson, spearman:
                                                                                   # re-exported)


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
        finite = np.isfinite(vectors).all(axis=1) if len(vectors) else np.ones(0, bool)   # (V,)
        if not finite.all():
            bad = int(np.flatnonzero(~finite)[0])
            raise ValueError(f"the vector of {self.index_to_key[bad]!r} (row {bad}) holds NaN or infinite values: "
                             "a cosine with it is undefined; give finite vectors")
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
        """(V, d) unit-length rows (zero rows stay zero), cached until invalidate() is called.

        Each row is first divided by the power of two nearest below its largest |value| (exact in floating
        point, so ordinary vectors give the very same bits): a row of 1e38s would overflow its norm to inf,
        and one of 1e-20s would fall under any floor on the norm; scaled, both have a direction.
        """
        if self._norm_cache is None:
            v = np.asarray(self.vectors, dtype=np.float32)             # (V, d)
            biggest = np.abs(v).max(axis=1, keepdims=True) if v.size else np.ones((len(v), 1), np.float32)
            _, exponent = np.frexp(biggest)                            # (V, 1) biggest = m * 2**exponent
            scaled = np.ldexp(v, -exponent.astype(np.int32))           # (V, d) max |value| in [0.5, 1)
            scaled[~np.isfinite(scaled)] = 0.0
            norms = np.linalg.norm(scaled, axis=1, keepdims=True)      # (V, 1)
            self._norm_cache = (scaled / np.where(norms > 0, norms, 1.0)).astype(np.float32)  # (V, d)
        return self._norm_cache

    def invalidate(self):
        """Call after changing the vectors in place (training does), so cached unit vectors are rebuilt."""
        self._norm_cache = None

    # ------------------------------------------------------------------ queries
    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words (ValueError for a zero vector: it has no direction, as most_similar says)."""
        n = self.normed()
        i, j = self.index(w1), self.index(w2)
        self._refuse_zero([w1, w2])
        return float(n[i] @ n[j])

    def _as_lists(self, positive, negative):
        """positive and negative as lists of words (one word may be given as a string), or TypeError naming them."""
        return tuple([] if words is None else [words] if isinstance(words, str) else
                     _word_list(name, words, "positive=['king', 'woman'], negative=['man']")
                     for name, words in (("positive", positive), ("negative", negative)))

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
        if norm < 1e-6:                                                    # unit rows: a cancelled sum
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
        """The word furthest from the mean of the others' unit vectors (as gensim: the lowest cosine with the mean
        of all the words' unit vectors). Words must be a list (a string is one word, not a list of letters);
        a zero vector is refused as most_similar refuses it."""
        words = _word_list("words", words, "doesnt_match(['king', 'queen', 'apple'])")
        if len(words) < 2:
            raise ValueError("doesnt_match needs at least two words")
        n = self.normed()
        vecs = n[[self.index(w) for w in words]]                           # (m, d)
        self._refuse_zero(words)
        mean = vecs.mean(axis=0)                                           # (d,)
        mean /= max(np.linalg.norm(mean), 1e-12)
        return words[int(np.argmin(vecs @ mean))]

    # ------------------------------------------------------------------ benchmarks
    def _folded_vocab(self, restrict_vocab, case_insensitive: bool) -> Dict[str, int]:
        """gensim's ok_vocab: {key: id} over the first restrict_vocab words; case_insensitive: keyed by the
        upper-cased word, so 'Paris' in the vocabulary answers 'paris' in a list, and of several case
        variants the first (most frequent) wins: _folded_vocab(None, True) -> {'KING': 0, ...}."""
        keys = self.index_to_key[:_check_restrict(restrict_vocab, len(self))]
        if not case_insensitive:
            return {w: i for i, w in enumerate(keys)}
        folded: Dict[str, int] = {}
        for i, w in enumerate(keys):
            folded.setdefault(w.upper(), i)
        return folded

    def evaluate_word_pairs(self, pairs, delimiter: str = "\t", encoding: str = "utf8", restrict_vocab: int = 300000,
                            case_insensitive: bool = True, dummy4unknown: bool = False):
        """Correlation with human similarity judgements (WordSim-353, SimLex-999), as gensim computes it.

        pairs: a file of 'w1 w2 score' lines ('#' comments; tab-separated, or spaces when a line has no tab; a
        UTF-8 byte-order mark is skipped). case_insensitive: the list's words and the vocabulary's are compared
        upper-cased, the first (most frequent) of a word's case variants answering, as gensim does. Only the first
        restrict_vocab words are searched. Pairs with an unknown word are skipped (dummy4unknown: scored 0).
        Returns gensim's ((pearson, p-value), spearman result (statistic, pvalue), oov percent) from
        scipy.stats.pearsonr / spearmanr; ValueError (naming the file) when no pair can be scored.
        (encoding is gensim's argument, kept for its signature: the lists are read as UTF-8.)
        """
        from scipy import stats

        rows = read_pair_rows(pairs, delimiter, case_insensitive, self._folded_vocab(restrict_vocab, case_insensitive))
        n = self.normed()
        gold, model = [], []
        for _, _, score, i, j in rows:
            if i is not None and j is not None:
                gold.append(score)
                model.append(float(n[i] @ n[j]))        # a zero vector scores 0, as gensim's unitvec gives
            elif dummy4unknown:
                gold.append(score)
                model.append(0.0)
        oov = sum(i is None or j is None for *_, i, j in rows)
        if len(gold) < 2:
            raise ValueError(f"{Path(pairs).name}: {len(gold)} of its {len(rows)} pairs have both words in the "
                             f"vocabulary ({len(self)} words{'' if case_insensitive else ', case-sensitive'}); "
                             "a correlation needs at least 2: use a larger vocabulary or a list of its words")
        oov_percent = 100.0 * oov / (len(gold) if dummy4unknown else len(gold) + oov)
        return stats.pearsonr(gold, model), stats.spearmanr(gold, model), oov_percent

    def word_pair_details(self, path, delimiter: str = "\t", case_insensitive: bool = True,
                          restrict_vocab: int = 300000):
        """[(w1, w2, human score, model cosine or None)] for showing a benchmark in a table: the pairs that
        evaluate_word_pairs reads, matched the same way (words shown lower-cased when case_insensitive)."""
        n = self.normed()
        return [((a.lower(), b.lower()) if case_insensitive else (a, b))
                + (score, float(n[i] @ n[j]) if i is not None and j is not None else None)
                for a, b, score, i, j in read_pair_rows(path, delimiter, case_insensitive,
                                                        self._folded_vocab(restrict_vocab, case_insensitive))]

    def evaluate_word_analogies(self, analogies, restrict_vocab: int = 300000, case_insensitive: bool = True,
                                batch: int = 512):
        """Google analogy accuracy (3CosAdd) on the questions whose four words are among the first restrict_vocab.

        As gensim: case_insensitive compares upper-cased words (a word's first case variant answers), the
        question's three words (in any case) are never the answer, and a question before any ': section' line
        is refused (ValueError naming the line). Returns (accuracy, sections) with sections = [{"section",
        "correct", "incorrect"}] (counts; gensim lists the questions), the last one being "Total accuracy" with
        "skipped" (questions with an unknown word) too; accuracy is NaN when no question could be asked.
        """
        names, results = self._analogy_results(analogies, restrict_vocab, case_insensitive, batch)
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

    def word_analogy_details(self, analogies, restrict_vocab: int = 300000, case_insensitive: bool = True,
                             batch: int = 512) -> List[Tuple[str, str, str, str, str, Optional[bool]]]:
        """[(section, a, b, c, d, answered right: True / False, or None when a word is not in the vocabulary)]
        per question of the file, in its order (words lower-cased when case_insensitive): what
        evaluate_word_analogies counts, question by question (to score several models on the questions they
        all know)."""
        names, results = self._analogy_results(analogies, restrict_vocab, case_insensitive, batch)
        return [(names[sec], *(w.lower() if case_insensitive else w for w in words), correct)
                for sec, words, correct in results]

    def _analogy_results(self, analogies, restrict_vocab, case_insensitive, batch):
        """(section names, [(section index, (a, b, c, d) as written, correct or None when skipped)]): 3CosAdd over
        the normalised vectors, the question's three words (in any case) excluded from the answers."""
        if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1:
            raise ValueError(f"batch={batch!r} is not allowed: batch must be an integer >= 1 (questions scored "
                             "at once)")
        vocab = self._folded_vocab(restrict_vocab, case_insensitive)
        limit = _check_restrict(restrict_vocab, len(self))
        names, read = read_analogy_questions(analogies, vocab, case_insensitive)
        results = [[sec, words, None] for sec, words, _ in read]
        asked = [(place, *ids) for place, (_, _, ids) in enumerate(read) if ids is not None]
        n = self.normed()[:limit]                                         # (L, d)
        canon = np.array([vocab.get(w.upper() if case_insensitive else w, -1)  # (L,) the id answering each word
                          for w in self.index_to_key[:limit]])
        variants = not np.array_equal(canon, np.arange(len(canon)))    # case variants (or words past limit)
        if asked:
            q = np.array(asked)                                           # (Q, 5)
            for s in range(0, len(q), batch):
                part = q[s:s + batch]
                a, b, c, d = part[:, 1], part[:, 2], part[:, 3], part[:, 4]
                target = n[b] - n[a] + n[c]                               # (B, dim)
                target /= np.maximum(np.linalg.norm(target, axis=1, keepdims=True), 1e-12)
                sims = target @ n.T                                       # (B, L)
                for col in (a, b, c):                                     # the question's words, any case
                    if variants:
                        sims[canon[None, :] == col[:, None]] = -np.inf
                    else:
                        sims[np.arange(len(part)), col] = -np.inf
                pred = sims.argmax(axis=1)                                # (B,)
                for place, ok in zip(part[:, 0], canon[pred] == d):
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
        with atomic_write(path, "wb") as f:                # a failure leaves an existing file as it was
            f.write(f"{len(self)} {self.vector_size}\n".encode("utf-8"))
            for i, (word, vec) in enumerate(zip(self.index_to_key, vectors)):
                raw = _word_bytes(i, word)
                if binary:
                    f.write(raw + b" " + vec.tobytes() + b"\n")
                else:
                    f.write(raw + (" " + " ".join(repr(float(x)) for x in vec) + "\n").encode("ascii"))

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
        metadata = "".join(w.replace("\t", " ") + "\n" for w in self.index_to_key)
        for i, w in enumerate(self.index_to_key):
            _word_bytes(i, w)                              # a lone surrogate: named before anything is written
        with atomic_write(vectors_path, "wb") as f:
            np.savetxt(f, np.asarray(self.vectors, dtype=np.float32), delimiter="\t", fmt="%.6g")
        with atomic_write(metadata_path, "w") as f:
            f.write(metadata)


def _word_bytes(i: int, word: str) -> bytes:
    """The word in UTF-8, or ValueError naming it (a lone surrogate such as '\\ud800' has no UTF-8 form)."""
    try:
        return word.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"word {i} ({word!r}) cannot be saved: it holds {word[e.start]!r} at position {e.start}, "
                         "a lone surrogate that UTF-8 cannot encode (text decoded with errors='surrogateescape' "
                         "or from a broken source); replace or remove that character first") from None


def _word_list(name: str, words, example: str) -> List[str]:
    """words (any iterable of strings but a string itself) as a list, or TypeError naming the argument."""
    if not isinstance(words, (str, bytes)):
        try:
            words = list(words)
        except TypeError:
            pass
        else:
            if all(isinstance(w, str) for w in words):
                return words
    hint = ""
    if isinstance(words, str):
        hint = f", not one string (did you mean {words.split()!r}?)" if len(words.split()) > 1 else ", not one string"
    raise TypeError(f"{name}={_short(words)} is not allowed: {name} must be a list of words (strings), e.g. "
                    f"{example}{hint}")


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
    return min(check_count("restrict_vocab", restrict_vocab, 1,
                           "None or an integer >= 1 (search only the most frequent words)"), V)


def load_word2vec_format(path, binary: Optional[bool] = None, max_words: Optional[int] = None) -> KeyedVectors:
    """Read a word2vec text or binary file (binary=None: detect it). ValueError says what is wrong with a bad file."""
    data = read_bytes(path)
    return parse_word2vec_bytes(data, binary=binary, name=Path(path).name, max_words=max_words)


def parse_word2vec_bytes(data: bytes, binary: Optional[bool] = None, name: str = "file",
                         max_words: Optional[int] = None) -> KeyedVectors:
    """Parse word2vec-format bytes (as uploaded) into KeyedVectors; see word2vec_format.read_word2vec_bytes."""
    return KeyedVectors(*read_word2vec_bytes(data, binary=binary, name=name, max_words=max_words))
