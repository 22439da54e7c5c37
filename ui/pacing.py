"""The pace of the live embedding view's frames, process-wide: how many tabs play and what a frame costs.

What it does: PLAYERS (one PlayRegistry per server process, like ui.jobs.SLOTS; no user data) knows which
tabs of this process are playing and the process's CPU time per frame, and gives the frames their turn
one at a time; play_interval / repace choose each tab's run_every from them, so that the frames of a
class's playing tabs fit in the process's one Python core with room to deliver them and to answer other
students (bench/CLASSROOM_RESULTS.md).
What it does not do: train or draw (the embedding-space view does), or keep anything per user: a tab's own
pace lives in its LiveState (the `live` arguments: .playing, .interval, .paced_at, .pace_target, .frame_walls).
"""

from __future__ import annotations

import collections
import math
import threading
import time
from typing import Optional, Sequence

PACE_SLACK = 1.25         # the frames of all playing tabs may fill at most 1 / PACE_SLACK of the process's CPU time
PACE_MAX_INTERVAL = 3.0   # ... but every tab gets at least one frame every 3 s
PACE_HYSTERESIS = 1.2     # go faster only when frames this much dearer would still allow it (each change redraws the page)
PACE_DWELL_S = 5.0        # keep a pace at least this long unless the process is twice as busy as it allows
FRAME_CPU_GUESS_MS = 40.0  # a frame's CPU time before one has been measured (royalty, 1,000 updates a frame)
PLAYING_WITHIN_S = 4.0    # a tab counts as playing while its last frame is this recent
COST_WINDOW_S = 4.0       # a frame's cost is measured over the process's frames of the last 4 s
WALL_FACTOR = 1.25        # ... and a tab asks no more often than every 1.25 x its slower frames' wall time (paced_interval)
PACE_STEPS = (0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.65, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0)   # the slower paces a tab can have (s per frame)


class PlayRegistry:
    """Which tabs of this server process are playing, and what a frame costs the process (process-wide,
    like ui.jobs.SLOTS; no user data).

    One process runs its sessions' scripts one at a time (Python's GIL), so the frames of all its playing
    tabs share one core: the pace of each tab follows from how many tabs play and from the process's CPU
    time per frame: everything a frame costs (the page's Python, Streamlit's messages, the websocket),
    and whatever else the process does meanwhile (other students' clicks make frames slower, as they should).

    >>> r = PlayRegistry(); r.beat("a", 10.0); r.beat("b", 11.0); r.playing(12.0), r.playing(14.5)
    (2, 1)
    >>> for i in range(6): r.frame_done(20.0 + i / 10, cpu_s=3.0 + 0.03 * i)
    >>> round(r.frame_cost_ms(20.6), 1), r.frame_cost_ms(30.0)
    (30.0, None)
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._turn = threading.Lock()
        self._last: dict = {}
        self._frames: collections.deque = collections.deque(maxlen=200)     # (when, process CPU seconds)

    def beat(self, key, now: float) -> None:
        with self._lock:
            self._last[key] = now

    def leave(self, key) -> None:
        with self._lock:
            self._last.pop(key, None)

    def playing(self, now: float, within: float = PLAYING_WITHIN_S) -> int:
        with self._lock:
            for key in [k for k, t in self._last.items() if now - t > within]:
                del self._last[key]
            return len(self._last)

    def turn(self) -> threading.Lock:
        """`with PLAYERS.turn():` around a frame: the frames of this process run one at a time. They are
        Python bound, so running several at once only makes each wait for the GIL and switch back and forth
        (with ten tabs a frame cost ~2.5x its CPU time alone); a tab waiting for its turn holds no GIL."""
        return self._turn

    def frame_done(self, now: float, cpu_s: float) -> None:
        """A frame of any tab ran to its end at `now`; cpu_s: the process's CPU time then (time.process_time())."""
        with self._lock:
            self._frames.append((now, cpu_s))

    def frame_cost_ms(self, now: float, window: float = COST_WINDOW_S) -> Optional[float]:
        """The process's CPU milliseconds per frame over the frames of the last `window` seconds (None with
        fewer than 5 of them)."""
        with self._lock:
            recent = [cpu for when, cpu in self._frames if now - when <= window]
        if len(recent) < 5:
            return None
        return 1000 * (recent[-1] - recent[0]) / (len(recent) - 1)


PLAYERS = PlayRegistry()


