"""Which text encoding a file's bytes are in, and decoding them with a clear error when they are not text.

What it does: accepts UTF-8 (with or without a byte-order mark), UTF-16 and UTF-32 with a byte-order
mark, and the two Chinese legacy encodings, GB18030 (and its subset GBK, what simplified-Chinese
Windows writes) and Big5 (traditional Chinese; also Microsoft's cp950 variant). The order:
  1. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
  2. NUL bytes mean a binary file (ValueError);
  3. UTF-8 is used whenever the bytes decode as strict UTF-8 (plain ASCII is UTF-8 too);
  4. otherwise charset-normalizer chooses among GB18030 and Big5 only (their byte ranges overlap,
     so many files decode both ways; it picks the one whose characters read like language), and the
     choice must decode strictly;
  5. the decoded text must be mostly text: more than 5% control, private-use or unassigned
     characters means binary (ValueError).
Encoding names are Python codec names ("utf-8", "utf-8-sig", "utf-16", "utf-32", "gbk", "gb18030",
"big5", "cp950"): "gbk" when every character is in GBK, "gb18030" when the text needs GB18030's
four-byte characters; encoding_label() gives the name to show a person.
What it does not do: guess single-byte legacy encodings (Latin-1, Windows-1252, KOI8-R...): they
are refused with a message asking for UTF-8, as before (any byte string decodes as Latin-1, so a
guess would silently turn a wrong file into nonsense words), nor UTF-16 without a byte-order mark
(its NUL bytes make it look binary). Tokenizing is corpus.py's job.

    >>> "国王".encode("gbk")
    b'\\xb9\\xfa\\xcd\\xf5'
    >>> decode_text("国王和王后住在北京的宫殿里。".encode("gbk"))
    ('国王和王后住在北京的宫殿里。', 'gbk')
    >>> decode_text("國王和王后住在臺北的宮殿裡。".encode("big5"))
    ('國王和王后住在臺北的宮殿裡。', 'big5')
    >>> decode_text(b"\\xef\\xbb\\xbfking")
    ('king', 'utf-8-sig')
    >>> encoding_label("gbk")
    'GBK'
"""

from __future__ import annotations

import codecs
import unicodedata
from typing import Optional, Tuple

LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "utf-32": "UTF-32",
          "gbk": "GBK", "gb18030": "GB18030", "big5": "Big5", "cp950": "Big5 (cp950)"}
DETECTED = ("gb18030", "big5", "cp950")     # what charset-normalizer may choose from (step 4)
MAX_NON_TEXT = 0.05                          # share of control/unassigned characters that means binary
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),   # before UTF-16: FF FE 00 00
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def encoding_label(encoding: str) -> str:
    """The name to show for a codec name: encoding_label("utf-8-sig") -> 'UTF-8 with BOM'."""
    return LABELS.get(encoding, encoding)


def stream_codec(encoding: str) -> str:
    """The codec to read a whole file with, given the encoding found in its head: GBK is read as
    GB18030, which decodes every GBK byte pair to the same character and also accepts the four-byte
    characters that a GBK-looking head may be followed by."""
    return "gb18030" if encoding == "gbk" else encoding


def _decodes(data: bytes, encoding: str, partial: bool) -> Optional[str]:
    """data decoded strictly, or None; partial=True tolerates a character cut at the end of a sample."""
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(data, final=not partial)
    except UnicodeDecodeError:
        return None


def _non_text_share(text: str) -> float:
    sample = text[:100_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample
              if ch not in "\t\n\r\f\v" and unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs")
              or ch == "\ufffd")
    return bad / len(sample)


def _detect(data: bytes, name: str, partial: bool) -> Tuple[str, str]:
    if len(data) == 0:
        raise ValueError(f"{name} is empty: upload a UTF-8 text file with one sentence per line")
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        raise ValueError(f"{name} looks like a binary file (it contains NUL bytes), not UTF-8 text")
    if encoding is None:
        text = _decodes(data, "utf-8", partial)
        encoding = "utf-8" if text is not None else _guess(data, name, partial)
    if encoding != "utf-8":
        text = _decodes(data, encoding, partial)
        if text is None:
            raise ValueError(f"{name} starts with a {encoding_label(encoding)} byte-order mark but is not "
                             f"valid {encoding_label(encoding)} text; save it as UTF-8 and try again")
    share = _non_text_share(text)
    if share > MAX_NON_TEXT:
        raise ValueError(f"{name} looks like a binary file ({share:.0%} of its characters are control "
                         f"or unassigned codes when read as {encoding_label(encoding)}), not text")
    return text, encoding


def _guess(data: bytes, name: str, partial: bool) -> str:
    """Not UTF-8: let charset-normalizer choose among the Chinese legacy encodings, or refuse."""
    from charset_normalizer import from_bytes

    sample = data
    if partial:       # drop a character cut at the end of the sample: charset-normalizer decodes strictly
        sample = next((data[:len(data) - k] for k in range(4)
                       if any(_decodes(data[:len(data) - k], enc, False) is not None for enc in DETECTED)),
                      data)
    best = from_bytes(sample, cp_isolation=list(DETECTED)).best()
    if best is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            position = e.start
        raise ValueError(f"{name} is not valid UTF-8 text (bad byte at position {position}), nor GB18030/GBK "
                         "or Big5 Chinese text; save it as UTF-8 and try again")
    encoding = {"big5hkscs": "big5"}.get(best.encoding, best.encoding)
    if encoding == "cp950" and _decodes(data, "big5", partial) is not None:
        encoding = "big5"
    if encoding == "gb18030" and _decodes(data, "gbk", partial) is not None:
        encoding = "gbk"
    return encoding


def decode_text(data: bytes, name: str = "file", partial: bool = False) -> Tuple[str, str]:
    """The whole of data as text, and the encoding used: (text, codec name). A byte-order mark is
    removed. ValueError (naming the file and the problem) for empty, binary or undecodable bytes.
    partial=True: data is the head of a longer file; a character cut at its end is left out."""
    return _detect(data, name, partial)
