"""lessons/sweep/: values in, plans, runs, the cache, the shared cores, stopping, summaries and the verdict."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from engine import KeyedVectors, Word2Vec, read_corpus, sample_analogies, sample_corpora, sample_groups
from lessons.measures import MIN_PAIRS
from lessons.sweep import plan as sweep_plan
from lessons.sweep import run as sweep_run
from lessons.sweep import scores as sweep_scores
from engine.config import SETTINGS, Config

TINY_BASE = dict(architecture="skipgram", objective="negative_sampling", vector_size=8, window=2, negative=3,
                 sample=0.0, min_count=1, alpha=0.05, epochs=2, init_scale=1.0)


def sample(name: str) -> sweep_scores.SweepCorpus:
    sentences = tuple(tuple(s) for s in read_corpus(sample_corpora()[name]))
    return sweep_scores.SweepCorpus(f"sample:{name}", name, sentences, groups=sample_groups(name) or None,
                          analogies=sample_analogies(name))


# ------------------------------------------------------------------------------------------ values
@pytest.mark.parametrize("name, text, expected", [
    ("window", "1, 2, 5", [1, 2, 5]),
    ("window", "5 1 2 2", [1, 2, 5]),                           # spaces, repeats, sorted
    ("window", "1..4", [1, 2, 3, 4]),
    ("window", "1..3; 8", [1, 2, 3, 8]),
    ("ns_exponent", "0..1 step 0.25", [0.0, 0.25, 0.5, 0.75, 1.0]),
    ("alpha", "0.01..1 x10", [0.01, 0.1, 1.0]),
    ("sample", "0, 1e-5..1e-3 *10", [0.0, 1e-5, 1e-4, 1e-3]),
    ("vector_size", "10，20、50", [10, 20, 50]),                   # Chinese commas
    ("architecture", "cbow, skipgram", ["cbow", "skipgram"]),    # choices keep their order
    ("shrink_windows", "false, true", [False, True]),
])
def test_parse_values_reads_lists_and_ranges(name, text, expected):
    assert sweep_plan.parse_values(name, text) == expected


@pytest.mark.parametrize("name, text, code, item", [
    ("window", "", "empty", None),
    ("window", "2.5", "not_allowed", "2.5"),
    ("window", "1, 0", "not_allowed", "0"),
    ("window", "abc", "not_allowed", "abc"),
    ("alpha", "0", "not_allowed", "0"),
    ("architecture", "cbow, sg", "not_allowed", "sg"),
    ("ns_exponent", "0..1", "bad_range", "0..1"),                # no step for non-integers
    ("window", "5..1", "bad_range", "5..1"),
    ("window", "1..x", "bad_range", "1..x"),
    ("ns_exponent", "0..1 step 0", "bad_step", "0..1 step 0"),
    ("alpha", "0..1 x10", "bad_step", "0..1 x10"),
    ("window", "1..20", "too_many", None),
    ("epochs", "1..100 step 1", "too_many", "1..100 step 1"),
])
def test_bad_values_are_refused_naming_the_item(name, text, code, item):
    with pytest.raises(sweep_plan.SweepInputError) as e:
        sweep_plan.parse_values(name, text)
    assert e.value.code == code
    assert e.value.setting == name
    if item is not None:
        assert e.value.item == item
        assert item in str(e.value)


@pytest.mark.parametrize("name,text,code,fragment", [
    ("alpha", "1e400..1e400", "not_finite", "is infinite"),                  # was OverflowError
    ("window", "1e400..1e401", "not_finite", "give finite numbers"),
    ("alpha", "0.1..0.2 step 1e400", "not_finite", "is infinite"),
    ("window", "1..1e12", "too_many", "1,000,000,000,000 values"),          # was MemoryError: counted first now
    ("window", "1..3000000", "too_many", "3,000,000 values"),               # was 115 MB before the refusal
    ("alpha", "0..1 step 1e-320", "too_many", "too many values"),           # (b - a) / step is inf
    ("alpha", "1e-320..1e308 x1.0001", "too_many", "values"),               # b / a overflows: logs subtracted
    ("alpha", "9" * 5000, "not_allowed", "(5,002 characters) is not allowed"),
])
def test_huge_ranges_are_counted_before_any_list_is_built(name, text, code, fragment):
    import tracemalloc

    tracemalloc.start()
    with pytest.raises(sweep_plan.SweepInputError) as e:
        sweep_plan.parse_values(name, text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert e.value.code == code and fragment in str(e.value) and len(str(e.value)) < 300
    assert peak < 1_000_000


def test_the_sweep_page_words_a_huge_range_in_both_languages():
    from ui.i18n import t
    from ui.views.hyperparameters.controls import error_text

    for text in ("1e400..1e400", "9" * 5000 + "..1"):
        with pytest.raises(sweep_plan.SweepInputError) as e:
            sweep_plan.parse_values("window", text)
        for lang in ("en", "zh"):
            shown = error_text(e.value) if lang == "en" else t("sweep.err.not_finite", "zh", name="window", item="x")
            assert "{" not in shown and len(shown) < 300


def test_a_value_the_engine_refuses_carries_the_engines_message():
    with pytest.raises(sweep_plan.SweepInputError) as e:
        sweep_plan.parse_values("negative", "5, 101")
    assert "negative must be an integer in [0, 100]" in str(e.value)


def test_every_sweepable_settings_suggestions_and_defaults_are_values_the_engine_accepts():
    for name, spec in sweep_plan.SWEEPABLE.items():
        assert name in SETTINGS or name in sweep_plan.CORPUS_SETTINGS          # the engine's, or the corpus's
        setting = sweep_plan.setting_of(name)
        assert sweep_plan.parse_values(name, sweep_plan.values_text(spec.suggested)) == list(
            spec.suggested if spec.categorical else sorted(spec.suggested))
        for arch in ("skipgram", "cbow"):
            ref = sweep_plan.reference(name, {"architecture": arch})
            for v in (ref["word2vec_c"], ref["gensim"]):
                assert setting.check(v) == v
            rec = ref["recommended"]
            for v in (rec if isinstance(rec, tuple) else () if rec is None else (rec,)):
                assert setting.check(v) == v
            assert ref["source"]


def test_references_follow_word2vec_c_and_gensim():
    assert sweep_plan.reference("alpha", {"architecture": "skipgram"})["word2vec_c"] == 0.025
    assert sweep_plan.reference("alpha", {"architecture": "cbow"})["word2vec_c"] == 0.05
    assert sweep_plan.reference("alpha", {"architecture": "cbow"})["gensim"] == 0.025
    assert sweep_plan.reference("window")["word2vec_c"] == 5 and sweep_plan.reference("negative")["gensim"] == 5
    assert sweep_plan.reference("ns_exponent")["recommended"] == 0.75
    assert sweep_plan.reference("architecture")["word2vec_c"] == "cbow"


# ------------------------------------------------------------------------------------------ plans
def test_plan_lists_every_run_seed_major_with_the_swept_values_and_the_base():
    plan = sweep_plan.SweepPlan.make("window", [3, 1], [7, 8], {**TINY_BASE, "seed": 99, "workers": 2})
    runs = plan.runs()
    assert [(r.value, r.seed) for r in runs] == [(1, 7), (3, 7), (1, 8), (3, 8)]
    assert [r.index for r in runs] == [0, 1, 2, 3]
    for r in runs:
        kw = r.kwargs
        assert kw["window"] == r.value and kw["seed"] == r.seed and kw["workers"] == 1
        assert all(kw[k] == v for k, v in TINY_BASE.items() if k != "window")


def test_a_2d_plan_crosses_both_settings_and_workers_follow_the_strategy():
    plan = sweep_plan.SweepPlan.make("window", [1, 2], [1], TINY_BASE, "architecture", ["skipgram", "cbow"],
                             strategy="workers2")
    runs = plan.runs()
    assert {(r.value, r.colour) for r in runs} == {(1, "skipgram"), (1, "cbow"), (2, "skipgram"), (2, "cbow")}
    assert all(r.kwargs["architecture"] == r.colour and r.kwargs["workers"] == 2 for r in runs)


@pytest.mark.parametrize("kwargs, code", [
    (dict(setting="negative", values=[0, 5]), "combination"),               # NS needs k >= 1
    (dict(setting="window", values=list(range(1, 11)), colour_setting="epochs",
          colour_values=list(range(1, 6)), seeds=[1, 2, 3]), "too_many_runs"),
    (dict(setting="window", values=[1], colour_setting="window", colour_values=[2]), "same_setting"),
    (dict(setting="window", values=[1], seeds=[]), "no_seeds"),
    (dict(setting="workers", values=[1]), "not_sweepable"),
])
def test_plans_that_cannot_run_are_refused_with_a_code(kwargs, code):
    args = {"seeds": [1], "base": TINY_BASE, **kwargs}
    with pytest.raises(sweep_plan.SweepInputError) as e:
        sweep_plan.SweepPlan.make(**args)
    assert e.value.code == code


# ------------------------------------------------------------------------------------------ scores
def test_the_groups_score_is_one_for_vectors_that_put_each_group_together():
    groups = {"a1": "a", "a2": "a", "a3": "a", "b1": "b", "b2": "b", "b3": "b"}
    words = list(groups) + ["filler"]
    rng = np.random.default_rng(0)
    centre = {"a": np.array([1.0, 0, 0]), "b": np.array([0, 1.0, 0])}
    vecs = np.array([centre[groups[w]] + 0.05 * rng.standard_normal(3) if w in groups else [0, 0, 1.0]
                     for w in words])
    kv = KeyedVectors(words, vecs.astype(np.float32))
    assert sweep_scores.groups_score(kv, groups) == (1.0, 1.0)
    scrambled = KeyedVectors(words, rng.standard_normal((len(words), 3)).astype(np.float32))
    assert sweep_scores.groups_score(scrambled, groups)[0] < 1.0
    p, cov = sweep_scores.groups_score(kv, {**groups, "missing": "a"})
    assert p == 1.0 and cov == pytest.approx(6 / 7)


def test_a_sample_corpus_is_scored_on_its_groups_and_analogies_with_coverage():
    corpus = sample("royalty")
    assert corpus.metrics()[:2] == ["groups", "analogies"]
    plan = sweep_plan.SweepPlan.make("window", [2], [1], {**TINY_BASE, "epochs": 5})
    row = sweep_run.run_sweep(plan, corpus, slots=None)[0]
    assert row["status"] == "ok"
    assert 0 <= row["groups"] <= 1 and row["groups_coverage"] == 1.0
    assert 0 <= row["analogies"] <= 1 and 0 < row["analogies_coverage"] <= 1
    if "wordsim353" in corpus.metrics():          # gensim's lists: far too few pairs in a tiny vocabulary
        assert np.isnan(row["wordsim353"]) and row["wordsim353_pairs"] < MIN_PAIRS
        assert 0 <= row["wordsim353_coverage"] < 0.1


def test_a_planted_corpus_is_scored_against_its_truth():
    from lessons.planted import planted_corpus
    planted = planted_corpus(n_tokens=3000, n_groups=3, group_size=5, seed=2)
    corpus = sweep_scores.SweepCorpus("planted:test", "planted", planted.sentences, planted=planted, benchmarks=False)
    assert corpus.metrics() == ["planted"]
    row = sweep_run.run_sweep(sweep_plan.SweepPlan.make("epochs", [3], [1], TINY_BASE), corpus, slots=None)[0]
    assert 0 <= row["planted"] <= 1 and row["planted_coverage"] == 1.0


# ------------------------------------------------------------------------------------------ running
def test_rows_carry_time_speed_and_loss_and_workers_1_runs_are_reproducible():
    corpus = sample("tiny")
    plan = sweep_plan.SweepPlan.make("window", [1, 3], [1, 2], TINY_BASE)
    a = sorted(sweep_run.run_sweep(plan, corpus, slots=None), key=lambda r: r["index"])
    b = sorted(sweep_run.run_sweep(plan, corpus, slots=None), key=lambda r: r["index"])
    assert [r["index"] for r in a] == [0, 1, 2, 3]
    for ra, rb in zip(a, b):
        assert ra["time"] > 0 and ra["words_per_sec"] > 0 and ra["examples"] > 0 and np.isfinite(ra["final_loss"])
        for key in ("final_loss", "groups", "examples", "V"):
            assert ra[key] == rb[key]
    # a wider window makes more pairs, so more updates
    assert a[1]["examples"] > a[0]["examples"]


def test_the_cache_returns_the_same_numbers_without_training(monkeypatch):
    corpus = sample("tiny")
    cache = sweep_run.ResultCache()
    plan = sweep_plan.SweepPlan.make("negative", [1, 4], [1, 2], TINY_BASE)
    first = {r["index"]: r for r in sweep_run.run_sweep(plan, corpus, cache=cache, slots=None)}
    assert cache.misses == 4 and cache.hits == 0 and len(cache) == 4

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(sweep_run, "train_one", no_training)
    second = {r["index"]: r for r in sweep_run.run_sweep(plan, corpus, cache=cache, slots=None)}
    assert cache.hits == 4
    for i, row in second.items():
        assert row["cached"] and not first[i]["cached"]
        assert {k: v for k, v in row.items() if k != "cached"} == {k: v for k, v in first[i].items() if k != "cached"}
    # another corpus, another seed or another setting is another entry
    other = sweep_plan.SweepPlan.make("negative", [1], [3], TINY_BASE)
    with pytest.raises(AssertionError, match="trained again"):
        sweep_run.run_sweep(other, corpus, cache=cache, slots=None)


def test_the_cache_forgets_the_least_recently_used_rows():
    cache = sweep_run.ResultCache(maxsize=2)
    runs = sweep_plan.SweepPlan.make("window", [1, 2, 3], [1], TINY_BASE).runs()
    for r in runs[:2]:
        cache.put("c", r, {"index": r.index, "value": r.value})
    assert cache.get("c", runs[0]) is not None          # runs[0] is now the most recent
    cache.put("c", runs[2], {"index": 2, "value": 3})
    assert cache.get("c", runs[1]) is None and cache.get("c", runs[0]) is not None and len(cache) == 2


def test_stop_keeps_the_finished_runs_and_leaves_no_partial_one():
    corpus = sample("royalty")
    plan = sweep_plan.SweepPlan.make("window", [1, 2, 3, 4, 5], [1, 2], {**TINY_BASE, "epochs": 40})
    out: list = []
    rows = sweep_run.run_sweep(plan, corpus, stop=lambda: len(out) >= 1, out=out, slots=None)
    assert rows is out
    assert 1 <= len(rows) < len(plan.runs())
    for r in rows:
        assert r["status"] == "ok" and np.isfinite(r["final_loss"]) and r["examples"] > 0


def test_a_run_the_engine_refuses_or_that_diverges_is_an_error_row_and_the_sweep_goes_on():
    corpus = sample("tiny")
    rows = sweep_run.run_sweep(sweep_plan.SweepPlan.make("min_count", [1, 1000], [1], TINY_BASE), corpus, slots=None)
    by = {r["value"]: r for r in rows}
    assert by[1]["status"] == "ok"
    assert by[1000]["status"] == "error" and "min_count" in by[1000]["error"]
    rows = sweep_run.run_sweep(sweep_plan.SweepPlan.make("alpha", [0.05, 1e6], [1], TINY_BASE), corpus, slots=None)
    by = {r["value"]: r for r in rows}
    assert by[0.05]["status"] == "ok" and by[1e6]["status"] == "error"
    assert {s["value"]: s["n"] for s in sweep_scores.summarize(rows, "final_loss")} == {0.05: 1, 1e6: 0}  # no number


# ------------------------------------------------------------------------------------------ cores
def test_slot_pool_never_gives_more_slots_than_it_has_and_serves_in_order():
    pool = sweep_run.SlotPool(2)
    busy, most, order = [0], [0], []
    lock = threading.Lock()

    def job(name, k, hold):
        with pool.slots(k) as got:
            assert got
            with lock:
                busy[0] += k
                most[0] = max(most[0], busy[0])
                order.append(name)
            time.sleep(hold)
            with lock:
                busy[0] -= k

    assert pool.acquire(2)                              # everything taken: the others queue in order
    threads = []
    for name, k in [("a", 2), ("b", 1), ("c", 1)]:
        th = threading.Thread(target=job, args=(name, k, 0.05))
        th.start()
        threads.append(th)
        time.sleep(0.05)
    assert pool.waiting == 3
    pool.release(2)
    for th in threads:
        th.join(5)
    assert order[0] == "a" and sorted(order) == ["a", "b", "c"]
    assert most[0] <= 2 and pool.free == 2


def test_a_wait_for_a_slot_ends_when_stop_says_so():
    pool = sweep_run.SlotPool(1)
    assert pool.acquire(1)
    waited = []
    t0 = time.perf_counter()
    assert pool.acquire(1, stop=lambda: time.perf_counter() - t0 > 0.2, on_wait=lambda: waited.append(1)) is False
    assert waited == [1] and pool.waiting == 0


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="this system has no per-thread nice (os.setpriority)")
def test_the_sweep_threads_run_at_a_lower_priority_and_threads_they_start_inherit_it():
    seen = {}

    def child():
        seen["child"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def parent():
        me = threading.get_native_id()
        seen["before"] = os.getpriority(os.PRIO_PROCESS, me)
        seen["ok"] = sweep_run.lower_thread_priority(3)
        seen["after"] = os.getpriority(os.PRIO_PROCESS, me)
        th = threading.Thread(target=child)
        th.start()
        th.join()

    th = threading.Thread(target=parent)
    th.start()
    th.join()
    if seen["before"] >= 19:
        pytest.skip("this process already runs at the lowest priority (nice 19)")
    assert seen["ok"] and seen["after"] == min(19, seen["before"] + 3) and seen["child"] == seen["after"]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == seen["before"]   # not this thread


def test_a_job_runs_in_the_background_and_stop_keeps_its_finished_rows():
    corpus = sample("royalty")
    plan = sweep_plan.SweepPlan.make("window", [1, 2, 3, 4, 5], [1, 2, 3], {**TINY_BASE, "epochs": 40})
    job = sweep_run.SweepJob(plan, corpus, slots=sweep_run.SlotPool(2)).start()
    assert job.running
    deadline = time.time() + 120
    while not job.snapshot()["rows"] and time.time() < deadline:
        time.sleep(0.05)
    job.stop()
    assert job.wait(60)
    snap = job.snapshot()
    assert snap["state"] == "stopped" and 1 <= snap["done"] < snap["total"] == 15
    assert [r["index"] for r in snap["rows"]] == sorted(r["index"] for r in snap["rows"])
    assert all(r["status"] == "ok" for r in snap["rows"])


def test_a_job_that_finishes_is_done_with_every_row():
    job = sweep_run.SweepJob(sweep_plan.SweepPlan.make("window", [1, 2], [1], TINY_BASE), sample("tiny"), slots=None).start()
    assert job.wait(60)
    snap = job.snapshot()
    assert snap["state"] == "done" and snap["done"] == snap["total"] == 2 and snap["fraction"] == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------ summaries
def rows_of(values_by_value: dict, metric="groups"):
    rows = []
    for value, xs in values_by_value.items():
        for seed, x in enumerate(xs, 1):
            rows.append({"value": value, "colour": None, "seed": seed, "status": "ok", metric: x})
    return rows


def test_summarize_gives_mean_and_standard_deviation_over_seeds():
    s = sweep_scores.summarize(rows_of({1: [0.2, 0.4], 2: [0.5], 3: [float("nan"), 0.9]}), "groups")
    assert [(p["value"], p["n"]) for p in s] == [(1, 2), (2, 1), (3, 1)]
    assert s[0]["mean"] == pytest.approx(0.3) and s[0]["std"] == pytest.approx(np.std([0.2, 0.4], ddof=1))
    assert s[1]["std"] == 0.0 and s[2]["mean"] == pytest.approx(0.9)


def test_the_verdict_separates_gaps_larger_than_the_spread_from_noise():
    rows = rows_of({1: [0.50, 0.52, 0.48], 2: [0.80, 0.82, 0.78], 3: [0.70, 0.90, 0.80]})
    v = sweep_scores.sweep_verdict(sweep_scores.summarize(rows, "groups"), "groups")[0]
    assert v["best"]["value"] == 2 and v["clearly"] == [1] and v["within"] == [3] and v["seeds"] == 3
    assert sweep_scores.best_point(sweep_scores.summarize(rows, "groups"), "groups")["value"] == 2


def test_for_time_and_loss_lower_is_better():
    rows = rows_of({1: [3.0, 3.1], 2: [1.0, 1.1]}, metric="time")
    assert sweep_scores.best_point(sweep_scores.summarize(rows, "time"), "time")["value"] == 2
    assert sweep_scores.sweep_verdict(sweep_scores.summarize(rows, "time"), "time")[0]["clearly"] == [1]


def test_with_one_seed_the_verdict_claims_nothing():
    v = sweep_scores.sweep_verdict(sweep_scores.summarize(rows_of({1: [0.1], 2: [0.9]}), "groups"), "groups")[0]
    assert v["best"]["value"] == 2 and v["seeds"] == 1 and v["clearly"] == [] and v["within"] == []


def test_a_2d_verdict_has_one_line_per_colour():
    rows = [{"value": v, "colour": c, "seed": s, "status": "ok", "groups": x}
            for (v, c, x) in [(1, "a", 0.1), (2, "a", 0.9), (1, "b", 0.8), (2, "b", 0.2)] for s in (1, 2)]
    out = {v["colour"]: v["best"]["value"] for v in sweep_scores.sweep_verdict(sweep_scores.summarize(rows, "groups"), "groups")}
    assert out == {"a": 2, "b": 1}
    best = sweep_scores.best_point(sweep_scores.summarize(rows, "groups"), "groups")
    assert (best["value"], best["colour"]) == (2, "a")


def test_tokens_key_names_the_text():
    assert sweep_scores.tokens_key([["a", "b"], ["c"]]) == sweep_scores.tokens_key((("a", "b"), ("c",)))
    assert sweep_scores.tokens_key([["a", "b"], ["c"]]) != sweep_scores.tokens_key([["a"], ["b", "c"]])


def test_config_defaults_of_the_engine_are_what_the_table_calls_gensims_where_they_agree():
    # the engine follows gensim 4 for these (README: "Our parameters, gensim's and word2vec.c's")
    c = Config()
    for name in ("negative", "ns_exponent", "alpha", "epochs", "sample"):
        assert getattr(c, name) == sweep_plan.reference(name)["gensim"], name


def test_a_reused_run_is_labelled_by_the_sweep_being_shown(monkeypatch):
    """Issue 21.2: a vector_size sweep, then vector_size x negative: the negative = 3 runs (the base's value,
    run by the first sweep) come from the cache with the second sweep's labels, not the first's."""
    corpus = sample("tiny")
    cache = sweep_run.ResultCache()
    first_plan = sweep_plan.SweepPlan.make("vector_size", [8, 12], [1], TINY_BASE)
    first = sweep_run.run_sweep(first_plan, corpus, cache=cache, slots=None)
    assert all(r["colour"] is None for r in first)
    second_plan = sweep_plan.SweepPlan.make("vector_size", [8, 12], [1], TINY_BASE, colour_setting="negative",
                                    colour_values=[1, TINY_BASE["negative"]])
    second = sweep_run.run_sweep(second_plan, corpus, cache=cache, slots=None)
    assert cache.hits == 2 and len(second) == 4
    by_index = {r["index"]: r for r in second}
    for run in second_plan.runs():
        row = by_index[run.index]
        assert (row["value"], row["colour"], row["seed"]) == (run.value, run.colour, run.seed)
        assert row["cached"] == (run.colour == TINY_BASE["negative"])
    # the measured numbers of a reused run are the first sweep's
    first_by_value = {r["value"]: r for r in first}
    for row in second:
        if row["cached"]:
            assert row["final_loss"] == first_by_value[row["value"]]["final_loss"]
    # a min_count sweep after a sweep that ran min_count = 1 under another label keeps its own values
    third_plan = sweep_plan.SweepPlan.make("min_count", [TINY_BASE["min_count"], 2], [1], TINY_BASE)
    third = sweep_run.run_sweep(third_plan, corpus, cache=cache, slots=None)
    assert sorted(r["value"] for r in third) == sorted([TINY_BASE["min_count"], 2])
    assert all(r["colour"] is None for r in third)


# ------------------------------------------------------------------------------------------ set-ups, blown runs
def test_the_practice_setup_is_word2vecs_defaults_over_the_sidebars_choices():
    sidebar = {**TINY_BASE, "architecture": "cbow", "seed": 7}
    practice = sweep_plan.setup_base("practice", sidebar)
    assert practice["alpha"] == 0.025 and practice["min_count"] == 5 and practice["sample"] == 1e-3
    assert practice["vector_size"] == 100 and practice["init_scale"] == 1.0
    assert practice["architecture"] == "cbow" and practice["seed"] == 7
    assert sweep_plan.setup_base("teaching", sidebar) == sidebar
    assert sweep_plan.default_setup("upload") == sweep_plan.default_setup("real") == "practice"
    assert sweep_plan.default_setup("sample") == sweep_plan.default_setup("planted") == "teaching"
    with pytest.raises(sweep_plan.SweepInputError):
        sweep_plan.setup_base("production", sidebar)
    Config(**practice).validate()                       # a setting the engine accepts


def test_the_loss_of_uniform_guessing_is_the_first_updates_loss():
    """W_out starts at zero, so the first update scores every row 0: its loss is the guessing loss."""
    sentences = list(read_corpus(sample_corpora()["tiny"]))
    for objective, kw in (("negative_sampling", {"negative": 4}), ("softmax", {})):
        m = Word2Vec(**{**TINY_BASE, "objective": objective, **kw}).build_vocab(sentences)
        assert m.step().loss == pytest.approx(sweep_run.guessing_loss(m), rel=1e-9)
    m = Word2Vec(**{**TINY_BASE, "objective": "hierarchical_softmax"}).build_vocab(sentences)
    counts = np.asarray(m.vocab.counts, dtype=float)
    assert sweep_run.guessing_loss(m) == pytest.approx(np.log(2) * (counts @ m.tree.lengths) / counts.sum())


def test_a_blown_up_run_is_flagged_and_left_out_of_the_means_and_the_verdict():
    assert sweep_run.blown_up([3.0, 2.0, 1.9], 4.16) == ""
    assert "uniform guessing" in sweep_run.blown_up([3.0, 20.0, 50.0], 4.16)
    assert "times the first" in sweep_run.blown_up([1.0, 1.2, 1.8], 4.16)
    rows = [{"value": v, "colour": None, "seed": s, "status": "ok", "groups": g}
            for v, s, g in [(1, 1, 0.50), (1, 2, 0.52), (2, 1, 0.80), (2, 2, 0.82)]]
    rows.append({"value": 2, "colour": None, "seed": 3, "status": "blown", "groups": 0.0, "error": "blew up"})
    summary = {s["value"]: s for s in sweep_scores.summarize(rows, "groups")}
    assert summary[2]["n"] == 2 and summary[2]["mean"] == pytest.approx(0.81)
    verdict = sweep_scores.sweep_verdict(sweep_scores.summarize(rows, "groups"), "groups")[0]
    assert verdict["best"]["value"] == 2 and verdict["clearly"] == [1]


def test_a_run_at_the_teaching_learning_rate_with_large_vectors_is_flagged_on_real_text():
    """Issue 24's case: vector_size 100 at a teaching-size learning rate and init_scale 3 on real text (Lee)
    blows up to losses of 1e34 without a NaN (the engine does not stop it), and the sweep says so instead of
    scoring it; the practice set-up trains calmly on the same text."""
    from lessons.benchmarks import load_real

    lee = load_real("lee")
    corpus = sweep_scores.SweepCorpus("gensim:lee", "lee", lee, benchmarks=False)
    teaching = {**TINY_BASE, "alpha": 0.5, "init_scale": 3.0, "epochs": 5, "min_count": 1, "window": 5,
                "negative": 5}
    plan = sweep_plan.SweepPlan.make("vector_size", [100], [1], teaching)
    row = sweep_run.train_one(plan.runs()[0], corpus)
    practice = sweep_plan.SweepPlan.make("vector_size", [100], [1], sweep_plan.setup_base("practice", TINY_BASE))
    calm = sweep_run.train_one(practice.runs()[0], corpus)
    assert calm["status"] == "ok", calm["error"]
    assert row["status"] == "blown" and "uniform guessing" in row["error"], (row["final_loss"], row["guess_loss"])
    assert np.isfinite(row["final_loss"]) and row["final_loss"] > 1e6


def test_runs_are_compared_on_the_pairs_and_words_every_run_covers():
    """Issue 24.2: a min_count sweep scored WordSim on 253, 164 and 87 pairs; now every run is scored on the
    pairs all of them know (and the grouped words all of them hold), with the count said."""
    rng = np.random.default_rng(0)
    pairs = {f"a{i}\tb{i}": (float(i), float(i) + rng.normal()) for i in range(40)}
    small = {k: v for k, v in list(pairs.items())[:25]}              # a larger min_count lost 15 pairs
    rows = [{"status": "ok", "value": 1, "wordsim353": 0.9, "wordsim353_items": pairs,
             "groups": 0.6, "groups_items": {"x": 0.4, "y": 0.8}},
            {"status": "ok", "value": 50, "wordsim353": 0.2, "wordsim353_items": small,
             "groups": 0.8, "groups_items": {"x": 0.8}},
            {"status": "blown", "value": 99, "wordsim353": 0.0}]
    out = sweep_scores.on_common_items(rows)
    common = sorted(small)
    from engine.keyed_vectors import spearman
    for r, items in zip(out[:2], (pairs, small)):
        assert r["wordsim353_common"] == 25 and r["groups_common"] == 1
        assert r["wordsim353"] == pytest.approx(spearman([items[k][0] for k in common], [items[k][1] for k in common]))
    assert out[0]["wordsim353_own"] == 0.9 and out[0]["groups"] == 0.4 and out[1]["groups"] == 0.8
    assert out[2] == rows[2] and rows[0]["wordsim353"] == 0.9          # copies; an unfinished run untouched
    too_few = sweep_scores.on_common_items([{**rows[0], "wordsim353_items": dict(list(pairs.items())[:5])},
                                            rows[1]])
    assert np.isnan(too_few[0]["wordsim353"])                          # fewer than MIN_PAIRS common pairs


def test_analogies_are_scored_on_the_questions_every_run_can_ask():
    """Issue 24.2 for analogies: a max_vocab_size sweep on royalty (a smaller vocabulary drops words, and with them
    questions) scores every run's accuracy on the questions all runs ask, with the count; each run's own accuracy
    stays as analogies_own. Checked against the engine's per-question answers of vectors trained with the same
    settings (workers=1 runs are reproducible)."""
    corpus = sample("royalty")
    plan = sweep_plan.SweepPlan.make("max_vocab_size", [20, 1000], [1], {**TINY_BASE, "epochs": 3})
    rows = sweep_run.run_sweep(plan, corpus, slots=None)
    out = sorted(sweep_scores.on_common_items(rows), key=lambda r: r["value"])
    answers = {}
    for run in plan.runs():
        model = Word2Vec(**run.kwargs)
        model.build_vocab(corpus.sentences)
        model.train()
        answers[run.value] = model.wv.word_analogy_details(corpus.analogies)
    common = [i for i in range(len(answers[20])) if all(a[i][5] is not None for a in answers.values())]
    own_asked = {v: sum(d[5] is not None for d in a) for v, a in answers.items()}
    assert 0 < len(common) < own_asked[1000]                          # the small vocabulary lost questions
    for r in out:
        assert r["analogies_common"] == len(common)
        assert r["analogies"] == pytest.approx(np.mean([answers[r["value"]][i][5] for i in common]))
        assert r["analogies_own"] == pytest.approx(sum(d[5] is True for d in answers[r["value"]]) / own_asked[r["value"]])
    assert sweep_scores.analogy_items(answers[20])[0].bit_count() == own_asked[20]


def test_min_alpha_and_max_vocab_size_can_be_swept():
    corpus = sample("tiny")
    plan = sweep_plan.SweepPlan.make("max_vocab_size", [5, 10], [1], TINY_BASE)
    rows = sorted(sweep_run.run_sweep(plan, corpus, slots=None), key=lambda r: r["value"])
    assert [r["V"] for r in rows] == [5, 10] and all(r["status"] == "ok" for r in rows)
    plan = sweep_plan.SweepPlan.make("min_alpha", [0.0, 1e-3], [1], TINY_BASE)
    assert all(r["status"] == "ok" for r in sweep_run.run_sweep(plan, corpus, slots=None))
    assert sweep_plan.reference("min_alpha", {"architecture": "cbow"})["word2vec_c"] == pytest.approx(5e-6)


def test_a_sweeps_csv_reads_back_into_the_same_runs_and_a_damaged_one_is_named():
    """lessons.sweep.saved: a 2-D sweep with a choice setting and an unset max_vocab_size reads back into a plan of
    the same runs and the same numbers; files that are not one of ours say what and where."""
    from lessons.sweep import saved

    corpus = sample("tiny")
    plan = sweep_plan.SweepPlan.make("architecture", ["skipgram", "cbow"], [1, 2], {**TINY_BASE, "epochs": 2},
                                     "shrink_windows", [True, False])
    rows = sweep_scores.on_common_items(sweep_run.run_sweep(plan, corpus, slots=None))
    data = saved.to_csv(rows, plan, "tiny")
    back = saved.from_csv(data)
    assert [(r.settings, r.seed) for r in back.plan.runs()] == [(r.settings, r.seed) for r in plan.runs()]
    by_index = {r["index"]: r for r in rows}
    for r in back.rows:
        orig = by_index[r["index"]]
        assert (r["value"], r["colour"], r["seed"]) == (orig["value"], orig["colour"], orig["seed"])
        assert r["groups"] == pytest.approx(orig["groups"]) and r["V"] == orig["V"] and r["status"] == orig["status"]
    assert "groups" in back.measures and back.corpus_label == "tiny"

    lines = data.decode().splitlines()

    def code(text):
        with pytest.raises(saved.SavedSweepError) as e:
            saved.from_csv(text.encode() if isinstance(text, str) else text)
        return e.value.code, e.value.line, e.value.column

    assert code("\n".join(lines[:2] + [lines[1]])) == ("duplicate", 3, "")
    assert code("\n".join(lines[:2] + [lines[2].replace("tiny", "royalty", 1)])) == ("mixed", None, "corpus")
    assert code(data.decode().replace("architecture", "colour_of_sky")) == ("bad_setting", 2, "swept")
    assert code(data.decode().replace(",cbow,", ",glove,", 1))[0] == "bad_value"
    assert code(lines[0] + "\n") == ("empty", None, "")
    assert code(b"x" * (saved.MAX_BYTES + 1))[0] == "too_large"
    assert code("\n".join(lines[:2] + [lines[2] + ",extra"]))[:2] == ("not_csv", 3)


def test_the_segmenter_can_be_swept_each_run_training_on_the_corpus_cut_its_way():
    """Issue 24.7: on the Chinese sample corpus, a segmenter sweep trains each run on the text cut with its
    segmenter (characters: a vocabulary of single characters); the corpus's groups are scored on the words every
    vocabulary holds; a corpus that cannot be cut again gives an error row, not a crash."""
    from engine.segment import segment_run

    name = "chinese"
    cut = {s: tuple(tuple(x) for x in read_corpus(sample_corpora()[name], segmenter=s)) for s in ("words", "characters")}
    corpus = sweep_scores.SweepCorpus("sample:chinese", name, cut["words"], groups=sample_groups(name),
                                      segmented=cut)
    plan = sweep_plan.SweepPlan.make("segmenter", ["words", "characters"], [1], {**TINY_BASE, "epochs": 2})
    assert [r.segmenter for r in plan.runs()] == ["words", "characters"] and "segmenter" not in plan.runs()[0].model_kwargs
    rows = {r["value"]: r for r in sweep_run.run_sweep(plan, corpus, slots=None)}
    assert rows["words"]["status"] == rows["characters"]["status"] == "ok"
    from engine import Vocabulary
    for s in ("words", "characters"):
        assert rows[s]["V"] == len(Vocabulary.build(cut[s], min_count=TINY_BASE.get("min_count", 1)))
    assert rows["characters"]["V"] != rows["words"]["V"]
    assert segment_run("国王", "characters") == ["国", "王"]
    out = sweep_scores.on_common_items(list(rows.values()))
    assert out[0]["groups_common"] == out[1]["groups_common"] < len(sample_groups(name))   # words no character covers
    flat = sweep_scores.SweepCorpus("planted:x", "planted", cut["words"])
    row = sweep_run.train_one(plan.runs()[1], flat)
    assert row["status"] == "error" and "cannot be cut again" in row["error"]


def test_a_random_search_draws_distinct_trials_from_the_generator_and_runs_each_with_every_seed():
    """Issue 24.7: random search over three settings: N distinct combinations drawn by the passed generator only
    (the same state, the same trials; another seed, other trials), each trial trained with every seed and its
    own settings; the verdict compares the best trial with the others by the seed-to-seed spread."""
    space = {"window": [1, 2, 3], "vector_size": [8, 16], "negative": [1, 3, 5]}
    plan = sweep_plan.SweepPlan.random(space, 6, [1, 2], TINY_BASE, np.random.default_rng(7))
    again = sweep_plan.SweepPlan.random(space, 6, [1, 2], TINY_BASE, np.random.default_rng(7))
    other = sweep_plan.SweepPlan.random(space, 6, [1, 2], TINY_BASE, np.random.default_rng(8))
    assert plan == again and plan.trials != other.trials
    assert plan.is_random and plan.values == (1, 2, 3, 4, 5, 6) and plan.searched == ("window", "vector_size", "negative")
    combos = [tuple(v for _, v in tr) for tr in plan.trials]
    assert len(set(combos)) == 6 and all(c[0] in space["window"] and c[1] in space["vector_size"]
                                         and c[2] in space["negative"] for c in combos)
    runs = plan.runs()
    assert len(runs) == 12 and [r.seed for r in runs] == [1] * 6 + [2] * 6
    for r in runs:
        assert {k: r.kwargs[k] for k in space} == plan.trial(r.value)
    rows = sweep_run.run_sweep(plan, sample("tiny"), slots=None)
    assert len(rows) == 12 and {r["status"] for r in rows} == {"ok"}
    verdict = sweep_scores.sweep_verdict(sweep_scores.summarize(rows, "groups"), "groups")[0]
    assert verdict["seeds"] == 2 and sorted([verdict["best"]["value"], *verdict["clearly"], *verdict["within"]]) == list(
        range(1, 7))
    with pytest.raises(sweep_plan.SweepInputError) as e:
        sweep_plan.SweepPlan.random({"window": [1, 2]}, 2, [1], TINY_BASE, np.random.default_rng(0))
    assert e.value.code == "searched"
    with pytest.raises(sweep_plan.SweepInputError) as e:
        sweep_plan.SweepPlan.random({"window": [1, 2], "negative": [1, 2]}, 5, [1], TINY_BASE, np.random.default_rng(0))
    assert e.value.code == "trials" and e.value.extra["combos"] == 4
