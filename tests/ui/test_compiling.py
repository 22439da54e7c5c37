"""ui/compiling.py: a new vector size compiles in another process; meanwhile the any-size kernel trains."""

import sys
from contextlib import contextmanager

import numpy as np
import pytest
import streamlit as st

from engine import Word2Vec, fast
from engine.fast import kernel
from ui import compiling


@pytest.fixture(autouse=True)
def _clean(monkeypatch, tmp_path):
    monkeypatch.setattr(compiling, "_BUILDS", {})
    monkeypatch.setattr(compiling, "STAMP_FILE", tmp_path / "stamps.json")
    kernel.DEFERRED_SIZES.clear()
    yield
    kernel.DEFERRED_SIZES.clear()


def _record_ui(monkeypatch):
    shown = []

    @contextmanager
    def spinner(text, **kw):
        shown.append(("spinner", text))
        yield

    monkeypatch.setattr(st, "spinner", spinner)
    monkeypatch.setattr(st, "toast", lambda text, **kw: shown.append(("toast", text)))
    monkeypatch.setattr(compiling, "_tell_once", lambda size: shown.append(("toast", compiling.message(size))))
    return shown


def _fake_compiler(monkeypatch, seconds: float):
    """The background 'compile' is a process that sleeps; warm_up and is_warm are recorded / faked."""
    monkeypatch.setattr(compiling, "compile_command",
                        lambda size, workers: [sys.executable, "-c", f"import time; time.sleep({seconds})"])
    loaded = []
    monkeypatch.setattr(fast, "warm_up", lambda vector_size=None, workers=1: loaded.append((vector_size, workers)))
    monkeypatch.setattr(fast, "is_warm", lambda vector_size=None, workers=1:
                        vector_size is None or fast.static_size(vector_size) == 0 or (vector_size, workers) in loaded)
    return loaded


def test_a_new_size_trains_with_the_any_size_kernel_until_its_own_is_compiled(monkeypatch):
    shown = _record_ui(monkeypatch)
    loaded = _fake_compiler(monkeypatch, 0.5)
    assert compiling.ensure_fast_trainer(77) is False          # returns at once: nobody waits
    assert 77 in kernel.DEFERRED_SIZES and kernel._size_marker(77) == ()
    assert compiling.compile_state(77) == "compiling"
    assert loaded == []                                         # nothing compiled in this process
    assert [kind for kind, _ in shown] == ["toast"] and "77" in shown[0][1]
    assert compiling.ensure_fast_trainer(77) is False           # the same process, not a second one
    assert len(compiling._BUILDS) == 1
    compiling._BUILDS[(77, 1)].wait(10)
    assert compiling.ensure_fast_trainer(77) is True            # now it is loaded from the disk cache
    assert loaded == [(77, 1)]
    assert 77 not in kernel.DEFERRED_SIZES and len(kernel._size_marker(77)) == 77


def test_the_any_size_kernels_are_compiled_elsewhere_while_only_this_session_waits(monkeypatch):
    shown = _record_ui(monkeypatch)
    monkeypatch.setattr(compiling, "compile_command",
                        lambda size, workers: [sys.executable, "-c", "pass"])
    loaded = []
    monkeypatch.setattr(fast, "warm_up", lambda vector_size=None, workers=1: loaded.append((vector_size, workers)))
    monkeypatch.setattr(fast, "is_warm", lambda vector_size=None, workers=1: (None, workers) in loaded and
                        (vector_size is None or fast.static_size(vector_size) == 0))
    assert compiling.ensure_fast_trainer(8) is True
    assert loaded == [(None, 1)]
    assert shown[0][0] == "spinner" and "first time" in shown[0][1]


def test_a_failed_background_compile_falls_back_to_compiling_here(monkeypatch):
    _record_ui(monkeypatch)
    monkeypatch.setattr(compiling, "compile_command", lambda size, workers: [sys.executable, "-c", "raise SystemExit(3)"])
    loaded = []
    monkeypatch.setattr(fast, "warm_up", lambda vector_size=None, workers=1: loaded.append((vector_size, workers)))
    monkeypatch.setattr(fast, "is_warm", lambda vector_size=None, workers=1: vector_size is None)
    compiling.start_compile(90).wait(10)
    assert compiling.compile_state(90) == "failed"
    assert compiling.ensure_fast_trainer(90) is True
    assert loaded == [(90, 1)]


