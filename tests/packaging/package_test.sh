#!/usr/bin/env bash
# Builds the Debian package, unpacks it into a scratch root with dpkg -x and
# runs the installed easel-cli from there: --version, and an inspect of an
# installed sample (which proves the private library is found through RPATH).
set -euo pipefail
BUILD_DIR="$1"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

cd "$BUILD_DIR"
cpack -G DEB -B "$SCRATCH/out" >"$SCRATCH/cpack.log" 2>&1 || { cat "$SCRATCH/cpack.log"; exit 1; }
DEB="$(ls "$SCRATCH"/out/easel_*.deb | head -n1)"
echo "package: $(basename "$DEB") ($(du -h "$DEB" | cut -f1))"
dpkg-deb --info "$DEB" | grep -E "Package|Version|Depends" || true

dpkg -x "$DEB" "$SCRATCH/root"
CLI="$SCRATCH/root/usr/bin/easel-cli"
test -x "$CLI" || { echo "easel-cli is not in the package"; exit 1; }
test -x "$SCRATCH/root/usr/bin/easel" || { echo "easel is not in the package"; exit 1; }
test -f "$SCRATCH/root/usr/share/applications/org.easel.Easel.desktop"
test -f "$SCRATCH/root/usr/share/metainfo/org.easel.Easel.metainfo.xml"
test -f "$SCRATCH/root/usr/share/icons/hicolor/scalable/apps/org.easel.Easel.svg"
ls "$SCRATCH"/root/usr/lib/*/easel/plugins/*.so >/dev/null 2>&1 || ls "$SCRATCH"/root/usr/lib/easel/plugins/*.so >/dev/null

version="$("$CLI" --version)"
echo "$version"
case "$version" in easel-cli\ *) ;; *) echo "unexpected version output"; exit 1;; esac
EASEL_LIBRARY="$SCRATCH/lib.easeldb" "$CLI" inspect "$SCRATCH/root/usr/share/easel/samples/iris.csv" | grep -q "150 rows"
echo "installed easel-cli works"
