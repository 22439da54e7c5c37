"""Huffman tree properties (engine/huffman.py)."""

import numpy as np
import pytest

from engine import build_huffman, leaf_probabilities
@pytest.fixture(params=[2, 3, 7, 50, 333])
def counts(request):
    rng = np.random.default_rng(request.param)
    return np.sort(rng.zipf(1.3, request.param).clip(1, 10**6))[::-1]


def test_codes_are_prefix_free_and_paths_match(counts):
    t = build_huffman(counts)
    codes = ["".join(map(str, c)) for c in t.codes]
    assert len(set(codes)) == len(codes)
    for i, a in enumerate(codes):
        for j, b in enumerate(codes):
            if i != j:
                assert not b.startswith(a)
    for c, p in zip(t.codes, t.paths):
        assert len(c) == len(p) >= 1
        assert p[0] == 0  # every path starts at the root
    nodes = {n for p in t.paths for n in p}
    assert nodes == set(range(len(counts) - 1))  # exactly the V-1 internal nodes


def test_frequent_words_get_codes_no_longer(counts):
    t = build_huffman(counts)
    for i in range(len(counts)):
        for j in range(len(counts)):
            if counts[i] > counts[j]:
                assert t.lengths[i] <= t.lengths[j]


def test_probabilities_sum_to_one_for_any_h(counts):
    t = build_huffman(counts)
    rng = np.random.default_rng(0)
    for _ in range(3):
        W_nodes = rng.normal(size=(len(counts) - 1, 4))
        h = rng.normal(size=4) * 3
        p = leaf_probabilities(t, W_nodes, h)
        assert p.min() > 0
        assert p.sum() == pytest.approx(1.0, abs=1e-12)


def test_huffman_is_optimal_against_brute_force_cost():
    # expected code length of a Huffman code equals the textbook value for this classic example
    counts = np.array([45, 13, 12, 16, 9, 5])
    t = build_huffman(counts)
    assert int((t.lengths * counts).sum()) == 224  # CLRS, fig. 16.5: 224 bits per 100 characters


def test_single_word_tree():
    t = build_huffman(np.array([4]))
    assert t.codes == [()] and t.paths == [()]
    assert leaf_probabilities(t, np.zeros((0, 3)), np.ones(3)).tolist() == [1.0]
