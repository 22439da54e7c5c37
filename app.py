"""Word2Vec, step by step: the entry point. Page config, language, navigation over pages/, the shared sidebar."""

import streamlit as st

from ui import compiling, i18n, presenter, state
from ui.i18n import t
from ui.settings import APP_CONFIG

compiling.warm_at_start(APP_CONFIG.vector_size)   # once per server process, in the background: no first user waits

i18n.init_language()               # before any text: ?lang=zh, else the browser's language, else English
st.set_page_config(page_title=t("nav.app_title"), page_icon=":material/calculate:", layout="wide")
presenter.apply()   # formulas fit their column; projector mode (?presenter=1): wide, large type, sidebar folded

PAGES = {
    t("nav.section_learn"): [
        st.Page("pages/01_home.py", title=t("nav.home"), icon=":material/home:", default=True),
        st.Page("pages/02_corpus.py", title=t("nav.corpus"), icon=":material/menu_book:"),
        st.Page("pages/03_windows.py", title=t("nav.windows"), icon=":material/view_week:"),
        st.Page("pages/04_step.py", title=t("nav.step"), icon=":material/footprint:"),
        st.Page("pages/05_hierarchical_softmax.py", title=t("nav.hs"), icon=":material/account_tree:"),
        st.Page("pages/06_negative_sampling.py", title=t("nav.ns"), icon=":material/casino:"),
    ],
    t("nav.section_train"): [
        st.Page("pages/07_embedding_space.py", title=t("nav.embedding"), icon=":material/scatter_plot:"),
        st.Page("pages/08_explore.py", title=t("nav.explore"), icon=":material/search:"),
        st.Page("pages/09_compare.py", title=t("nav.compare"), icon=":material/balance:"),
        st.Page("pages/12_hyperparameters.py", title=t("nav.hyperparameters"), icon=":material/tune:"),
        st.Page("pages/10_import_export.py", title=t("nav.export"), icon=":material/save:"),
        st.Page("pages/11_interview.py", title=t("nav.interview"), icon=":material/quiz:"),
        st.Page("pages/13_class.py", title=t("nav.class_room"), icon=":material/groups:", url_path="class"),
    ],
}

page = st.navigation(PAGES, expanded=True)   # every page listed (13: Streamlit folds all but 10 behind "View more")
state.mark_app_entry(True)
try:
    state.sidebar()
    presenter.toggle()
    page.run()
finally:
    state.mark_app_entry(False)
