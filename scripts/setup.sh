#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages only), configures and builds Easel.
# Idempotent: when nothing changed it checks the packages and runs a no-op build.
#
#   scripts/setup.sh [--no-gui]
#
# Environment: EASEL_BUILD_DIR (default: build), EASEL_JOBS (default: number of cores).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${EASEL_BUILD_DIR:-$ROOT/build}"
JOBS="${EASEL_JOBS:-$(nproc 2>/dev/null || echo 2)}"

PACKAGES=(
  # toolchain
  cmake g++ ninja-build ccache pkg-config
  # libraries
  qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-svg-dev libqt6sql6-sqlite libsqlite3-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  libtorch-dev libxgboost-dev
  # an optimised BLAS for LibTorch: without it Debian's libtorch runs on the
  # reference BLAS, and a network on adult trains 5 times slower
  libopenblas0-openmp
  # running the studio and its GUI tests without a screen
  xvfb xauth fonts-dejavu-core
  # packaging (CPack DEB) and its test
  dpkg-dev file
  # test and benchmark peers
  python3 python3-pandas python3-xgboost
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "easel: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO="sudo"; else
      echo "easel: these packages are missing and this is not root: ${missing[*]}" >&2
      echo "easel: install them with apt-get as root, then run this again." >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ccache: compile results are reused across checkouts of the same sources.
export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=true CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"

cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--no-gui" ]; then cmake_args+=(-DEASEL_BUILD_GUI=OFF); fi

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" "${cmake_args[@]}" >/dev/null
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
