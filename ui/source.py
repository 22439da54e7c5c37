"""Which vectors a page shows: this session's model, or the word2vec file imported on the Import page.

What it does: one radio, drawn only when both exist, kept under the page's key by ui.choices.choice (so a
language switch keeps the choice); its labels come from the page's catalogue area (<area>.source,
<area>.source_model, <area>.source_imported with the file's name). Used by Embedding space, Explore and
Import/export.
What it does not do: load a file (ui/views/import_export.py does) or build the model (ui.state does).
"""

from __future__ import annotations

from typing import Optional

import streamlit as st

from ui import state
from ui.choices import choice
from ui.i18n import t

SOURCES = ("model", "imported")


def source_label(area: str, source: str) -> str:
    """'this session's model' or 'imported file: vectors.txt', in the words of the page's area."""
    if source == "model":
        return t(f"{area}.source_model")
    name = st.session_state.get(state.LOADED_KV_NAME) or t("common.imported_vectors")
    return t(f"{area}.source_imported", name=name)


def choose_source(area: str, key: str, model, loaded, default: str = "model") -> Optional[str]:
    """"model" or "imported" (a radio under `key` when there are both `model` and `loaded` vectors; `default`
    while none is chosen), or None when there are neither."""
    sources = [s for s, there in zip(SOURCES, (model, loaded)) if there is not None]
    if len(sources) < 2:
        return sources[0] if sources else None
    return choice(st.radio, t(f"{area}.source"), sources, lambda s: source_label(area, s), key, default=default,
                  horizontal=True)
