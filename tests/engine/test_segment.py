"""Chinese segmentation (engine/segment.py) through the tokenizer and readers of engine/corpus.py."""

import subprocess
import sys

import pytest

import engine
from engine import segment
from engine.corpus import read_corpus, sentences_from_text, tokenize
from engine.segment import SEGMENTERS, looks_unsegmented, tokens_per_type

# Written for this test, not taken from the sample corpus: a short travel story.
HELD_OUT = """去年秋天，我和朋友们从上海坐火车去北京旅行。北京是中国的首都，有很多历史悠久的建筑。
我们参观了故宫，听导游讲古代国王和王后的故事。导游说，过去的国王住在宫殿里，每天都有很多大臣来见他。
晚上我们在一家小饭馆吃饭，饭馆的老板很热情，给我们推荐了北京烤鸭。我们都觉得烤鸭很好吃。
第二天我们去爬长城，天气很好，风景非常美丽。朋友说他以后还想再来北京，我也觉得这次旅行很有意思。
回到上海以后，我给朋友们看了很多照片。他们说北京的秋天很美，明年也想去北京旅行。
听说国王的女儿是一位聪明的公主，她很喜欢读书，也喜欢在花园里散步。国王和王后都很爱她。
我们还买了一本书，书里讲的是一个年轻的王子和一个勇敢的公主的故事，我们在火车上读完了这本书。
下次旅行的时候，我们打算去西安看看兵马俑，再去南京吃小吃。
"""


def test_held_out_paragraph_is_cut_into_words():
    words = sentences_from_text(HELD_OUT)
    flat = [t for s in words for t in s]
    for known in ("北京", "国王", "王后", "公主", "上海", "旅行", "朋友"):
        assert known in flat, known
    assert tokens_per_type(words) > 1.6                       # words repeat: 北京 x6, 我们 x7, 的 ...
    unsegmented = sentences_from_text(HELD_OUT, segmenter="spaces")
    assert tokens_per_type(unsegmented) < 1.1                 # every clause is its own "word"
    assert looks_unsegmented(unsegmented) and not looks_unsegmented(words)
    assert sentences_from_text(HELD_OUT, segmenter="words") == words   # auto = words for Chinese


def test_each_segmenter():
    line = "国王住在北京。"
    assert tokenize(line, "words") == tokenize(line, "auto") == ["国王", "住", "在", "北京"]
    assert tokenize(line, "characters") == ["国", "王", "住", "在", "北", "京"]
    assert tokenize(line, "spaces") == ["国王住在北京"]
    assert tokenize("国王 住在 北京", "spaces") == ["国王", "住在", "北京"]   # already separated by spaces
    with pytest.raises(ValueError, match="segmenter must be one of"):
        tokenize(line, "jieba")
    with pytest.raises(ValueError, match="segmenter"):
        sentences_from_text(line, segmenter="chars")


def test_mixed_lines_keep_english_words_whole():
    for seg in ("auto", "words", "characters"):
        tokens = tokenize("我们用Word2Vec训练模型，king和queen的向量很接近。", seg)
        assert "word2vec" in tokens and "king" in tokens and "queen" in tokens, (seg, tokens)
    assert tokenize("Don't stop, 国王's crown") == ["don't", "stop", "国王", "s", "crown"]


def test_chinese_punctuation_is_dropped():
    text = "，。！？、；：“”‘’（）《》"
    assert tokenize(f"国王{text}王后") == ["国王", "王后"]
    assert tokenize("他说‘好’的") == ["他", "说", "好", "的"]          # ’ between Han characters is a quote
    assert tokenize("《国王》（王后）") == ["国王", "王后"]


def test_full_width_ascii_on_chinese_lines():
    assert tokenize("２０２４年，ｋｉｎｇ！") == ["2024", "年", "king"]
    assert tokenize("ｋｉｎｇ", "spaces") == ["ｋｉｎｇ"]       # no Han characters: unchanged, as before


def test_non_chinese_text_is_unchanged_by_every_segmenter():
    line = "The King's crown, 2 rings! Café Müller"
    expected = ["the", "king's", "crown", "2", "rings", "café", "müller"]
    for seg in SEGMENTERS:
        assert tokenize(line, seg) == expected


def test_read_corpus_segmenter(tmp_path):
    p = tmp_path / "zh.txt"
    p.write_text("国王住在北京。\n王后住在东京。\n", encoding="utf-8")
    assert list(read_corpus(p)) == [["国王", "住", "在", "北京"], ["王后", "住", "在", "东京"]]
    assert list(read_corpus(p, segmenter="characters"))[0] == ["国", "王", "住", "在", "北", "京"]
    assert list(read_corpus(p, segmenter="spaces")) == [["国王住在北京"], ["王后住在东京"]]
    with pytest.raises(ValueError, match="segmenter"):
        read_corpus(p, segmenter="jieba")


def test_tokens_per_type_and_unsegmented_thresholds():
    assert tokens_per_type([]) == 0.0
    assert tokens_per_type([["a", "b", "a", "a"]]) == 2.0
    short = [["国王住在北京的宫殿里"]] * 10
    assert not looks_unsegmented(short)                      # fewer than 30 tokens: no judgement
    english = [[f"word{i}"] for i in range(50)]
    assert not looks_unsegmented(english)                    # unique but not Chinese
    chinese = [[f"国王住在{i}号宫殿"] for i in range(50)]
    assert looks_unsegmented(chinese)


def test_jieba_loads_lazily_and_quietly():
    code = ("import sys, engine\n"
            "assert 'jieba' not in sys.modules\n"
            "engine.tokenize('king and queen')\n"
            "assert 'jieba' not in sys.modules\n"
            "print(engine.tokenize('国王和王后'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['国王', '和', '王后']"
    assert out.stderr == ""                                   # no "Building prefix dict ..." messages


def test_exports():
    for name in ("segment", "tokens_per_type", "looks_unsegmented", "SEGMENTERS"):
        assert hasattr(engine, name), name


def test_segment_module_does_not_import_streamlit():
    assert "streamlit" not in open(segment.__file__, encoding="utf-8").read()
