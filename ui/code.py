"""Show the engine code a page runs, as Streamlit's hello demo does (inspect.getsource)."""

from __future__ import annotations

import functools
import inspect
import threading
from typing import Optional

import streamlit as st

from ui.i18n import t


_SOURCE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=None)
def source_of(obj) -> str:
    """The source text of a function or class, read once per process and serialised: inspect.getsource
    parses with ast for classes, and concurrent parses in CPython 3.11 can raise "SystemError: AST
    constructor recursion depth mismatch" (seen once with 20 concurrent sessions; cpython gh-106905).
    The engine's source does not change while the app runs."""
    with _SOURCE_LOCK:
        return inspect.getsource(obj)


def show_source(*objects, label: Optional[str] = None) -> None:
    """An expander with the source of each function or class (from engine/), read live from the file.

    label: the expander's title (default: common.show_source in the page's language)."""
    with st.expander(label or t("common.show_source")):
        for obj in objects:
            module = inspect.getmodule(obj)
            st.caption(f"{module.__name__}.{obj.__qualname__}" if module else obj.__qualname__)
            st.code(source_of(obj), language="python")
