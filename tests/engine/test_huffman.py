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


def test_the_builder_records_its_merges_and_each_joins_the_two_rarest_in_the_queue(counts):
    """tree.merges is the construction itself: merge m made node V-2-m from the two nodes at the front of the
    queue (queue_after, the heap's order), the first popped on bit 1, and the merged counts never decrease."""
    from engine.huffman import queue_after

    t = build_huffman(counts)
    V = len(counts)
    assert t.merges.shape == (V - 1, 2)

    def count(n):
        return counts[-1 - n] if n < 0 else t.node_counts[n]
    made = []
    for m in range(V - 1):
        first, second = (int(x) for x in t.merges[m])
        assert queue_after(t, counts, m)[:2].tolist() == [first, second]
        assert t.children[V - 2 - m].tolist() == [second, first]          # bit 0: second popped, bit 1: first
        assert t.node_counts[V - 2 - m] == count(first) + count(second)
        made.append(t.node_counts[V - 2 - m])
    assert made == sorted(made)                                          # Huffman: merged counts never decrease
    assert queue_after(t, counts, V - 1).tolist() == [0]                 # the root is all that is left
    assert t.node_counts[0] == counts.sum()


def test_ties_go_to_the_node_that_entered_the_queue_first():
    """Four words of count 1: words by id first (0 with 1, then 2 with 3), then the two new nodes."""
    from engine.huffman import queue_after

    t = build_huffman(np.array([1, 1, 1, 1]))
    assert t.merges.tolist() == [[-1, -2], [-3, -4], [2, 1]]
    assert queue_after(t, np.array([1, 1, 1, 1]), 2).tolist() == [2, 1]   # node 2 (merge 0) before node 1
    with pytest.raises(ValueError, match="step=4"):
        queue_after(t, np.array([1, 1, 1, 1]), 4)
