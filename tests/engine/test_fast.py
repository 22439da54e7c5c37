"""The compiled fast trainer (engine/fast/) against the transparent step trainer, and model.train().

The reference throughout is model.step() (step.apply_example, itself checked against finite
differences in test_step.py): train() must consume the same stream and end with the same weights.
"""

import itertools
import threading
from dataclasses import fields

import numpy as np
import pytest

from engine import TrainingDiverged, Word2Vec, alias_draw, alias_table, fast, read_corpus, sample_corpora
from engine.examples import make_chunk
from engine.examples_compiled import COMPILED, INTERPRETED
from engine.fast import warmup
from engine.fast.rows import _private_rows
from tests.engine.conftest import step_until_complete

MODELS = [(a, o) for a in ("skipgram", "cbow") for o in ("softmax", "hierarchical_softmax", "negative_sampling")]
TOL = dict(rtol=1e-4, atol=1e-6)   # the tolerance for "the same weights"


pytestmark = pytest.mark.usefixtures("fast_warm")


def build(sentences, **kw):
    args = dict(vector_size=16, window=3, negative=5, sample=1e-2, epochs=1, seed=11)
    args.update(kw)
    return Word2Vec(**args).build_vocab(sentences)


def assert_same_weights(a, b):
    np.testing.assert_allclose(a.W_in, b.W_in, **TOL)
    np.testing.assert_allclose(a.W_out, b.W_out, **TOL)


