#!/usr/bin/env bash
# Installs what the local services (deploy/local/services.sh) and the SQL
# checker need, skipping everything already present, so it is fast when
# nothing is missing:
#   - Debian packages: clickhouse-server clickhouse-client prometheus
#     python3-venv curl, zookeeper (deploy/cluster/cluster.sh; their system
#     services are never started), chromium
#     (the dashboard's browser tests), and nodejs and npm when no node is on
#     PATH (the browser tests' driver, tests/browser);
#   - the tansu Kafka-protocol broker, built with cargo into
#     "$CACHE/tansu-0.6.0" (about 8 minutes cold on 2 cores);
#   - with --with-chdb: a Python venv "$CACHE/venv-chdb" holding chdb
#     (--chdb-only: that venv alone, as deploy/local/check-sql.sh needs).
# CACHE is $CMP_CACHE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/cmp.
# Usage: deploy/local/install.sh [--with-chdb | --chdb-only]
set -euo pipefail

TANSU_VERSION=0.6.0
# build-essential, pkg-config, zlib1g-dev: librdkafka is built from source by rdkafka-sys.
APT_PACKAGES=(clickhouse-server clickhouse-client prometheus python3-venv curl zookeeper build-essential pkg-config zlib1g-dev chromium)
# The machine's own Node.js (with npm) is used when there is one.
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
TANSU_ROOT="$CACHE/tansu-$TANSU_VERSION"
CHDB_VENV="$CACHE/venv-chdb"

with_chdb=0 chdb_only=0
for arg in "$@"; do
  case "$arg" in
    --with-chdb) with_chdb=1 ;;
    --chdb-only) with_chdb=1 chdb_only=1 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "install.sh: $*" >&2; }

sudo_if_needed() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

install_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0

  log "installing Debian packages: ${missing[*]}"
  # Keep package scripts from starting system services: we run our own.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | sudo_if_needed tee "$policy" >/dev/null
    sudo_if_needed chmod 755 "$policy"
    created_policy=1
  fi
  # Wait (up to 20 min) for any other apt/dpkg run instead of failing on its lock.
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=1200)
  local rc=0
  { sudo_if_needed "${apt[@]}" update -q &&
    sudo_if_needed "${apt[@]}" install -y -q --no-install-recommends "${missing[@]}"; } || rc=$?
  [[ $created_policy -eq 1 ]] && sudo_if_needed rm -f "$policy"
  return "$rc"
}

install_tansu() {
  local bin="$TANSU_ROOT/bin/tansu"
  [[ -x $bin ]] && return 0
  mkdir -p "$CACHE"
  # One build at a time per cache: a second caller waits for the first.
  exec 9>"$CACHE/tansu-$TANSU_VERSION.lock"
  flock 9
  # A build started by hand (not through this script) into the same root.
  if pgrep -f "cargo install tansu.*--root $TANSU_ROOT" >/dev/null; then
    log "waiting for a running 'cargo install tansu' into $TANSU_ROOT"
    while pgrep -f "cargo install tansu.*--root $TANSU_ROOT" >/dev/null; do sleep 5; done
  fi
  if [[ ! -x $bin ]]; then
    log "building tansu $TANSU_VERSION into $TANSU_ROOT (about 8 minutes)"
    cargo install tansu --version "$TANSU_VERSION" --locked \
      --features dynostore,libsql --root "$TANSU_ROOT"
  fi
  exec 9>&-
}

install_chdb() {
  [[ -x $CHDB_VENV/bin/python ]] && "$CHDB_VENV/bin/python" -c 'import chdb' 2>/dev/null && return 0
  log "creating $CHDB_VENV with chdb"
  # Debian's python3 (python3-venv above), not whatever python3 is on PATH.
  local python=${CMP_PYTHON:-/usr/bin/python3}
  "$python" -m venv "$CHDB_VENV"
  "$CHDB_VENV/bin/pip" install -q chdb
}

if [[ $chdb_only -eq 0 ]]; then install_apt_packages; fi
if [[ $with_chdb -eq 1 ]]; then install_chdb; log "ok: chdb in $CHDB_VENV"; fi
if [[ $chdb_only -eq 0 ]]; then install_tansu; log "ok: tansu at $TANSU_ROOT/bin/tansu"; fi
