"""Text to sentences: the tokenizer, corpus readers, text encodings, and where the bundled corpora live.

What it does: turns text (one sentence or document per line) into lists of lowercase tokens,
streams a file lazily so that a corpus never has to fit in memory, and finds the sample corpora we
ship (with their semantic groups and analogy lists) and the real ones inside gensim's test data.
Bytes (uploads, files) may be UTF-8 (with or without BOM), UTF-16/32 with a BOM, GB18030/GBK or
Big5 (see encoding.py); the encoding used is reported. Chinese (any line holding Han characters) is
cut into words by jieba, or into characters, as the `segmenter` argument says (see segment.py);
text without Han characters is tokenized exactly as before, whatever the segmenter.
What it does not do: build the vocabulary or drop rare words (see vocab.py).

    >>> tokenize("The King's crown, 2 rings!")
    ['the', "king's", 'crown', '2', 'rings']
    >>> tokenize("国王戴着王冠，住在北京。")
    ['国王', '戴', '着', '王冠', '住', '在', '北京']
    >>> tokenize("我们用Word2Vec学习king和queen", segmenter="characters")
    ['我', '们', '用', 'word2vec', '学', '习', 'king', '和', 'queen']
    >>> tokenize("国王戴着王冠，住在北京。", segmenter="spaces")
    ['国王戴着王冠', '住在北京']
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from array import array
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np

from .encoding import decode_text, encoding_label, stream_codec
from .segment import (SEGMENTERS, check_segmenter, has_cjk, looks_unsegmented, segment_tokens,  # noqa: F401
                      tokens_per_type)

MAX_SENTENCE_TOKENS = 10_000  # a longer line is cut into pieces of at most this many tokens (as gensim does)
HEAD_BYTES = 1 << 16          # read_corpus checks (and detects the encoding of) this much of a file up front

# A token is a run of letters/digits, optionally joined by apostrophes: "don't", "king's", "o'neill".
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# Full-width ASCII (ｋｉｎｇ２, common in Chinese text) to ASCII, on lines that hold Han characters.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_corpora"

# Real corpora that ship inside the gensim wheel (gensim/test/test_data/).
GENSIM_CORPORA = {
    "lee_background.cor": "Lee news corpus (gensim test data, ~60k tokens)",
    "head500.noblanks.cor": "Wikipedia sample, stemmed (gensim test data, ~331k tokens)",
}


def tokenize(line: str, segmenter: str = "auto") -> List[str]:
    """Lowercase the line and return its words; apostrophes inside a word are kept, all else splits.
    Runs of Han characters are then cut by the segmenter ("auto", "words", "characters", "spaces").

    tokenize("Don't stop -- the QUEEN's here.") -> ["don't", 'stop', 'the', "queen's", 'here']
    tokenize("国王住在北京") -> ['国王', '住', '在', '北京']
    """
    cjk = check_segmenter(segmenter) != "spaces" and has_cjk(line)
    if cjk:
        line = line.translate(_FULLWIDTH)
    tokens = [t.replace("’", "'") for t in _TOKEN.findall(line.lower())]
    return segment_tokens(tokens, segmenter) if cjk else tokens


def split_long(tokens: List[str], max_len: int = MAX_SENTENCE_TOKENS) -> Iterator[List[str]]:
    """Cut a token list into pieces of at most max_len tokens.

    list(split_long(['a', 'b', 'c'], max_len=2)) -> [['a', 'b'], ['c']]
    """
    for start in range(0, len(tokens), max_len):
        yield tokens[start:start + max_len]


def _text_sentences(text: str, segmenter: str) -> Iterator[List[str]]:
    check_segmenter(segmenter)
    for line in text.splitlines():
        for piece in split_long(tokenize(line, segmenter)):
            if piece:
                yield piece


def sentences_from_text(text: str, segmenter: str = "auto") -> List[List[str]]:
    """Every non-empty line of text as a token list (long lines cut into pieces).

    sentences_from_text("A cat.\\n\\nA dog!") -> [['a', 'cat'], ['a', 'dog']]
    """
    return list(_text_sentences(text, segmenter))


def encode_text(text: str, segmenter: str = "auto") -> "EncodedCorpus":
    """The sentences of sentences_from_text, held as an EncodedCorpus (never as one big list of lists).

    >>> list(encode_text("A cat.\\n\\nA dog!"))
    [['a', 'cat'], ['a', 'dog']]
    """
    return EncodedCorpus.from_sentences(_text_sentences(text, segmenter))


class EncodedCorpus:
    """Sentences held compactly: each distinct word once, one int32 per token, where each sentence starts.

    An uploaded 20 MB text held as lists of Python strings costs ~190 MB (a list per sentence, a pointer
    and often a string object per token); held like this it costs ~0.7 bytes per byte of text. It reads
    like a list of sentences (iterate, len, index, slice), each sentence a new list of words, which is all
    the engine does with a corpus.

    >>> c = EncodedCorpus.from_sentences([["the", "king"], ["the", "queen", "the"]])
    >>> list(c), len(c), c[1], c.n_tokens, c.words
    ([['the', 'king'], ['the', 'queen', 'the']], 2, ['the', 'queen', 'the'], 5, ('the', 'king', 'queen'))
    """

    def __init__(self, words, ids, offsets):
        self.words = tuple(words)                                      # (V,) each distinct token once
        self.ids = np.asarray(ids, dtype=np.int32)                     # (n_tokens,) index into words
        self.offsets = np.asarray(offsets, dtype=np.int64)            # (n_sentences + 1,) starts, then the end

    @classmethod
    def from_sentences(cls, sentences) -> "EncodedCorpus":
        index: Dict[str, int] = {}
        ids, offsets = array("i"), array("q", [0])
        for sentence in sentences:
            ids.extend([index.setdefault(w, len(index)) for w in sentence])
            offsets.append(len(ids))
        return cls(index, np.frombuffer(ids, dtype=np.int32) if ids else np.zeros(0, np.int32),
                   np.frombuffer(offsets, dtype=np.int64))

    @property
    def n_tokens(self) -> int:
        return int(self.offsets[-1])

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays and the word strings (what a session holds for it)."""
        return self.ids.nbytes + self.offsets.nbytes + sum(sys.getsizeof(w) for w in self.words)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"sentence {i} of a corpus of {n}")
        i %= n
        words = self.words
        return [words[k] for k in self.ids[self.offsets[i]:self.offsets[i + 1]].tolist()]

    def __iter__(self) -> Iterator[List[str]]:
        words, ids, offsets = self.words, self.ids, self.offsets.tolist()
        for a, b in zip(offsets, offsets[1:]):
            yield [words[k] for k in ids[a:b].tolist()]

    def __repr__(self) -> str:
        return f"EncodedCorpus({len(self):,} sentences, {self.n_tokens:,} tokens, {len(self.words):,} words)"


