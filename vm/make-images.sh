#!/usr/bin/env bash
# Make the guest's ext4 and xfs filesystems once per kernel cache, with the host's own mkfs (the
# same binaries the guest would run over its 9p root). QEMU attaches them in snapshot mode, so a
# boot never changes them. xfsprogs refuses filesystems under 300 MB: sparse 512 MB files.
# ext4-nodtype.img is a small ext4 without the filetype feature (readdir gives DT_UNKNOWN), for
# cases that put their upper on it (`layer_fs: {upper: ext4-nodtype}`, R28).
# usage: vm/make-images.sh KERNEL_CACHE_DIR      prints the folder holding ext4.img, xfs.img, ext4-nodtype.img
set -euo pipefail
kdir=${1:?usage: make-images.sh KERNEL_CACHE_DIR}
out="$kdir/images"
stamp=$( (cat "$0"; mkfs.ext4 -V 2>&1; mkfs.xfs -V 2>&1) | sha256sum | cut -c1-16)
if [ -f "$out/ext4.img" ] && [ -f "$out/xfs.img" ] && [ -f "$out/ext4-nodtype.img" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$out"; exit 0
fi
command -v mkfs.xfs >/dev/null || { echo "make-images: error: mkfs.xfs missing: apt-get install xfsprogs" >&2; exit 128; }
mkdir -p "$out"
rm -f "$out"/*.img "$out/stamp"
truncate -s 512M "$out/ext4.img.tmp" "$out/xfs.img.tmp"
truncate -s 64M "$out/ext4-nodtype.img.tmp"
mkfs.ext4 -q -F "$out/ext4.img.tmp" >&2
mkfs.xfs -q -f "$out/xfs.img.tmp" >&2
mkfs.ext4 -q -F -O ^filetype "$out/ext4-nodtype.img.tmp" >&2
mv "$out/ext4.img.tmp" "$out/ext4.img"; mv "$out/xfs.img.tmp" "$out/xfs.img"
mv "$out/ext4-nodtype.img.tmp" "$out/ext4-nodtype.img"
echo "$stamp" > "$out/stamp"
echo "$out"
