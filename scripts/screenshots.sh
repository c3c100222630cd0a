#!/usr/bin/env bash
# Saves a PNG of each studio page into a folder (default ./screenshots): the
# empty data sets page, the penguins data set with a number column and a
# category column selected, the correlations, presentation mode, the filled
# data sets page; then the Build page with its preview, a build in progress, the
# model page (penguins species: answer, metrics, column impact, confusion
# matrix, leaderboard and settings), both Predict tabs, and an abalone Rings
# regression model with its predicted-vs-actual and residual charts. The two
# quick builds get EASEL_SCREENSHOT_BUILD_SECONDS each (default 20), so the
# tour takes about two minutes. Builds nothing: run after building (BUILD_DIR,
# default ./build; the trainer plugins must be built too).
# Runs under a virtual X server with a throw-away library, so it never touches
# the user's own library or remembered window layout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-${EASEL_BUILD_DIR:-$ROOT/build}}"
OUT_DIR="${1:-./screenshots}"
EASEL="$BUILD_DIR/bin/easel"
SAMPLE="${EASEL_SCREENSHOT_CSV:-$ROOT/resources/samples/penguins.csv}"

if [ ! -x "$EASEL" ]; then
  echo "No studio binary at $EASEL: build it first (cmake --build \"$BUILD_DIR\" --target easel)." >&2
  exit 1
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "xvfb-run is missing: install the xvfb package (apt-get install xvfb)." >&2
  exit 1
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"

EASEL_LIBRARY="$TMP/library.easeldb" XDG_CONFIG_HOME="$TMP/config" QT_QPA_PLATFORM=xcb \
  xvfb-run -a -s '-screen 0 1400x900x24' \
  "$EASEL" --screenshot-dir "$OUT_DIR" "$SAMPLE"
ls -1 "$OUT_DIR"/*.png