class Corpus:
    """A re-iterable, lazily read corpus file: each pass reads the file again, line by line.

    Memory stays O(one line) whatever the file's size, so the trainer can stream several epochs.
    `encoding` is the codec found by read_corpus in the file's head; a byte that does not decode
    later in the file raises ValueError naming the file, the byte offset and the encoding.
    """

    def __init__(self, path, max_sentence_tokens: int = MAX_SENTENCE_TOKENS, segmenter: str = "auto",
                 encoding: str = "utf-8"):
        self.path = str(path)
        self.max_sentence_tokens = max_sentence_tokens
        self.segmenter = check_segmenter(segmenter)
        self.encoding = encoding

    def __iter__(self) -> Iterator[List[str]]:
        try:
            with open(self.path, encoding=stream_codec(self.encoding)) as f:
                for line in f:
                    tokens = tokenize(line, self.segmenter)
                    for piece in split_long(tokens, self.max_sentence_tokens):
                        if piece:
                            yield piece
        except UnicodeDecodeError:
            offset, reason = first_bad_byte(self.path, stream_codec(self.encoding))
            raise ValueError(f"{Path(self.path).name} is not valid {encoding_label(self.encoding)} text at "
                             f"byte offset {offset:,} ({reason}); its first {HEAD_BYTES // 1024} KiB "
                             f"read as {encoding_label(self.encoding)}. Save it as UTF-8 and try again"
                             ) from None

    def __repr__(self) -> str:
        return f"Corpus({self.path!r})"


def first_bad_byte(path, encoding: str) -> Tuple[int, str]:
    """(offset, reason) of the first byte of path that does not decode in encoding; (-1, '') if none.

    Reads the file once more in chunks; only the failing chunk is fed byte by byte.
    """
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    start = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(HEAD_BYTES)
            state = decoder.getstate()
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                decoder.setstate(state)
                for i in range(len(chunk) + 1):
                    pending = len(decoder.getstate()[0])
                    try:
                        decoder.decode(chunk[i:i + 1], final=i == len(chunk))
                    except UnicodeDecodeError as e:
                        return start + i - pending + e.start, e.reason
            if not chunk:
                return -1, ""
            start += len(chunk)


