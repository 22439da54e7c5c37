"""deploy/: two app processes behind nginx serve websocket sessions: a new browser goes to the process with
the fewest students, a cookie keeps it there, a dead process's students are sent to a live one, the dead
process is started again (the class goes on); and everything stops cleanly."""

import asyncio
import os
import signal
import subprocess
import time
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


def _upstream(port: int, cookie: str = "") -> tuple:
    """(the process that answered, the w2v_class cookie the answer sets) for a request with `cookie`."""
    headers = {"Cookie": f"w2v_class={cookie}"} if cookie else {}
    req = urllib.request.Request(f"http://127.0.0.1:{port}/_stcore/health", headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.read().strip() == b"ok"
        sets = [c.split(";")[0].split("=", 1)[1] for c in r.headers.get_all("Set-Cookie") or []
                if c.startswith("w2v_class=")]
        # after a process failed, nginx lists both: "a : b"
        return r.headers["X-W2V-Upstream"].replace(" : ", ", ").split(", ")[-1], sets[0] if sets else None


def _pid_of(server: dict, app_port: int) -> int:
    """The pid of the app process listening on app_port (deploy/serve_class.sh writes app-<i>.pid)."""
    i = server["apps"].index(app_port)
    return int((Path(server["env"]["W2V_CLASS_DIR"]) / f"app-{i}.pid").read_text())


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
        pids = [int(p.read_text()) for p in sorted(run.glob("app-*.pid")) + [run / "nginx.pid"]]
        yield {"port": port, "apps": (first, first + 1), "pids": pids, "env": env, "stdout": started.stdout,
               "supervisor": int((run / "supervisor.pid").read_text())}
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, cwd=ROOT, capture_output=True, timeout=60)


