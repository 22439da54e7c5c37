"""Step by step: one SGD update of the session's model at a time, every number on screen."""

import streamlit as st

from engine import Word2Vec, objectives, step as engine_step
from ui import guards, step_view
from ui.code import show_source

st.title("Step by step")
model = step_view.page_model()

st.markdown(
    "Each press of **Next** runs exactly one stochastic-gradient-descent update of this session's model on the "
    "next training example, and shows every number it used: **(1)** the input rows and the hidden vector "
    "*h*, **(2)** the scores and probabilities of the output layer, **(3)** the loss, **(4)** the gradients "
    "and **(5)** the rows of W_in and W_out before and after the update. **Undo** rewinds it.")

step_view.step_buttons("step")
guards.note_words(len(model.vocab), 2, "step_one_word", model.vocab.index_to_key)
t = step_view.current_trace(model)

if t is None:
    if model.step_count == 0:
        st.info("Press **Next** to run the first update. Change the architecture or the objective in the "
                "sidebar to see the other five models.")
        st.markdown(f"**What one update of this model ({model.architecture}, {model.objective.replace('_', ' ')}) "
                    "computes:**")
        step_view.overview_formulas(model)
    else:
        st.info(f"The model is at update {model.step_count}, but the details of that update are no longer "
                "in memory (it was trained on another page, or undone back to its first step). "
                "Press **Next** to see the next one.")
else:
    step_view.describe_example(model, t)
    st.subheader("1. Forward: the hidden layer h")
    step_view.forward_hidden(model, t, "step")
    st.subheader("2. Scores and probabilities")
    step_view.scores_and_probs(model, t, "step")
    st.subheader("3. The loss of this example")
    step_view.loss_formula(model, t)
    st.subheader("4. Backward: the gradients")
    step_view.gradients(model, t, "step")
    st.subheader("5. The update: rows before and after")
    step_view.update_rows(model, t, "step")
    st.subheader("6. The whole matrices")
    step_view.whole_matrices(model, t, "step")

st.subheader("Step history")
st.caption("One row per update, newest first (the last 200). Undo removes the last row.")
step_view.history_table(model)

show_source(Word2Vec.step, engine_step.apply_example, objectives.OBJECTIVE_FUNCTIONS[model.objective],
            objectives.output_rows)
