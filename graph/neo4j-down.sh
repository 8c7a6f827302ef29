#!/usr/bin/env bash
# Stop the local Neo4j started by neo4j-up.sh: SIGTERM (clean shutdown), SIGKILL after 30 s.
# Exits 0 when nothing is running.
set -euo pipefail

GRAPH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$GRAPH_DIR")
DATA_BASE=${PSYGRAPH_DATA_DIR:-.psygraph}
[[ $DATA_BASE == /* ]] || DATA_BASE=$ROOT/$DATA_BASE
DATA=$DATA_BASE/neo4j
PIDFILE=$DATA/pid
MAIN_CLASS=dev.psygraph.neo4j.Main
STOP_TIMEOUT=30

# Alive, not a zombie, and still our launcher (guards against pid reuse).
is_ours() {
  local pid=$1 state
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/cmdline ]]; then
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
    [[ $state != Z ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$MAIN_CLASS"
  else
    ps -o args= -p "$pid" 2>/dev/null | grep -q "$MAIN_CLASS"
  fi
}

pid=$(cat "$PIDFILE" 2>/dev/null || true)
if [[ ! $pid =~ ^[0-9]+$ ]] || ! is_ours "$pid"; then
  rm -f "$PIDFILE"
  echo "neo4j: not running"
  exit 0
fi

kill -TERM "$pid" 2>/dev/null || true
for ((i = 0; i < STOP_TIMEOUT * 2; i++)); do
  is_ours "$pid" || break
  sleep 0.5
done
if is_ours "$pid"; then
  echo "neo4j: still running after ${STOP_TIMEOUT}s, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 20; i++)); do
    is_ours "$pid" || break
    sleep 0.25
  done
fi
rm -f "$PIDFILE"
echo "neo4j: stopped (pid $pid)"
