"""The benchmark files shipped in gensim's test data (WordSim-353, SimLex-999, the Google analogies), once:
their file names, how to read them (Porter-stemmed for head500's stemmed text), and the scores of a set of
vectors on the ones installed.

What it does not do: train, or copy the files (they are read from the installed gensim package).
"""

from __future__ import annotations

import functools
from typing import Dict, Tuple

from engine.corpus import gensim_data_path, read_corpus

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
            _, rho, oov = kv.evaluate_word_pairs(path)
            used = sum(sim is not None for *_, sim in kv.word_pair_details(path))
            out[name] = {"score": rho, "measure": "Spearman", "used": used, "coverage": 1.0 - oov, "oov": oov}
    return out
