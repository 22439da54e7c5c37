"""lessons.six_models and lessons.claims: six models, cost per update, gensim comparison, the corpus-growth and rare-word experiments."""

import math

import numpy as np
import pytest

from engine import Word2Vec, gensim_data_path
from lessons import benchmarks
from lessons import claims
from lessons import measures
from lessons import stats as lesson_stats
from lessons.six_models import SIX_MODELS
from lessons.benchmarks import benchmark_scores
from lessons.six_models import dot_products_per_update
from lessons.six_models import gensim_available
from lessons.six_models import gensim_kwargs
from lessons.six_models import neighbour_overlap
from lessons.six_models import train_six
from engine.keyed_vectors import KeyedVectors
from lessons.planted import hard_planted
from lessons.planted import planted_corpus

SMALL = dict(vector_size=16, window=2, sample=0.0, epochs=3, negative=5, min_count=1)


@pytest.fixture(scope="module")
def corpus():
    return planted_corpus(n_tokens=6000, n_groups=4, group_size=6, zipf_s=1.0, seed=1)


def test_dot_products_per_update(corpus):
    V = None
    for obj in ("softmax", "negative_sampling", "hierarchical_softmax"):
        m = Word2Vec(objective=obj, negative=7, **{k: v for k, v in SMALL.items() if k != "negative"})
        m.build_vocab(corpus.sentences)
        V = len(m.vocab)
        dots, formula = dot_products_per_update(m)
        if obj == "softmax":
            assert dots == V and "V" in formula
        elif obj == "negative_sampling":
            assert dots == 8 and "k+1" in formula
        else:
            # Huffman codes are optimal prefix codes: entropy <= expected length < entropy + 1
            p = m.vocab.counts / m.vocab.counts.sum()
            H = -(p * np.log2(p)).sum()
            assert H <= dots < H + 1
            assert dots < math.log2(V) + 1


def test_train_six_trains_every_model_and_reports_progress(corpus):
    calls = []
    rows = train_six(corpus.sentences, SMALL, words=["animal1", "nonexistent"], truth=corpus,
                     progress=lambda d, t, label: calls.append((d, t)))
    assert [(r["architecture"], r["objective"]) for r in rows] == SIX_MODELS
    for r in rows:
        assert r["epoch_losses"][-1] < r["epoch_losses"][0]           # every model learns
        assert r["planted"] > corpus.chance_precision()                # and finds some of the planted groups
        assert r["missing"] == ["nonexistent"] and len(r["neighbours"]["animal1"]) == 10
        assert r["examples"] > 0 and r["time"] > 0
    sg = {r["objective"]: r["examples"] for r in rows if r["architecture"] == "skipgram"}
    cb = {r["objective"]: r["examples"] for r in rows if r["architecture"] == "cbow"}
    assert all(sg[o] > cb[o] for o in sg)                              # skip-gram: one update per pair
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == 6 and all(t == 6 for _, t in calls)


def test_train_six_stops_and_keeps_finished_models(corpus):
    out = []
    n = {"calls": 0}

    def progress(done, total, label):
        n["calls"] += 1
        return False if done >= 2 else None                            # stop once two models are done

    rows = train_six(corpus.sentences, SMALL, progress=progress, out=out)
    assert rows is out and len(rows) == 2


def test_gensim_kwargs_mapping():
    assert gensim_kwargs({"objective": "softmax"}) is None
    hs = gensim_kwargs({"architecture": "cbow", "objective": "hierarchical_softmax", "negative": 5})
    assert (hs["sg"], hs["hs"], hs["negative"]) == (0, 1, 0)
    ns = gensim_kwargs({"architecture": "skipgram", "objective": "negative_sampling", "negative": 7})
    assert (ns["sg"], ns["hs"], ns["negative"], ns["workers"]) == (1, 0, 7, 1)


