"""deploy/: two app processes behind nginx serve websocket sessions, sticky by cookie, and stop cleanly."""

import asyncio
import os
import subprocess
import urllib.request
from pathlib import Path

import psutil
import pytest

from devtools.app_server import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")
SCRIPT = ROOT / "deploy" / "serve_class.sh"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not NGINX.exists(), reason="/usr/sbin/nginx is missing (Debian's nginx package)")]


def _upstream(port: int, cookie: str) -> str:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/_stcore/health", headers={"Cookie": f"w2v_class={cookie}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.read().strip() == b"ok"
        return r.headers["X-W2V-Upstream"]


def _three_free_ports() -> int:
    """p such that p, p+1, p+2 are free: nginx and two app processes (W2V_APP_PORTS's range, else 8711-8739)."""
    spec = os.environ.get("W2V_APP_PORTS", "8711-8739")
    lo, _, hi = spec.partition("-")
    candidates = range(int(lo), int(hi or lo) - 1)
    for p in candidates:
        try:
            if all(free_port([q]) == q for q in (p, p + 1, p + 2)):
                return p
        except RuntimeError:
            continue
    pytest.skip(f"no three consecutive free ports in {spec}")


@pytest.fixture
def class_server(tmp_path):
    port = _three_free_ports()
    first = port + 1
    env = dict(os.environ, W2V_CLASS_DIR=str(tmp_path / "run"), W2V_CLASS_BIND="127.0.0.1", W2V_CLASS_WARM="0")
    started = subprocess.run([str(SCRIPT), "start", "2", str(port), str(first)], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=240)
    run = tmp_path / "run"
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        pids = [int(p.read_text()) for p in sorted(run.glob("*.pid"))]
        yield {"port": port, "apps": (first, first + 1), "pids": pids, "env": env}
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, cwd=ROOT, capture_output=True, timeout=60)


def test_two_processes_behind_nginx_serve_websocket_sessions_and_stop_cleanly(class_server):
    from deploy.stclient import StreamlitTab

    port, apps = class_server["port"], class_server["apps"]
    # sticky: one cookie, one process, every time; different cookies reach both processes
    by_cookie = {c: {_upstream(port, c) for _ in range(3)} for c in "abcdefghijklmnop"}
    assert all(len(v) == 1 for v in by_cookie.values())
    assert set().union(*by_cookie.values()) == {f"127.0.0.1:{p}" for p in apps}

    async def two_tabs():
        tabs = [StreamlitTab(f"http://127.0.0.1:{port}", page="step", timeout=120) for _ in range(2)]
        try:
            results = []
            for tab in tabs:
                first = await tab.open()
                assert first.ok, first.exceptions
                before = tab.messages
                clicked = await tab.click("Next", key="step_next")
                assert clicked.ok, clicked.exceptions
                assert tab.messages > before                  # the page was redrawn for this session
                results.append(tab.session_id)
            return results
        finally:
            await asyncio.gather(*(t.close() for t in tabs))

    ids = asyncio.run(two_tabs())
    assert len(set(ids)) == 2 and all(ids)

    pids = class_server["pids"]
    assert len(pids) == 3 and all(psutil.pid_exists(p) for p in pids)
    stopped = subprocess.run([str(SCRIPT), "stop"], env=class_server["env"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert stopped.returncode == 0
    gone = [not psutil.pid_exists(p) or psutil.Process(p).status() == psutil.STATUS_ZOMBIE for p in pids]
    assert all(gone), "a process survived `serve_class.sh stop`"


def test_a_bad_process_count_is_refused_with_a_message(tmp_path):
    env = dict(os.environ, W2V_CLASS_DIR=str(tmp_path), W2V_CLASS_WARM="0")
    r = subprocess.run([str(SCRIPT), "start", "zero"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "N must be a whole number" in r.stderr
