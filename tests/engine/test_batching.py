"""ns_batching="shared_negatives" (Ji et al. 2016's HogBatch / pWord2Vec): a center's examples as one update.

The reference is update.UpdateRule.apply_batch (NumPy, float64), itself checked against the sum of the
per-example gradients of the unbatched rule; the compiled kernel and step() must consume the same stream
and end with the same weights, as for the unbatched trainers (test_fast.py).
"""

import numpy as np
import pytest

from engine import TrainingDiverged, Word2Vec
from engine.config import Config
from engine.fast import STATIC_MIN_D
from engine.fast.kernel import _batch_compiled
from engine.update import UpdateRule
from tests.engine.conftest import step_until_complete

TOL = dict(rtol=1e-4, atol=1e-6)


pytestmark = pytest.mark.usefixtures("fast_warm")


def build(sentences, **kw):
    args = dict(vector_size=16, window=3, negative=5, sample=1e-2, epochs=1, seed=11, ns_batching="shared_negatives")
    args.update(kw)
    return Word2Vec(**args).build_vocab(sentences)


@pytest.mark.parametrize("kw", [dict(architecture="cbow"), dict(objective="hierarchical_softmax"),
                                dict(sigmoid="word2vec")])
def test_batching_is_refused_outside_skip_gram_negative_sampling_with_a_message(kw):
    with pytest.raises(ValueError, match="ns_batching='shared_negatives' is not allowed.*use ns_batching='none'"):
        Config(ns_batching="shared_negatives", **kw).validate()
    with pytest.raises(ValueError, match="ns_batching='shared' is not allowed"):
        Config(ns_batching="shared").validate()


