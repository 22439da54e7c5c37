"""Shared fixtures for the app tests: a fresh AppTest of app.py on a chosen page, with caches cleared."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"


@pytest.fixture
def clear_streamlit_caches():
    """Clear st.cache_data / st.cache_resource before and after a test, so tests never share cached data."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def open_page(clear_streamlit_caches):
    """open_page("pages/04_step.py", sb_corpus="tiny", ...) -> an AppTest that has run app.py on that page.

    Keyword arguments are put in session state before the first run (sidebar widgets are "sb_<name>").
    """
    from streamlit.testing.v1 import AppTest

    def _open(page: str | None = None, **session):
        at = AppTest.from_file(str(APP), default_timeout=30)
        for key, value in session.items():
            at.session_state[key] = value
        at.run()
        if page is not None:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _open


def plotly_figures(at) -> list:
    """The figure dicts of every st.plotly_chart on the page (as the browser receives them)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def figure_array(value) -> np.ndarray:
    """A plotly array from a figure dict: a plain list, or {'dtype', 'bdata', 'shape'} (base64)."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            shape = value["shape"]
            shape = [int(x) for x in shape.split(",")] if isinstance(shape, str) else shape
            a = a.reshape(shape)
        return a
    return np.asarray(value)


def figure_by_title(at, text: str) -> dict:
    """The first figure whose title contains text."""
    for fig in plotly_figures(at):
        layout = fig.get("layout", {})
        title = layout.get("title", {})
        titles = [title.get("text", "") if isinstance(title, dict) else str(title)]
        titles += [a.get("text", "") for a in layout.get("annotations", [])]   # subplot titles
        if any(text in t for t in titles):
            return fig
    raise AssertionError(f"no chart titled like {text!r}")