def test_a_size_compiled_before_is_loaded_at_once_without_a_process(monkeypatch):
    _record_ui(monkeypatch)
    loaded = _fake_compiler(monkeypatch, 5)
    compiling.mark_on_disk(81)
    assert compiling.on_disk(81) and not compiling.on_disk(81, workers=2) and not compiling.on_disk(82)
    assert compiling.ensure_fast_trainer(81) is True
    assert loaded == [(81, 1)] and compiling._BUILDS == {}


def test_a_stamp_from_other_source_files_does_not_count(monkeypatch):
    compiling.mark_on_disk(81)
    real = compiling._source_stamp()
    monkeypatch.setattr(compiling, "_source_stamp", lambda: real[:-1] + [[real[-1][0], 1, 2]])
    assert not compiling.on_disk(81)


def test_the_messages_name_the_size_only_when_it_has_its_own_kernel():
    assert "size 100" in compiling.message(100)
    assert "first time" in compiling.message(fast.STATIC_MIN_D - 1)


def test_a_deferred_size_trains_the_same_example_stream_as_its_own_kernel():
    """The any-size kernel and the size's own kernel apply the same updates (float32 rounding apart)."""
    sentences = [["the", "king", "rules", "the", "land"], ["the", "queen", "rules", "the", "sea"]] * 20
    d = fast.STATIC_MIN_D
    a = Word2Vec(vector_size=d, epochs=2, sample=0, seed=3).build_vocab(sentences)
    b = Word2Vec(vector_size=d, epochs=2, sample=0, seed=3).build_vocab(sentences)
    fast.warm_up(d)
    a.train()
    kernel.DEFERRED_SIZES.add(d)
    b.train()
    np.testing.assert_allclose(a.W_in, b.W_in, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(a.W_out, b.W_out, rtol=1e-4, atol=1e-6)


@pytest.mark.slow
def test_a_real_background_compile_fills_the_disk_cache_that_this_process_then_loads(monkeypatch):
    _record_ui(monkeypatch)
    size = 33 + int(np.random.default_rng().integers(0, 200))
    if fast.is_warm(size):
        pytest.skip(f"size {size} already loaded in this process")
    first = compiling.ensure_fast_trainer(size)
    proc = compiling._BUILDS.get((size, 1))
    # on disk already (another run compiled it): loaded now, True; else a background build runs, False
    if first:
        assert proc is None or proc.poll() is not None and fast.is_warm(size)
    else:
        assert proc is not None and not fast.is_warm(size)
    if proc is not None:
        assert proc.wait(300) == 0
    assert compiling.ensure_fast_trainer(size) is True
    assert fast.is_warm(size)


def test_a_new_server_compiles_the_default_size_in_the_background_once(monkeypatch):
    """warm_at_start (app.py's first run): the kernels of the app's default vector size are compiled in
    another process and then loaded here, in a background thread started once per server process, so the
    first Train finds them ready; a size compiled before is only loaded."""
    monkeypatch.setattr(compiling, "_START", None)
    loaded = _fake_compiler(monkeypatch, 0.3)
    started = []
    real_start = compiling.start_compile
    monkeypatch.setattr(compiling, "start_compile", lambda size, workers=1: started.append((size, workers))
                        or real_start(size, workers))
    thread = compiling.warm_at_start(100, workers=(1, 2))
    assert compiling.warm_at_start(100, workers=(1, 2)) is thread     # once per process
    thread.join(30)
    assert not thread.is_alive()
    assert started == [(0, 1), (100, 1), (0, 2), (100, 2)]              # in other processes
    assert loaded == [(100, 1), (100, 2)]                               # then loaded in this one
    assert fast.is_warm(100, 1) and fast.is_warm(100, 2)
    assert compiling.ensure_fast_trainer(100) is True and compiling._BUILDS.keys() == {(0, 1), (100, 1), (0, 2), (100, 2)}

    monkeypatch.setattr(compiling, "_START", None)
    started.clear()
    compiling.warm_at_start(100, workers=(1,)).join(30)                 # a second server on this machine
    assert started == [] and loaded[-1] == (100, 1)


def test_the_app_warms_its_default_size_when_the_server_starts():
    """app.py starts the warm-up at its first run with the sidebar's default vector size."""
    import ast
    from pathlib import Path

    from ui.settings import APP_CONFIG

    tree = ast.parse(Path(compiling.ROOT, "app.py").read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "warm_at_start"]
    assert len(calls) == 1 and ast.unparse(calls[0].args[0]) == "APP_CONFIG.vector_size"
    assert APP_CONFIG.vector_size == 20
