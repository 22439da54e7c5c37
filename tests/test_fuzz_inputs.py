"""Fuzzing what reaches the app from outside (issue 25): the URL / settings-JSON gate, the sweep value parser,
the interview's progress-code decoder, and the three file readers (corpus, word2vec vectors, benchmark lists).

Each property: the call works or raises a documented error (ValueError, TypeError, KeyError and their
subclasses; the sweep's SweepInputError is a ValueError; the decoder never raises), what it returns is what
the next floor accepts (a value the sidebar's widget takes, a checked setting, a possible prediction), and
no file is destroyed (a failed save leaves the existing file byte for byte). Profiles as in
tests/engine/test_fuzz.py ("ci" by default: derandomized, few examples; HYPOTHESIS_PROFILE=nightly: thousands).
"""

from __future__ import annotations

import base64
import json
import math
import zlib

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from engine import KeyedVectors, decode_corpus_bytes, parse_word2vec_bytes, read_corpus
from engine.config import SETTINGS
from lessons.benchmarks import USER_LIST_KINDS, read_user_list
from lessons.interview import questions
from lessons.sweep import plan as sweep_plan
from tests.engine.test_fuzz import DOCUMENTED          # noqa: F401  (importing it loads the Hypothesis profile)
from ui import settings as ui_settings

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
NUMBERISH = st.one_of(
    st.integers(-10**6, 10**6).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e400", "-1e400", "9" * 5000, "0x10", "1_000", " 3 ", "nan", "inf", "", "none", "true", "3.0",
                     "[x](https://evil.example)", "1..1e12", "1e-4..1e-1 x10", "0..1 step 0.25"]),
    TEXT)
JSON_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-(10**4000), 10**4000), st.floats(), TEXT,
                       st.lists(st.integers(), max_size=3))


def widget_takes(name: str, value) -> bool:
    row = ui_settings.SIDEBAR_BY_NAME[name]
    if row.setting.kind is str or row.options:
        return value in row.choices
    if row.setting.kind is bool:
        return type(value) is bool
    return type(value) is row.setting.kind and row.low <= value <= row.high


# ------------------------------------------------------------------------------ the URL and settings-JSON gate
@given(st.dictionaries(st.sampled_from(sorted(ui_settings.DEFAULTS) + ["colour", "iq"]),
                       st.one_of(NUMBERISH, JSON_VALUE), max_size=8))
def test_the_settings_gate_keeps_clamps_or_refuses_every_value_with_a_short_note(raw):
    choices = ["royalty", "tiny"]
    values, notes = ui_settings.sidebar_values(raw, dict(ui_settings.DEFAULTS), choices)
    for name, value in values.items():
        if name == "corpus":
            assert value in choices
        elif name in ui_settings.SIDEBAR_BY_NAME:
            assert widget_takes(name, value), (name, value)
            SETTINGS[name].check(value)                            # and the engine accepts it
    for note in notes:
        assert isinstance(note, str) and len(note) < 600, note
        assert "set_int_max_str_digits" not in note


# ------------------------------------------------------------------------------ the sweep's values
@given(st.sampled_from(sorted(sweep_plan.SWEEPABLE)), st.one_of(NUMBERISH, st.lists(NUMBERISH, max_size=4).map(", ".join)))
def test_sweep_values_parse_to_checked_values_or_a_sweep_input_error(name, text):
    try:
        values = sweep_plan.parse_values(name, text)
    except sweep_plan.SweepInputError as e:
        assert e.code and e.setting in (name, None) and len(str(e)) < 600
        return
    assert 1 <= len(values) <= sweep_plan.MAX_VALUES
    for value in values:
        assert SETTINGS[name].check(value) == value


# ------------------------------------------------------------------------------ the interview's progress codes
JSON_CODE_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-(10**500), 10**500), st.floats(), TEXT,
                            st.lists(st.integers(), max_size=3))        # (json.dumps refuses ints of 4,300+ digits)


def _code(obj) -> str:
    raw = json.dumps(obj, separators=(",", ":"), allow_nan=True) if not isinstance(obj, str) else obj
    return "1" + base64.urlsafe_b64encode(zlib.compress(raw.encode("utf-8", "surrogatepass"), 9)).decode().rstrip("=")


