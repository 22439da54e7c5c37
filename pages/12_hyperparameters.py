"""Hyperparameters: sweep one setting (optionally a second as colour) over seeds; see quality, loss and time move."""

import streamlit as st

from ui import state
from ui.i18n import t
from ui.views.hyperparameters import controls, results

state.ensure_app_entry()
st.title(t("sweep.title"))
st.markdown(t("sweep.intro"))

plan, job = controls.controls_box()          # what to sweep
results.applied_message()
results.job_section(job, plan)               # the sweep running, or its results
