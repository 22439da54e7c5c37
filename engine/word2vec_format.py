"""The word2vec file format, text and binary: reading it strictly and checking what can be written.

What it does: read_word2vec_bytes parses a word2vec text or binary file (a 'V d' header line, then V
words each with d numbers) and says exactly what is wrong with a bad one (truncated, a header that
disagrees with the lines, words that could not be written back, NaN values); check_savable_words
refuses words the format cannot hold (whitespace, empty, not a string).
What it does not do: query vectors (keyed_vectors.py) or train.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

import numpy as np


def check_savable_words(words) -> None:
    """Raise ValueError naming the first word that a word2vec file cannot hold: not a string, empty, or
    holding whitespace (" " ends a word; "\\n" and the other line breaks end a line).

    >>> check_savable_words(["king", "new york"])
    Traceback (most recent call last):
    ...
    ValueError: word 1 ('new york') cannot be saved in word2vec format: it holds whitespace (' '), which the format reads as the end of the word; replace it first (e.g. 'new_york')
    """
    for i, w in enumerate(words):
        if not isinstance(w, str):
            raise ValueError(f"word {i} ({w!r}, {type(w).__name__}) cannot be saved in word2vec format: words must "
                             "be strings")
        if not w:
            raise ValueError(f"word {i} is empty: the word2vec format cannot hold an empty word")
        space = next((c for c in w if c.isspace()), None)
        if space is not None:
            suggestion = re.sub(r"\s+", "_", w)
            raise ValueError(f"word {i} ({w!r}) cannot be saved in word2vec format: it holds whitespace "
                             f"({space!r}), which the format reads as the end of the word; replace it first "
                             f"(e.g. {suggestion!r})")


def read_word2vec_bytes(data: bytes, binary: Optional[bool] = None, name: str = "file",
                        max_words: Optional[int] = None) -> Tuple[List[str], np.ndarray]:
    """(words, (V, d) float32 vectors) from word2vec-format bytes (as uploaded or read from a file).

    binary=None: a body that is UTF-8 text is read as text (values separated by one or more spaces, or
    by tabs), else as binary; a UTF-8 body that is not a valid text file but holds control bytes and is
    a valid binary one (all-zero vectors are UTF-8 too) is read as binary. A body of printable text that
    is not a valid text file is refused with the text reader's message (never read as binary garbage). Every word the header promises must be there, and nothing
    but blank lines may follow them (unless max_words asks for the first words only). A word holding
    whitespace (possible in a binary file) is refused as save_word2vec_format refuses it, so whatever
    is read here can be saved again.
    """
    if not data:
        raise ValueError(f"{name} is empty: expected a word2vec file starting with a 'V d' header line")
    if data.startswith(b"\xef\xbb\xbf"):                  # a UTF-8 byte-order mark
        data = data[3:]
    _refuse_wide_encoding(data, name)
    nl = data.find(b"\n")
    header = data[:nl if nl >= 0 else len(data)]
    m = re.fullmatch(rb"\s*(\d+)\s+(\d+)\s*", header)
    if not m:
        raise ValueError(f"{name} is not a word2vec file: its first line should be '<number of words> "
                         f"<dimensions>', found {header[:60]!r}")
    for number, what in ((m.group(1), "words"), (m.group(2), "dimensions")):
        if len(number.lstrip(b"0")) > 12:               # int() of 5,000 digits would ask for sys.set_int_max_str_digits
            raise ValueError(f"{name}: the header's number of {what} has {len(number):,} digits; a word2vec file "
                             f"holds at most millions of words of hundreds of dimensions: correct the header")
    V, d = int(m.group(1)), int(m.group(2))
    if V < 1 or d < 1:
        raise ValueError(f"{name}: the header says {V} words of {d} dimensions; both must be at least 1")
    if max_words is not None and (isinstance(max_words, bool) or not isinstance(max_words, (int, np.integer))
                                  or max_words < 1):
        raise ValueError(f"max_words={max_words!r} is not allowed: max_words must be None or an integer >= 1")
    limit = V if max_words is None else min(V, int(max_words))
    body = data[nl + 1:] if nl >= 0 else b""
    if binary:
        _refuse_text_as_binary(body, V, d, limit, name)
        words, vectors = _read_binary(body, V, d, limit, name)
    elif binary is not None:
        words, vectors = _read_text(body, V, d, limit, name)
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None:
            _refuse_legacy_text(body, V, d, limit, name)
            words, vectors = _read_binary(body, V, d, limit, name)
        else:
            try:
                words, vectors = _read_text(body, V, d, limit, name, text)
            except ValueError as text_error:
                if not _has_control_bytes(body):
                    raise                                  # printable text: it was meant as a text file
                try:
                    words, vectors = _read_binary(body, V, d, limit, name)
                except ValueError:
                    raise text_error from None
    for i, w in enumerate(words):           # what save_word2vec_format could not write back: refused here too
        space = next((c for c in w if c.isspace()), None)
        if not w or space is not None:
            raise ValueError(f"{name}, word {i + 1}: " + (f"{w!r} holds whitespace ({space!r})" if w else
                             "the word is empty") + "; a word2vec file cannot hold such a word reliably (a space "
                             "ends a word, a line break a line), so it would not read back the same")
    if not np.isfinite(vectors).all():
        bad = int(np.flatnonzero(~np.isfinite(vectors).all(axis=1))[0])
        raise ValueError(f"{name} contains NaN or infinite values (the first in word {bad + 1}, {words[bad]!r}: "
                         "a number beyond float32's range, about 3.4e38, reads as inf); correct or remove it")
    if len(set(words)) != len(words):
        seen = set()
        twice = next(w for w in words if w in seen or seen.add(w))
        raise ValueError(f"{name} lists the same word twice: {twice!r}")
    return words, vectors


def _refuse_wide_encoding(data: bytes, name: str) -> None:
    """ValueError naming UTF-16 / UTF-32 (by their byte-order mark, or the NUL bytes of ASCII digits in them):
    the word2vec format is UTF-8, and their header would otherwise be reported as merely unreadable."""
    marks = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
             (b"\xfe\xff", "UTF-16"))
    encoding = next((enc for mark, enc in marks if data.startswith(mark)), None)
    if encoding is None and re.match(rb"(?:\d\x00){1,12}[ \t]\x00|(?:\x00\d){1,12}\x00[ \t]", data):
        encoding = "UTF-16"                                # digits and a space, each followed or preceded by a NUL
    if encoding is not None:
        raise ValueError(f"{name} is {encoding} text, but a word2vec file is UTF-8 (or binary): save it again as "
                         "UTF-8 (in Notepad: Save as, Encoding: UTF-8) and load it again")


def _refuse_text_as_binary(body: bytes, V: int, d: int, limit: int, name: str) -> None:
    """binary=True on a file that is a valid text word2vec file: ValueError, instead of words made of digits."""
    try:
        _read_text(body, V, d, limit, name)
    except ValueError:
        return
    raise ValueError(f"{name} is a text word2vec file (its lines are a word and {d} numbers), but binary=True was "
                     "asked: use binary=False, or binary=None to detect it")


def _refuse_legacy_text(body: bytes, V: int, d: int, limit: int, name: str) -> None:
    """A body that is not UTF-8 but reads as a valid text file in Latin-1 (Windows-1252...): ValueError naming
    the first non-UTF-8 word, instead of reading its bytes as binary floats."""
    if _has_control_bytes(body):
        return                                             # binary floats nearly always hold some
    try:
        words, _ = _read_text(body, V, d, limit, name, body.decode("latin-1"))
    except ValueError:
        return
    i = next((i for i, w in enumerate(words) if not w.isascii()), 0)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as e:
        offset = e.start
    raise ValueError(f"{name} is a text word2vec file but not UTF-8 (byte 0x{body[offset]:02x} after the header, "
                     f"in word {i + 1}, {words[i]!r} if read as Latin-1): it was probably saved as Latin-1 or "
                     "Windows-1252; save it again as UTF-8 and load it again")


def _has_control_bytes(body: bytes) -> bool:
    r"""True when body holds a byte below 0x20 other than tab, line feed and carriage return (binary floats do).

    >>> _has_control_bytes(b"king 0.5 0.25\n"), _has_control_bytes(b"king \x00\x00\x80?")
    (False, True)
    """
    return bool(body.translate(None, b"\t\n\r" + bytes(range(32, 256))))


def _words(n: int) -> str:
    """'1 word', '3 words'."""
    return f"{n:,} word" + ("" if n == 1 else "s")


def _read_text(body: bytes, V: int, d: int, limit: int, name: str, text: Optional[str] = None):
    """(words, (limit, d) float32) from a text body: one word and d numbers per line."""
    if text is None:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(f"{name} is not a text word2vec file: invalid UTF-8 at byte {e.start} after the "
                             "header") from None
    lines = [(n, ln.rstrip("\r")) for n, ln in enumerate(text.split("\n"), start=2) if ln.strip()]
    if len(lines) < limit:
        raise ValueError(f"{name} is truncated: the header promises {V} words, the file has {len(lines)} lines "
                         "of vectors")
    if limit == V and len(lines) > V:
        raise ValueError(f"{name}: the header says {_words(V)}, but the file has {len(lines)} lines of vectors; "
                         "correct the header's first number (or read only the first words with max_words)")
    words: List[str] = []
    rows: List[np.ndarray] = []                  # (d,) each; stacked at the end (a header's d is not trusted)
    for i, (n, line) in enumerate(lines[:limit]):
        parts = [p for p in line.split(" ") if p]            # one or more spaces between values
        if len(parts) != d + 1 and "\t" in line:
            parts = line.split()                               # tab-separated values
        if len(parts) != d + 1:
            hint = ""
            if i == 0 and len(parts) > 1:
                hint = (f"; the header says {d} dimensions: if every line has {len(parts) - 1} numbers, "
                        "the header's second number is wrong")
            raise ValueError(f"{name}, line {n}: expected a word and {d} numbers, found {len(parts) - 1} "
                             f"values{hint}")
        words.append(parts[0])
        try:
            rows.append(np.array(parts[1:], dtype=np.float32))
        except ValueError:
            raise ValueError(f"{name}, line {n}: the values after {parts[0]!r} are not all numbers") from None
    return words, np.stack(rows).reshape(limit, d)                       # (limit, d)


def _read_binary(body: bytes, V: int, d: int, limit: int, name: str):
    """(words, (limit, d) float32) from a binary body: each word, a space, d little-endian float32s."""
    if len(body) < limit * (4 * d + 2):                   # each entry: a word, a space, 4*d bytes
        raise ValueError(f"{name} is truncated: the header promises {V} words of {d} dimensions "
                         f"(at least {limit * (4 * d + 2):,} bytes as binary), the file has {len(body):,} "
                         "bytes after its header")
    words: List[str] = []
    vectors = np.empty((limit, d), dtype=np.float32)                      # (limit, d)
    pos = 0
    for i in range(limit):
        sp = body.find(b" ", pos)
        if sp < 0 or sp + 1 + 4 * d > len(body):
            raise ValueError(f"{name} is truncated: the header promises {V} words but word {i + 1} is incomplete")
        try:
            words.append(body[pos:sp].decode("utf-8").strip())
        except UnicodeDecodeError as e:
            raise ValueError(f"{name}, word {i + 1}: its bytes {body[pos:sp][:40]!r} are not valid UTF-8 (byte "
                             f"0x{body[pos + e.start]:02x} at position {e.start}); a word2vec file's words are UTF-8: "
                             "write the file again from text in UTF-8") from None
        vectors[i] = np.frombuffer(body, dtype=np.float32, count=d, offset=sp + 1)
        pos = sp + 1 + 4 * d
        while pos < len(body) and body[pos:pos + 1] in (b"\n", b"\r"):
            pos += 1
    if limit == V and body[pos:].strip():
        raise ValueError(f"{name}: the header says {_words(V)}, but {len(body) - pos:,} more bytes follow the "
                         f"last of them; correct the header's first number (or read only the first words "
                         "with max_words)")
    return words, vectors
