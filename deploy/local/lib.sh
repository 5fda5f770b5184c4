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
declare -A LAUNCHED=()
launch() {
  local svc=$1 dir=$2 logf=$3 pid i
  shift 3
  (cd "$dir" && exec setsid "$@" >>"$logf" 2>&1 </dev/null 9>&-) &
  pid=$!
  LAUNCHED[$svc]=$pid
  echo "$pid" >"$(pidfile "$svc")"
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    is_exe "$pid" "$svc" && return 0
    sleep 0.05
  done
}

# How a service this shell launched ended: "status N" (a signal is 128+N).
exit_status() {
  local pid=${LAUNCHED[$1]:-} rc=0
  [[ -n $pid ]] || { echo "status unknown: not launched here"; return; }
  wait "$pid" 2>/dev/null || rc=$?
  echo "status $rc"
}

# await SVC LOGFILES CMD...: retries CMD until it succeeds. Fails with the tail
# of the logs: returns 1 if the process died, exits on timeout.
await() {
  local svc=$1 logs=$2 deadline=$((SECONDS + TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    local why=""
    ((SECONDS < deadline)) || why="did not answer within ${TIMEOUT}s"
    running "$svc" || why="exited ($(exit_status "$svc"))"
    if [[ -n $why ]]; then
      local f
      for f in $logs; do
        [[ -s $f ]] && { echo "==> $f <==" >&2; tail -n 30 "$f" >&2; }
      done
      [[ $why == exited* ]] && { log "$svc $why"; return 1; }
      die "$svc $why"
    fi
    sleep 0.3
  done
}

# wait_until SVC LOGFILES CMD...: await, and a death is fatal.
wait_until() { await "$@" || die "$1 did not start"; }

# serve SVC DIR LOG LOGFILES PROBE CMD...: launches CMD (unless SVC runs) and
# waits for PROBE. A service that dies before answering is launched again, up
# to three times: a start that fails once (a port taken between its choice and
# the bind, a signal from outside) does not fail the run, and each death is
# reported with its status and its logs.
serve() {
  local svc=$1 dir=$2 logf=$3 logs=$4 probe=$5 attempt
  shift 5
  for attempt in 1 2 3; do
    running "$svc" || launch "$svc" "$dir" "$logf" "$@"
    await "$svc" "$logs" "$probe" && return 0
    log "$svc: start attempt $attempt of 3 failed"
  done
  die "$svc did not start"
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
