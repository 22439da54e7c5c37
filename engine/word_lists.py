"""Benchmark lists (word pairs with human scores, Google analogy questions): reading them, and the correlations.

What it does: read_list_lines decodes a list file (UTF-8 with or without a byte-order mark, UTF-16/32 with one,
GBK, Big5: engine.encoding) and names a file that is missing or not text; read_pair_rows and
read_analogy_questions turn its lines into pairs / questions matched against a vocabulary, saying what is
wrong with a file that holds none (two columns, the score first, a NaN score, no section line); pearson and
spearman are NumPy's own (scipy-free) correlations the lessons use.
What it does not do: score anything (KeyedVectors.evaluate_word_pairs / evaluate_word_analogies do).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from .config import short_repr as _short
from .encoding import decode_text
from .files import read_bytes


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


def read_list_lines(path):
    """[(line number, line)] of a benchmark list (pairs or analogies): UTF-8 with or without a byte-order mark
    (also UTF-16/32 with one, GBK, Big5: engine.encoding); ValueError naming the file when it is not text."""
    data = read_bytes(path)
    if not data:
        return []
    text, _ = decode_text(data, Path(path).name)
    return [(n, line.rstrip("\r")) for n, line in enumerate(text.split("\n"), start=1)]


def _pairs_format_problem(first_bad) -> str:
    """Why a list's lines are not 'w1 w2 score' pairs, from its first line that is not one, and the fix."""
    fix = "each line should be two words and a score, e.g. 'king<TAB>queen<TAB>8.5'"
    if first_bad is None:
        return f"it has no lines besides comments; {fix}"
    n, parts = first_bad
    if len(parts) < 3:
        return f"line {n} has {len(parts)} column{'s' if len(parts) != 1 else ''} ({_short(parts)}); {fix}"
    if _is_number(parts[0]) or _is_number(parts[1]):
        return (f"line {n} ({_short(parts[:3])}) has the score before the words: the columns are in the wrong "
                f"order; {fix}")
    return f"line {n} ({_short(parts[:3])}) has no number as its third value; {fix}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_pair_rows(path, delimiter: str, case_insensitive: bool, vocab: Dict[str, int]):
    """[(w1, w2, score, id1 or None, id2 or None)] for every 'w1 w2 score' line of a word-pair list; ids from
    vocab ({key: id}, keys upper-cased when case_insensitive: KeyedVectors._folded_vocab).

    Lines starting with '#' and lines whose third value is not a number (a header) are skipped, as gensim
    skips them. ValueError names the file and line when a score is NaN or infinite, and, when no line at
    all is a pair, what the lines are instead (two columns, the score first, ...) and the fix.
    """
    if not isinstance(delimiter, str) or not delimiter:
        raise TypeError(f"delimiter={delimiter!r} is not allowed: delimiter must be a non-empty string such as "
                        "'\\t' (the list's column separator)")
    name = Path(path).name
    rows, first_bad = [], None
    for n, line in read_list_lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(delimiter) if delimiter in line else line.split()
        parts = [p.strip() for p in parts]
        try:
            score = float(parts[2]) if len(parts) >= 3 else None
        except ValueError:
            score = None
        if score is None:
            first_bad = first_bad or (n, parts)
            continue
        if not math.isfinite(score):
            raise ValueError(f"{name}, line {n}: the score {parts[2]!r} of ({parts[0]!r}, {parts[1]!r}) is not "
                             "a finite number; give each pair a number (or delete the line)")
        a, b = parts[0], parts[1]
        key_a, key_b = (a.upper(), b.upper()) if case_insensitive else (a, b)
        rows.append((a, b, score, vocab.get(key_a), vocab.get(key_b)))
    if not rows:
        raise ValueError(f"{name} holds no word pairs: " + _pairs_format_problem(first_bad))
    return rows


def read_analogy_questions(path, vocab: Dict[str, int], case_insensitive: bool):
    """(section names, questions [(section index, (a, b, c, d) as written, (a, b, c, d) ids or None when a word is
    unknown)]) of a Google-format analogy file, in the file's order; a question before any ': section' line is
    refused, as gensim refuses it. vocab is keyed by upper-cased words when case_insensitive."""
    name = Path(path).name
    sections: List[str] = []
    questions: List[Tuple[int, Tuple[str, ...], Optional[Tuple[int, ...]]]] = []
    for n_line, line in read_list_lines(path):
        if line.startswith(":"):
            sections.append(line.lstrip(": ").strip())
            continue
        written = line.split()
        if not written:
            continue
        if not sections:
            raise ValueError(f"{name}, line {n_line}: a question before any section line; the Google analogy "
                             "format starts each section with a line such as ': capital-common-countries' "
                             "(add one above the first question)")
        if len(written) != 4:
            continue                                                  # gensim skips an invalid line too
        ids = [vocab.get(w.upper() if case_insensitive else w) for w in written]
        questions.append((len(sections) - 1, tuple(written), None if None in ids else tuple(ids)))
    return sections, questions
