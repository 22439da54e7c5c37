"""The interface's texts in English and 中文: one catalogue per language, keys instead of sentences in pages.

What it does: t("step.title") returns the text of key "title" in ui/texts/<lang>/step.toml for the
session's language, formatted with keyword arguments (t("step.count", n=3) fills {n}). The language
comes from the URL (?lang=zh), else the session's choice, else the browser's language
(st.context.locale), else English. `engine_message(text)` translates the engine's English error
messages at the UI boundary (the engine stays English).
`init_language()` (app.py, before anything else) fixes the session's language on its first run;
`language_switch()` draws the sidebar's "English | 中文" control. `say(message)` shows a message kept
in session state (English, or a (key, values) pair) in the language of the run that shows it.
What it does not do: translate words of a corpus, or anything the engine returns as data.

Catalogue layout: ui/texts/en/<area>.toml and ui/texts/zh/<area>.toml hold the same keys (a test
checks it). One file per page or area, so pages can be written in parallel without touching the same
file. Terms follow the note's vocabulary: 词向量, 中心词, 上下文, 负采样, 层次softmax, 哈夫曼树, 滑动窗口.

    >>> catalogue("en")["common.language"]
    'Language'
    >>> catalogue("zh")["common.language"]
    '语言'
"""

from __future__ import annotations

import re
import threading
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Tuple

TEXTS = Path(__file__).resolve().parent / "texts"
LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT = "en"
LANG_KEY = "lang"                 # session-state key and URL parameter
SWITCH_KEY = "sb_lang"            # the sidebar's language switch (a widget key)


def _flatten(prefix: str, table: dict, out: Dict[str, str]) -> None:
    for k, v in table.items():
        key = f"{prefix}.{k}"
        if isinstance(v, dict):
            _flatten(key, v, out)
        else:
            out[key] = v


@lru_cache(maxsize=None)
def catalogue(lang: str) -> Dict[str, str]:
    """Every key -> text of one language (read once per process; the files are immutable at run time).

    A file's name is its area: `interview.toml` holds the keys `interview.*`; `interview.beyond.toml` adds
    more keys to the same area (one topic's texts in a file of their own)."""
    out: Dict[str, str] = {}
    for path in sorted((TEXTS / lang).glob("*.toml")):
        with open(path, "rb") as f:
            _flatten(path.stem.split(".")[0], tomllib.load(f), out)
    return out


_OUTSIDE = threading.local()     # the language of calls made outside a script run (default English)


def outside_runs(lang: str = DEFAULT) -> None:
    """Set the language t() uses outside a script run, in this thread: for tests, where AppTest calls a
    widget's format_func after the run (a page that passes a label function such as objective_label
    as format_func then finds its options). The app itself never calls this.
    """
    _OUTSIDE.lang = lang


def _outside() -> str:
    return getattr(_OUTSIDE, "lang", DEFAULT)


def _in_run() -> bool:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover
        return False
    return get_script_run_ctx(suppress_warning=True) is not None


def _url_or_browser() -> str:
    """The language a new session starts in: ?lang= in the URL, else the browser's, else English."""
    import streamlit as st

    try:
        raw = st.query_params.get(LANG_KEY)
        if raw in LANGUAGES:
            return raw
        locale = (getattr(st.context, "locale", None) or "").lower()
    except Exception:  # outside a script run (doctests, bench)
        return DEFAULT
    return "zh" if locale.startswith("zh") else DEFAULT


def _session_lang() -> str:
    try:
        import streamlit as st
    except ImportError:  # pragma: no cover
        return DEFAULT
    if not _in_run():                 # doctests, bench, a test reading a widget after the run
        return _outside()
    try:
        lang = st.session_state.get(LANG_KEY)
    except Exception:  # pragma: no cover
        return _outside()
    return lang if lang in LANGUAGES else _url_or_browser()


def current_language() -> str:
    return _session_lang()


def init_language() -> str:
    """The session's language, fixed on its first run (URL, then browser, then English); app.py calls
    this before any text is drawn. Later runs keep it until the switch changes it."""
    import streamlit as st

    ss = st.session_state
    if ss.get(LANG_KEY) not in LANGUAGES:
        ss[LANG_KEY] = _url_or_browser()
    return ss[LANG_KEY]


def _on_switch() -> None:
    import streamlit as st

    chosen = st.session_state.get(SWITCH_KEY)
    if chosen in LANGUAGES:
        st.session_state[LANG_KEY] = chosen


