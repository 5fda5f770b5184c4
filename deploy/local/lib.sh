# Process and port helpers shared by deploy/local/services.sh and
# deploy/cluster/cluster.sh; sourced, not run. The caller defines RUN (its run
# dir: pids and env.sh live there), TIMEOUT (seconds a service has to answer),
# EXE (associative: service -> a word of its command line, which guards
# against stale pids), die and log.

# --- ports -------------------------------------------------------------------

# Port $1 if given and free, else a free one chosen by the kernel; never one
# already chosen (in $TAKEN).
TAKEN=""
free_port() {
  python3 - "$@" <<'EOF'
import os, socket, sys
taken = os.environ["TAKEN"].split()
for port in sys.argv[1:] + ["0"] * 20:
    with socket.socket() as s:
        # as servers do, so that connections in TIME_WAIT do not count as busy
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", int(port)))
        except (OSError, ValueError):
            continue
        if str(s.getsockname()[1]) not in taken:
            print(s.getsockname()[1])
            break
EOF
}

# Value of `export NAME=...` in the last env.sh, if any.
recorded() {
  [[ -f $RUN/env.sh ]] && sed -n "s/^export $1=//p" "$RUN/env.sh" | tr -d "'"
}

# Sets the port variable $1 of service $2: explicit env, else the recorded port
# (kept as is while the service runs, else re-used if free), else a free port.
resolve_port() {
  local var=$1 svc=$2 old
  old="$(recorded "$var" || true)"
  if [[ -z ${!var:-} ]]; then
    if [[ -n $old ]] && running "$svc"; then
      printf -v "$var" %s "$old"
    else
      printf -v "$var" %s "$(TAKEN=$TAKEN free_port "$old")"
    fi
  fi
  TAKEN+=" ${!var}"
}

# --- processes ---------------------------------------------------------------

pidfile() { echo "$RUN/$1.pid"; }

# is_exe PID SVC: PID runs SVC's executable.
is_exe() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "${EXE[$2]}"; }

running() {
  local pid
  pid="$(cat "$(pidfile "$1")" 2>/dev/null)" || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && is_exe "$pid" "$1"
}

# launch SVC DIR LOG CMD...: runs CMD in DIR, detached, output to LOG. Returns
# once the forked shell has become CMD (or died), so that `running` never takes
# the shell for a stale pid: on a loaded machine the exec can come after the
# first readiness probe.
launch() {
  local svc=$1 dir=$2 logf=$3 pid i
  shift 3
  (cd "$dir" && exec setsid "$@" >>"$logf" 2>&1 </dev/null 9>&-) &
  pid=$!
  echo "$pid" >"$(pidfile "$svc")"
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    is_exe "$pid" "$svc" && return 0
    sleep 0.05
  done
}

# wait_until SVC LOGFILES CMD...: retries CMD until it succeeds; on timeout or
# if the process dies, fails with the tail of the logs.
wait_until() {
  local svc=$1 logs=$2 deadline=$((SECONDS + TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    local why=""
    ((SECONDS < deadline)) || why="did not answer within ${TIMEOUT}s"
    running "$svc" || why="exited"
    if [[ -n $why ]]; then
      local f
      for f in $logs; do
        [[ -s $f ]] && { echo "==> $f <==" >&2; tail -n 30 "$f" >&2; }
      done
      die "$svc $why"
    fi
    sleep 0.3
  done
}

# Sends TERM to the services, waits up to 20 s for all of them, then KILLs.
stop_services() {
  local svc pid pids=() alive i
  for svc in "$@"; do
    if running "$svc"; then
      pid="$(cat "$(pidfile "$svc")")"
      kill -TERM "$pid" && pids+=("$pid")
    fi
  done
  for ((i = 0; i < 100 && ${#pids[@]} > 0; i++)); do
    sleep 0.2
    alive=()
    for pid in "${pids[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi
    done
    pids=("${alive[@]}")
  done
  for pid in "${pids[@]}"; do
    log "pid $pid ignored TERM for 20 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  done
  for svc in "$@"; do rm -f "$(pidfile "$svc")"; done
  log "stopped: $*"
}
