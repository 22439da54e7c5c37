"""lessons.benchmarks.read_user_list: the user's own word pairs, analogies and groups, read and checked, and a
sweep scored on them (issue 24.3: a Chinese corpus had no quality measure at all)."""

from __future__ import annotations

import pytest

from engine import read_corpus, sample_corpora
from lessons.benchmarks import read_user_list
from lessons.sweep import plan as sweep_plan
from lessons.sweep import run as sweep_run
from lessons.sweep import scores as sweep_scores


def test_pairs_are_read_with_a_bom_tabs_or_spaces_and_bad_lines_counted(tmp_path):
    data = "\ufeff# my pairs\nKing\tqueen\t8.5\nman woman 7\nbroken line\ncat dog nan\n".encode("utf-8")
    r = read_user_list("pairs", "mine.tsv", data, tmp_path)
    assert (r.items, r.skipped) == (2, 2)                      # 'broken line' and the nan score
    assert r.path.read_text(encoding="utf-8").splitlines() == ["king\tqueen\t8.5", "man\twoman\t7.0"]
    again = read_user_list("pairs", "copy.tsv", data, tmp_path)
    assert again.path == r.path and again.digest == r.digest   # named by content


def test_analogies_get_a_section_when_the_file_has_none(tmp_path):
    r = read_user_list("analogies", "a.txt", b"king man queen woman\nparis france rome italy\n", tmp_path)
    assert r.items == 2 and r.path.read_text(encoding="utf-8").startswith(": your analogies\n")


@pytest.mark.parametrize("kind, data, message", [
    ("pairs", b"just words here\n", "no lines 'word word score' found (line 1"),
    ("analogies", b": capitals\nparis france\n", "no questions 'a b c d' found (line 2"),
    ("groups", b"king royal\ncat animal\n", "at least two groups of two words"),
    ("pairs", "é".encode("latin-1") + b" x 1\n", "not UTF-8"),
    ("pairs", b"", "no lines 'word word score' found"),
])
def test_a_list_that_cannot_be_used_is_refused_by_name(kind, data, message, tmp_path):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        read_user_list(kind, "bad.txt", data, tmp_path)


def test_a_chinese_corpus_is_scored_on_the_users_own_lists(tmp_path):
    sentences = tuple(tuple(s) for s in read_corpus(sample_corpora()["chinese"]))
    words = sorted({w for s in sentences for w in s}, key=lambda w: -sum(s.count(w) for s in sentences))[:12]
    pairs = "\n".join(f"{a} {b} {i % 5}" for i, (a, b) in enumerate(zip(words, words[1:] * 3))).encode()
    own = read_user_list("pairs", "zh_pairs.txt", pairs * 3, tmp_path)
    groups = read_user_list("groups", "zh_groups.txt",
                            "\n".join(f"{w} {'g' + str(i % 3)}" for i, w in enumerate(words)).encode(), tmp_path)
    corpus = sweep_scores.SweepCorpus("sample:chinese|own", "chinese", sentences, groups=groups.groups,
                                      own_pairs=own.path, benchmarks=False)
    assert corpus.metrics() == ["groups", "own_pairs"]
    plan = sweep_plan.SweepPlan.make("window", [2], [1], dict(vector_size=8, epochs=2, min_count=1, sample=0.0))
    row = sweep_run.train_one(plan.runs()[0], corpus)
    assert row["status"] == "ok"
    assert 0.0 <= row["groups"] <= 1.0 and row["groups_coverage"] == 1.0
    assert row["own_pairs_coverage"] == 1.0 and row["own_pairs_pairs"] == own.items
