"""ui/texts/glossary.toml: one word per concept. The Chinese catalogue uses each term's chosen word and none
of the words the glossary rules out; every entry has both languages and its names elsewhere."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ui.i18n import catalogue, t

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = tomllib.loads((ROOT / "ui" / "texts" / "glossary.toml").read_text(encoding="utf-8"))


def test_every_entry_names_the_term_in_both_languages_and_elsewhere():
    assert len(GLOSSARY) >= 12
    for term, entry in GLOSSARY.items():
        for key in ("en", "zh", "zh_not", "word2vec_c", "gensim", "note_en", "note_zh"):
            assert key in entry, (term, key)
        assert entry["zh"] not in entry["zh_not"], term


def _offenders(texts: dict, entry: dict) -> dict:
    return {k: w for k, v in texts.items() for w in entry["zh_not"] if isinstance(v, str) and w in v}


@pytest.mark.parametrize("term", sorted(GLOSSARY))
def test_the_chinese_texts_use_one_word_for_each_glossary_term(term):
    found = _offenders(catalogue("zh"), GLOSSARY[term])
    assert not found, f"{term}: use {GLOSSARY[term]['zh']!r}, not {found}"


def test_the_check_finds_a_second_word():
    """The check can fail: a catalogue that says 词次 for "token" is caught."""
    assert _offenders({"x.y": "T 是词次总数"}, GLOSSARY["token"]) == {"x.y": "词次"}


def test_the_chosen_chinese_words_are_in_use():
    zh = "\n".join(v for v in catalogue("zh").values() if isinstance(v, str))
    for term in ("token", "planted", "architecture", "subsampling", "negative_sampling", "huffman_tree",
                 "precision_at_5"):
        assert GLOSSARY[term]["zh"].split("（")[0] in zh, term


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_interview_page_shows_the_glossary_in_the_sessions_language(open_page, lang):
    at = open_page("pages/11_interview.py", sb_corpus="tiny", lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.table if d.value.index.name == t("glossary.col_term", lang)).reset_index()
    assert len(table) == len(GLOSSARY)
    term, other = table.columns[0], table.columns[1]
    mine, theirs = ("en", "zh") if lang == "en" else ("zh", "en")
    assert list(table[term]) == [e[mine] for e in GLOSSARY.values()]
    assert list(table[other]) == [e[theirs] for e in GLOSSARY.values()]
    assert list(table["gensim"]) == [e["gensim"] for e in GLOSSARY.values()]
