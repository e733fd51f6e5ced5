#!/usr/bin/env bash
# Extract fs/overlayfs/ and fs/internal.h from the cached linux-source-6.N tarball.
# usage: kmod/extract-source.sh KERNEL_CACHE_DIR    (as printed by scripts/fetch-kernel.sh)
# prints the folder that holds fs/overlayfs (usable as --module-src); exit 128 on a missing tarball.
set -euo pipefail
kdir=${1:?usage: extract-source.sh KERNEL_CACHE_DIR}
out="$kdir/src"
if [ -f "$out/.complete" ]; then echo "$out"; exit 0; fi
tarball=$(ls "$kdir"/root/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1)
[ -n "$tarball" ] || { echo "extract-source: error: no linux-source tarball under $kdir/root/usr/src (run scripts/fetch-kernel.sh)" >&2; exit 128; }
top=$(basename "$tarball" .tar.xz)
rm -rf "$out.tmp"; mkdir -p "$out.tmp"
tar -xJf "$tarball" -C "$out.tmp" --strip-components=1 "$top/fs/overlayfs" "$top/fs/internal.h"
rm -rf "$out"; mv "$out.tmp" "$out"
touch "$out/.complete"
echo "$out"
