"""Interview experiments on the output layer: dot products per update, Huffman code lengths, the
hierarchical-softmax probabilities summing to 1, the rows negative sampling changes, what one update does to
sigma(u . h), the gradient on an orthogonal negative, and the 3/4 power's noise shares.

What it does not do: draw, know about Streamlit, or cache.
"""

from __future__ import annotations

import math

import numpy as np

from engine.model import Word2Vec
from engine.objectives import binary_logistic_loss
from engine.vocab import alias_draw, alias_table
from lessons.interview.setup import Setup, vocabulary, warm_model


# ------------------------------------------------------------------------------------------ question 6
def dot_products(setup: Setup, hs_steps: int = 200, negative: int = 5) -> dict:
    """Output dot products of one update, counted on real steps: full softmax, hierarchical softmax, k negatives."""
    measured, mean_code = {}, None
    for objective, n_steps in (("softmax", 3), ("hierarchical_softmax", hs_steps), ("negative_sampling", 3)):
        m = Word2Vec(objective=objective, vector_size=8, negative=negative, sample=0.0, window=2,
                     seed=setup.seed, undo_depth=0)
        m.build_vocab(setup.sentences)
        measured[objective] = float(np.mean([len(m.step().scores) for _ in range(n_steps)]))
        if objective == "hierarchical_softmax":
            counts = m.vocab.counts.astype(np.float64)                  # (V,)
            mean_code = float((counts * m.tree.lengths).sum() / counts.sum())
    V = int(measured["softmax"])
    return {"V": V, "log2V": math.log2(max(2, V)), "mean_code": mean_code,
            "hs_steps": hs_steps, "negative": negative,
            "million": {"softmax": 1_000_000, "hierarchical_softmax": math.log2(1_000_000),
                        "negative_sampling": negative + 1},
            "truth": {"softmax": measured["softmax"], "hs": measured["hierarchical_softmax"],
                      "ns": measured["negative_sampling"]}}


# ------------------------------------------------------------------------------------------ question 7
def huffman_codes(setup: Setup, band: float = 0.25) -> dict:
    """Code lengths in the model's Huffman tree: the most frequent word, the rarest, and the average."""
    m = Word2Vec(objective="hierarchical_softmax", vector_size=4, sample=0.0)
    m.build_vocab(setup.sentences)
    tree, counts = m.tree, m.vocab.counts.astype(np.float64)
    lengths = np.asarray(tree.lengths)                                  # (V,)
    V = len(lengths)
    weighted = float((counts * lengths).sum() / counts.sum())
    log2V = math.log2(V)
    side = "shorter" if weighted < log2V - band else ("longer" if weighted > log2V + band else "about")
    words = m.vocab.index_to_key
    show = sorted(set(range(min(5, V))) | set(range(max(0, V - 3), V)))
    rows = [{"word": words[i], "count": int(counts[i]), "code": "".join(map(str, tree.codes[i])),
             "length": int(lengths[i])} for i in show]
    return {"V": V, "log2V": log2V, "weighted": weighted, "plain_mean": float(lengths.mean()),
            "max": int(lengths.max()), "top": words[0], "rare": words[-1], "rows": rows, "band": band,
            "truth": {"top": int(lengths[0]), "rare": int(lengths[-1]), "average": side}}


# ------------------------------------------------------------------------------------------ question 8
def hs_probability_sum(setup: Setup, trials: int = 5, vector_size: int = 16) -> dict:
    """Sum of p(w | h) over the vocabulary under hierarchical softmax, for random node vectors and random h."""
    from engine.huffman import leaf_probabilities

    m = Word2Vec(objective="hierarchical_softmax", vector_size=vector_size, sample=0.0, seed=setup.seed)
    m.build_vocab(setup.capped())
    rng = np.random.default_rng(setup.seed)
    sums, rows = [], []
    for i in range(trials):
        W_nodes = rng.normal(0.0, 1.0, size=m.W_out.shape)                # (V-1, d) random, not trained
        h = rng.normal(0.0, 1.0, size=vector_size)                        # (d,)
        p = leaf_probabilities(m.tree, W_nodes, h)                        # (V,)
        sums.append(float(p.sum()))
        top = int(np.argmax(p))
        rows.append({"trial": i + 1, "sum": float(p.sum()), "largest": m.vocab.index_to_key[top],
                     "p_largest": float(p[top]), "p_smallest": float(p.min())})
    err = max(abs(s - 1.0) for s in sums)
    answer = "one" if err < 1e-9 else ("less" if np.mean(sums) < 1 else "more")
    return {"V": len(m.vocab), "rows": rows, "max_error": err, "truth": {"sum": answer}}


def ns_rows_changed(setup: Setup, negative: int = 5) -> dict:
    """Rows of W_out and of W_in that one negative-sampling update changes (diff of the weights around step())."""
    out = {}
    for arch in ("skipgram", "cbow"):
        m = warm_model(setup, arch, negative=negative)
        w_in, w_out = m.W_in.copy(), m.W_out.copy()
        t = m.step()
        words = m.vocab.index_to_key
        changed_out = np.flatnonzero(np.any(m.W_out != w_out, axis=1))
        changed_in = np.flatnonzero(np.any(m.W_in != w_in, axis=1))
        out[arch] = {"out": int(len(changed_out)), "in": int(len(changed_in)),
                     "inputs": [words[i] for i in t.inputs], "target": words[t.target],
                     "negatives": [words[i] for i in t.negatives],
                     "distinct_negatives": len(set(t.negatives) - {t.target}),
                     "out_words": [words[i] for i in changed_out], "in_words": [words[i] for i in changed_in],
                     "V": len(words)}
    sg = out["skipgram"]
    return {**out, "negative": negative, "truth": {"out": sg["out"], "in": sg["in"]}}


