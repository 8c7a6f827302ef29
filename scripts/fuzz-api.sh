#!/usr/bin/env bash
# Fuzzes the HTTP API against its own OpenAPI document with schemathesis (from PyPI): every check,
# a fixed seed, the server on a free loopback port over a throw-away data directory.
#
#   bash scripts/fuzz-api.sh            # seed 1 (FUZZ_SEED=N for another)
#
# schemathesis is installed once into a virtual environment outside the clone, keyed by version:
# ${XDG_CACHE_HOME:-$HOME/.cache}/psygraph/schemathesis-<version>. What each check may expect
# beyond its defaults is set in schemathesis.toml, with the reason beside each setting.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.32.5
SEED="${FUZZ_SEED:-1}"
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/psygraph/schemathesis-$VERSION"
if [ ! -x "$VENV/bin/st" ]; then
  echo "fuzz: installing schemathesis $VERSION into $VENV" >&2
  python3 -m venv "$VENV.tmp"
  "$VENV.tmp/bin/pip" install -q "schemathesis==$VERSION"
  rm -rf "$VENV" && mv "$VENV.tmp" "$VENV"
  # a venv's scripts name their interpreter by path: rewrite them for the final folder
  sed -i "1s|$VENV.tmp|$VENV|" "$VENV"/bin/*
fi

[ -f dist/cli/index.js ] || npm run build >/dev/null
DATA="$(mktemp -d)"
LOG="$DATA/server.log"
node dist/cli/index.js --data-dir "$DATA" serve --port 0 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT

URL=""
for _ in $(seq 1 100); do
  URL="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$LOG" | head -1 || true)"
  [ -n "$URL" ] && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.2
done
[ -n "$URL" ] || { echo "fuzz: the server did not start" >&2; cat "$LOG" >&2; exit 1; }

# run from the data directory so that schemathesis keeps its cache out of the clone
CONFIG="$PWD/schemathesis.toml"
cd "$DATA"
# schemathesis ends with a pytest-like banner ("==== 2 warnings in 31.9s ===="), which a CI log
# reader may take for a test run that executed nothing; it is printed as a plain "fuzz:" line
# (pipefail, set above, keeps schemathesis's exit status)
"$VENV/bin/st" --config-file "$CONFIG" run "$URL/api/openapi.json" --checks all --seed "$SEED" "$@" |
  sed -E 's/^=+ (.* in [0-9.]+s) =+$/fuzz: \1/'