def test_neighbour_overlap_bounds():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    a = KeyedVectors(words, rng.normal(size=(30, 5)))
    b = KeyedVectors(words, rng.normal(size=(30, 5)))
    assert neighbour_overlap(a, a, words, topn=5) == 1.0
    assert 0 <= neighbour_overlap(a, b, words, topn=5) < 1
    assert math.isnan(neighbour_overlap(a, b, ["unknown"], topn=5))


@pytest.mark.skipif(not gensim_available(), reason="gensim is not installed")
def test_same_settings_in_gensim_find_the_same_neighbours(corpus):
    words = corpus.planted_words
    rows = train_six(corpus.sentences, {**SMALL, "epochs": 10}, words=words, with_gensim=True,
                     models=[("skipgram", "negative_sampling"), ("skipgram", "softmax")])
    ns, sm = rows
    assert sm["gensim"] is None                                          # gensim has no full softmax
    # chance overlap of two random top-10 lists among ~54 words is about 10/53 = 0.19
    assert ns["gensim"]["overlap"] > 0.5


# ---------------------------------------------------------------- the claims experiments
FAST = dict(claims.CLAIMS_SETTINGS, vector_size=16)


@pytest.fixture(scope="module")
def hard():
    return claims.ClaimsData.planted(hard_planted(40_000, seed=1))


def _pair(rows, size):
    by = {r["architecture"]: r for r in rows if r["size"] == size}
    return by["skipgram"], by["cbow"]


def test_equal_epochs_budget(hard):
    rows = claims.claims_experiment(hard, [8_000, 20_000], [1], FAST, "epochs", 2)
    assert len(rows) == 4
    for size in (8_000, 20_000):
        sg, cb = _pair(rows, size)
        assert sg["epochs_planned"] == cb["epochs_planned"] == 2
        assert sg["passes"] == pytest.approx(2) and cb["passes"] == pytest.approx(2)
        assert sg["ended_by"] == cb["ended_by"] == "plan"
        # one update per (centre, context) pair against one per centre: about window + 1 = 4 times as many
        assert 3 < sg["updates"] / cb["updates"] < 4.5
        assert sg["tokens"] == cb["tokens"] == size
        assert "sum of the context vectors" in cb["rule"] and "input word's vector" in sg["rule"]


@pytest.mark.parametrize("rule", ["sum", "mean_word2vec"])
def test_equal_updates_budget(hard, rule):
    rows = claims.claims_experiment(hard, [8_000, 20_000], [1], FAST, "updates", 2, cbow_rule=rule)
    assert len(rows) == 4
    for r in rows:
        if r["architecture"] == "cbow":
            sg = [x for x in rows if x["architecture"] == "skipgram" and x["size"] == r["size"]
                  and x["seed"] == r["seed"]][0]
            assert abs(r["updates"] - sg["updates"]) <= 0.01 * sg["updates"]
            assert r["passes"] > 2.5 * sg["passes"]          # CBOW needs more passes for as many updates
            assert r["lr_end"] < 0.2 * FAST["alpha"]         # and its learning rate still decays (nearly) fully
            assert r["rule"] == Word2Vec(architecture="cbow", **claims.CBOW_RULES[rule]).build_vocab(
                hard.subset(2000)).rule.describe()
        else:
            assert r["epochs_planned"] == 2 and r["ended_by"] == "plan"


def test_equal_seconds_budget_both_stopped_by_the_deadline(hard):
    for arch in ("skipgram", "cbow"):
        s = claims.claims_settings(FAST, arch, "sum", 1)
        # plan far more work than fits: the deadline must be what ends the run
        model, facts = claims.train_budgeted(hard.sentences, s, "seconds", 0.4, words_per_sec=1e9)
        assert facts["ended_by"] == "deadline" and not model.training_complete
        assert 0.4 <= facts["seconds"] < 0.4 + 0.5
        assert facts["updates"] == model.step_count > 0
    rows = claims.claims_experiment(hard, [20_000], [1], FAST, "seconds", 0.3)
    assert {r["architecture"] for r in rows} == {"skipgram", "cbow"}
    assert all(r["seconds"] < 0.3 + 0.5 and r["words_per_sec"] > 0 for r in rows)


