#!/usr/bin/env bash
# Stop the local Neo4j started by neo4j-up.sh: SIGTERM (clean shutdown), SIGKILL after 30 s.
# Exits 0 when nothing is running.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/neo4j-common.sh"
STOP_TIMEOUT=30

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
