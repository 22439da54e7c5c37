"""ui/jobs.py: heavy work waits for a slot (with a message) instead of all running at once."""

import threading
import time

import pytest

from ui import jobs


def test_no_more_jobs_run_at_once_than_there_are_slots():
    slots = jobs.JobSlots(2)
    lock = threading.Lock()
    now, peak = [0], [0]

    def work():
        with slots.hold("compare", poll=0.01):
            with lock:
                now[0] += 1
                peak[0] = max(peak[0], now[0])
            time.sleep(0.05)
            with lock:
                now[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert peak[0] == 2
    assert slots.running() == 0 and slots.waiting() == 0


def test_a_waiting_job_is_told_how_many_run_and_starts_when_one_ends():
    slots = jobs.JobSlots(1)
    seen = []
    started = threading.Event()
    release = threading.Event()

    def first():
        with slots.hold("softmax_step"):
            started.set()
            release.wait(5)

    th = threading.Thread(target=first)
    th.start()
    started.wait(5)

    def on_wait(running, waiting):
        seen.append((running, waiting))
        if len(seen) == 3:
            release.set()

    with slots.hold("compare", on_wait=on_wait, poll=0.01):
        assert slots.running() == 1
    th.join()
    assert seen[0] == (1, 1)           # one job runs, this one waits
    assert len(seen) >= 3              # it kept waiting until the first one ended


def test_timeout_raises_server_busy_and_frees_nothing_it_did_not_take():
    slots = jobs.JobSlots(1)
    with slots.hold("train"):
        with pytest.raises(jobs.ServerBusy, match="1 heavy-job slots"):
            with slots.hold("compare", timeout=0.05, poll=0.01):
                pass
        assert slots.waiting() == 0 and slots.running() == 1
    with slots.hold("compare", timeout=0.05):        # the slot is free again
        assert slots.running() == 1


def test_an_error_inside_the_job_gives_the_slot_back():
    slots = jobs.JobSlots(1)
    with pytest.raises(ZeroDivisionError):
        with slots.hold("sweep"):
            1 / 0
    assert slots.running() == 0
    with slots.hold("sweep", timeout=0.05):
        pass


def test_unknown_kind_is_refused_with_the_allowed_kinds():
    with pytest.raises(ValueError, match="compare"):
        with jobs.JobSlots(1).hold("everything"):
            pass


def test_slots_come_from_the_environment_or_the_cores(monkeypatch):
    monkeypatch.setenv("W2V_HEAVY_SLOTS", "3")
    assert jobs.default_slots() == 3
    monkeypatch.setenv("W2V_HEAVY_SLOTS", "nonsense")
    assert jobs.default_slots() >= 1
    monkeypatch.delenv("W2V_HEAVY_SLOTS")
    monkeypatch.setattr(jobs.os, "cpu_count", lambda: 4)
    assert jobs.default_slots() == 4


def test_heavy_job_in_a_page_shows_the_waiting_message_then_removes_it():
    from streamlit.testing.v1 import AppTest

    def page():
        import threading
        import streamlit as st
        from ui import jobs
        slots = jobs.JobSlots(1)
        gate, taken = threading.Event(), threading.Event()

        def other():
            with slots.hold("compare"):
                taken.set()
                gate.wait(5)

        threading.Thread(target=other).start()
        taken.wait(5)
        threading.Timer(0.6, gate.set).start()
        with jobs.heavy_job("softmax_step", slots=slots):
            st.write("job ran")

    at = AppTest.from_function(page, default_timeout=20).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["job ran"]
    assert not at.info                       # the waiting message was removed when the job started


def test_heavy_job_gives_up_with_a_translated_message():
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st
        from ui import jobs
        slots = jobs.JobSlots(1)
        with slots.hold("train"):
            try:
                with jobs.heavy_job("compare", timeout=0.3, slots=slots):
                    st.write("never")
            except jobs.ServerBusy as e:
                st.error(str(e))

    at = AppTest.from_function(page, default_timeout=20).run()
    assert not at.exception
    assert "server is busy" in at.error[0].value and "1 slots" in at.error[0].value
    assert not at.markdown


class RecordingSlots(jobs.JobSlots):
    """Slots that remember the kind of every job that held one."""

    def __init__(self, slots: int):
        super().__init__(slots)
        self.kinds = []

    def hold(self, kind, *args, **kwargs):
        self.kinds.append(kind)
        return super().hold(kind, *args, **kwargs)


def test_the_apps_heavy_work_takes_a_slot(open_page, monkeypatch):
    """A full-softmax Next over a large vocabulary and Train (Home) each run in a server-wide slot;
    a cheap Next (negative sampling) does not queue behind them."""
    slots = RecordingSlots(2)
    monkeypatch.setattr(jobs, "SLOTS", slots)
    monkeypatch.setattr(jobs, "HEAVY_SOFTMAX_V", 10)          # royalty's ~120 words count as "large" here
    at = open_page("pages/04_step.py", sb_corpus="royalty", sb_objective="negative_sampling")
    at.button(key="step_next").click().run()
    assert not at.exception and slots.kinds == []
    at.session_state["sb_objective"] = "softmax"
    at.run()
    at.button(key="step_next").click().run()
    assert not at.exception and slots.kinds == ["softmax_step"]
    at.switch_page("pages/01_home.py")
    at.run()
    at.button(key="home_train").click().run()
    assert not at.exception and slots.kinds == ["softmax_step", "train"]
    from ui import state
    assert at.session_state[state.MODEL].training_complete
    assert slots.running() == 0                                # every slot given back


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="malloc_trim is glibc's (Linux)")
def test_release_free_memory_gives_the_heaps_free_pages_back():
    """After a heavy job the heap keeps its high-water mark in RSS; release_free_memory() returns it."""
    import numpy as np
    import psutil

    proc = psutil.Process()
    big = np.ones(2_000_000)
    del big                                  # freeing a 16 MB mmapped block raises glibc's mmap threshold
    base = proc.memory_info().rss
    arrays = [np.ones(125_000) for _ in range(300)]      # 1 MB each, now from the heap
    keep = arrays[::50]                      # a few survivors pin the heap's top
    del arrays
    held = proc.memory_info().rss - base
    assert jobs.release_free_memory() is True
    after = proc.memory_info().rss - base
    assert held > 150 * 2**20 and after < held / 3, (held, after)
    assert len(keep) == 6
