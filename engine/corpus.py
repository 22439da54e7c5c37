"""Text to sentences: the tokenizer, corpus readers, and where the bundled corpora live.

What it does: turns UTF-8 text (one sentence or document per line) into lists of lowercase tokens,
streams a file lazily so that a corpus never has to fit in memory, and finds the sample corpora we
ship and the real ones inside gensim's test data.
What it does not do: build the vocabulary or drop rare words (see vocab.py).

    >>> tokenize("The King's crown, 2 rings!")
    ['the', "king's", 'crown', '2', 'rings']
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, List, Optional

MAX_SENTENCE_TOKENS = 10_000  # a longer line is cut into pieces of at most this many tokens (as gensim does)

# A token is a run of letters/digits, optionally joined by apostrophes: "don't", "king's", "o'neill".
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_corpora"

# Real corpora that ship inside the gensim wheel (gensim/test/test_data/).
GENSIM_CORPORA = {
    "lee_background.cor": "Lee news corpus (gensim test data, ~60k tokens)",
    "head500.noblanks.cor": "Wikipedia sample, stemmed (gensim test data, ~331k tokens)",
}


def tokenize(line: str) -> List[str]:
    """Lowercase the line and return its words; apostrophes inside a word are kept, all else splits.

    tokenize("Don't stop -- the QUEEN's here.") -> ["don't", 'stop', 'the', "queen's", 'here']
    """
    return [t.replace("’", "'") for t in _TOKEN.findall(line.lower())]


def split_long(tokens: List[str], max_len: int = MAX_SENTENCE_TOKENS) -> Iterator[List[str]]:
    """Cut a token list into pieces of at most max_len tokens.

    list(split_long(['a', 'b', 'c'], max_len=2)) -> [['a', 'b'], ['c']]
    """
    for start in range(0, len(tokens), max_len):
        yield tokens[start:start + max_len]


def sentences_from_text(text: str) -> List[List[str]]:
    """Every non-empty line of text as a token list (long lines cut into pieces).

    sentences_from_text("A cat.\\n\\nA dog!") -> [['a', 'cat'], ['a', 'dog']]
    """
    out = []
    for line in text.splitlines():
        tokens = tokenize(line)
        out.extend(split_long(tokens))
    return [s for s in out if s]


class Corpus:
    """A re-iterable, lazily read corpus file: each pass reads the file again, line by line.

    Memory stays O(one line) whatever the file's size, so the trainer can stream several epochs.
    """

    def __init__(self, path, max_sentence_tokens: int = MAX_SENTENCE_TOKENS):
        self.path = str(path)
        self.max_sentence_tokens = max_sentence_tokens

    def __iter__(self) -> Iterator[List[str]]:
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                tokens = tokenize(line)
                for piece in split_long(tokens, self.max_sentence_tokens):
                    if piece:
                        yield piece

    def __repr__(self) -> str:
        return f"Corpus({self.path!r})"


def read_corpus(path) -> Corpus:
    """Open a UTF-8 text file with one sentence (or document) per line, as a re-iterable Corpus.

    Raises ValueError if the file is missing, empty, binary or not UTF-8 (checked up front, so a bad
    file fails here with a clear message rather than halfway through training).
    """
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"corpus file {str(p)!r} does not exist")
    with open(p, "rb") as f:
        head = f.read(1 << 16)
    check_text_bytes(head, name=p.name, partial=p.stat().st_size > len(head))
    return Corpus(p)


def check_text_bytes(data: bytes, name: str = "file", partial: bool = False) -> str:
    """Decode bytes as UTF-8 text or raise ValueError saying why they are not a usable corpus.

    check_text_bytes(b"the cat") -> 'the cat'
    """
    if len(data) == 0:
        raise ValueError(f"{name} is empty: upload a UTF-8 text file with one sentence per line")
    if b"\x00" in data:
        raise ValueError(f"{name} looks like a binary file (it contains NUL bytes), not UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if partial and e.start >= len(data) - 4:  # a multi-byte character cut at the end of the sample
            text = data[: e.start].decode("utf-8")
        else:
            raise ValueError(f"{name} is not valid UTF-8 text (bad byte at position {e.start}); "
                             "save it as UTF-8 and try again") from None
    if not partial and not tokenize(text):
        raise ValueError(f"{name} holds no words: the tokenizer found no letters or digits in it")
    return text


def sentences_from_bytes(data: bytes, name: str = "upload") -> List[List[str]]:
    """An uploaded file's bytes as sentences, with the same clear errors as check_text_bytes."""
    return sentences_from_text(check_text_bytes(data, name=name))


def sample_corpora() -> dict:
    """{name: path} of the sample corpora we ship in sample_corpora/ (sorted by name)."""
    return {p.stem: p for p in sorted(SAMPLE_DIR.glob("*.txt"))}


def gensim_test_data_dir() -> Optional[Path]:
    """gensim's test_data folder, or None when gensim is not installed (found without importing gensim)."""
    import importlib.util

    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        return None
    d = Path(list(spec.submodule_search_locations)[0]) / "test" / "test_data"
    return d if d.is_dir() else None


def gensim_data_path(filename: str) -> Optional[Path]:
    """Path of one file in gensim's test data (e.g. 'wordsim353.tsv'), or None if it is not installed."""
    d = gensim_test_data_dir()
    if d is None:
        return None
    p = d / filename
    return p if p.exists() else None
