"""Guards for lessons that need more words than a tiny vocabulary has (an upload of "a b a b", a 2-word vectors file).

What it does: one call at the top of a page (or of one part of it) says, in the session's language, that this
lesson needs at least n words and how many the vocabulary has (naming them), instead of a traceback or an
empty chart; `require_words` also stops the page there, `note_words` only informs.
What it does not do: decide what a lesson needs (each page says so in its call), or change the model.

    >>> too_few_words(2, 3, "explore_analogy", ["a", "b"], lang="en").startswith("An analogy")
    True
    >>> too_few_words(3, 3, "explore_analogy", ["a", "b", "c"]) is None
    True
"""

from __future__ import annotations

from typing import Optional, Sequence

import streamlit as st

from ui.i18n import t

SHOWN_WORDS = 5          # a message names at most this many of the vocabulary's words


def _words(words: Sequence[str]) -> str:
    """The words a message names: 'a, b, c' (at most SHOWN_WORDS, then '…')."""
    shown = ", ".join(str(w) for w in list(words)[:SHOWN_WORDS])
    return shown + (", …" if len(words) > SHOWN_WORDS else "")


def too_few_words(have: int, need: int, lesson: str, words: Sequence[str] = (), lang: Optional[str] = None
                  ) -> Optional[str]:
    """The message for a vocabulary of `have` words where `lesson` (a key in errors.toml: errors.<lesson>)
    needs `need`, or None when there are enough."""
    if have >= need:
        return None
    return t(f"errors.{lesson}", lang, need=need, have=have, words=_words(words))


def require_words(have: int, need: int, lesson: str, words: Sequence[str] = ()) -> None:
    """Show the message and stop the page when the vocabulary has fewer than `need` words."""
    msg = too_few_words(have, need, lesson, words)
    if msg:
        st.info(msg, icon=":material/info:")
        st.stop()


def note_words(have: int, need: int, lesson: str, words: Sequence[str] = ()) -> None:
    """Show the message (the page goes on) when the vocabulary has fewer than `need` words."""
    msg = too_few_words(have, need, lesson, words)
    if msg:
        st.info(msg, icon=":material/info:")
