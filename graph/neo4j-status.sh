#!/usr/bin/env bash
# Report the local Neo4j: exit 0 if running (prints pid and URI), 3 if stopped.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/neo4j-common.sh"

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
