"""A browser tab without the browser: Streamlit's own websocket protocol, for load tests and smoke checks.

What a browser does, and this client does the same: open ws://host:port/_stcore/stream (subprotocol
"streamlit"), send a BackMsg `rerun_script` with the page's name from the URL (first run) or the page's
script hash (later runs), the URL's query string and the widget states; read ForwardMsgs until
`script_finished`. A button click is a rerun whose widget states hold the button's id with
trigger_value=True (and the fragment's id when the button sits inside an st.fragment). `auto_rerun`
messages (st.fragment(run_every=...)) start a timer that asks for the fragment again every interval,
as the browser's setInterval does, whether or not the previous run has finished.

Buttons are found in the deltas by their key (the element id ends with "-<key>") or their label, so a
page that moves its Next button into a fragment or a column needs no change here.

    async with StreamlitTab("http://127.0.0.1:8711", page="step") as tab:
        seconds = await tab.click("Next", key="step_next")

Only the websockets package (a dependency of this project's venv) and streamlit's protobufs are used.
It talks to the address it is given, nothing else (no proxy from the environment).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.ScriptFinishedStatus
OK_STATUSES = {FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass
class Widget:
    id: str
    kind: str             # "button", "slider", ...
    label: str
    fragment_id: str      # "" outside a fragment
    disabled: bool = False


@dataclass
class RunResult:
    seconds: float        # from sending the rerun to receiving script_finished
    status: int           # ForwardMsg.ScriptFinishedStatus
    fragment: bool        # a fragment run (only the fragment was redrawn)
    exceptions: List[str] = field(default_factory=list)   # st.exception elements drawn during the run

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES and not self.exceptions


class ProtocolError(RuntimeError):
    pass


def ws_url(http_url: str) -> str:
    """'http://127.0.0.1:8711/' -> 'ws://127.0.0.1:8711/_stcore/stream' (https -> wss).

    >>> ws_url("http://127.0.0.1:8711/")
    'ws://127.0.0.1:8711/_stcore/stream'
    """
    parts = urlsplit(http_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"


class StreamlitTab:
    """One simulated browser tab on one page of a Streamlit app."""

    def __init__(self, base_url: str, page: str = "", query: str = "", timeout: float = 120.0,
                 cookies: Optional[str] = None):
        self.url = ws_url(base_url)
        self.first_page = page
        self.query = query
        self.timeout = timeout
        self.cookies = cookies
        self.ws = None
        self.page_hash = ""                     # the current page's script hash (after the first run)
        self.pages: Dict[str, str] = {}         # url pathname -> page script hash
        self.widgets: Dict[str, Widget] = {}    # element id -> Widget, from this session's deltas
        self.cached_hashes: set = set()         # messages the server may send by reference next time
        self.session_id = ""
        self.fragment_runs = 0                  # script_finished of fragment runs (frames of an st.fragment)
        self.fragment_times: List[float] = []   # when each fragment run finished (time.perf_counter())
        self.early_runs = 0                     # runs that ended early because another rerun was asked for
        self.full_runs = 0                      # script_finished of whole-page runs
        self.messages = 0
        self.bytes = 0
        self._finished: asyncio.Queue = asyncio.Queue()
        self._exceptions: List[str] = []
        self._reader: Optional[asyncio.Task] = None
        self._timers: Dict[str, asyncio.Task] = {}
        self.closed_error: Optional[BaseException] = None
        self.alerts: List[str] = []             # st.error / st.warning / st.info texts drawn, newest last
        self.upstream = ""                      # behind deploy/'s nginx: the app process that serves this tab

    # ------------------------------------------------------------------ connection
    async def open(self) -> RunResult:
        headers = {"Cookie": self.cookies} if self.cookies else None
        self.ws = await connect(self.url, subprotocols=["streamlit"], max_size=None, proxy=None,
                                additional_headers=headers, open_timeout=self.timeout, ping_interval=None)
        self.upstream = self.ws.response.headers.get("X-W2V-Upstream", "")
        self._reader = asyncio.create_task(self._read())
        return await self.rerun(page_name=self.first_page)

    async def close(self) -> None:
        for task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass
        self.ws = None

    async def __aenter__(self) -> "StreamlitTab":
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # ------------------------------------------------------------------ sending
    def _back_msg(self, widget_states=(), fragment_id: str = "", page_name: str = "", page_hash: str = "",
                  auto: bool = False) -> bytes:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = self.query
        rs.page_name = page_name
        rs.page_script_hash = page_hash or ("" if page_name else self.page_hash)
        rs.fragment_id = fragment_id
        rs.is_auto_rerun = auto
        rs.cached_message_hashes.extend(sorted(self.cached_hashes))
        rs.context_info.timezone = "UTC"
        rs.context_info.locale = "en-US"
        for ws in widget_states:
            rs.widget_states.widgets.append(ws)
        rs.widget_states.SetInParent()
        return msg.SerializeToString()

    async def rerun(self, widget_states=(), fragment_id: str = "", page_name: str = "",
                    page_hash: str = "") -> RunResult:
        """Ask for a run and wait for its script_finished; returns the round trip."""
        while not self._finished.empty():           # finishes of auto reruns nobody waited for
            self._finished.get_nowait()
        self._exceptions = []
        t0 = time.perf_counter()
        await self.ws.send(self._back_msg(widget_states, fragment_id, page_name, page_hash))
        while True:
            try:
                status, fragment, t1 = await asyncio.wait_for(self._finished.get(), self.timeout)
            except asyncio.TimeoutError:
                raise ProtocolError(f"no script_finished within {self.timeout} s") from self.closed_error
            if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
                continue
            if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                raise ProtocolError("the script did not compile")
            if fragment_id and not fragment:
                continue                            # a full run that was already under way
            return RunResult(t1 - t0, status, fragment, list(self._exceptions))

    def find(self, label: Optional[str] = None, key: Optional[str] = None, kind: str = "button") -> Widget:
        """The widget drawn in this session with this key (preferred) or label; ProtocolError if absent."""
        found = [w for w in self.widgets.values() if w.kind == kind and key and w.id.endswith("-" + key)]
        if not found and label is not None:
            found = [w for w in self.widgets.values() if w.kind == kind and w.label == label]
        if not found:
            seen = sorted({f"{w.label!r} ({w.id.rsplit('-', 1)[-1]})" for w in self.widgets.values() if w.kind == kind})
            raise ProtocolError(f"no {kind} with key {key!r} or label {label!r} on the page; seen: {seen}")
        return found[-1]

    async def click(self, label: Optional[str] = None, key: Optional[str] = None) -> RunResult:
        """Press a button (by key or label) as a browser does: its trigger, inside its fragment if any."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        button = self.find(label, key)
        state = WidgetState(id=button.id, trigger_value=True)
        return await self.rerun([state], fragment_id=button.fragment_id)

    async def goto(self, page: str) -> RunResult:
        """Navigate to another page (its url pathname, e.g. 'embedding_space')."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self.widgets.clear()
        if page in self.pages:
            return await self.rerun(page_hash=self.pages[page])
        return await self.rerun(page_name=page)

    # ------------------------------------------------------------------ receiving
    async def _read(self) -> None:
        try:
            async for data in self.ws:
                self.messages += 1
                self.bytes += len(data)
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except Exception as e:  # the connection closed: waiting reruns time out with this as the cause
            self.closed_error = e

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if msg.metadata.cacheable and msg.hash:
            self.cached_hashes.add(msg.hash)
        if kind == "new_session":
            ns = msg.new_session
            self.page_hash = ns.page_script_hash or self.page_hash
            self.session_id = ns.initialize.session_id or self.session_id
            for p in ns.app_pages:
                self.pages[p.url_pathname] = p.page_script_hash
        elif kind == "navigation":
            nav = msg.navigation
            for p in nav.app_pages:
                self.pages[p.url_pathname] = p.page_script_hash
            if nav.page_script_hash:
                self.page_hash = nav.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta":
            self._delta(msg)
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                task = self._timers.pop(fid, None)
                if task:
                    task.cancel()
        elif kind == "script_finished":
            status = msg.script_finished
            fragment = status == FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
            now = time.perf_counter()
            if fragment:
                self.fragment_runs += 1
                self.fragment_times.append(now)
            elif status == FINISHED.FINISHED_EARLY_FOR_RERUN:
                self.early_runs += 1
            elif status == FINISHED.FINISHED_SUCCESSFULLY:
                self.full_runs += 1
            self._finished.put_nowait((status, fragment, now))

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        which = el.WhichOneof("type")
        if which == "exception":
            self._exceptions.append(f"{el.exception.type}: {el.exception.message}")
            return
        if which == "alert":
            self.alerts = (self.alerts + [el.alert.body])[-50:]
            return
        proto = getattr(el, which, None) if which else None
        wid = getattr(proto, "id", "") if proto is not None else ""
        if wid:
            self.widgets[wid] = Widget(wid, which, getattr(proto, "label", ""), delta.fragment_id,
                                       bool(getattr(proto, "disabled", False)))

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        old = self._timers.pop(fragment_id, None)
        if old:
            old.cancel()

        async def tick():
            while self.ws is not None:
                await asyncio.sleep(interval)
                try:
                    await self.ws.send(self._back_msg(fragment_id=fragment_id, auto=True))
                except Exception:
                    return

        self._timers[fragment_id] = asyncio.create_task(tick())

    def stop_timers(self) -> None:
        for task in self._timers.values():
            task.cancel()
        self._timers.clear()


async def first_sessions(urls: List[str], query: str = "") -> List[float]:
    """Open one session on each app process and run its home page (seconds each, side by side): a new
    process imports the engine and loads its caches at its first session (~1.5 s on the 2-core machine),
    which would otherwise be the first student's wait. deploy/serve_class.sh runs this before serving."""
    async def one(url: str) -> float:
        t0 = time.perf_counter()
        tab = StreamlitTab(url, query=query)
        try:
            result = await tab.open()
        finally:
            await tab.close()
        if not result.ok:
            raise ProtocolError(f"{url}: the first session failed: {result.exceptions}")
        return time.perf_counter() - t0

    return list(await asyncio.gather(*(one(u) for u in urls)))


if __name__ == "__main__":
    import sys

    if len(sys.argv) < 3 or sys.argv[1] != "first-sessions":
        sys.exit("usage: python -m deploy.stclient first-sessions URL [URL ...]")
    for address, seconds in zip(sys.argv[2:], asyncio.run(first_sessions(sys.argv[2:]))):
        print(f"first session on {address}: {seconds:.1f} s")
