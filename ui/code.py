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


def source_key(objects) -> str:
    """The expander's widget key: from the objects shown (one show_source per page and set of objects).

    >>> source_key([source_of])
    'source_ui.code.source_of'
    """
    names = [f"{getattr(inspect.getmodule(o), '__name__', '')}.{o.__qualname__}" for o in objects]
    return "source_" + "+".join(names)


def show_source(*objects, label: Optional[str] = None) -> None:
    """An expander with the source of each function or class (from engine/), read live from the file.
    The code is sent only while the expander is open (on_change="rerun"): a code block on every page
    made the browser load and run its 1.5 MB syntax highlighter at the first page (~0.4 s of script).

    label: the expander's title (default: common.show_source in the page's language)."""
    box = st.expander(label or t("common.show_source"), key=source_key(objects), on_change="rerun")
    if not box.open:
        return
    with box:
        for obj in objects:
            module = inspect.getmodule(obj)
            st.caption(f"{module.__name__}.{obj.__qualname__}" if module else obj.__qualname__)
            st.code(source_of(obj), language="python")
