#!/usr/bin/env bash
# Serve a class: N `streamlit run app.py` processes behind nginx (Debian's /usr/sbin/nginx): a new browser goes
# to the process with the fewest students, and a cookie keeps it there.
#
#   deploy/serve_class.sh run   [N] [PORT] [FIRST_APP_PORT]  # start, wait; Ctrl-C (or `stop`) stops everything
#   deploy/serve_class.sh start [N] [PORT] [FIRST_APP_PORT]  # start in the background and return
#   deploy/serve_class.sh stop                               # stop what `start`/`run` started
#   deploy/serve_class.sh status                             # each process, the supervisor, restarts
#
# N defaults to the number of cores, PORT (nginx, what students open) to 8501, the app processes to
# PORT+1 .. PORT+N (bound to 127.0.0.1: only nginx reaches them).
# Before serving, the compiled trainer's common vector sizes are put in numba's disk cache
# (python -m ui.compiling 32 50 64 100 128 200 300; seconds when already there), and each app process runs
# one session of its home page (python -m deploy.stclient first-sessions), so no student waits for either.
# A supervisor (the `run` loop itself; after `start`, a background process whose pid is in supervisor.pid)
# looks at each app process every second: one that is gone (killed, out of memory) is logged to
# supervisor.log (its port, pid, exit status when known, the last lines of its app-<i>.log) and started
# again with the same command line (same port, cookie secret and heavy-job slots), health-checked and given
# its first session; nginx and the other processes go on serving. A process that keeps dying (5 restarts
# in 60 s) is tried again after a growing wait (30 s .. 5 min); the class only stops when asked (`stop`
# stops the supervisor first, so it restarts nothing that is being stopped).
# Environment: W2V_CLASS_DIR (pid files, logs, nginx.conf; default /tmp/w2v-class), W2V_CLASS_BIND (the
# address nginx listens on; default 0.0.0.0, every interface), W2V_CLASS_TTL (seconds a closed tab's
# session is kept; default 120), W2V_CLASS_WARM=0 (skip the compile step), PYTHON (default .venv/bin/python).
# The Class page's rooms live in the store every app process shares (passed on to them, and to a restarted
# one, with the rest of the environment): W2V_CLASS_STORE, a folder for its SQLite file (default: the user's
# data folder) or a redis:// URL; W2V_CLASS_URL, the address its join link and QR code show (README).
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
# set by `start` (and handed to a background supervisor): every app process, first start or restart, gets
# the same cookie secret (a browser's XSRF cookie is valid whichever process set it) and heavy-job slots
SECRET=${W2V_CLASS_SECRET:-}
SLOTS=${W2V_CLASS_SLOTS:-1}
unset W2V_CLASS_SECRET W2V_CLASS_SLOTS   # not in a restarted process's environment: the same as the first one's
STOPPING=""   # set by the supervisor's INT/TERM trap: finish what is running, then stop
CHILDREN=""   # the app processes this shell started (only a child's exit status can be read, with `wait`)

