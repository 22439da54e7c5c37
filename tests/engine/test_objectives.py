"""Objectives: exact gradients by central finite differences, for each of the 6 models (engine/objectives.py)."""

import numpy as np
import pytest

from engine import OBJECTIVE_FUNCTIONS, Word2Vec, build_huffman, output_rows
from engine.objectives import softmax

SENTENCES = [s.split() for s in [
    "the king rules the land", "the queen rules the land", "a man walks", "a woman walks",
    "the king is a man", "the queen is a woman", "the dog runs", "the cat sleeps"]] * 3

MODELS = [(a, o) for a in ("skipgram", "cbow") for o in ("softmax", "hierarchical_softmax", "negative_sampling")]


def numeric_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f()
        x[i] = old - eps
        fm = f()
        x[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g


@pytest.mark.parametrize("architecture, objective", MODELS)
def test_gradients_match_finite_differences(architecture, objective):
    """Take a real example from the stream of each model, with random (non-zero) weights, and check
    grad_hidden and grad_out against central differences of the loss in float64."""
    m = Word2Vec(architecture=architecture, objective=objective, vector_size=6, window=2, seed=4,
                 sample=0).build_vocab(SENTENCES)
    rng = np.random.default_rng(1)
    m.W_out[:] = rng.normal(scale=0.5, size=m.W_out.shape)
    for _ in range(3):
        trace = m.step()  # an example with its rows, labels (and negatives / path)
    hidden = np.array(trace.hidden, dtype=np.float64)
    rows = np.array(trace.out_before, dtype=np.float64)
    labels = np.array(trace.labels)
    fn = OBJECTIVE_FUNCTIONS[objective]
    loss, (grad_hidden, grad_rows), probs = fn(hidden, rows, labels)
    num_h = numeric_grad(lambda: fn(hidden, rows, labels)[0], hidden)
    num_rows = numeric_grad(lambda: fn(hidden, rows, labels)[0], rows)
    np.testing.assert_allclose(grad_hidden, num_h, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(grad_rows, num_rows, rtol=1e-5, atol=1e-8)
    assert loss == pytest.approx(trace.loss, rel=1e-5)


@pytest.mark.parametrize("architecture, objective", MODELS)
def test_gradient_of_input_rows_through_the_whole_model(architecture, objective):
    """d loss / d W_in[id] (what step() applies) against finite differences of the full forward pass,
    h built from the input rows (sum or mean), including a repeated input id for CBOW."""
    rng = np.random.default_rng(2)
    V, d = 7, 5
    W_in = rng.normal(size=(V, d))
    W_out = rng.normal(size=(V - 1 if objective == "hierarchical_softmax" else V, d))
    tree = build_huffman(np.array([9, 7, 5, 4, 3, 2, 1]))
    inputs = np.array([2]) if architecture == "skipgram" else np.array([1, 4, 4, 6])
    rows_idx, labels = output_rows(objective, 3, V, negatives=[0, 5, 5], tree=tree)
    fn = OBJECTIVE_FUNCTIONS[objective]

    def loss():
        r = W_in[inputs]
        h = r.mean(axis=0) if architecture == "cbow" else r.sum(axis=0)
        return fn(h, W_out[rows_idx], labels)[0]

    r = W_in[inputs]
    h = r.mean(axis=0) if architecture == "cbow" else r.sum(axis=0)
    _, (gh, g_rows), _ = fn(h, W_out[rows_idx], labels)
    g_in = np.zeros_like(W_in)
    np.add.at(g_in, inputs, gh / (len(inputs) if architecture == "cbow" else 1))
    g_out = np.zeros_like(W_out)
    np.add.at(g_out, rows_idx, g_rows)  # a repeated negative counts twice
    np.testing.assert_allclose(g_in, numeric_grad(loss, W_in), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(g_out, numeric_grad(loss, W_out), rtol=1e-5, atol=1e-8)


def test_probabilities_and_losses_match_definitions():
    rng = np.random.default_rng(0)
    h, R = rng.normal(size=4), rng.normal(size=(5, 4))
    y = np.eye(5)[2]
    loss, _, p = OBJECTIVE_FUNCTIONS["softmax"](h, R, y)
    np.testing.assert_allclose(p, softmax(R @ h))
    assert loss == pytest.approx(-np.log(softmax(R @ h)[2]))
    y = np.array([1.0, 0, 0, 1, 0])
    loss, _, p = OBJECTIVE_FUNCTIONS["negative_sampling"](h, R, y)
    s = 1 / (1 + np.exp(-(R @ h)))
    np.testing.assert_allclose(p, s)
    assert loss == pytest.approx(-(y * np.log(s) + (1 - y) * np.log(1 - s)).sum())


def test_extreme_scores_stay_finite():
    h = np.array([1e3, -1e3])
    R = np.array([[1.0, -1.0], [-1.0, 1.0]])
    for name in OBJECTIVE_FUNCTIONS:
        y = np.array([1.0, 0.0])
        loss, (gh, gr), p = OBJECTIVE_FUNCTIONS[name](h, R, y)
        assert np.isfinite(loss) and np.isfinite(gh).all() and np.isfinite(p).all()
        y = np.array([0.0, 1.0])
        loss, _, _ = OBJECTIVE_FUNCTIONS[name](h, R, y)
        # scores are +2000 and -2000: both objectives pay 4000 nats for the wrong confident answer
        assert loss == pytest.approx(4000.0, rel=1e-9)


def test_output_rows():
    rows, labels = output_rows("negative_sampling", 3, 10, negatives=[7, 1])
    assert rows.tolist() == [3, 7, 1] and labels.tolist() == [1, 0, 0]
    rows, labels = output_rows("softmax", 1, 3)
    assert rows.tolist() == [0, 1, 2] and labels.tolist() == [0, 1, 0]
    tree = build_huffman(np.array([5, 3, 2]))
    rows, labels = output_rows("hierarchical_softmax", 2, 3, tree=tree)
    assert rows.tolist() == list(tree.paths[2])
    assert labels.tolist() == [1 - b for b in tree.codes[2]]
    with pytest.raises(ValueError, match="objective"):
        output_rows("nonsense", 0, 3)
