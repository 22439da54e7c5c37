"""The Huffman tree of hierarchical softmax: for every word its code and its path, root first.

What it does: repeatedly merges the two least frequent nodes (as word2vec.c does), which gives
frequent words short codes. The V-1 internal nodes are numbered with the root as 0, so that
W_out for hierarchical softmax is a (V-1, d) matrix whose row n is the vector theta_n of node n.
What it does not do: compute probabilities (objectives.py) or draw the tree (the pages do).

Convention (word2vec.c's): at node n on the path with code bit b, the walk goes to the child
chosen by b; the model predicts label = 1 - b with sigma(theta_n . h). So
    p(w | h) = prod_n sigma(theta_n . h)^(1 - b_n) * (1 - sigma(theta_n . h))^(b_n),
and the probabilities of all V leaves sum to 1 for any h.

    >>> t = build_huffman(np.array([5, 3, 2]))
    >>> t.codes, t.paths
    ([(1,), (0, 0), (0, 1)], [(0,), (0, 1), (0, 1)])
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np


@dataclass(frozen=True)
class HuffmanTree:
    codes: List[Tuple[int, ...]]   # codes[w]: the bits from the root to word w
    paths: List[Tuple[int, ...]]   # paths[w]: the internal node ids from the root to w (same length)
    children: np.ndarray           # (V-1, 2) child of each internal node for bit 0 / bit 1; leaf w is -1-w
    code_array: np.ndarray         # (V, max_len) int8 bits, padded with -1
    path_array: np.ndarray         # (V, max_len) int32 node ids, padded with -1
    lengths: np.ndarray            # (V,) int32 code length of each word
    merges: np.ndarray             # (V-1, 2) the builder's merges in order: [first popped (the rarer: bit 1),
                                   # second popped (bit 0)], node ids as in children; merge m made node V-2-m
    node_counts: np.ndarray        # (V-1,) int64 count of each internal node (the sum over the words below it)

    @property
    def max_length(self) -> int:
        return int(self.lengths.max()) if len(self.lengths) else 0


def build_huffman(counts: np.ndarray) -> HuffmanTree:
    """Build the tree from word counts (ids 0..V-1). Ties are broken by id, so the tree is deterministic.

    With a single word there is nothing to decide: its code is empty and the tree has no internal node.
    """
    counts = np.asarray(counts, dtype=np.int64)
    V = len(counts)
    if V == 1:
        empty = np.zeros((1, 0), dtype=np.int32)
        return HuffmanTree([()], [()], np.zeros((0, 2), dtype=np.int32), empty.astype(np.int8),
                           empty, np.zeros(1, dtype=np.int32), np.zeros((0, 2), dtype=np.int32),
                           np.zeros(0, dtype=np.int64))
    # heap items: (count, creation order, node); leaves are -1-w, internal nodes are their merge number
    heap = [(int(c), _creation(-1 - i, V), -1 - i) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    merges = []                                    # merges[m] = (node for bit 0, node for bit 1)
    order = V                                      # = _creation of the next merged node
    while len(heap) > 1:
        c0, _, n0 = heapq.heappop(heap)            # the rarest goes to bit 1 (as word2vec.c: binary[min2] = 1)
        c1, _, n1 = heapq.heappop(heap)
        merges.append((n1, n0))                    # bit 0 -> the more frequent, bit 1 -> the rarer
        heapq.heappush(heap, (c0 + c1, order, len(merges) - 1))
        order += 1
    n_internal = V - 1
    final = [n if n < 0 else n_internal - 1 - n for pair in merges for n in pair]             # renumbered
    merged = np.asarray(final, dtype=np.int32).reshape(n_internal, 2)[:, ::-1].copy()         # (V-1, 2) popped order
    # renumber so the root (last merge) is node 0: node id = n_internal - 1 - merge number
    children = np.empty((n_internal, 2), dtype=np.int32)      # (V-1, 2)
    for m, (a, b) in enumerate(merges):
        node = n_internal - 1 - m
        children[node] = [a if a < 0 else n_internal - 1 - a, b if b < 0 else n_internal - 1 - b]
    codes: List[Tuple[int, ...]] = [()] * V
    paths: List[Tuple[int, ...]] = [()] * V
    stack = [(0, (), ())]                          # (node, code so far, path so far)
    while stack:
        node, code, path = stack.pop()
        for bit in (0, 1):
            child = int(children[node, bit])
            if child < 0:
                codes[-1 - child] = code + (bit,)
                paths[-1 - child] = path + (node,)
            else:
                stack.append((child, code + (bit,), path + (node,)))
    lengths = np.array([len(c) for c in codes], dtype=np.int32)  # (V,)
    max_len = int(lengths.max())
    code_array = np.full((V, max_len), -1, dtype=np.int8)         # (V, max_len)
    path_array = np.full((V, max_len), -1, dtype=np.int32)        # (V, max_len)
    for w in range(V):
        code_array[w, :lengths[w]] = codes[w]
        path_array[w, :lengths[w]] = paths[w]
    node_counts = np.zeros(n_internal, dtype=np.int64)                                          # (V-1,)
    for node in range(n_internal - 1, -1, -1):                     # children have larger ids than parents
        node_counts[node] = sum(int(counts[-1 - c]) if c < 0 else node_counts[c] for c in children[node])
    return HuffmanTree(codes, paths, children, code_array, path_array, lengths, merged, node_counts)


def _creation(node: int, V: int) -> int:
    """The heap's tie-break: when a node entered the queue. Words first, by id (leaf w = -1-w), then the
    merged nodes in the order they were made (internal node n, numbered root = 0, was merge V-2-n)."""
    return -1 - node if node < 0 else V + (V - 2 - node)


def queue_after(tree: HuffmanTree, counts: np.ndarray, step: int) -> np.ndarray:
    """The nodes waiting in build_huffman's queue after its first `step` merges, in the order it pops them
    (count, then _creation): the first two are the next merge. Leaves are -1-w, internal nodes their id.

    >>> t = build_huffman(np.array([5, 3, 2]))
    >>> queue_after(t, np.array([5, 3, 2]), 0).tolist(), queue_after(t, np.array([5, 3, 2]), 1).tolist()
    ([-3, -2, -1], [-1, 1])
    """
    counts = np.asarray(counts, dtype=np.int64)
    V = len(counts)
    if not 0 <= step <= V - 1:
        raise ValueError(f"step={step} is not allowed: a tree of {V} words is built in {V - 1} merges (0..{V - 1})")
    gone = set(tree.merges[:step].ravel().tolist())
    made = [V - 2 - m for m in range(step)]                                     # internal node ids so far
    waiting = [n for n in range(-1, -1 - V, -1) if n not in gone] + [n for n in made if n not in gone]

    def count(n: int) -> int:
        return int(counts[-1 - n]) if n < 0 else int(tree.node_counts[n])
    return np.array(sorted(waiting, key=lambda n: (count(n), _creation(n, V))), dtype=np.int64)


def leaf_probabilities(tree: HuffmanTree, W_nodes: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """p(w | h) for every word w: the product of the branch probabilities along its path.

    Used to show (and test) that hierarchical softmax is a proper distribution: the result sums to 1.
    """
    V = len(tree.codes)
    if V == 1:
        return np.ones(1)
    sig = 1.0 / (1.0 + np.exp(-(W_nodes.astype(np.float64) @ hidden.astype(np.float64))))  # (V-1,)
    p = np.ones(V)                                                                            # (V,)
    for w in range(V):
        for node, bit in zip(tree.paths[w], tree.codes[w]):
            p[w] *= sig[node] if bit == 0 else 1.0 - sig[node]
    return p