alive() {  # alive PID: a running process (a zombie, dead but not yet reaped by its parent, is not)
  kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

stop() {
  local quiet=${1:-} pid f
  # the supervisor first, so that it does not restart what is stopped below (in `run` mode it is this
  # script itself, which stops the rest next)
  if [ -f "$DIR/supervisor.pid" ]; then
    pid=$(cat "$DIR/supervisor.pid")
    if [ "$pid" != "$$" ]; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.2; done
      if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$DIR/supervisor.pid"
  fi
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
  "$PY" - "$1" <<'PYEOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1] + "/_stcore/health", timeout=2) as r:
        sys.exit(0 if r.read().strip() == b"ok" else 1)
except OSError:
    sys.exit(1)
PYEOF
}

launch_app() {  # launch_app I: start app process I (port FIRST+I); its pid goes to app-I.pid
  # The one command line of an app process, for its first start and every restart. In its own session
  # (setsid): Ctrl-C in the terminal reaches this script only, which then stops the processes in order.
  local i=$1
  STREAMLIT_SERVER_COOKIE_SECRET=$SECRET W2V_HEAVY_SLOTS=$SLOTS setsid nohup "$PY" -m streamlit run app.py \
    --server.port "$((FIRST + i))" --server.address 127.0.0.1 \
    --server.headless true --server.runOnSave false --server.fileWatcherType none \
    --browser.gatherUsageStats false --server.disconnectedSessionTTL "$TTL" \
    >>"$DIR/app-$i.log" 2>&1 </dev/null &
  CHILDREN="$CHILDREN $!"
  echo $! >"$DIR/app-$i.pid.new"
  mv -f "$DIR/app-$i.pid.new" "$DIR/app-$i.pid"   # whoever reads app-I.pid reads a whole pid
}

start() {
  if ! [ -x "$NGINX" ]; then
    echo "error: $NGINX not found: install Debian's nginx (apt-get install nginx)" >&2
    exit 1
  fi
  case "$N" in ''|*[!0-9]*|0) echo "error: N must be a whole number >= 1, got '$N'" >&2; exit 1;; esac
  mkdir -p "$DIR"
  if ls "$DIR"/app-*.pid >/dev/null 2>&1 || [ -f "$DIR/nginx.pid" ] || [ -f "$DIR/supervisor.pid" ]; then
    echo "an earlier class is still registered in $DIR: stopping it first"
    stop quiet
  fi
  rm -f "$DIR"/app-*.restarts
  : >"$DIR/supervisor.log"
  if [ "${W2V_CLASS_WARM:-1}" != 0 ]; then
    echo "compiling the fast trainer's common vector sizes (once per machine)..."
    "$PY" -m ui.compiling 32 50 64 100 128 200 300
  fi
  # nginx detaches by itself
  SECRET=$("$PY" -c "import secrets; print(secrets.token_hex(24))")
  SLOTS=$(( $(nproc) / N )); [ "$SLOTS" -ge 1 ] || SLOTS=1
  servers="" sticky="" one_each=""
  for i in $(seq 0 $((N - 1))); do
    p=$((FIRST + i))
    : >"$DIR/app-$i.log"
    launch_app "$i"
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

# ---- the supervisor: restart a dead app process, never stop the class by itself ----

log() {  # a line in supervisor.log (and, in `run` mode, on the terminal)
  printf '%(%F %T)T %s\n' -1 "$*" >>"$DIR/supervisor.log"
  if [ "$CMD" = run ]; then echo "$*" >&2; fi
}

interruptible() {  # run a command that a stop request (INT/TERM) cuts short instead of waiting for it
  "$@" &
  local pid=$! rc=0
  wait "$pid" || rc=$?
  if [ -n "$STOPPING" ]; then
    kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    return 1
  fi
  return "$rc"
}

report_death() {  # report_death I PID: why app process I (pid PID) is gone, with the end of its log
  local i=$1 pid=$2 rc=0 why hint=""
  if [[ " $CHILDREN " == *" $pid "* ]]; then
    wait "$pid" 2>/dev/null || rc=$?
    if [ "$rc" -gt 128 ]; then
      why="killed by signal $((rc - 128)) (SIG$(kill -l $((rc - 128)) 2>/dev/null || echo '?'))"
      [ "$rc" -ne 137 ] || hint="; if nobody killed it, it may have run out of memory: check \`dmesg\`"
    else
      why="exited with status $rc"
    fi
  else
    why="killed or exited, status unknown (not started by this supervisor)"
    hint="; if it ran out of memory, \`dmesg\` says so"
  fi
  log "app process $i (port $((FIRST + i)), pid $pid) is gone: $why$hint; the last lines of $DIR/app-$i.log:"
  tail -n 15 "$DIR/app-$i.log" 2>/dev/null | sed 's/^/    | /' >>"$DIR/supervisor.log"
  if [ "$CMD" = run ]; then tail -n 15 "$DIR/app-$i.log" 2>/dev/null | sed 's/^/    | /' >&2; fi
}

await_app() {  # await_app I: the restarted process I answers its health check, then runs its first session
  local i=$1 p=$((FIRST + $1)) pid t0=$SECONDS
  pid=$(cat "$DIR/app-$i.pid")
  for _ in $(seq 1 300); do
    [ -z "$STOPPING" ] || return 0
    healthy "http://127.0.0.1:$p" && break
    alive "$pid" || { log "app process $i (port $p, pid $pid) did not come up"; return 1; }
    sleep 0.3
  done
  if ! healthy "http://127.0.0.1:$p"; then
    log "app process $i (port $p, pid $pid) did not answer in $((SECONDS - t0)) s: stopping it, to try again"
    kill -TERM "$pid" 2>/dev/null
    return 1
  fi
  if ! interruptible "$PY" -m deploy.stclient first-sessions "http://127.0.0.1:$p" >>"$DIR/supervisor.log" 2>&1; then
    [ -n "$STOPPING" ] && return 0
    log "warning: app process $i (port $p) failed its first session (see above); it serves anyway"
  fi
  log "app process $i (port $p) is back: pid $pid, answering $((SECONDS - t0)) s after its restart"
}

supervise() {  # every second, restart any app process that is gone; returns only once STOPPING is set
  set +e   # an unexpected failure here must not end the supervisor (nor, in `run` mode, the class)
  local i pid now lived restarts pending
  local -a recent=() next=() backoff=() launched=() seen=()
  for i in $(seq 0 $((N - 1))); do
    recent[i]="" next[i]=0 backoff[i]=30 launched[i]=$SECONDS seen[i]=""
  done
  while [ -z "$STOPPING" ]; do
    pending=""
    for i in $(seq 0 $((N - 1))); do
      [ -f "$DIR/app-$i.pid" ] || continue
      pid=$(cat "$DIR/app-$i.pid")
      alive "$pid" && continue
      now=$SECONDS
      if [ "${seen[i]}" != "$pid" ]; then        # a death not looked at yet
        seen[i]=$pid
        report_death "$i" "$pid"
        lived=$((now - launched[i]))
        restarts=""                              # its restarts in the last 60 s
        for t in ${recent[i]}; do [ $((now - t)) -gt 60 ] || restarts="$restarts $t"; done
        recent[i]=$restarts
        [ "$lived" -lt 60 ] || backoff[i]=30     # it had lived a minute: a fresh start
        # shellcheck disable=SC2086
        if [ "$(set -- $restarts; echo $#)" -ge 5 ] || { [ "${backoff[i]}" -gt 30 ] && [ "$lived" -lt 60 ]; }; then
          next[i]=$((now + backoff[i]))
          log "app process $i keeps dying ($(set -- $restarts; echo $#) restart(s) in the last 60 s, this one lived $lived s): next try in ${backoff[i]} s"
          backoff[i]=$((backoff[i] * 2 > 300 ? 300 : backoff[i] * 2))
        else
          next[i]=$now
        fi
      fi
      [ "$now" -ge "${next[i]}" ] || continue
      log "restarting app process $i (port $((FIRST + i)))"
      printf -- '---- %(%F %T)T restarted by the supervisor (the previous process, pid %s, is gone) ----\n' -1 \
        "$pid" >>"$DIR/app-$i.log"
      launch_app "$i"
      launched[i]=$SECONDS
      recent[i]="${recent[i]} $SECONDS"
      echo $(( $(cat "$DIR/app-$i.restarts" 2>/dev/null || echo 0) + 1 )) >"$DIR/app-$i.restarts"
      pending="$pending $i"
    done
    for i in $pending; do [ -n "$STOPPING" ] || await_app "$i"; done
    [ -n "$STOPPING" ] || sleep 1
  done
}

status() {
  local f pid name total=0 n
  for f in "$DIR"/app-*.pid "$DIR/nginx.pid" "$DIR/supervisor.pid"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f") name=$(basename "$f" .pid)
    if alive "$pid"; then echo -n "$name: running (pid $pid)"; else echo -n "$name: gone (pid $pid)"; fi
    case "$name" in
      app-*) n=$(cat "$DIR/$name.restarts" 2>/dev/null || echo 0); total=$((total + n)); echo ", restarted $n time(s)" ;;
      supervisor) echo ", $total restart(s) in all (see $DIR/supervisor.log)" ;;
      *) echo ;;
    esac
  done
  if ls "$DIR"/app-*.pid >/dev/null 2>&1 && ! [ -f "$DIR/supervisor.pid" ]; then
    echo "supervisor: none (dead app processes are not restarted)"
  fi
}

