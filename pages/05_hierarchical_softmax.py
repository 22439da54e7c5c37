"""Hierarchical softmax: the Huffman tree (and how it is built, merge by merge), the codes, one word's path and its probability."""

from engine import build_huffman, huffman
from lessons import objectives as objective_lessons
from ui import stepping
from ui.code import show_source
from ui.views import hierarchical_softmax as view

model, trace = stepping.objective_page("hs", view.HS, view.FORMULA)
target = view.path_section(model, trace)
view.build_section(model, target)
view.codes_section(model)
show_source(build_huffman, huffman.queue_after, huffman.leaf_probabilities, objective_lessons.hs_path_rows)
