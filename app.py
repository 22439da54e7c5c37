"""Word2Vec, step by step: the entry point. Page config, navigation over pages/, the shared sidebar."""

import streamlit as st

from ui import state

st.set_page_config(page_title="Word2Vec, step by step", page_icon=":material/calculate:", layout="wide")

PAGES = {
    "Learn": [
        st.Page("pages/01_home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/02_corpus.py", title="Corpus and vocabulary", icon=":material/menu_book:"),
        st.Page("pages/03_windows.py", title="Context windows", icon=":material/view_week:"),
        st.Page("pages/04_step.py", title="Step by step", icon=":material/footprint:"),
        st.Page("pages/05_hierarchical_softmax.py", title="Hierarchical softmax", icon=":material/account_tree:"),
        st.Page("pages/06_negative_sampling.py", title="Negative sampling", icon=":material/casino:"),
    ],
    "Train and explore": [
        st.Page("pages/07_embedding_space.py", title="Embedding space (live)", icon=":material/scatter_plot:"),
        st.Page("pages/08_explore.py", title="Explore and evaluate", icon=":material/search:"),
        st.Page("pages/09_compare.py", title="Compare models", icon=":material/balance:"),
        st.Page("pages/12_hyperparameters.py", title="Hyperparameters", icon=":material/tune:"),
        st.Page("pages/10_import_export.py", title="Import and export", icon=":material/save:"),
    ],
}

page = st.navigation(PAGES)
state.mark_app_entry(True)
try:
    state.sidebar()
    page.run()
finally:
    state.mark_app_entry(False)
