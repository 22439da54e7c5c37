"""lessons/ against the engine itself and against the formulas."""

import numpy as np
import pytest

import engine
from engine import Word2Vec, build_huffman, leaf_probabilities
from lessons import corpus as corpus_lessons
from lessons import measures
from lessons import objectives as objective_lessons
from lessons import steps as step_lessons
from lessons import tree as tree_lessons
from lessons import windows as window_lessons
TINY = list(engine.read_corpus(engine.sample_corpora()["tiny"]))


def tiny_model(**kw):
    args = dict(vector_size=8, window=2, sample=0.0, epochs=2, seed=3)
    args.update(kw)
    return Word2Vec(**args).build_vocab(TINY)


# ------------------------------------------------------------------------------------------ windows
def test_example_counts_brute_force_over_every_radius():
    """skipgram_expected = the mean over radii 1..window of the pairs each center gets (enumerated here)."""
    lengths, window, num_skips = [1, 2, 5, 9], 3, 4
    counts = window_lessons.example_counts(lengths, window, shrink=True, num_skips=num_skips)
    full = expected = 0
    for L in lengths:
        for c in range(L):
            if L < 2:
                continue
            n_at = [sum(1 for j in range(L) if j != c and abs(j - c) <= r) for r in range(1, window + 1)]
            expected += np.mean([min(n, num_skips) for n in n_at])
            full += min(n_at[-1], num_skips)
    assert counts["skipgram_full"] == full
    assert counts["skipgram_expected"] == pytest.approx(expected)
    assert counts["cbow"] == 2 + 5 + 9


@pytest.mark.parametrize("architecture,key", [("skipgram", "skipgram_full"), ("cbow", "cbow")])
def test_example_counts_match_the_real_stream_without_shrinking(architecture, key):
    m = tiny_model(architecture=architecture, shrink_windows=False, objective="softmax")
    lengths = [len(m.vocab.encode(s)) for s in TINY]
    assert m.stream.chunk(0).n_examples == window_lessons.example_counts(lengths, 2, shrink=False)[key]


def test_expected_skipgram_count_is_the_mean_of_the_real_streams_draws():
    lengths = None
    draws = []
    for seed in range(40):
        m = tiny_model(architecture="skipgram", window=3, objective="softmax", seed=seed)
        lengths = [len(m.vocab.encode(s)) for s in TINY]
        draws.append(m.stream.chunk(0).n_examples)
    exp = window_lessons.example_counts(lengths, 3)["skipgram_expected"]
    se = np.std(draws) / np.sqrt(len(draws))
    assert abs(np.mean(draws) - exp) < 4 * se + 1e-9
    assert np.std(draws) > 0                                   # the radius really is drawn

# ------------------------------------------------------------------------------------------ vocabulary
def test_subsample_mask_follows_keep_probability():
    p = np.array([1.0, 0.0, 0.3])
    ids = np.array([0, 1, 2] * 20000)
    mask = corpus_lessons.subsample_mask(ids, p, seed=4)
    assert mask[ids == 0].all() and not mask[ids == 1].any()
    # binomial with n=20000, p=0.3: sd = sqrt(.21/20000) ~ 0.0032; 5 sd ~ 0.016
    assert abs(mask[ids == 2].mean() - 0.3) < 0.016


def test_expected_kept_fraction_matches_the_mean_of_many_draws():
    v = engine.Vocabulary.build(TINY)
    keep = v.keep_probabilities(1e-2)
    ids = np.concatenate([v.encode(s) for s in TINY] * 400)
    drawn = corpus_lessons.subsample_mask(ids, keep, seed=2).mean()
    # ~52,000 Bernoulli draws: standard error below 0.0022, so 0.01 is more than 4 of them
    assert abs(drawn - corpus_lessons.expected_kept_fraction(v.counts, keep)) < 0.01
    assert corpus_lessons.expected_kept_fraction(v.counts, v.keep_probabilities(0)) == 1.0


