"""Text encodings of uploads and corpus files (engine/encoding.py, engine/corpus.py)."""

import codecs

import pytest

from engine import Word2Vec, decode_corpus_bytes, decode_text, encoding_label, read_corpus, sentences_from_bytes
from engine.corpus import HEAD_BYTES, check_text_bytes

SIMPLIFIED = "国王和王后住在北京的宫殿里。\n他们的儿子是王子，女儿是公主。\n我喜欢吃苹果和香蕉。\n"
TRADITIONAL = "國王和王后住在臺北的宮殿裡。\n他們的兒子是王子，女兒是公主。\n我喜歡吃蘋果和香蕉。\n"


@pytest.mark.parametrize("text, data, encoding, label", [
    (SIMPLIFIED, SIMPLIFIED.encode("utf-8"), "utf-8", "UTF-8"),
    (SIMPLIFIED, codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig", "UTF-8 with BOM"),
    (SIMPLIFIED, SIMPLIFIED.encode("utf-16"), "utf-16", "UTF-16"),                 # little-endian BOM
    (SIMPLIFIED, codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16", "UTF-16"),
    (SIMPLIFIED, SIMPLIFIED.encode("gbk"), "gbk", "GBK"),
    (SIMPLIFIED + "𠀀\n", (SIMPLIFIED + "𠀀\n").encode("gb18030"), "gb18030", "GB18030"),  # needs 4 bytes
    (TRADITIONAL, TRADITIONAL.encode("big5"), "big5", "Big5"),
    (TRADITIONAL, TRADITIONAL.encode("utf-8"), "utf-8", "UTF-8"),
    ("plain ascii text\n", b"plain ascii text\n", "utf-8", "UTF-8"),
])
def test_encodings_decode_to_the_same_text(text, data, encoding, label):
    assert decode_text(data, "f.txt") == (text, encoding)
    assert encoding_label(encoding) == label
    sentences, enc = decode_corpus_bytes(data, "f.txt")
    assert enc == encoding
    assert sentences == decode_corpus_bytes(text.encode("utf-8"), "f.txt")[0]
    assert sentences_from_bytes(data, "f.txt") == sentences


def test_short_gbk_and_big5_are_told_apart():
    assert decode_text("国王住在北京。".encode("gbk"))[1] == "gbk"
    assert decode_text("國王住在臺北。".encode("big5"))[1] == "big5"
    assert decode_text("國王住在臺北。".encode("gbk")) == ("國王住在臺北。", "gbk")  # traditional in GBK


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"\x00\x01\x02binary", "binary.*NUL"),
    (bytes(range(1, 32)) * 20, "binary"),                      # no NUL, but control codes
    (b"caf\xe9 latin-1 text", "not valid UTF-8 text .bad byte at position 3"),
    ("Müller und Söhne".encode("latin-1"), "UTF-8"),
    (codecs.BOM_UTF8 + b"ok \xff\xfe", "byte-order mark"),
])
def test_refused_bytes_name_the_file_and_problem(data, message):
    with pytest.raises(ValueError, match=message) as e:
        decode_corpus_bytes(data, name="upload.txt")
    assert "upload.txt" in str(e.value)
    with pytest.raises(ValueError, match=message):
        check_text_bytes(data, name="upload.txt")


def test_head_sample_may_end_inside_a_character():
    data = ("国王" * 100).encode("gbk")[:-1]                      # the last character is cut in half
    assert check_text_bytes(data, partial=True) == "国王" * 99 + "国"
    with pytest.raises(ValueError):
        decode_text(data)


def test_gbk_file_trains(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes((SIMPLIFIED * 20).encode("gbk"))
    corpus = read_corpus(p)
    assert corpus.encoding == "gbk"
    sentences = list(corpus)
    assert sentences[0] == ["国王", "和", "王后", "住", "在", "北京", "的", "宫殿", "里"]
    model = Word2Vec(vector_size=8, window=2, epochs=1, sample=0, seed=1).build_vocab(corpus)
    assert "王后" in model.vocab.key_to_index
    for _ in range(5):
        trace = model.step()
    assert trace.loss > 0


def test_big5_and_utf16_files_stream(tmp_path):
    for enc in ("big5", "utf-16"):
        p = tmp_path / f"{enc}.txt"
        p.write_bytes((TRADITIONAL * 3).encode(enc))
        corpus = read_corpus(p)
        assert corpus.encoding == enc
        assert list(corpus) == [s for s in decode_corpus_bytes(TRADITIONAL.encode("utf-8") * 3)[0]]


def test_bad_byte_after_the_head_names_file_offset_and_encoding(tmp_path):
    for enc, label in (("utf-8", "UTF-8"), ("gbk", "GBK")):
        line = "国王和王后住在北京。\n".encode(enc)
        good = line * (2 * HEAD_BYTES // len(line))
        p = tmp_path / f"late_{enc}.txt"
        p.write_bytes(good + b"\xff\xff" + line)
        corpus = read_corpus(p)                                   # the head is fine
        assert corpus.encoding == enc
        with pytest.raises(ValueError) as e:
            list(corpus)
        msg = str(e.value)
        assert p.name in msg and f"byte offset {len(good):,}" in msg and label in msg, msg
        with pytest.raises(ValueError, match="byte offset"):
            Word2Vec(vector_size=8, epochs=1).build_vocab(corpus)


def test_truncated_character_at_the_end_of_a_file(tmp_path):
    data = ("国王住在北京。\n" * 10000).encode("utf-8")
    p = tmp_path / "cut.txt"
    p.write_bytes(data + "王".encode("utf-8")[:2])
    with pytest.raises(ValueError, match=f"byte offset {len(data):,}"):
        list(read_corpus(p))


def test_directory_and_missing_paths(tmp_path):
    with pytest.raises(ValueError, match="is a directory"):
        read_corpus(tmp_path)
    with pytest.raises(ValueError, match="does not exist"):
        read_corpus(tmp_path / "nope.txt")


def test_gbk_upload_on_the_corpus_page_says_how_it_was_decoded(open_page):
    at = open_page("pages/02_corpus.py", sb_corpus="tiny")
    data = "国王和王后住在北京的宫殿里。\n王子和公主住在东京。\n".encode("gbk")
    at.file_uploader(key="corpus_upload").upload("royal_gbk.txt", data, "text/plain")
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    success = " ".join(str(e.value) for e in at.success)
    shown = " ".join(str(e.value) for kind in ("success", "info", "warning", "caption", "markdown")
                     for e in getattr(at, kind))
    assert "royal_gbk.txt" in success and "read as **GBK**" in shown, shown
    assert at.session_state["uploads"]["upload:royal_gbk.txt"].sentences[0] == ["国王", "和", "王后", "住", "在", "北京",
                                                                                 "的", "宫殿", "里"]
    at.file_uploader(key="corpus_upload").upload("plain.txt", "国王和王后。\n".encode("utf-8") * 2, "text/plain")
    at.run()
    shown = " ".join(str(e.value) for kind in ("success", "info", "warning", "caption", "markdown")
                     for e in getattr(at, kind))
    assert "not UTF-8" not in shown and "Read as UTF-8" in shown     # UTF-8: no warning, just the fact