@pytest.mark.parametrize("skipgram_input", ["center", "context"])
def test_a_batch_is_the_sum_of_its_examples_gradients_from_the_weights_before(skipgram_input):
    """apply_batch = every example of the center scored with the weights before the batch (with the shared
    negatives), their per-example gradients (the unbatched rule's) summed; the negatives' scores are X @ N.T."""
    rng = np.random.default_rng(0)
    V, d, m, k, lr = 12, 6, 4, 3, 0.05
    W_in, W_out = rng.normal(size=(V, d)), rng.normal(scale=0.5, size=(V, d))    # float64: exact comparison
    if skipgram_input == "center":
        inputs, targets = np.full(m, 2), np.array([3, 5, 7, 5])                   # the center predicts its context
    else:
        inputs, targets = np.array([3, 5, 7, 5]), np.full(m, 2)                   # each context word the center
    negatives = np.array([9, 1, 9])
    rule = UpdateRule.from_config(Config(ns_batching="shared_negatives", skipgram_input=skipgram_input))
    expect_in, expect_out, expect_loss = W_in.copy(), W_out.copy(), 0.0
    for i in range(m):
        rows, _, _, loss, (grad_h, grad_rows), _, _, _ = rule.forward(W_in, W_out, inputs[i:i + 1], int(targets[i]),
                                                                      negatives)
        np.add.at(expect_out, rows, -lr * grad_rows)
        expect_in[inputs[i]] -= lr * grad_h
        expect_loss += loss
    u = rule.apply_batch(W_in, W_out, inputs, targets, negatives, lr)
    np.testing.assert_allclose(W_in, expect_in, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(W_out, expect_out, rtol=1e-12, atol=1e-12)
    assert u.loss == pytest.approx(expect_loss, rel=1e-12)
    np.testing.assert_allclose(u.scores[:, 1:], u.X @ u.N.T, rtol=1e-12)          # the matrix product
    assert u.scores.shape == (m, 1 + k) and (u.labels[:, 0] == 1).all() and (u.labels[:, 1:] == 0).all()


# 16: the any-size kernel, k read at run time; 40: the kernel compiled for d = 40 and k = 5 (kernel._negatives_marker)
@pytest.mark.parametrize("skipgram_input, vector_size", [("center", 16), ("context", 16), ("context", 40)])
def test_train_equals_stepping_the_batches(royalty, skipgram_input, vector_size):
    fast_model = build(royalty, skipgram_input=skipgram_input, vector_size=vector_size)
    info = fast_model.train()
    stepped = build(royalty, skipgram_input=skipgram_input, vector_size=vector_size)
    traces = [stepped.step() for _ in range(5)]
    step_until_complete(stepped)
    assert fast_model.step_count == stepped.step_count == info["examples"] > 500
    if vector_size >= STATIC_MIN_D:               # the kernel that ran was compiled for k = 5
        assert (40, 5) in {(getattr(sig[-2], "count", 0), getattr(sig[-1], "count", 0)) for sig in _batch_compiled.signatures}
    np.testing.assert_allclose(fast_model.W_in, stepped.W_in, **TOL)
    np.testing.assert_allclose(fast_model.W_out, stepped.W_out, **TOL)
    assert fast_model.mean_loss() == pytest.approx(stepped.mean_loss(), rel=1e-5)
    for t in traces:                             # one step = all of a center's examples, sharing the negatives
        assert len(t.inputs) == len(t.targets) == len(t.context) >= 1 and t.scores.shape == (len(t.inputs), 6)
    assert [t.step for t in traces] == list(np.cumsum([1] + [len(t.inputs) for t in traces[:-1]]))


def test_step_then_train_and_undo_then_train_equal_train(royalty):
    a = build(royalty, epochs=2, chunk_words=300)
    a.steps(37)
    for _ in range(20):
        a.undo()
    a.steps(5)
    a.train()
    b = build(royalty, epochs=2, chunk_words=300)
    b.train()
    assert a.step_count == b.step_count
    np.testing.assert_allclose(a.W_in, b.W_in, **TOL)
    np.testing.assert_allclose(a.W_out, b.W_out, **TOL)


def test_undo_reverses_a_batched_step_exactly(royalty):
    m = build(royalty)
    m.steps(3)
    W_in, W_out, n, position = m.W_in.copy(), m.W_out.copy(), m.step_count, (m.cursor.chunk.seq, m.cursor.index)
    t = m.step()
    assert m.step_count == n + len(t.inputs)
    m.undo()
    assert np.array_equal(m.W_in, W_in) and np.array_equal(m.W_out, W_out) and m.step_count == n
    assert (m.cursor.chunk.seq, m.cursor.index) == position


def test_max_examples_ends_at_a_center_and_workers_1_is_deterministic(royalty):
    a = build(royalty, epochs=2, chunk_words=300)
    a.train(max_examples=1000)
    chunk, index = a.cursor.chunk, a.cursor.index
    assert 1000 <= a.step_count < 1000 + 2 * a.window
    assert index == chunk.n_examples or chunk.center_pos[index] != chunk.center_pos[index - 1]
    a.train()
    b = build(royalty, epochs=2, chunk_words=300)
    b.train()
    assert np.array_equal(a.W_in, b.W_in) and a.epoch_losses() == b.epoch_losses()


def test_batched_training_learns_and_two_workers_train_every_example(royalty):
    one = build(royalty * 4, epochs=4, sample=0)
    one.train()
    two = build(royalty * 4, epochs=4, sample=0, workers=2)
    two.train()
    assert two.step_count == one.step_count
    for m in (one, two):
        losses = m.epoch_losses()
        assert losses[-1] < 0.9 * losses[0] and np.isfinite(m.W_in).all()


@pytest.mark.parametrize("vector_size", [16, 40])
def test_a_diverging_batch_stops_with_the_last_good_weights(royalty, vector_size):
    m = build(royalty, alpha=1e30, min_alpha=1e30, init_scale=100.0, vector_size=vector_size)
    with pytest.raises(TrainingDiverged):
        m.train()
    assert np.isfinite(m.W_in).all() and np.isfinite(m.W_out).all()


def test_a_center_s_examples_are_given_one_set_of_negatives_none_equal_to_the_first_target(royalty):
    m = build(royalty, chunk_words=400)
    chunk = m.stream.chunk(0)
    for e in range(chunk.n_examples):
        first = int(np.searchsorted(chunk.center_pos, chunk.center_pos[e]))
        assert np.array_equal(chunk.negatives[e], chunk.negatives[first])
        assert chunk.targets[first] not in chunk.negatives[e]
    unbatched = build(royalty, chunk_words=400, ns_batching="none").stream.chunk(0)
    assert np.array_equal(unbatched.targets, chunk.targets)          # the same examples, other negatives