case "$CMD" in
  start)
    start
    # the supervisor in the background, in its own session, with what the app processes were started with
    W2V_CLASS_SECRET=$SECRET W2V_CLASS_SLOTS=$SLOTS W2V_CLASS_DIR=$DIR W2V_CLASS_TTL=$TTL PYTHON=$PY \
      setsid nohup "$ROOT/deploy/serve_class.sh" supervise "$N" "$PORT" "$FIRST" \
      >>"$DIR/supervisor.log" 2>&1 </dev/null &
    echo $! >"$DIR/supervisor.pid"
    echo "a supervisor (pid $!) restarts an app process that dies; see $DIR/supervisor.log" ;;
  supervise)   # internal: the background supervisor that `start` leaves running
    trap 'STOPPING=1' INT TERM
    log "supervisor started (pid $$): watching $N app process(es) on ports $FIRST-$((FIRST + N - 1))"
    supervise
    log "supervisor stopped" ;;
  stop) stop ;;
  status) status ;;
  run)
    trap 'stop; exit 0' INT TERM
    start
    echo $$ >"$DIR/supervisor.pid"
    trap 'STOPPING=1' INT TERM
    log "supervisor started (pid $$): watching $N app process(es) on ports $FIRST-$((FIRST + N - 1))"
    echo "press Ctrl-C to stop (an app process that dies is restarted; see $DIR/supervisor.log)"
    supervise
    stop
    exit 0 ;;
  *) echo "usage: $0 run|start|stop|status [N] [PORT] [FIRST_APP_PORT]" >&2; exit 2 ;;
esac