# ---------------------------------------------------------------------------- fast == step
@pytest.mark.slow
@pytest.mark.parametrize("architecture, objective", MODELS)
def test_one_epoch_of_train_equals_stepping_every_example(royalty, architecture, objective):
    kw = dict(architecture=architecture, objective=objective)
    fast_model = build(royalty, **kw)
    info = fast_model.train()
    stepped = step_until_complete(build(royalty, **kw))
    assert fast_model.step_count == stepped.step_count == info["examples"] > 500
    assert fast_model.training_complete
    assert_same_weights(fast_model, stepped)
    assert np.abs(fast_model.W_out).max() > 1e-3          # training really moved the weights
    # the loss is the same sum of the same per-example losses (float64)
    assert fast_model.mean_loss() == pytest.approx(stepped.mean_loss(), rel=1e-9)
    assert info["loss"] == pytest.approx(stepped.mean_loss(), rel=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("architecture, objective", MODELS)
def test_kernel_compiled_for_the_vector_size_equals_stepping(royalty, architecture, objective):
    """From STATIC_MIN_D on the kernel is compiled for the exact vector size: the same updates."""
    kw = dict(architecture=architecture, objective=objective, vector_size=fast.STATIC_MIN_D)
    a = build(royalty[:150], **kw)
    a.train()
    b = step_until_complete(build(royalty[:150], **kw))
    assert a.step_count == b.step_count > 300
    assert fast.is_warm(fast.STATIC_MIN_D)
    assert_same_weights(a, b)


@pytest.mark.parametrize("kw", [
    dict(architecture="cbow", objective="negative_sampling", cbow_mean=False, alpha=0.01),
    dict(architecture="cbow", objective="hierarchical_softmax", cbow_mean=False, window=5, alpha=0.01),
    dict(architecture="skipgram", objective="negative_sampling", num_skips=2, shrink_windows=False),
    dict(architecture="skipgram", objective="hierarchical_softmax", sample=0, window=1, epochs=2),
    dict(architecture="skipgram", objective="negative_sampling", negative=15, ns_exponent=0.0, chunk_words=300),
    dict(architecture="skipgram", objective="negative_sampling", skipgram_input="context"),
    dict(architecture="skipgram", objective="hierarchical_softmax", skipgram_input="context"),
])
@pytest.mark.slow
def test_train_equals_stepping_with_other_settings(royalty, kw):
    a = build(royalty, **kw)
    a.train()
    b = step_until_complete(build(royalty, **kw))
    assert a.step_count == b.step_count
    assert_same_weights(a, b)


@pytest.mark.parametrize("architecture, objective", MODELS)
def test_compiled_kernel_equals_numpy_reference_on_a_chunk(royalty, architecture, objective):
    """run_examples (numba) and run_examples_numpy (the readable fallback) on the same chunk."""
    a = build(royalty, architecture=architecture, objective=objective, sample=0)
    rng = np.random.default_rng(0)
    a.W_out[:] = rng.normal(scale=0.2, size=a.W_out.shape)   # non-zero output rows: every term matters
    W_in, W_out = a.W_in.copy(), a.W_out.copy()
    chunk = a.stream.chunk(0)
    tree = a.tree if objective == "hierarchical_softmax" else None
    args = (chunk, 5, min(chunk.n_examples, 700), a.rule, tree)
    s1, n1, d1 = fast.run_examples(a.W_in, a.W_out, *args)
    s2, n2, d2 = fast.run_examples_numpy(W_in, W_out, *args)
    assert (n1, d1) == (n2, d2) == (args[2] - 5, False)
    assert s1 == pytest.approx(s2, rel=1e-9)
    np.testing.assert_allclose(a.W_in, W_in, **TOL)
    np.testing.assert_allclose(a.W_out, W_out, **TOL)


def test_repeated_negatives_accumulate_like_np_add_at():
    """A tiny vocabulary makes the same negative appear twice in an example: both updates count."""
    sents = [["a", "b", "c"]] * 30
    a = build(sents, sample=0, negative=10, window=2)
    chunk = a.stream.chunk(0)
    assert any(len(set(row)) < len(row) for row in chunk.negatives.tolist())
    b = build(sents, sample=0, negative=10, window=2)
    a.train()
    step_until_complete(b)
    assert_same_weights(a, b)


# ---------------------------------------------------------------------------- the compiled stream
def _same_chunk(c1, c2):
    for f in fields(c1):
        x, y = getattr(c1, f.name), getattr(c2, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape, f.name
            assert np.array_equal(x, y), f.name
            assert not y.flags.writeable, f.name
        else:
            assert x == y, f.name


def test_compiled_chunk_builder_equals_make_chunk_field_by_field(royalty):
    """make_chunk with the compiled loops and with the same loops interpreted: the same draws in the
    same order, so the whole Chunk is identical."""
    settings = itertools.product(("skipgram", "cbow"), ("hierarchical_softmax", "negative_sampling"),
                                 (None, 2), (True, False), (0, 1e-2), (1, 4), ("center", "context"))
    n = 0
    for architecture, objective, num_skips, shrink, sample, window, sg_input in settings:
        if architecture == "cbow" and (num_skips is not None or sg_input != "center"):
            continue
        m = build(royalty, architecture=architecture, objective=objective, num_skips=num_skips,
                  shrink_windows=shrink, sample=sample, window=window, skipgram_input=sg_input)
        st = m.stream
        encoded = [m.vocab.encode(s) for s in royalty]
        rng1, rng2 = np.random.default_rng(n), np.random.default_rng(n)
        for i in range(0, len(encoded), 40):
            part = encoded[i:i + 40]
            args = (st.config, st.keep_prob, st.noise)
            kw = dict(seq=i, epoch=1, words_before=3 * i, raw_words=7, round_epoch=0, round_epochs=2,
                      words_per_epoch=st.words_per_epoch, last_in_epoch=False)
            _same_chunk(make_chunk(part, rng1, *args, **kw, loops=INTERPRETED),
                        make_chunk(part, rng2, *args, **kw, loops=COMPILED))
        assert rng1.random() == rng2.random()       # and the generators are left in the same state
        n += 1
    assert n == 80
    # degenerate chunks: nothing, an empty sentence, a one-word sentence
    m = build(royalty)
    st = m.stream
    for part in ([], [np.zeros(0, np.int32)], [np.array([3], np.int32)]):
        rng1, rng2 = np.random.default_rng(0), np.random.default_rng(0)
        kw = dict(seq=0, epoch=0, words_before=0, raw_words=0, round_epoch=0, round_epochs=1,
                  words_per_epoch=st.words_per_epoch, last_in_epoch=True)
        args = (st.config, st.keep_prob, st.noise)
        _same_chunk(make_chunk(part, rng1, *args, **kw, loops=INTERPRETED),
                    make_chunk(part, rng2, *args, **kw, loops=COMPILED))


# ---------------------------------------------------------------------------- one stream, any order
def test_step_37_times_then_train_equals_train(royalty):
    a = build(royalty, epochs=2)
    traces = a.steps(37)
    assert [t.step for t in traces] == list(range(1, 38))
    a.train()
    b = build(royalty, epochs=2)
    b.train()
    assert a.step_count == b.step_count
    assert_same_weights(a, b)
    assert a.epoch_losses() == pytest.approx(b.epoch_losses(), rel=1e-9)


def test_undo_then_train_equals_train(royalty):
    a = build(royalty, chunk_words=200)
    for _ in range(3):
        a.steps(60)
        for _ in range(45):    # goes back across a chunk boundary
            a.undo()
    a.train()
    b = build(royalty, chunk_words=200)
    b.train()
    assert a.step_count == b.step_count
    assert_same_weights(a, b)


def _check_resumes(royalty, stopped_model, kw):
    """The stopped model equals stepping as many examples, and a later train() ends where an uninterrupted one does."""
    n = stopped_model.step_count
    stepped = build(royalty, **kw)
    for _ in range(n):
        stepped.step()
    assert_same_weights(stopped_model, stepped)
    stopped_model.train()
    full = build(royalty, **kw)
    full.train()
    assert stopped_model.step_count == full.step_count
    assert_same_weights(stopped_model, full)
    assert stopped_model.mean_loss() == pytest.approx(full.mean_loss(), rel=1e-9)


def test_max_examples_stops_exactly_and_train_continues(royalty):
    kw = dict(epochs=2, chunk_words=500)
    m = build(royalty, **kw)
    info = m.train(max_examples=1234)
    assert m.step_count == info["examples"] == 1234 and not m.training_complete
    _check_resumes(royalty, m, kw)


def test_progress_returning_false_stops_and_train_continues(royalty):
    kw = dict(epochs=2, chunk_words=500)
    m = build(royalty, **kw)
    calls = []

    def progress(fraction, info):
        calls.append(fraction)
        return False

    info = m.train(progress=progress, report_every=0.0)
    assert info["stopped"] and 0 < m.step_count < 5000 and not m.training_complete
    _check_resumes(royalty, m, kw)


def test_stop_callable_and_model_stop_keep_weights_consistent(royalty):
    kw = dict(epochs=2, chunk_words=500)
    m = build(royalty, **kw)
    polls = []
    info = m.train(stop=lambda: polls.append(1) or len(polls) >= 3)
    assert info["stopped"] and len(polls) == 3
    _check_resumes(royalty, m, kw)

    big = royalty * 20
    m = build(big, **kw)
    timer = threading.Timer(0.05, m.stop)       # model.stop() from another thread, as the app does
    timer.start()
    m.train()
    timer.join()
    n = m.step_count
    stepped = build(big, **kw)
    stepped.train(max_examples=n)               # (train == step is tested above; this is faster)
    assert_same_weights(m, stepped)


def test_progress_is_called_with_fraction_and_info(royalty):
    m = build(royalty * 3, epochs=3, chunk_words=400)
    calls = []
    m.train(progress=lambda fraction, info: calls.append((fraction, dict(info))), report_every=0.0)
    assert len(calls) > 10
    fractions = [f for f, _ in calls]
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert np.all(np.diff(fractions) >= 0) and fractions[-1] == 1.0
    for _, info in calls:
        assert info["words_per_sec"] > 0
        assert np.isfinite(info["loss"]) and np.isfinite(info["epoch_loss"])
        assert 0 <= info["epoch"] <= 3 and info["examples"] > 0
    last = calls[-1][1]
    assert last["examples"] == m.step_count
    assert last["loss"] == pytest.approx(m.mean_loss(), rel=1e-12)       # float64 sum over all updates
    assert [info["epoch_loss"] for _, info in calls][-1] == pytest.approx(m.epoch_losses()[-1], rel=1e-12)


def test_workers_1_is_bit_for_bit_deterministic(royalty):
    a = build(royalty, epochs=3, workers=1)
    b = build(royalty, epochs=3, workers=1)
    a.train()
    b.train()
    assert np.array_equal(a.W_in, b.W_in) and np.array_equal(a.W_out, b.W_out)
    assert a.epoch_losses() == b.epoch_losses()


def test_a_second_train_is_a_new_round_that_continues(royalty):
    """After the planned epochs, train() runs `epochs` more with the learning rate restarting at alpha
    (as gensim's train() does); stepping through both rounds gives the same weights."""
    a = build(royalty, epochs=1)
    a.train()
    first_round = a.step_count
    a.train()
    assert a.planned_epochs == 2 and a.training_complete
    assert a.step_count > 1.5 * first_round
    b = build(royalty, epochs=1)
    for _ in range(a.step_count):
        b.step()                                 # step() starts the second round by itself
    assert_same_weights(a, b)
    assert len(a.epoch_losses()) == 2 and a.epoch_losses()[1] < a.epoch_losses()[0]


# ---------------------------------------------------------------------------- divergence
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # step.py's float32 cast
@pytest.mark.parametrize("architecture, objective", MODELS)
def test_divergence_raises_keeps_finite_weights_and_matches_step(royalty, architecture, objective):
    kw = dict(architecture=architecture, objective=objective, alpha=1e25, min_alpha=1e25, epochs=3,
              sample=0)
    a = build(royalty[:60], **kw)
    with pytest.raises(TrainingDiverged, match="NaN or inf"):
        a.train()
    assert np.isfinite(a.W_in).all() and np.isfinite(a.W_out).all()
    assert max(np.abs(a.W_in).max(), np.abs(a.W_out).max()) > 1e20   # it really blew up before stopping
    b = build(royalty[:60], **kw)
    with pytest.raises(TrainingDiverged):
        while True:
            b.step()
    assert a.step_count == b.step_count            # stopped before the same example
    # the same weights, to float32 rounding (the fast path computes in float32, step() in float64)
    np.testing.assert_allclose(a.W_in, b.W_in, rtol=1e-5)
    np.testing.assert_allclose(a.W_out, b.W_out, rtol=1e-5)


# ---------------------------------------------------------------------------- Hogwild
@pytest.mark.parametrize("architecture, objective", [("skipgram", "negative_sampling"),
                                                     ("cbow", "hierarchical_softmax"),
                                                     ("skipgram", "hierarchical_softmax")])
@pytest.mark.parametrize("chunk_words", [20_000, 500])   # one chunk an epoch; many, so that epochs overlap
@pytest.mark.slow
def test_two_workers_train_all_examples_and_reduce_the_loss(royalty, architecture, objective, chunk_words):
    # results may differ from run to run (Hogwild): assert what must hold whatever the interleaving
    kw = dict(architecture=architecture, objective=objective, epochs=4, sample=0, chunk_words=chunk_words)
    two = build(royalty * 4, workers=2, **kw)
    words = sum(len(s) for s in royalty * 4)
    assert fast.pipeline.epochs_may_overlap(words, chunk_words, 2) == (chunk_words == 500)
    two.train()
    one = build(royalty * 4, workers=1, **kw)
    one.train()
    assert two.step_count == one.step_count and two.training_complete
    # a thread may start the next epoch's chunks while the other ends this one's: each epoch still counts its own
    assert list(two.loss_sums) == list(one.loss_sums) == [0, 1, 2, 3]
    assert [n for _, n in two.loss_sums.values()] == [n for _, n in one.loss_sums.values()]
    assert np.isfinite(two.W_in).all() and np.isfinite(two.W_out).all()
    losses = two.epoch_losses()
    assert losses[-1] < losses[0] * 0.97, losses
    assert losses[-1] == pytest.approx(one.epoch_losses()[-1], rel=0.05)


@pytest.mark.slow
@pytest.mark.parametrize("objective, rows, sync", [("hierarchical_softmax", fast.HOT_ROWS, fast.HOT_SYNC),
                                                   ("negative_sampling", None, fast.HOT_NS_SYNC)])
@pytest.mark.parametrize("vector_size", [16, fast.STATIC_MIN_D])
def test_private_copy_of_the_busiest_rows_gives_the_same_updates_in_one_thread(royalty, vector_size, objective,
                                                                               rows, sync):
    """With two workers, each thread keeps the busiest W_out rows (the top tree nodes; the most frequent words'
    output rows) in a private copy and adds its updates to W_out every `sync` examples. One thread alone must
    then end exactly where the plain kernel ends, up to float32 rounding of the merges."""
    m = build(royalty * 40, objective=objective, sample=0, vector_size=vector_size, window=5, chunk_words=10**6)
    rows = rows or fast.HOT_NS_FLOATS // vector_size              # negative sampling: as many rows as 4 MiB hold
    hot = min(rows, len(m.W_out))
    m.W_out[:] = np.random.default_rng(0).normal(scale=0.1, size=m.W_out.shape)
    chunk = m.stream.chunk(0)
    n = min(chunk.n_examples, 5 * sync)
    assert n > 2 * sync                                   # the merges inside the run are tested too
    assert _private_rows(m.rule.kernel_flags[0], 2, vector_size) == ((0,), rows, sync)
    a_in, a_out, b_in, b_out = m.W_in.copy(), m.W_out.copy(), m.W_in.copy(), m.W_out.copy()
    args = (chunk, 0, n, m.rule, m.training_tree)
    sa, na, _ = fast.run_examples(a_in, a_out, *args, workers=1)
    sb, nb, _ = fast.run_examples(b_in, b_out, *args, workers=2)      # this thread, with the private copy
    assert na == nb == n and sb == pytest.approx(sa, rel=1e-6)
    assert not np.array_equal(a_out[:hot], m.W_out[:hot])             # the private rows did move
    np.testing.assert_allclose(b_out, a_out, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(b_in, a_in, rtol=1e-4, atol=1e-6)


def test_alias_table_holds_exactly_the_noise_distribution():
    counts = np.array([1000, 400, 400, 90, 33, 7, 5, 1, 1, 1], dtype=float)
    for exponent in (0.0, 0.75, 1.0):
        p = counts ** exponent / (counts ** exponent).sum()
        accept, alias = alias_table(p)
        V = len(p)
        assert accept.shape == alias.shape == (V,) and accept.nbytes + alias.nbytes == V * 12
        # mass of word w: its own column's accept share plus the leftovers of columns aliased to it
        mass = accept / V + np.bincount(alias, weights=(1 - accept) / V, minlength=V)
        np.testing.assert_allclose(mass, p, rtol=1e-12, atol=1e-15)


def test_sampled_negatives_follow_count_to_the_ns_exponent(royalty):
    """Chi-square goodness of fit of the compiled sampler's draws to count**0.75, per target excluded."""
    m = build(royalty * 8, sample=0, negative=5, chunk_words=100_000, window=2)
    P = m.vocab.counts ** 0.75
    P = P / P.sum()
    chunk = m.stream.chunk(0)
    assert not np.any(chunk.negatives == chunk.targets[:, None])
    observed = np.bincount(chunk.negatives.ravel(), minlength=len(P)).astype(float)
    # negatives of an example with target t are drawn from P conditioned on "not t"
    expected = np.zeros(len(P))
    for t, n_t in zip(*np.unique(chunk.targets, return_counts=True)):
        q = P.copy()
        q[t] = 0.0
        expected += n_t * chunk.negatives.shape[1] * q / q.sum()
    # pool the rare words so every cell expects >= 5 draws (the chi-square approximation holds)
    order = np.argsort(-expected)
    big = order[expected[order] >= 5]
    small = order[expected[order] < 5]
    obs, exp = observed[big], expected[big]
    if len(small):
        obs, exp = np.append(obs, observed[small].sum()), np.append(exp, expected[small].sum())
    chi2 = ((obs - exp) ** 2 / exp).sum()
    dof = len(obs) - 1
    # chi2 with k dof has mean k and sd sqrt(2k); k + 4.3 sd (+10 for the right skew) is exceeded with
    # probability < 1e-5, and the seed is fixed, so this cannot flicker. A wrong exponent fails by far:
    # this corpus gives chi2 ~ 117 (k = 120) for count**0.75 but > 900 for count**0.7 or count**0.8.
    assert chi2 < dof + 4.3 * np.sqrt(2 * dof) + 10, (chi2, dof)
    assert observed.sum() > 50_000


def test_alias_draw_matches_the_distribution_for_a_zipf_vocabulary():
    V = 200
    counts = 10_000 / np.arange(1, V + 1)
    p = counts ** 0.75 / (counts ** 0.75).sum()
    accept, alias = alias_table(p)
    draws = alias_draw(accept, alias, np.random.default_rng(5), 400_000)
    observed = np.bincount(draws, minlength=V)
    expected = 400_000 * p
    chi2 = ((observed - expected) ** 2 / expected).sum()          # every cell expects > 200 draws
    # 199 degrees of freedom: P(chi2 > 280) ~ 1e-4 (mean 199, sd 20); fixed seed, so deterministic
    assert chi2 < 280


# ---------------------------------------------------------------------------- compiling
def test_warm_up_compiles_everything_and_reports_seconds(royalty):
    seconds = fast.warm_up()
    assert fast.is_warm() and 0.0 <= seconds < 5.0    # already warm: a no-op
    m = build(royalty)
    m.train()                                          # no compile pause left
    assert m.training_complete


def test_warm_up_for_two_workers_adds_the_kernel_with_private_rows():
    fast.warm_up(workers=2)
    assert fast.is_warm(workers=2) and (0, 1) in warmup._kernel_variants()


@pytest.mark.slow
def test_a_new_vector_size_compiles_its_own_kernel_once():
    size = fast.STATIC_MIN_D + 1                     # a size no other test uses
    assert fast.static_size(size) == size and fast.static_size(fast.STATIC_MIN_D - 1) == 0
    assert fast.is_warm() and not fast.is_warm(size)     # the kernel for any size is there, not this one
    fast.warm_up(size)
    assert fast.is_warm(size) and fast.is_warm(fast.STATIC_MIN_D - 1)
    assert fast.warm_up(size) < 0.5                  # now a no-op


def test_training_holds_only_a_chunk_or_two_in_memory(royalty):
    """Memory is O(V d + chunk): at most the current chunk and two built ahead (two slices are queued)."""
    m = build(royalty * 10, chunk_words=500, epochs=2)
    sizes = []
    m.train(progress=lambda f, info: sizes.append((m.cursor.held_chunks, len(m.stream._cache))), report_every=0.0)
    assert len(sizes) > 5
    assert max(a for a, _ in sizes) <= 3 and max(c for _, c in sizes) <= 4


@pytest.mark.parametrize("objective", ["softmax", "hierarchical_softmax", "negative_sampling"])
def test_word2vec_cbow_update_fast_equals_step_and_differs_from_exact(objective):
    """cbow_update="word2vec" (no division by the number of context words, as word2vec.c and gensim):
    the fast path still equals stepping, and the input rows move n_in times further than the exact rule."""
    from engine import Word2Vec
    sents = list(read_corpus(sample_corpora()["tiny"]))
    kw = dict(architecture="cbow", objective=objective, vector_size=8, window=2, sample=0, epochs=2, seed=3,
              cbow_update="word2vec")
    fast_model = Word2Vec(**kw).build_vocab(sents)
    fast_model.train()
    step_model = Word2Vec(**kw).build_vocab(sents)
    while not step_model.training_complete:
        step_model.step()
    np.testing.assert_allclose(fast_model.W_in, step_model.W_in, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(fast_model.W_out, step_model.W_out, rtol=1e-4, atol=1e-6)
    # one step: the input rows' change is lr * grad_hidden, not divided by n_in
    m = Word2Vec(**kw).build_vocab(sents)
    m.W_out[:] = np.random.default_rng(0).normal(size=m.W_out.shape)
    t = m.step()
    while len(set(t.inputs.tolist())) != len(t.inputs) or len(t.inputs) < 2:
        t = m.step()
    np.testing.assert_allclose(t.in_after - t.in_before, np.broadcast_to(-t.lr * t.grad_hidden, t.in_before.shape),
                               rtol=1e-4, atol=1e-7)
    assert t.input_scale == 1
    with pytest.raises(ValueError, match="cbow_update"):
        Word2Vec(cbow_update="fast").build_vocab(sents)


# ---------------------------------------------------------------------------- the stream built in parallel
def test_chunks_are_the_same_whichever_thread_builds_them_and_in_any_order(royalty):
    """Each chunk draws from its own generator (the stream's key and the chunk's number): built in
    reverse order from a replay of the stream, every chunk equals the one step() walks."""
    m = build(royalty, chunk_words=300, epochs=2)
    replay = m.replay_stream()
    raws = [replay.read() for _ in range(6)]
    built = {raw.seq: replay.build(raw) for raw in reversed(raws)}
    assert len({c.negatives.tobytes() for c in built.values()}) == 6   # different draws per chunk
    for seq in range(6):
        _same_chunk(m.stream.chunk(seq), built[seq])


def test_training_threads_build_the_chunks(royalty, monkeypatch):
    """The chunks after the first are built in the training threads (not in the thread that reads)."""
    m = build(royalty * 4, chunk_words=300, workers=2, epochs=2)
    where = []
    original = m.stream.build
    monkeypatch.setattr(m.stream, "build", lambda raw: where.append(threading.current_thread().name) or original(raw))
    info = m.train()
    assert m.training_complete and info["threads"]["chunks"] > 20
    assert len(where) >= info["threads"]["chunks"] - 1   # the first one train() itself found to start from
    assert sum(not name.startswith("word2vec-train") for name in where) <= 1
    assert info["threads"]["build_s"] > 0 and info["threads"]["kernel_s"] > 0


def _examples_before_cursor(m) -> int:
    replay = m.replay_stream()
    return sum(replay.chunk(seq).n_examples for seq in range(m.cursor.chunk.seq)) + m.cursor.index


def test_two_workers_stopped_have_trained_the_stream_s_beginning(royalty):
    """Asked to stop, two workers finish the chunks they are on and start no other: the examples trained
    are exactly those before the cursor, and a later train() trains the rest."""
    kw = dict(chunk_words=300, epochs=2, workers=2)
    m = build(royalty * 4, **kw)
    calls = []
    info = m.train(progress=lambda f, i: calls.append(f) or len(calls) < 4, report_every=0.0)
    assert info["stopped"] and not m.training_complete
    assert m.step_count == _examples_before_cursor(m)
    m.train()
    full = build(royalty * 4, **kw)
    full.train()
    assert m.training_complete and m.step_count == full.step_count


def test_the_encoded_corpus_kept_after_the_first_epoch_gives_the_same_stream(royalty, monkeypatch):
    """Later epochs replay the ids kept from the first (CACHE_TOKENS); a corpus too large to keep is read
    and encoded again every epoch, with the same chunks."""
    from engine import examples
    kept = build(royalty, epochs=3, chunk_words=400)
    kept.train()
    assert kept.stream._epoch_ids is not None
    monkeypatch.setattr(examples, "CACHE_TOKENS", 10)
    reread = build(royalty, epochs=3, chunk_words=400)
    reread.train()
    assert reread.stream._epoch_ids is None
    assert np.array_equal(kept.W_in, reread.W_in) and kept.epoch_losses() == reread.epoch_losses()
