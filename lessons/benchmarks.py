"""The benchmark files shipped in gensim's test data (WordSim-353, SimLex-999, the Google analogies), once:
their file names, how to read them (Porter-stemmed for head500's stemmed text), and the scores of a set of
vectors on the ones installed.

What it does not do: train, or copy the files (they are read from the installed gensim package).
And the user's own lists (word pairs, analogies, groups), read, checked and written in the same formats.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

from engine.corpus import gensim_data_path, read_corpus
from engine.files import atomic_write

REAL_CORPORA = {"head500": ("head500.noblanks.cor", True),    # (gensim test-data file, Porter-stemmed?)
                "lee": ("lee_background.cor", False)}


# THE table of gensim's benchmark files: key -> (display name, file in gensim/test/test_data, kind)
BENCHMARKS = {"wordsim353": ("WordSim-353", "wordsim353.tsv", "pairs"),
              "simlex999": ("SimLex-999", "simlex999.txt", "pairs"),
              "google": ("Google analogies", "questions-words.txt", "analogies")}
BENCHMARK_FILES = {name: f for name, f, _ in BENCHMARKS.values()}                       # display name -> file
PAIR_LISTS = {name: f for name, f, kind in BENCHMARKS.values() if kind == "pairs"}      # display name -> file
BENCHMARK_LISTS = {key: f for key, (_, f, kind) in BENCHMARKS.items() if kind == "pairs"}  # key -> file


def porter_stem(word: str) -> str:
    """Porter-stem one word as the head500 corpus was stemmed (gensim's PorterStemmer).

        >>> porter_stem("running"), porter_stem("dictionary")
        ('run', 'dictionari')
    """
    return _stemmer()(word)


@functools.lru_cache(maxsize=1)
def _stemmer():
    from gensim.parsing.porter import PorterStemmer  # gensim is a requirement; imported only when needed
    return PorterStemmer().stem


@functools.lru_cache(maxsize=8)
def word_pairs(filename: str, stemmed: bool) -> Tuple[Tuple[str, str, float], ...]:
    """(w1, w2, human score) of a gensim word-pair list, lower-cased, Porter-stemmed when asked.

    Pairs whose two words stem to the same word are dropped (the model cannot say how similar a word is
    to itself). Empty when gensim's test data is not installed.
    """
    path = gensim_data_path(filename)
    if path is None:
        return ()
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t") if "\t" in line else line.split()
        if line.startswith("#") or len(parts) < 3:
            continue
        try:
            score = float(parts[2])
        except ValueError:
            continue
        a, b = parts[0].lower(), parts[1].lower()
        if stemmed:
            a, b = porter_stem(a), porter_stem(b)
        if a != b:
            out.append((a, b, score))
    return tuple(out)


@functools.lru_cache(maxsize=2)
def load_real(name: str) -> Tuple[Tuple[str, ...], ...]:
    """A real corpus from gensim's test data, read once, as a tuple of token tuples (immutable, shareable).

    Raises ValueError naming the file when gensim's test data is not installed.
    """
    fname, _ = REAL_CORPORA[name]
    path = gensim_data_path(fname)
    if path is None:
        raise ValueError(f"{fname} is not installed (it ships with gensim's test data); install gensim")
    return tuple(tuple(s) for s in read_corpus(path))




def benchmark_scores(kv, own_analogies=None) -> Dict[str, dict]:
    """Scores on gensim's benchmark files that are installed: {name: {score, measure, coverage}}.

    WordSim-353 and SimLex-999: Spearman correlation with human ratings, over the pairs whose words are
    both known (coverage = 1 - OOV share). Google analogies: 3CosAdd accuracy over the questions whose
    four words are known. "used" counts the pairs / questions scored. An empty dict when gensim's test
    data is not installed. own_analogies: a corpus's own analogy list (sample_analogies(name), the
    Google format), scored the same way under the name "own analogies".
    """
    out = {}
    if own_analogies is not None:
        acc, sections = kv.evaluate_word_analogies(own_analogies)
        total = sections[-1]
        asked = total["correct"] + total["incorrect"]
        out["own analogies"] = {"score": acc, "measure": "accuracy", "used": asked,
                                "coverage": asked / max(1, asked + total.get("skipped", 0))}
    for name, fname in BENCHMARK_FILES.items():
        path = gensim_data_path(fname)
        if path is None:
            continue
        if fname == "questions-words.txt":
            acc, sections = kv.evaluate_word_analogies(path)
            total = sections[-1]
            asked = total["correct"] + total["incorrect"]
            out[name] = {"score": acc, "measure": "accuracy", "used": asked,
                         "coverage": asked / max(1, asked + total.get("skipped", 0))}
        else:
            rho, oov, known = word_pair_score(kv, path)
            out[name] = {"score": rho, "measure": "Spearman", "used": len(known), "coverage": 1.0 - oov, "oov": oov}
    return out


def word_pair_score(kv, path) -> Tuple[float, float, list]:
    """(Spearman's rho, OOV share 0..1, the scored pairs [(w1, w2, human, cosine)]) of a word-pair list, read as
    gensim's evaluate_word_pairs reads it (kv.evaluate_word_pairs returns gensim's ((pearson, p), spearman result,
    oov percent)). rho is NaN when fewer than two pairs have both words in the vocabulary; a file without any
    pair raises ValueError naming the problem."""
    details = kv.word_pair_details(path)
    known = [d for d in details if d[3] is not None]
    oov = 1.0 - len(known) / len(details)
    if len(known) < 2:
        return float("nan"), oov, known
    _, spear, oov_percent = kv.evaluate_word_pairs(path)
    return float(spear.statistic), oov_percent / 100.0, known


# ---------------------------------------------------------------------------------------------- the user's own lists
@dataclass(frozen=True)
class UserList:
    """A quality list the user brought, checked and written in the format the queries read.

    kind: "pairs" (w1 w2 score), "analogies" (': section' lines and a b c d questions) or "groups"
    (word group); path: the normalised file (pairs, analogies); groups: {word: group} (groups);
    items: how many pairs / questions / words were read; skipped: lines that could not be read.
    """
    kind: str
    name: str
    items: int
    skipped: int
    digest: str
    path: Optional[Path] = None
    groups: Optional[Dict[str, str]] = None


USER_LIST_KINDS = ("pairs", "analogies", "groups")
MAX_USER_LIST_BYTES = 5_000_000


def read_user_list(kind: str, name: str, data: bytes, folder: Optional[Path] = None) -> UserList:
    """Read a list uploaded as bytes (UTF-8, with or without a BOM; tab- or space-separated; '#' comments).

    pairs: "w1 w2 score" per line (gensim's evaluate_word_pairs format), scores finite numbers; analogies:
    "a b c d" questions under ": section" lines (the Google format; a file without any ": " line gets one
    section); groups: "word group" per line, at least two groups of two words. Words are lower-cased, as the
    benchmarks are. Raises ValueError naming the problem (and the first bad line) when nothing usable is in
    it. The normalised file goes to `folder` (default: a temporary folder), named by its content.

    >>> r = read_user_list("groups", "g.tsv", "king\\troyal\\nqueen\\troyal\\ncat\\tanimal\\ndog\\tanimal\\n".encode())
    >>> r.items, sorted(set(r.groups.values()))
    (4, ['animal', 'royal'])
    """
    if kind not in USER_LIST_KINDS:
        raise ValueError(f"kind={kind!r} is not one of {', '.join(USER_LIST_KINDS)}")
    if len(data) > MAX_USER_LIST_BYTES:
        raise ValueError(f"{name}: {len(data):,} bytes is more than a quality list needs (at most "
                         f"{MAX_USER_LIST_BYTES:,})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"{name}: not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    rows, skipped, first_bad = [], 0, None
    section_seen = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if kind == "analogies" and line.startswith(":"):
            rows.append(line)
            section_seen = True
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        parts = [p.strip().lower() for p in parts if p.strip()]
        ok = False
        if kind == "pairs" and len(parts) >= 3:
            try:
                score = float(parts[2])
                ok = math.isfinite(score)
            except ValueError:
                ok = False
            if ok:
                rows.append(f"{parts[0]}\t{parts[1]}\t{score!r}")
        elif kind == "analogies" and len(parts) == 4:
            rows.append(" ".join(parts))
            ok = True
        elif kind == "groups" and len(parts) == 2:
            rows.append((parts[0], parts[1]))
            ok = True
        if not ok:
            skipped += 1
            first_bad = first_bad or (number, raw[:60])
    expected = {"pairs": "lines 'word word score'", "analogies": "questions 'a b c d'",
                "groups": "lines 'word group'"}[kind]
    items = [r for r in rows if not (isinstance(r, str) and r.startswith(":"))]
    bad = f" (line {first_bad[0]}: {first_bad[1]!r})" if first_bad else ""
    if not items:
        raise ValueError(f"{name}: no {expected} found{bad}")
    digest = hashlib.sha1(repr(rows).encode("utf-8")).hexdigest()[:16]
    if kind == "groups":
        groups = dict(rows)
        sizes = collections.Counter(groups.values())
        if sum(n >= 2 for n in sizes.values()) < 2:
            raise ValueError(f"{name}: groups need at least two groups of two words; found "
                             f"{len(sizes)} group(s) of {', '.join(map(str, sizes.values()))} word(s)")
        return UserList(kind, name, len(groups), skipped, digest, groups=groups)
    if kind == "analogies" and not section_seen:
        rows.insert(0, ": your analogies")
    folder = Path(folder) if folder is not None else Path(tempfile.gettempdir()) / "w2v_user_lists"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}_{digest}.txt"
    if not path.exists():
        with atomic_write(path, "w") as f:                 # never a half-written list under its final name
            f.write("\n".join(rows) + "\n")
    return UserList(kind, name, len(items), skipped, digest, path=path)
