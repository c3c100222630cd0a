#!/usr/bin/env bash
# Saves a PNG of each studio page into a folder (default ./screenshots): the
# empty data sets page, the penguins data set with a number column and a
# category column selected, the correlations, presentation mode, and the filled
# data sets page. Builds nothing: run after building (BUILD_DIR, default ./build).
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
