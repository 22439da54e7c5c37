"""The Huffman tree as a picture: subtree sizes and a tidy layout of the nodes, folded where it is wide; and its
construction replayed one merge at a time (what joined, the new node's count, the queue after it, the forest).

What it does not do: build the tree or choose the merges (engine.huffman does, and records its merges).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np

from engine.huffman import HuffmanTree, queue_after


# ---------------------------------------------------------------------------------------------- Huffman drawing
@dataclass(frozen=True)
class TreeNode:
    """A node of a drawn Huffman tree."""
    key: str          # "n5" for internal node 5, "w3" for word 3, "c7" for the collapsed subtree of node 7
    x: float          # depth (root 0)
    y: float          # vertical position (leaves 0, 1, 2, ... top to bottom)
    parent: Optional[str]
    bit: Optional[int]  # the branch bit from the parent
    n_words: int      # words below (1 for a word)


def subtree_sizes(children: np.ndarray) -> np.ndarray:
    """Number of words under each internal node (children as in HuffmanTree: leaf w is -1-w).

    >>> subtree_sizes(np.array([[-1, 1], [-2, -3]])).tolist()
    [3, 2]
    """
    n = len(children)
    sizes = np.zeros(n, dtype=np.int64)                                            # (V-1,)
    # children always have larger ids than their parent (root is 0), so go bottom-up
    for node in range(n - 1, -1, -1):
        sizes[node] = sum(1 if c < 0 else sizes[c] for c in children[node])
    return sizes


def tree_layout(children: np.ndarray, expand: Optional[set] = None, root: int = 0) -> List[TreeNode]:
    """Positions for drawing the tree, root on the left, leaves stacked top to bottom.

    expand: the internal nodes to open (None = all). A closed node that is not the root is drawn as
    one collapsed leaf "c<node>" standing for all the words below it; so passing the target's path
    draws that path with each side branch folded, which stays readable for any V. root: the node to start
    from (a subtree; a word -1-w draws that word alone).

    >>> [n.key for n in tree_layout(np.array([[-1, -2]]))]
    ['n0', 'w0', 'w1']
    """
    children = np.asarray(children)
    if len(children) == 0:
        return [TreeNode("w0", 0.0, 0.0, None, None, 1)]
    if root < 0:
        return [TreeNode(f"w{-1 - root}", 0.0, 0.0, None, None, 1)]
    sizes = subtree_sizes(children)
    nodes: List[TreeNode] = []
    next_leaf = [0.0]

    def visit(node: int, depth: int, parent: Optional[str], bit: Optional[int]) -> float:
        if node < 0:                                   # a word
            y = next_leaf[0]
            next_leaf[0] += 1
            nodes.append(TreeNode(f"w{-1 - node}", float(depth), y, parent, bit, 1))
            return y
        if expand is not None and node not in expand and parent is not None:
            y = next_leaf[0]
            next_leaf[0] += 1
            nodes.append(TreeNode(f"c{node}", float(depth), y, parent, bit, int(sizes[node])))
            return y
        idx = len(nodes)
        nodes.append(None)                             # placeholder, filled once the children are placed
        ys = [visit(int(children[node, b]), depth + 1, f"n{node}", b) for b in (0, 1)]
        y = sum(ys) / 2.0
        nodes[idx] = TreeNode(f"n{node}", float(depth), y, parent, bit, int(sizes[node]))
        return y

    import sys
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * len(children) + 100))
    try:
        visit(int(root), 0, None, None)
    finally:
        sys.setrecursionlimit(limit)
    return nodes


# ---------------------------------------------------------------------------------------------- Huffman building
@dataclass(frozen=True)
class MergeStep:
    """One merge of the tree's construction (step 1..V-1), or the words alone before the first (step 0)."""
    step: int
    joined: tuple          # (first popped: the rarer, bit 1; second popped: bit 0); () at step 0
    joined_counts: tuple   # their counts
    new_node: Optional[int]  # the internal node this merge made (V-1-step), None at step 0
    new_count: int
    queue: np.ndarray      # (V-step,) the nodes waiting after this merge, in the order the builder pops them
    queue_counts: np.ndarray  # (V-step,)


def node_count(tree: HuffmanTree, counts, node: int) -> int:
    """The count of a word (-1-w) or of an internal node (the sum over the words below it)."""
    return int(counts[-1 - node]) if node < 0 else int(tree.node_counts[node])


def merge_step(tree: HuffmanTree, counts, step: int) -> MergeStep:
    """Step `step` of the construction as the engine's builder made it (tree.merges), with its queue after.

    >>> from engine.huffman import build_huffman
    >>> s = merge_step(build_huffman(np.array([5, 3, 2])), np.array([5, 3, 2]), 1)
    >>> s.joined, s.new_node, s.new_count, s.queue.tolist()
    ((-3, -2), 1, 5, [-1, 1])
    """
    queue = queue_after(tree, counts, step)
    queue_counts = np.array([node_count(tree, counts, n) for n in queue], dtype=np.int64)   # (V-step,)
    if step == 0:
        return MergeStep(0, (), (), None, 0, queue, queue_counts)
    joined = tuple(int(n) for n in tree.merges[step - 1])
    new_node = len(counts) - 1 - step
    return MergeStep(step, joined, tuple(node_count(tree, counts, n) for n in joined), new_node,
                     node_count(tree, counts, new_node), queue, queue_counts)


def children_from_merges(merges: np.ndarray, V: int) -> np.ndarray:
    """The (V-1, 2) children array that a sequence of merges builds: merge m makes node V-2-m with the
    second popped node on bit 0 and the first popped (the rarer) on bit 1, word2vec.c's convention. A test
    checks that replaying the engine's recorded merges gives exactly the tree the model trains with."""
    children = np.full((V - 1, 2), V, dtype=np.int32)                     # (V-1, 2); V marks "not made yet"
    for m, (first, second) in enumerate(np.asarray(merges)):
        children[V - 2 - m] = (second, first)
    return children


def forest_layout(children: np.ndarray, roots: Sequence[int], expand: Optional[set] = None) -> List[TreeNode]:
    """The trees waiting in the queue, one under the other in queue order (each laid out by tree_layout)."""
    nodes: List[TreeNode] = []
    top = 0.0
    for r in roots:
        part = tree_layout(children, expand, root=int(r))
        nodes += [TreeNode(n.key, n.x, n.y + top, n.parent, n.bit, n.n_words) for n in part]
        top += max(n.y for n in part) + 1.0
    return nodes


def near_nodes(children: np.ndarray, root: int, depth: int) -> set:
    """The internal nodes within `depth` levels below `root` (to open a large subtree only near its top)."""
    out, level = set(), [int(root)] if root >= 0 else []
    for _ in range(depth):
        out |= set(level)
        level = [int(c) for n in level for c in children[n] if c >= 0]
    return out
