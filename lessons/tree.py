"""The Huffman tree as a picture: subtree sizes and a tidy layout of the nodes, folded where it is wide.

What it does not do: build the tree (engine.huffman does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

import numpy as np


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


def tree_layout(children: np.ndarray, expand: Optional[set] = None) -> List[TreeNode]:
    """Positions for drawing the tree, root on the left, leaves stacked top to bottom.

    expand: the internal nodes to open (None = all). A closed node that is not the root is drawn as
    one collapsed leaf "c<node>" standing for all the words below it; so passing the target's path
    draws that path with each side branch folded, which stays readable for any V.

    >>> [n.key for n in tree_layout(np.array([[-1, -2]]))]
    ['n0', 'w0', 'w1']
    """
    children = np.asarray(children)
    if len(children) == 0:
        return [TreeNode("w0", 0.0, 0.0, None, None, 1)]
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
        visit(0, 0, None, None)
    finally:
        sys.setrecursionlimit(limit)
    return nodes
