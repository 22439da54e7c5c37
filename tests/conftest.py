"""Shared fixtures and helpers for the app tests: a fresh AppTest of app.py on a chosen page, with caches
cleared, and what the page tests read from an AppTest (the model, texts, tables, charts)."""

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


def run_app(page: str | None = None, *, query: dict | None = None, locale: str | None = None,
            timeout: float = 30, **session):
    """An AppTest that has run app.py without an exception (then switched to `page` and run it).

    query: URL parameters (a shared link); locale: the browser's language (st.context.locale); keyword
    arguments go into session state before the first run (sidebar widgets are "sb_<name>").
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if locale is not None:
        at.context["locale"] = locale
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def open_page(clear_streamlit_caches):
    """open_page("pages/04_step.py", sb_corpus="tiny", ...) -> run_app(...) with the caches cleared."""
    return run_app


@pytest.fixture
def clear_caches():
    """Clear st.cache_data / st.cache_resource before a test (what it leaves cached stays): the tests of
    pages 07-10, which run a page on its own through page(), use it for every test of their file."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def page(name: str):
    """An AppTest of pages/<name> run on its own, without app.py (so without the sidebar: the settings are
    the sidebar's defaults), that has run without an exception."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at) -> str:
    """The page's markdown as one string."""
    return " ".join(m.value for m in at.markdown)


def model_of(at):
    """This session's model in an AppTest (st.session_state[ui.state.MODEL])."""
    from ui import state

    return at.session_state[state.MODEL]


def texts(elements):
    """The values of elements (at.error, at.info, at.caption, ...) as one string."""
    return " ".join(str(e.value) for e in elements)


def table_with(at, column):
    """The first st.dataframe on the page that has this column."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}")


def uploaded(file_name: str, sentences, **fields) -> dict:
    """Session state with one uploaded corpus chosen in the sidebar (as the Corpus page keeps an upload), for
    run_app(**uploaded("mine.txt", sentences)) or at.session_state.update."""
    from ui import uploads

    upload = uploads.Upload(file_name, sentences, **fields)
    return {uploads.UPLOADS: {upload.choice: upload}, "sb_corpus": upload.choice}


def kept_choice(elements, key: str):
    """The choice widget drawn by ui.choices.choice for the value kept under `key` (its widget key is `key`
    plus a digest of its labels), e.g. kept_choice(at.selectbox, "iv_pick")."""
    found = [e for e in elements if (e.key or "").startswith(f"{key}@")]
    assert len(found) == 1, f"{len(found)} widgets keep {key!r}: {[e.key for e in elements]}"
    return found[0]


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


def vega_charts(at):
    """[(main table, {dataset name: table}, spec)] of the Vega-Lite charts on the page (data are Arrow IPC)."""
    import pyarrow as pa

    def table(raw):
        return pa.ipc.open_stream(raw).read_all().to_pandas() if raw else None

    out = []
    for el in at.main:
        if getattr(el, "type", "") == "vega_lite_chart":
            p = el.proto
            out.append((table(p.data.data), {d.name: table(d.data.data) for d in p.datasets}, json.loads(p.spec)))
    return out


def vega_title(spec: dict) -> str:
    """A Vega-Lite chart's title as one line (ui.charts.vega.title_lines breaks it into lines)."""
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def _vega_chart(at, text: str, columns) -> tuple:
    """(table, spec) of the first Vega-Lite chart whose title contains text and whose table has `columns`."""
    for table, _, spec in vega_charts(at):
        if table is not None and text in vega_title(spec) and set(columns) <= set(table.columns):
            return table, spec
    raise AssertionError(f"no chart titled like {text!r} with {sorted(columns)}; "
                         f"titles: {[vega_title(s) for _, _, s in vega_charts(at)]}")


def vega_by_title(at, text: str, column: str = "part"):
    """The table (a pandas frame) of the first Vega-Lite chart whose title contains text and whose table
    has `column` (an untitled chart: text="")."""
    return _vega_chart(at, text, [column])[0]


def heatmap_matrix(table) -> tuple:
    """(values (rows, cols), row labels) of a ui.charts.lesson.heatmap's table (one row per cell)."""
    n_rows, n_cols = int(table["row"].max()) + 1, int(table["col"].max()) + 1
    z = np.full((n_rows, n_cols), np.nan)
    z[table["row"].to_numpy(), table["col"].to_numpy()] = table["value"].to_numpy()
    return z, table.drop_duplicates("row").sort_values("row")["word"].tolist()


def heatmap_by_title(at, text: str):
    """(values (rows, cols), row labels, spec) of the first ui.charts.lesson.heatmap whose title contains text."""
    table, spec = _vega_chart(at, text, ["row", "col", "value"])
    return (*heatmap_matrix(table), spec)
