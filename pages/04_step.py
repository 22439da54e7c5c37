"""Step by step: one SGD update of the session's model at a time, and the learning you can see."""

import streamlit as st

from engine import Word2Vec, objectives, step as engine_step
from ui import guards, state, stepping
from ui.code import show_source
from ui.i18n import t
from ui.views.step import lesson as step_lesson
from ui.views.step import sections

st.title(t("step.title"))
model = stepping.page_model()
step_lesson.setup_panel(model, intro=t("step.intro"))


@st.fragment
def lesson():
    """What a Next click changes: only this part runs again (the set-up line and the formulas below do not)."""
    m = st.session_state.get(state.MODEL)
    if m is None:
        return
    stepping.step_buttons("step")
    guards.note_words(len(m.vocab), 2, "step_one_word", m.vocab.index_to_key)
    trace = stepping.current_trace(m)
    if trace is not None:
        step_lesson.describe_example(m, trace)
    elif m.step_count == 0:
        st.info(t("step.first", model=stepping.architecture_name(m.architecture) + ", "
                  + stepping.objective_name(m.objective)))
    else:
        st.info(t("step.no_trace_complete" if m.training_complete else "step.no_trace", n=f"{m.step_count:,}"))
    step_lesson.lesson_numbers(m, trace)
    step_lesson.lesson_charts(m)
    st.subheader(t("step.inside"))
    section = sections.section_picker("step_section")
    sections.draw_section(m, trace, section, "step")
    if trace is None and section not in (None, "history"):
        st.caption(t("step.inside_empty"))


lesson()

st.subheader(t("step.formulas", model=stepping.architecture_name(model.architecture) + ", "
               + stepping.objective_name(model.objective)))
sections.overview_formulas(model)

show_source(Word2Vec.step, engine_step.apply_example, objectives.OBJECTIVE_FUNCTIONS[model.objective],
            objectives.output_rows, label=t("step.source"))
