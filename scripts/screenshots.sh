#!/usr/bin/env bash
# Saves a PNG of each studio page into a folder (default ./screenshots): the
# empty data sets page, the penguins data set with a number column and a
# category column selected, the correlations, presentation mode, the filled
# data sets page; then the Build page with its preview and its settings, a build in progress, the
# model page (penguins species: answer, metrics, column impact, confusion
# matrix, leaderboard and settings), both Predict tabs, and an abalone Rings
# regression model with its predicted-vs-actual and residual charts. The two
# quick builds get EASEL_SCREENSHOT_BUILD_SECONDS each (default 20), so the
# tour takes about two minutes. Builds nothing: run after building (BUILD_DIR,
# default ./build; the trainer plugins must be built too).
# Runs under a virtual X server with a throw-away library, so it never touches
# the user's own library or remembered window layout.
# Optional, to see the studio as other screens show it:
#   EASEL_SCREENSHOT_SIZE=1280x720    the window's size (default 1400x900)
#   EASEL_SCREENSHOT_SCALE=2          HiDPI: Qt's scale factor (QT_SCALE_FACTOR), so
#                                     the PNGs have twice the pixels of the window size
#   EASEL_SCREENSHOT_PRESENTATION=1   the whole tour in presentation mode
#   EASEL_SCREENSHOT_CSV=FILE EASEL_SCREENSHOT_TARGET=COLUMN   another data set and
#                                     the column to predict (default: penguins, species)
# e.g. EASEL_SCREENSHOT_SIZE=1280x720 EASEL_SCREENSHOT_PRESENTATION=1 scripts/screenshots.sh shots-projector
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

SIZE="${EASEL_SCREENSHOT_SIZE:-1400x900}"
if ! [[ "$SIZE" =~ ^([0-9]+)x([0-9]+)$ ]]; then
  echo "EASEL_SCREENSHOT_SIZE must look like 1280x720, not \"$SIZE\"." >&2
  exit 1
fi
SCALE="${EASEL_SCREENSHOT_SCALE:-${QT_SCALE_FACTOR:-1}}"
if ! [[ "$SCALE" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
  echo "EASEL_SCREENSHOT_SCALE must be a number such as 2 or 1.5, not \"$SCALE\"." >&2
  exit 1
fi
# The virtual screen holds the window at its scale, with room to spare.
SCREEN="$(awk -v s="$SCALE" -v size="$SIZE" 'BEGIN {
  split(size, p, "x"); printf "%dx%d", p[1] * s + 64, p[2] * s + 64 }')"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"

EASEL_LIBRARY="$TMP/library.easeldb" XDG_CONFIG_HOME="$TMP/config" QT_QPA_PLATFORM=xcb \
  QT_SCALE_FACTOR="$SCALE" EASEL_SCREENSHOT_SIZE="$SIZE" \
  xvfb-run -a -s "-screen 0 ${SCREEN}x24" \
  "$EASEL" --screenshot-dir "$OUT_DIR" "$SAMPLE"
ls -1 "$OUT_DIR"/*.png
