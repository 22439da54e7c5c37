"""The interview questions on the limits of one vector per word (lessons/interview/limits.py): each experiment,
run small, answers by its stated rule from its own measured numbers; the syntax-and-topic generator plants both
truths; the question table and the texts (ui/texts/*/interview.limits.toml, read as files) fit the results.
"""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from engine import read_corpus, sample_corpora, sample_groups
from lessons.interview import limits
from lessons.interview import questions
from lessons.interview import setup as iv_setup
from lessons.planted import MARKERS, PARTS_OF_SPEECH, THEMES, syntax_topic_corpus
from lessons.stats import compare_intervals
from ui.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
NEW = ("polysemy", "window_kind", "hs_ns", "norms")


def setup_of(name: str, groups: bool = True) -> iv_setup.Setup:
    return iv_setup.Setup(tuple(tuple(s) for s in read_corpus(sample_corpora()[name])), name,
                          sample_groups(name) if groups else None)


def texts(lang: str) -> dict:
    with open(ROOT / "ui" / "texts" / lang / "interview.limits.toml", "rb") as f:
        return tomllib.load(f)


def placeholders(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ------------------------------------------------------------------------------------------ the generator
def test_every_content_word_has_a_part_of_speech_and_a_topic_and_its_neighbours_mark_the_part_of_speech():
    c = syntax_topic_corpus(n_tokens=3_000, noise=0.1, seed=4)
    assert set(c.pos_of) == set(c.topic_of) and len(c.pos_of) == 4 * 4 * 3
    assert set(c.pos_of.values()) == set(PARTS_OF_SPEECH) and set(c.topic_of.values()) == set(THEMES[:4])
    for w in c.pos_of:
        assert w.startswith(c.topic_of[w] + "_" + c.pos_of[w])
    before = {"adj": MARKERS["det"], "verb": MARKERS["aux"]}
    after = {"noun": MARKERS["rel"], "adv": MARKERS["end"]}
    seen = {p: 0 for p in PARTS_OF_SPEECH}
    off_topic = content = 0
    for s in c.sentences:
        topics = [c.topic_of[w] for w in s if w in c.topic_of]
        main = max(set(topics), key=topics.count)
        off_topic += sum(t != main for t in topics)
        content += len(topics)
        for i, w in enumerate(s):
            pos = c.pos_of.get(w)
            if pos in before:
                assert s[i - 1] in before[pos], (w, s)
            if pos in after:
                assert s[i + 1] in after[pos], (w, s)
            if pos:
                seen[pos] += 1
    assert min(seen.values()) > 100
    assert 0.03 < off_topic / content < 0.15                       # noise 0.1: a few words of another topic
    assert c.sentences == syntax_topic_corpus(n_tokens=3_000, noise=0.1, seed=4).sentences
    assert c.sentences != syntax_topic_corpus(n_tokens=3_000, noise=0.1, seed=5).sentences


def test_the_generator_refuses_impossible_settings():
    with pytest.raises(ValueError, match="n_topics"):
        syntax_topic_corpus(n_topics=1)
    with pytest.raises(ValueError, match="noise"):
        syntax_topic_corpus(noise=1.0)


# ------------------------------------------------------------------------------------------ the experiments
def test_polysemy_answers_by_the_nearest_centroids_of_its_mean_cosines():
    r = limits.polysemy(seeds=(1, 2), tokens=6_000, epochs=3)
    mean = {g: float(np.mean(v)) for g, v in r["cosines"].items()}
    order = sorted(mean, key=mean.get, reverse=True)
    expected = ("between" if set(order[:2]) == set(limits.SENSES) else
                "one" if order[0] in limits.SENSES else "neither")
    assert r["truth"] == {"lands": expected}
    assert [row["group"] for row in r["rows"]] == order
    assert {row["sense"] for row in r["rows"] if row["group"] in limits.SENSES} == {"sense_1", "sense_2"}
    assert r["found"]["cos_a"] == pytest.approx(mean[limits.SENSES[0]])
    assert all(len(v) == 2 for v in r["cosines"].values())
    corpus, sentences, a, b = limits.polysemy_corpus(6_000)
    flat = [w for s in sentences for w in s]
    assert a not in flat and b not in flat
    assert flat.count(limits.TOKEN) == corpus.counts()[a] + corpus.counts()[b]


def test_landing_rule():
    assert limits.landing({"a": .5, "b": .4, "c": .1}, ("a", "b")) == "between"
    assert limits.landing({"a": .5, "c": .4, "b": .1}, ("a", "b")) == "one"
    assert limits.landing({"c": .5, "a": .4, "b": .3}, ("a", "b")) == "neither"


def test_window_kind_answers_by_intervals_of_the_measured_shares():
    r = limits.window_kind(seeds=(1, 2), tokens=4_000, epochs=2)
    for field, window in (("small", limits.WINDOWS[0]), ("large", limits.WINDOWS[1])):
        pos = [x["same_pos"] for x in r["rows"] if x["window"] == window]
        topic = [x["same_topic"] for x in r["rows"] if x["window"] == window]
        assert len(pos) == 2
        outcome = compare_intervals(pos, topic)["outcome"]
        assert r["truth"][field] == {"a": "syntactic", "b": "topical"}.get(outcome, "either")
    assert set(r["truth"]) == {"small", "large"}
    assert len(r["neighbours"][limits.WINDOWS[0]]) == 5


def test_hs_against_ns_answers_by_intervals_of_the_per_seed_precision():
    r = limits.hs_vs_ns(seeds=(1, 2), tokens=4_000, epochs=2)
    for part in ("rare", "frequent"):
        hs = [x[part] for x in r["rows"] if x["objective"] == "hierarchical_softmax"]
        ns = [x[part] for x in r["rows"] if x["objective"] == "negative_sampling"]
        outcome = compare_intervals(hs, ns)["outcome"]
        assert r["truth"][part] == {"a": "hs", "b": "ns"}.get(outcome, "either")
        assert hs == r["scores"]["hs"][part]
    assert len(r["rows"]) == 4


def test_norms_answer_by_the_sign_and_size_of_rho_and_by_intervals_of_quality():
    royalty = setup_of("royalty")
    r = limits.norms_and_dimension(royalty, seeds=(1, 2), budget=60_000)
    small, large = limits.SIZES
    rho = [x["rho"] for x in r["rows"] if x["vector_size"] == small]
    mean = float(np.mean(rho))
    assert r["truth"]["norm"] == ("longer" if mean >= limits.RHO_THRESHOLD else
                                  "shorter" if mean <= -limits.RHO_THRESHOLD else "none")
    q = {d: [x["quality"] for x in r["rows"] if x["vector_size"] == d] for d in (small, large)}
    outcome = compare_intervals(q[large], q[small])["outcome"]
    assert r["truth"]["dim"] == {"a": "higher", "b": "lower"}.get(outcome, "same")
    assert r["measure"] == "precision" and all(0 <= x <= 1 for x in q[small])
    # rho recomputed independently (scipy) from the same model
    m = iv_setup.reference_model(royalty, vector_size=small, budget=60_000, seed=1)
    norms = np.linalg.norm(m.W_in.astype(np.float64), axis=1)
    assert rho[0] == pytest.approx(spearmanr(np.log(m.vocab.counts), norms).statistic, abs=1e-9)


def test_norms_without_groups_score_minus_the_loss():
    r = limits.norms_and_dimension(setup_of("tiny", groups=False), seeds=(1, 2), budget=20_000)
    assert r["measure"] == "loss"
    assert all(x["quality"] == -x["loss"] for x in r["rows"])
    assert r["truth"]["norm"] in ("longer", "shorter", "none") and r["truth"]["dim"] in ("higher", "same", "lower")


def test_rules_and_verdicts():
    assert limits.norm_rule(0.3) == "longer" and limits.norm_rule(-0.3) == "shorter" and limits.norm_rule(0.29) == "none"
    assert limits.dimension_verdict([.8, .81, .82], [.6, .61, .62]) == "higher"
    assert limits.dimension_verdict([.6, .61, .62], [.8, .81, .82]) == "lower"
    assert limits.dimension_verdict([.6, .7, .8], [.65, .7, .75]) == "same"
    assert limits.objective_verdict([.3, .31, .32], [.6, .61, .62]) == "ns"
    assert limits.kind_verdict([.4, .41, .42], [1.0, .99, .98])["choice"] == "topical"


# ------------------------------------------------------------------------------------------ table and texts
def test_every_questions_text_is_filled_by_its_facts():
    """The four questions are in the table, and for every question (in both languages) the values its ask,
    setup and field labels quote are among the facts the page has before anything is trained."""
    assert set(NEW) <= set(questions.QUESTION_IDS)
    assert all(questions.QUESTION_BY_ID[q].heavy and questions.QUESTION_BY_ID[q].facts is not None for q in NEW)
    tiny = setup_of("tiny")
    for q in questions.QUESTIONS:
        facts = questions.facts(q, tiny, ("a", "b", "c"))
        for lang in ("en", "zh"):
            cat = catalogue(lang)
            for key in ("ask", "setup") + tuple(f"f_{f.name}" for f in q.fields):
                text = cat.get(f"interview.{q.id}.{key}")
                if text is not None:
                    assert placeholders(text) <= set(facts), (q.id, key, lang)
            for f in q.fields:
                assert all(f"interview.{q.id}.c_{c}" in cat for c in f.choices), (q.id, f.name)


def test_found_texts_use_only_the_values_an_experiment_returns():
    tiny = setup_of("tiny")
    runs = {"polysemy": limits.polysemy(seeds=(1,), tokens=3_000, epochs=1),
            "window_kind": limits.window_kind(seeds=(1,), tokens=2_000, epochs=1),
            "hs_ns": limits.hs_vs_ns(seeds=(1,), tokens=2_000, epochs=1),
            "norms": limits.norms_and_dimension(tiny, seeds=(1,), budget=5_000)}
    columns = set(texts("en")["col"]) | {"seed", "std", "objective", "rare", "frequent", "updates", "loss"}
    for qid, r in runs.items():
        q = questions.QUESTION_BY_ID[qid]
        assert set(r["truth"]) == {f.name for f in q.fields}
        assert all(f.valid(r["truth"][f.name]) for f in q.fields), qid
        values = {**questions.facts(q, tiny), **r["truth"], **r["found"]}
        for lang in ("en", "zh"):
            texts(lang)[qid]["found"].format(**values)
        assert {c for row in r["rows"] for c in row} <= columns, qid
        assert not set(r["found"]) & {f.name for f in q.fields}, qid         # no value hides a measured answer


def test_rule_texts_state_the_thresholds_the_code_uses():
    for lang in ("en", "zh"):
        rule = texts(lang)["norms"]["rule"]
        assert f"{limits.RHO_THRESHOLD}" in rule and f"−{limits.RHO_THRESHOLD}" in rule
        assert "95%" in texts(lang)["hs_ns"]["rule"] and "95%" in texts(lang)["window_kind"]["rule"]
