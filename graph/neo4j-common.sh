# Shared by neo4j-up.sh, neo4j-down.sh and neo4j-status.sh (sourced, not run): where the local
# Neo4j keeps its files, and how to tell that a pid is still our launcher.
GRAPH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$GRAPH_DIR")
DATA_BASE=${PSYGRAPH_DATA_DIR:-.psygraph}
[[ $DATA_BASE == /* ]] || DATA_BASE=$ROOT/$DATA_BASE
DATA=$DATA_BASE/neo4j
PIDFILE=$DATA/pid
LOG=$DATA/console.log
MAIN_CLASS=dev.psygraph.neo4j.Main

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

# The pid in the pid file, if it names a live launcher process.
running_pid() {
  local pid
  [[ -f $PIDFILE ]] || return 1
  pid=$(<"$PIDFILE")
  [[ $pid =~ ^[0-9]+$ ]] && is_ours "$pid" && echo "$pid"
}