def read_corpus(path, segmenter: str = "auto") -> Corpus:
    """Open a text file with one sentence (or document) per line, as a re-iterable Corpus.

    The encoding is found from the file's first 64 KiB (see encoding.py) and kept in Corpus.encoding.
    Raises ValueError if the path is a directory, the file is missing, empty, binary or not in an
    encoding we read (checked up front, so a bad file fails here with a clear message rather than
    halfway through training), or if segmenter is not one of SEGMENTERS.
    """
    check_segmenter(segmenter)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path={path!r} is not a file path: give the path of a text file (str or pathlib.Path)")
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"corpus path {str(p)!r} is a directory, not a file: give one text file")
    if not p.is_file():
        raise ValueError(f"corpus file {str(p)!r} does not exist")
    with open(p, "rb") as f:
        head = f.read(HEAD_BYTES)
    partial = p.stat().st_size > len(head)
    text, encoding = decode_text(head, name=p.name, partial=partial)
    if not partial:
        _check_words(text, p.name)
    return Corpus(p, segmenter=segmenter, encoding=encoding)


def check_text_bytes(data: bytes, name: str = "file", partial: bool = False) -> str:
    """Decode bytes as text (UTF-8, or an encoding from encoding.py) or raise ValueError saying why
    they are not a usable corpus.

    check_text_bytes(b"the cat") -> 'the cat'
    """
    text, _ = decode_text(data, name=name, partial=partial)
    if not partial:
        _check_words(text, name)
    return text


def _check_words(text: str, name: str) -> None:
    if not tokenize(text, "spaces"):
        raise ValueError(f"{name} holds no words: the tokenizer found no letters or digits in it")


def decode_corpus_bytes(data: bytes, name: str = "upload", segmenter: str = "auto"
                        ) -> Tuple[List[List[str]], str]:
    """An uploaded file's bytes as (sentences, encoding), with the same clear errors as check_text_bytes.

    >>> decode_corpus_bytes("国王住在北京。\\n王后住在东京。".encode("gbk"), "royal.txt")
    ([['国王', '住', '在', '北京'], ['王后', '住', '在', '东京']], 'gbk')
    """
    check_segmenter(segmenter)
    text, encoding = decode_text(data, name=name)
    _check_words(text, name)
    return sentences_from_text(text, segmenter), encoding


def sentences_from_bytes(data: bytes, name: str = "upload", segmenter: str = "auto") -> List[List[str]]:
    """An uploaded file's bytes as sentences, with the same clear errors as check_text_bytes."""
    return decode_corpus_bytes(data, name=name, segmenter=segmenter)[0]


def _is_corpus_file(p: Path) -> bool:
    # companions are "<name>.<kind>.<ext>" (royalty.groups.tsv, chinese.analogies.txt): one dot only
    return p.is_file() and "." not in p.stem


def sample_corpora() -> dict:
    """{name: path} of the sample corpora we ship in sample_corpora/ (sorted by name).

    Only "<name>.txt" files are corpora; "<name>.groups.tsv" and "<name>.analogies.txt" belong to them.
    """
    return {p.stem: p for p in sorted(SAMPLE_DIR.glob("*.txt")) if _is_corpus_file(p)}


def sample_groups(name: str) -> Dict[str, str]:
    """{word: group} of a sample corpus, from sample_corpora/<name>.groups.tsv (word TAB group per line;
    '#' starts a comment). For colouring words by meaning; {} for a corpus without groups.

    >>> sample_groups("royalty")["queen"]
    'royal'
    """
    if name not in sample_corpora():
        raise KeyError(f"no sample corpus named {name!r}; choose one of {', '.join(sample_corpora())}")
    path = SAMPLE_DIR / f"{name}.groups.tsv"
    groups: Dict[str, str] = {}
    if not path.exists():
        return groups
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ValueError(f"{path.name}, line {n}: expected 'word<TAB>group', found {line!r}")
        groups[parts[0].strip()] = parts[1].strip()
    return groups


def sample_analogies(name: str) -> Optional[Path]:
    """Path of the analogy list shipped with a sample corpus (sample_corpora/<name>.analogies.txt, in
    the Google questions-words format: ': section' lines, then 'a b c d' meaning a : b :: c : d), or
    None if it has none. Use it with model.wv.evaluate_word_analogies(path)."""
    if name not in sample_corpora():
        raise KeyError(f"no sample corpus named {name!r}; choose one of {', '.join(sample_corpora())}")
    path = SAMPLE_DIR / f"{name}.analogies.txt"
    return path if path.exists() else None


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
