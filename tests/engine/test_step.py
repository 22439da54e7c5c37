"""The transparent trainer: a step changes only the rows its trace names, by exactly -lr * grad."""

import numpy as np
import pytest

from engine import TrainingDiverged, Word2Vec
SENTENCES = [s.split() for s in [
    "the king rules the land", "the queen rules the land", "a man walks the dog", "a woman walks the dog",
    "the king is a man", "the queen is a woman", "the dog runs", "the cat sleeps", "the the the king"]] * 4

MODELS = [(a, o) for a in ("skipgram", "cbow") for o in ("softmax", "hierarchical_softmax", "negative_sampling")]


def make(architecture, objective, **kw):
    args = dict(architecture=architecture, objective=objective, vector_size=8, window=3, seed=7, sample=0)
    args.update(kw)
    return Word2Vec(**args).build_vocab(SENTENCES)


@pytest.mark.parametrize("cbow_mean", [False, True])
@pytest.mark.parametrize("architecture, objective", MODELS)
def test_only_traced_rows_change_by_minus_lr_grad(architecture, objective, cbow_mean):
    """h = sum (the default, the note's h) or mean of the input rows; the exact gradient either way."""
    m = make(architecture, objective, cbow_mean=cbow_mean)
    mean = architecture == "cbow" and cbow_mean
    rng = np.random.default_rng(0)
    m.W_out[:] = rng.normal(scale=0.3, size=m.W_out.shape)
    for _ in range(40):
        W_in0, W_out0 = m.W_in.copy(), m.W_out.copy()
        t = m.step()
        # expected update, accumulated where ids repeat, computed independently of the trainer
        exp_in = W_in0.astype(np.float64)
        exp_out = W_out0.astype(np.float64)
        scale = len(t.inputs) if mean else 1
        for i in t.inputs:
            exp_in[i] -= t.lr * t.grad_hidden / scale
        for r, g in zip(t.out_rows, t.grad_out):
            exp_out[r] -= t.lr * g
        np.testing.assert_allclose(m.W_in, exp_in, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(m.W_out, exp_out, rtol=1e-5, atol=1e-7)
        # nothing else moved, bit for bit
        untouched_in = np.setdiff1d(np.arange(len(m.W_in)), t.inputs)
        untouched_out = np.setdiff1d(np.arange(len(m.W_out)), t.out_rows)
        assert np.array_equal(m.W_in[untouched_in], W_in0[untouched_in])
        assert np.array_equal(m.W_out[untouched_out], W_out0[untouched_out])
        # the trace describes the weights before the update
        h = W_in0[t.inputs].astype(np.float64)
        h = h.mean(0) if mean else h.sum(0)
        np.testing.assert_allclose(t.hidden, h, rtol=1e-5, atol=1e-7)  # h is summed in float32
        np.testing.assert_allclose(t.scores, W_out0[t.out_rows].astype(np.float64) @ t.hidden, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(t.out_before, W_out0[t.out_rows])


@pytest.mark.parametrize("architecture, objective", MODELS)
def test_trace_fields(architecture, objective):
    m = make(architecture, objective, negative=4)
    V = len(m.vocab)
    for _ in range(20):
        t = m.step()
        assert t.hidden.shape == (8,) and t.grad_hidden.shape == (8,)
        assert t.grad_out.shape == (len(t.out_rows), 8)
        assert len(t.labels) == len(t.scores) == len(t.probs) == len(t.out_rows)
        for arr in (t.inputs, t.hidden, t.out_rows, t.labels, t.scores, t.probs, t.grad_hidden, t.grad_out):
            assert not arr.flags.writeable
        with pytest.raises(Exception):
            t.loss = 0.0  # frozen
        if architecture == "skipgram":
            assert t.inputs.tolist() == [t.center] and t.target in t.context
        else:
            assert sorted(t.inputs.tolist()) == sorted(t.context) and t.target == t.center
        if objective == "softmax":
            assert t.out_rows.tolist() == list(range(V))
            assert t.probs.sum() == pytest.approx(1.0)
            assert t.loss == pytest.approx(-np.log(t.probs[t.target]))
            assert t.negatives == () and t.path == ()
        elif objective == "negative_sampling":
            assert len(t.negatives) == 4 and t.target not in t.negatives
            assert t.out_rows.tolist() == [t.target, *t.negatives]
            assert t.labels.tolist() == [1, 0, 0, 0, 0]
        else:
            assert t.out_rows.tolist() == list(t.path)
            assert t.labels.tolist() == [1 - b for b in t.code]
            assert t.code == m.tree.codes[t.target]


def test_undo_restores_weights_and_stream_exactly():
    m = make("cbow", "negative_sampling")
    W_in0, W_out0 = m.W_in.copy(), m.W_out.copy()
    traces = m.steps(30)
    for _ in range(30):
        m.undo()
    assert np.array_equal(m.W_in, W_in0) and np.array_equal(m.W_out, W_out0)
    assert m.step_count == 0 and m.loss_sums == {}
    again = m.steps(30)
    assert [(t.target, t.negatives) for t in again] == [(t.target, t.negatives) for t in traces]
    with pytest.raises(IndexError):
        make("skipgram", "softmax").undo()


def test_undo_across_chunks_and_epochs():
    # nine sentences, window 1, no subsampling: one epoch is 2 (n - 1) examples per sentence of n words
    # (62), and a chunk every 5 words, so 100 steps cross many chunk boundaries and the end of epoch 0,
    # and undoing the last 50 crosses that back
    sentences = SENTENCES[:9]
    per_epoch = sum(2 * (len(s) - 1) for s in sentences)
    assert 50 < per_epoch < 100
    m = Word2Vec(architecture="skipgram", objective="hierarchical_softmax", vector_size=8, window=1, seed=7,
                 sample=0, chunk_words=5, epochs=3).build_vocab(sentences)
    before = [(m.W_in.copy(), m.W_out.copy())]
    traces = []
    for _ in range(100):
        traces.append(m.step())
        before.append((m.W_in.copy(), m.W_out.copy()))
    # stepping past epoch 0's last example moves to epoch 1, and to nothing else
    assert [t.epoch for t in traces] == [0] * per_epoch + [1] * (100 - per_epoch)
    assert [t.step for t in traces] == list(range(traces[0].step, traces[0].step + 100))
    for k in range(100, 50, -1):
        m.undo()
        assert np.array_equal(m.W_in, before[k - 1][0])
    assert m.epoch == 0                      # back in epoch 0
    redo = m.steps(50)
    assert [t.step for t in redo] == [t.step for t in traces[50:]]
    assert [t.epoch for t in redo] == [t.epoch for t in traces[50:]]
    np.testing.assert_array_equal(m.W_in, before[100][0])
    np.testing.assert_array_equal(m.W_out, before[100][1])


def test_divergence_raises_and_keeps_last_good_weights():
    m = make("skipgram", "negative_sampling", alpha=1e30, min_alpha=1e30)
    with pytest.raises(TrainingDiverged, match="NaN or inf"):
        for _ in range(10_000):
            m.step()
    assert np.isfinite(m.W_in).all() and np.isfinite(m.W_out).all()


def test_undo_of_full_softmax_restores_w_out_exactly_from_the_rank_one_record():
    """Full softmax changes all V rows of W_out, but the undo record keeps only p - y (V,), h (d,) and the
    few entries float32 rounding spoils, and still restores every weight bit for bit."""
    from engine import Word2Vec, read_corpus, sample_corpora

    m = Word2Vec(objective="softmax", vector_size=100, sample=0, epochs=2, alpha=0.5).build_vocab(
        read_corpus(sample_corpora()["royalty"]))
    snapshots = []
    for _ in range(60):
        snapshots.append((m.W_in.copy(), m.W_out.copy()))
        m.step()
    assert m.undo_bytes < 0.25 * 60 * m.W_out.nbytes       # far less than 60 copies of W_out
    for W_in, W_out in reversed(snapshots):
        m.undo()
        assert np.array_equal(m.W_out, W_out) and np.array_equal(m.W_in, W_in)


def test_undo_history_is_capped_in_memory(monkeypatch):
    from engine import Word2Vec, model as model_module

    monkeypatch.setattr(model_module, "UNDO_BYTES", 4_000)
    m = Word2Vec(objective="softmax", vector_size=20, sample=0, epochs=5).build_vocab(
        [["a", "b", "c", "d", "e", "f"]] * 20)
    m.steps(50)
    kept = m.can_undo
    assert 1 <= kept < 50 and m.undo_bytes <= 4_000
    while m.can_undo:
        m.undo()
    assert m.step_count == 50 - kept > 0                   # undo stops at the oldest kept step
    assert m.undo_bytes == 0


def test_a_large_full_softmax_trace_is_kept_small_and_exact():
    """Word2Vec.step() returns a compact trace when k * d is large: the gradient as outer(p - y, h), exact
    row for row; W_out before/after for the shown rows only, equal to the full trace's; other rows refuse."""
    from engine import gensim_data_path, read_corpus
    from engine import step as step_module

    sentences = read_corpus(gensim_data_path("lee_background.cor"))              # V ≈ 7,000 at min_count 1
    big = Word2Vec(objective="softmax", vector_size=50, sample=0, seed=3).build_vocab(sentences)
    V, d = big.W_out.shape
    assert V * d > step_module.TRACE_FULL_MAX
    before = big.W_out.copy()
    t = big.step()
    # the compact gradient is the rank-one product, exactly
    g = np.asarray(t.probs) - np.asarray(t.labels)
    assert np.array_equal(np.asarray(t.grad_out), np.outer(g, np.asarray(t.hidden, np.float64)))
    shown = t.shown_rows(12)
    assert np.array_equal(t.grad_out[shown], np.outer(g[shown], np.asarray(t.hidden, np.float64)))
    assert t.target in shown and set(t.shown_rows(8)) <= set(t.kept_rows) and len(t.kept_rows) == 32
    for i in t.kept_rows:
        assert np.array_equal(t.out_before[i], before[i]) and np.array_equal(t.out_after[i], big.W_out[i])
    other = next(i for i in range(V) if i not in set(t.kept_rows))
    with pytest.raises(IndexError, match="were not kept"):
        t.out_before[other]
    size = sum(getattr(x, "nbytes", 0) for x in (t.grad_out, t.out_before, t.out_after))
    assert size < 0.05 * V * d * 8                          # vs (V, d) float64 + two (V, d) float32 copies
    # a small model keeps everything (the tests above read every row)
    small = make("skipgram", "softmax").step()
    assert isinstance(small.out_before, np.ndarray) and isinstance(small.grad_out, np.ndarray)


def test_compact_is_the_same_trace_with_fewer_rows():
    m = make("cbow", "softmax", cbow_mean=True)
    t = m.step()
    c = t.compact(max_elements=10, rows_kept=4)
    assert c is not t and len(c.kept_rows) == 4
    assert np.array_equal(np.asarray(c.grad_out), t.grad_out)          # exact: the same product
    for i in c.kept_rows:
        assert np.array_equal(c.out_before[i], t.out_before[i]) and np.array_equal(c.out_after[i], t.out_after[i])
    from lessons import steps as step_lessons
    ch_c, ch_t = step_lessons.row_changes(c, c.shown_rows(4)), step_lessons.row_changes(t, c.shown_rows(4))
    assert np.array_equal(ch_c["out_delta"], ch_t["out_delta"])
    assert c.loss == t.loss and c.target_prob == t.target_prob
    ns = make("skipgram", "negative_sampling").step()
    assert ns.compact(max_elements=1) is ns                              # few rows: nothing to compact
