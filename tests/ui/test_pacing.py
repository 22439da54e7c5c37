"""ui/pacing.py: how fast a playing tab of the embedding-space page asks for frames. Tabs playing on one
process share its core, so each asks for frames no faster than the process makes them; a pace is kept a
while (each change redraws the page) and one slow frame is not a trend. The tabs are the live view's
LiveState (ui/views/embedding_space/live.py); the time is given, never read from the clock."""

import pytest

from ui import pacing
from ui.views.embedding_space import live as lv


def test_play_asks_for_frames_no_faster_than_the_process_makes_them(monkeypatch):
    """Ten tabs playing on one process share its one core: each asks for frames no faster than
    10 x the process's CPU time per frame x the slack, so every frame computed is delivered; alone, a tab
    gets the fps it asked for. A pace is kept PACE_DWELL_S (each change redraws the page) unless the
    process is twice as busy as it allows."""
    monkeypatch.setattr(pacing, "PLAYERS", pacing.PlayRegistry())
    tabs = [lv.LiveState(model=None, playing=True) for _ in range(10)]
    target = 0.1                                              # 10 frames/s asked for
    assert pacing.play_interval(tabs[0], target, now=100.0) == target       # alone, nothing measured yet
    for k in range(50):                                       # the process spends 38 ms of CPU per frame
        pacing.PLAYERS.beat(id(tabs[k % 10]), 100.0 + k / 100)
        pacing.PLAYERS.frame_done(100.0 + k / 100, cpu_s=7.0 + 0.038 * k)
    assert pacing.PLAYERS.playing(100.5) == 10 and pacing.PLAYERS.frame_cost_ms(100.5) == pytest.approx(38.0)
    assert pacing.repace(tabs[0], target, now=100.5)              # 0.1 s is far too fast: at once, within the dwell
    need = pacing.PACE_SLACK * 10 * 0.038                         # 0.475 s: the next of the few steps is 0.5
    assert tabs[0].interval == min(s for s in pacing.PACE_STEPS if s >= need)
    assert pacing.play_interval(tabs[0], target, now=100.6) == tabs[0].interval     # the page's run_every
    assert not pacing.repace(tabs[0], target, now=100.6)          # stable while the class plays
    for t in tabs[1:]:                                        # the others pause
        t.playing = False
        pacing.play_interval(t, target, now=101.0)
    assert pacing.PLAYERS.playing(101.0) == 1
    assert not pacing.repace(tabs[0], target, now=101.0)          # faster, but not within the dwell
    later = 100.5 + pacing.PACE_DWELL_S + 0.1                     # (no frames in the window: the first guess)
    assert pacing.repace(tabs[0], target, now=later) and tabs[0].interval == target
    tabs[0].interval = None                                   # another fps chosen: paced again at once
    assert pacing.play_interval(tabs[0], 0.5, now=later) == 0.5 and tabs[0].pace_target == 0.5
    # a tab that stopped without pausing (closed) stops counting after PLAYING_WITHIN_S
    pacing.frame_finished(tabs[1], started=later - 0.02, now=later)
    assert pacing.PLAYERS.playing(later + pacing.PLAYING_WITHIN_S + 1) == 0
    # never slower than one frame every PACE_MAX_INTERVAL s
    assert pacing.paced_interval(target, 500.0, 30) == pacing.PACE_MAX_INTERVAL


def test_a_pace_near_a_step_does_not_flap(monkeypatch):
    """Five tabs on a process whose frames cost 15 ms: 10 frames/s would just fit (5 x 15 ms x 1.25 =
    94 ms), but not with frames PACE_HYSTERESIS dearer: a tab at the step that would fit those stays there
    instead of flapping to 0.1 s and back, a slower tab comes down to it, and neither changes again within
    PACE_DWELL_S."""
    monkeypatch.setattr(pacing, "PLAYERS", pacing.PlayRegistry())
    tabs = [lv.LiveState(model=None, playing=True) for _ in range(5)]
    for k in range(40):
        pacing.PLAYERS.beat(id(tabs[k % 5]), 200.0 + k / 20)
        pacing.PLAYERS.frame_done(200.0 + k / 20, cpu_s=1.0 + 0.015 * k)
    assert pacing.paced_interval(0.1, pacing.PLAYERS.frame_cost_ms(202.0), 5) == 0.1
    safe = min(s for s in pacing.PACE_STEPS if s >= 5 * 0.015 * pacing.PACE_SLACK * pacing.PACE_HYSTERESIS)
    assert 0.1 < safe < 0.2
    steady, slow = tabs[0], tabs[1]
    steady.interval, steady.paced_at = safe, 190.0
    slow.interval, slow.paced_at = 0.2, 190.0
    assert not pacing.repace(steady, 0.1, now=202.0) and steady.interval == safe
    assert pacing.repace(slow, 0.1, now=202.0) and slow.interval == safe
    assert not pacing.repace(slow, 0.1, now=203.0)


def test_a_slow_first_frame_does_not_slow_the_start(monkeypatch):
    """The first frame after Play can take half a second (a first PCA, a cold cache): one frame is not a
    trend, so the tab keeps the fps asked for instead of waiting a dwell at 1.5 s per frame; five slow
    frames in a row are a trend."""
    monkeypatch.setattr(pacing, "PLAYERS", pacing.PlayRegistry())
    tab = lv.LiveState(model=None, playing=True)
    assert pacing.play_interval(tab, 0.1, now=300.0) == 0.1
    pacing.frame_finished(tab, started=300.0, now=300.64)
    assert not pacing.repace(tab, 0.1, now=300.7) and tab.interval == 0.1
    for k in range(3):
        pacing.frame_finished(tab, started=301.0 + k, now=301.05 + k)           # quick frames after it
    assert not pacing.repace(tab, 0.1, now=304.0) and tab.interval == 0.1
    for k in range(5):
        pacing.frame_finished(tab, started=305.0 + k, now=305.64 + k)
    assert pacing.repace(tab, 0.1, now=310.0) and tab.interval >= 0.64 * pacing.WALL_FACTOR
