"""Show the engine code a page runs, as Streamlit's hello demo does (inspect.getsource)."""

from __future__ import annotations

import inspect
from typing import Optional

import streamlit as st

from ui.i18n import t


def show_source(*objects, label: Optional[str] = None) -> None:
    """An expander with the source of each function or class (from engine/), read live from the file.

    label: the expander's title (default: common.show_source in the page's language)."""
    with st.expander(label or t("common.show_source")):
        for obj in objects:
            module = inspect.getmodule(obj)
            st.caption(f"{module.__name__}.{obj.__qualname__}" if module else obj.__qualname__)
            st.code(inspect.getsource(obj), language="python")
