"""What the objective pages compute beside the engine's own update: the noise distribution's mass for a
few exponents, the mean Huffman code length, log sigma, the rows on a hierarchical-softmax path, and the
terms of the negative-sampling objective.

What it does not do: update weights (engine.update does, once).
"""

from __future__ import annotations

from typing import Dict, Sequence

import numpy as np


def noise_mass(counts: np.ndarray, exponents: Sequence[float], rare_share: float = 0.5) -> Dict[float, float]:
    """Share of the noise distribution P_n(w) ∝ count(w)**a held by the rarest `rare_share` of the words.

    The ids are sorted by descending count, so the rare words are the last ones. With a = 1 the share
    is their share of the tokens; smaller a moves mass towards them; a = 0 gives them exactly their
    share of the types.
    >>> noise_mass(np.array([3, 1]), [1.0, 0.0])
    {1.0: 0.25, 0.0: 0.5}
    """
    counts = np.asarray(counts, dtype=np.float64)                                  # (V,)
    V = len(counts)
    n_rare = max(1, int(round(V * rare_share)))
    out = {}
    for a in exponents:
        p = counts ** a                                                            # (V,)
        out[a] = float(p[V - n_rare:].sum() / p.sum())
    return out


def mean_code_length(lengths: np.ndarray, counts: np.ndarray) -> float:
    """Average Huffman code length over the tokens of the corpus (frequency-weighted).

    This is the mean number of dot products one hierarchical-softmax update costs.
    >>> mean_code_length(np.array([1, 2, 2]), np.array([2, 1, 1]))
    1.5
    """
    counts = np.asarray(counts, dtype=np.float64)
    return float((np.asarray(lengths) * counts).sum() / counts.sum())


# ---------------------------------------------------------------------------------------------- objectives
def log_sigmoid(x) -> np.ndarray:
    """log sigma(x), computed without overflow: log_sigmoid(0.0) -> log(0.5)"""
    return -np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))


def hs_path_rows(codes: Sequence[int], path: Sequence[int], W_nodes: np.ndarray, hidden: np.ndarray):
    """The decisions along one word's Huffman path for hidden vector h.

    Returns a list of dicts, root first: node, bit (the branch taken), score = theta_n . h,
    sigma = sigma(score), branch_prob = sigma if bit == 0 else 1 - sigma (the probability of the
    branch taken), and product (the running product: after the last node, p(word | h)).

    >>> rows = hs_path_rows([0, 1], [0, 1], np.zeros((2, 3)), np.ones(3))
    >>> [r["branch_prob"] for r in rows], rows[-1]["product"]
    ([0.5, 0.5], 0.25)
    """
    h = np.asarray(hidden, dtype=np.float64)                                       # (d,)
    rows, product = [], 1.0
    for node, bit in zip(path, codes):
        score = float(np.asarray(W_nodes[node], dtype=np.float64) @ h)
        sig = float(1.0 / (1.0 + np.exp(-score)))
        branch = sig if bit == 0 else 1.0 - sig
        product *= branch
        rows.append({"node": int(node), "bit": int(bit), "score": score, "sigma": sig,
                     "branch_prob": branch, "product": product})
    return rows


def ns_terms(scores: Sequence[float]) -> Dict[str, object]:
    """The terms of the negative-sampling objective from the scores [u_target . h, u_neg1 . h, ...].

    target_term = log sigma(u_c . h), negative_terms[i] = log sigma(-u_i . h), and
    loss = -(target_term + sum(negative_terms)).
    >>> t = ns_terms([0.0, 0.0])
    >>> round(t["loss"], 4)
    1.3863
    """
    s = np.asarray(scores, dtype=np.float64)                                       # (k+1,)
    target_term = float(log_sigmoid(s[0]))
    negative_terms = log_sigmoid(-s[1:])                                           # (k,)
    return {"target_term": target_term, "negative_terms": negative_terms,
            "loss": -(target_term + float(negative_terms.sum()))}