def test_stop_keeps_finished_runs_and_the_cache_reuses_them(hard):
    out, cache = [], {}

    def progress(done, total, label):
        return False if done >= 2 else None               # stop once two runs are done

    rows = claims.claims_experiment(hard, [8_000, 20_000], [1], FAST, "epochs", 1, cache=cache, progress=progress,
                               out=out)
    assert rows is out and len(rows) == 2 and len(cache) == 2
    calls = []
    again = claims.claims_experiment(hard, [8_000, 20_000], [1], FAST, "epochs", 1, cache=cache,
                                progress=lambda d, t, label: calls.append(d))
    assert again[0] is rows[0] and again[1] is rows[1]    # the finished runs were not trained again
    assert len(again) == 4 and len(cache) == 4
    # the key holds everything the result depends on: another CBOW rule is another run, skip-gram is shared
    k = claims.run_key(hard, 8_000, "cbow", 1, FAST, "epochs", 1, "sum")
    assert k != claims.run_key(hard, 8_000, "cbow", 1, FAST, "epochs", 1, "mean_exact")
    assert (claims.run_key(hard, 8_000, "skipgram", 1, FAST, "epochs", 1, "sum")
            == claims.run_key(hard, 8_000, "skipgram", 1, FAST, "epochs", 1, "mean_exact"))


def test_bad_budget_and_rule():
    with pytest.raises(ValueError, match="budget"):
        claims.train_budgeted([["a", "b"]], FAST, "minutes", 1)
    with pytest.raises(ValueError, match="cbow_rule"):
        claims.claims_settings(FAST, "cbow", "median", 1)


def test_interval_matches_scipy():
    from scipy import stats
    vals = [0.61, 0.64, 0.58, 0.66]
    r = lesson_stats.interval(vals)
    lo, hi = stats.t.interval(0.95, len(vals) - 1, loc=np.mean(vals), scale=stats.sem(vals))
    assert r["lo"] == pytest.approx(lo) and r["hi"] == pytest.approx(hi) and r["n"] == 4
    assert (r["min"], r["max"]) == (0.58, 0.66)
    one = lesson_stats.interval([0.5, float("nan")])
    assert one["n"] == 1 and math.isnan(one["half"])


def test_verdict_names_the_winner_or_says_within_noise():
    assert lesson_stats.compare_intervals([0.80, 0.82, 0.81], [0.60, 0.62, 0.61])["outcome"] == "a"
    assert lesson_stats.compare_intervals([0.60, 0.62, 0.61], [0.80, 0.82, 0.81])["outcome"] == "b"
    # means differ (0.80 vs 0.75) but the intervals overlap: within noise
    v = lesson_stats.compare_intervals([0.70, 0.80, 0.90], [0.65, 0.75, 0.85])
    assert v["outcome"] == "noise" and v["gap"] == pytest.approx(0.05)
    # just touching counts as overlapping; barely apart does not
    a = [0.5, 0.6, 0.7]
    half = lesson_stats.interval(a)["half"]
    assert lesson_stats.compare_intervals(a, [x - 2 * half for x in a])["outcome"] == "noise"
    assert lesson_stats.compare_intervals(a, [x - 2 * half - 1e-6 for x in a])["outcome"] == "a"
    assert lesson_stats.compare_intervals([0.9], [0.1, 0.2])["outcome"] == "unknown"        # one seed: no interval
    assert lesson_stats.compare_intervals([float("nan")] * 3, [0.1, 0.2, 0.3])["outcome"] == "unscored"   # no score at all


