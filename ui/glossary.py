"""The glossary panel: each term once, in the session's language, with the other language's word and the names
word2vec.c and gensim use (ui/texts/glossary.toml is the source of truth; tests/ui/test_glossary.py checks
that the Chinese texts use one word per concept).

What it does not do: translate anything else (ui.i18n does).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import streamlit as st

from ui.i18n import current_language, t

GLOSSARY = Path(__file__).resolve().parent / "texts" / "glossary.toml"


@lru_cache(maxsize=1)
def entries() -> Dict[str, dict]:
    """term id -> its entry (en, zh, zh_not, word2vec_c, gensim, note_en, note_zh), in the file's order."""
    with open(GLOSSARY, "rb") as f:
        return tomllib.load(f)


def rows(lang: str) -> List[dict]:
    """The glossary as table rows in `lang` (column names translated).

    >>> rows("en")[0][t("glossary.col_term", "en")], rows("en")[0][t("glossary.col_other", "en")]
    ('token', '词元')
    """
    other = "zh" if lang == "en" else "en"
    return [{t("glossary.col_term", lang): e[lang], t("glossary.col_other", lang): e[other],
             t("glossary.col_meaning", lang): e[f"note_{lang}"], "word2vec.c": e["word2vec_c"], "gensim": e["gensim"]}
            for e in entries().values()]


def panel(container=st) -> None:
    """An expander with the glossary table, in the session's language."""
    import pandas as pd

    lang = current_language()
    with container.expander(t("glossary.title"), icon=":material/menu_book:"):
        st.caption(t("glossary.intro"))
        table = pd.DataFrame(rows(lang))
        st.table(table.set_index(table.columns[0]))          # a static table: long meanings wrap, nothing is cut
