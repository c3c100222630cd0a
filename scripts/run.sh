#!/usr/bin/env bash
# The main job: installs what is missing, builds, then opens the studio on a
# bundled sample data set when a display is there, or runs a headless demo
# build through easel-cli otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${EASEL_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh"

SAMPLE="$ROOT/resources/samples/penguins.csv"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$BUILD_DIR/bin/easel" "$SAMPLE"
fi

CLI="$BUILD_DIR/bin/easel-cli"
OUT="${EASEL_DEMO_DIR:-$BUILD_DIR/demo}"
mkdir -p "$OUT"
echo "No display found: a headless demo on $(basename "$SAMPLE") (results in $OUT)." >&2
echo
echo "== 1. What the file holds"
"$CLI" inspect "$SAMPLE"
echo
echo "== 2. A quick build predicting the species (30 s budget)"
"$CLI" build "$SAMPLE" --target species --mode quick --time-limit "${EASEL_DEMO_SECONDS:-30}" \
  --out "$OUT/penguins.easel"
echo
echo "== 3. Which columns drive it"
"$CLI" explain "$OUT/penguins.easel"
echo
echo "== 4. Predictions for every row"
"$CLI" predict "$OUT/penguins.easel" "$SAMPLE" --out "$OUT/penguins-predictions.csv"
head -n 4 "$OUT/penguins-predictions.csv"
echo
echo "== 5. One row, explained"
"$CLI" predict "$OUT/penguins.easel" --row \
  '{"island": "Biscoe", "bill_length_mm": "47.5", "bill_depth_mm": "15.0", "flipper_length_mm": "218", "body_mass_g": "4950", "sex": "MALE"}'
