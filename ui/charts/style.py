"""What every chart shares: one palette, and the text sizes of presenter mode.

What it does: names the colours of the lesson's roles (what is predicted, what is fed in, what is
noise, the Huffman path) so that every page colours them alike, and says whether this session is in
presenter mode (ui/presenter.py, for a projector: every chart text at least PRESENTER_MIN = 16 px, issue 29).
What it does not do: build a chart (ui/charts/vega.py, figures.py and the charts by lesson do).
"""

from __future__ import annotations

# one palette for every page: what is predicted, what is fed in, what is noise
TARGET = "#d62728"      # red: the word to predict (label 1)
INPUT = "#1f77b4"       # blue: the input word(s)
NEGATIVE = "#7f7f7f"    # grey: noise words / label 0
OTHER = "#aec7e8"       # light blue: every other word
PATH = "#2ca02c"        # green: the Huffman path

PRESENTER_FONT = 16                 # body text, tick labels, legend, hover
PRESENTER_MIN = 16                  # the smallest text (ticks, legends, values written inside cells, labels)


def presenting() -> bool:
    """Is this session in presenter mode (False outside the app)?"""
    try:
        from ui import presenter
        return presenter.is_on()
    except Exception:  # pragma: no cover - outside the app
        return False