# ------------------------------------------------------------------------------------------ question 10
def _direction(before: np.ndarray, after: np.ndarray) -> str:
    """'up' if every value rose, 'down' if every one fell, 'same' if none moved, else 'mixed'."""
    diff = np.asarray(after, dtype=np.float64) - np.asarray(before, dtype=np.float64)
    if np.all(diff > 0):
        return "up"
    if np.all(diff < 0):
        return "down"
    return "same" if np.all(diff == 0) else "mixed"


def sigma_after_step(setup: Setup, negative: int = 5, scan: int = 2_000, train_first: int = 20_000) -> dict:
    """sigma(u . h) of the target and of each negative before and after one update (re-scored on the same
    example), with the signed change of each. Then the model trains `train_first` more examples (the output
    vectors grow and align) and `scan` further updates are searched for a negative whose sigma ROSE: the
    update moves h towards u_target too, so a negative whose u is aligned with u_target can rise even at a
    small learning rate. What does hold at a small rate is that the example's loss falls (counted too)."""
    m = warm_model(setup, negative=negative)
    t = m.step()
    words = m.vocab.index_to_key
    rows = [{"word": words[int(r)], "role": "target" if i == 0 else "negative",
             "before": float(t.probs[i]), "after": float(t.probs_after[i]),
             "change": float(t.probs_after[i] - t.probs[i])} for i, r in enumerate(t.out_rows)]
    rose, losses_fell, rises = None, 0, 0
    m.train(max_examples=train_first)
    for n in range(scan):
        u = m.step()
        losses_fell += bool(u.loss_after < u.loss)
        ups = np.flatnonzero(np.asarray(u.probs_after[1:]) > np.asarray(u.probs[1:]))
        rises += bool(len(ups))
        if rose is None and len(ups):
            i = int(ups[0]) + 1
            rose = {"step": n + 1, "word": words[int(u.out_rows[i])], "target_word": words[int(u.target)],
                    "before": float(u.probs[i]), "after": float(u.probs_after[i]),
                    "t_before": float(u.target_prob), "t_after": float(u.target_prob_after), "lr": float(u.lr)}
    return {"centre": words[int(t.inputs[0])], "rows": rows, "lr": t.lr, "loss": t.loss, "loss_after": t.loss_after,
            "t_change": float(t.target_prob_after - t.target_prob), "rose": rose, "scanned": scan,
            "losses_fell": losses_fell, "rises": rises,
            "truth": {"target": _direction([t.target_prob], [t.target_prob_after]),
                      "negatives": _direction(t.probs[1:], t.probs_after[1:])}}


# ------------------------------------------------------------------------------------------ question 11
def orthogonal_negative(setup: Setup) -> dict:
    """The loss gradient on a negative whose output vector u is orthogonal to h: dL/du = sigma(u . h) h = 0.5 h.

    h is a real hidden vector (the next update of a warmed-up model); u is a random vector with its
    component along h removed, scored with the engine's own objective function.
    """
    m = warm_model(setup)
    t = m.step()
    h = np.asarray(t.hidden, dtype=np.float64)                           # (d,)
    rng = np.random.default_rng(setup.seed)
    u = rng.normal(size=h.shape)                                          # (d,)
    u -= (u @ h) / (h @ h) * h                                            # remove the part along h
    u *= np.linalg.norm(h) / np.linalg.norm(u)
    rows = np.stack([np.asarray(m.W_out[t.target], dtype=np.float64), u])  # (2, d): target, the negative
    loss, (grad_h, grad_rows), probs = binary_logistic_loss(h, rows, np.array([1.0, 0.0]))
    coef = float(grad_rows[1] @ h / (h @ h))                              # dL/du = coef * h
    residual = float(np.linalg.norm(grad_rows[1] - coef * h))
    return {"dot": float(u @ h), "sigma": float(probs[1]), "coef": coef, "residual": residual,
            "term": float(np.logaddexp(0.0, u @ h)), "h_norm": float(np.linalg.norm(h)),
            "truth": {"sigma": float(probs[1]), "coef": coef}}


# ------------------------------------------------------------------------------------------ question 12
def noise_shares(setup: Setup, draws: int = 200_000) -> dict:
    """Share of the most frequent word among negatives at exponent 1, 0.75 and 0: P_n(w) ∝ count(w)^e.

    Each share is read off Vocabulary.noise_distribution and checked with draws from its alias table
    (the sampler training uses). Shares are in percent.
    """
    v = vocabulary(setup)
    rng = np.random.default_rng(setup.seed)
    rows, truth = [], {}
    for key, e in (("e1", 1.0), ("e075", 0.75), ("e0", 0.0)):
        p = v.noise_distribution(e)                                        # (V,)
        accept, alias = alias_table(p)
        drawn = alias_draw(accept, alias, rng, draws)
        share = float(np.mean(drawn == 0))
        truth[key] = 100.0 * float(p[0])
        rows.append({"exponent": e, "share": 100.0 * float(p[0]), "drawn": 100.0 * share,
                     "rare_half": 100.0 * float(p[len(p) // 2:].sum())})
    return {"top": v.index_to_key[0], "count": int(v.counts[0]), "T": v.retained_words, "V": len(v),
            "draws": draws, "rows": rows, "truth": truth}
