"""The interface's texts in English and 中文: one catalogue per language, keys instead of sentences in pages.

What it does: t("step.title") returns the text of key "title" in ui/texts/<lang>/step.toml for the
session's language, formatted with keyword arguments (t("step.count", n=3) fills {n}). The language
comes from the URL (?lang=zh), else the session's choice, else the browser's language
(st.context.locale), else English. `engine_message(text)` translates the engine's English error
messages at the UI boundary (the engine stays English).
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
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Tuple

TEXTS = Path(__file__).resolve().parent / "texts"
LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT = "en"
LANG_KEY = "lang"                 # session-state key and URL parameter


def _flatten(prefix: str, table: dict, out: Dict[str, str]) -> None:
    for k, v in table.items():
        key = f"{prefix}.{k}"
        if isinstance(v, dict):
            _flatten(key, v, out)
        else:
            out[key] = v


@lru_cache(maxsize=None)
def catalogue(lang: str) -> Dict[str, str]:
    """Every key -> text of one language (read once per process; the files are immutable at run time)."""
    out: Dict[str, str] = {}
    for path in sorted((TEXTS / lang).glob("*.toml")):
        with open(path, "rb") as f:
            _flatten(path.stem, tomllib.load(f), out)
    return out


def _session_lang() -> str:
    try:
        import streamlit as st
    except ImportError:  # pragma: no cover
        return DEFAULT
    try:
        lang = st.session_state.get(LANG_KEY)
        if lang in LANGUAGES:
            return lang
        raw = st.query_params.get(LANG_KEY)
        if raw in LANGUAGES:
            return raw
        locale = (getattr(st.context, "locale", None) or "").lower()
    except Exception:  # outside a script run (doctests, bench)
        return DEFAULT
    return "zh" if locale.startswith("zh") else DEFAULT


def current_language() -> str:
    return _session_lang()


def t(key: str, lang: str | None = None, **values) -> str:
    """The text of key in the session's language (or lang), formatted with values.

    A key missing in that language falls back to English, then to the key itself (the catalogue
    test fails on either, so this is only a safety net for a running class).
    """
    lang = lang or _session_lang()
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT).get(key, key)
    return text.format(**values) if values else text


# ------------------------------------------------------------------------ engine messages
# (English pattern, key): the engine raises English messages; the UI shows them in the user's language.
# Each key's text may use the pattern's named groups.
ENGINE_PATTERNS: List[Tuple[str, str]] = []


def engine_message(text: str, lang: str | None = None) -> str:
    """An engine error message in the session's language (English unchanged; unknown messages unchanged)."""
    lang = lang or _session_lang()
    if lang == DEFAULT:
        return text
    for pattern, key in ENGINE_PATTERNS:
        m = re.search(pattern, text)
        if m:
            return t(key, lang, **m.groupdict())
    return text
