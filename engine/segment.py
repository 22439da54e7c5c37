"""Chinese word segmentation: which characters are CJK, and how a run of them becomes tokens.

Chinese is written without spaces, so "国王住在北京" is one run of letters to a tokenizer that
splits at spaces and punctuation, and every sentence becomes a single, unique "word". This module
cuts such runs into words with jieba (a dictionary-based segmenter that ships its own dictionary of
~350,000 words), or into single characters, and is what corpus.tokenize() calls for lines that hold
CJK characters. The choice is per corpus, one of SEGMENTERS:

    "auto"        "words" if the line has CJK characters, else "spaces" (the default)
    "words"       jieba cuts each run of CJK characters into words; everything else as "spaces"
    "characters"  each CJK character is a token; everything else as "spaces"
    "spaces"      the text is already separated by spaces: a CJK run stays one token

What it does: only runs of Han characters (CJK unified ideographs, extensions A-G, compatibility
ideographs and 〇) are cut; English words and numbers between them stay whole ("用Word2Vec训练"
gives 用, word2vec, 训练), because corpus.tokenize has already split the line at spaces and
punctuation (Chinese punctuation such as ，。、“”《》 included) before this module sees it.
jieba runs in its dictionary-only mode (HMM=False): a word missing from its dictionary is cut into
characters or shorter dictionary words rather than guessed (the HMM guesser glues particles to
single-character words: 这个马是 -> 这个 / 马是), which is predictable and is what the sample corpus
needs. The dictionary loads once, lazily, on the first line that needs it (~1 s; jieba caches it
in the temp folder), with jieba's log messages silenced; lines without CJK never load it.
What it does not do: segment Japanese kana or Korean hangul (they are kept as written, split at
spaces only), convert traditional to simplified characters, or tag parts of speech. Segmentation
is statistical guesswork on real text: names and new words may be cut differently than a reader
would; looks_unsegmented() flags a corpus that was clearly not cut at all.

    >>> segment_run("国王和王后住在北京", "words")
    ['国王', '和', '王后', '住', '在', '北京']
    >>> segment_run("北京", "characters")
    ['北', '京']
    >>> split_cjk("我爱word2vec和北京")
    [('我爱', True), ('word2vec', False), ('和北京', True)]
    >>> tokens_per_type([["国王", "王后"], ["国王", "公主"]])
    1.3333333333333333
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from typing import Iterable, List, Tuple

SEGMENTERS = ("auto", "words", "characters", "spaces")

# Han characters: CJK unified ideographs and extension A, compatibility ideographs, ideographic zero,
# and the supplementary planes' extensions B-G.
CJK_CHARS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
_CJK = re.compile(f"[{CJK_CHARS}]")
_CJK_RUN = re.compile(f"[{CJK_CHARS}]+|[^{CJK_CHARS}']+(?:'[^{CJK_CHARS}']+)*")

_lock = threading.Lock()
_jieba = None  # jieba.Tokenizer, loaded on first use


def check_segmenter(segmenter: str) -> str:
    """Return segmenter if it is one of SEGMENTERS, else raise ValueError naming the choices."""
    if segmenter not in SEGMENTERS:
        raise ValueError(f"segmenter must be one of {', '.join(map(repr, SEGMENTERS))}; got {segmenter!r}")
    return segmenter


def has_cjk(text: str) -> bool:
    """Whether text holds at least one Han character.

    >>> has_cjk("king 国王"), has_cjk("king")
    (True, False)
    """
    return not text.isascii() and _CJK.search(text) is not None   # isascii(): a fast exit for English


def split_cjk(token: str) -> List[Tuple[str, bool]]:
    """Cut a token into runs of Han characters and runs of anything else: [(run, is_cjk), ...].

    An apostrophe next to a Han character is dropped (it is the closing quote of ‘…’, not an English
    contraction); one between two non-Han letters stays ("king's").
    """
    return [(run, _CJK.match(run) is not None) for run in _CJK_RUN.findall(token)]


def jieba_tokenizer():
    """The jieba Tokenizer we use (its own instance, not jieba's global one), loaded once, quietly."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)   # no "Building prefix dict..." on stderr
                tk = jieba.Tokenizer()
                tk.initialize()
                _jieba = tk
    return _jieba


@lru_cache(maxsize=65536)
def _words(run: str) -> Tuple[str, ...]:
    return tuple(jieba_tokenizer().cut(run, HMM=False))


def segment_run(run: str, segmenter: str = "words") -> List[str]:
    """Tokens of one run of Han characters: jieba's words ("words"/"auto"), single characters
    ("characters"), or the run itself ("spaces")."""
    if segmenter == "characters":
        return list(run)
    if segmenter == "spaces":
        return [run]
    return list(_words(run))


def segment_tokens(tokens: List[str], segmenter: str = "auto") -> List[str]:
    """Cut the CJK runs inside already split tokens; tokens without Han characters pass unchanged.

    >>> segment_tokens(["king", "国王的王冠"], "characters")
    ['king', '国', '王', '的', '王', '冠']
    """
    if segmenter == "spaces":
        return tokens
    out: List[str] = []
    for token in tokens:
        if _CJK.search(token) is None:
            out.append(token)
            continue
        for run, is_cjk in split_cjk(token):
            if is_cjk:
                out.extend(segment_run(run, segmenter))
            else:
                out.append(run)
    return out


def _token_stats(sentences: Iterable[List[str]]) -> Tuple[int, int, int]:
    tokens = long_cjk = 0
    types = set()
    for sentence in sentences:
        tokens += len(sentence)
        types.update(sentence)
        long_cjk += sum(1 for t in sentence if len(t) > 4 and _CJK.search(t) is not None)
    return tokens, len(types), long_cjk


def tokens_per_type(sentences: Iterable[List[str]]) -> float:
    """Tokens divided by distinct words (0.0 for no tokens): how often a word repeats on average.

    Real text has many repeats (the Lee news corpus: ~8); a Chinese text that was not cut into
    words has close to 1, because every sentence is one long unique "word".
    """
    tokens, types, _ = _token_stats(sentences)
    return tokens / types if types else 0.0


def looks_unsegmented(sentences: Iterable[List[str]], min_tokens: int = 30, max_ratio: float = 1.5) -> bool:
    """True when a corpus looks like Chinese that was not cut into words: at least min_tokens tokens,
    fewer than max_ratio tokens per type, and most tokens are Han runs longer than 4 characters.

    >>> looks_unsegmented([["国王住在北京的宫殿里", "他很高兴"]] * 2)   # too few tokens to judge
    False
    >>> looks_unsegmented([[f"第{i}句话没有被分词"] for i in range(40)])
    True
    """
    tokens, types, long_cjk = _token_stats(sentences)
    if tokens < min_tokens:
        return False
    return tokens / types < max_ratio and long_cjk > tokens / 2
