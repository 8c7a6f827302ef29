#!/usr/bin/env bash
# Report the local Neo4j: exit 0 if running (prints pid and URI), 3 if stopped.
set -euo pipefail

GRAPH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$GRAPH_DIR")
DATA_BASE=${PSYGRAPH_DATA_DIR:-.psygraph}
[[ $DATA_BASE == /* ]] || DATA_BASE=$ROOT/$DATA_BASE
DATA=$DATA_BASE/neo4j
PIDFILE=$DATA/pid
LOG=$DATA/console.log
MAIN_CLASS=dev.psygraph.neo4j.Main

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
if [[ ! $pid =~ ^[0-9]+$ ]]; then
  echo "stopped"
  exit 3
fi
if ! is_ours "$pid"; then
  echo "stopped (stale pid file: $pid)"
  exit 3
fi
uri=$(sed -n 's/^NEO4J_READY \(bolt:\/\/.*\)$/\1/p' "$LOG" 2>/dev/null | tail -n 1 || true)
if [[ -n $uri ]]; then
  echo "running pid $pid $uri"
else
  echo "starting pid $pid (not ready yet; see $LOG)"
fi
exit 0