def test_below_min_count_matches_vocabulary_build():
    full = engine.Vocabulary.build(TINY, min_count=1)
    for mc in (2, 3, 5):
        words, tokens = corpus_lessons.below_min_count(full.index_to_key, full.counts, mc)
        built = engine.Vocabulary.build(TINY, min_count=mc)
        assert len(words) == built.dropped_words and tokens == built.dropped_tokens
        assert not set(words) & set(built.index_to_key)


def test_noise_mass_matches_noise_distribution():
    v = engine.Vocabulary.build(TINY)
    n_rare = int(round(len(v) / 2))
    for a in (0.0, 0.75, 1.0):
        assert objective_lessons.noise_mass(v.counts, [a])[a] == pytest.approx(v.noise_distribution(a)[-n_rare:].sum())
    shares = objective_lessons.noise_mass(v.counts, [1.0, 0.75, 0.0])
    assert shares[1.0] < shares[0.75] < shares[0.0]          # rare words gain mass as a falls


def test_mean_code_length_is_frequency_weighted_and_below_log2_v_plus_one():
    v = engine.Vocabulary.build(TINY)
    tree = build_huffman(v.counts)
    brute = sum(len(tree.codes[w]) * v.counts[w] for w in range(len(v))) / v.counts.sum()
    m = objective_lessons.mean_code_length(tree.lengths, v.counts)
    assert m == pytest.approx(brute)
    assert m <= np.log2(len(v)) + 1                          # Huffman beats a balanced tree on average


# ------------------------------------------------------------------------------------------ vectors
def test_cosine_matrix_matches_keyed_vectors_and_one_hot_is_identity():
    m = tiny_model()
    ids = [0, 3, 5]
    cos = measures.cosine_matrix(m.W_in[ids])
    for a in range(3):
        for b in range(3):
            assert cos[a, b] == pytest.approx(m.wv.similarity(m.vocab.index_to_key[ids[a]],
                                                              m.vocab.index_to_key[ids[b]]), abs=1e-5)
    oh = measures.one_hot(ids, len(m.vocab))
    assert np.array_equal(measures.cosine_matrix(oh), np.eye(3))


def test_row_changes_are_minus_lr_times_gradient():
    m = tiny_model(objective="negative_sampling")
    t = m.step()
    ch = step_lessons.row_changes(t)
    assert np.allclose(ch["in_delta"][0], -t.lr * t.grad_inputs, atol=1e-6)
    for i, row in enumerate(t.out_rows):
        if list(t.out_rows).count(row) == 1:
            assert np.allclose(ch["out_delta"][i], -t.lr * t.grad_out[i], atol=1e-6)


# ------------------------------------------------------------------------------------------ objectives
def test_hs_path_rows_match_leaf_probabilities_and_the_trace():
    m = tiny_model(objective="hierarchical_softmax")
    for _ in range(30):
        t = m.step()
    tree = m.tree
    p_all = leaf_probabilities(tree, m.W_out, t.hidden)
    for w in range(len(m.vocab)):
        rows = objective_lessons.hs_path_rows(tree.codes[w], tree.paths[w], m.W_out, t.hidden)
        assert rows[-1]["product"] == pytest.approx(p_all[w], rel=1e-9)
    assert p_all.sum() == pytest.approx(1.0)
    # the trace's own numbers, from the weights before the update
    before = step_lessons.weights_before_step(m.W_out, t.out_rows, t.out_before)
    m.undo()
    assert np.array_equal(before, m.W_out)
    rows = objective_lessons.hs_path_rows(t.code, t.path, m.W_out, t.hidden)
    assert np.allclose([r["sigma"] for r in rows], t.probs)
    assert -np.log(rows[-1]["product"]) == pytest.approx(t.loss, rel=1e-6)


def test_ns_terms_reproduce_the_trace_loss():
    m = tiny_model(objective="negative_sampling", negative=4)
    for _ in range(25):
        t = m.step()
    terms = objective_lessons.ns_terms(t.scores)
    assert terms["loss"] == pytest.approx(t.loss, rel=1e-9)
    assert terms["target_term"] == pytest.approx(np.log(t.probs[0]))
    assert np.allclose(terms["negative_terms"], np.log(1 - t.probs[1:]))


