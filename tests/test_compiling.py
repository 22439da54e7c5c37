"""ui/compiling.py: the app never waits for numba's compiler without saying so."""

from contextlib import contextmanager

import streamlit as st

from engine import fast
from ui import compiling


def _record_spinners(monkeypatch):
    texts = []

    @contextmanager
    def spinner(text, **kw):
        texts.append(text)
        yield

    monkeypatch.setattr(st, "spinner", spinner)
    return texts


def test_compiling_happens_behind_a_message_naming_the_size(monkeypatch):
    texts = _record_spinners(monkeypatch)
    calls = []
    monkeypatch.setattr(fast, "is_warm", lambda vector_size=None, workers=1: False)
    monkeypatch.setattr(fast, "warm_up", lambda vector_size=None, workers=1: calls.append((vector_size, workers)) or 0.0)
    compiling.ensure_fast_trainer(100, 2)
    assert calls == [(100, 2)]
    assert len(texts) == 1 and "size 100" in texts[0] and "first time" in texts[0]


def test_no_message_and_no_work_when_the_kernels_are_loaded(monkeypatch):
    texts = _record_spinners(monkeypatch)
    fast.warm_up()
    compiling.ensure_fast_trainer(8)               # below STATIC_MIN_D: the any-size kernel serves it
    assert texts == []


def test_a_small_vector_size_does_not_mention_a_size():
    assert "size" not in compiling.message(fast.STATIC_MIN_D - 1).split(":")[0]
    assert f"size {fast.STATIC_MIN_D}" in compiling.message(fast.STATIC_MIN_D)
