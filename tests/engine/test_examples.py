"""The example stream: windows, subsampling, num_skips, negatives, learning rate (engine/examples.py)."""

import numpy as np
import pytest

from engine import Word2Vec, context_pairs, learning_rate
SENTENCES = [s.split() for s in [
    "a b c d e f g", "b c a", "d e", "f", "g a b c d e f g a b", "c c c d"]]


def chunks(model):
    """Every chunk of the planned epochs, in order, consuming the stream like step() does."""
    seq = 0
    while (chunk := model.stream.chunk(seq)) is not None:
        yield chunk
        seq += 1


def all_examples(model):
    """Every (chunk, index) of the planned epochs."""
    return [(c, e) for c in chunks(model) for e in range(c.n_examples)]


def ids(model, words):
    return [model.vocab.key_to_index[w] for w in words]


def test_context_pairs_docstring():
    assert context_pairs([5, 7, 9], window=1) == [(5, 7), (7, 5), (7, 9), (9, 7)]


def test_skipgram_fixed_window_gives_exactly_all_pairs_in_order():
    m = Word2Vec(architecture="skipgram", window=2, shrink_windows=False, sample=0, epochs=1).build_vocab(SENTENCES)
    got = [(int(c.tokens[c.center_pos[e]]), int(c.targets[e])) for c, e in all_examples(m)]
    expected = [p for s in SENTENCES for p in context_pairs(ids(m, s), 2)]
    assert got == expected  # windows never cross a sentence boundary
    for c, e in all_examples(m):
        assert c.inputs(e).tolist() == [c.tokens[c.center_pos[e]]]


def test_cbow_inputs_are_the_window():
    m = Word2Vec(architecture="cbow", window=2, shrink_windows=False, sample=0, epochs=1).build_vocab(SENTENCES)
    got = [(c.inputs(e).tolist(), int(c.targets[e])) for c, e in all_examples(m)]
    expected = []
    for s in SENTENCES:
        t = ids(m, s)
        for i in range(len(t)):
            ctx = t[max(0, i - 2):i] + t[i + 1:i + 3]
            if ctx:
                expected.append((ctx, t[i]))
    assert got == expected
    assert all(c.context(e).tolist() == c.inputs(e).tolist() for c, e in all_examples(m))


def test_shrunk_radius_is_uniform_and_bounds_the_context():
    sents = [list("abcdefghijklmnopqrstuvwxyz")] * 400
    m = Word2Vec(window=4, sample=0, epochs=1, seed=3).build_vocab(sents)
    chunks = [c for c in (m.stream.chunk(i) for i in range(2)) if c is not None]
    radii = np.concatenate([c.radius for c in chunks])
    counts = np.bincount(radii, minlength=5)[1:]
    assert counts.min() > 0 and set(np.unique(radii)) == {1, 2, 3, 4}
    n = counts.sum()
    chi2 = ((counts - n / 4) ** 2 / (n / 4)).sum()
    assert chi2 < 16.27  # 3 degrees of freedom, p = 0.001 (fixed seed: deterministic)
    for c in chunks:
        for e in range(0, c.n_examples, 97):
            i = c.center_pos[e]
            assert len(c.context(e)) <= 2 * c.radius[i]


def test_num_skips_limits_context_words_per_center():
    sents = [list("abcdefghij")] * 5
    m = Word2Vec(window=3, num_skips=2, shrink_windows=False, sample=0, epochs=1).build_vocab(sents)
    per_center = {}
    for c, e in all_examples(m):
        per_center.setdefault((c.seq, int(c.center_pos[e])), []).append(int(c.targets[e]))
        assert int(c.targets[e]) in c.context(e).tolist()
    assert all(len(v) == 2 and len(set(v)) == 2 for v in per_center.values())
    assert len(per_center) == 50


