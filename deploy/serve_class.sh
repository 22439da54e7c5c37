#!/usr/bin/env bash
# Serve a class: N `streamlit run app.py` processes behind nginx (Debian's /usr/sbin/nginx): a new browser goes
# to the process with the fewest students, and a cookie keeps it there.
#
#   deploy/serve_class.sh run   [N] [PORT] [FIRST_APP_PORT]  # start, wait; Ctrl-C (or `stop`) stops everything
#   deploy/serve_class.sh start [N] [PORT] [FIRST_APP_PORT]  # start in the background and return
#   deploy/serve_class.sh stop                               # stop what `start`/`run` started
#   deploy/serve_class.sh status
#
# N defaults to the number of cores, PORT (nginx, what students open) to 8501, the app processes to
# PORT+1 .. PORT+N (bound to 127.0.0.1: only nginx reaches them).
# Before serving, the compiled trainer's common vector sizes are put in numba's disk cache
# (python -m ui.compiling 32 50 64 100 128 200 300; seconds when already there), and each app process runs
# one session of its home page (python -m deploy.stclient first-sessions), so no student waits for either.
# Environment: W2V_CLASS_DIR (pid files, logs, nginx.conf; default /tmp/w2v-class), W2V_CLASS_BIND (the
# address nginx listens on; default 0.0.0.0, every interface), W2V_CLASS_TTL (seconds a closed tab's
# session is kept; default 120), W2V_CLASS_WARM=0 (skip the compile step), PYTHON (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR=${W2V_CLASS_DIR:-/tmp/w2v-class}
PY=${PYTHON:-$ROOT/.venv/bin/python}
NGINX=${NGINX:-/usr/sbin/nginx}
CMD=${1:-run}
N=${2:-$(nproc)}
PORT=${3:-8501}
FIRST=${4:-$((PORT + 1))}
BIND=${W2V_CLASS_BIND:-0.0.0.0}
TTL=${W2V_CLASS_TTL:-120}

stop() {
  local quiet=${1:-}
  if [ -f "$DIR/nginx.pid" ]; then
    kill -QUIT "$(cat "$DIR/nginx.pid")" 2>/dev/null || true
  fi
  for f in "$DIR"/app-*.pid; do
    [ -f "$f" ] || continue
    kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  for f in "$DIR"/app-*.pid "$DIR/nginx.pid"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  [ -n "$quiet" ] || echo "stopped (run files in $DIR)"
}

healthy() {  # healthy URL: does Streamlit (or nginx in front of it) answer "ok"?
  "$PY" - "$1" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1] + "/_stcore/health", timeout=2) as r:
        sys.exit(0 if r.read().strip() == b"ok" else 1)
except OSError:
    sys.exit(1)
EOF
}

