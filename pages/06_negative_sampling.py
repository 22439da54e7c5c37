"""Negative sampling: the noise distribution P_n(w) ∝ f(w)^alpha, the k + 1 terms of one update, and what SGNS
learns (W_in · W_out^T against PMI − log k, Levy & Goldberg 2014)."""

from engine import Vocabulary, alias_table, binary_logistic_loss
from lessons import objectives as objective_lessons
from lessons import pmi
from ui import stepping
from ui.code import show_source
from ui.views import negative_sampling as view

model, trace = stepping.objective_page("ns", view.NS, view.FORMULA)
view.noise_section(model, trace)
view.update_section(model, trace)
view.pmi_section(model)
show_source(Vocabulary.noise_distribution, alias_table, binary_logistic_loss, objective_lessons.ns_terms,
            pmi.shifted_pmi, pmi.factorisation)
