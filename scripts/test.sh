#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite.
#   scripts/test.sh            all tests
#   scripts/test.sh --quick    leave out the tests labelled "slow"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${EASEL_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh"

ctest_args=(--output-on-failure -j "${EASEL_JOBS:-$(nproc 2>/dev/null || echo 2)}")
if [ "${1:-}" = "--quick" ]; then ctest_args+=(-LE slow); fi
cd "$BUILD_DIR"
QT_QPA_PLATFORM=offscreen ctest "${ctest_args[@]}"