start() {
  if ! [ -x "$NGINX" ]; then
    echo "error: $NGINX not found: install Debian's nginx (apt-get install nginx)" >&2
    exit 1
  fi
  case "$N" in ''|*[!0-9]*|0) echo "error: N must be a whole number >= 1, got '$N'" >&2; exit 1;; esac
  mkdir -p "$DIR"
  if ls "$DIR"/app-*.pid >/dev/null 2>&1 || [ -f "$DIR/nginx.pid" ]; then
    echo "an earlier class is still registered in $DIR: stopping it first"
    stop quiet
  fi
  if [ "${W2V_CLASS_WARM:-1}" != 0 ]; then
    echo "compiling the fast trainer's common vector sizes (once per machine)..."
    "$PY" -m ui.compiling 32 50 64 100 128 200 300
  fi
  # each app process in its own session (setsid): Ctrl-C in the terminal reaches this script only, which
  # then stops them in order; nginx detaches by itself
  # the same cookie secret in every process: a browser's XSRF cookie is valid whichever one set it
  SECRET=$("$PY" -c "import secrets; print(secrets.token_hex(24))")
  SLOTS=$(( $(nproc) / N )); [ "$SLOTS" -ge 1 ] || SLOTS=1
  servers="" sticky="" one_each=""
  for i in $(seq 0 $((N - 1))); do
    p=$((FIRST + i))
    STREAMLIT_SERVER_COOKIE_SECRET=$SECRET W2V_HEAVY_SLOTS=$SLOTS setsid nohup "$PY" -m streamlit run app.py --server.port "$p" --server.address 127.0.0.1 \
      --server.headless true --server.runOnSave false --server.fileWatcherType none \
      --browser.gatherUsageStats false --server.disconnectedSessionTTL "$TTL" \
      >"$DIR/app-$i.log" 2>&1 &
    echo $! >"$DIR/app-$i.pid"
    servers="$servers        server 127.0.0.1:$p max_fails=3 fail_timeout=10s;\n"
    sticky="$sticky        \"127.0.0.1:$p\" w2v_app$i;\n"
    one_each="$one_each    upstream w2v_app$i { server 127.0.0.1:$p; }\n"
  done
  sed -e "s#@DIR@#$DIR#g" -e "s#@LISTEN@#$BIND:$PORT#g" -e "s#@SERVERS@#${servers%\\n}#" \
    -e "s#@STICKY@#${sticky%\\n}#" -e "s#@ONE_EACH@#${one_each%\\n}#" \
    deploy/nginx.conf.template >"$DIR/nginx.conf"
  for i in $(seq 0 $((N - 1))); do
    p=$((FIRST + i))
    for _ in $(seq 1 300); do
      healthy "http://127.0.0.1:$p" && break
      if ! kill -0 "$(cat "$DIR/app-$i.pid")" 2>/dev/null; then
        echo "error: app process $i (port $p) exited; its log:" >&2; tail -20 "$DIR/app-$i.log" >&2; stop quiet; exit 1
      fi
      sleep 0.3
    done
    healthy "http://127.0.0.1:$p" || { echo "error: app process $i (port $p) did not answer" >&2; stop quiet; exit 1; }
  done
  # each process's first session imports the engine and fills its caches (~1.5 s): done now, not by a student
  urls=""
  for i in $(seq 0 $((N - 1))); do urls="$urls http://127.0.0.1:$((FIRST + i))"; done
  # shellcheck disable=SC2086
  "$PY" -m deploy.stclient first-sessions $urls || { echo "error: an app process failed its first session" >&2; stop quiet; exit 1; }
  "$NGINX" -e "$DIR/nginx-error.log" -p "$DIR" -c "$DIR/nginx.conf" \
    || { echo "error: nginx did not start; see $DIR/nginx-error.log" >&2; stop quiet; exit 1; }
  for _ in $(seq 1 50); do healthy "http://127.0.0.1:$PORT" && break; sleep 0.2; done
  healthy "http://127.0.0.1:$PORT" || { echo "error: nginx on port $PORT does not reach the app" >&2; stop quiet; exit 1; }
  echo "serving the class on http://$BIND:$PORT/ ($N app processes on ports $FIRST-$((FIRST + N - 1)), $SLOTS heavy-job slot(s) each)"
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  status)
    for f in "$DIR"/app-*.pid "$DIR/nginx.pid"; do
      [ -f "$f" ] && { kill -0 "$(cat "$f")" 2>/dev/null && echo "$(basename "$f" .pid): running" || echo "$(basename "$f" .pid): gone"; }
    done ;;
  run)
    trap 'stop; exit 0' INT TERM
    start
    echo "press Ctrl-C to stop"
    while sleep 2; do
      for f in "$DIR"/app-*.pid; do
        kill -0 "$(cat "$f")" 2>/dev/null || { echo "an app process died (see $DIR/*.log); stopping" >&2; stop; exit 1; }
      done
    done ;;
  *) echo "usage: $0 run|start|stop|status [N] [PORT] [FIRST_APP_PORT]" >&2; exit 2 ;;
esac