def language_switch(container) -> None:
    """The "English | 中文" control (a segmented control that cannot be emptied) in container."""
    import streamlit as st

    st.session_state[SWITCH_KEY] = init_language()
    container.segmented_control(t("common.language"), list(LANGUAGES), format_func=LANGUAGES.get,
                                key=SWITCH_KEY, on_change=_on_switch, required=True,
                                label_visibility="collapsed", width="stretch")


def t(key: str, lang: str | None = None, **values) -> str:
    """The text of key in the session's language (or lang), formatted with values.

    A key missing in that language falls back to English, then to the key itself (the catalogue
    test fails on either, so this is only a safety net for a running class).

    >>> t("common.language", "zh")
    '语言'
    """
    lang = lang or _session_lang()
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT).get(key, key)
    return text.format(**values) if values else text


# ------------------------------------------------------------------------ user text inside Markdown
_MD_LINK = re.compile(r"\]\s*[(\[:]")                     # [text](url), ![alt](url), [text][ref], [ref]: url
_MD_RISKS = (
    (re.compile(r"(?i)\b(https?|ftp|file)(?=://)|\b(mailto|xmpp)(?=:\S)"), r"\1\2\\"),  # autolinks: https\://
    (re.compile(r"(?i)\b(www)(?=\.)"), r"\1\\"),                                    # www\.evil.example
    (re.compile(r"<(?=[A-Za-z][\w+.-]{1,31}:|[^\s<>@]+@)"), r"\\<"),                # <http://...>, <a@b.c>
    (re.compile(r":(?=[A-Za-z_][\w-]*(?:\[|/|:))"), r"\\:"),                         # :red[..], :material/x:
    (re.compile(r"@(?=[\w-]+\.)"), r"\\@"),                                          # e-mail autolinks
)


def md_escape(text) -> str:
    r"""A user- or link-supplied string made safe to show inside Markdown (st.markdown, st.warning, st.caption...):
    nothing in it renders as a link, an image, an autolink or a Streamlit directive (raw HTML is shown as text
    by Streamlit unless unsafe_allow_html, which user text never reaches); ordinary text
    (words, numbers, ranges like [1, 100]) is returned unchanged. Backslash escapes render as the character.

    >>> print(md_escape("[Log in again](https://evil.example/login) ![p](https://evil.example/p.png)"))
    \[Log in again\](https\://evil.example/login) !\[p\](https\://evil.example/p.png)
    >>> md_escape("window=0 is not allowed: window must be an integer in [1, 100]")
    'window=0 is not allowed: window must be an integer in [1, 100]'
    """
    text = text if isinstance(text, str) else str(text)
    link = _MD_LINK.search(text) is not None
    if not link and not any(pattern.search(text) for pattern, _ in _MD_RISKS):
        return text
    text = text.replace("\\", "\\\\")                    # a backslash of the user's own stays one
    for pattern, replacement in _MD_RISKS:
        text = pattern.sub(replacement, text)
    if link:
        text = text.replace("[", "\\[").replace("]", "\\]")
    return text


def say(message, lang: str | None = None) -> str:
    """A message kept in session state, in the language of this run: an English text (an engine error,
    translated by engine_message) or a (key, {values}) pair whose values named "error" are engine texts.

    >>> say(("corpus.upload_failed", {"name": "a.txt", "error": "a.txt is empty: upload a UTF-8 text file "
    ...      "with one sentence per line"}), "zh")
    '无法使用 a.txt：a.txt 是空文件：请上传每行一句的 UTF-8 文本文件。'
    """
    if message is None:
        return ""
    if isinstance(message, str):
        return engine_message(message, lang)
    key, values = message
    values = {k: engine_message(v, lang) if k.startswith("error") else md_escape(v) if isinstance(v, str) else v
              for k, v in values.items() if isinstance(v, str) or not k.startswith("error")}
    return t(key, lang, **values)


