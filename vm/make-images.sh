#!/usr/bin/env bash
# Make the guest's ext4 and xfs filesystems once per kernel cache, with the host's own mkfs (the
# same binaries the guest would run over its 9p root). QEMU attaches them in snapshot mode, so a
# boot never changes them. xfsprogs refuses filesystems under 300 MB: sparse 512 MB files.
# ext4-nodtype.img is a small ext4 without the filetype feature (readdir gives DT_UNKNOWN), for
# cases that put their upper on it (`layer_fs: {upper: ext4-nodtype}`, R28). ext4-twin.img is a
# small ext4 made with ext4.img's UUID (`-U`), for cases that put one lower layer on it
# (`layer_fs: {lowers: [ext4, ext4-twin]}`, R12: super.c:ovl_lower_uuid_ok). ext4.img and
# ext4-twin.img have the verity feature, so a case's lower files can get fs-verity (R82), and 4 KiB
# blocks (mkfs gives a 64 MB ext4 1 KiB blocks; before 6.3 ext4 refuses to mount a verity fs whose
# block size is not the page size: "Unsupported blocksize for fs-verity").
# ext4-ro.img and xfs-ro.img hold lower layers on a filesystem that is read-only while the overlay
# is mounted (`layer_fs: {lower: ext4-ro}`): the guest builds the layer, then remounts the whole
# filesystem read-only (MS_RDONLY on its superblock) until the job ends.
# Each version of this script (and of mkfs) gets its own folder, images/<stamp>, so runs of
# different versions never remake each other's images.
# usage: vm/make-images.sh KERNEL_CACHE_DIR      prints the folder holding the images
set -euo pipefail
kdir=${1:?usage: make-images.sh KERNEL_CACHE_DIR}
stamp=$( (cat "$0"; mkfs.ext4 -V 2>&1; mkfs.xfs -V 2>&1) | sha256sum | cut -c1-16)
out="$kdir/images/$stamp"
images=(ext4 xfs ext4-nodtype ext4-twin ext4-ro xfs-ro)
ready=1
for i in "${images[@]}"; do [ -f "$out/$i.img" ] || ready=0; done
if [ "$ready" = 1 ]; then echo "$out"; exit 0; fi
command -v mkfs.xfs >/dev/null || { echo "make-images: error: mkfs.xfs missing: apt-get install xfsprogs" >&2; exit 128; }
mkdir -p "$out"
tmp=$(mktemp -d "$out/.make.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
uuid=$(cat /proc/sys/kernel/random/uuid)
truncate -s 512M "$tmp/ext4.img" "$tmp/xfs.img"
truncate -s 64M "$tmp/ext4-nodtype.img" "$tmp/ext4-twin.img" "$tmp/ext4-ro.img"
truncate -s 320M "$tmp/xfs-ro.img"
mkfs.ext4 -q -F -O verity -U "$uuid" "$tmp/ext4.img" >&2
mkfs.xfs -q -f "$tmp/xfs.img" >&2
mkfs.ext4 -q -F -O ^filetype "$tmp/ext4-nodtype.img" >&2
mkfs.ext4 -q -F -b 4096 -O verity -U "$uuid" "$tmp/ext4-twin.img" >&2
mkfs.ext4 -q -F -b 4096 "$tmp/ext4-ro.img" >&2
mkfs.xfs -q -f "$tmp/xfs-ro.img" >&2
# ext4.img last: the folder is complete once it is there (another run may be checking).
for i in xfs ext4-nodtype ext4-twin ext4-ro xfs-ro ext4; do mv "$tmp/$i.img" "$out/$i.img"; done
echo "$out"