def test_subsampling_keeps_words_at_the_formula_rate():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    p = 1 / np.arange(1, 31)
    sents = [list(rng.choice(words, size=20, p=p / p.sum())) for _ in range(2000)]
    m = Word2Vec(sample=1e-2, epochs=1, seed=5, chunk_words=100_000).build_vocab(sents)
    kp = m.keep_prob
    chunk = m.stream.chunk(0)
    kept = np.bincount(chunk.tokens, minlength=len(kp))
    n = m.vocab.counts
    # each occurrence is kept independently with probability kp[w]: a binomial per word.
    # |z| < 4.5 for all 30 words: a correct sampler fails with probability < 30 * 7e-6 = 2e-4
    sd = np.sqrt(n * kp * (1 - kp)) + 1e-12
    z = (kept - n * kp) / sd
    assert np.all(np.abs(z[kp < 1]) < 4.5)
    assert np.all(kept[kp == 1] == n[kp == 1])
    assert kp[0] < 0.5  # the most frequent word is heavily subsampled


def test_negatives_never_the_target_and_follow_noise_distribution():
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(12)]
    p = 1 / np.arange(1, 13) ** 1.2
    sents = [list(rng.choice(words, size=15, p=p / p.sum())) for _ in range(600)]
    m = Word2Vec(negative=5, sample=0, epochs=1, seed=2, ns_exponent=0.75).build_vocab(sents)
    Pn = m.noise
    observed = np.zeros(len(Pn))
    expected = np.zeros(len(Pn))
    for c in chunks(m):
        assert not np.any(c.negatives == c.targets[:, None])
        observed += np.bincount(c.negatives.ravel(), minlength=len(Pn))
        # each negative of an example with target t is drawn from P_n conditioned on "not t"
        for t, n_t in zip(*np.unique(c.targets, return_counts=True)):
            q = Pn.copy()
            q[t] = 0
            expected += n_t * c.negatives.shape[1] * q / q.sum()
    chi2 = ((observed - expected) ** 2 / expected).sum()
    # 11 degrees of freedom: P(chi2 > 31.26) = 0.001; the seed is fixed, so this cannot flicker
    assert chi2 < 31.26


def test_learning_rate_decays_linearly_over_the_plan():
    assert learning_rate(0.025, 0.0, 0.5) == pytest.approx(0.0125)
    sents = [list("abcdefgh")] * 50
    m = Word2Vec(alpha=0.05, min_alpha=0.001, epochs=3, sample=0, chunk_words=64).build_vocab(sents)
    examples = all_examples(m)
    lrs = np.concatenate([c.lr for c in {c.seq: c for c, _ in examples}.values()])
    assert np.all(np.diff(lrs) <= 1e-15)
    assert lrs[0] == pytest.approx(0.05)
    assert lrs[-1] == pytest.approx(0.001, abs=0.05 / 50)
    total = 3 * m.vocab.retained_words
    for c, e in examples[::37]:
        done = c.epoch * m.vocab.retained_words + c.words_before + c.center_pos[e]
        assert c.lr[e] == pytest.approx(0.05 - (0.05 - 0.001) * done / total)  # sample=0: positions are raw


def test_same_seed_same_stream_other_seed_other_stream():
    sents = [list("abcdefghij")] * 30

    def stream(seed):
        m = Word2Vec(seed=seed, sample=1e-2, window=3).build_vocab(sents)
        c = m.stream.chunk(0)
        return c.targets.tolist(), c.negatives.tolist(), c.radius.tolist()

    assert stream(1) == stream(1)
    assert stream(1) != stream(2)


def test_skipgram_input_context_swaps_the_roles_of_every_pair():
    """skipgram_input="context" (word2vec.c's order): the same pairs, same order and learning rates,
    with the context word as input and the centre as target; negatives never equal the new target."""
    from engine import read_corpus, sample_corpora
    sentences = list(read_corpus(sample_corpora()["royalty"]))
    kw = dict(vector_size=8, window=3, sample=1e-2, epochs=1, seed=5)
    for objective in ("negative_sampling", "hierarchical_softmax"):
        a = Word2Vec(objective=objective, **kw).build_vocab(sentences).stream.chunk(0)
        b = Word2Vec(objective=objective, skipgram_input="context", **kw).build_vocab(sentences).stream.chunk(0)
        assert a.n_examples == b.n_examples > 100
        assert np.array_equal(a.center_pos, b.center_pos) and np.array_equal(a.lr, b.lr)
        assert np.array_equal(b.targets, a.input_ids) and np.array_equal(b.input_ids, a.targets)
        assert np.array_equal(b.targets, b.tokens[b.center_pos])               # the target is the centre
        if objective == "negative_sampling":
            assert not (b.negatives == b.targets[:, None]).any()
