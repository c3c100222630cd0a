#!/usr/bin/env bash
# The main job: installs what is missing, builds, then opens the studio on a
# bundled sample data set when a display is there, or runs a headless demo
# through easel-cli otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${EASEL_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh"

SAMPLE="$ROOT/resources/samples/penguins.csv"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$BUILD_DIR/bin/easel" "$SAMPLE"
fi

echo "No display found: running the headless demo on $(basename "$SAMPLE")." >&2
echo >&2
"$BUILD_DIR/bin/easel-cli" inspect "$SAMPLE"