# ------------------------------------------------------------------------------------------ tree drawing
def test_tree_layout_full_shows_every_word_once_with_parents_between_children():
    v = engine.Vocabulary.build(TINY)
    tree = build_huffman(v.counts)
    nodes = tree_lessons.tree_layout(tree.children)
    keys = [n.key for n in nodes]
    assert sorted(k for k in keys if k[0] == "w") == sorted(f"w{i}" for i in range(len(v)))
    assert len([k for k in keys if k[0] == "n"]) == len(v) - 1
    by_key = {n.key: n for n in nodes}
    for n in nodes:
        if n.parent is not None:
            assert by_key[n.parent].x == n.x - 1               # one level deeper than its parent
    # depth of a word = its code length
    for w in range(len(v)):
        assert by_key[f"w{w}"].x == len(tree.codes[w])


def test_tree_layout_path_view_folds_side_branches_and_keeps_all_words_counted():
    v = engine.Vocabulary.build(TINY)
    tree = build_huffman(v.counts)
    target = len(v) - 1
    nodes = tree_lessons.tree_layout(tree.children, expand=set(tree.paths[target]))
    leaves = [n for n in nodes if n.key[0] in "wc"]
    assert f"w{target}" in {n.key for n in leaves}
    assert sum(n.n_words for n in leaves) == len(v)
    assert len(leaves) == len(tree.codes[target]) + 1        # the target plus one fold per path node


def test_subtree_sizes_root_holds_every_word():
    tree = build_huffman(np.array([9, 7, 4, 2, 1, 1]))
    sizes = tree_lessons.subtree_sizes(tree.children)
    assert sizes[0] == 6 and (sizes >= 2).all()


# ------------------------------------------------------------------------------------------ stepping
@pytest.mark.parametrize("objective", ["softmax", "hierarchical_softmax", "negative_sampling"])
def test_undo_and_retrace_gives_plain_undo_weights_and_the_earlier_trace(objective):
    m = tiny_model(objective=objective, architecture="cbow")
    traces = m.steps(5)
    W_in4, W_out4 = m.W_in.copy(), m.W_out.copy()
    m.step()
    t = step_lessons.undo_and_retrace(m)
    assert np.array_equal(m.W_in, W_in4) and np.array_equal(m.W_out, W_out4)
    assert m.step_count == 5 and t.step == 5
    assert np.array_equal(t.grad_out, traces[-1].grad_out) and t.loss == traces[-1].loss
    # the very first step has no earlier one to show
    m2 = tiny_model(objective=objective)
    m2.step()
    assert step_lessons.undo_and_retrace(m2) is None and m2.step_count == 0


def test_word_pair_scores_read_gensims_shapes_and_match_capitalised_words(tmp_path):
    """Issue 26, part 4: evaluate_word_pairs returns gensim's ((pearson, p), spearman, oov percent) and matches the
    vocabulary case-insensitively; the lessons (Explore's benchmark table, the sweep) read rho and coverage from it."""
    from engine import KeyedVectors
    from lessons.benchmarks import word_pair_score

    kv = KeyedVectors(["Paris", "France", "king", "queen", "apple"],
                      np.array([[1, 0, 0], [0.9, 0.2, 0], [0, 1, 0], [0.1, 1, 0], [0, 0, 1]], dtype=np.float32))
    path = tmp_path / "pairs.tsv"
    path.write_text("paris\tfrance\t9\nking\tqueen\t8\nking\tapple\t1\nparis\tmoon\t2\n", encoding="utf-8")
    rho, oov, known = word_pair_score(kv, path)
    (_, _), spearman, oov_percent = kv.evaluate_word_pairs(path)
    assert rho == spearman.statistic == 0.5 and oov == oov_percent / 100 == 0.25     # France 0.98 < queen 0.99
    assert [k[:2] for k in known] == [("paris", "france"), ("king", "queen"), ("king", "apple")]
    path.write_text("paris\tfrance\t9\nmoon\tsun\t2\n", encoding="utf-8")
    rho, oov, known = word_pair_score(kv, path)                      # one known pair: no correlation, no error
    assert np.isnan(rho) and oov == 0.5 and len(known) == 1
