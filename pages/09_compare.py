"""Compare models: the six models side by side, and fair experiments on two textbook claims."""

import streamlit as st

from lessons import claims
from lessons import stats as lesson_stats
from lessons.planted import hard_planted, quality_by_frequency
from ui import state
from ui.code import show_source
from ui.i18n import t
from ui.views.compare import claims as claims_view
from ui.views.compare import six

st.title(t("compare.title"))
st.markdown(t("compare.intro"))
st.latex(r"\text{" + t("compare.latex_label") + r"}\quad \underbrace{V}_{\text{" + t("compare.formula_full") + r"}} \quad"
         r"\underbrace{\approx \log_2 V}_{\text{" + t("compare.formula_hs") + r"}} \quad \underbrace{k+1}_{\text{"
         + t("compare.formula_ns") + r"}}")

settings = state.current_settings()
corpus = six.corpus_section(settings)                # which corpus
six.six_models_section(settings, corpus)             # six models
claims_view.claims_section()                         # the claims, tested fairly
show_source(claims.claims_experiment, claims.train_budgeted, lesson_stats.compare_intervals, hard_planted,
            quality_by_frequency, label=t("compare.show_code"))
