"""Start `streamlit run app.py` on a free port, wait until it answers, stop it: for browser tests and benchmarks.

    with AppServer() as app:             # or AppServer(extra_args=["--runner.postScriptGC", "false"])
        page.goto(app.url + "/step")

The server's output goes to a log file (app.log), whose end is shown if the server fails to start.
Ports: any free one the system hands out, or one from W2V_APP_PORTS (e.g. "8611-8619") on a machine
where only some ports may be used.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
PORTS_ENV = "W2V_APP_PORTS"


def _ports_from_env() -> Optional[range]:
    """W2V_APP_PORTS="8611-8619" -> range(8611, 8620); unset -> None (let the system choose)."""
    spec = os.environ.get(PORTS_ENV, "").strip()
    if not spec:
        return None
    lo, _, hi = spec.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def free_port(ports: Optional[Sequence[int]] = None) -> int:
    """A port nobody listens on: the first free one of `ports` (or of W2V_APP_PORTS), else any free one."""
    ports = ports if ports is not None else _ports_from_env()
    if ports is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports[0]}-{ports[-1]}")


class AppServer:
    """`streamlit run app.py` (headless, no file watcher, no usage statistics) in a subprocess.

    start() returns once /_stcore/health answers "ok" (RuntimeError with the log's end if the server
    exits or `timeout` seconds pass first); stop() terminates it (kills it after 10 s). A context manager.
    """

    def __init__(self, extra_args: Sequence[str] = (), port: Optional[int] = None, log: Optional[Path] = None,
                 timeout: float = 60.0, script: str = "app.py", cwd: Path = ROOT):
        self.extra_args = list(extra_args)
        self.port = port
        self.log = Path(log) if log else None
        self.timeout = timeout
        self.script = script
        self.cwd = Path(cwd)
        self.proc: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list:
        return [sys.executable, "-m", "streamlit", "run", self.script, "--server.port", str(self.port),
                "--server.address", "127.0.0.1", "--server.headless", "true", "--server.runOnSave", "false",
                "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *self.extra_args]

    def start(self) -> "AppServer":
        if self.port is None:
            self.port = free_port()
        if self.log is None:
            self.log = Path(tempfile.mkdtemp(prefix="w2v_app_")) / "app.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(self.command(), cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while not self.healthy():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit did not start on port {self.port}:\n" + self.log_tail())
            time.sleep(0.3)
        return self

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                return r.read().strip() == b"ok"
        except OSError:
            return False

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except (OSError, AttributeError):
            return ""

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> "AppServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