@given(st.one_of(TEXT, st.binary(max_size=200).map(lambda b: "1" + base64.urlsafe_b64encode(b).decode()),
                 st.dictionaries(st.integers(0, 40).map(str), st.lists(JSON_CODE_VALUE, max_size=5), max_size=6).map(_code),
                 st.integers(1, 3000).map(lambda n: _code("[" * n + "]" * n))))
def test_the_progress_decoder_never_raises_and_returns_only_possible_answers(code):
    answers = questions.decode_progress(code)
    for qid, answer in answers.items():
        q = questions.QUESTION_BY_ID[qid]
        assert not questions.complete(q, answer["p"]) and answer["ok"] in (True, False)
        for f in q.fields:
            value = answer["p"][f.name]
            assert f.kind == "choice" or math.isfinite(float(value))


# ------------------------------------------------------------------------------ the three file readers
LINES = st.lists(st.one_of(TEXT, st.sampled_from(["king\tqueen\t8", "8\tking\tqueen", "king queen", ": section",
                                                  "king queen man woman", "# comment", "king\tqueen\tnan", ""])),
                 max_size=8).map("\n".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "gbk"])


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@given(st.one_of(st.binary(max_size=300), st.tuples(LINES, ENCODINGS).map(lambda a: _encode(*a))))
def test_the_corpus_reader_reads_or_names_the_problem(tmp_path_factory, data):
    try:
        corpus = decode_corpus_bytes(data, "up.txt")
    except DOCUMENTED as e:
        assert "up.txt" in str(e) or str(e)
    else:
        assert corpus is not None
    path = tmp_path_factory.mktemp("corpus") / "c.txt"
    path.write_bytes(data)
    try:
        sentences = [s for s in read_corpus(path)]
    except DOCUMENTED as e:
        assert str(e)
    else:
        assert all(isinstance(w, str) and w for s in sentences for w in s)
    assert path.read_bytes() == data                        # reading never changes the file


KV = KeyedVectors(["king", "Queen", "man", "woman", "apple"],
                  np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0.1, 0.9, 0], [0, 0, 1]], dtype=np.float32))


@given(st.tuples(LINES, ENCODINGS).map(lambda a: _encode(*a)), st.booleans())
def test_benchmark_list_readers_score_or_name_the_problem(tmp_path_factory, data, case_insensitive):
    path = tmp_path_factory.mktemp("lists") / "list.txt"
    path.write_bytes(data)
    for call in (lambda: KV.evaluate_word_pairs(path, case_insensitive=case_insensitive),
                 lambda: KV.word_pair_details(path, case_insensitive=case_insensitive),
                 lambda: KV.evaluate_word_analogies(path, case_insensitive=case_insensitive)):
        try:
            out = call()
        except DOCUMENTED as e:
            assert str(e)
            continue
        if isinstance(out, tuple) and len(out) == 3:          # ((pearson, p), spearman, oov percent)
            assert 0.0 <= out[2] <= 100.0
    for kind in USER_LIST_KINDS:
        try:
            read_user_list(kind, "list.txt", data, folder=tmp_path_factory.mktemp("norm"))
        except DOCUMENTED as e:
            assert str(e)
    assert path.read_bytes() == data


WORDS = st.lists(st.one_of(st.sampled_from(["king", "a b", "", "x\ud800", "tab\tx", "国王"]),
                           st.text(max_size=5)), min_size=1, max_size=5, unique=True)


@given(WORDS, st.booleans(), st.binary(min_size=1, max_size=50))
def test_a_save_works_or_raises_and_never_destroys_the_file_that_was_there(tmp_path_factory, words, binary, old):
    folder = tmp_path_factory.mktemp("save")
    path, vec, meta = folder / "v.w2v", folder / "vectors.tsv", folder / "metadata.tsv"
    for p in (path, vec, meta):
        p.write_bytes(old)
    kv = KeyedVectors(words, np.arange(len(words) * 2, dtype=np.float32).reshape(-1, 2))
    try:
        kv.save_word2vec_format(path, binary=binary)
    except DOCUMENTED:
        assert path.read_bytes() == old
    else:
        back = parse_word2vec_bytes(path.read_bytes(), name="v.w2v")
        assert back.index_to_key == words
    try:
        kv.save_projector_tsv(vec, meta)
    except DOCUMENTED:
        assert vec.read_bytes() == old and meta.read_bytes() == old
    assert sorted(p.name for p in folder.iterdir()) == ["metadata.tsv", "v.w2v", "vectors.tsv"]   # no temp left
