"""Show the engine code a page runs, as Streamlit's hello demo does (inspect.getsource)."""

from __future__ import annotations

import inspect

import streamlit as st


def show_source(*objects, label: str = "Show the engine code behind this page") -> None:
    """An expander with the source of each function or class (from engine/), read live from the file."""
    with st.expander(label):
        for obj in objects:
            module = inspect.getmodule(obj)
            st.caption(f"{module.__name__}.{obj.__qualname__}" if module else obj.__qualname__)
            st.code(inspect.getsource(obj), language="python")