def paced_interval(target: float, cost_ms: Optional[float], n_playing: int = 1,
                   wall_ms: Sequence[float] = ()) -> float:
    """Seconds between two frames of one tab: the user's 1 / fps, or longer when the process cannot
    make that many frames for every playing tab.

    The browser asks for a frame every `run_every` seconds whatever became of the last one. Asking more
    often than the process can answer wastes it: when a tab's next run starts before the event loop has
    sent the last one's messages, Streamlit drops them (script_finished becomes FINISHED_EARLY_FOR_RERUN);
    with a class of tabs playing at 10 frames/s almost no frame was ever delivered. So each tab asks no
    faster than n_playing x (the process's CPU time per frame, cost_ms) x PACE_SLACK: the frames of all
    tabs then fit in the process's one core with room to deliver them, and to answer other students.
    And no faster than WALL_FACTOR x the wall time of its slower recent frames (wall_ms, the 80th
    percentile): a frame that waits for the others' takes longer than its CPU time, and a tick that comes
    while a frame runs throws that frame away, which would make the process busier still.

    >>> paced_interval(0.1, None, 1), paced_interval(0.1, 25.0, 1), paced_interval(0.1, 40.0, 10)
    (0.1, 0.1, 0.5)
    >>> paced_interval(0.1, 20.0, 5, wall_ms=[90, 110, 120, 140, 900]), paced_interval(0.1, 20.0, 1, wall_ms=[640, 50, 60])
    (0.175, 0.1)
    """
    cost = FRAME_CPU_GUESS_MS if cost_ms is None else cost_ms
    walls = sorted(list(wall_ms)[-9:])
    # the 80th percentile (nearest rank) of the recent frames, from 5 of them: the slowest one (a first
    # frame after Play, a cold cache) is never taken, so one slow frame is not a trend
    wall = walls[math.ceil(0.8 * len(walls)) - 1] if len(walls) >= 5 else 0.0
    need = max(PACE_SLACK * max(1, n_playing) * cost, WALL_FACTOR * wall) / 1000
    if need <= target:
        return float(target)
    # a few steps only, so that a class starting to play one tab after another redraws each page a few times
    return float(next((s for s in PACE_STEPS if s >= need), PACE_MAX_INTERVAL))


def frame_finished(live, started: float, now: float) -> None:
    """Record a frame that ran from `started` to its end `now` (this tab plays; its wall time; the
    process's CPU time now)."""
    live.frame_walls.append(1000 * (now - started))
    PLAYERS.beat(id(live), now)
    PLAYERS.frame_done(now, time.process_time())


def _pace_now(live, target: float, now: float, margin: float = 1.0) -> float:
    """The pace for this tab now; margin > 1: as if frames cost that much more (CPU and wall time)."""
    cost = PLAYERS.frame_cost_ms(now)
    return paced_interval(target, None if cost is None else cost * margin, PLAYERS.playing(now),
                          [w * margin for w in live.frame_walls])


def play_interval(live, target: float, now: float) -> float:
    """The run_every for this tab now (set when the page is drawn), from the process's playing tabs."""
    if not live.playing:
        PLAYERS.leave(id(live))
        live.interval = None
        return target
    PLAYERS.beat(id(live), now)
    if live.interval is None or live.pace_target != target:          # Play pressed, or another fps chosen
        if live.interval is None:
            live.frame_walls.clear()                                 # the last Play's frames say little now
        live.interval, live.paced_at, live.pace_target = _pace_now(live, target, now), now, target
    return live.interval


def repace(live, target: float, now: float) -> bool:
    """True when this tab should ask for frames at another pace (the caller reruns the page, which sets the
    new run_every; play_interval then takes the new pace): tabs started or stopped playing, or frames got
    cheaper or dearer. Slower as soon as the pace is a step too fast; faster only to a pace that would hold
    with frames PACE_HYSTERESIS times dearer (no flapping between two steps); and a pace is kept
    PACE_DWELL_S unless it is half of what is needed (each change redraws the page, which itself costs the
    process a few frames)."""
    current = live.interval or target
    if live.paced_at is not None and now - live.paced_at < PACE_DWELL_S:
        slower = _pace_now(live, target, now)
        want = slower if slower >= 2 * current else current
    else:
        slower, faster = _pace_now(live, target, now), _pace_now(live, target, now, margin=PACE_HYSTERESIS)
        want = slower if slower > current else (faster if faster < current else current)
    if want == current:
        return False
    live.interval, live.paced_at = want, now
    return True