# ------------------------------------------------------------------------ engine messages
# (English pattern, key): the engine raises English messages (and ui/settings.py writes English notes);
# the UI shows them in the user's language. Each key's text may use the pattern's named groups; a group
# whose name starts with "msg" is itself an English message and is translated in turn. The first
# pattern that matches (re.search) wins, so the more specific ones come first.
ENGINE_PATTERNS: List[Tuple[str, str]] = [
    # settings (engine/config.py): "window=0 is not allowed: window must be an integer in [1, 100]"
    (r"^(?P<name>\w+)=(?P<value>.+?) is not allowed: (?P=name) must be (?P<msg_allowed>.+?)(?: with "
     r"objective='negative_sampling')?$", "engine.setting_not_allowed"),
    (r"^an integer in (?P<range>[\[(].+\])$", "engine.allowed_int_range"),
    (r"^a number in (?P<range>[\[(].+\])$", "engine.allowed_number_range"),
    (r"^an integer >= (?P<low>\S+)$", "engine.allowed_int_at_least"),
    (r"^a number > (?P<low>\S+)$", "engine.allowed_number_above"),
    (r"^a number >= (?P<low>\S+)$", "engine.allowed_number_at_least"),
    (r"^None or (?P<msg_rest>.+)$", "engine.allowed_none_or"),
    (r"^one of (?P<choices>\(.*\))$", "engine.allowed_one_of"),
    (r"^True or False$", "engine.allowed_bool"),
    (r"^(?P<name>\w+) cannot change after build_vocab", "engine.cannot_change"),
    (r"^'(?P<name>.+)' is not a setting", "engine.not_a_setting"),
    # the vocabulary and the model (engine/vocab.py, model.py, keyed_vectors.py)
    (r"word (?P<word>'.*'|\".*\") is not in the vocabulary \((?P<n>\d+) words\)", "engine.not_in_vocabulary"),
    (r"^the corpus is empty: no tokens were found", "engine.corpus_empty"),
    (r"^every word is below min_count=(?P<min_count>\d+): all (?P<types>\d+) distinct words \((?P<tokens>\d+) "
     r"tokens\) were dropped; the most frequent word appears (?P<top>\d+) times", "engine.all_below_min_count"),
    (r"^negative sampling needs at least 2 words in the vocabulary, found (?P<n>\d+)", "engine.ns_two_words"),
    (r"^hierarchical softmax needs at least 2 words in the vocabulary.*found (?P<n>\d+)", "engine.hs_two_words"),
    (r"^no training examples: no sentence has two or more words", "engine.no_examples"),
    (r"^no training examples in all (?P<epochs>\d+) epochs of this round: .* after min_count=(?P<min_count>\d+) "
     r"and subsampling \(sample=(?P<sample>[^,)]+)", "engine.no_examples_epoch"),
    (r"update (?P<step>\d+): the loss or the weights became NaN or inf \((?:loss (?P<loss>\S+), )?learning rate "
     r"(?P<lr>[^)]+)\)", "engine.diverged"),
    (r"^nothing to undo", "engine.nothing_to_undo"),
    (r"^most_similar needs at least one word", "engine.most_similar_needs_word"),
    (r"^most_similar_cosmul needs at least one positive word", "engine.most_similar_needs_word"),
    (r"^doesnt_match needs at least two words", "engine.doesnt_match_two_words"),
    # uploads: encodings and corpora (engine/encoding.py, corpus.py)
    (r"^(?P<name>.+) is empty: upload a UTF-8 text file", "engine.upload_empty"),
    (r"^(?P<name>.+) looks like a binary file \(it contains NUL bytes\)", "engine.upload_binary"),
    (r"^(?P<name>.+) looks like a binary file \((?P<share>\d+%) of its characters", "engine.upload_binary_share"),
    (r"^(?P<name>.+) starts with a (?P<encoding>.+?) byte-order mark but is not valid", "engine.upload_bad_bom"),
    (r"^(?P<name>.+) is not valid UTF-8 text \(bad byte at position (?P<position>\d+)\), nor GB18030/GBK",
     "engine.upload_not_utf8"),
    (r"^(?P<name>.+) holds no words: the tokenizer found no letters or digits", "engine.upload_no_words"),
    (r"^(?P<name>.+) is not valid (?P<encoding>.+?) text at byte offset (?P<offset>[\d,]+)", "engine.file_bad_byte"),
    (r"^corpus file (?P<path>.+) does not exist", "engine.corpus_missing"),
    (r"^segmenter must be one of (?P<choices>.+); got (?P<value>.+)$", "engine.bad_segmenter"),
    # word2vec files (engine/keyed_vectors.py)
    (r"^(?P<name>.+) is empty: expected a word2vec file", "engine.w2v_empty"),
    (r"^(?P<name>.+) is not a word2vec file: its first line should be .*, found (?P<found>.*)$",
     "engine.w2v_no_header"),
    (r"^(?P<name>.+): the header says (?P<V>\d+) words of (?P<d>\d+) dimensions", "engine.w2v_bad_header"),
    (r"^(?P<name>.+) is truncated: the header promises (?P<V>\d+) words but word (?P<i>\d+) is incomplete",
     "engine.w2v_truncated_binary"),
    (r"^(?P<name>.+) is truncated: the header promises (?P<V>\d+) words, the file has (?P<n>\d+) lines",
     "engine.w2v_truncated_text"),
    (r"^(?P<name>.+) is neither a text word2vec file \(invalid UTF-8 at byte (?P<pos>\d+)\)", "engine.w2v_neither"),
    (r"^(?P<name>.+), line (?P<line>\d+): expected a word and (?P<d>\d+) numbers, found (?P<n>\d+) values",
     "engine.w2v_bad_line"),
    (r"^(?P<name>.+), line (?P<line>\d+): the values after (?P<word>.+) are not all numbers", "engine.w2v_not_numbers"),
    (r"^(?P<name>.+) contains NaN or infinite values", "engine.w2v_nan"),
    (r"^(?P<name>.+) is (?P<encoding>UTF-16|UTF-32) text, but a word2vec file is UTF-8", "engine.w2v_wide"),
    (r"^(?P<name>.+) is a text word2vec file but not UTF-8 \(byte (?P<byte>0x[0-9a-f]{2}) after the header, in word "
     r"(?P<i>\d+), (?P<word>.+) if read as Latin-1\)", "engine.w2v_latin1"),
    (r"^(?P<name>.+), word (?P<i>\d+): its bytes (?P<raw>.+) are not valid UTF-8", "engine.w2v_word_not_utf8"),
    (r"^(?P<name>.+) is a text word2vec file \(its lines are a word and (?P<d>\d+) numbers\), but binary=True",
     "engine.w2v_text_as_binary"),
    (r"^(?P<name>.+): the header's number of (?P<what>words|dimensions) has (?P<digits>[\d,]+) digits",
     "engine.w2v_huge_header"),
    (r"^(?P<name>.+) lists the same word twice", "engine.w2v_duplicate"),
    # notes of ui/settings.py on values from a link or a settings file (written in English there)
    (r"^From the link: (?P<msg_note>.+)$", "engine.note_from_link"),
    (r"^(?P<shown>\w+=.+?) is not true or false; keeping (?P<keep>.+)$", "engine.note_not_bool"),
    (r"^(?P<shown>\w+=.+?) is not one of the sidebar's steps \((?P<steps>.+)\); using (?P<use>.+)$",
     "engine.note_not_a_step"),
    (r"^(?P<shown>\w+=.+?) is not one of (?P<choices>.+); keeping (?P<keep>.+)$", "engine.note_not_a_choice"),
    (r"^(?P<shown>\w+=.+?) is not a finite number; keeping (?P<keep>.+)$", "engine.note_not_finite"),
    (r"^(?P<shown>\w+=.+?) is not a number; keeping (?P<keep>.+)$", "engine.note_not_a_number"),
    (r"^(?P<shown>\w+=.+?) is not an integer; keeping (?P<keep>.+)$", "engine.note_not_an_integer"),
    (r"^(?P<shown>\w+=.+?) is below the sidebar's minimum (?P<low>\S+); using (?P<use>\S+)$", "engine.note_below"),
    (r"^(?P<shown>\w+=.+?) is above the sidebar's maximum (?P<high>\S+); using (?P<use>\S+)$", "engine.note_above"),
    (r"^(?P<shown>corpus=.+?) is not available here \(choices: (?P<choices>.*)\); keeping (?P<keep>.+)$",
     "engine.note_corpus"),
    (r"^(?P<shown>segmenter=.+?) is not one of (?P<choices>.+); keeping (?P<keep>.+)$", "engine.note_not_a_choice"),
]
_COMPILED = [(re.compile(p, re.S), key) for p, key in ENGINE_PATTERNS]


def engine_message(text: str, lang: str | None = None) -> str:
    """An engine error message in the session's language (English unchanged; unknown messages unchanged).

    >>> engine_message("window=0 is not allowed: window must be an integer in [1, 100]", "zh")
    'window=0 不可用：window 必须是 [1, 100] 范围内的整数'
    >>> engine_message("something new", "zh")
    'something new'
    """
    lang = lang or _session_lang()
    if not isinstance(text, str):
        return text
    if lang == DEFAULT:
        return md_escape(text)                          # file names, words, link values: never live Markdown
    stripped = text.strip().rstrip(".")
    for pattern, key in _COMPILED:
        m = pattern.search(stripped)
        if m:
            values = {k: (engine_message(v, lang) if k.startswith("msg") and v is not None else md_escape(v or ""))
                      for k, v in m.groupdict().items()}
            return t(key, lang, **values)
    return md_escape(text)
