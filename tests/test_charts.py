"""ui/charts.py: the scatters of a whole vocabulary stay small for the browser and lose nothing they show."""

import numpy as np

from ui import charts


def big_vocabulary(V: int = 7400, seed: int = 0):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.zipf(1.4, size=V))[::-1].clip(1, 50_000)            # (V,) descending, many ties
    words = [f"w{i}" for i in range(V)]
    return words, counts


def test_zipf_draws_at_most_max_points_with_the_first_and_last_ranks():
    words, counts = big_vocabulary()
    trace = charts.zipf(words, counts).data[0]
    assert len(trace.x) <= charts.MAX_POINTS
    assert trace.x[0] == 1 and trace.x[-1] == len(words)                       # the ends of the curve
    assert list(trace.x[:100]) == list(range(1, 101))                          # the head in full
    assert all(trace.y[k] == counts[r - 1] and trace.customdata[k] == words[r - 1] for k, r in enumerate(trace.x))


def test_keep_probability_is_one_point_per_distinct_frequency():
    words, counts = big_vocabulary()
    freqs = counts / counts.sum()
    keep = np.minimum(1.0, (np.sqrt(freqs / 1e-3) + 1) * 1e-3 / freqs)
    trace = charts.keep_probability(words, freqs, keep, 1e-3).data[0]
    assert len(trace.x) == len(np.unique(freqs)) < len(words) / 5
    assert sorted(trace.x) == sorted(np.unique(freqs))
    rare = trace.customdata[0]                                                 # the rarest words: many names
    assert rare.count(",") == 2 and "(+" in rare


def test_code_lengths_is_one_point_per_count_and_length():
    from engine import build_huffman

    words, counts = big_vocabulary()
    lengths = build_huffman(counts).lengths
    trace = charts.code_lengths(words, counts, lengths, mean_length=5.0).data[0]
    pairs = {(int(c), int(n)) for c, n in zip(counts, lengths)}
    assert len(trace.x) == len(pairs) < len(words) / 5
    assert {(int(c), int(n)) for c, n in zip(trace.x, trace.y)} == pairs        # every word's point is there