def test_claims_summary_per_size():
    rows = [{"size": s, "architecture": a, "seed": seed, "scores": {"m": v}, "bins": {"m": {"rare": v - 0.1}}}
            for s, a, vs in [(10, "skipgram", [0.2, 0.21, 0.22]), (10, "cbow", [0.5, 0.52, 0.51]),
                             (100, "skipgram", [0.7, 0.8, 0.9]), (100, "cbow", [0.72, 0.82, 0.88])]
            for seed, v in enumerate(vs)]
    summary = claims.claims_summary(rows, "m")
    assert [(s["size"], s["outcome"]) for s in summary] == [(10, "b"), (100, "noise")]
    assert summary[0]["cbow"]["mean"] == pytest.approx(0.51)
    rare = claims.claims_summary(rows, "m", "rare")
    assert rare[0]["skipgram"]["mean"] == pytest.approx(0.11)


def test_pair_scores_on_made_up_vectors():
    # vectors whose cosines follow the human scores exactly: Spearman 1 on every known pair
    pairs = [(f"a{i}", f"b{i}", float(i)) for i in range(40)]
    words, vecs = [], []
    for i in range(40):
        angle = (40 - i) / 40 * 1.5
        words += [f"a{i}", f"b{i}"]
        vecs += [[1.0, 0.0, 0.01 * i], [np.cos(angle), np.sin(angle), 0.01 * i]]
    kv = KeyedVectors(words, np.array(vecs))
    assert measures.pair_spearman(kv, pairs) == pytest.approx(1.0, abs=0.01)
    assert math.isnan(measures.pair_spearman(kv, pairs[:measures.MIN_PAIRS - 1]))     # too few pairs: not reported


@pytest.mark.skipif(gensim_data_path("head500.noblanks.cor") is None, reason="gensim's test data is not installed")
def test_real_data_stemmed_lists_and_coverage():
    stemmed = benchmarks.word_pairs("wordsim353.tsv", True)
    plain = benchmarks.word_pairs("wordsim353.tsv", False)
    assert ("love", "sex", 6.77) in plain and ("love", "sex", 6.77) in stemmed
    assert any(a == "comput" for a, _, _ in stemmed) and not any(a == "comput" for a, _, _ in plain)
    data = claims.ClaimsData.real("head500")
    assert data.n_tokens > 300_000 and data.metrics == ("WordSim-353", "SimLex-999")
    part = data.subset(30_000)
    model = Word2Vec(**{**FAST, "epochs": 1}).build_vocab(part)
    model.train()
    out = data.score(model.wv, part)
    # the stemmed list is covered far better than the plain one would be on a stemmed corpus
    vocab = model.wv.key_to_index
    plain_cov = sum(a in vocab and b in vocab for a, b, _ in plain) / len(plain)
    assert out["coverage"]["WordSim-353"] > plain_cov + 0.1
    assert out["used"]["WordSim-353"] == round(out["coverage"]["WordSim-353"] * len(stemmed))
    assert set(out["bins"]["SimLex-999"]) == {"rare", "frequent"}


@pytest.mark.skipif(gensim_data_path("wordsim353.tsv") is None, reason="gensim's test data is not installed")
def test_benchmark_scores_match_scipy_spearman():
    from scipy.stats import spearmanr
    path = gensim_data_path("wordsim353.tsv")
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 3:
            continue
        pairs.append((parts[0].lower(), parts[1].lower(), float(parts[2])))
    words = sorted({w for a, b, _ in pairs for w in (a, b)})
    kv = KeyedVectors(words, np.random.default_rng(0).normal(size=(len(words), 10)))
    scores = benchmark_scores(kv)
    ws = scores["WordSim-353"]
    ref = spearmanr([s for *_, s in pairs], [kv.similarity(a, b) for a, b, _ in pairs]).statistic
    assert ws["coverage"] == 1.0 and ws["used"] == len(pairs)
    assert ws["score"] == pytest.approx(ref, abs=1e-9)
    assert 0 <= scores["Google analogies"]["coverage"] <= 1
