#!/usr/bin/env bash
# Build overlay.ko out of tree against the cached Debian headers.
#
# usage: kmod/build-module.sh SRC KERNEL_CACHE_DIR
#   SRC: a folder holding fs/overlayfs/*.c and fs/internal.h (a kernel tree, or the extracted copy),
#        or a folder that directly holds the overlayfs .c files (then ../internal.h must exist).
# Builds in ONE persistent folder per source folder (under KERNEL_CACHE_DIR/build/), copying only the
# files whose content changed, so make recompiles exactly what changed and never links stale objects
# from another tree (see the stale-object pitfall in the guest notes).
# stdout: the path of the built overlay.ko. exit: 0 ok, 125 the module does not build, 128 setup error.
set -uo pipefail
src=${1:?usage: build-module.sh SRC KERNEL_CACHE_DIR}; kdir=${2:?usage: build-module.sh SRC KERNEL_CACHE_DIR}
src=$(cd "$src" 2>/dev/null && pwd) || { echo "build-module: error: no such folder: $1" >&2; exit 128; }
if [ -d "$src/fs/overlayfs" ]; then ovl="$src/fs/overlayfs"; internal="$src/fs/internal.h"
else ovl="$src"; internal="$src/../internal.h"; fi
[ -f "$ovl/super.c" ] || { echo "build-module: error: $ovl holds no overlayfs source (super.c missing)" >&2; exit 128; }
[ -f "$internal" ] || { echo "build-module: error: $internal is missing (namei.c includes ../internal.h)" >&2; exit 128; }
kver=$(cat "$kdir/kver" 2>/dev/null) || { echo "build-module: error: $kdir is not a kernel cache (run scripts/fetch-kernel.sh)" >&2; exit 128; }
headers="$kdir/root/usr/src/linux-headers-$kver"
[ -f "$headers/Makefile" ] || { echo "build-module: error: no headers at $headers" >&2; exit 128; }

key=$(printf '%s' "$ovl" | sha256sum | cut -c1-16)
build="$kdir/build/$key"
mkdir -p "$build/fs/overlayfs"
echo "$ovl" > "$build/source-path"
sync_file() {   # copy only when the content differs, so make's timestamps stay meaningful
    cmp -s "$1" "$2" || cp "$1" "$2"
}
sync_file "$internal" "$build/fs/internal.h"
for f in "$ovl"/*.[ch] "$ovl"/Makefile "$ovl"/Kconfig; do
    [ -f "$f" ] && sync_file "$f" "$build/fs/overlayfs/$(basename "$f")"
done
# Drop files that vanished from the source (and their objects); overlay.mod.c is modpost's own
# (6.1's kbuild has no rule to remake overlay.mod.o once it is gone).
for f in "$build"/fs/overlayfs/*.[ch]; do
    case "$f" in *.mod.c) continue;; esac
    [ -f "$ovl/$(basename "$f")" ] || rm -f "$f" "${f%.c}.o"
done
log="$build/build.log"
if ! make -C "$headers" M="$build/fs/overlayfs" CONFIG_OVERLAY_FS=m -j"$(nproc)" modules >"$log" 2>&1; then
    grep -E 'error|Error' "$log" | head -n 20 >&2
    echo "build-module: error: overlay.ko did not build from $ovl (full log: $log)" >&2
    exit 125
fi
echo "$build/fs/overlayfs/overlay.ko"