def test_two_processes_behind_nginx_serve_websocket_sessions_and_stop_cleanly(class_server):
    from deploy.stclient import StreamlitTab

    port, apps = class_server["port"], class_server["apps"]
    addresses = {f"127.0.0.1:{p}" for p in apps}
    for p in apps:                                    # each process ran its first session before serving
        assert f"first session on http://127.0.0.1:{p}: " in class_server["stdout"]
    # a new browser gets a cookie naming the process that answered; with it, the same process every time
    for _ in range(4):
        served, cookie = _upstream(port)
        assert served in addresses and cookie == served
        assert {_upstream(port, cookie) for _ in range(3)} == {(served, served)}
    served, cookie = _upstream(port, "not-one-of-ours")          # an unknown (or old) cookie: a new browser
    assert served in addresses and cookie == served

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

    async def a_class(n: int):
        """n tabs opened one after another, kept open: the processes that serve them."""
        tabs = [StreamlitTab(f"http://127.0.0.1:{port}", page="home", timeout=120) for _ in range(n)]
        try:
            for tab in tabs:
                assert (await tab.open()).ok
            return [tab.upstream for tab in tabs]
        finally:
            await asyncio.gather(*(t.close() for t in tabs))

    served = asyncio.run(a_class(6))          # the least busy process takes each new student: 3 and 3
    assert sorted(served.count(a) for a in addresses) == [3, 3], served

    pids = class_server["pids"]
    assert len(pids) == 3 and all(psutil.pid_exists(p) for p in pids)

    # a student whose process died is answered by the other one, and the cookie now names that one
    first = f"127.0.0.1:{apps[0]}"
    os.kill(_pid_of(class_server, apps[0]), 9)
    served, cookie = _upstream(port, first)
    assert served == f"127.0.0.1:{apps[1]}" and cookie == served
    stopped = subprocess.run([str(SCRIPT), "stop"], env=class_server["env"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert stopped.returncode == 0
    gone = [not psutil.pid_exists(p) or psutil.Process(p).status() == psutil.STATUS_ZOMBIE for p in pids]
    assert all(gone), "a process survived `serve_class.sh stop`"


def _answers(port: int) -> bool:
    """Does the process on `port` answer its health check?"""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


def _gone(pid: int) -> bool:
    return not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_a_killed_app_process_is_restarted_and_the_class_goes_on(class_server):
    port, apps, env = class_server["port"], class_server["apps"], class_server["env"]
    run = Path(env["W2V_CLASS_DIR"])
    nginx, supervisor = class_server["pids"][-1], class_server["supervisor"]
    assert not _gone(supervisor)
    dead, survivor = _pid_of(class_server, apps[0]), _pid_of(class_server, apps[1])

    killed = time.monotonic()
    os.kill(dead, signal.SIGKILL)                     # as the out-of-memory killer would
    # the class is still served: a browser of the dead process is answered (by the survivor, or already
    # by the new process), and so is a new browser
    served, _ = _upstream(port, f"127.0.0.1:{apps[0]}")
    assert served in {f"127.0.0.1:{p}" for p in apps}
    assert _upstream(port)[0] in {f"127.0.0.1:{p}" for p in apps}
    assert _answers(apps[1])

    # the dead process is started again on its port, as a new process
    while not (_pid_of(class_server, apps[0]) != dead and _answers(apps[0])):
        assert time.monotonic() - killed < 60, "the killed app process was not restarted within 60 s"
        time.sleep(0.2)
    back = time.monotonic() - killed
    restarted = _pid_of(class_server, apps[0])
    log = run / "supervisor.log"
    while f"app process 0 (port {apps[0]}) is back: pid {restarted}" not in log.read_text():
        assert time.monotonic() - killed < 90, log.read_text()        # after its first session
        time.sleep(0.2)
    print(f"killed app process answered again after {back:.1f} s")
    text = log.read_text()
    assert f"app process 0 (port {apps[0]}, pid {dead}) is gone" in text
    assert f"first session on http://127.0.0.1:{apps[0]}: " in text
    # both processes answer, directly and through nginx (a cookie naming each one reaches that one)
    assert _answers(apps[0]) and _answers(apps[1])
    for p in apps:
        assert _upstream(port, f"127.0.0.1:{p}") == (f"127.0.0.1:{p}", f"127.0.0.1:{p}")
    # the class was not stopped: nginx, the survivor and the supervisor are the same processes
    assert _pid_of(class_server, apps[1]) == survivor
    assert not any(_gone(p) for p in (nginx, survivor, restarted, supervisor)) and _gone(dead)
    status = subprocess.run([str(SCRIPT), "status"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert f"app-0: running (pid {restarted}), restarted 1 time(s)" in status.stdout, status.stdout
    assert f"supervisor: running (pid {supervisor}), 1 restart(s) in all" in status.stdout, status.stdout

    # only `stop` stops the class: the supervisor first, then everything, the restarted process too
    stopped = subprocess.run([str(SCRIPT), "stop"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    left = [p for p in (dead, restarted, survivor, nginx, supervisor) if not _gone(p)]
    assert not left, f"still running after `serve_class.sh stop`: {left}"
    assert not list(run.glob("*.pid"))


def test_a_bad_process_count_is_refused_with_a_message(tmp_path):
    env = dict(os.environ, W2V_CLASS_DIR=str(tmp_path), W2V_CLASS_WARM="0")
    r = subprocess.run([str(SCRIPT), "start", "zero"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "N must be a whole number" in r.stderr


def test_make_run_serves_without_the_file_watcher_and_make_dev_reloads_on_save():
    """Issue 26: with the watcher on, one process served 30 sessions half as many Next clicks; the project's
    config turns it off for serving (make run), make dev turns it back on with reload on save."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none" and ".venv" in config["server"]["folderWatchBlacklist"]
    make = subprocess.run(["make", "-n", "-o", ".venv/.installed", "run", "dev", "PORT=8999"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.splitlines()
    run, dev = [line for line in make if "streamlit run app.py" in line]
    assert "fileWatcherType" not in run and "--server.port 8999" in run          # the config's "none"
    assert "--server.fileWatcherType auto" in dev and "--server.runOnSave true" in dev
